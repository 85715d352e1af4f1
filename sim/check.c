/* check: expectations against a world (see check.h). Text is built with open_memstream. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"

/* At most this many prefixes are listed in a message; the rest are counted. */
#define LIST_MAX 32

/* ---- text helpers ---- */

typedef struct {
    char *buf;
    size_t len;
    FILE *f;
} text_t;

static void text_open(text_t *t)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
}

/* Closes the stream; returns the text (owned by the caller), "" when memory ran out. */
static char *text_close(text_t *t)
{
    if (t->f != NULL)
        fclose(t->f);
    t->f = NULL;
    if (t->buf == NULL)
        return strdup("");
    return t->buf;
}

#define tprintf(t, ...) ((t)->f ? fprintf((t)->f, __VA_ARGS__) : 0)

static void put_time(text_t *t, sim_time_t at)
{
    char b[SIMTIME_BUF];
    tprintf(t, "%s", at == SCENARIO_END ? "end" : simtime_format(at, b));
}

static void put_addr(text_t *t, const pfx_addr_t *a)
{
    char b[PFX_ADDR_TEXT_MAX];
    pfx_addr_format(a, b);
    tprintf(t, "%s", b);
}

static void put_prefixes(text_t *t, const pfx_t *p, size_t n)
{
    tprintf(t, "[");
    for (size_t i = 0; i < n && i < LIST_MAX; i++) {
        char b[PFX_TEXT_MAX];
        pfx_format(&p[i], b);
        tprintf(t, "%s%s", i ? ", " : "", b);
    }
    if (n > LIST_MAX)
        tprintf(t, ", ... %zu more", n - LIST_MAX);
    tprintf(t, "]");
}

typedef struct {
    text_t *t;
    size_t n;
} set_print_t;

static bool visit_print(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    set_print_t *sp = ctx;
    if (sp->n < LIST_MAX) {
        char b[PFX_TEXT_MAX];
        pfx_format(p, b);
        tprintf(sp->t, "%s%s", sp->n ? ", " : "", b);
    }
    sp->n++;
    return true;
}

static void put_set(text_t *t, const pfxset_t *s)
{
    set_print_t sp = {t, 0};
    tprintf(t, "[");
    if (s != NULL)
        pfxset_foreach(s, visit_print, &sp);
    if (sp.n > LIST_MAX)
        tprintf(t, ", ... %zu more", sp.n - LIST_MAX);
    tprintf(t, "]");
}

static const char *node_name(const scenario_t *s, size_t n)
{
    return n < s->n_nodes ? s->nodes[n].name : "(none)";
}

/* ---- names ---- */

const char *check_status_name(check_status_t st)
{
    switch (st) {
    case CHECK_PASS:
        return "pass";
    case CHECK_FAIL:
        return "fail";
    case CHECK_ERROR:
        return "error";
    case CHECK_NOT_RUN:
        return "not_run";
    }
    return "error";
}

const char *check_kind_name(scenario_expect_kind_t k)
{
    switch (k) {
    case SCENARIO_EXP_ADVERTISED:
        return "advertised";
    case SCENARIO_EXP_ROUTE:
        return "route";
    case SCENARIO_EXP_FLOW:
        return "flow";
    case SCENARIO_EXP_DNS:
        return "dns";
    case SCENARIO_EXP_ROUTE_CHANGES:
        return "route_changes";
    case SCENARIO_EXP_INVARIANT:
        return "invariant";
    }
    return "unknown";
}

static const char *invariant_name(scenario_invariant_t w)
{
    switch (w) {
    case SCENARIO_INV_NO_DROPPED_FLOWS:
        return "no_dropped_flows";
    case SCENARIO_INV_NO_DNS_FAILURES:
        return "no_dns_failures";
    case SCENARIO_INV_ADVERTISED_INCLUDES:
        return "advertised_includes";
    case SCENARIO_INV_ADVERTISED_EXCLUDES:
        return "advertised_excludes";
    }
    return "unknown";
}

static const char *outcome_name(scenario_outcome_t o)
{
    switch (o) {
    case SCENARIO_OUTCOME_VIA:
        return "via";
    case SCENARIO_OUTCOME_EXIT:
        return "exit";
    case SCENARIO_OUTCOME_DIRECT:
        return "direct";
    case SCENARIO_OUTCOME_DROPPED:
        return "dropped";
    }
    return "unknown";
}

const char *check_subject_node(const scenario_t *s, size_t index)
{
    const scenario_expect_t *e = &s->expects[index];
    size_t n = SCENARIO_NONE;
    switch (e->kind) {
    case SCENARIO_EXP_ADVERTISED:
        n = e->u.advertised.node;
        break;
    case SCENARIO_EXP_ROUTE:
        n = e->u.route.node;
        break;
    case SCENARIO_EXP_FLOW:
        if (e->u.flow.event < s->n_events)
            n = s->events[e->u.flow.event].node;
        break;
    case SCENARIO_EXP_DNS:
        if (e->u.dns.event < s->n_events)
            n = s->events[e->u.dns.event].node;
        break;
    case SCENARIO_EXP_ROUTE_CHANGES:
        n = e->u.route_changes.node;
        break;
    case SCENARIO_EXP_INVARIANT:
        n = e->u.invariant.node;
        break;
    }
    return n < s->n_nodes ? s->nodes[n].name : NULL;
}

/* ---- results ---- */

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void result_init(const scenario_t *s, size_t index, check_result_t *out)
{
    const scenario_expect_t *e = &s->expects[index];
    memset(out, 0, sizeof *out);
    out->index = index;
    out->id = dup_or_null(e->id);
    out->kind = check_kind_name(e->kind);
    out->at = e->at;
    out->at_time = e->at;
    out->line = e->line;
    out->col = e->col;
    if (e->n_rules > 0 && (out->rules = calloc(e->n_rules, sizeof *out->rules)) != NULL) {
        for (size_t i = 0; i < e->n_rules; i++)
            if ((out->rules[i] = strdup(e->rules[i])) != NULL)
                out->n_rules++;
    }
    out->status = CHECK_ERROR;
    out->context_time = e->at;
    out->context_node = dup_or_null(check_subject_node(s, index));
}

void check_result_clear(check_result_t *r)
{
    if (r == NULL)
        return;
    free(r->id);
    for (size_t i = 0; i < r->n_rules; i++)
        free(r->rules[i]);
    free(r->rules);
    free(r->expected);
    free(r->got);
    free(r->context_node);
    for (size_t i = 0; i < r->n_context; i++)
        free(r->context[i]);
    free(r->context);
    memset(r, 0, sizeof *r);
}

void check_not_run(const scenario_t *s, size_t index, const char *why, check_result_t *out)
{
    result_init(s, index, out);
    out->status = CHECK_NOT_RUN;
    out->expected = strdup("");
    out->got = strdup(why ? why : "not evaluated");
}

/* ---- state expectations ---- */

static void check_advertised(const scenario_t *s, const scenario_world_t *sw,
                             const scenario_expect_t *e, check_result_t *out, text_t *exp,
                             text_t *got)
{
    const pfxset_t *adv = world_advertised(sw->world, e->u.advertised.node);
    const pfx_t *want = e->u.advertised.prefixes;
    size_t n = e->u.advertised.n_prefixes;
    static const char *const mode[] = {"exactly", "includes", "excludes"};
    tprintf(exp, "%s advertises %s ", node_name(s, e->u.advertised.node),
            mode[e->u.advertised.mode]);
    put_prefixes(exp, want, n);
    /* missing: wanted but absent (exactly, includes); unwanted: present but excluded. */
    size_t n_missing = 0, n_unwanted = 0;
    for (size_t i = 0; i < n; i++) {
        bool in = pfxset_contains(adv, &want[i], NULL);
        if (e->u.advertised.mode == SCENARIO_SET_EXCLUDES)
            n_unwanted += in;
        else
            n_missing += !in;
    }
    size_t n_extra = 0;
    if (e->u.advertised.mode == SCENARIO_SET_EXACTLY)
        n_extra = pfxset_count(adv) - (n - n_missing);
    out->status = n_missing == 0 && n_unwanted == 0 && n_extra == 0 ? CHECK_PASS : CHECK_FAIL;
    put_set(got, adv);
    if (out->status == CHECK_PASS)
        return;
    const char *sep = " (";
    if (n_missing) {
        tprintf(got, "%smissing", sep);
        for (size_t i = 0, k = 0; i < n && k < LIST_MAX; i++) {
            if (!pfxset_contains(adv, &want[i], NULL)) {
                char b[PFX_TEXT_MAX];
                pfx_format(&want[i], b);
                tprintf(got, " %s", b);
                k++;
            }
        }
        sep = "; ";
    }
    if (n_unwanted) {
        tprintf(got, "%sunwanted", sep);
        for (size_t i = 0, k = 0; i < n && k < LIST_MAX; i++) {
            if (pfxset_contains(adv, &want[i], NULL)) {
                char b[PFX_TEXT_MAX];
                pfx_format(&want[i], b);
                tprintf(got, " %s", b);
                k++;
            }
        }
        sep = "; ";
    }
    if (n_extra)
        tprintf(got, "%s%zu extra", sep, n_extra);
    tprintf(got, ")");
}

static void check_route(const scenario_t *s, const scenario_world_t *sw,
                        const scenario_expect_t *e, check_result_t *out, text_t *exp,
                        text_t *got)
{
    pfx_t match;
    size_t via = world_route(sw->world, e->u.route.node, &e->u.route.address, &match);
    tprintf(exp, "%s routes ", node_name(s, e->u.route.node));
    put_addr(exp, &e->u.route.address);
    if (e->u.route.via == SCENARIO_NONE)
        tprintf(exp, " nowhere (no route)");
    else
        tprintf(exp, " via %s", node_name(s, e->u.route.via));
    if (via == WORLD_NONE) {
        tprintf(got, "no route");
    } else {
        char b[PFX_TEXT_MAX];
        pfx_format(&match, b);
        tprintf(got, "via %s (route %s)", world_node_name(sw->world, via), b);
    }
    size_t want = e->u.route.via == SCENARIO_NONE ? WORLD_NONE : e->u.route.via;
    out->status = via == want ? CHECK_PASS : CHECK_FAIL;
}

static void check_flow(const scenario_t *s, const scenario_world_t *sw,
                       const scenario_expect_t *e, check_result_t *out, text_t *exp, text_t *got)
{
    size_t ev = e->u.flow.event;
    const char *id = ev < s->n_events && s->events[ev].id ? s->events[ev].id : "?";
    tprintf(exp, "flow '%s' %s", id, outcome_name(e->u.flow.outcome));
    if (e->u.flow.node != SCENARIO_NONE)
        tprintf(exp, " %s", node_name(s, e->u.flow.node));
    if (e->u.flow.has_egress) {
        tprintf(exp, " egress ");
        put_addr(exp, &e->u.flow.egress);
    }
    if (e->u.flow.reason)
        tprintf(exp, " (%s)", e->u.flow.reason);
    size_t h = ev < sw->n_events ? sw->handle[ev] : WORLD_NONE;
    const world_flow_result_t *r = h == WORLD_NONE ? NULL : world_flow_result(sw->world, h);
    if (r == NULL) {
        tprintf(got, "no such flow in the world");
        out->status = CHECK_ERROR;
        return;
    }
    if (r->outcome == WORLD_FLOW_PENDING) {
        tprintf(got, "no outcome yet");
        out->status = CHECK_FAIL;
        return;
    }
    tprintf(got, "%s", world_outcome_name(r->outcome));
    if (r->node != WORLD_NONE)
        tprintf(got, " %s", world_node_name(sw->world, r->node));
    if (r->has_egress) {
        tprintf(got, " egress ");
        put_addr(got, &r->egress);
    }
    if (r->outcome == WORLD_FLOW_DROPPED && r->reason)
        tprintf(got, " (%s)", r->reason);
    tprintf(got, " at ");
    put_time(got, r->at);
    out->context_time = r->at;

    static const world_outcome_t map[] = {WORLD_FLOW_VIA, WORLD_FLOW_EXIT, WORLD_FLOW_DIRECT,
                                          WORLD_FLOW_DROPPED};
    bool ok = r->outcome == map[e->u.flow.outcome];
    if (ok && e->u.flow.node != SCENARIO_NONE)
        ok = r->node == e->u.flow.node;
    if (ok && e->u.flow.has_egress)
        ok = r->has_egress && pfx_addr_equal(&r->egress, &e->u.flow.egress);
    if (ok && e->u.flow.reason)
        ok = r->reason != NULL && strcmp(r->reason, e->u.flow.reason) == 0;
    out->status = ok ? CHECK_PASS : CHECK_FAIL;
}

static void check_dns(const scenario_t *s, const scenario_world_t *sw,
                      const scenario_expect_t *e, check_result_t *out, text_t *exp, text_t *got)
{
    size_t ev = e->u.dns.event;
    const char *id = ev < s->n_events && s->events[ev].id ? s->events[ev].id : "?";
    tprintf(exp, "query '%s' answered", id);
    if (e->u.dns.has_rcode)
        tprintf(exp, " %s", world_rcode_name(e->u.dns.rcode));
    if (e->u.dns.has_addresses) {
        tprintf(exp, " [");
        for (size_t i = 0; i < e->u.dns.n_addresses; i++) {
            tprintf(exp, "%s", i ? ", " : "");
            put_addr(exp, &e->u.dns.addresses[i]);
        }
        tprintf(exp, "]");
    }
    size_t h = ev < sw->n_events ? sw->handle[ev] : WORLD_NONE;
    const world_query_result_t *r = h == WORLD_NONE ? NULL : world_query_result(sw->world, h);
    if (r == NULL) {
        tprintf(got, "no such query in the world");
        out->status = CHECK_ERROR;
        return;
    }
    if (!r->done) {
        tprintf(got, "no answer yet");
        out->status = CHECK_FAIL;
        return;
    }
    tprintf(got, "%s [", world_rcode_name(r->rcode));
    for (size_t i = 0; i < r->n_addrs; i++) {
        tprintf(got, "%s", i ? ", " : "");
        put_addr(got, &r->addrs[i]);
    }
    tprintf(got, "]");
    if (r->by != WORLD_NONE)
        tprintf(got, " by %s", world_node_name(sw->world, r->by));
    tprintf(got, " at ");
    put_time(got, r->at);
    out->context_time = r->at;
    bool ok = !e->u.dns.has_rcode || r->rcode == e->u.dns.rcode;
    if (ok && e->u.dns.has_addresses) {
        ok = r->n_addrs == e->u.dns.n_addresses;
        for (size_t i = 0; ok && i < r->n_addrs; i++)
            ok = pfx_addr_equal(&r->addrs[i], &e->u.dns.addresses[i]);
    }
    out->status = ok ? CHECK_PASS : CHECK_FAIL;
}

static void check_route_changes(const scenario_t *s, const scenario_world_t *sw,
                                const scenario_expect_t *e, check_result_t *out, text_t *exp,
                                text_t *got)
{
    uint64_t n = world_route_changes(sw->world, e->u.route_changes.node);
    bool lo = e->u.route_changes.has_min, hi = e->u.route_changes.has_max;
    uint64_t min = e->u.route_changes.min, max = e->u.route_changes.max;
    tprintf(exp, "%s emitted ", node_name(s, e->u.route_changes.node));
    if (lo && hi && min == max)
        tprintf(exp, "%" PRIu64, min);
    else if (lo && hi)
        tprintf(exp, "%" PRIu64 " to %" PRIu64, min, max);
    else if (lo)
        tprintf(exp, "at least %" PRIu64, min);
    else if (hi)
        tprintf(exp, "at most %" PRIu64, max);
    else
        tprintf(exp, "any number of");
    tprintf(exp, " route changes");
    tprintf(got, "%" PRIu64 " route changes", n);
    out->status = (!lo || n >= min) && (!hi || n <= max) ? CHECK_PASS : CHECK_FAIL;
}

static void finish(check_result_t *out, text_t *exp, text_t *got)
{
    out->expected = text_close(exp);
    out->got = text_close(got);
}

void check_state(const scenario_t *s, const scenario_world_t *sw, size_t index,
                 check_result_t *out)
{
    result_init(s, index, out);
    const scenario_expect_t *e = &s->expects[index];
    out->at_time = world_now(sw->world);
    out->context_time = out->at_time;
    text_t exp, got;
    text_open(&exp);
    text_open(&got);
    switch (e->kind) {
    case SCENARIO_EXP_ADVERTISED:
        check_advertised(s, sw, e, out, &exp, &got);
        break;
    case SCENARIO_EXP_ROUTE:
        check_route(s, sw, e, out, &exp, &got);
        break;
    case SCENARIO_EXP_FLOW:
        check_flow(s, sw, e, out, &exp, &got);
        break;
    case SCENARIO_EXP_DNS:
        check_dns(s, sw, e, out, &exp, &got);
        break;
    case SCENARIO_EXP_ROUTE_CHANGES:
        check_route_changes(s, sw, e, out, &exp, &got);
        break;
    case SCENARIO_EXP_INVARIANT:
        tprintf(&got, "an invariant needs a window (check_window_open)");
        out->status = CHECK_ERROR;
        break;
    }
    finish(out, &exp, &got);
}

/* ---- the trace, read back ---- */

/* Cheap tests before parsing (trace.h writes compact JSON, so the text is predictable; the
 * parse that follows is what decides). */
static bool record_contains(const char *rec, size_t len, const char *pat)
{
    size_t n = strlen(pat);
    for (size_t i = 0; n <= len && i + n <= len; i++)
        if (rec[i] == pat[0] && memcmp(rec + i, pat, n) == 0)
            return true;
    return false;
}

static bool record_has_kind(const char *rec, size_t len, const char *kind)
{
    char pat[64];
    int n = snprintf(pat, sizeof pat, "\"kind\":\"%s\"", kind);
    return n > 0 && (size_t)n < sizeof pat && record_contains(rec, len, pat);
}

/* Might the record be a failure the window looks for? */
static bool record_may_fail(const trace_t *tr, size_t i, bool flows)
{
    size_t len;
    const char *rec = trace_record(tr, i, &len);
    if (rec == NULL)
        return false;
    if (flows)
        return record_contains(rec, len, "\"dropped\"");
    return record_contains(rec, len, "\"SERVFAIL\"") || record_contains(rec, len, "\"REFUSED\"");
}

/* Parses record i when it has kind (and node, when not NULL). NULL otherwise. */
static json_t *record_parse(const trace_t *tr, size_t i, const char *kind, const char *node,
                            sim_time_t *t)
{
    size_t len;
    const char *rec = trace_record(tr, i, &len);
    if (rec == NULL || !record_has_kind(rec, len, kind))
        return NULL;
    json_t *j = json_loadb(rec, len, JSON_ALLOW_NUL, NULL);
    if (j == NULL)
        return NULL;
    const char *k = json_string_value(json_object_get(j, "kind"));
    const char *n = json_string_value(json_object_get(j, "node"));
    if (k == NULL || strcmp(k, kind) != 0 || (node && (n == NULL || strcmp(n, node) != 0))) {
        json_decref(j);
        return NULL;
    }
    *t = json_integer_value(json_object_get(j, "t"));
    return j;
}

/* ---- invariants ---- */

int check_window_open(const scenario_t *s, const scenario_world_t *sw, size_t index,
                      check_window_t *win)
{
    memset(win, 0, sizeof *win);
    win->index = index;
    const scenario_expect_t *e = &s->expects[index];
    const trace_t *tr = world_trace_const(sw->world);
    size_t count = trace_count(tr);
    if (e->u.invariant.what == SCENARIO_INV_ADVERTISED_INCLUDES ||
        e->u.invariant.what == SCENARIO_INV_ADVERTISED_EXCLUDES) {
        /* The state at `from` is the snapshot; only later changes are replayed. */
        win->trace_start = count;
        win->adv = pfxset_clone(world_advertised(sw->world, e->u.invariant.node));
        if (win->adv == NULL)
            return -1;
    } else {
        /* Records at `from` itself belong to the window: step back over them. */
        size_t i = count;
        while (i > 0) {
            size_t len;
            const char *rec = trace_record(tr, i - 1, &len);
            if (rec == NULL || trace_record_time(rec, len) < e->u.invariant.from)
                break;
            i--;
        }
        win->trace_start = i;
    }
    win->open = true;
    return 0;
}

void check_window_clear(check_window_t *win)
{
    if (win == NULL)
        return;
    pfxset_free(win->adv);
    memset(win, 0, sizeof *win);
}

/* Does the set satisfy the invariant? On false, *bad is a prefix that breaks it. */
static bool adv_holds(const scenario_expect_t *e, const pfxset_t *set, const pfx_t **bad)
{
    bool includes = e->u.invariant.what == SCENARIO_INV_ADVERTISED_INCLUDES;
    for (size_t i = 0; i < e->u.invariant.n_prefixes; i++) {
        bool in = pfxset_contains(set, &e->u.invariant.prefixes[i], NULL);
        if (in != includes) {
            *bad = &e->u.invariant.prefixes[i];
            return false;
        }
    }
    return true;
}

static int apply_prefixes(pfxset_t *set, json_t *arr, bool add)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *txt = json_string_value(v);
        pfx_t p;
        if (txt == NULL || !pfx_parse(txt, strlen(txt), false, &p, NULL))
            return -1;
        if (add ? pfxset_insert(set, &p, 0) < 0 : (pfxset_remove(set, &p), 0))
            return -1;
    }
    return 0;
}

static bool sets_equal(const pfxset_t *a, const pfxset_t *b);

typedef struct {
    const pfxset_t *other;
    bool all;
} subset_t;

static bool visit_subset(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    subset_t *st = ctx;
    if (!pfxset_contains(st->other, p, NULL)) {
        st->all = false;
        return false;
    }
    return true;
}

static bool sets_equal(const pfxset_t *a, const pfxset_t *b)
{
    if (pfxset_count(a) != pfxset_count(b))
        return false;
    subset_t st = {b, true};
    pfxset_foreach(a, visit_subset, &st);
    return st.all;
}

static void window_advertised(const scenario_t *s, const scenario_world_t *sw,
                              check_window_t *win, check_result_t *out, text_t *got)
{
    const scenario_expect_t *e = &s->expects[win->index];
    const trace_t *tr = world_trace_const(sw->world);
    const char *node = node_name(s, e->u.invariant.node);
    bool always = e->u.invariant.always;
    const pfx_t *bad = NULL;
    bool holds = adv_holds(e, win->adv, &bad);
    sim_time_t from = e->u.invariant.from, now = world_now(sw->world);
    /* always: the first instant it fails; eventually: the first instant it holds. */
    bool decided = always ? !holds : holds;
    sim_time_t when = from;
    const pfx_t *when_bad = bad;
    size_t count = trace_count(tr);
    sim_time_t group = -1;
    bool broken = false;
    for (size_t i = win->trace_start; i < count && !broken; i++) {
        sim_time_t t;
        json_t *j = record_parse(tr, i, "route_change", node, &t);
        if (j == NULL)
            continue;
        /* An instant ends when a record of a later instant starts: evaluate the finished one. */
        if (group >= 0 && t != group && !decided) {
            holds = adv_holds(e, win->adv, &bad);
            if (always ? !holds : holds) {
                decided = true;
                when = group;
                when_bad = bad;
            }
        }
        group = t;
        if (apply_prefixes(win->adv, json_object_get(j, "add"), true) != 0 ||
            apply_prefixes(win->adv, json_object_get(j, "remove"), false) != 0)
            broken = true;
        json_decref(j);
    }
    if (broken) {
        tprintf(got, "a route_change record of %s could not be read", node);
        out->status = CHECK_ERROR;
        return;
    }
    if (group >= 0 && !decided) {
        holds = adv_holds(e, win->adv, &bad);
        if (always ? !holds : holds) {
            decided = true;
            when = group;
            when_bad = bad;
        }
    }
    /* The replay must end where the world is; anything else is a world that lies. */
    if (!sets_equal(win->adv, world_advertised(sw->world, e->u.invariant.node))) {
        tprintf(got, "the route_change records of %s do not add up to its advertised set ",
                node);
        put_set(got, world_advertised(sw->world, e->u.invariant.node));
        tprintf(got, " (replayed: ");
        put_set(got, win->adv);
        tprintf(got, ")");
        out->status = CHECK_ERROR;
        return;
    }
    char b[PFX_TEXT_MAX] = "";
    if (when_bad)
        pfx_format(when_bad, b);
    bool includes = e->u.invariant.what == SCENARIO_INV_ADVERTISED_INCLUDES;
    if (always) {
        out->status = decided ? CHECK_FAIL : CHECK_PASS;
        if (decided) {
            tprintf(got, "%s %s %s at ", node, includes ? "lacks" : "advertises", b);
            put_time(got, when);
            out->context_time = when;
        } else {
            tprintf(got, "held from ");
            put_time(got, from);
            tprintf(got, " to ");
            put_time(got, now);
        }
    } else {
        out->status = decided ? CHECK_PASS : CHECK_FAIL;
        if (decided) {
            tprintf(got, "held at ");
            put_time(got, when);
            out->context_time = when;
        } else {
            tprintf(got, "never held from ");
            put_time(got, from);
            tprintf(got, " to ");
            put_time(got, now);
            tprintf(got, "; at the end %s ", node);
            put_set(got, win->adv);
        }
    }
}

static bool rcode_failed(const char *rcode)
{
    return rcode && (strcmp(rcode, "SERVFAIL") == 0 || strcmp(rcode, "REFUSED") == 0);
}

static void window_records(const scenario_t *s, const scenario_world_t *sw, check_window_t *win,
                           check_result_t *out, text_t *got)
{
    const scenario_expect_t *e = &s->expects[win->index];
    const trace_t *tr = world_trace_const(sw->world);
    bool flows = e->u.invariant.what == SCENARIO_INV_NO_DROPPED_FLOWS;
    const char *kind = flows ? "flow" : "dns_answer";
    size_t count = trace_count(tr), bad = 0;
    for (size_t i = win->trace_start; i < count; i++) {
        sim_time_t t;
        if (!record_may_fail(tr, i, flows))
            continue;
        json_t *j = record_parse(tr, i, kind, NULL, &t);
        if (j == NULL)
            continue;
        bool failed = flows ? strcmp(json_string_value(json_object_get(j, "outcome"))
                                         ? json_string_value(json_object_get(j, "outcome"))
                                         : "",
                                     "dropped") == 0
                            : rcode_failed(json_string_value(json_object_get(j, "rcode")));
        if (failed && bad++ == 0) {
            const char *id = json_string_value(json_object_get(j, "id"));
            const char *n = json_string_value(json_object_get(j, "node"));
            const char *why = json_string_value(json_object_get(j, flows ? "reason" : "rcode"));
            tprintf(got, "%s '%s' of %s %s (%s) at ", flows ? "flow" : "query", id ? id : "",
                    n ? n : "?", flows ? "dropped" : "failed", why ? why : "?");
            put_time(got, t);
            out->context_time = t;
            free(out->context_node);
            out->context_node = dup_or_null(n);
        }
        json_decref(j);
    }
    if (bad > 1)
        tprintf(got, " (and %zu more)", bad - 1);
    if (bad == 0)
        tprintf(got, "none %s", flows ? "dropped" : "failed");
    out->status = bad == 0 ? CHECK_PASS : CHECK_FAIL;
}

void check_window_close(const scenario_t *s, const scenario_world_t *sw, check_window_t *win,
                        check_result_t *out)
{
    const scenario_expect_t *e = &s->expects[win->index];
    result_init(s, win->index, out);
    out->at_time = world_now(sw->world);
    out->context_time = out->at_time;
    text_t exp, got;
    text_open(&exp);
    text_open(&got);
    tprintf(&exp, "%s %s", e->u.invariant.always ? "always" : "eventually",
            invariant_name(e->u.invariant.what));
    if (e->u.invariant.node != SCENARIO_NONE) {
        tprintf(&exp, " %s ", node_name(s, e->u.invariant.node));
        put_prefixes(&exp, e->u.invariant.prefixes, e->u.invariant.n_prefixes);
    }
    tprintf(&exp, " from ");
    put_time(&exp, e->u.invariant.from);
    tprintf(&exp, " to ");
    put_time(&exp, e->at);
    if (!win->open) {
        out->status = CHECK_NOT_RUN;
        tprintf(&got, "the run stopped before the window opened");
    } else if (e->u.invariant.what == SCENARIO_INV_ADVERTISED_INCLUDES ||
               e->u.invariant.what == SCENARIO_INV_ADVERTISED_EXCLUDES) {
        window_advertised(s, sw, win, out, &got);
    } else {
        window_records(s, sw, win, out, &got);
    }
    finish(out, &exp, &got);
    check_window_clear(win);
}
