/* scenario_read: the typed readers (strings, numbers, durations, prefixes, names, lists) and
 * the references between sections (nodes, regions, files) that every section of the loader
 * uses (see scenario_internal.h). Each reports what is wrong at the value and returns false. */
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_internal.h"
#include "suggest.h"

/* ---- typed readers ---- */

bool ld_str_view(ld_t *ld, const jv_t *v, size_t max, bool allow_empty, const char **view)
{
    if (!ld_is(ld, v, JSON_STRING, "a string"))
        return false;
    size_t len = json_string_length(v->j);
    if (len > max) {
        ld_err(ld, v, "the string is %zu bytes long; at most %zu are accepted", len, max);
        return false;
    }
    if (len == 0 && !allow_empty) {
        ld_err(ld, v, "must not be empty");
        return false;
    }
    *view = json_string_value(v->j);
    return true;
}

bool ld_str(ld_t *ld, const jv_t *v, size_t max, bool allow_empty, char **out)
{
    const char *view;
    if (!ld_str_view(ld, v, max, allow_empty, &view))
        return false;
    char *d = ld_strdup(ld, view);
    if (d == NULL)
        return false;
    free(*out);
    *out = d;
    return true;
}

bool ld_bool(ld_t *ld, const jv_t *v, bool *out)
{
    if (!json_is_boolean(v->j)) {
        ld_err(ld, v, "must be true or false, not %s", ld_type_name(v->j));
        return false;
    }
    *out = json_is_true(v->j);
    return true;
}

bool ld_u64(ld_t *ld, const jv_t *v, uint64_t *out)
{
    if (json_is_integer(v->j)) {
        json_int_t i = json_integer_value(v->j);
        if (i < 0) {
            ld_err(ld, v, "must not be negative (%lld)", (long long)i);
            return false;
        }
        *out = (uint64_t)i;
        return true;
    }
    if (json_is_string(v->j)) {
        const char *s = json_string_value(v->j);
        uint64_t x = 0;
        bool ok = *s != '\0';
        for (const char *p = s; ok && *p != '\0'; p++) {
            unsigned d = (unsigned)(*p - '0');
            ok = d <= 9 && x <= (UINT64_MAX - d) / 10;
            x = x * 10 + d;
        }
        if (ok) {
            *out = x;
            return true;
        }
        ld_err(ld, v, "'%.64s' is not an unsigned 64-bit integer (decimal digits, at most "
                      "18446744073709551615)", s);
        return false;
    }
    ld_err(ld, v, "must be an unsigned integer (or a string of decimal digits), not %s",
           ld_type_name(v->j));
    return false;
}

bool ld_duration(ld_t *ld, const jv_t *v, sim_time_t *out)
{
    if (json_is_integer(v->j)) {
        json_int_t i = json_integer_value(v->j);
        if (i < 0) {
            ld_err(ld, v, "a duration must not be negative (%lld ns)", (long long)i);
            return false;
        }
        *out = (sim_time_t)i;
        return true;
    }
    if (json_is_string(v->j)) {
        const char *view;
        errinfo_t e;
        if (!ld_str_view(ld, v, 64, false, &view))
            return false;
        if (simtime_parse(view, out, &e) != 0) {
            ld_err(ld, v, "%s", e.msg);
            return false;
        }
        return true;
    }
    if (json_is_real(v->j)) {
        ld_err(ld, v, "a duration is a string with a unit (\"1.5s\", \"150ms\") or an integer of "
                      "nanoseconds, not a real number");
        return false;
    }
    ld_err(ld, v, "must be a duration (\"2.5s\", \"150ms\", or integer nanoseconds), not %s",
           ld_type_name(v->j));
    return false;
}

bool ld_prefix(ld_t *ld, const jv_t *v, pfx_t *out)
{
    const char *view;
    if (!ld_str_view(ld, v, 128, false, &view))
        return false;
    errinfo_t e;
    if (!pfx_parse(view, strlen(view), false, out, &e)) {
        ld_err(ld, v, "%s", e.msg);
        return false;
    }
    return true;
}

bool ld_addr(ld_t *ld, const jv_t *v, pfx_addr_t *out)
{
    const char *view;
    if (!ld_str_view(ld, v, 128, false, &view))
        return false;
    if (!pfx_addr_parse(view, strlen(view), out)) {
        ld_err(ld, v, "'%s' is not an IPv4 or IPv6 address", view);
        return false;
    }
    return true;
}

bool ld_dns_name(ld_t *ld, const jv_t *v, bool allow_wildcard, bool allow_root, char **out)
{
    const char *view;
    if (!ld_str_view(ld, v, 1024, false, &view))
        return false;
    if (allow_root && strcmp(view, ".") == 0) {
        char *d = ld_strdup(ld, "");
        if (d != NULL) {
            free(*out);
            *out = d;
        }
        return d != NULL;
    }
    dn_domain_t d;
    errinfo_t e;
    if (!dn_domain_parse(view, strlen(view), &d, &e)) {
        ld_err(ld, v, "%s", e.msg);
        return false;
    }
    if (d.wildcard && !allow_wildcard) {
        ld_err(ld, v, "'%s' is a wildcard; a DNS name is needed here", view);
        return false;
    }
    char *c = ld_strdup(ld, d.name);
    if (c == NULL)
        return false;
    free(*out);
    *out = c;
    return true;
}

bool ld_rr_type(ld_t *ld, const jv_t *v, uint16_t *out)
{
    const char *view;
    if (!ld_str_view(ld, v, 32, false, &view))
        return false;
    ldns_rr_type t = ldns_get_rr_type_by_name(view);
    if (t == 0 || (unsigned long)t > UINT16_MAX) { /* "TYPE70000" parses, but does not fit */
        ld_err(ld, v, "'%s' is not a DNS record type (\"A\", \"AAAA\", \"CNAME\", \"TYPE65\", ...)",
               view);
        return false;
    }
    *out = (uint16_t)t;
    return true;
}

/* RFC 1035 and RFC 2136 response codes (the 4-bit header field). */
static const char *const rcode_names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                          "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                          "NXRRSET", "NOTAUTH", "NOTZONE"};

bool ld_rcode(ld_t *ld, const jv_t *v, uint8_t *out)
{
    const char *view;
    if (!ld_str_view(ld, v, 32, false, &view))
        return false;
    size_t n = sizeof rcode_names / sizeof rcode_names[0];
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(view, rcode_names[i]) == 0) {
            *out = (uint8_t)i;
            return true;
        }
    if (strcasecmp(view, "NOTIMPL") == 0) {
        *out = 4;
        return true;
    }
    /* "RCODE<n>", as results name the rcodes that have no name (world_rcode_name) */
    unsigned long num;
    char *end;
    if (strncasecmp(view, "RCODE", 5) == 0 && view[5] >= '0' && view[5] <= '9' &&
        (num = strtoul(view + 5, &end, 10)) <= 15 && *end == '\0' &&
        (view[5] != '0' || view[6] == '\0')) {
        *out = (uint8_t)num;
        return true;
    }
    const char *near = suggest_nearest(view, rcode_names, n, 2, true);
    if (near != NULL)
        ld_err(ld, v, "'%s' is not an rcode; did you mean '%s'?", view, near);
    else
        ld_err(ld, v, "'%s' is not an rcode (NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...)", view);
    return false;
}

bool ld_is_tag(const char *s)
{
    bool ok = strncmp(s, "tag:", 4) == 0 && s[4] != '\0';
    for (const char *p = s + 4; ok && *p != '\0'; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '-' || *p == '_';
    return ok;
}

bool ld_tag(ld_t *ld, const jv_t *v, const char **view)
{
    if (!ld_str_view(ld, v, SCENARIO_MAX_STRING, false, view))
        return false;
    const char *s = *view;
    bool ok = ld_is_tag(s);
    if (!ok)
        ld_err(ld, v, "'%s' is not a tag: tags look like 'tag:name' (letters, digits, '-', '_')",
               s);
    return ok;
}

bool ld_str_list(ld_t *ld, const jv_t *v, size_t max, bool dedupe,
                 bool (*check)(ld_t *, const jv_t *, const char *), char ***out, size_t *n_out)
{
    size_t n;
    if (!ld_array(ld, v, 0, &n))
        return false;
    char **list = ld_calloc(ld, n, sizeof *list);
    strmap_t *seen = dedupe ? strmap_new() : NULL;
    if (list == NULL || (dedupe && seen == NULL)) {
        free(list);
        ld_oom(ld);
        return false;
    }
    size_t k = 0;
    bool ok = true;
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, v);
    while (jv_iter_next(&it, &el)) {
        const char *s;
        if (!ld_str_view(ld, &el, max != 0 ? max : SCENARIO_MAX_STRING, false, &s) ||
            (check != NULL && !check(ld, &el, s))) {
            ok = false;
            continue;
        }
        if (seen != NULL) {
            bool added = false;
            if (strmap_insert(seen, s, strlen(s), &added) == NULL) {
                ld_oom(ld);
                ok = false;
                break;
            }
            if (!added)
                continue; /* N5: a set */
        }
        if ((list[k] = ld_strdup(ld, s)) == NULL) {
            ok = false;
            break;
        }
        k++;
    }
    strmap_free(seen);
    ld_free_strings(*out, *n_out);
    *out = list;
    *n_out = k;
    return ok;
}

static bool check_rule(ld_t *ld, const jv_t *v, const char *s)
{
    if (scenario_rule_known(s))
        return true;
    static const char *const families = "T1-T3, S1-S5, N1-N5, L1-L5, C1-C7, P1-P8, K1-K5, D1-D5";
    ld_err(ld, v, "'%s' is not a rule ID of RULES.md (%s)", s, families);
    return false;
}

bool ld_rule_list(ld_t *ld, const jv_t *v, char ***out, size_t *n)
{
    return ld_str_list(ld, v, 0, true, check_rule, out, n);
}

bool ld_prefix_list(ld_t *ld, const jv_t *v, bool (*check)(ld_t *, const jv_t *, const pfx_t *),
                    pfx_t **out, size_t *n_out)
{
    size_t n;
    if (!ld_array(ld, v, 0, &n))
        return false;
    pfx_t *list = ld_calloc(ld, n, sizeof *list);
    strmap_t *seen = strmap_new();
    if (list == NULL || seen == NULL) {
        free(list);
        strmap_free(seen);
        ld_oom(ld);
        return false;
    }
    size_t k = 0;
    bool ok = true;
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, v);
    while (jv_iter_next(&it, &el)) {
        pfx_t p;
        if (!ld_prefix(ld, &el, &p) || (check != NULL && !check(ld, &el, &p))) {
            ok = false;
            continue;
        }
        char text[PFX_TEXT_MAX];
        size_t len = pfx_format(&p, text);
        bool added = false;
        if (strmap_insert(seen, text, len, &added) == NULL) {
            ld_oom(ld);
            ok = false;
            break;
        }
        if (added)
            list[k++] = p;
        else if (check != NULL)
            ld_mark(ld, RULE_N5); /* routes (the checked lists) are a set; expectations' are not */
    }
    strmap_free(seen);
    free(*out);
    *out = list;
    *n_out = k;
    return ok;
}

bool ld_check_name(ld_t *ld, const jv_t *v, const char *s)
{
    size_t n = strlen(s);
    bool ok = n >= 1 && n <= 63;
    for (const char *p = s; ok && *p != '\0'; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '-' || *p == '_' || *p == '.';
    if (!ok)
        ld_err(ld, v, "'%.80s' is not a valid name (1-63 letters, digits, '-', '_', '.')", s);
    return ok;
}

/* ---- references ---- */

static bool lookup_ref(ld_t *ld, const jv_t *v, strmap_t *map, const char *what,
                       char *const *names, size_t stride, size_t n_names, size_t *out)
{
    const char *s;
    if (!ld_str_view(ld, v, SCENARIO_MAX_STRING, false, &s))
        return false;
    uint64_t *slot = map != NULL ? strmap_find(map, s, strlen(s)) : NULL;
    if (slot != NULL) {
        *out = (size_t)*slot;
        return true;
    }
    /* A suggestion compares against every name: only while messages are kept, and not for
     * huge scenarios. */
    const char *near = NULL;
    if (ld_keeping(ld) && n_names <= 10000) {
        const char **cands = malloc((n_names != 0 ? n_names : 1) * sizeof *cands);
        if (cands != NULL) {
            size_t k = 0;
            for (size_t i = 0; i < n_names; i++) {
                const char *name = *(char *const *)((const char *)names + i * stride);
                if (name != NULL) /* an entry whose own name was rejected */
                    cands[k++] = name;
            }
            near = suggest_nearest(s, cands, k, 2, false);
            free(cands);
        }
    }
    if (near != NULL)
        ld_err(ld, v, "there is no %s named '%s'; did you mean '%s'?", what, s, near);
    else
        ld_err(ld, v, "there is no %s named '%s'", what, s);
    return false;
}

bool ld_node_ref(ld_t *ld, const jv_t *v, size_t *out)
{
    scenario_t *s = ld->s;
    return lookup_ref(ld, v, ld->node_names, "node",
                      s->n_nodes != 0 ? &s->nodes[0].name : NULL, sizeof(scenario_node_t),
                      s->n_nodes, out);
}

bool ld_region_ref(ld_t *ld, const jv_t *v, size_t *out)
{
    scenario_t *s = ld->s;
    return lookup_ref(ld, v, ld->region_names, "region", s->regions, sizeof(char *), s->n_regions,
                      out);
}

char *ld_resolve_path(ld_t *ld, const char *rel)
{
    if (rel[0] == '/' || ld->base_dir == NULL || ld->base_dir[0] == '\0')
        return ld_strdup(ld, rel);
    size_t a = strlen(ld->base_dir), b = strlen(rel);
    char *p = malloc(a + b + 2);
    if (p == NULL) {
        ld_oom(ld);
        return NULL;
    }
    memcpy(p, ld->base_dir, a);
    p[a] = '/';
    memcpy(p + a + 1, rel, b + 1);
    return p;
}
