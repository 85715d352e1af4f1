/* scenario_policy: policy versions in the real policy file's syntax (S3, S4, S5, N1, N4, N5,
 * C1, C2), inline or from a HuJSON file. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

#define APP_CONNECTORS_CAP "tailscale.com/app-connectors"

void scenario_policy_clear(scenario_policy_t *p)
{
    free(p->source);
    for (size_t i = 0; i < p->n_apps; i++) {
        scenario_app_t *a = &p->apps[i];
        free(a->name);
        ld_free_strings(a->targets, a->n_targets);
        ld_free_strings(a->connectors, a->n_connectors);
        free(a->domains);
        free(a->routes);
    }
    free(p->apps);
    for (size_t i = 0; i < p->n_route_approvers; i++)
        ld_free_strings(p->route_approvers[i].approvers, p->route_approvers[i].n_approvers);
    free(p->route_approvers);
    ld_free_strings(p->exit_approvers, p->n_exit_approvers);
    for (size_t i = 0; i < p->n_tag_owners; i++) {
        free(p->tag_owners[i].tag);
        ld_free_strings(p->tag_owners[i].owners, p->tag_owners[i].n_owners);
    }
    free(p->tag_owners);
    memset(p, 0, sizeof *p);
}

/* What one policy version is being read with. */
typedef struct {
    ld_t *ld;
    scenario_policy_t *p;
    size_t apps_cap;
    strmap_t *domains; /* distinct domains across all apps (S5) */
    bool too_many_reported;
} pol_t;

/* ---- nodeAttrs ---- */

static bool check_target(ld_t *ld, const jv_t *v, const char *s)
{
    if (strcmp(s, "*") == 0)
        return true;
    if (strncmp(s, "tag:", 4) == 0) {
        const char *view;
        return ld_tag(ld, v, &view);
    }
    if (strchr(s, ':') != NULL || strchr(s, '@') != NULL) {
        ld_mark(ld, RULE_S3);
        ld_warn(ld, v, "target '%s' is not modelled (S3 selectors are \"*\", tags and node names); "
                       "it matches no node", s);
        return true;
    }
    if (strmap_find(ld->node_names, s, strlen(s)) == NULL) {
        ld_mark(ld, RULE_S3);
        ld_warn(ld, v, "target '%s' matches no node of this scenario", s);
    }
    return true;
}

static bool check_connector(ld_t *ld, const jv_t *v, const char *s)
{
    errinfo_t e;
    if (!app_check_connector(s, &e)) {
        ld_err(ld, v, "%s (C1)", e.msg);
        return false;
    }
    const char *view;
    return ld_tag(ld, v, &view);
}

static bool check_control_route(ld_t *ld, const jv_t *v, const pfx_t *p)
{
    errinfo_t e;
    if (!app_check_route(p, &e)) {
        ld_err(ld, v, "%s (C2)", e.msg);
        return false;
    }
    return true;
}

static void app_domains(pol_t *pl, scenario_app_t *a, const jv_t *v)
{
    ld_t *ld = pl->ld;
    size_t n;
    if (!ld_array(ld, v, 0, &n) || (a->domains = ld_calloc(ld, n, sizeof *a->domains)) == NULL)
        return;
    strmap_t *mine = strmap_new();
    if (mine == NULL) {
        ld_oom(ld);
        return;
    }
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, v);
    while (jv_iter_next(&it, &el)) {
        const char *text;
        if (!ld_str_view(ld, &el, SCENARIO_MAX_STRING, false, &text))
            continue;
        dn_domain_t d;
        errinfo_t e;
        ld_mark(ld, RULE_N1);
        if (!dn_domain_parse(text, strlen(text), &d, &e)) {
            bool star = strstr(e.msg, "'*'") != NULL;
            if (star)
                ld_mark(ld, RULE_N4);
            ld_err(ld, &el, "%s (%s)", e.msg, star ? "N4" : "N1");
            continue;
        }
        bool added_here = false, added_all = false;
        if (strmap_insert(mine, d.name, d.len, &added_here) == NULL ||
            strmap_insert(pl->domains, d.name, d.len, &added_all) == NULL) {
            ld_oom(ld);
            break;
        }
        if (!added_here) {
            ld_mark(ld, RULE_N5);
            continue; /* N5: a set */
        }
        a->domains[a->n_domains++] = d;
        if (added_all && strmap_count(pl->domains) == SCENARIO_MAX_DOMAINS + 1 &&
            !pl->too_many_reported) {
            pl->too_many_reported = true;
            ld_mark(ld, RULE_S5);
            ld_err(ld, &el, "'%s' is domain number %u across all apps of this policy; at most %u "
                            "are allowed (S5)",
                   d.name, SCENARIO_MAX_DOMAINS + 1, SCENARIO_MAX_DOMAINS);
        }
    }
    strmap_free(mine);
}

enum { A_NAME, A_CONNECTORS, A_DOMAINS, A_ROUTES, A_COUNT };
static const char *const app_keys[A_COUNT] = {"name", "connectors", "domains", "routes"};

static void load_app(pol_t *pl, const jv_t *v, char **targets, size_t n_targets)
{
    ld_t *ld = pl->ld;
    scenario_policy_t *p = pl->p;
    if (!ld_reserve(ld, (void **)&p->apps, &pl->apps_cap, p->n_apps + 1, sizeof *p->apps))
        return;
    scenario_app_t *a = &p->apps[p->n_apps++];
    ld_line_col(v, false, &a->line, &a->col);
    if ((a->targets = ld_calloc(ld, n_targets, sizeof *a->targets)) == NULL)
        return;
    for (size_t i = 0; i < n_targets; i++) {
        if ((a->targets[i] = ld_strdup(ld, targets[i])) == NULL)
            return;
        a->n_targets++;
    }
    jv_t f[A_COUNT];
    if (!ld_object(ld, v, app_keys, A_COUNT, f, LD_ICASE, NULL, NULL))
        return;
    if (ld_required(ld, v, &f[A_NAME], "name"))
        ld_str(ld, &f[A_NAME], SCENARIO_MAX_STRING, false, &a->name);
    if (ld_required(ld, v, &f[A_CONNECTORS], "connectors"))
        ld_str_list(ld, &f[A_CONNECTORS], 0, true, check_connector, &a->connectors,
                    &a->n_connectors);
    if (f[A_DOMAINS].j != NULL)
        app_domains(pl, a, &f[A_DOMAINS]);
    if (f[A_ROUTES].j != NULL)
        ld_prefix_list(ld, &f[A_ROUTES], check_control_route, &a->routes, &a->n_routes);
}

enum { NA_TARGET, NA_APP, NA_COUNT };
static const char *const nodeattr_keys[NA_COUNT] = {"target", "app"};
static const char *const nodeattr_ignored[] = {"attr", "ipPool", NULL};

static void load_nodeattr(pol_t *pl, const jv_t *v)
{
    ld_t *ld = pl->ld;
    jv_t f[NA_COUNT];
    size_t warned = ld->diags->n_warnings; /* ld_object warns only for ignored keys */
    bool is_object = ld_object(ld, v, nodeattr_keys, NA_COUNT, f, LD_ICASE, nodeattr_ignored,
                               "only app connectors are modelled (S3)");
    if (ld->diags->n_warnings > warned)
        ld_mark(ld, RULE_S3);
    if (!is_object)
        return;
    char **targets = NULL;
    size_t n_targets = 0;
    if (ld_required(ld, v, &f[NA_TARGET], "target"))
        ld_str_list(ld, &f[NA_TARGET], 0, true, check_target, &targets, &n_targets);
    if (f[NA_APP].j != NULL && ld_is(ld, &f[NA_APP], JSON_OBJECT, "an object of capabilities")) {
        jv_iter_t it;
        jv_t cap;
        jv_iter_init(&it, &f[NA_APP]);
        while (jv_iter_next(&it, &cap)) {
            if (strcmp(cap.key, APP_CONNECTORS_CAP) != 0) {
                ld_mark(ld, RULE_S3);
                ld_warn_key(ld, &cap, "capability '%s' is ignored: only \"" APP_CONNECTORS_CAP
                                      "\" is modelled (S3)", cap.key);
                continue;
            }
            size_t n;
            if (!ld_array(ld, &cap, 0, &n))
                continue;
            jv_iter_t ait;
            jv_t app;
            jv_iter_init(&ait, &cap);
            while (jv_iter_next(&ait, &app) && !ld->oom)
                load_app(pl, &app, targets, n_targets);
        }
    }
    ld_free_strings(targets, n_targets);
}

/* ---- autoApprovers and tagOwners ---- */

/* Adds approvers (taking them over) to ra, keeping the list a set. */
static bool merge_approvers(ld_t *ld, scenario_route_approver_t *ra, char **approvers, size_t n)
{
    char **merged = realloc(ra->approvers, (ra->n_approvers + n + 1) * sizeof *merged);
    strmap_t *have = strmap_new();
    bool ok = merged != NULL && have != NULL;
    if (merged != NULL)
        ra->approvers = merged;
    for (size_t i = 0; ok && i < ra->n_approvers; i++)
        ok = strmap_insert(have, ra->approvers[i], strlen(ra->approvers[i]), NULL) != NULL;
    size_t i = 0;
    for (; ok && i < n; i++) {
        bool added = false;
        if (strmap_insert(have, approvers[i], strlen(approvers[i]), &added) == NULL) {
            ok = false;
            break;
        }
        if (added)
            ra->approvers[ra->n_approvers++] = approvers[i];
        else
            free(approvers[i]);
    }
    for (; i < n; i++) /* not taken after a failure */
        free(approvers[i]);
    free(approvers);
    strmap_free(have);
    if (!ok)
        ld_oom(ld);
    return ok;
}

static void load_route_approvers(pol_t *pl, const jv_t *v)
{
    ld_t *ld = pl->ld;
    scenario_policy_t *p = pl->p;
    if (!ld_is(ld, v, JSON_OBJECT, "an object of prefixes to approvers"))
        return;
    size_t n = json_object_size(v->j);
    strmap_t *seen = strmap_new();
    if (seen == NULL) {
        ld_oom(ld);
        return;
    }
    if ((p->route_approvers = ld_calloc(ld, n, sizeof *p->route_approvers)) == NULL) {
        strmap_free(seen);
        return;
    }
    jv_iter_t it;
    jv_t m;
    jv_iter_init(&it, v);
    while (jv_iter_next(&it, &m)) {
        pfx_t prefix;
        errinfo_t e;
        bool key_ok = pfx_parse(m.key, strlen(m.key), false, &prefix, &e);
        if (!key_ok)
            ld_err_key(ld, &m, "%s", e.msg);
        char **approvers = NULL;
        size_t n_approvers = 0;
        bool ok = ld_str_list(ld, &m, 0, true, NULL, &approvers, &n_approvers);
        if (!key_ok || !ok) {
            ld_free_strings(approvers, n_approvers);
            continue;
        }
        /* Two spellings of one prefix ("2001:db8::/32", "2001:0db8::/32") are one entry (N5),
         * found by canonical text. */
        char text[PFX_TEXT_MAX];
        size_t len = pfx_format(&prefix, text);
        bool added = false;
        uint64_t *slot = strmap_insert(seen, text, len, &added);
        if (slot == NULL) {
            ld_free_strings(approvers, n_approvers);
            ld_oom(ld);
            break;
        }
        if (added) {
            *slot = p->n_route_approvers;
            p->route_approvers[p->n_route_approvers++] =
                (scenario_route_approver_t){prefix, approvers, n_approvers};
        } else {
            ld_mark(ld, RULE_N5); /* one prefix spelt twice: one entry */
            if (!merge_approvers(ld, &p->route_approvers[*slot], approvers, n_approvers))
                break;
        }
    }
    strmap_free(seen);
}

enum { AA_ROUTES, AA_EXIT_NODE, AA_COUNT };
static const char *const auto_keys[AA_COUNT] = {"routes", "exitNode"};

static void load_auto_approvers(pol_t *pl, const jv_t *v)
{
    jv_t f[AA_COUNT];
    if (!ld_object(pl->ld, v, auto_keys, AA_COUNT, f, LD_ICASE, NULL, NULL))
        return;
    if (f[AA_ROUTES].j != NULL)
        load_route_approvers(pl, &f[AA_ROUTES]);
    if (f[AA_EXIT_NODE].j != NULL)
        ld_str_list(pl->ld, &f[AA_EXIT_NODE], 0, true, NULL, &pl->p->exit_approvers,
                    &pl->p->n_exit_approvers);
}

static void load_tag_owners(pol_t *pl, const jv_t *v)
{
    ld_t *ld = pl->ld;
    scenario_policy_t *p = pl->p;
    if (!ld_is(ld, v, JSON_OBJECT, "an object of tags to owners"))
        return;
    size_t n = json_object_size(v->j);
    if ((p->tag_owners = ld_calloc(ld, n, sizeof *p->tag_owners)) == NULL)
        return;
    jv_iter_t it;
    jv_t m;
    jv_iter_init(&it, v);
    while (jv_iter_next(&it, &m)) {
        bool key_ok = ld_is_tag(m.key);
        if (!key_ok)
            ld_err_key(ld, &m, "'%s' is not a tag: tags look like 'tag:name' (letters, digits, "
                               "'-', '_')", m.key);
        char **owners = NULL;
        size_t n_owners = 0;
        if (!ld_str_list(ld, &m, 0, true, NULL, &owners, &n_owners) || !key_ok) {
            ld_free_strings(owners, n_owners);
            continue;
        }
        scenario_tag_owner_t *t = &p->tag_owners[p->n_tag_owners++];
        t->owners = owners;
        t->n_owners = n_owners;
        t->tag = ld_strdup(ld, m.key);
    }
}

/* ---- a policy version ---- */

enum { P_NODE_ATTRS, P_AUTO_APPROVERS, P_TAG_OWNERS, P_COUNT };
static const char *const policy_keys[P_COUNT] = {"nodeAttrs", "autoApprovers", "tagOwners"};
/* The other sections of real policy files: not modelled (S3), so a warning, not an error. */
static const char *const policy_ignored[] = {
    "acls", "grants", "groups", "hosts", "ssh", "sshTests", "tests", "postures",
    "defaultSrcPosture", "ipsets", "derpMap", "disableIPv4", "randomizeClientPort",
    "OneCSNATRoute", NULL};

static void load_body(ld_t *ld, scenario_policy_t *p, const jv_t *root)
{
    pol_t pl = {.ld = ld, .p = p, .domains = strmap_new()};
    if (pl.domains == NULL) {
        ld_oom(ld);
        return;
    }
    jv_t f[P_COUNT];
    size_t warned = ld->diags->n_warnings; /* ld_object warns only for ignored keys */
    bool is_object = ld_object(ld, root, policy_keys, P_COUNT, f, LD_ICASE, policy_ignored,
                               "this policy section is not modelled (S3: every node sees every "
                               "node)");
    if (ld->diags->n_warnings > warned)
        ld_mark(ld, RULE_S3);
    if (is_object) {
        size_t n;
        if (f[P_NODE_ATTRS].j != NULL && ld_array(ld, &f[P_NODE_ATTRS], 0, &n)) {
            jv_iter_t it;
            jv_t el;
            jv_iter_init(&it, &f[P_NODE_ATTRS]);
            while (jv_iter_next(&it, &el) && !ld->oom)
                load_nodeattr(&pl, &el);
        }
        if (f[P_AUTO_APPROVERS].j != NULL)
            load_auto_approvers(&pl, &f[P_AUTO_APPROVERS]);
        if (f[P_TAG_OWNERS].j != NULL)
            load_tag_owners(&pl, &f[P_TAG_OWNERS]);
    }
    p->n_domains = strmap_count(pl.domains);
    strmap_free(pl.domains);
}

static scenario_policy_t *append_policy(ld_t *ld, size_t *version, const jv_t *at)
{
    scenario_t *s = ld->s;
    if (s->n_policies >= SCENARIO_MAX_POLICIES) {
        ld_err(ld, at, "more than %u policy versions", SCENARIO_MAX_POLICIES);
        return NULL;
    }
    if (!ld_reserve(ld, (void **)&s->policies, &ld->policies_cap, s->n_policies + 1,
                    sizeof *s->policies))
        return NULL;
    *version = s->n_policies;
    return &s->policies[s->n_policies++];
}

bool ld_policy(ld_t *ld, const jv_t *inline_policy, const jv_t *policy_file, size_t *version)
{
    scenario_t *s = ld->s;
    if (inline_policy == NULL && policy_file == NULL) {
        scenario_policy_t *p = append_policy(ld, version, NULL);
        return p != NULL && (p->source = ld_strdup(ld, s->path)) != NULL;
    }
    if (inline_policy != NULL) {
        if (!ld_is(ld, inline_policy, JSON_OBJECT, "an object (a policy)"))
            return false;
        size_t errors = ld->errors;
        scenario_policy_t *p = append_policy(ld, version, inline_policy);
        if (p == NULL)
            return false;
        p->source = ld_strdup(ld, inline_policy->src->file);
        ld_line_col(inline_policy, false, &p->line, &p->col);
        load_body(ld, p, inline_policy);
        return ld->errors == errors;
    }
    const char *rel;
    if (!ld_str_view(ld, policy_file, SCENARIO_MAX_STRING, false, &rel))
        return false;
    char *path = ld_resolve_path(ld, rel);
    if (path == NULL)
        return false;
    /* The same file named again (by any path) is the same version. */
    char *real = realpath(path, NULL);
    const char *key = real != NULL ? real : path;
    uint64_t *known = strmap_find(ld->policy_files, key, strlen(key));
    if (known != NULL) {
        *version = (size_t)*known;
        free(real);
        free(path);
        return true;
    }
    size_t errors = ld->errors;
    ld_src_t *src = ld_src_read(ld, path, path, policy_file);
    if (src != NULL && ld_src_parse(ld, src)) {
        jv_t root = ld_src_root(src);
        scenario_policy_t *p = append_policy(ld, version, policy_file);
        if (p != NULL) {
            p->source = ld_strdup(ld, path);
            p->line = p->col = 1;
            uint64_t *slot = strmap_insert(ld->policy_files, key, strlen(key), NULL);
            if (slot == NULL)
                ld_oom(ld);
            else
                *slot = *version;
            if (!json_is_object(root.j))
                ld_err(ld, &root, "a policy must be a JSON object, not %s", ld_type_name(root.j));
            else
                load_body(ld, p, &root);
        }
    }
    ld_src_free(src);
    free(real);
    free(path);
    return ld->errors == errors;
}
