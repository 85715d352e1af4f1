#include "approve.h"

#include <string.h>

#define TAG_PREFIX "tag:"
#define TAG_PREFIX_LEN 4

bool ctrl_is_exit_route(const pfx_t *p)
{
    return p->len == 0;
}

/* True when one of the approvers is a "tag:" approver that the node carries. Non-tag approvers
 * stand for users and groups, which the model does not have, so they never match. */
static bool lists_node_tag(const char *const *approvers, size_t n, const char *const *tags,
                           size_t n_tags)
{
    for (size_t i = 0; i < n; i++) {
        const char *a = approvers[i];
        if (a == NULL || strncmp(a, TAG_PREFIX, TAG_PREFIX_LEN) != 0)
            continue;
        for (size_t t = 0; t < n_tags; t++)
            if (tags[t] != NULL && strcmp(tags[t], a) == 0)
                return true;
    }
    return false;
}

bool ctrl_route_auto_approved(const ctrl_approver_t *rules, size_t n, const pfx_t *p,
                              const char *const *tags, size_t n_tags)
{
    if (ctrl_is_exit_route(p) || n_tags == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (pfx_covers(&rules[i].prefix, p) &&
            lists_node_tag(rules[i].approvers, rules[i].n, tags, n_tags))
            return true;
    return false;
}

bool ctrl_exit_auto_approved(const char *const *exit_approvers, size_t n, const char *const *tags,
                             size_t n_tags)
{
    return lists_node_tag(exit_approvers, n, tags, n_tags);
}

bool ctrl_auto_approved(const ctrl_autoapprovers_t *aa, const pfx_t *p, const char *const *tags,
                        size_t n_tags)
{
    if (aa == NULL)
        return false;
    if (ctrl_is_exit_route(p))
        return ctrl_exit_auto_approved(aa->exit_node, aa->n_exit_node, tags, n_tags);
    return ctrl_route_auto_approved(aa->routes, aa->n_routes, p, tags, n_tags);
}
