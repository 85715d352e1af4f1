/* app: the legality of an app's connectors and routes (C1, C2) and who serves an app (C1). */
#include "app.h"

#include <string.h>

#include "learn.h"

bool app_check_connector(const char *selector, errinfo_t *err)
{
    if (selector == NULL) {
        errinfo_set(err, "connector selector is missing: name a tag such as tag:connector");
        return false;
    }
    /* C1: a connector is chosen by tag; "*" would make every node one. */
    if (strcmp(selector, "*") == 0) {
        errinfo_set(err, "connector selector '*' is not allowed: name a tag such as "
                         "tag:connector");
        return false;
    }
    return true;
}

/* The widest prefix containing p that is still disallowed (L4): the range p sits in. Prefixes
 * containing p are disallowed from some length on, so the first disallowed length wins. */
static pfx_t disallowed_range_of(const pfx_t *p)
{
    pfx_addr_t first = pfx_first(p);
    for (unsigned len = 0; len < p->len; len++) {
        pfx_t q = pfx_make(&first, len);
        if (learn_prefix_disallowed(&q))
            return q;
    }
    return *p;
}

bool app_check_route(const pfx_t *route, errinfo_t *err)
{
    char text[PFX_TEXT_MAX];
    pfx_format(route, text);
    if (route->len == 0) {
        errinfo_set(err, "route %s is not allowed in an app's routes: to send all traffic "
                         "through a node, use an exit node", text);
        return false;
    }
    if (learn_prefix_disallowed(route)) {
        pfx_t range = disallowed_range_of(route);
        char range_text[PFX_TEXT_MAX];
        pfx_format(&range, range_text);
        if (pfx_equal(&range, route))
            errinfo_set(err, "route %s is not allowed: it is the never-routed range %s (L4)",
                        text, range_text);
        else
            errinfo_set(err, "route %s is not allowed: it is inside the never-routed range %s "
                             "(L4)", text, range_text);
        return false;
    }
    return true;
}

bool app_serves(const app_t *app, const char *const *tags, size_t n_tags, bool advertise_connector)
{
    if (!advertise_connector)
        return false;
    for (size_t i = 0; i < app->n_connectors; i++) {
        /* "*" is rejected at load (C1); even if it got here it names no tag. */
        if (app->connectors[i] == NULL || strcmp(app->connectors[i], "*") == 0)
            continue;
        for (size_t j = 0; j < n_tags; j++)
            if (tags[j] != NULL && strcmp(app->connectors[i], tags[j]) == 0)
                return true;
    }
    return false;
}
