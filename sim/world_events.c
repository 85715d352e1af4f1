/* world_events: the timeline (S2). Each world_ev_* call stores the event and schedules it in
 * the engine's timeline class (T1: at equal times timeline events run first, in the order they
 * were scheduled). Nothing stops a run: an event that does not apply (a node already down, an
 * approval of a prefix control does not hold) is a `rejected` trace record. */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "client.h"
#include "connector.h"
#include "control.h"
#include "net.h"
#include "world_priv.h"

enum {
    EV_DOWN, EV_UP, EV_CTRL_LOST, EV_CTRL_BACK, EV_EGRESS_BREAK, EV_EGRESS_MEND, EV_RESTART,
    EV_LATENCY, EV_EXIT_SELECT, EV_POLICY, EV_APPROVE, EV_UNAPPROVE, EV_ADVERTISE_CONNECTOR,
    EV_ZONE_SET, EV_QUERY, EV_FLOW, EV_NET_ON, EV_NET_OFF,
};

static const char *const ev_names[] = {
    "down", "up", "ctrl_lost", "ctrl_back", "egress_break", "egress_mend", "restart",
    "latency", "exit_select", "policy", "approve", "unapprove", "advertise_connector",
    "zone_change", "query", "flow", "net", "net_end",
};

/* ---- sessions (P4) ---- */

static void session_lost(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    n->session_up = false;
    n->epoch++; /* what is in flight on the old session is lost */
    n->open_delivery = NULL;
    control_session_lost(w, node);
}

static void session_back(world_t *w, uint32_t node)
{
    w->nodes[node].session_up = true;
    control_session_back(w, node);
    connector_full_report(w, node);
}

/* C6 restart: the node opens a new control session at once. What was in flight on the old one
 * is lost and control gets a full report and sends a full netmap, as after ctrl_back, but
 * control never sees the node offline: control_session_lost is not called, since with
 * detection_delay 0 it would mark an offline instant. */
static void session_reopen(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    n->epoch++;
    n->open_delivery = NULL;
    control_session_back(w, node);
    connector_full_report(w, node);
}

static void simple_record(world_t *w, uint32_t node, const char *kind)
{
    wt_begin(w, node, kind);
    trace_end(w->tr);
}

/* ---- the handlers ---- */

static void on_latency(world_t *w, const wevent_t *e)
{
    wnode_t *n = &w->nodes[e->node];
    n->lat[e->other] = e->value < 0 ? -1 : e->value;
    int before = n->region;
    if (n->pinned == WORLD_NONE)
        n->region = ctrl_region_update(n->region, n->lat, w->n_regions);
    if (n->region != before)
        w_mark(w, RULE_P6); /* coverage: the node moved to another region */
    wt_begin(w, (uint32_t)e->node, "latency");
    trace_str(w->tr, "region", w->regions[e->other]);
    if (e->value < 0)
        trace_null(w->tr, "rtt");
    else
        trace_int(w->tr, "rtt", e->value);
    const char *now_region = w_region_name(w, n->region);
    trace_str(w->tr, "now_region", now_region);
    trace_end(w->tr);
    control_latency_changed(w, (uint32_t)e->node, n->region != before);
}

static void on_zone_set(world_t *w, const wevent_t *e)
{
    errinfo_t err;
    int rc = dns_db_set_rrs(w->db, e->s1, e->s2, e->s3, e->type, (const char *const *)e->rrs,
                            e->n_rrs, &err);
    if (rc < 0) {
        wt_rejected(w, W_NONE32, "zone_change", err.msg);
        return;
    }
    w_mark(w, RULE_D4); /* coverage: zone data changed over time */
    wt_begin(w, W_NONE32, "zone_change");
    trace_str(w->tr, "origin", e->s1);
    trace_str(w->tr, "view", e->s2);
    trace_str(w->tr, "owner", e->s3);
    trace_uint(w->tr, "type", e->type);
    trace_uint(w->tr, "records", e->n_rrs);
    trace_end(w->tr);
}

static void on_exit_select(world_t *w, const wevent_t *e)
{
    wnode_t *n = &w->nodes[e->node];
    n->exit_node = e->other;
    wt_begin(w, (uint32_t)e->node, "exit_select");
    wt_node(w->tr, "exit", w, e->other == WORLD_NONE ? W_NONE32 : (uint32_t)e->other);
    trace_end(w->tr);
}

static void on_net(world_t *w, const wevent_t *e, bool on)
{
    net_rule_set_active(w, e->other, on);
    const world_net_rule_t *r = &w->net[e->other].rule;
    wt_begin(w, (uint32_t)r->a, on ? "net" : "net_end");
    trace_uint(w->tr, "rule", e->other);
    if (r->b != WORLD_NONE)
        wt_node(w->tr, "with", w, (uint32_t)r->b);
    else
        trace_str(w->tr, "region", w->regions[r->region]);
    trace_uint(w->tr, "loss_ppm", r->loss_ppm);
    trace_int(w->tr, "add_delay", r->add_delay);
    trace_end(w->tr);
}

/* Queries and flows are the bulk of a long timeline: they keep no wevent_t, only their index.
 * Like every timeline event they act when they run (T1: before what the simulation generates
 * at the same instant, a netmap delivery included). */
static void query_event(engine_t *eng, void *ctx, uint64_t arg)
{
    (void)eng;
    w_mark(ctx, RULE_S2); /* coverage: a timeline event ran */
    client_query_start(ctx, (size_t)arg);
}

static void flow_event(engine_t *eng, void *ctx, uint64_t arg)
{
    (void)eng;
    w_mark(ctx, RULE_S2);
    client_flow_start(ctx, (size_t)arg);
}

static int schedule_data(world_t *w, sim_time_t at, int kind, size_t index, errinfo_t *err)
{
    engine_timer_t t = engine_schedule(w->eng, at, ENGINE_TIMELINE,
                                       kind == EV_QUERY ? query_event : flow_event, w, index);
    if (engine_timer_is_set(t))
        return 0;
    errinfo_set(err, "cannot schedule the event: %s",
                engine_error(w->eng) ? engine_error(w->eng) : "engine refused");
    return -1;
}

static void run_event(engine_t *eng, void *ctx, uint64_t arg)
{
    (void)eng;
    world_t *w = ctx;
    const wevent_t *e = &w->events[arg];
    uint32_t node = e->node == WORLD_NONE ? W_NONE32 : (uint32_t)e->node;
    wnode_t *n = node == W_NONE32 ? NULL : &w->nodes[node];
    const char *name = ev_names[e->kind];
    w_mark(w, RULE_S2); /* coverage: a timeline event ran */
    switch (e->kind) {
    case EV_DOWN:
        if (n->down) {
            wt_rejected(w, node, name, "the node is already down");
            break;
        }
        w_mark(w, RULE_P4); /* coverage: a node is down */
        n->down = true;
        simple_record(w, node, "node_down");
        if (n->session_up)
            session_lost(w, node);
        break;
    case EV_UP:
        if (!n->down) {
            wt_rejected(w, node, name, "the node is not down");
            break;
        }
        n->down = false;
        simple_record(w, node, "node_up");
        if (!n->session_up)
            session_back(w, node);
        break;
    case EV_CTRL_LOST:
        if (!n->session_up) {
            wt_rejected(w, node, name, "the control session is already down");
            break;
        }
        simple_record(w, node, "ctrl_lost");
        session_lost(w, node);
        break;
    case EV_CTRL_BACK:
        if (n->down || n->session_up) {
            wt_rejected(w, node, name,
                        n->down ? "the node is down" : "the control session is up");
            break;
        }
        simple_record(w, node, "ctrl_back");
        session_back(w, node);
        break;
    case EV_EGRESS_BREAK:
    case EV_EGRESS_MEND:
        n->egress_broken = e->kind == EV_EGRESS_BREAK;
        simple_record(w, node, name);
        break;
    case EV_RESTART:
        if (n->down) {
            wt_rejected(w, node, name, "the node is down");
            break;
        }
        simple_record(w, node, "restart");
        connector_restart(w, node);
        if (n->session_up)
            session_reopen(w, node);
        break;
    case EV_LATENCY:
        on_latency(w, e);
        break;
    case EV_EXIT_SELECT:
        on_exit_select(w, e);
        break;
    case EV_POLICY:
        control_policy(w, e->other);
        break;
    case EV_APPROVE:
    case EV_UNAPPROVE:
        control_approve(w, node, &e->prefix, e->kind == EV_APPROVE);
        break;
    case EV_ADVERTISE_CONNECTOR:
        wt_begin(w, node, name);
        trace_bool(w->tr, "value", e->flag);
        trace_end(w->tr);
        connector_set_flag(w, node, e->flag);
        break;
    case EV_ZONE_SET:
        on_zone_set(w, e);
        break;
    case EV_NET_ON:
    case EV_NET_OFF:
        on_net(w, e, e->kind == EV_NET_ON);
        break;
    default:
        break;
    }
}

/* ---- scheduling ---- */

static bool check_event(world_t *w, sim_time_t at, int kind, size_t node, errinfo_t *err)
{
    if (!w->started || w->failed) {
        errinfo_set(err, "%s: events are scheduled after world_start", ev_names[kind]);
        return false;
    }
    if (at < engine_now(w->eng)) {
        errinfo_set(err, "%s: time %lld is in the past", ev_names[kind], (long long)at);
        return false;
    }
    if (node != WORLD_NONE && node >= w->n_nodes) {
        errinfo_set(err, "%s: node %zu does not exist", ev_names[kind], node);
        return false;
    }
    return true;
}

static wevent_t *new_event(world_t *w, sim_time_t at, int kind, size_t node, errinfo_t *err)
{
    if (!check_event(w, at, kind, node, err))
        return NULL;
    if (w_grow((void **)&w->events, &w->cap_events, w->n_events + 1, sizeof *w->events) < 0) {
        errinfo_set(err, "out of memory");
        return NULL;
    }
    wevent_t *e = &w->events[w->n_events];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->node = node;
    e->other = WORLD_NONE;
    return e;
}

static int commit(world_t *w, sim_time_t at, errinfo_t *err)
{
    size_t i = w->n_events;
    engine_timer_t t = engine_schedule(w->eng, at, ENGINE_TIMELINE, run_event, w, i);
    if (!engine_timer_is_set(t)) {
        wevent_t *e = &w->events[i];
        free(e->s1);
        free(e->s2);
        free(e->s3);
        for (size_t k = 0; k < e->n_rrs; k++)
            free(e->rrs[k]);
        free(e->rrs);
        errinfo_set(err, "cannot schedule the event: %s",
                    engine_error(w->eng) ? engine_error(w->eng) : "engine refused");
        return -1;
    }
    w->n_events++;
    return 0;
}

static int node_event(world_t *w, sim_time_t at, int kind, size_t node, errinfo_t *err)
{
    if (node == WORLD_NONE) {
        errinfo_set(err, "%s: a node is required", ev_names[kind]);
        return -1;
    }
    return new_event(w, at, kind, node, err) ? commit(w, at, err) : -1;
}

int world_ev_down(world_t *w, sim_time_t at, size_t node, errinfo_t *err)
{
    return node_event(w, at, EV_DOWN, node, err);
}

int world_ev_up(world_t *w, sim_time_t at, size_t node, errinfo_t *err)
{
    return node_event(w, at, EV_UP, node, err);
}

int world_ev_ctrl_lost(world_t *w, sim_time_t at, size_t node, errinfo_t *err)
{
    return node_event(w, at, EV_CTRL_LOST, node, err);
}

int world_ev_ctrl_back(world_t *w, sim_time_t at, size_t node, errinfo_t *err)
{
    return node_event(w, at, EV_CTRL_BACK, node, err);
}

int world_ev_egress_break(world_t *w, sim_time_t at, size_t node, errinfo_t *err)
{
    return node_event(w, at, EV_EGRESS_BREAK, node, err);
}

int world_ev_egress_mend(world_t *w, sim_time_t at, size_t node, errinfo_t *err)
{
    return node_event(w, at, EV_EGRESS_MEND, node, err);
}

int world_ev_restart(world_t *w, sim_time_t at, size_t node, errinfo_t *err)
{
    return node_event(w, at, EV_RESTART, node, err);
}

int world_ev_latency(world_t *w, sim_time_t at, size_t node, size_t region, sim_time_t rtt,
                     errinfo_t *err)
{
    if (node == WORLD_NONE || region >= w->n_regions) {
        errinfo_set(err, "latency: a node and an existing region are required");
        return -1;
    }
    wevent_t *e = new_event(w, at, EV_LATENCY, node, err);
    if (!e)
        return -1;
    e->other = region;
    e->value = rtt < 0 ? -1 : rtt;
    return commit(w, at, err);
}

int world_ev_exit_select(world_t *w, sim_time_t at, size_t node, size_t exit, errinfo_t *err)
{
    if (exit != WORLD_NONE &&
        (exit >= w->n_nodes || exit == node || !w->nodes[exit].offers_exit)) {
        errinfo_set(err, "exit_select: the exit must be another node that offers exit");
        return -1;
    }
    if (node == WORLD_NONE) {
        errinfo_set(err, "exit_select: a node is required");
        return -1;
    }
    wevent_t *e = new_event(w, at, EV_EXIT_SELECT, node, err);
    if (!e)
        return -1;
    e->other = exit;
    return commit(w, at, err);
}

int world_ev_policy(world_t *w, sim_time_t at, size_t version, errinfo_t *err)
{
    if (version >= w->n_policies) {
        errinfo_set(err, "policy: version %zu does not exist", version);
        return -1;
    }
    wevent_t *e = new_event(w, at, EV_POLICY, WORLD_NONE, err);
    if (!e)
        return -1;
    e->other = version;
    return commit(w, at, err);
}

static int approval_event(world_t *w, sim_time_t at, int kind, size_t node, const pfx_t *p,
                          errinfo_t *err)
{
    if (node == WORLD_NONE || !p) {
        errinfo_set(err, "%s: a node and a prefix are required", ev_names[kind]);
        return -1;
    }
    wevent_t *e = new_event(w, at, kind, node, err);
    if (!e)
        return -1;
    e->prefix = *p;
    return commit(w, at, err);
}

int world_ev_approve(world_t *w, sim_time_t at, size_t node, const pfx_t *prefix, errinfo_t *err)
{
    return approval_event(w, at, EV_APPROVE, node, prefix, err);
}

int world_ev_unapprove(world_t *w, sim_time_t at, size_t node, const pfx_t *prefix,
                       errinfo_t *err)
{
    return approval_event(w, at, EV_UNAPPROVE, node, prefix, err);
}

int world_ev_advertise_connector(world_t *w, sim_time_t at, size_t node, bool value,
                                 errinfo_t *err)
{
    if (node == WORLD_NONE) {
        errinfo_set(err, "advertise_connector: a node is required");
        return -1;
    }
    wevent_t *e = new_event(w, at, EV_ADVERTISE_CONNECTOR, node, err);
    if (!e)
        return -1;
    e->flag = value;
    return commit(w, at, err);
}

static char *dupstr(const char *s, bool *ok)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    else
        *ok = false;
    return d;
}

int world_ev_zone_set(world_t *w, sim_time_t at, const char *origin, const char *view,
                      const char *owner, uint16_t type, const char *const *rr_texts, size_t n,
                      errinfo_t *err)
{
    if (!origin || !owner || (n && !rr_texts)) {
        errinfo_set(err, "zone_change: origin and owner are required");
        return -1;
    }
    wevent_t *e = new_event(w, at, EV_ZONE_SET, WORLD_NONE, err);
    if (!e)
        return -1;
    bool ok = true;
    e->s1 = dupstr(origin, &ok);
    e->s2 = dupstr(view, &ok);
    e->s3 = dupstr(owner, &ok);
    e->type = type;
    if (n && ok) {
        e->rrs = calloc(n, sizeof *e->rrs);
        ok = e->rrs != NULL;
        for (size_t i = 0; ok && i < n; i++) {
            e->n_rrs = i + 1;
            e->rrs[i] = dupstr(rr_texts[i] ? rr_texts[i] : "", &ok);
        }
    }
    if (!ok) {
        errinfo_set(err, "out of memory");
        free(e->s1);
        free(e->s2);
        free(e->s3);
        for (size_t i = 0; i < e->n_rrs; i++)
            free(e->rrs[i]);
        free(e->rrs);
        return -1;
    }
    return commit(w, at, err);
}

/* A DNS name as the world keeps it: lower case, no trailing dot. NULL when ldns cannot read it
 * as a name. */
static char *canonical_name(const char *name)
{
    if (!name || !*name)
        return NULL;
    ldns_rdf *r = ldns_dname_new_frm_str(name);
    if (!r)
        return NULL;
    ldns_rdf_deep_free(r);
    size_t n = strlen(name);
    if (n > 1 && name[n - 1] == '.')
        n--;
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++)
        d[i] = name[i] >= 'A' && name[i] <= 'Z' ? (char)(name[i] - 'A' + 'a') : name[i];
    d[n] = '\0';
    return d;
}

/* Maps id (may be NULL: nothing to do) to index unless an earlier event has it (world_find_*
 * give the first). *added tells whether this call added it. -1 on out-of-memory. */
static int index_id(strmap_t *map, const char *id, size_t index, bool *added, errinfo_t *err)
{
    *added = false;
    if (!id)
        return 0;
    uint64_t *slot = strmap_insert(map, id, strlen(id), added);
    if (!slot) {
        errinfo_set(err, "out of memory");
        return -1;
    }
    if (*added)
        *slot = index;
    return 0;
}

size_t world_ev_query(world_t *w, sim_time_t at, size_t node, const char *name, uint16_t qtype,
                      const char *id, errinfo_t *err)
{
    char *cname = canonical_name(name);
    if (!cname) {
        errinfo_set(err, "query: '%s' is not a DNS name", name ? name : "(null)");
        return WORLD_NONE;
    }
    bool ok = true;
    char *cid = dupstr(id, &ok);
    bool valid = node != WORLD_NONE && check_event(w, at, EV_QUERY, node, err);
    if (node == WORLD_NONE)
        errinfo_set(err, "query: a node is required");
    if (!valid || !ok ||
        w_grow((void **)&w->queries, &w->cap_queries, w->n_queries + 1, sizeof *w->queries) < 0) {
        if (valid)
            errinfo_set(err, "out of memory");
        free(cname);
        free(cid);
        return WORLD_NONE;
    }
    size_t qi = w->n_queries;
    bool indexed = false;
    if (index_id(w->query_index, cid, qi, &indexed, err) < 0 ||
        schedule_data(w, at, EV_QUERY, qi, err) < 0) {
        if (indexed)
            strmap_remove(w->query_index, cid, strlen(cid));
        free(cname);
        free(cid);
        return WORLD_NONE;
    }
    wquery_t *q = &w->queries[qi];
    memset(q, 0, sizeof *q);
    q->client = (uint32_t)node;
    q->name = cname;
    q->id = cid;
    q->qtype = qtype;
    q->flow = WORLD_NONE;
    q->res.by = WORLD_NONE;
    w->n_queries++;
    return qi;
}

static size_t add_flow(world_t *w, sim_time_t at, size_t node, const pfx_addr_t *to,
                         const char *name, const char *id, errinfo_t *err)
{
    char *cname = NULL;
    if (name && !(cname = canonical_name(name))) {
        errinfo_set(err, "flow: '%s' is not a DNS name", name);
        return WORLD_NONE;
    }
    if (!name && (!to || (to->family != PFX_V4 && to->family != PFX_V6))) {
        errinfo_set(err, "flow: an address or a name is required");
        return WORLD_NONE;
    }
    bool ok = true;
    char *cid = dupstr(id, &ok);
    bool valid = node != WORLD_NONE && check_event(w, at, EV_FLOW, node, err);
    if (node == WORLD_NONE)
        errinfo_set(err, "flow: a node is required");
    if (!valid || !ok ||
        w_grow((void **)&w->flows, &w->cap_flows, w->n_flows + 1, sizeof *w->flows) < 0) {
        if (valid)
            errinfo_set(err, "out of memory");
        free(cname);
        free(cid);
        return WORLD_NONE;
    }
    size_t fi = w->n_flows;
    bool indexed = false;
    if (index_id(w->flow_index, cid, fi, &indexed, err) < 0 ||
        schedule_data(w, at, EV_FLOW, fi, err) < 0) {
        if (indexed)
            strmap_remove(w->flow_index, cid, strlen(cid));
        free(cname);
        free(cid);
        return WORLD_NONE;
    }
    wflow_t *f = &w->flows[fi];
    memset(f, 0, sizeof *f);
    f->client = (uint32_t)node;
    f->id = cid;
    f->name = cname;
    if (to)
        f->to = *to;
    f->res.node = WORLD_NONE;
    w->n_flows++;
    return fi;
}

size_t world_ev_flow_addr(world_t *w, sim_time_t at, size_t node, const pfx_addr_t *to,
                          const char *id, errinfo_t *err)
{
    return add_flow(w, at, node, to, NULL, id, err);
}

size_t world_ev_flow_name(world_t *w, sim_time_t at, size_t node, const char *name,
                          const char *id, errinfo_t *err)
{
    if (!name) {
        errinfo_set(err, "flow: a name is required");
        return WORLD_NONE;
    }
    return add_flow(w, at, node, NULL, name, id, err);
}

int world_ev_net(world_t *w, sim_time_t at, sim_time_t until, const world_net_rule_t *rule,
                 errinfo_t *err)
{
    if (!rule || rule->a >= w->n_nodes ||
        (rule->b == WORLD_NONE ? rule->region >= w->n_regions : rule->b >= w->n_nodes) ||
        rule->add_delay < 0 || rule->loss_ppm > 1000000u || until < at) {
        errinfo_set(err, "net: a node and another node or a region, a loss of at most "
                         "1000000 ppm, a delay >= 0 and until >= at are required");
        return -1;
    }
    wevent_t *e = new_event(w, at, EV_NET_ON, WORLD_NONE, err);
    if (!e)
        return -1;
    size_t r = net_rule_add(w, rule);
    if (r == WORLD_NONE) {
        errinfo_set(err, "out of memory");
        return -1;
    }
    e->other = r;
    if (commit(w, at, err) < 0)
        return -1;
    if (until == SIMTIME_MAX)
        return 0;
    e = new_event(w, until, EV_NET_OFF, WORLD_NONE, err);
    if (!e)
        return -1;
    e->other = r;
    return commit(w, until, err);
}
