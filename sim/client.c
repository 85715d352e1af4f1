/* client: netmap deliveries (K3, P7) and flow outcomes (K4, P8). See client.h. */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "client.h"
#include "connector.h"

/* ---- route tables (K3) ---- */

/* The node a prefix is elected to once the first k route-log entries are applied. */
static uint32_t value_at(const cprefix_t *c, size_t k)
{
    size_t lo = 0, hi = c->n_hist;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->hist[mid].idx < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? W_NONE32 : c->hist[lo - 1].node;
}

uint32_t client_route(const world_t *w, uint32_t client, const pfx_addr_t *a, pfx_t *match)
{
    const wnode_t *n = &w->nodes[client];
    if (!n->accept_routes)
        return W_NONE32;
    uint64_t v;
    if (w->set.regional_routing)
        return n->routes && pfxset_lookup(n->routes, a, match, &v) ? (uint32_t)v : W_NONE32;
    /* Without regional routing: the longest prefix ever reported that contains a and was
     * elected to someone at the client's point of the route log. */
    pfx_t m;
    if (!pfxset_lookup(w->cp_index, a, &m, &v))
        return W_NONE32;
    for (;;) {
        uint32_t node = value_at(&w->cp[v], n->rk);
        if (node != W_NONE32) {
            if (match)
                *match = m;
            return node;
        }
        if (m.len == 0)
            return W_NONE32;
        pfx_t shorter = pfx_make(a, m.len - 1u);
        if (!pfxset_covering(w->cp_index, &shorter, &m, &v))
            return W_NONE32;
    }
}

typedef struct {
    const world_t *w;
    size_t k, count;
    bool trace;
} at_k_t;

static void trace_route(world_t *w, const pfx_t *p, uint32_t node);

static bool visit_at_k(const pfx_t *p, uint64_t value, void *ctx)
{
    at_k_t *x = ctx;
    uint32_t node = value_at(&x->w->cp[value], x->k);
    if (node != W_NONE32) {
        x->count++;
        if (x->trace)
            trace_route((world_t *)x->w, p, node);
    }
    return true;
}

size_t client_route_count(const world_t *w, uint32_t client)
{
    const wnode_t *n = &w->nodes[client];
    if (!n->accept_routes)
        return 0;
    if (w->set.regional_routing)
        return n->routes ? pfxset_count(n->routes) : 0;
    at_k_t x = {w, n->rk, 0, false};
    pfxset_foreach(w->cp_index, visit_at_k, &x);
    return x.count;
}

/* ---- deliveries ---- */

static void trace_route(world_t *w, const pfx_t *p, uint32_t node)
{
    trace_array_begin(w->tr, NULL);
    wt_prefix(w->tr, NULL, p);
    wt_node(w->tr, NULL, w, node);
    trace_array_end(w->tr);
}

static bool trace_route_visit(const pfx_t *p, uint64_t value, void *ctx)
{
    trace_route(ctx, p, (uint32_t)value);
    return true;
}

/* Regional routing: one change to the client's own table. */
static void apply_route(world_t *w, wnode_t *n, const nm_route_t *r)
{
    if (n->routes) {
        if (r->node == W_NONE32)
            pfxset_remove(n->routes, &r->p);
        else if (pfxset_insert(n->routes, &r->p, r->node) < 0)
            w_fail(w, "out of memory (route table)");
    }
    trace_route(w, &r->p, r->node);
}

static void trace_exit(world_t *w, uint32_t node, uint8_t bits)
{
    trace_array_begin(w->tr, NULL);
    wt_node(w->tr, NULL, w, node);
    trace_bool(w->tr, NULL, bits & 1);
    trace_bool(w->tr, NULL, bits & 2);
    trace_array_end(w->tr);
}

void client_apply_delivery(world_t *w, nm_delivery_t *d)
{
    wnode_t *n = &w->nodes[d->node];
    if (n->open_delivery == d)
        n->open_delivery = NULL;
    if (d->epoch != n->epoch || !n->session_up)
        return; /* a delivery of an older session: the new session's full netmap replaces it */
    if (!w->converging)
        w_mark(w, RULE_P7); /* coverage: a netmap change arrived after propagation */
    size_t first = d->full ? d->full_after : 0;
    wt_begin(w, d->node, "netmap");
    trace_bool(w->tr, "full", d->full);

    trace_array_begin(w->tr, "routes");
    if (d->full && w->set.regional_routing) {
        if (n->routes) {
            /* K3: only a node that accepts routes holds them. */
            pfxset_free(n->routes);
            n->routes = d->full_routes;
            d->full_routes = NULL;
        }
        pfxset_foreach(n->routes ? n->routes : d->full_routes, trace_route_visit, w);
    } else if (d->full) {
        n->rk = d->full_k;
        at_k_t x = {w, n->rk, 0, true};
        pfxset_foreach(w->cp_index, visit_at_k, &x);
    }
    for (size_t b = first; b < d->n_batches; b++) {
        const nm_batch_t *batch = d->batches[b];
        for (size_t i = batch->log_lo; i < batch->log_hi; i++)
            trace_route(w, &w->rlog[i].p, w->rlog[i].node);
        if (batch->log_hi > n->rk)
            n->rk = batch->log_hi;
    }
    for (size_t i = 0; i < d->n_routes; i++)
        apply_route(w, n, &d->routes[i]);
    trace_array_end(w->tr);

    /* Peers and exit availability are written only when the delivery has some. */
    size_t n_peers = 0, n_exits = d->full && d->full_exit ? w->n_exit : 0;
    for (size_t b = first; b < d->n_batches; b++) {
        n_peers += d->batches[b]->n_peers;
        n_exits += d->batches[b]->n_exits;
    }
    if (n_peers) {
        trace_array_begin(w->tr, "peers");
        for (size_t b = first; b < d->n_batches; b++)
            for (size_t i = 0; i < d->batches[b]->n_peers; i++) {
                const nm_peer_t *p = &d->batches[b]->peers[i];
                trace_array_begin(w->tr, NULL);
                wt_node(w->tr, NULL, w, p->node);
                trace_bool(w->tr, NULL, p->online);
                trace_array_end(w->tr);
            }
        trace_array_end(w->tr);
    }
    if (n_exits) {
        trace_array_begin(w->tr, "exit");
        if (d->full && d->full_exit)
            for (size_t s = 0; s < w->n_exit; s++) {
                n->exit_view[s] = d->full_exit[s];
                trace_exit(w, w->exit_nodes[s], d->full_exit[s]);
            }
        for (size_t b = first; b < d->n_batches; b++)
            for (size_t i = 0; i < d->batches[b]->n_exits; i++) {
                const nm_exit_t *x = &d->batches[b]->exits[i];
                n->exit_view[w->nodes[x->node].exit_slot] = x->bits;
                trace_exit(w, x->node, x->bits);
            }
        trace_array_end(w->tr);
    }

    if (d->has_sdns) {
        w_sdns_unref(n->sdns);
        n->sdns = w_sdns_ref(d->sdns);
        trace_uint(w->tr, "splitdns", d->sdns ? ctrl_splitdns_count(d->sdns->table) : 0);
    }
    bool config_changed = d->has_config && !w_config_equal(n->config, d->config);
    if (config_changed) {
        trace_object_begin(w->tr, "config");
        trace_uint(w->tr, "domains", d->config ? d->config->n_domains : 0);
        trace_uint(w->tr, "routes", d->config ? d->config->n_routes : 0);
        trace_object_end(w->tr);
    }
    trace_end(w->tr);
    if (config_changed) {
        if (!w->converging)
            w_mark(w, RULE_C2); /* coverage: a policy change applies as it reaches the node */
        w_config_unref(n->config);
        n->config = w_config_ref(d->config);
        /* C2: a policy change applies at the instant it reaches the connector. */
        connector_refresh(w, d->node, "config");
    }
}

/* ---- flows (K4, P8) ---- */

static const char *dns_reason(const world_t *w, int rcode)
{
    return w->dns_reasons[rcode >= 0 && rcode < 16 ? rcode : 16];
}

static const pfx_addr_t *egress_of(const wnode_t *n, uint8_t family)
{
    if (n->egress_broken)
        return NULL;
    if (family == PFX_V4)
        return n->has_e4 ? &n->e4 : NULL;
    return n->has_e6 ? &n->e6 : NULL;
}

static void set_out(world_flow_result_t *r, world_outcome_t o, size_t node,
                    const pfx_addr_t *egress)
{
    r->outcome = o;
    r->node = node;
    r->has_egress = egress != NULL;
    if (egress)
        r->egress = *egress;
}

static void drop(world_flow_result_t *r, const char *reason)
{
    r->outcome = WORLD_FLOW_DROPPED;
    r->reason = reason;
}

/* The prefix control has elected for this client that holds a longest (K3 as control sees
 * it): false when none. */
static bool control_elected(const world_t *w, uint32_t c, const pfx_addr_t *a, pfx_t *m)
{
    if (!w->set.regional_routing)
        return pfxset_lookup(w->global, a, m, NULL);
    const pfxset_t *t = w->nodes[c].c_table;
    return t != NULL && pfxset_lookup(t, a, m, NULL);
}

/* Coverage of a flow's route lookup (v: the node its table gave, md: the prefix): K3 when the
 * table decided (a route found, or none held because accept_routes is off while control has
 * one), K5 when control had already elected a route for the address that the client's table
 * does not hold yet (the learning race, observed). */
static void mark_lookup(world_t *w, uint32_t c, const pfx_addr_t *a, uint32_t v,
                        const pfx_t *md)
{
    if (v != W_NONE32)
        w_mark(w, RULE_K3);
    if (rules_has(w->rules, RULE_K3) && rules_has(w->rules, RULE_K5))
        return;
    pfx_t me;
    if (!control_elected(w, c, a, &me))
        return;
    if (!w->nodes[c].accept_routes)
        w_mark(w, RULE_K3);
    else if (v == W_NONE32 || md->len < me.len)
        w_mark(w, RULE_K5);
}

static void route(world_t *w, uint32_t c, const pfx_addr_t *a, world_flow_result_t *r)
{
    const wnode_t *n = &w->nodes[c];
    pfx_t m;
    uint32_t v;
    if (n->down) {
        drop(r, "source down");
        return;
    }
    /* K4: a node's flows to prefixes it advertises itself leave from itself (its exit routes
     * excepted: those serve others, P8). */
    if (n->conn && pfxset_lookup(conn_advertised(n->conn), a, &m, NULL) && m.len > 0) {
        const pfx_addr_t *e = egress_of(n, a->family);
        if (e)
            set_out(r, WORLD_FLOW_VIA, c, e);
        else
            drop(r, "via no egress");
        return;
    }
    v = client_route(w, c, a, &m);
    mark_lookup(w, c, a, v, &m);
    if (v != W_NONE32) {
        const wnode_t *via = &w->nodes[v];
        const pfx_addr_t *e = egress_of(via, a->family);
        if (via->down)
            drop(r, "via down");
        else if (!e)
            drop(r, "via no egress");
        else
            set_out(r, WORLD_FLOW_VIA, (size_t)v, e);
        return;
    }
    if (n->exit_node != WORLD_NONE) {
        w_mark(w, RULE_P8); /* coverage: a flow through the selected exit node */
        const wnode_t *x = &w->nodes[n->exit_node];
        uint8_t need = a->family == PFX_V4 ? 1 : 2;
        const pfx_addr_t *e = egress_of(x, a->family);
        if (x->down)
            drop(r, "exit down");
        else if (x->exit_slot == W_NONE32 || !(n->exit_view[x->exit_slot] & need))
            drop(r, "exit unapproved");
        else if (!e)
            drop(r, "exit no egress");
        else
            set_out(r, WORLD_FLOW_EXIT, n->exit_node, e);
        return;
    }
    const pfx_addr_t *e = egress_of(n, a->family);
    if (e)
        set_out(r, WORLD_FLOW_DIRECT, WORLD_NONE, e);
    else
        drop(r, "no egress");
}

void client_flow_decide(world_t *w, size_t fi, const pfx_addr_t *addr, int rcode)
{
    wflow_t *f = &w->flows[fi];
    world_flow_result_t *r = &f->res;
    w_mark(w, RULE_K4); /* coverage: a flow's outcome is decided */
    r->at = engine_now(w->eng);
    r->node = WORLD_NONE;
    r->has_egress = false;
    r->reason = NULL;
    if (addr) {
        f->to = *addr;
        r->to = *addr;
        route(w, f->client, addr, r);
    } else {
        drop(r, dns_reason(w, rcode));
    }
    wt_begin(w, f->client, "flow");
    trace_str(w->tr, "id", f->id);
    if (f->name)
        trace_str(w->tr, "name", f->name);
    wt_addr(w->tr, "to", addr);
    trace_str(w->tr, "outcome", world_outcome_name(r->outcome));
    wt_node(w->tr, "via", w, r->node == WORLD_NONE ? W_NONE32 : (uint32_t)r->node);
    wt_addr(w->tr, "egress", r->has_egress ? &r->egress : NULL);
    trace_str(w->tr, "reason", r->reason);
    trace_end(w->tr);
}

void client_flow_start(world_t *w, size_t fi)
{
    wflow_t *f = &w->flows[fi];
    if (!f->name) {
        client_flow_decide(w, fi, &f->to, 0);
        return;
    }
    /* K4: a flow to a name resolves it first (K1, K2) with a query of its own. */
    if (w_grow((void **)&w->queries, &w->cap_queries, w->n_queries + 1, sizeof *w->queries) < 0) {
        w_fail(w, "out of memory (queries)");
        return;
    }
    size_t qi = w->n_queries;
    wquery_t *q = &w->queries[qi];
    memset(q, 0, sizeof *q);
    q->client = f->client;
    q->qtype = LDNS_RR_TYPE_A;
    q->flow = fi;
    size_t len = strlen(f->name) + 1;
    q->name = malloc(len);
    if (!q->name) {
        w_fail(w, "out of memory (queries)");
        return;
    }
    memcpy(q->name, f->name, len);
    w->n_queries++;
    client_query_start(w, qi);
}
