/* connector: see connector.h. */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "connector.h"
#include "control.h"

const pfxset_t *connector_advertised(const world_t *w, uint32_t node)
{
    const wnode_t *n = &w->nodes[node];
    return n->conn ? conn_advertised(n->conn) : w->empty;
}

/* ---- reports to control (T2, P4) ---- */

static void report_free(wmsg_t *m)
{
    wreport_t *r = (wreport_t *)(void *)m;
    pfxset_free(r->set);
    free(r->add);
    free(r->remove);
    free(r);
}

static void report_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    world_t *w = ctx;
    wreport_t *r = (wreport_t *)(uintptr_t)arg;
    w_msg_unlink(&r->hdr);
    const wnode_t *n = &w->nodes[r->node];
    if (r->epoch == n->epoch && n->session_up) {
        if (r->full)
            control_apply_full(w, r->node, r->set, r->flag);
        else
            control_apply_delta(w, r->node, r->add, r->n_add, r->remove, r->n_remove,
                                r->has_flag, r->flag);
    }
    report_free(&r->hdr);
}

static pfx_t *copy_prefixes(const pfx_t *p, size_t n, bool *ok)
{
    if (n == 0)
        return NULL;
    pfx_t *d = malloc(n * sizeof *d);
    if (d)
        memcpy(d, p, n * sizeof *d);
    else
        *ok = false;
    return d;
}

static void schedule_report(world_t *w, wreport_t *r)
{
    w_mark(w, RULE_T2); /* coverage: a report delayed by advertise_delay > 0 */
    r->hdr.free_fn = report_free;
    w_msg_link(w, &r->hdr);
    sim_time_t now = engine_now(w->eng);
    sim_time_t at = simtime_add_sat(now, w->set.advertise_delay);
    if (w_never(at)) { /* never reaches control */
        w_msg_unlink(&r->hdr);
        report_free(&r->hdr);
        return;
    }
    if (!engine_timer_is_set(engine_schedule(w->eng, at, ENGINE_GENERATED, report_cb, w,
                                             (uint64_t)(uintptr_t)r))) {
        w_msg_unlink(&r->hdr);
        report_free(&r->hdr);
        w_fail(w, "cannot schedule a report");
    }
}

/* Sends a delta (and the switch, when has_flag) to control. */
static void send_delta(world_t *w, uint32_t node, const conn_change_t *ch, bool has_flag,
                       bool flag)
{
    const wnode_t *n = &w->nodes[node];
    const pfx_t *add = ch ? ch->add : NULL, *rem = ch ? ch->remove : NULL;
    size_t n_add = ch ? ch->n_add : 0, n_rem = ch ? ch->n_remove : 0;
    if (!w->converging && !n->session_up)
        return; /* P4: control keeps the last set it got; the full report follows the session */
    if (w->converging || w->set.advertise_delay == 0) {
        control_apply_delta(w, node, add, n_add, rem, n_rem, has_flag, flag);
        return;
    }
    wreport_t *r = calloc(1, sizeof *r);
    bool ok = r != NULL;
    if (ok) {
        r->node = node;
        r->epoch = n->epoch;
        r->add = copy_prefixes(add, n_add, &ok);
        r->n_add = n_add;
        r->remove = copy_prefixes(rem, n_rem, &ok);
        r->n_remove = n_rem;
        r->has_flag = has_flag;
        r->flag = flag;
    }
    if (!ok) {
        if (r)
            report_free(&r->hdr);
        w_fail(w, "out of memory (report)");
        return;
    }
    schedule_report(w, r);
}

void connector_full_report(world_t *w, uint32_t node)
{
    const wnode_t *n = &w->nodes[node];
    if (!n->session_up)
        return;
    if (w->set.advertise_delay == 0) {
        control_apply_full(w, node, connector_advertised(w, node), n->advertise_connector);
        return;
    }
    wreport_t *r = calloc(1, sizeof *r);
    if (!r || !(r->set = pfxset_clone(connector_advertised(w, node)))) {
        free(r);
        w_fail(w, "out of memory (report)");
        return;
    }
    r->node = node;
    r->epoch = n->epoch;
    r->full = true;
    r->flag = n->advertise_connector;
    schedule_report(w, r);
}

/* ---- L5 expiry ---- */

static void on_change(world_t *w, uint32_t node, const char *cause);
static void rearm(world_t *w, uint32_t node);

static void expiry_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    world_t *w = ctx;
    wnode_t *n = &w->nodes[arg];
    n->expiry_timer = ENGINE_TIMER_NONE;
    n->expiry_at = INT64_MAX;
    int r = conn_expire(n->conn, engine_now(w->eng), &w->change);
    if (r < 0)
        w_fail(w, "out of memory (expiry)");
    else if (r > 0)
        on_change(w, (uint32_t)arg, "expiry");
    rearm(w, (uint32_t)arg);
}

static void rearm(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    if (!n->conn || w->set.learned_route_ttl <= 0)
        return;
    int64_t next = conn_next_expiry(n->conn);
    if (engine_timer_is_set(n->expiry_timer) && next == n->expiry_at)
        return;
    engine_cancel(w->eng, n->expiry_timer);
    n->expiry_timer = ENGINE_TIMER_NONE;
    n->expiry_at = next;
    if (next == INT64_MAX)
        return;
    sim_time_t now = engine_now(w->eng);
    n->expiry_timer = engine_schedule(w->eng, next > now ? next : now, ENGINE_GENERATED,
                                      expiry_cb, w, node);
}

/* ---- operations ---- */

static void on_change(world_t *w, uint32_t node, const char *cause)
{
    wnode_t *n = &w->nodes[node];
    const conn_change_t *ch = &w->change;
    wt_begin(w, node, "route_change");
    trace_str(w->tr, "cause", cause);
    wt_prefixes(w->tr, "add", ch->add, ch->n_add);
    wt_prefixes(w->tr, "remove", ch->remove, ch->n_remove);
    trace_end(w->tr);
    n->route_changes++;
    send_delta(w, node, ch, false, false);
}

static int rebuild_matcher(wnode_t *n)
{
    dn_matcher_free(n->matcher);
    n->matcher = NULL;
    if (!n->acting || !n->config)
        return 0;
    if (!(n->matcher = dn_matcher_new()))
        return -1;
    for (size_t i = 0; i < n->config->n_domains; i++)
        if (dn_matcher_add(n->matcher, &n->config->domains[i]) < 0)
            return -1;
    return 0;
}

void connector_refresh(world_t *w, uint32_t node, const char *cause)
{
    wnode_t *n = &w->nodes[node];
    bool acting = n->advertise_connector && n->config != NULL;
    if (!n->conn) {
        if (!acting && n->n_manual == 0) {
            n->acting = false;
            return;
        }
        conn_settings_t cs = {w->set.store_routes, w->set.learned_route_ttl};
        if (!(n->conn = conn_new(&cs))) {
            w_fail(w, "out of memory (connector)");
            return;
        }
    }
    conn_config_t cfg = {acting,
                         acting ? n->config->domains : NULL,
                         acting ? n->config->n_domains : 0,
                         acting ? n->config->routes : NULL,
                         acting ? n->config->n_routes : 0,
                         n->manual,
                         n->n_manual};
    n->acting = acting;
    if (rebuild_matcher(n) < 0) {
        w_fail(w, "out of memory (matcher)");
        return;
    }
    int r = conn_apply_config(n->conn, &cfg, engine_now(w->eng), &w->change);
    if (r < 0)
        w_fail(w, "out of memory (configuration)");
    else if (r > 0)
        on_change(w, node, cause);
    rearm(w, node);
}

void connector_resolve(world_t *w, uint32_t node, const char *qname, uint16_t qtype, uint16_t id,
                       dns_answer_t *out)
{
    wnode_t *n = &w->nodes[node];
    const char *region = w_region_name(w, n->region);
    errinfo_t err;
    int rc;
    if (n->cache_on && (n->cache || (n->cache = dns_cache_new()))) {
        rc = dns_cache_resolve(n->cache, w->db, qname, qtype, id, region, engine_now(w->eng),
                               out, &err);
        /* Expired entries are never served, but they stay until met: dropping them when the
         * cache has doubled keeps a long run's memory bounded at amortised O(1) cost. */
        if (dns_cache_count(n->cache) >= n->cache_purge_at) {
            dns_cache_purge(n->cache, engine_now(w->eng));
            n->cache_purge_at = 2 * dns_cache_count(n->cache) + 64;
        }
    } else {
        rc = dns_resolve(w->db, qname, qtype, id, region, out, &err); /* memoized there */
    }
    if (rc < 0) {
        memset(out, 0, sizeof *out);
        out->rcode = LDNS_RCODE_SERVFAIL;
    }
    w->rules |= dns_answer_rules(out); /* coverage: D1-D5 as the resolution decided them */
}

static void trace_learn(world_t *w, uint32_t node, const char *qname, const dns_answer_t *a)
{
    wnode_t *n = &w->nodes[node];
    errinfo_t err;
    if (!learn_parse(a->wire, a->len, &w->lmsg, &err)) {
        wt_begin(w, node, "learn");
        trace_str(w->tr, "name", qname);
        trace_str(w->tr, "rcode", world_rcode_name(a->rcode));
        trace_str(w->tr, "malformed", err.msg);
        trace_end(w->tr);
        return;
    }
    const learn_record_t *recs;
    long k = n->matcher ? learn_route(&w->lmsg, n->matcher, &recs) : 0;
    if (k <= 0)
        return;
    wt_begin(w, node, "learn");
    trace_str(w->tr, "name", qname);
    trace_str(w->tr, "rcode", world_rcode_name(a->rcode));
    trace_array_begin(w->tr, "records");
    for (long i = 0; i < k; i++) {
        trace_array_begin(w->tr, NULL);
        trace_str(w->tr, NULL, learn_name_text(&w->lmsg, recs[i].name));
        wt_addr(w->tr, NULL, &recs[i].addr);
        trace_array_end(w->tr);
    }
    trace_array_end(w->tr);
    trace_end(w->tr);
}

void connector_answer(world_t *w, uint32_t node, const char *qname, uint16_t qtype, uint16_t id,
                      dns_answer_t *out)
{
    wnode_t *n = &w->nodes[node];
    connector_resolve(w, node, qname, qtype, id, out);
    if (!n->acting || !n->conn)
        return;
    trace_learn(w, node, qname, out);
    errinfo_t err;
    static const uint8_t nothing[1];
    int r = conn_observe_response(n->conn, out->wire ? out->wire : nothing, out->len,
                                  engine_now(w->eng), &w->change, &err);
    if (r > 0)
        on_change(w, node, "response");
    /* r < 0 is a malformed message (traced above): L1 rejects it whole and changes nothing. */
    rearm(w, node);
}

void connector_restart(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    if (n->cache)
        dns_cache_flush(n->cache);
    if (!n->conn)
        return;
    int r = conn_restart(n->conn, engine_now(w->eng), &w->change);
    if (r < 0)
        w_fail(w, "out of memory (restart)");
    else if (r > 0)
        on_change(w, node, "restart");
    rearm(w, node);
}

void connector_set_flag(world_t *w, uint32_t node, bool value)
{
    wnode_t *n = &w->nodes[node];
    if (n->advertise_connector == value)
        return;
    n->advertise_connector = value;
    /* Control learns the switch first, so that the control routes that follow are known to
     * come from a connector (P1). */
    send_delta(w, node, NULL, true, value);
    connector_refresh(w, node, "connector");
}
