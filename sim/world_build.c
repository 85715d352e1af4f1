/* world_build: creating a world, adding its regions, nodes and policy versions (deep copies),
 * and freeing it all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "netmap.h"
#include "world_priv.h"

world_settings_t world_settings_default(void)
{
    world_settings_t s;
    memset(&s, 0, sizeof s);
    s.store_routes = true;
    s.use_with_exit_node = true;
    s.detection_delay = 15 * SIMTIME_S;
    s.propagation_delay = 1300 * SIMTIME_MS;
    s.propagation_jitter = 250 * SIMTIME_MS;
    s.dns_timeout = 5 * SIMTIME_S;
    return s;
}

world_node_t world_node_default(uint64_t id, const char *name)
{
    world_node_t n;
    memset(&n, 0, sizeof n);
    n.id = id;
    n.name = name;
    n.region = WORLD_NONE;
    n.accept_routes = true;
    n.accept_dns = true;
    n.exit_node = WORLD_NONE;
    return n;
}

int w_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return -1;
        n *= 2;
    }
    void *p = realloc(*arr, n * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = n;
    return 0;
}

void w_msg_link(world_t *w, wmsg_t *m)
{
    m->next = w->msgs.next;
    m->prev = &w->msgs;
    w->msgs.next->prev = m;
    w->msgs.next = m;
}

void w_msg_unlink(wmsg_t *m)
{
    m->prev->next = m->next;
    m->next->prev = m->prev;
    m->prev = m->next = m;
}

wconfig_t *w_config_ref(wconfig_t *c)
{
    if (c)
        c->refs++;
    return c;
}

void w_config_unref(wconfig_t *c)
{
    if (!c || --c->refs > 0)
        return;
    free(c->domains);
    free(c->routes);
    free(c);
}

bool w_config_equal(const wconfig_t *a, const wconfig_t *b)
{
    if (a == b)
        return true;
    if (!a || !b)
        return false;
    if (a->n_domains != b->n_domains || a->n_routes != b->n_routes)
        return false;
    for (size_t i = 0; i < a->n_domains; i++)
        if (strcmp(a->domains[i].name, b->domains[i].name) != 0)
            return false;
    for (size_t i = 0; i < a->n_routes; i++)
        if (!pfx_equal(&a->routes[i], &b->routes[i]))
            return false;
    return true;
}

wsdns_t *w_sdns_ref(wsdns_t *s)
{
    if (s)
        s->refs++;
    return s;
}

void w_sdns_unref(wsdns_t *s)
{
    if (!s || --s->refs > 0)
        return;
    ctrl_splitdns_free(s->table);
    free(s);
}

const char *w_region_name(const world_t *w, int region)
{
    if (region < 0 || (size_t)region >= w->n_regions)
        return NULL;
    return w->regions[region];
}

void w_fail(world_t *w, const char *what)
{
    if (!w->failed) {
        w->failed = true;
        wt_begin(w, W_NONE32, "error");
        trace_str(w->tr, "reason", what);
        trace_end(w->tr);
    }
}

static char *dupstr(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void free_strv(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Copies n strings; NULL (with *ok false) on out-of-memory or a NULL string. */
static char **dup_strv(const char *const *v, size_t n, bool *ok)
{
    if (n == 0)
        return NULL;
    char **d = calloc(n, sizeof *d);
    if (!d) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!v[i] || !(d[i] = dupstr(v[i]))) {
            free_strv(d, n);
            *ok = false;
            return NULL;
        }
    }
    return d;
}

static void *dup_mem(const void *p, size_t n, size_t elem, bool *ok)
{
    if (n == 0)
        return NULL;
    void *d = malloc(n * elem);
    if (!d) {
        *ok = false;
        return NULL;
    }
    memcpy(d, p, n * elem);
    return d;
}

static bool bad_duration(sim_time_t d)
{
    return d < 0;
}

world_t *world_new(const world_settings_t *settings, uint64_t seed, const engine_limits_t *limits,
                   errinfo_t *err)
{
    world_settings_t s = settings ? *settings : world_settings_default();
    if (bad_duration(s.detection_delay) || bad_duration(s.propagation_delay) ||
        bad_duration(s.propagation_jitter) || bad_duration(s.learned_route_ttl) ||
        bad_duration(s.default_rtt) || bad_duration(s.upstream_rtt) ||
        bad_duration(s.advertise_delay)) {
        errinfo_set(err, "settings: durations must not be negative");
        return NULL;
    }
    if (s.dns_timeout <= 0) {
        errinfo_set(err, "settings: dns_timeout must be greater than 0");
        return NULL;
    }
    world_t *w = calloc(1, sizeof *w);
    if (!w) {
        errinfo_set(err, "out of memory");
        return NULL;
    }
    w->set = s;
    w->seed = seed;
    for (int i = 0; i < 17; i++)
        snprintf(w->dns_reasons[i], sizeof w->dns_reasons[i], "dns: %s",
                 world_rcode_name(i < 16 ? i : -1));
    w->msgs.next = w->msgs.prev = &w->msgs;
    w->eng = engine_new(limits);
    w->tr = trace_new();
    w->cp_index = pfxset_new();
    w->global = pfxset_new();
    w->empty = pfxset_new();
    w->region_index = strmap_new();
    w->query_index = strmap_new();
    w->flow_index = strmap_new();
    learn_msg_init(&w->lmsg);
    if (!w->eng || !w->tr || !w->cp_index || !w->global || !w->empty || !w->region_index ||
        !w->query_index || !w->flow_index) {
        errinfo_set(err, limits ? "bad limits or out of memory" : "out of memory");
        world_free(w);
        return NULL;
    }
    return w;
}

static void free_policy(wpolicy_t *p)
{
    for (size_t i = 0; i < p->n_apps; i++) {
        wapp_t *a = &p->apps[i];
        free(a->name);
        free_strv(a->connectors, a->n_connectors);
        free(a->domains);
        free(a->routes);
        free_strv(a->targets, a->n_targets);
    }
    free(p->apps);
    for (size_t i = 0; i < p->n_routes; i++)
        free_strv((char **)(void *)p->routes[i].approvers, p->routes[i].n);
    free(p->routes);
    free_strv(p->exit_node, p->n_exit_node);
}

static void free_query(wquery_t *q)
{
    free(q->name);
    free(q->id);
    if (q->slots)
        for (uint32_t i = 0; i < q->n_slots; i++)
            free(q->slots[i].wire);
    free(q->slots);
    free(q->addrs);
}

void world_free(world_t *w)
{
    if (!w)
        return;
    /* Messages still in flight own their payloads. */
    while (w->msgs.next != &w->msgs) {
        wmsg_t *m = w->msgs.next;
        w_msg_unlink(m);
        m->free_fn(m);
    }
    netmap_pool_free(w);
    control_free(w);
    for (size_t i = 0; i < w->n_nodes; i++) {
        wnode_t *n = &w->nodes[i];
        free(n->name);
        free_strv(n->tags, n->n_tags);
        free(n->lat);
        free(n->manual);
        dns_cache_free(n->cache);
        conn_free(n->conn);
        w_config_unref(n->config);
        dn_matcher_free(n->matcher);
        pfxset_free(n->routes);
        w_sdns_unref(n->sdns);
        free(n->exit_view);
        pfxset_free(n->c_set);
        w_config_unref(n->c_config);
        w_sdns_unref(n->c_sdns);
        pfxset_free(n->c_table);
    }
    free(w->nodes);
    free(w->exit_nodes);
    free(w->by_id);
    free_strv(w->regions, w->n_regions);
    strmap_free(w->region_index);
    strmap_free(w->node_index);
    strmap_free(w->query_index);
    strmap_free(w->flow_index);
    for (size_t i = 0; i < w->n_policies; i++)
        free_policy(&w->policies[i]);
    free(w->policies);
    dns_db_free(w->db);
    for (size_t i = 0; i < w->n_queries; i++)
        free_query(&w->queries[i]);
    free(w->queries);
    for (size_t i = 0; i < w->n_flows; i++) {
        free(w->flows[i].id);
        free(w->flows[i].name);
    }
    free(w->flows);
    for (size_t i = 0; i < w->n_events; i++) {
        wevent_t *e = &w->events[i];
        free(e->s1);
        free(e->s2);
        free(e->s3);
        free_strv(e->rrs, e->n_rrs);
    }
    free(w->events);
    free(w->net);
    learn_msg_free(&w->lmsg);
    conn_change_clear(&w->change);
    pfxset_free(w->empty);
    engine_free(w->eng);
    trace_free(w->tr);
    free(w);
}

static bool building(world_t *w, errinfo_t *err)
{
    if (w->started) {
        errinfo_set(err, "the world has started: it can no longer be built");
        return false;
    }
    return true;
}

static bool valid_label(const char *s)
{
    if (!s || !*s)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x21 || *p == 0x7f)
            return false;
    return true;
}

size_t world_add_region(world_t *w, const char *name, errinfo_t *err)
{
    if (!building(w, err))
        return WORLD_NONE;
    if (!valid_label(name)) {
        errinfo_set(err, "region %zu: a name must be non-empty text without spaces",
                    w->n_regions);
        return WORLD_NONE;
    }
    if (strmap_find(w->region_index, name, strlen(name))) {
        errinfo_set(err, "region '%s' is listed twice", name);
        return WORLD_NONE;
    }
    if (w->n_nodes > 0) {
        errinfo_set(err, "regions must be added before nodes");
        return WORLD_NONE;
    }
    /* Grown by doubling, and names found through the map: many regions load in linear time. */
    if (w_grow((void **)&w->regions, &w->cap_regions, w->n_regions + 1, sizeof *w->regions) < 0 ||
        !(w->regions[w->n_regions] = dupstr(name))) {
        errinfo_set(err, "out of memory");
        return WORLD_NONE;
    }
    uint64_t *slot = strmap_insert(w->region_index, name, strlen(name), NULL);
    if (!slot) {
        free(w->regions[w->n_regions]);
        errinfo_set(err, "out of memory");
        return WORLD_NONE;
    }
    *slot = w->n_regions;
    return w->n_regions++;
}

static bool check_node(const world_t *w, const world_node_t *n, errinfo_t *err)
{
    if (!valid_label(n->name)) {
        errinfo_set(err, "node %zu: a name must be non-empty text without spaces", w->n_nodes);
        return false;
    }
    if (n->created < 0) {
        errinfo_set(err, "node '%s': created must not be negative", n->name);
        return false;
    }
    for (size_t i = 0; i < n->n_tags; i++)
        if (!n->tags[i] || strncmp(n->tags[i], "tag:", 4) != 0 || !n->tags[i][4]) {
            errinfo_set(err, "node '%s': tag %zu must be written \"tag:NAME\"", n->name, i);
            return false;
        }
    for (size_t i = 0; i < n->n_latency; i++) {
        if (n->latency[i].region >= w->n_regions) {
            errinfo_set(err, "node '%s': latency %zu names no region", n->name, i);
            return false;
        }
        if (n->latency[i].rtt < 0) {
            errinfo_set(err, "node '%s': latency %zu is negative", n->name, i);
            return false;
        }
    }
    if (n->region != WORLD_NONE && n->region >= w->n_regions) {
        errinfo_set(err, "node '%s': the pinned region does not exist", n->name);
        return false;
    }
    if ((n->has_egress4 && n->egress4.family != PFX_V4) ||
        (n->has_egress6 && n->egress6.family != PFX_V6)) {
        errinfo_set(err, "node '%s': egress addresses of the wrong family", n->name);
        return false;
    }
    for (size_t i = 0; i < n->n_routes; i++)
        if (ctrl_is_exit_route(&n->routes[i])) {
            errinfo_set(err, "node '%s': manual route %zu is an exit route: use offers_exit",
                        n->name, i);
            return false;
        }
    return true;
}

size_t world_add_node(world_t *w, const world_node_t *n, errinfo_t *err)
{
    if (!building(w, err) || !check_node(w, n, err))
        return WORLD_NONE;
    if (w->n_nodes >= UINT32_MAX - 1) {
        errinfo_set(err, "too many nodes");
        return WORLD_NONE;
    }
    if (w_grow((void **)&w->nodes, &w->cap_nodes, w->n_nodes + 1, sizeof *w->nodes) < 0) {
        errinfo_set(err, "out of memory");
        return WORLD_NONE;
    }
    wnode_t *d = &w->nodes[w->n_nodes];
    memset(d, 0, sizeof *d);
    bool ok = true;
    d->id = n->id;
    d->name = dupstr(n->name);
    d->created = n->created;
    d->tags = dup_strv(n->tags, n->n_tags, &ok);
    d->n_tags = n->n_tags;
    if (w->n_regions) {
        d->lat = malloc(w->n_regions * sizeof *d->lat);
        if (d->lat)
            for (size_t r = 0; r < w->n_regions; r++)
                d->lat[r] = -1;
        else
            ok = false;
    }
    for (size_t i = 0; ok && i < n->n_latency; i++)
        d->lat[n->latency[i].region] = n->latency[i].rtt;
    d->pinned = n->region;
    d->has_e4 = n->has_egress4;
    d->has_e6 = n->has_egress6;
    d->e4 = n->egress4;
    d->e6 = n->egress6;
    d->accept_routes = n->accept_routes;
    d->accept_dns = n->accept_dns;
    d->advertise_connector = n->advertise_connector;
    d->offers_exit = n->offers_exit;
    d->cache_on = n->cache;
    d->exit_node = n->exit_node;
    d->exit_slot = W_NONE32;
    size_t n_manual = n->n_routes + (n->offers_exit ? 2 : 0);
    if (n_manual) {
        d->manual = malloc(n_manual * sizeof *d->manual);
        if (d->manual) {
            if (n->n_routes)
                memcpy(d->manual, n->routes, n->n_routes * sizeof *d->manual);
            if (n->offers_exit) {
                pfx_addr_t z4 = pfx_addr_v4(0);
                uint8_t zero[16] = {0};
                pfx_addr_t z6 = pfx_addr_v6(zero);
                d->manual[n->n_routes] = pfx_make(&z4, 0);
                d->manual[n->n_routes + 1] = pfx_make(&z6, 0);
            }
            d->n_manual = n_manual;
        } else {
            ok = false;
        }
    }
    d->c_set = pfxset_new();
    if (!d->name || !ok || !d->c_set) {
        free(d->name);
        free_strv(d->tags, d->n_tags);
        free(d->lat);
        free(d->manual);
        pfxset_free(d->c_set);
        errinfo_set(err, "out of memory");
        return WORLD_NONE;
    }
    return w->n_nodes++;
}

static bool check_policy(const world_t *w, const world_policy_t *p, errinfo_t *err)
{
    errinfo_t e;
    size_t n = w->n_policies;
    for (size_t i = 0; i < p->n_apps; i++) {
        const world_app_t *a = &p->apps[i];
        if (!a->app.name) {
            errinfo_set(err, "policy %zu: app %zu has no name", n, i);
            return false;
        }
        for (size_t j = 0; j < a->n_targets; j++)
            if (!ctrl_selector_check(a->targets[j], &e)) {
                errinfo_set(err, "policy %zu: app '%s': target %zu: %s", n, a->app.name, j,
                            e.msg);
                return false;
            }
        for (size_t j = 0; j < a->app.n_connectors; j++)
            if (!app_check_connector(a->app.connectors[j], &e)) {
                errinfo_set(err, "policy %zu: app '%s': connector %zu: %s", n, a->app.name, j,
                            e.msg);
                return false;
            }
        for (size_t j = 0; j < a->app.n_routes; j++)
            if (!app_check_route(&a->app.routes[j], &e)) {
                errinfo_set(err, "policy %zu: app '%s': route %zu: %s", n, a->app.name, j,
                            e.msg);
                return false;
            }
    }
    for (size_t i = 0; i < p->approvers.n_routes; i++)
        for (size_t j = 0; j < p->approvers.routes[i].n; j++)
            if (!p->approvers.routes[i].approvers[j]) {
                errinfo_set(err, "policy %zu: autoApprovers.routes entry %zu has a null", n, i);
                return false;
            }
    return true;
}

size_t world_add_policy(world_t *w, const world_policy_t *p, errinfo_t *err)
{
    if (!building(w, err) || !check_policy(w, p, err))
        return WORLD_NONE;
    wpolicy_t *arr = realloc(w->policies, (w->n_policies + 1) * sizeof *arr);
    if (!arr) {
        errinfo_set(err, "out of memory");
        return WORLD_NONE;
    }
    w->policies = arr;
    wpolicy_t *d = &arr[w->n_policies];
    memset(d, 0, sizeof *d);
    bool ok = true;
    if (p->n_apps) {
        d->apps = calloc(p->n_apps, sizeof *d->apps);
        ok = d->apps != NULL;
    }
    for (size_t i = 0; ok && i < p->n_apps; i++) {
        const world_app_t *s = &p->apps[i];
        wapp_t *a = &d->apps[i];
        d->n_apps = i + 1;
        a->name = dupstr(s->app.name);
        ok = a->name != NULL;
        a->connectors = dup_strv(s->app.connectors, s->app.n_connectors, &ok);
        a->n_connectors = s->app.n_connectors;
        a->domains = dup_mem(s->app.domains, s->app.n_domains, sizeof *a->domains, &ok);
        a->n_domains = s->app.n_domains;
        a->routes = dup_mem(s->app.routes, s->app.n_routes, sizeof *a->routes, &ok);
        a->n_routes = s->app.n_routes;
        a->targets = dup_strv(s->targets, s->n_targets, &ok);
        a->n_targets = s->n_targets;
        a->view = (app_t){a->name, (const char *const *)a->connectors, a->n_connectors,
                          a->domains, a->n_domains, a->routes, a->n_routes};
    }
    if (ok && p->approvers.n_routes) {
        d->routes = calloc(p->approvers.n_routes, sizeof *d->routes);
        ok = d->routes != NULL;
    }
    for (size_t i = 0; ok && i < p->approvers.n_routes; i++) {
        const ctrl_approver_t *s = &p->approvers.routes[i];
        d->n_routes = i + 1;
        d->routes[i].prefix = s->prefix;
        d->routes[i].approvers = (const char *const *)dup_strv(s->approvers, s->n, &ok);
        d->routes[i].n = ok ? s->n : 0;
    }
    if (ok) {
        d->exit_node = dup_strv(p->approvers.exit_node, p->approvers.n_exit_node, &ok);
        d->n_exit_node = ok ? p->approvers.n_exit_node : 0;
    }
    if (!ok) {
        free_policy(d);
        errinfo_set(err, "out of memory");
        return WORLD_NONE;
    }
    d->aa = (ctrl_autoapprovers_t){d->routes, d->n_routes, (const char *const *)d->exit_node,
                                   d->n_exit_node};
    return w->n_policies++;
}

void world_set_dns(world_t *w, dns_db_t *db)
{
    if (w->started) {
        /* Too late to swap the data under running actors; the caller keeps nothing. */
        dns_db_free(db);
        return;
    }
    dns_db_free(w->db);
    w->db = db;
}
