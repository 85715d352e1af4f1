/* control_flush: the elections (P3, P5, P6, P8) of what changed at this instant, and the
 * netmap changes they send (P7). See control.h. */
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "netmap.h"

typedef struct {
    pfx_t p;
    uint32_t i;
} sort_item_t;

static int cmp_item(const void *a, const void *b)
{
    return pfx_compare(&((const sort_item_t *)a)->p, &((const sort_item_t *)b)->p);
}

/* The dirty prefixes in C7 order (so that the same changes always send the same lists). */
static int sort_dirty(world_t *w)
{
    if (w->n_dirty < 2)
        return 0;
    sort_item_t *t = malloc(w->n_dirty * sizeof *t);
    if (!t)
        return -1;
    for (size_t k = 0; k < w->n_dirty; k++)
        t[k] = (sort_item_t){w->cp[w->dirty[k]].p, w->dirty[k]};
    qsort(t, w->n_dirty, sizeof *t, cmp_item);
    for (size_t k = 0; k < w->n_dirty; k++)
        w->dirty[k] = t[k].i;
    free(t);
    return 0;
}

static void trace_primary(world_t *w, const pfx_t *p, uint32_t to, uint32_t client)
{
    wt_begin(w, W_NONE32, "primary");
    wt_prefix(w->tr, "prefix", p);
    wt_node(w->tr, "to", w, to);
    if (client != W_NONE32)
        wt_node(w->tr, "client", w, client);
    trace_end(w->tr);
}

static int fill_cands(world_t *w, const cprefix_t *c, uint32_t current, ptrdiff_t *cur)
{
    if (w_grow((void **)&w->cands, &w->cap_cands, c->n_adv + 1, sizeof *w->cands) < 0)
        return -1;
    *cur = -1;
    for (size_t k = 0; k < c->n_adv; k++) {
        const wnode_t *n = &w->nodes[c->adv[k].node];
        w->cands[k] = (ctrl_candidate_t){n->id, n->created, n->c_online, c->adv[k].approved};
        if (c->adv[k].node == current)
            *cur = (ptrdiff_t)k;
    }
    return 0;
}

/* Coverage of one election of a prefix with `approved` approved advertisers, `eligible` of
 * them online: P3 when its order chose among two or more approved advertisers (p3_order: the
 * election uses the P3 order at all), P5 when none was eligible, or when the prefix left the
 * netmaps. */
static void mark_election(world_t *w, size_t approved, size_t eligible, bool p3_order,
                          uint32_t from, uint32_t to)
{
    if (p3_order && approved >= 2)
        w_mark(w, RULE_P3);
    if ((approved > 0 && eligible == 0) || (to == W_NONE32 && from != W_NONE32))
        w_mark(w, RULE_P5);
}

/* P3, P5 without regional routing: one election for every client. */
static int elect_global(world_t *w, uint32_t i, nm_batch_t *b)
{
    cprefix_t *c = &w->cp[i];
    ptrdiff_t cur;
    if (fill_cands(w, c, c->current, &cur) < 0)
        return -1;
    ptrdiff_t r = ctrl_elect_primary(w->cands, c->n_adv, cur, w->set.sticky_primary);
    uint32_t to = r < 0 ? W_NONE32 : c->adv[r].node;
    size_t approved = 0, eligible = 0;
    for (size_t k = 0; k < c->n_adv; k++) {
        approved += w->cands[k].approved;
        eligible += w->cands[k].approved && w->cands[k].online;
    }
    mark_election(w, approved, eligible, true, c->current, to);
    if (to == c->current)
        return 0;
    c->current = to;
    if (to == W_NONE32)
        pfxset_remove(w->global, &c->p);
    else if (pfxset_insert(w->global, &c->p, to) < 0)
        return -1;
    trace_primary(w, &c->p, to, W_NONE32);
    /* The change becomes route-log entry n_rlog, carried by this instant's batch. */
    if (w->n_rlog >= UINT32_MAX ||
        w_grow((void **)&w->rlog, &w->cap_rlog, w->n_rlog + 1, sizeof *w->rlog) < 0 ||
        w_grow((void **)&c->hist, &c->cap_hist, c->n_hist + 1, sizeof *c->hist) < 0)
        return -1;
    c->hist[c->n_hist++] = (chist_t){(uint32_t)w->n_rlog, to};
    w->rlog[w->n_rlog++] = (nm_route_t){c->p, to};
    b->log_hi = w->n_rlog;
    return 0;
}

static int fill_rcands(world_t *w, const cprefix_t *c)
{
    if (w_grow((void **)&w->rcands, &w->cap_rcands, c->n_adv + 1, sizeof *w->rcands) < 0)
        return -1;
    for (size_t k = 0; k < c->n_adv; k++) {
        const wnode_t *n = &w->nodes[c->adv[k].node];
        w->rcands[k].node =
            (ctrl_candidate_t){n->id, n->created, n->c_online, c->adv[k].approved};
        w->rcands[k].region = n->region;
    }
    return 0;
}

/* P6 for one client and one prefix; w->rcands holds the prefix's candidates. */
static int elect_for(world_t *w, uint32_t client, const cprefix_t *c)
{
    wnode_t *cl = &w->nodes[client];
    uint64_t v;
    uint32_t current = cl->c_table && pfxset_contains(cl->c_table, &c->p, &v) ? (uint32_t)v
                                                                              : W_NONE32;
    if (c->n_adv == 0 && current == W_NONE32)
        return 0;
    ptrdiff_t cur = -1;
    for (size_t k = 0; k < c->n_adv; k++)
        if (c->adv[k].node == current)
            cur = (ptrdiff_t)k;
    ptrdiff_t r = ctrl_elect_regional(cl->id, cl->region, cl->lat, w->n_regions, w->rcands,
                                      c->n_adv, cur, w->set.in_region_failover,
                                      w->set.sticky_primary);
    uint32_t to = r < 0 ? W_NONE32 : c->adv[r].node;
    /* Coverage: P6 always; T3 when load balancing by hash ordered two or more advertisers
     * (an approximation: they may sit in different regions); P3 and P5 as without regions. */
    w_mark(w, RULE_P6);
    bool balanced = !w->set.in_region_failover && cl->region >= 0;
    if (balanced && c->n_adv >= 2)
        w_mark(w, RULE_T3);
    if (!rules_has(w->rules, RULE_P3) || !rules_has(w->rules, RULE_P5)) {
        size_t approved = 0, eligible = 0;
        for (size_t k = 0; k < c->n_adv; k++) {
            approved += w->rcands[k].node.approved;
            eligible += w->rcands[k].node.approved && w->rcands[k].node.online;
        }
        mark_election(w, approved, eligible, !balanced, current, to);
    }
    if (to == current)
        return 0;
    if (to == W_NONE32) {
        pfxset_remove(cl->c_table, &c->p);
    } else {
        if (!cl->c_table && !(cl->c_table = pfxset_new()))
            return -1;
        if (pfxset_insert(cl->c_table, &c->p, to) < 0)
            return -1;
    }
    trace_primary(w, &c->p, to, client);
    nm_delivery_t *d = netmap_open(w, client);
    return d ? netmap_add_route(d, &c->p, to) : 0;
}

static int elect_regional(world_t *w)
{
    for (size_t k = 0; k < w->n_dirty; k++) {
        const cprefix_t *c = &w->cp[w->dirty[k]];
        if (c->exit)
            continue;
        if (fill_rcands(w, c) < 0)
            return -1;
        for (uint32_t cl = 0; cl < w->n_nodes; cl++)
            if (!w->nodes[cl].c_dirty_client && elect_for(w, cl, c) < 0)
                return -1;
    }
    if (w->n_dirty_clients == 0)
        return 0;
    /* Clients whose own region or latencies changed: every prefix, in C7 order. */
    sort_item_t *t = malloc((w->n_cp ? w->n_cp : 1) * sizeof *t);
    if (!t)
        return -1;
    size_t nt = 0;
    for (size_t i = 0; i < w->n_cp; i++)
        if (!w->cp[i].exit)
            t[nt++] = (sort_item_t){w->cp[i].p, (uint32_t)i};
    qsort(t, nt, sizeof *t, cmp_item);
    int rc = 0;
    for (size_t k = 0; k < nt && rc == 0; k++) {
        const cprefix_t *c = &w->cp[t[k].i];
        if (fill_rcands(w, c) < 0) {
            rc = -1;
            break;
        }
        for (size_t j = 0; j < w->n_dirty_clients && rc == 0; j++)
            rc = elect_for(w, w->dirty_clients[j], c);
    }
    free(t);
    return rc;
}

static uint8_t exit_bits(const world_t *w, uint32_t node)
{
    uint8_t bits = 0;
    const wnode_t *n = &w->nodes[node];
    for (size_t m = 0; m < n->n_manual; m++) {
        if (!ctrl_is_exit_route(&n->manual[m]))
            continue;
        uint32_t i = control_find(w, &n->manual[m]);
        if (i == W_NONE32)
            continue;
        const cprefix_t *c = &w->cp[i];
        for (size_t k = 0; k < c->n_adv; k++)
            if (c->adv[k].node == node && c->adv[k].approved)
                bits |= n->manual[m].family == PFX_V4 ? 1 : 2;
    }
    return bits;
}

static int exits(world_t *w, nm_batch_t *b)
{
    for (size_t k = 0; k < w->n_exit_dirty; k++) {
        uint32_t node = w->exit_dirty[k];
        wnode_t *n = &w->nodes[node];
        n->c_exit_dirty = false;
        uint8_t bits = exit_bits(w, node);
        if (bits == n->c_exit_bits)
            continue;
        w_mark(w, RULE_P8); /* coverage: an exit node's availability changed */
        n->c_exit_bits = bits;
        if (w_grow((void **)&b->exits, &b->cap_exits, b->n_exits + 1, sizeof *b->exits) < 0)
            return -1;
        b->exits[b->n_exits++] = (nm_exit_t){node, bits};
    }
    w->n_exit_dirty = 0;
    return 0;
}

static int full(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    n->c_need_full = false;
    nm_delivery_t *d = netmap_open(w, node);
    if (!d)
        return 0;
    pfxset_free(d->full_routes);
    d->full_routes = NULL;
    d->full_k = w->n_rlog;
    if (w->set.regional_routing &&
        !(d->full_routes = n->c_table ? pfxset_clone(n->c_table) : pfxset_new()))
        return -1;
    free(d->full_exit);
    d->full_exit = NULL;
    if (w->n_exit) {
        if (!(d->full_exit = malloc(w->n_exit)))
            return -1;
        for (size_t s = 0; s < w->n_exit; s++)
            d->full_exit[s] = w->nodes[w->exit_nodes[s]].c_exit_bits;
    }
    d->full = true;
    d->full_after = d->n_batches;
    d->n_routes = 0;
    netmap_set_sdns(d, n->c_sdns);
    netmap_set_config(d, n->c_config);
    return 0;
}

static int flush(world_t *w, nm_batch_t *b)
{
    if (sort_dirty(w) < 0)
        return -1;
    if (w->set.regional_routing) {
        if (elect_regional(w) < 0)
            return -1;
    } else {
        for (size_t k = 0; k < w->n_dirty; k++)
            if (!w->cp[w->dirty[k]].exit && elect_global(w, w->dirty[k], b) < 0)
                return -1;
    }
    for (size_t k = 0; k < w->n_dirty; k++)
        if (w->cp[w->dirty[k]].exit)
            w_mark(w, RULE_P8); /* coverage: an exit route is never elected */
    for (size_t k = 0; k < w->n_dirty; k++)
        w->cp[w->dirty[k]].dirty = false;
    w->n_dirty = 0;
    for (size_t k = 0; k < w->n_dirty_clients; k++)
        w->nodes[w->dirty_clients[k]].c_dirty_client = false;
    w->n_dirty_clients = 0;
    if (exits(w, b) < 0)
        return -1;
    if (w->n_peer_changes) {
        free(b->peers);
        b->peers = w->peer_changes;
        b->n_peers = w->n_peer_changes;
        b->cap_peers = w->cap_peer_changes;
        w->peer_changes = NULL;
        w->n_peer_changes = w->cap_peer_changes = 0;
    }
    if (!netmap_batch_empty(b))
        for (uint32_t node = 0; node < w->n_nodes; node++) {
            nm_delivery_t *d = netmap_open(w, node);
            if (d && netmap_attach(d, b) < 0)
                return -1;
        }
    for (size_t k = 0; k < w->n_full_pending; k++)
        if (full(w, w->full_pending[k]) < 0)
            return -1;
    w->n_full_pending = 0;
    return 0;
}

void control_flush(world_t *w)
{
    nm_batch_t *b = netmap_batch_new();
    if (b)
        b->log_lo = b->log_hi = w->n_rlog;
    if (!b || flush(w, b) < 0)
        w_fail(w, "out of memory (control flush)");
    if (b)
        netmap_batch_unref(b);
}
