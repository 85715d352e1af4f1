/* client_dns: a client's DNS queries (K1, K2), timed by T2.
 *
 * A query goes to the connectors of its split-DNS entry (K1), to the selected exit node, or to
 * the node's own resolver (K2). Each request to a node is a chain of events: it arrives (half
 * the asker's RTT to the server's region, plus fault delays), the server's lookup returns after
 * upstream_rtt (the server answers and learns then, L1), and the reply comes back (another
 * half). The first answer to arrive wins; answers arriving at the same instant are compared at
 * a "decide" event that the first of them schedules in the engine's ENGINE_LATE class at that
 * instant: it runs after every reply of the instant, also one that a lookup or a latency change
 * at the same instant schedules after it, so the lower connector id wins (K1).
 *
 * Event arguments carry the query index and the slot: (query << 24) | slot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "client.h"
#include "connector.h"
#include "net.h"

#define SLOT_BITS 24
#define SLOT_MASK ((1u << SLOT_BITS) - 1)

static uint64_t arg_of(size_t q, uint32_t slot)
{
    return ((uint64_t)q << SLOT_BITS) | slot;
}

static const char *mode_name(uint8_t m)
{
    return m == WQ_SPLIT ? "split" : m == WQ_EXIT ? "exit" : "local";
}

static void trace_type(trace_t *t, uint16_t qtype)
{
    const ldns_rr_descriptor *d = ldns_rr_descript(qtype);
    if (d && d->_name) {
        trace_str(t, "type", d->_name);
    } else {
        char buf[16];
        snprintf(buf, sizeof buf, "TYPE%u", (unsigned)qtype);
        trace_str(t, "type", buf);
    }
}

/* Every event of a query that touches its slots is counted while scheduled; once the client
 * has its answer and none is left, the slots go (a long run holds millions of queries). */
static bool scheduled(world_t *w, wquery_t *q, engine_timer_t t, const char *what)
{
    if (!engine_timer_is_set(t)) {
        w_fail(w, what);
        return false;
    }
    q->n_pending++;
    return true;
}

static void release_if_idle(world_t *w, size_t qi)
{
    wquery_t *q = &w->queries[qi];
    if (!q->res.done || q->n_pending > 0 || !q->slots)
        return;
    for (uint32_t i = 0; i < q->n_slots; i++)
        free(q->slots[i].wire);
    free(q->slots);
    q->slots = NULL;
}

static void free_wires(wquery_t *q)
{
    for (uint32_t i = 0; i < q->n_slots; i++) {
        free(q->slots[i].wire);
        q->slots[i].wire = NULL;
    }
}

/* The client has its answer: record it, trace it, and let a waiting flow go on. */
static void finish(world_t *w, size_t qi, int rcode, uint32_t by, const uint8_t *wire,
                   size_t len)
{
    wquery_t *q = &w->queries[qi];
    q->res.done = true;
    q->res.at = engine_now(w->eng);
    q->res.rcode = rcode;
    q->res.by = by == W_NONE32 ? WORLD_NONE : by;
    errinfo_t err;
    if (wire && learn_parse(wire, len, &w->lmsg, &err) && w->lmsg.n_addrs) {
        q->addrs = malloc(w->lmsg.n_addrs * sizeof *q->addrs);
        if (q->addrs) {
            for (size_t i = 0; i < w->lmsg.n_addrs; i++)
                q->addrs[i] = w->lmsg.addrs[i].addr;
            q->res.addrs = q->addrs;
            q->res.n_addrs = w->lmsg.n_addrs;
        }
    }
    engine_cancel(w->eng, q->timeout);
    q->timeout = ENGINE_TIMER_NONE;
    wt_begin(w, q->client, "dns_answer");
    trace_str(w->tr, "id", q->id);
    trace_str(w->tr, "name", q->name);
    trace_str(w->tr, "rcode", world_rcode_name(rcode));
    wt_addr(w->tr, "first", q->res.n_addrs ? &q->res.addrs[0] : NULL);
    wt_node(w->tr, "by", w, by);
    trace_end(w->tr);
    free_wires(q);
    if (q->flow != WORLD_NONE)
        client_flow_decide(w, q->flow, q->res.n_addrs ? &q->res.addrs[0] : NULL, rcode);
}

static void finish_failed(world_t *w, size_t qi)
{
    const wquery_t *q = &w->queries[qi];
    bool refused = q->n_fail > 0 && q->n_refused == q->n_fail;
    finish(w, qi, refused ? LDNS_RCODE_REFUSED : LDNS_RCODE_SERVFAIL, W_NONE32, NULL, 0);
}

static void slot_failed(world_t *w, size_t qi, uint32_t slot, bool refused)
{
    wquery_t *q = &w->queries[qi];
    wslot_t *s = &q->slots[slot];
    s->state = WS_FAIL;
    s->refused = refused;
    free(s->wire);
    s->wire = NULL;
    q->n_fail++;
    if (refused)
        q->n_refused++;
    if (q->n_fail == q->n_slots && q->prov == W_NONE32)
        finish_failed(w, qi);
}

static void decide(world_t *w, size_t qi)
{
    wquery_t *q = &w->queries[qi];
    if (q->res.done || q->prov == W_NONE32)
        return;
    const wslot_t *s = &q->slots[q->prov];
    finish(w, qi, s->rcode, s->node, s->wire, s->len);
}

static void decide_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    world_t *w = ctx;
    w->queries[arg].n_pending--;
    decide(w, (size_t)arg);
    release_if_idle(w, (size_t)arg);
}

static bool is_answer(const wquery_t *q, int rcode)
{
    if (rcode < 0)
        return false;
    /* K2: a single place's answer is the answer, whatever its rcode. */
    if (q->mode == WQ_EXIT)
        return true;
    return rcode == LDNS_RCODE_NOERROR || rcode == LDNS_RCODE_NXDOMAIN;
}

static void reply(world_t *w, size_t qi, uint32_t slot);

static void reply_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    world_t *w = ctx;
    size_t qi = (size_t)(arg >> SLOT_BITS);
    uint32_t slot = (uint32_t)(arg & SLOT_MASK);
    wquery_t *q = &w->queries[qi];
    q->n_pending--;
    reply(w, qi, slot);
    release_if_idle(w, qi);
}

static void reply(world_t *w, size_t qi, uint32_t slot)
{
    wquery_t *q = &w->queries[qi];
    wslot_t *s = &q->slots[slot];
    if (q->res.done || w->nodes[q->client].down) {
        free(s->wire);
        s->wire = NULL;
        return;
    }
    if (!is_answer(q, s->rcode)) {
        slot_failed(w, qi, slot, s->rcode == LDNS_RCODE_REFUSED);
        return;
    }
    s->state = WS_ANSWER;
    sim_time_t now = engine_now(w->eng);
    if (q->prov == W_NONE32) {
        q->prov = slot;
        q->prov_at = now;
        scheduled(w, q, engine_schedule(w->eng, now, ENGINE_LATE, decide_cb, w, qi),
                  "cannot schedule a DNS decision");
        return;
    }
    wslot_t *p = &q->slots[q->prov];
    if (q->prov_at == now && w->nodes[s->node].id < w->nodes[p->node].id) {
        free(p->wire);
        p->wire = NULL;
        q->prov = slot;
    } else {
        free(s->wire);
        s->wire = NULL;
    }
}

static void lookup(world_t *w, size_t qi, uint32_t slot)
{
    wquery_t *q = &w->queries[qi];
    uint32_t server = q->slots[slot].node;
    if (w->nodes[server].down)
        return; /* P4: a down node drops the query; the client times out */
    dns_answer_t ans;
    connector_answer(w, server, q->name, q->qtype, (uint16_t)(qi & 0xffff), &ans);
    q = &w->queries[qi];
    sim_time_t extra;
    if (q->res.done || !net_pass(w, server, q->client, &extra)) {
        dns_answer_clear(&ans);
        return;
    }
    sim_time_t leg = net_leg(w, q->client, server);
    if (leg > 0)
        w_mark(w, RULE_T2); /* coverage: the reply takes half the RTT */
    sim_time_t at = simtime_add_sat(engine_now(w->eng), simtime_add_sat(leg, extra));
    if (w_never(at)) {
        dns_answer_clear(&ans); /* a reply due after the end of time is lost: a timeout */
        return;
    }
    wslot_t *s = &q->slots[slot];
    s->wire = ans.wire;
    s->len = ans.len;
    s->rcode = ans.rcode;
    scheduled(w, q, engine_schedule(w->eng, at, ENGINE_GENERATED, reply_cb, w, arg_of(qi, slot)),
              "cannot schedule a DNS reply");
}

static void lookup_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    world_t *w = ctx;
    size_t qi = (size_t)(arg >> SLOT_BITS);
    w->queries[qi].n_pending--;
    lookup(w, qi, (uint32_t)(arg & SLOT_MASK));
    release_if_idle(w, qi);
}

static void arrive_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    world_t *w = ctx;
    size_t qi = (size_t)(arg >> SLOT_BITS);
    uint32_t slot = (uint32_t)(arg & SLOT_MASK);
    wquery_t *q = &w->queries[qi];
    q->n_pending--;
    if (w->nodes[q->slots[slot].node].down) {
        if (!q->res.done)
            slot_failed(w, qi, slot, false); /* K1: a down connector is a failure */
    } else if (w->set.upstream_rtt == 0) {
        lookup(w, qi, slot);
    } else {
        w_mark(w, RULE_T2); /* coverage: the lookup takes upstream_rtt */
        sim_time_t at = simtime_add_sat(engine_now(w->eng), w->set.upstream_rtt);
        if (!w_never(at))
            scheduled(w, q, engine_schedule(w->eng, at, ENGINE_GENERATED, lookup_cb, w, arg),
                      "cannot schedule a DNS lookup");
    }
    release_if_idle(w, qi);
}

static void timeout_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    world_t *w = ctx;
    wquery_t *q = &w->queries[arg];
    q->timeout = ENGINE_TIMER_NONE;
    if (q->res.done)
        return;
    if (q->prov != W_NONE32) {
        decide(w, (size_t)arg);
        release_if_idle(w, (size_t)arg);
        return;
    }
    /* K1: every slot still open timed out; a timeout is not REFUSED. */
    for (uint32_t i = 0; i < q->n_slots; i++)
        if (q->slots[i].state == WS_OPEN) {
            q->slots[i].state = WS_FAIL;
            q->n_fail++;
        }
    finish_failed(w, (size_t)arg);
    release_if_idle(w, (size_t)arg);
}

static void local_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    world_t *w = ctx;
    wquery_t *q = &w->queries[arg];
    dns_answer_t ans;
    connector_resolve(w, q->client, q->name, q->qtype, (uint16_t)(arg & 0xffff), &ans);
    finish(w, (size_t)arg, ans.rcode < 0 ? LDNS_RCODE_SERVFAIL : ans.rcode, W_NONE32, ans.wire,
           ans.len);
    dns_answer_clear(&ans);
}

static uint32_t node_by_id(const world_t *w, uint64_t id)
{
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
    return W_NONE32;
}

static void trace_query(world_t *w, const wquery_t *q)
{
    wt_begin(w, q->client, "dns_query");
    trace_str(w->tr, "id", q->id);
    trace_str(w->tr, "name", q->name);
    trace_type(w->tr, q->qtype);
    trace_str(w->tr, "path", mode_name(q->mode));
    trace_array_begin(w->tr, "to");
    for (uint32_t i = 0; i < q->n_slots; i++)
        wt_node(w->tr, NULL, w, q->slots[i].node);
    trace_array_end(w->tr);
    trace_end(w->tr);
}

/* Sends the request of every slot (K1: to every listed connector at once). */
static void send_requests(world_t *w, size_t qi)
{
    wquery_t *q = &w->queries[qi];
    sim_time_t now = engine_now(w->eng);
    sim_time_t deadline = simtime_add_sat(now, w->set.dns_timeout);
    if (!w_never(deadline))
        q->timeout = engine_schedule(w->eng, deadline, ENGINE_GENERATED, timeout_cb, w, qi);
    for (uint32_t i = 0; i < q->n_slots; i++) {
        uint32_t server = q->slots[i].node;
        sim_time_t extra;
        if (!net_pass(w, q->client, server, &extra))
            continue; /* lost on the way: a timeout */
        sim_time_t leg = net_leg(w, q->client, server);
        if (leg > 0)
            w_mark(w, RULE_T2); /* coverage: the request takes half the RTT */
        sim_time_t at = simtime_add_sat(now, simtime_add_sat(leg, extra));
        if (w_never(at))
            continue; /* due after the end of time: lost */
        scheduled(w, q, engine_schedule(w->eng, at, ENGINE_GENERATED, arrive_cb, w, arg_of(qi, i)),
                  "cannot schedule a DNS request");
    }
    release_if_idle(w, qi);
}

static int add_slot(wquery_t *q, uint32_t node, size_t cap)
{
    if (!q->slots && !(q->slots = calloc(cap ? cap : 1, sizeof *q->slots)))
        return -1;
    q->slots[q->n_slots].node = node;
    q->slots[q->n_slots].rcode = -1;
    q->n_slots++;
    return 0;
}

void client_query_start(world_t *w, size_t qi)
{
    wquery_t *q = &w->queries[qi];
    wnode_t *n = &w->nodes[q->client];
    q->prov = W_NONE32;
    q->res.by = WORLD_NONE;
    if (n->down) {
        q->mode = WQ_LOCAL;
        trace_query(w, q);
        finish(w, qi, LDNS_RCODE_SERVFAIL, W_NONE32, NULL, 0);
        return;
    }
    const ctrl_splitdns_entry_t *e = NULL;
    if (n->accept_dns && n->sdns)
        e = ctrl_splitdns_lookup(n->sdns->table, q->name, strlen(q->name));
    bool via_exit = n->accept_dns && n->exit_node != WORLD_NONE;
    if (e)
        w_mark(w, RULE_P2); /* coverage: the name is under a split-DNS entry */
    if (e && !(via_exit && !w->set.use_with_exit_node)) {
        w_mark(w, RULE_K1); /* coverage: app DNS through the connectors */
        if (via_exit)
            w_mark(w, RULE_K2); /* coverage: app names skip the exit node */
        q->mode = WQ_SPLIT;
        size_t cap = e->n_connectors < SLOT_MASK ? e->n_connectors : SLOT_MASK;
        for (size_t i = 0; i < cap; i++) {
            uint32_t node = node_by_id(w, e->connectors[i]);
            if (node != W_NONE32 && add_slot(q, node, cap) < 0) {
                w_fail(w, "out of memory (query)");
                return;
            }
        }
        trace_query(w, q);
        if (q->n_slots == 0) {
            finish_failed(w, qi); /* K1: no connector to ask: every one of none failed */
            return;
        }
        send_requests(w, qi);
    } else if (via_exit) {
        w_mark(w, RULE_K2); /* coverage: other DNS through the exit node */
        q->mode = WQ_EXIT;
        if (add_slot(q, (uint32_t)n->exit_node, 1) < 0) {
            w_fail(w, "out of memory (query)");
            return;
        }
        trace_query(w, q);
        send_requests(w, qi);
    } else {
        w_mark(w, RULE_K2); /* coverage: other DNS at the node's own resolver */
        if (w->set.upstream_rtt > 0)
            w_mark(w, RULE_T2);
        q->mode = WQ_LOCAL;
        trace_query(w, q);
        sim_time_t at = simtime_add_sat(engine_now(w->eng), w->set.upstream_rtt);
        if (!w_never(at) &&
            !engine_timer_is_set(engine_schedule(w->eng, at, ENGINE_GENERATED, local_cb, w, qi)))
            w_fail(w, "cannot schedule a DNS lookup");
    }
}
