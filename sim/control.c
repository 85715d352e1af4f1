/* control: reports, approvals (P1), sessions and online state (P4). See control.h. */
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "netmap.h"

/* S5: more advertised routes than this on one node, or in the tailnet, is a warning. */
#define CONTROL_ROUTE_WARN 10000

void control_free(world_t *w)
{
    for (size_t i = 0; i < w->n_cp; i++) {
        free(w->cp[i].adv);
        free(w->cp[i].hist);
    }
    free(w->rlog);
    free(w->cp);
    pfxset_free(w->cp_index);
    pfxset_free(w->global);
    free(w->dirty);
    free(w->dirty_clients);
    free(w->exit_dirty);
    free(w->peer_changes);
    free(w->full_pending);
    control_free_groups(w);
    free(w->cands);
    free(w->rcands);
}

uint32_t control_find(const world_t *w, const pfx_t *p)
{
    uint64_t v;
    return pfxset_contains(w->cp_index, p, &v) ? (uint32_t)v : W_NONE32;
}

static uint32_t find_or_add(world_t *w, const pfx_t *p)
{
    uint32_t i = control_find(w, p);
    if (i != W_NONE32)
        return i;
    if (w_grow((void **)&w->cp, &w->cap_cp, w->n_cp + 1, sizeof *w->cp) < 0 ||
        pfxset_insert(w->cp_index, p, w->n_cp) < 0) {
        w_fail(w, "out of memory (control prefixes)");
        return W_NONE32;
    }
    cprefix_t *c = &w->cp[w->n_cp];
    memset(c, 0, sizeof *c);
    c->p = *p;
    c->current = W_NONE32;
    c->exit = ctrl_is_exit_route(p);
    return (uint32_t)w->n_cp++;
}

static void ensure_flush(world_t *w)
{
    netmap_schedule_flush(w);
}

void control_mark_prefix(world_t *w, uint32_t cp)
{
    cprefix_t *c = &w->cp[cp];
    if (c->dirty)
        return;
    if (w_grow((void **)&w->dirty, &w->cap_dirty, w->n_dirty + 1, sizeof *w->dirty) < 0) {
        w_fail(w, "out of memory (dirty prefixes)");
        return;
    }
    c->dirty = true;
    w->dirty[w->n_dirty++] = cp;
    ensure_flush(w);
}

void control_mark_client(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    if (n->c_dirty_client)
        return;
    if (w_grow((void **)&w->dirty_clients, &w->cap_dirty_clients, w->n_dirty_clients + 1,
               sizeof *w->dirty_clients) < 0) {
        w_fail(w, "out of memory (dirty clients)");
        return;
    }
    n->c_dirty_client = true;
    w->dirty_clients[w->n_dirty_clients++] = node;
    ensure_flush(w);
}

void control_mark_exit(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    if (n->c_exit_dirty || n->exit_slot == W_NONE32)
        return;
    if (w_grow((void **)&w->exit_dirty, &w->cap_exit_dirty, w->n_exit_dirty + 1,
               sizeof *w->exit_dirty) < 0) {
        w_fail(w, "out of memory (exit availability)");
        return;
    }
    n->c_exit_dirty = true;
    w->exit_dirty[w->n_exit_dirty++] = node;
    ensure_flush(w);
}

void control_mark_full(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    if (n->c_need_full)
        return;
    if (w_grow((void **)&w->full_pending, &w->cap_full_pending, w->n_full_pending + 1,
               sizeof *w->full_pending) < 0) {
        w_fail(w, "out of memory (full netmaps)");
        return;
    }
    n->c_need_full = true;
    w->full_pending[w->n_full_pending++] = node;
    ensure_flush(w);
}

static void mark_touched(world_t *w, uint32_t node, uint32_t cp)
{
    if (w->cp[cp].exit)
        control_mark_exit(w, node);
    else
        control_mark_prefix(w, cp);
}

static void trace_approval(world_t *w, uint32_t node, const pfx_t *p, bool approved,
                           const char *by)
{
    wt_begin(w, node, "approval");
    wt_prefix(w->tr, "prefix", p);
    trace_bool(w->tr, "approved", approved);
    trace_str(w->tr, "by", by);
    trace_end(w->tr);
}

static bool is_control_route(const world_t *w, const wnode_t *n, const pfx_t *p)
{
    if (!n->c_flag || !n->c_config)
        return false;
    const wconfig_t *c = n->c_config;
    size_t lo = 0, hi = c->n_routes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = pfx_compare(&c->routes[mid], p);
        if (d == 0)
            return true;
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    (void)w;
    return false;
}

/* P1: p enters the node's set at control. */
static void enter(world_t *w, uint32_t node, const pfx_t *p)
{
    wnode_t *n = &w->nodes[node];
    if (pfxset_insert(n->c_set, p, 0) < 0) {
        w_fail(w, "out of memory (control sets)");
        return;
    }
    /* S5 counts what is advertised now, not every prefix control has ever seen. */
    if (++w->n_adv_pairs > CONTROL_ROUTE_WARN && !w->tailnet_routes_warned) {
        w->tailnet_routes_warned = true;
        w_mark(w, RULE_S5); /* coverage: the tailnet limit was passed */
        wt_begin(w, W_NONE32, "warning");
        trace_str(w->tr, "reason", "S5: more than 10000 advertised routes in the tailnet");
        trace_end(w->tr);
    }
    uint32_t i = find_or_add(w, p);
    if (i == W_NONE32)
        return;
    cprefix_t *c = &w->cp[i];
    if (w_grow((void **)&c->adv, &c->cap_adv, c->n_adv + 1, sizeof *c->adv) < 0) {
        w_fail(w, "out of memory (advertisers)");
        return;
    }
    const char *by = "none";
    bool approved = false;
    if (is_control_route(w, n, p)) {
        approved = true;
        by = "control route";
    } else if (ctrl_auto_approved(&w->policies[w->policy].aa, p, (const char *const *)n->tags,
                                  n->n_tags)) {
        approved = true;
        by = "autoApprovers";
    }
    c->adv[c->n_adv++] = (cadv_t){node, approved};
    w_mark(w, RULE_P1); /* coverage: approval decided as the prefix entered the set */
    trace_approval(w, node, p, approved, by);
    mark_touched(w, node, i);
    if (pfxset_count(n->c_set) > CONTROL_ROUTE_WARN && !n->warned_routes) {
        n->warned_routes = true;
        w_mark(w, RULE_S5); /* coverage: the per-node limit was passed */
        wt_begin(w, node, "warning");
        trace_str(w->tr, "reason", "S5: more than 10000 advertised routes on one node");
        trace_end(w->tr);
    }
}

/* P1: p leaves the node's set: its approval is erased. */
static void leave(world_t *w, uint32_t node, const pfx_t *p)
{
    wnode_t *n = &w->nodes[node];
    if (pfxset_remove(n->c_set, p))
        w->n_adv_pairs--;
    uint32_t i = control_find(w, p);
    if (i == W_NONE32)
        return;
    cprefix_t *c = &w->cp[i];
    for (size_t k = 0; k < c->n_adv; k++) {
        if (c->adv[k].node != node)
            continue;
        if (c->adv[k].approved) {
            w_mark(w, RULE_P1); /* coverage: leaving the set erased the approval */
            trace_approval(w, node, p, false, "left");
        }
        c->adv[k] = c->adv[--c->n_adv];
        break;
    }
    mark_touched(w, node, i);
}

static void set_flag(world_t *w, uint32_t node, bool flag)
{
    wnode_t *n = &w->nodes[node];
    if (n->c_flag == flag)
        return;
    n->c_flag = flag;
    /* P2: the node joins or leaves the connector lists of its apps. */
    if (control_compute_sdns(w, true) < 0)
        w_fail(w, "out of memory (split DNS)");
}

void control_apply_delta(world_t *w, uint32_t node, const pfx_t *add, size_t n_add,
                         const pfx_t *remove, size_t n_remove, bool has_flag, bool flag)
{
    if (has_flag)
        set_flag(w, node, flag);
    if (n_add == 0 && n_remove == 0)
        return;
    wnode_t *n = &w->nodes[node];
    wt_begin(w, node, "report");
    trace_bool(w->tr, "full", false);
    wt_prefixes(w->tr, "add", add, n_add);
    wt_prefixes(w->tr, "remove", remove, n_remove);
    trace_end(w->tr);
    for (size_t i = 0; i < n_remove; i++)
        if (pfxset_contains(n->c_set, &remove[i], NULL))
            leave(w, node, &remove[i]);
    for (size_t i = 0; i < n_add; i++)
        if (!pfxset_contains(n->c_set, &add[i], NULL))
            enter(w, node, &add[i]);
}

typedef struct {
    pfx_t *p;
    size_t n, cap;
    bool oom;
} plist_t;

static bool collect(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    plist_t *l = ctx;
    if (w_grow((void **)&l->p, &l->cap, l->n + 1, sizeof *l->p) < 0) {
        l->oom = true;
        return false;
    }
    l->p[l->n++] = *p;
    return true;
}

void control_apply_full(world_t *w, uint32_t node, const pfxset_t *set, bool flag)
{
    wnode_t *n = &w->nodes[node];
    set_flag(w, node, flag);
    plist_t add = {0}, rem = {0};
    pfxset_diff(n->c_set, set, collect, NULL, &add);
    pfxset_diff(n->c_set, set, NULL, collect, &rem);
    if (add.oom || rem.oom) {
        w_fail(w, "out of memory (full report)");
    } else {
        wt_begin(w, node, "report");
        trace_bool(w->tr, "full", true);
        wt_prefixes(w->tr, "add", add.p, add.n);
        wt_prefixes(w->tr, "remove", rem.p, rem.n);
        trace_end(w->tr);
        for (size_t i = 0; i < rem.n; i++)
            leave(w, node, &rem.p[i]);
        for (size_t i = 0; i < add.n; i++)
            enter(w, node, &add.p[i]);
    }
    free(add.p);
    free(rem.p);
}

/* ---- P4 sessions ---- */

static bool mark_visit(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    world_t *w = ctx;
    uint32_t i = control_find(w, p);
    if (i != W_NONE32 && !w->cp[i].exit)
        control_mark_prefix(w, i);
    return true;
}

static void add_peer_change(world_t *w, uint32_t node, bool online)
{
    if (w_grow((void **)&w->peer_changes, &w->cap_peer_changes, w->n_peer_changes + 1,
               sizeof *w->peer_changes) < 0) {
        w_fail(w, "out of memory (peer changes)");
        return;
    }
    w->peer_changes[w->n_peer_changes++] = (nm_peer_t){node, online};
    ensure_flush(w);
}

static void set_online(world_t *w, uint32_t node, bool online)
{
    wnode_t *n = &w->nodes[node];
    if (n->c_online == online)
        return;
    n->c_online = online;
    if (!online)
        w_mark(w, RULE_P4); /* coverage: control sees the node offline */
    wt_begin(w, node, online ? "online" : "offline");
    trace_end(w->tr);
    add_peer_change(w, node, online);
    /* P3, P5, P6: every prefix the node advertises is elected again. */
    pfxset_foreach(n->c_set, mark_visit, w);
}

static void offline_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    world_t *w = ctx;
    wnode_t *n = &w->nodes[arg];
    n->c_offline_timer = ENGINE_TIMER_NONE;
    set_online(w, (uint32_t)arg, false);
}

void control_session_lost(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    engine_cancel(w->eng, n->c_offline_timer);
    n->c_offline_timer = ENGINE_TIMER_NONE;
    sim_time_t now = engine_now(w->eng);
    n->c_offline_at = simtime_add_sat(now, w->set.detection_delay);
    if (w->set.detection_delay == 0) {
        set_online(w, node, false);
        return;
    }
    if (w_never(n->c_offline_at))
        return;
    n->c_offline_timer = engine_schedule(w->eng, n->c_offline_at, ENGINE_GENERATED, offline_cb,
                                         w, node);
}

void control_session_back(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    if (engine_cancel(w->eng, n->c_offline_timer)) {
        if (n->c_offline_at <= engine_now(w->eng)) {
            /* P4 is inclusive: a session back exactly at loss + detection_delay still had its
             * offline instant. */
            set_online(w, node, false);
        } else {
            w_mark(w, RULE_P4); /* coverage: back before detection_delay: never offline */
        }
    }
    n->c_offline_timer = ENGINE_TIMER_NONE;
    set_online(w, node, true);
    control_mark_full(w, node);
}

/* ---- events ---- */

void control_policy(world_t *w, size_t version)
{
    w->policy = version;
    wt_begin(w, W_NONE32, "policy");
    trace_uint(w->tr, "version", version);
    trace_end(w->tr);
    if (control_compute_configs(w, true) < 0 || control_compute_groups(w) < 0 ||
        control_compute_sdns(w, true) < 0)
        w_fail(w, "out of memory (policy)");
}

void control_approve(world_t *w, uint32_t node, const pfx_t *p, bool approve)
{
    const char *what = approve ? "approve" : "unapprove";
    uint32_t i = control_find(w, p);
    cprefix_t *c = i == W_NONE32 ? NULL : &w->cp[i];
    cadv_t *a = NULL;
    for (size_t k = 0; c && k < c->n_adv; k++)
        if (c->adv[k].node == node)
            a = &c->adv[k];
    if (!a) {
        wt_rejected(w, node, what, "control does not hold the prefix for the node");
        return;
    }
    if (a->approved == approve)
        return;
    w_mark(w, RULE_P1); /* coverage: an approve / unapprove event changed an approval */
    a->approved = approve;
    trace_approval(w, node, p, approve, approve ? "event" : "unapprove");
    mark_touched(w, node, i);
}

void control_latency_changed(world_t *w, uint32_t node, bool region_changed)
{
    if (!w->set.regional_routing)
        return;
    /* As a client, the node's fallback order of regions follows its latencies (P6), whether or
     * not its own region moved (or is pinned). */
    control_mark_client(w, node);
    /* As an advertiser, only its region counts for the clients. */
    if (region_changed)
        pfxset_foreach(w->nodes[node].c_set, mark_visit, w);
}
