#include "ctrl.h"

#include <string.h>

#include "thash.h"

#define TAG_PREFIX "tag:"
#define TAG_PREFIX_LEN 4

bool ctrl_selector_check(const char *selector, errinfo_t *err)
{
    if (selector == NULL || selector[0] == '\0') {
        errinfo_set(err, "empty target selector");
        return false;
    }
    if (strcmp(selector, "*") == 0)
        return true;
    for (const unsigned char *c = (const unsigned char *)selector; *c != '\0'; c++) {
        if (*c <= ' ' || *c == 0x7f) {
            errinfo_set(err, "target selector '%s' contains a space or control character",
                        selector);
            return false;
        }
    }
    if (strchr(selector, '*') != NULL) {
        errinfo_set(err, "target selector '%s': '*' is valid only as the whole selector",
                    selector);
        return false;
    }
    if (strncmp(selector, TAG_PREFIX, TAG_PREFIX_LEN) == 0) {
        const char *name = selector + TAG_PREFIX_LEN;
        if (name[0] == '\0') {
            errinfo_set(err, "target selector 'tag:' has an empty tag name");
            return false;
        }
        if (strchr(name, ':') != NULL) {
            errinfo_set(err, "target selector '%s': a tag name cannot contain ':'", selector);
            return false;
        }
        return true;
    }
    if (strchr(selector, ':') != NULL) {
        /* Users, groups and autogroups are not modelled (S3); saying so beats matching nothing. */
        errinfo_set(err,
                    "target selector '%s' is not supported: targets are '*', 'tag:NAME' or a "
                    "node name",
                    selector);
        return false;
    }
    return true;
}

static bool has_tag(const char *tag, const char *const *tags, size_t n_tags)
{
    for (size_t i = 0; i < n_tags; i++)
        if (tags[i] != NULL && strcmp(tags[i], tag) == 0)
            return true;
    return false;
}

bool ctrl_selector_matches(const char *selector, const char *node_name, const char *const *tags,
                           size_t n_tags)
{
    if (selector == NULL)
        return false;
    if (strcmp(selector, "*") == 0)
        return true;
    if (strncmp(selector, TAG_PREFIX, TAG_PREFIX_LEN) == 0)
        return has_tag(selector, tags, n_tags);
    return node_name != NULL && strcmp(selector, node_name) == 0;
}

bool ctrl_selectors_match_any(const char *const *selectors, size_t n, const char *node_name,
                              const char *const *tags, size_t n_tags)
{
    for (size_t i = 0; i < n; i++)
        if (ctrl_selector_matches(selectors[i], node_name, tags, n_tags))
            return true;
    return false;
}

/* a + b for b >= 0, saturating at INT64_MAX. */
static int64_t add_saturating(int64_t a, int64_t b)
{
    int64_t sum;
    if (__builtin_add_overflow(a, b, &sum))
        return INT64_MAX; /* b >= 0: only upward overflow is possible */
    return sum;
}

int64_t ctrl_propagation_at(int64_t t, uint64_t seed, uint64_t node_id, int64_t delay,
                            int64_t jitter)
{
    if (delay < 0)
        delay = 0;
    if (jitter < 0)
        jitter = 0;
    /* jitter + 1 cannot overflow in 64 unsigned bits; the remainder is <= jitter. */
    int64_t j = (int64_t)(thash(seed, node_id) % ((uint64_t)jitter + 1u));
    return add_saturating(add_saturating(t, delay), j);
}
