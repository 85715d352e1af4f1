/* world: starting a world (validation and the converged initial state), running it, and
 * inspecting it. See world.h. */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "client.h"
#include "connector.h"
#include "control.h"
#include "netmap.h"
#include "world_priv.h"

static int cmp_by_id(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int validate(world_t *w, errinfo_t *err)
{
    free(w->by_id); /* a world_start called again after a failure */
    strmap_free(w->node_index);
    w->node_index = NULL;
    w->by_id = malloc((w->n_nodes ? w->n_nodes : 1) * sizeof *w->by_id);
    strmap_t *names = strmap_new();
    if (!w->by_id || !names) {
        strmap_free(names);
        errinfo_set(err, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < w->n_nodes && rc == 0; i++) {
        w->by_id[i].id = w->nodes[i].id;
        w->by_id[i].idx = (uint32_t)i;
        bool added;
        const char *name = w->nodes[i].name;
        uint64_t *slot = strmap_insert(names, name, strlen(name), &added);
        if (!slot) {
            errinfo_set(err, "out of memory");
            rc = -1;
        } else if (!added) {
            errinfo_set(err, "node name '%s' is used twice", name);
            rc = -1;
        } else {
            *slot = i;
        }
    }
    if (rc < 0) {
        strmap_free(names);
        return -1;
    }
    w->node_index = names; /* world_find_node */
    qsort(w->by_id, w->n_nodes, sizeof *w->by_id, cmp_by_id);
    for (size_t i = 1; i < w->n_nodes; i++)
        if (w->by_id[i].id == w->by_id[i - 1].id) {
            errinfo_set(err, "node id %llu is used twice (S1: ids are unique)",
                        (unsigned long long)w->by_id[i].id);
            return -1;
        }
    for (size_t i = 0; i < w->n_nodes; i++) {
        const wnode_t *n = &w->nodes[i];
        if (n->exit_node == WORLD_NONE)
            continue;
        if (n->exit_node >= w->n_nodes || n->exit_node == i ||
            !w->nodes[n->exit_node].offers_exit) {
            errinfo_set(err, "node '%s': the selected exit node must be another node that "
                             "offers exit", n->name);
            return -1;
        }
    }
    return 0;
}

static int setup_nodes(world_t *w)
{
    size_t n_exit = 0;
    for (size_t i = 0; i < w->n_nodes; i++)
        n_exit += w->nodes[i].offers_exit;
    if (n_exit && !(w->exit_nodes = malloc(n_exit * sizeof *w->exit_nodes)))
        return -1;
    for (size_t i = 0; i < w->n_nodes; i++) {
        wnode_t *n = &w->nodes[i];
        if (n->offers_exit) {
            n->exit_slot = (uint32_t)w->n_exit;
            w->exit_nodes[w->n_exit++] = (uint32_t)i;
        }
    }
    for (size_t i = 0; i < w->n_nodes; i++) {
        wnode_t *n = &w->nodes[i];
        n->region = n->pinned != WORLD_NONE ? (int)n->pinned
                                            : ctrl_region_initial(n->lat, w->n_regions);
        rng_init(&n->rng, w->seed, n->id);
        n->session_up = true;
        n->epoch = 1;
        n->c_online = true;
        n->c_flag = n->advertise_connector;
        n->expiry_at = INT64_MAX;
        if (w->set.regional_routing && n->accept_routes && !(n->routes = pfxset_new()))
            return -1;
        if (w->n_exit && !(n->exit_view = calloc(w->n_exit, 1)))
            return -1;
    }
    return 0;
}

/* The converged start: configurations applied, sets at control, elections made, netmaps
 * held, all at t = 0 and with no delay (world.h). */
static int converge(world_t *w)
{
    w->converging = true;
    if (control_compute_configs(w, false) < 0 || control_compute_groups(w) < 0 ||
        control_compute_sdns(w, false) < 0)
        return -1;
    for (uint32_t i = 0; i < w->n_nodes; i++) {
        wnode_t *n = &w->nodes[i];
        n->config = w_config_ref(n->c_config);
        connector_refresh(w, i, "config");
    }
    for (uint32_t i = 0; i < w->n_nodes; i++)
        control_mark_full(w, i);
    control_flush(w);
    for (uint32_t i = 0; i < w->n_nodes; i++) {
        nm_delivery_t *d = w->nodes[i].open_delivery;
        if (!d)
            continue;
        client_apply_delivery(w, d);
        netmap_delivery_release(w, d);
    }
    w->converging = false;
    return w->failed ? -1 : 0;
}

int world_start(world_t *w, errinfo_t *err)
{
    if (w->started) {
        errinfo_set(err, "the world has already started");
        return -1;
    }
    if (w->n_policies == 0) {
        world_policy_t empty;
        memset(&empty, 0, sizeof empty);
        if (world_add_policy(w, &empty, err) == WORLD_NONE)
            return -1;
    }
    if (validate(w, err) < 0)
        return -1;
    if (!w->db && !(w->db = dns_db_new())) {
        errinfo_set(err, "out of memory");
        return -1;
    }
    w->started = true;
    if (w->n_nodes > 0)
        w_mark(w, RULE_S1); /* coverage: the nodes are built */
    if (setup_nodes(w) < 0 || converge(w) < 0) {
        w->failed = true;
        errinfo_set(err, "out of memory while building the initial state");
        return -1;
    }
    return 0;
}

static int run_check(world_t *w, errinfo_t *err)
{
    if (!w->started) {
        errinfo_set(err, "the world has not started (world_start)");
        return -1;
    }
    if (w->failed) {
        errinfo_set(err, "the world stopped after an internal failure (see the trace)");
        return -1;
    }
    return 0;
}

int world_run_until(world_t *w, sim_time_t t, errinfo_t *err)
{
    if (run_check(w, err) < 0)
        return -1;
    if (engine_run_until(w->eng, t, err) < 0)
        return -1;
    return run_check(w, err);
}

int world_run(world_t *w, errinfo_t *err)
{
    if (run_check(w, err) < 0)
        return -1;
    if (engine_run(w->eng, err) < 0)
        return -1;
    return run_check(w, err);
}

sim_time_t world_now(const world_t *w)
{
    return engine_now(w->eng);
}

uint64_t world_events_run(const world_t *w)
{
    return engine_events_run(w->eng);
}

/* ---- inspection ---- */

size_t world_node_count(const world_t *w)
{
    return w->n_nodes;
}

size_t world_region_count(const world_t *w)
{
    return w->n_regions;
}

size_t world_find_node(const world_t *w, const char *name)
{
    if (!name)
        return WORLD_NONE;
    if (w->node_index) { /* from world_start on */
        const uint64_t *slot = strmap_find(w->node_index, name, strlen(name));
        return slot ? (size_t)*slot : WORLD_NONE;
    }
    for (size_t i = 0; i < w->n_nodes; i++)
        if (strcmp(w->nodes[i].name, name) == 0)
            return i;
    return WORLD_NONE;
}

size_t world_find_node_id(const world_t *w, uint64_t id)
{
    if (w->started) { /* by_id is sorted from world_start on */
        size_t lo = 0, hi = w->n_nodes;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (w->by_id[mid].id == id)
                return w->by_id[mid].idx;
            if (w->by_id[mid].id < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        return WORLD_NONE;
    }
    for (size_t i = 0; i < w->n_nodes; i++)
        if (w->nodes[i].id == id)
            return i;
    return WORLD_NONE;
}

const char *world_node_name(const world_t *w, size_t node)
{
    return node < w->n_nodes ? w->nodes[node].name : NULL;
}

size_t world_node_region(const world_t *w, size_t node)
{
    if (node >= w->n_nodes || w->nodes[node].region < 0)
        return WORLD_NONE;
    return (size_t)w->nodes[node].region;
}

const pfxset_t *world_advertised(const world_t *w, size_t node)
{
    if (node >= w->n_nodes)
        return w->empty;
    return connector_advertised(w, (uint32_t)node);
}

const pfxset_t *world_ctrl_set(const world_t *w, size_t node)
{
    return node < w->n_nodes ? w->nodes[node].c_set : w->empty;
}

bool world_ctrl_approved(const world_t *w, size_t node, const pfx_t *p)
{
    uint32_t i = control_find(w, p);
    if (i == W_NONE32)
        return false;
    const cprefix_t *c = &w->cp[i];
    for (size_t k = 0; k < c->n_adv; k++)
        if (c->adv[k].node == node)
            return c->adv[k].approved;
    return false;
}

bool world_ctrl_online(const world_t *w, size_t node)
{
    return node < w->n_nodes && w->nodes[node].c_online;
}

size_t world_route(const world_t *w, size_t client, const pfx_addr_t *addr, pfx_t *match)
{
    if (client >= w->n_nodes || !addr)
        return WORLD_NONE;
    uint32_t v = client_route(w, (uint32_t)client, addr, match);
    return v == W_NONE32 ? WORLD_NONE : v;
}

size_t world_route_count(const world_t *w, size_t client)
{
    return client < w->n_nodes ? client_route_count(w, (uint32_t)client) : 0;
}

const world_flow_result_t *world_flow_result(const world_t *w, size_t flow)
{
    return flow < w->n_flows ? &w->flows[flow].res : NULL;
}

const char *world_outcome_name(world_outcome_t o)
{
    switch (o) {
    case WORLD_FLOW_VIA: return "via";
    case WORLD_FLOW_EXIT: return "exit";
    case WORLD_FLOW_DIRECT: return "direct";
    case WORLD_FLOW_DROPPED: return "dropped";
    default: return "pending";
    }
}

const world_query_result_t *world_query_result(const world_t *w, size_t query)
{
    return query < w->n_queries ? &w->queries[query].res : NULL;
}

size_t world_find_query(const world_t *w, const char *id)
{
    const uint64_t *slot = id ? strmap_find(w->query_index, id, strlen(id)) : NULL;
    return slot ? (size_t)*slot : WORLD_NONE;
}

size_t world_find_flow(const world_t *w, const char *id)
{
    const uint64_t *slot = id ? strmap_find(w->flow_index, id, strlen(id)) : NULL;
    return slot ? (size_t)*slot : WORLD_NONE;
}

uint64_t world_route_changes(const world_t *w, size_t node)
{
    return node < w->n_nodes ? w->nodes[node].route_changes : 0;
}

rules_t world_rules(const world_t *w)
{
    rules_t r = w->rules;
    if (engine_t1_ordered(w->eng))
        rules_mark(&r, RULE_T1);
    for (size_t i = 0; i < w->n_nodes; i++)
        if (w->nodes[i].conn)
            r |= conn_rules(w->nodes[i].conn);
    return r;
}

trace_t *world_trace(world_t *w)
{
    return w->tr;
}

const trace_t *world_trace_const(const world_t *w)
{
    return w->tr;
}

const char *world_rcode_name(int rcode)
{
    /* Rcodes are the header's 4 bits here; ldns names most of them. */
    static const char *const numbered[16] = {
        "RCODE0", "RCODE1", "RCODE2",  "RCODE3",  "RCODE4",  "RCODE5",  "RCODE6",  "RCODE7",
        "RCODE8", "RCODE9", "RCODE10", "RCODE11", "RCODE12", "RCODE13", "RCODE14", "RCODE15"};
    if (rcode < 0)
        return "unparseable";
    if (rcode == LDNS_RCODE_NOTIMPL)
        return "NOTIMP"; /* RFC 1035's name, and RULES D2's; ldns says NOTIMPL */
    const ldns_lookup_table *t = ldns_lookup_by_id(ldns_rcodes, rcode);
    if (t != NULL && t->name != NULL)
        return t->name;
    return rcode < 16 ? numbered[rcode] : "RCODE?";
}
