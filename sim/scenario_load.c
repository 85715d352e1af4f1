/* scenario_load: the top level of a scenario file, its settings, regions and nodes, and the
 * scenario's lifetime (load, free). The policy, DNS, timeline and expectation sections have
 * their own files. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "rules.h"
#include "scenario_internal.h"
#include "suggest.h"

/* ---- rules ---- */

bool scenario_rule_known(const char *id)
{
    return rule_parse(id) != RULE_NONE; /* model/rules.c holds the families of RULES.md */
}

/* ---- settings ---- */

scenario_settings_t scenario_settings_default(void)
{
    scenario_settings_t d = {0};
    d.store_routes = true;
    d.use_with_exit_node = true;
    d.detection_delay = 15 * SIMTIME_S;
    d.propagation_delay = 1300 * SIMTIME_MS;
    d.propagation_jitter = 250 * SIMTIME_MS;
    d.dns_timeout = 5 * SIMTIME_S;
    d.max_events = ENGINE_DEFAULT_MAX_EVENTS;
    d.max_time = ENGINE_DEFAULT_MAX_TIME;
    return d;
}

enum {
    SET_STORE_ROUTES, SET_REGIONAL_ROUTING, SET_IN_REGION_FAILOVER, SET_STICKY_PRIMARY,
    SET_DETECTION_DELAY, SET_PROPAGATION_DELAY, SET_PROPAGATION_JITTER, SET_DNS_TIMEOUT,
    SET_USE_WITH_EXIT_NODE, SET_LEARNED_ROUTE_TTL, SET_DEFAULT_RTT, SET_UPSTREAM_RTT,
    SET_ADVERTISE_DELAY, SET_MAX_EVENTS, SET_MAX_TIME, SET_COUNT
};
static const char *const setting_keys[SET_COUNT] = {
    "store_routes", "regional_routing", "in_region_failover", "sticky_primary",
    "detection_delay", "propagation_delay", "propagation_jitter", "dns_timeout",
    "use_with_exit_node", "learned_route_ttl", "default_rtt", "upstream_rtt",
    "advertise_delay", "max_events", "max_time"};

static void positive(ld_t *ld, const jv_t *v, sim_time_t t, bool *ok)
{
    if (*ok && t == 0) {
        ld_err(ld, v, "must be more than 0");
        *ok = false;
    }
}

static void load_settings(ld_t *ld, const jv_t *v)
{
    scenario_settings_t *st = &ld->s->settings;
    jv_t f[SET_COUNT];
    if (!ld_object(ld, v, setting_keys, SET_COUNT, f, 0, NULL, NULL))
        return;
    struct {
        int key;
        bool *out;
    } bools[] = {{SET_STORE_ROUTES, &st->store_routes},
                 {SET_REGIONAL_ROUTING, &st->regional_routing},
                 {SET_IN_REGION_FAILOVER, &st->in_region_failover},
                 {SET_STICKY_PRIMARY, &st->sticky_primary},
                 {SET_USE_WITH_EXIT_NODE, &st->use_with_exit_node}};
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++)
        if (f[bools[i].key].j != NULL)
            ld_bool(ld, &f[bools[i].key], bools[i].out);
    struct {
        int key;
        sim_time_t *out;
    } durations[] = {{SET_DETECTION_DELAY, &st->detection_delay},
                     {SET_PROPAGATION_DELAY, &st->propagation_delay},
                     {SET_PROPAGATION_JITTER, &st->propagation_jitter},
                     {SET_DNS_TIMEOUT, &st->dns_timeout},
                     {SET_DEFAULT_RTT, &st->default_rtt},
                     {SET_UPSTREAM_RTT, &st->upstream_rtt},
                     {SET_ADVERTISE_DELAY, &st->advertise_delay}};
    for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++)
        if (f[durations[i].key].j != NULL)
            ld_duration(ld, &f[durations[i].key], durations[i].out);
    if (f[SET_DNS_TIMEOUT].j != NULL) {
        bool ok = true;
        positive(ld, &f[SET_DNS_TIMEOUT], st->dns_timeout, &ok);
    }
    const jv_t *ttl = &f[SET_LEARNED_ROUTE_TTL];
    if (ttl->j != NULL && !json_is_null(ttl->j)) {
        bool ok = ld_duration(ld, ttl, &st->learned_route_ttl);
        positive(ld, ttl, st->learned_route_ttl, &ok);
        st->learned_route_ttl_on = ok;
        if (!ok)
            st->learned_route_ttl = 0;
    }
    const jv_t *mt = &f[SET_MAX_TIME];
    if (mt->j != NULL) {
        sim_time_t t = 0;
        bool ok = ld_duration(ld, mt, &t);
        positive(ld, mt, t, &ok);
        if (ok)
            st->max_time = t;
    }
    const jv_t *me = &f[SET_MAX_EVENTS];
    if (me->j != NULL) {
        uint64_t n = 0;
        if (ld_u64(ld, me, &n)) {
            if (n == 0)
                ld_err(ld, me, "must be at least 1");
            else
                st->max_events = n;
        }
    }
}

/* ---- regions ---- */

static void load_regions(ld_t *ld, const jv_t *v)
{
    scenario_t *s = ld->s;
    size_t n;
    if (!ld_array(ld, v, 0, &n))
        return;
    if ((s->regions = ld_calloc(ld, n, sizeof *s->regions)) == NULL)
        return;
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, v);
    while (jv_iter_next(&it, &el)) {
        const char *name;
        if (!ld_str_view(ld, &el, SCENARIO_MAX_STRING, false, &name) ||
            !ld_check_name(ld, &el, name))
            continue;
        bool added = false;
        uint64_t *slot = strmap_insert(ld->region_names, name, strlen(name), &added);
        if (slot == NULL) {
            ld_oom(ld);
            return;
        }
        if (!added) {
            ld_err(ld, &el, "region '%s' is listed twice (regions[%llu] is the first)", name,
                   (unsigned long long)*slot);
            continue;
        }
        *slot = s->n_regions;
        if ((s->regions[s->n_regions] = ld_strdup(ld, name)) == NULL)
            return;
        s->n_regions++;
    }
}

/* ---- nodes (S1) ---- */

enum {
    N_ID, N_NAME, N_CREATED, N_TAGS, N_LATENCY, N_REGION, N_EGRESS, N_ACCEPT_ROUTES,
    N_ACCEPT_DNS, N_ADVERTISE_CONNECTOR, N_ROUTES, N_OFFERS_EXIT, N_EXIT_NODE, N_CACHE, N_COUNT
};
static const char *const node_keys[N_COUNT] = {
    "id", "name", "created", "tags", "latency", "region", "egress", "accept_routes",
    "accept_dns", "advertise_connector", "routes", "offers_exit", "exit_node", "cache"};

static bool check_tag(ld_t *ld, const jv_t *v, const char *s)
{
    (void)s;
    const char *view;
    return ld_tag(ld, v, &view);
}

static bool check_manual_route(ld_t *ld, const jv_t *v, const pfx_t *p)
{
    if (p->len != 0)
        return true;
    ld_err(ld, v, "%s is an exit route: a node offers exit routes with \"offers_exit\": true, not "
                  "as a manual route", p->family == PFX_V4 ? "0.0.0.0/0" : "::/0");
    return false;
}

static int compare_latency(const void *a, const void *b)
{
    size_t x = ((const scenario_latency_t *)a)->region, y = ((const scenario_latency_t *)b)->region;
    return x < y ? -1 : x > y;
}

static void load_latency(ld_t *ld, scenario_node_t *node, const jv_t *v)
{
    if (!ld_is(ld, v, JSON_OBJECT, "an object of region names to round-trip times"))
        return;
    size_t n = json_object_size(v->j);
    if ((node->latency = ld_calloc(ld, n, sizeof *node->latency)) == NULL)
        return;
    jv_iter_t it;
    jv_t m;
    jv_iter_init(&it, v);
    while (jv_iter_next(&it, &m)) {
        uint64_t *slot = strmap_find(ld->region_names, m.key, strlen(m.key));
        sim_time_t rtt = 0;
        bool ok = ld_duration(ld, &m, &rtt);
        if (slot == NULL) {
            const char *near = NULL;
            if (ld->s->n_regions <= 10000 && ld_keeping(ld))
                near = suggest_nearest(m.key, (const char *const *)ld->s->regions,
                                       ld->s->n_regions, 2, false);
            if (near != NULL)
                ld_err_key(ld, &m, "there is no region named '%s'; did you mean '%s'?", m.key,
                           near);
            else
                ld_err_key(ld, &m, "there is no region named '%s' (see \"regions\")", m.key);
            continue;
        }
        if (ok)
            node->latency[node->n_latency++] = (scenario_latency_t){(size_t)*slot, rtt};
    }
    qsort(node->latency, node->n_latency, sizeof *node->latency, compare_latency);
}

static void load_egress(ld_t *ld, scenario_node_t *node, const jv_t *v)
{
    size_t n;
    if (!ld_array(ld, v, 0, &n))
        return;
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, v);
    while (jv_iter_next(&it, &el)) {
        pfx_addr_t a;
        if (!ld_addr(ld, &el, &a))
            continue;
        bool v4 = a.family == PFX_V4;
        if (v4 ? node->has_egress4 : node->has_egress6) {
            ld_err(ld, &el, "a second %s egress address: a node has at most one per family",
                   v4 ? "IPv4" : "IPv6");
            continue;
        }
        if (v4) {
            node->has_egress4 = true;
            node->egress4 = a;
        } else {
            node->has_egress6 = true;
            node->egress6 = a;
        }
    }
}

static void id_key(uint64_t id, char key[8])
{
    for (int i = 0; i < 8; i++)
        key[i] = (char)(id >> (56 - 8 * i));
}

static void load_node(ld_t *ld, scenario_node_t *node, size_t index, const jv_t *el)
{
    jv_t f[N_COUNT];
    ld_line_col(el, false, &node->line, &node->col);
    node->region = SCENARIO_NONE;
    node->exit_node = SCENARIO_NONE;
    node->accept_routes = true;
    node->accept_dns = true;
    if (!ld_object(ld, el, node_keys, N_COUNT, f, 0, NULL, NULL))
        return;
    if (ld_required(ld, el, &f[N_ID], "id") && ld_u64(ld, &f[N_ID], &node->id)) {
        char key[8];
        id_key(node->id, key);
        bool added = false;
        uint64_t *slot = strmap_insert(ld->node_ids, key, sizeof key, &added);
        if (slot == NULL)
            ld_oom(ld);
        else if (!added)
            ld_err(ld, &f[N_ID], "node id %llu is already used by nodes[%llu]",
                   (unsigned long long)node->id, (unsigned long long)*slot);
        else
            *slot = index;
    }
    const char *name;
    if (ld_required(ld, el, &f[N_NAME], "name") &&
        ld_str_view(ld, &f[N_NAME], SCENARIO_MAX_STRING, false, &name) &&
        ld_check_name(ld, &f[N_NAME], name)) {
        bool added = false;
        uint64_t *slot = strmap_insert(ld->node_names, name, strlen(name), &added);
        if (slot == NULL)
            ld_oom(ld);
        else if (!added)
            ld_err(ld, &f[N_NAME], "node name '%s' is already used by nodes[%llu]", name,
                   (unsigned long long)*slot);
        else {
            *slot = index;
            node->name = ld_strdup(ld, name);
        }
    }
    if (f[N_CREATED].j != NULL)
        ld_duration(ld, &f[N_CREATED], &node->created);
    if (f[N_TAGS].j != NULL)
        ld_str_list(ld, &f[N_TAGS], 0, true, check_tag, &node->tags, &node->n_tags);
    if (f[N_LATENCY].j != NULL)
        load_latency(ld, node, &f[N_LATENCY]);
    if (f[N_REGION].j != NULL)
        ld_region_ref(ld, &f[N_REGION], &node->region);
    if (f[N_EGRESS].j != NULL)
        load_egress(ld, node, &f[N_EGRESS]);
    struct {
        int key;
        bool *out;
    } bools[] = {{N_ACCEPT_ROUTES, &node->accept_routes},
                 {N_ACCEPT_DNS, &node->accept_dns},
                 {N_ADVERTISE_CONNECTOR, &node->advertise_connector},
                 {N_OFFERS_EXIT, &node->offers_exit},
                 {N_CACHE, &node->cache}};
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++)
        if (f[bools[i].key].j != NULL)
            ld_bool(ld, &f[bools[i].key], bools[i].out);
    if (f[N_ROUTES].j != NULL)
        ld_prefix_list(ld, &f[N_ROUTES], check_manual_route, &node->routes, &node->n_routes);
}

/* exit_node names another node, which may come later in the file: a second pass. */
static void load_exit_node(ld_t *ld, size_t index, const jv_t *el)
{
    scenario_node_t *node = &ld->s->nodes[index];
    jv_t v = ld_member(el, "exit_node");
    if (v.j == NULL || json_is_null(v.j))
        return;
    size_t exit;
    if (!json_is_string(v.j)) {
        ld_err(ld, &v, "must be a node name or null, not %s", ld_type_name(v.j));
        return;
    }
    if (!ld_node_ref(ld, &v, &exit))
        return;
    if (exit == index)
        ld_err(ld, &v, "a node cannot select itself as its exit node");
    else if (!ld->s->nodes[exit].offers_exit)
        ld_err(ld, &v, "node '%s' does not offer exit (\"offers_exit\": true)",
               ld->s->nodes[exit].name);
    else
        node->exit_node = exit;
}

static void load_nodes(ld_t *ld, const jv_t *v)
{
    scenario_t *s = ld->s;
    size_t n;
    if (!ld_array(ld, v, 0, &n) || (s->nodes = ld_calloc(ld, n, sizeof *s->nodes)) == NULL)
        return;
    s->n_nodes = n;
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, v);
    for (size_t i = 0; jv_iter_next(&it, &el) && !ld->oom; i++)
        load_node(ld, &s->nodes[i], i, &el);
    jv_iter_init(&it, v);
    for (size_t i = 0; jv_iter_next(&it, &el) && !ld->oom; i++)
        if (json_is_object(el.j))
            load_exit_node(ld, i, &el);
}

/* ---- the top level ---- */

enum {
    T_NAME, T_DESCRIPTION, T_RULES, T_SEED, T_PROFILE, T_SETTINGS, T_POLICY, T_POLICY_FILE,
    T_REGIONS, T_NODES, T_DNS, T_TIMELINE, T_EXPECT, T_COUNT
};
static const char *const top_keys[T_COUNT] = {
    "name", "description", "rules", "seed", "profile", "settings", "policy", "policy_file",
    "regions", "nodes", "dns", "timeline", "expect"};

/* The file name without directory and extension: the scenario's default name. */
static char *default_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
    return strndup(base, n);
}

static void load_top(ld_t *ld, const jv_t *root)
{
    scenario_t *s = ld->s;
    jv_t f[T_COUNT];
    if (!ld_object(ld, root, top_keys, T_COUNT, f, 0, NULL, NULL))
        return;
    if (f[T_NAME].j != NULL)
        ld_str(ld, &f[T_NAME], SCENARIO_MAX_STRING, false, &s->name);
    if (f[T_DESCRIPTION].j != NULL)
        ld_str(ld, &f[T_DESCRIPTION], SCENARIO_MAX_DESCRIPTION, true, &s->description);
    if (f[T_RULES].j != NULL)
        ld_rule_list(ld, &f[T_RULES], &s->rules, &s->n_rules);
    if (f[T_SEED].j != NULL)
        ld_u64(ld, &f[T_SEED], &s->seed);
    const char *profile;
    if (f[T_PROFILE].j != NULL && ld_str_view(ld, &f[T_PROFILE], 64, false, &profile) &&
        strcmp(profile, "reference") != 0)
        ld_err(ld, &f[T_PROFILE],
               "unknown profile '%s': \"reference\" is the only profile so far", profile);
    if (f[T_SETTINGS].j != NULL)
        load_settings(ld, &f[T_SETTINGS]);
    if (f[T_REGIONS].j != NULL)
        load_regions(ld, &f[T_REGIONS]);
    if (f[T_NODES].j != NULL)
        load_nodes(ld, &f[T_NODES]);
    size_t version;
    if (f[T_POLICY].j != NULL && f[T_POLICY_FILE].j != NULL)
        ld_err_key(ld, &f[T_POLICY_FILE], "give either \"policy\" or \"policy_file\", not both");
    else
        ld_policy(ld, f[T_POLICY].j != NULL ? &f[T_POLICY] : NULL,
                  f[T_POLICY_FILE].j != NULL ? &f[T_POLICY_FILE] : NULL, &version);
    if (f[T_DNS].j != NULL)
        ld_dns(ld, &f[T_DNS]);
    if (f[T_TIMELINE].j != NULL)
        ld_timeline(ld, &f[T_TIMELINE]);
    if (f[T_EXPECT].j != NULL)
        ld_expect(ld, &f[T_EXPECT]);
}

static int load(ld_src_t *src, const char *path, const char *base_dir, scenario_t **out,
                diag_list_t *diags)
{
    *out = NULL;
    scenario_t *s = calloc(1, sizeof *s);
    ld_t ld = {.s = s, .diags = diags, .base_dir = base_dir};
    if (s == NULL || (s->path = strdup(path)) == NULL || (s->base_dir = strdup(base_dir)) == NULL ||
        (s->name = default_name(path)) == NULL || (s->description = strdup("")) == NULL) {
        ld_oom(&ld);
        goto done;
    }
    s->seed = 1;
    s->profile = SCENARIO_PROFILE_REFERENCE;
    s->settings = scenario_settings_default();
    strmap_t **maps[] = {&ld.node_names, &ld.node_ids, &ld.region_names,
                         &ld.event_ids, &ld.expect_ids, &ld.policy_files, &ld.zone_keys};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        if ((*maps[i] = strmap_new()) == NULL) {
            ld_oom(&ld);
            goto done;
        }
    if (src != NULL && ld_src_parse(&ld, src)) {
        jv_t root = ld_src_root(src);
        if (!json_is_object(root.j))
            ld_err(&ld, &root, "a scenario must be a JSON object, not %s", ld_type_name(root.j));
        else
            load_top(&ld, &root);
    }
done:
    ld_src_free(src);
    strmap_free(ld.node_names);
    strmap_free(ld.node_ids);
    strmap_free(ld.region_names);
    strmap_free(ld.event_ids);
    strmap_free(ld.expect_ids);
    strmap_free(ld.policy_files);
    strmap_free(ld.zone_keys);
    diag_list_finish(diags);
    if (ld.errors != 0 || src == NULL) {
        scenario_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

int scenario_load(const char *path, scenario_t **out, diag_list_t *diags)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (dir == NULL) {
        *out = NULL;
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "out of memory");
        diag_list_finish(diags);
        return -1;
    }
    diag_list_t *d = diags;
    ld_t pre = {.diags = d};
    ld_src_t *src = ld_src_read(&pre, path, path, NULL);
    int rc = load(src, path, dir, out, diags);
    free(dir);
    return rc;
}

int scenario_load_string(const char *text, const char *name_for_errors, const char *base_dir,
                         scenario_t **out, diag_list_t *diags)
{
    ld_t pre = {.diags = diags};
    ld_src_t *src = ld_src_from_text(&pre, text, strlen(text), name_for_errors);
    return load(src, name_for_errors, base_dir != NULL ? base_dir : ".", out, diags);
}

/* ---- lifetime ---- */

void scenario_free(scenario_t *s)
{
    if (s == NULL)
        return;
    free(s->path);
    free(s->base_dir);
    free(s->name);
    free(s->description);
    ld_free_strings(s->rules, s->n_rules);
    ld_free_strings(s->regions, s->n_regions);
    for (size_t i = 0; i < s->n_nodes; i++) {
        scenario_node_t *n = &s->nodes[i];
        free(n->name);
        ld_free_strings(n->tags, n->n_tags);
        free(n->latency);
        free(n->routes);
    }
    free(s->nodes);
    for (size_t i = 0; i < s->n_policies; i++)
        scenario_policy_clear(&s->policies[i]);
    free(s->policies);
    for (size_t i = 0; i < s->n_zones; i++)
        scenario_zone_clear(&s->zones[i]);
    free(s->zones);
    for (size_t i = 0; i < s->n_scripts; i++)
        scenario_script_clear(&s->scripts[i]);
    free(s->scripts);
    for (size_t i = 0; i < s->n_events; i++)
        scenario_event_clear(&s->events[i]);
    free(s->events);
    for (size_t i = 0; i < s->n_expects; i++)
        scenario_expect_clear(&s->expects[i]);
    free(s->expects);
    free(s);
}

typedef struct {
    sim_time_t at;
    size_t seq;
} event_key_t;

static int compare_event_keys(const void *pa, const void *pb)
{
    const event_key_t *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

size_t *scenario_event_order_new(const scenario_t *s)
{
    if (s->n_events == 0)
        return NULL;
    size_t *order = malloc(s->n_events * sizeof *order);
    event_key_t *keys = malloc(s->n_events * sizeof *keys);
    if (order == NULL || keys == NULL) {
        free(order);
        free(keys);
        return NULL;
    }
    for (size_t i = 0; i < s->n_events; i++)
        keys[i] = (event_key_t){s->events[i].at, i};
    /* seq breaks every tie, so qsort's instability cannot show. */
    qsort(keys, s->n_events, sizeof *keys, compare_event_keys);
    for (size_t i = 0; i < s->n_events; i++)
        order[i] = keys[i].seq;
    free(keys);
    return order;
}

size_t scenario_find_node(const scenario_t *s, const char *name)
{
    for (size_t i = 0; i < s->n_nodes; i++)
        if (s->nodes[i].name != NULL && strcmp(s->nodes[i].name, name) == 0)
            return i;
    return SCENARIO_NONE;
}

size_t scenario_find_event(const scenario_t *s, const char *id)
{
    for (size_t i = 0; i < s->n_events; i++)
        if (s->events[i].id != NULL && strcmp(s->events[i].id, id) == 0)
            return i;
    return SCENARIO_NONE;
}
