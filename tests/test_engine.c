/* Tests of sim/engine: T1 ordering, zero-delay events, cancellation, limits, misuse, replay,
 * and a property test against a brute-force reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "rng.h"
#include "testutil.h"
#include "thash.h"
#include "trace.h"

/* A log of fired events: (time, arg) pairs. */
typedef struct {
    sim_time_t t[256];
    uint64_t arg[256];
    int n;
} log_t;

static void log_fn(engine_t *e, void *ctx, uint64_t arg)
{
    log_t *l = ctx;
    if (l->n < 256) {
        l->t[l->n] = engine_now(e);
        l->arg[l->n] = arg;
        l->n++;
    }
}

static void test_equal_time_order(void)
{
    engine_t *e = engine_new(NULL);
    log_t l = {.n = 0};
    engine_schedule(e, 10, ENGINE_GENERATED, log_fn, &l, 1);
    engine_schedule(e, 10, ENGINE_TIMELINE, log_fn, &l, 2);
    engine_schedule(e, 10, ENGINE_TIMELINE, log_fn, &l, 3);
    engine_schedule(e, 10, ENGINE_GENERATED, log_fn, &l, 4);
    engine_schedule(e, 5, ENGINE_GENERATED, log_fn, &l, 5);
    engine_schedule(e, 10, ENGINE_TIMELINE, log_fn, &l, 6);
    engine_schedule(e, 7, ENGINE_TIMELINE, log_fn, &l, 7);
    CU_ASSERT_EQUAL(engine_pending(e), 7);
    CU_ASSERT_EQUAL(engine_run(e, NULL), 0);
    const uint64_t want[] = {5, 7, 2, 3, 6, 1, 4};
    CU_ASSERT_EQUAL_FATAL(l.n, 7);
    for (int i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(l.arg[i], want[i]);
    CU_ASSERT_EQUAL(l.t[0], 5);
    CU_ASSERT_EQUAL(l.t[6], 10);
    CU_ASSERT_EQUAL(engine_now(e), 10);
    CU_ASSERT_EQUAL(engine_events_run(e), 7);
    CU_ASSERT_EQUAL(engine_pending(e), 0);
    engine_free(e);
}

/* ENGINE_LATE (K1's decision at the end of an instant): a late event at t runs after every
 * timeline and generated event at t, also those scheduled after it with zero delay; among late
 * events scheduling order holds; a generated event that a late event schedules at t runs before
 * the late events still pending at t. */
typedef struct {
    log_t log;
} late_t;

static void late_fn(engine_t *e, void *ctx, uint64_t arg)
{
    late_t *c = ctx;
    log_fn(e, &c->log, arg);
    if (arg == 1) /* a generated event at 10 that schedules more of the instant */
        engine_after(e, 0, late_fn, c, 2);
    if (arg == 2)
        engine_schedule(e, engine_now(e), ENGINE_LATE, late_fn, c, 90);
    if (arg == 80) /* a late event that generates: that one runs before late 90 */
        engine_after(e, 0, late_fn, c, 3);
}

static void test_late_class_ends_the_instant(void)
{
    engine_t *e = engine_new(NULL);
    late_t c = {.log = {.n = 0}};
    engine_schedule(e, 10, ENGINE_LATE, late_fn, &c, 80);
    engine_schedule(e, 10, ENGINE_GENERATED, late_fn, &c, 1);
    engine_schedule(e, 10, ENGINE_TIMELINE, late_fn, &c, 0);
    engine_schedule(e, 9, ENGINE_LATE, late_fn, &c, 70);
    engine_schedule(e, 11, ENGINE_TIMELINE, late_fn, &c, 4);
    CU_ASSERT_EQUAL(engine_run_until(e, 10, NULL), 0);
    const uint64_t want[] = {70, 0, 1, 2, 80, 3, 90};
    CU_ASSERT_EQUAL_FATAL(c.log.n, 7);
    for (int i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(c.log.arg[i], want[i]);
    CU_ASSERT_EQUAL(c.log.t[0], 9);
    CU_ASSERT_EQUAL(c.log.t[6], 10);
    CU_ASSERT_EQUAL(engine_pending(e), 1); /* the timeline event at 11 */
    CU_ASSERT_EQUAL(engine_run(e, NULL), 0);
    CU_ASSERT_EQUAL(c.log.arg[7], 4);
    CU_ASSERT_PTR_NULL(engine_error(e));
    /* a fourth class is misuse */
    CU_ASSERT_FALSE(engine_timer_is_set(engine_schedule(e, 20, 3, late_fn, &c, 0)));
    CU_ASSERT_PTR_NOT_NULL(strstr(engine_error(e), "unknown class 3"));
    engine_free(e);
}

/* A chain: each event schedules the next with zero delay, arg counting down to 0; the first
 * one also schedules a timeline event at its own time, which overtakes queued generated ones. */
typedef struct {
    log_t log;
    int depth;
} chain_t;

static void chain_fn(engine_t *e, void *ctx, uint64_t arg)
{
    chain_t *c = ctx;
    log_fn(e, &c->log, arg);
    if (arg == 100) {
        engine_after(e, 0, chain_fn, c, 1);
        engine_schedule(e, engine_now(e), ENGINE_TIMELINE, chain_fn, c, 200);
        engine_after(e, 1, chain_fn, c, 300); /* one nanosecond later: not in this instant */
    } else if (arg > 0 && arg < 5) {
        engine_after(e, 0, chain_fn, c, arg + 1);
    }
}

static void test_zero_delay_runs_before_return(void)
{
    engine_t *e = engine_new(NULL);
    chain_t c = {.log = {.n = 0}};
    engine_schedule(e, 10, ENGINE_GENERATED, chain_fn, &c, 100);
    engine_schedule(e, 10, ENGINE_GENERATED, chain_fn, &c, 50);
    CU_ASSERT_EQUAL(engine_run_until(e, 10, NULL), 0);
    /* 100 (first scheduled), then the timeline event 200 it created, then 50 (scheduled before
     * the chain), then the zero-delay chain 1..5. 300 is at t=11. */
    const uint64_t want[] = {100, 200, 50, 1, 2, 3, 4, 5};
    CU_ASSERT_EQUAL_FATAL(c.log.n, 8);
    for (int i = 0; i < 8; i++) {
        CU_ASSERT_EQUAL(c.log.arg[i], want[i]);
        CU_ASSERT_EQUAL(c.log.t[i], 10);
    }
    CU_ASSERT_EQUAL(engine_now(e), 10);
    CU_ASSERT_EQUAL(engine_pending(e), 1);
    sim_time_t next = 0;
    CU_ASSERT_TRUE(engine_next_time(e, &next));
    CU_ASSERT_EQUAL(next, 11);
    CU_ASSERT_EQUAL(engine_run_until(e, 20, NULL), 0);
    CU_ASSERT_EQUAL(c.log.n, 9);
    CU_ASSERT_EQUAL(engine_now(e), 20);
    CU_ASSERT_FALSE(engine_next_time(e, &next));
    engine_free(e);
}

static void test_run_until_sets_clock_and_past_is_noop(void)
{
    engine_t *e = engine_new(NULL);
    log_t l = {.n = 0};
    engine_schedule(e, 100, ENGINE_GENERATED, log_fn, &l, 1);
    CU_ASSERT_EQUAL(engine_run_until(e, 50, NULL), 0);
    CU_ASSERT_EQUAL(engine_now(e), 50);
    CU_ASSERT_EQUAL(l.n, 0);
    CU_ASSERT_EQUAL(engine_run_until(e, 100, NULL), 0);
    CU_ASSERT_EQUAL(l.n, 1);
    CU_ASSERT_EQUAL(engine_now(e), 100);
    /* In the past: nothing runs, the clock stays. */
    engine_schedule(e, 150, ENGINE_GENERATED, log_fn, &l, 2);
    CU_ASSERT_EQUAL(engine_run_until(e, 40, NULL), 0);
    CU_ASSERT_EQUAL(engine_now(e), 100);
    CU_ASSERT_EQUAL(l.n, 1);
    CU_ASSERT_EQUAL(engine_pending(e), 1);
    CU_ASSERT_PTR_NULL(engine_error(e));
    /* engine_run leaves the clock at the last event. */
    CU_ASSERT_EQUAL(engine_run(e, NULL), 0);
    CU_ASSERT_EQUAL(engine_now(e), 150);
    /* Scheduling at the current time after run_until is allowed. */
    CU_ASSERT_TRUE(engine_timer_is_set(engine_schedule(e, 150, ENGINE_TIMELINE, log_fn, &l, 3)));
    CU_ASSERT_EQUAL(engine_run_until(e, 150, NULL), 0);
    CU_ASSERT_EQUAL(l.n, 3);
    engine_free(e);
}

typedef struct {
    engine_timer_t self;
    engine_timer_t other;
    bool self_cancel;
    bool other_cancel;
    int fired;
} canceller_t;

static void canceller_fn(engine_t *e, void *ctx, uint64_t arg)
{
    canceller_t *c = ctx;
    if (arg == 1) {
        c->self_cancel = engine_cancel(e, c->self);
        c->other_cancel = engine_cancel(e, c->other);
    }
    c->fired++;
}

static void test_cancel(void)
{
    engine_t *e = engine_new(NULL);
    log_t l = {.n = 0};
    engine_timer_t a = engine_schedule(e, 10, ENGINE_GENERATED, log_fn, &l, 1);
    engine_timer_t b = engine_schedule(e, 20, ENGINE_GENERATED, log_fn, &l, 2);
    engine_timer_t c = engine_schedule(e, 30, ENGINE_GENERATED, log_fn, &l, 3);
    CU_ASSERT_TRUE(engine_timer_is_set(a));
    CU_ASSERT_FALSE(engine_timer_is_set(ENGINE_TIMER_NONE));
    /* Before it fires. */
    CU_ASSERT_TRUE(engine_cancel(e, b));
    CU_ASSERT_EQUAL(engine_pending(e), 2);
    /* Twice. */
    CU_ASSERT_FALSE(engine_cancel(e, b));
    CU_ASSERT_FALSE(engine_cancel(e, ENGINE_TIMER_NONE));
    CU_ASSERT_EQUAL(engine_run_until(e, 25, NULL), 0);
    CU_ASSERT_EQUAL(l.n, 1);
    /* After it fired. */
    CU_ASSERT_FALSE(engine_cancel(e, a));
    /* A new event reuses a's storage; a's handle still names nothing. */
    engine_timer_t d = engine_schedule(e, 40, ENGINE_GENERATED, log_fn, &l, 4);
    CU_ASSERT(d.slot == a.slot || d.slot == b.slot);
    CU_ASSERT_NOT_EQUAL(d.seq, a.seq);
    CU_ASSERT_FALSE(engine_cancel(e, a));
    CU_ASSERT_FALSE(engine_cancel(e, b));
    /* A forged handle out of range. */
    CU_ASSERT_FALSE(engine_cancel(e, (engine_timer_t){12345, 999999}));
    CU_ASSERT_EQUAL(engine_run(e, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(l.n, 3);
    CU_ASSERT_EQUAL(l.arg[1], 3);
    CU_ASSERT_EQUAL(l.arg[2], 4);
    CU_ASSERT_FALSE(engine_cancel(e, c));
    CU_ASSERT_FALSE(engine_cancel(e, d));

    /* Inside a callback: its own timer is spent; another at the same time can be cancelled. */
    canceller_t k = {.fired = 0};
    k.self = engine_schedule(e, 50, ENGINE_GENERATED, canceller_fn, &k, 1);
    k.other = engine_schedule(e, 50, ENGINE_GENERATED, canceller_fn, &k, 2);
    CU_ASSERT_EQUAL(engine_run(e, NULL), 0);
    CU_ASSERT_FALSE(k.self_cancel);
    CU_ASSERT_TRUE(k.other_cancel);
    CU_ASSERT_EQUAL(k.fired, 1);
    CU_ASSERT_PTR_NULL(engine_error(e));
    engine_free(e);
}

/* Checks that events run in (time, scheduling order) and that none of them was cancelled. */
typedef struct {
    const bool *cancelled;
    sim_time_t last_t;
    uint64_t last_arg;
    int n;
    bool ordered;
    bool ran_cancelled;
} order_t;

static void order_fn(engine_t *e, void *ctx, uint64_t arg)
{
    order_t *o = ctx;
    sim_time_t now = engine_now(e);
    if (o->n > 0 && (now < o->last_t || (now == o->last_t && arg < o->last_arg)))
        o->ordered = false;
    if (o->cancelled[arg])
        o->ran_cancelled = true;
    o->last_t = now;
    o->last_arg = arg;
    o->n++;
}

static void test_cancel_many_compacts(void)
{
    /* 10,000 events, 9,000 of them cancelled in a scattered order (the heap is compacted along
     * the way): the survivors run in order and the pending count stays exact. */
    enum { N = 10000, CANCEL = 9000 };
    engine_t *e = engine_new(NULL);
    static engine_timer_t h[N];
    static bool cancelled[N];
    memset(cancelled, 0, sizeof cancelled);
    order_t o = {.cancelled = cancelled, .ordered = true};
    rng_t r;
    rng_init(&r, 77, 0);
    for (int i = 0; i < N; i++)
        h[i] = engine_schedule(e, (sim_time_t)rng_below(&r, 1000), ENGINE_GENERATED, order_fn, &o,
                               (uint64_t)i);
    int n_cancel = 0;
    while (n_cancel < CANCEL) {
        int i = (int)rng_below(&r, N);
        bool was_pending = !cancelled[i];
        CU_ASSERT_EQUAL(engine_cancel(e, h[i]), was_pending);
        if (was_pending) {
            cancelled[i] = true;
            n_cancel++;
        }
        CU_ASSERT_EQUAL(engine_pending(e), (size_t)(N - n_cancel));
    }
    /* Cancelled handles stay dead after the compaction freed their storage for reuse. */
    log_t unused = {.n = 0};
    engine_timer_t extra = engine_schedule(e, 2000, ENGINE_GENERATED, log_fn, &unused, 0);
    for (int i = 0; i < N; i++)
        if (cancelled[i])
            CU_ASSERT_FALSE(engine_cancel(e, h[i]));
    CU_ASSERT_TRUE(engine_cancel(e, extra));
    CU_ASSERT_EQUAL(engine_run(e, NULL), 0);
    CU_ASSERT_EQUAL(o.n, N - CANCEL);
    CU_ASSERT_TRUE(o.ordered);
    CU_ASSERT_FALSE(o.ran_cancelled);
    CU_ASSERT_EQUAL(engine_pending(e), 0);
    engine_free(e);
}

/* Records every firing into a trace. */
typedef struct {
    trace_t *trace;
    rng_t rng;
    int budget;
} replay_t;

static void replay_fn(engine_t *e, void *ctx, uint64_t arg)
{
    replay_t *r = ctx;
    char node[16];
    snprintf(node, sizeof node, "n%u", (unsigned)(arg % 7));
    trace_begin(r->trace, engine_now(e), node, "fire");
    trace_uint(r->trace, "arg", arg);
    trace_end(r->trace);
    if (r->budget > 0) {
        r->budget--;
        int kids = (int)rng_below(&r->rng, 3);
        for (int k = 0; k < kids; k++)
            engine_after(e, (sim_time_t)rng_below(&r->rng, 4) * SIMTIME_MS, replay_fn, r,
                         arg * 3 + (uint64_t)k);
    }
}

static void run_replay(uint64_t seed, char fp[17], uint64_t *events)
{
    engine_t *e = engine_new(NULL);
    replay_t r = {.trace = trace_new(), .budget = 3000};
    rng_init(&r.rng, seed, 1);
    rng_t timeline;
    rng_init(&timeline, seed, 0);
    for (uint64_t i = 0; i < 50; i++)
        engine_schedule(e, (sim_time_t)rng_below(&timeline, 20) * SIMTIME_MS, ENGINE_TIMELINE,
                        replay_fn, &r, i);
    CU_ASSERT_EQUAL(engine_run(e, NULL), 0);
    trace_fingerprint(r.trace, fp);
    *events = engine_events_run(e);
    CU_ASSERT_EQUAL((uint64_t)trace_count(r.trace), *events);
    trace_free(r.trace);
    engine_free(e);
}

static void test_deterministic_replay(void)
{
    char a[17], b[17], c[17];
    uint64_t na, nb, nc;
    run_replay(2024, a, &na);
    run_replay(2024, b, &nb);
    run_replay(2025, c, &nc);
    CU_ASSERT(na > 3000);
    CU_ASSERT_EQUAL(na, nb);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
}

static void forever_fn(engine_t *e, void *ctx, uint64_t arg)
{
    (void)ctx;
    engine_after(e, (sim_time_t)arg, forever_fn, NULL, arg);
}

static void test_limit_max_events(void)
{
    engine_limits_t lim = {.max_events = 1000};
    engine_t *e = engine_new(&lim);
    engine_schedule(e, 0, ENGINE_TIMELINE, forever_fn, NULL, SIMTIME_MS);
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(engine_run(e, &err), -1);
    CU_ASSERT_EQUAL(engine_events_run(e), 1000);
    CU_ASSERT_EQUAL(engine_now(e), 999 * SIMTIME_MS);
    CU_ASSERT_STRING_EQUAL(err.msg, "stopped after 1000 events at t=999ms: raise "
                                    "limits.max_events if this is intended");
    CU_ASSERT_EQUAL(engine_pending(e), 1);
    /* Running again stops at once with the same limit. */
    CU_ASSERT_EQUAL(engine_run_until(e, SIMTIME_S * 5, &err), -1);
    CU_ASSERT_EQUAL(engine_events_run(e), 1000);
    engine_free(e);

    /* Exactly max_events events is fine. */
    e = engine_new(&lim);
    log_t l = {.n = 0};
    for (int i = 0; i < 1000; i++)
        engine_schedule(e, i, ENGINE_TIMELINE, log_fn, &l, 0);
    CU_ASSERT_EQUAL(engine_run(e, NULL), 0);
    CU_ASSERT_EQUAL(engine_events_run(e), 1000);
    engine_free(e);

    /* Zero-delay runaway at one instant is caught too. */
    e = engine_new(&lim);
    engine_schedule(e, 5, ENGINE_GENERATED, forever_fn, NULL, 0);
    CU_ASSERT_EQUAL(engine_run_until(e, 5, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "stopped after 1000 events at t=5ns"));
    engine_free(e);
}

static void test_limit_max_time(void)
{
    engine_limits_t lim = {.max_time = 10 * SIMTIME_S};
    engine_t *e = engine_new(&lim);
    engine_schedule(e, 0, ENGINE_TIMELINE, forever_fn, NULL, 3 * SIMTIME_S);
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(engine_run(e, &err), -1);
    CU_ASSERT_EQUAL(engine_now(e), 9 * SIMTIME_S);
    CU_ASSERT_EQUAL(engine_events_run(e), 4);
    CU_ASSERT_STRING_EQUAL(err.msg, "stopped at t=9s: the next event is at t=12s, after "
                                    "limits.max_time=10s: raise limits.max_time if this is "
                                    "intended");
    engine_free(e);

    /* run_until past max_time runs up to it, then reports. */
    e = engine_new(&lim);
    log_t l = {.n = 0};
    engine_schedule(e, 10 * SIMTIME_S, ENGINE_TIMELINE, log_fn, &l, 1);
    engine_schedule(e, 11 * SIMTIME_S, ENGINE_TIMELINE, log_fn, &l, 2);
    CU_ASSERT_EQUAL(engine_run_until(e, 20 * SIMTIME_S, &err), -1);
    CU_ASSERT_EQUAL(l.n, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "limits.max_time=10s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "t=20s"));
    CU_ASSERT_EQUAL(engine_now(e), 10 * SIMTIME_S);
    /* Up to max_time itself is fine. */
    CU_ASSERT_EQUAL(engine_run_until(e, 10 * SIMTIME_S, &err), 0);
    engine_free(e);
}

static void test_limits_defaults_and_bad(void)
{
    engine_t *e = engine_new(&(engine_limits_t){0, 0});
    CU_ASSERT_PTR_NOT_NULL(e);
    /* The default max_time lets a run reach 30 days, not more. */
    CU_ASSERT_EQUAL(engine_run_until(e, 30 * SIMTIME_DAY, NULL), 0);
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(engine_run_until(e, 30 * SIMTIME_DAY + 1, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "limits.max_time=2592000s"));
    engine_free(e);
    CU_ASSERT_PTR_NULL(engine_new(&(engine_limits_t){0, -1}));
    engine_free(NULL);
}

typedef struct {
    int calls;
    int rc;
    engine_timer_t got;
    errinfo_t err;
} misuser_t;

static void past_fn(engine_t *e, void *ctx, uint64_t arg)
{
    misuser_t *m = ctx;
    m->calls++;
    if (arg == 1)
        m->got = engine_schedule(e, engine_now(e) - 1, ENGINE_GENERATED, log_fn, NULL, 0);
    else if (arg == 2)
        m->rc = engine_run(e, &m->err);
}

static void test_misuse(void)
{
    log_t l = {.n = 0};
    engine_t *e = engine_new(NULL);
    CU_ASSERT_EQUAL(engine_run_until(e, 100, NULL), 0);
    /* Past, bad class, no callback, bad delays: nothing scheduled, the first message kept. */
    CU_ASSERT_FALSE(engine_timer_is_set(engine_schedule(e, 99, ENGINE_GENERATED, log_fn, &l, 0)));
    CU_ASSERT_STRING_EQUAL(engine_error(e),
                           "event scheduled in the past: at 99ns, but the clock is at 100ns");
    CU_ASSERT_FALSE(engine_timer_is_set(engine_schedule(e, 200, 3, log_fn, &l, 0)));
    CU_ASSERT_FALSE(engine_timer_is_set(engine_schedule(e, 200, -1, log_fn, &l, 0)));
    CU_ASSERT_FALSE(engine_timer_is_set(engine_schedule(e, 200, ENGINE_TIMELINE, NULL, &l, 0)));
    CU_ASSERT_FALSE(engine_timer_is_set(engine_after(e, -1, log_fn, &l, 0)));
    CU_ASSERT_FALSE(engine_timer_is_set(engine_after(e, SIMTIME_MAX, log_fn, &l, 0)));
    CU_ASSERT_EQUAL(engine_pending(e), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(engine_error(e), "in the past"));
    /* The run refuses, every time. */
    engine_schedule(e, 150, ENGINE_GENERATED, log_fn, &l, 0);
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(engine_run(e, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, engine_error(e));
    CU_ASSERT_EQUAL(engine_run_until(e, 10, &err), -1);
    CU_ASSERT_EQUAL(l.n, 0);
    engine_free(e);

    /* Each kind of misuse on its own names itself. */
    struct {
        sim_time_t at;
        int cls;
        bool fn;
        const char *word;
    } cases[] = {{200, 7, true, "unknown class 7"}, {200, 0, false, "without a callback"}};
    for (size_t i = 0; i < 2; i++) {
        e = engine_new(NULL);
        engine_schedule(e, cases[i].at, cases[i].cls, cases[i].fn ? log_fn : NULL, &l, 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(engine_error(e), cases[i].word));
        engine_free(e);
    }
    e = engine_new(NULL);
    engine_after(e, -5, log_fn, &l, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(engine_error(e), "delay -5ns"));
    engine_free(e);

    /* Misuse inside a callback stops the run after that callback. */
    e = engine_new(NULL);
    misuser_t m = {.calls = 0};
    engine_schedule(e, 10, ENGINE_GENERATED, past_fn, &m, 1);
    engine_schedule(e, 10, ENGINE_GENERATED, past_fn, &m, 0);
    CU_ASSERT_EQUAL(engine_run(e, &err), -1);
    CU_ASSERT_EQUAL(m.calls, 1);
    CU_ASSERT_FALSE(engine_timer_is_set(m.got));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "in the past: at 9ns"));
    CU_ASSERT_EQUAL(engine_pending(e), 1);
    engine_free(e);

    /* Running from inside a callback is refused and stops the outer run. */
    e = engine_new(NULL);
    m = (misuser_t){.calls = 0, .rc = 0};
    engine_schedule(e, 10, ENGINE_GENERATED, past_fn, &m, 2);
    engine_schedule(e, 20, ENGINE_GENERATED, past_fn, &m, 0);
    CU_ASSERT_EQUAL(engine_run(e, &err), -1);
    CU_ASSERT_EQUAL(m.rc, -1);
    CU_ASSERT_EQUAL(m.calls, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "inside an event"));
    engine_free(e);
}

static void test_free_with_pending(void)
{
    /* Pending events are released without calling them (ASan checks the memory). */
    engine_t *e = engine_new(NULL);
    log_t l = {.n = 0};
    for (int i = 0; i < 1000; i++)
        engine_schedule(e, i, ENGINE_GENERATED, log_fn, &l, 0);
    for (int i = 0; i < 100; i++)
        engine_cancel(e, (engine_timer_t){(uint64_t)i + 1, (uint32_t)i});
    engine_free(e);
    CU_ASSERT_EQUAL(l.n, 0);
}

/* ---- Property test against a brute-force reference ---------------------------------------
 * Random schedule / cancel / run_until operations go to the engine and to a plain list that
 * finds the minimum by scanning. Fired events sometimes schedule a child (decided by the
 * event's id, so both sides do the same). Every answer and the firing sequences must agree. */

typedef struct {
    sim_time_t time;
    int cls;
    uint64_t seq;
    bool pending;
} ref_event_t;

typedef struct {
    /* shared */
    uint64_t *fired;
    size_t n_fired, cap_fired;
    uint64_t next_id;
    /* engine side */
    engine_t *e;
    engine_timer_t *handles;
    /* reference side */
    ref_event_t *ev;
    size_t cap_ev;
    uint64_t ref_seq;
    sim_time_t ref_now;
    uint64_t *pend; /* ids pending in the reference */
    size_t n_pend;
    bool bad;
} prop_t;

static void fired_push(prop_t *p, uint64_t id)
{
    if (p->n_fired == p->cap_fired) {
        p->cap_fired = p->cap_fired ? 2 * p->cap_fired : 1024;
        p->fired = realloc(p->fired, p->cap_fired * sizeof *p->fired);
    }
    p->fired[p->n_fired++] = id;
}

static void ensure_ids(prop_t *p, uint64_t id)
{
    if (id < p->cap_ev)
        return;
    size_t cap = p->cap_ev ? p->cap_ev : 1024;
    while (cap <= id)
        cap *= 2;
    p->ev = realloc(p->ev, cap * sizeof *p->ev);
    p->handles = realloc(p->handles, cap * sizeof *p->handles);
    p->cap_ev = cap;
}

/* Child of a fired event: about one in four, at a delay 0..29 in any of the three classes. */
static bool child_of(uint64_t id, sim_time_t *delay, int *cls)
{
    uint64_t h = thash(id, 0x5eed);
    if (h % 4 != 0)
        return false;
    *delay = (sim_time_t)((h >> 8) % 30);
    *cls = (int)((h >> 20) % 3);
    return true;
}

static void prop_fire(engine_t *e, void *ctx, uint64_t id);

static uint64_t eng_schedule(prop_t *p, sim_time_t at, int cls)
{
    uint64_t id = p->next_id++;
    ensure_ids(p, id);
    p->handles[id] = engine_schedule(p->e, at, cls, prop_fire, p, id);
    return id;
}

static void prop_fire(engine_t *e, void *ctx, uint64_t id)
{
    prop_t *p = ctx;
    fired_push(p, id);
    sim_time_t d;
    int cls;
    if (child_of(id, &d, &cls))
        eng_schedule(p, engine_now(e) + d, cls);
}

static void ref_schedule(prop_t *p, uint64_t id, sim_time_t at, int cls)
{
    ensure_ids(p, id);
    p->ev[id] = (ref_event_t){at, cls, p->ref_seq++, true};
    p->pend = realloc(p->pend, (p->n_pend + 1) * sizeof *p->pend);
    p->pend[p->n_pend++] = id;
}

static bool ref_before(const ref_event_t *a, const ref_event_t *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->cls != b->cls)
        return a->cls < b->cls;
    return a->seq < b->seq;
}

/* Index in pend of the next event, or -1. */
static long ref_min(const prop_t *p)
{
    long best = -1;
    for (size_t i = 0; i < p->n_pend; i++)
        if (best < 0 || ref_before(&p->ev[p->pend[i]], &p->ev[p->pend[best]]))
            best = (long)i;
    return best;
}

static void ref_remove(prop_t *p, size_t i)
{
    p->ev[p->pend[i]].pending = false;
    p->pend[i] = p->pend[--p->n_pend];
}

/* Runs the reference up to t; its fired ids are compared with the engine's from index from. */
static void ref_run_until(prop_t *p, sim_time_t t, uint64_t *ref_next_id, size_t from)
{
    size_t k = from;
    for (;;) {
        long i = ref_min(p);
        if (i < 0 || p->ev[p->pend[i]].time > t)
            break;
        uint64_t id = p->pend[i];
        p->ref_now = p->ev[id].time;
        ref_remove(p, (size_t)i);
        if (k >= p->n_fired || p->fired[k] != id)
            p->bad = true;
        k++;
        sim_time_t d;
        int cls;
        if (child_of(id, &d, &cls))
            ref_schedule(p, (*ref_next_id)++, p->ref_now + d, cls);
    }
    if (k != p->n_fired)
        p->bad = true;
    if (t > p->ref_now)
        p->ref_now = t;
}

static void test_property_vs_brute_force(void)
{
    prop_t p = {0};
    p.e = engine_new(NULL);
    rng_t r;
    rng_init(&r, 31337, 0);
    uint64_t ref_next_id = 0;
    int cancels_true = 0, runs = 0, bursts = 0, mass_cancels = 0;
    for (int op = 0; op < 100000 && !p.bad; op++) {
        uint64_t dice = rng_below(&r, 1000);
        sim_time_t now = engine_now(p.e);
        if (now != p.ref_now)
            p.bad = true;
        if (dice < 440) {
            sim_time_t at = now + (sim_time_t)rng_below(&r, dice < 40 ? 1 : 1000);
            int cls = (int)rng_below(&r, 3);
            uint64_t id = eng_schedule(&p, at, cls);
            ref_schedule(&p, ref_next_id++, at, cls);
            if (id != ref_next_id - 1 || !engine_timer_is_set(p.handles[id]))
                p.bad = true;
        } else if (dice < 540 && p.next_id > 0) {
            /* Any id ever issued: pending, fired or cancelled. */
            uint64_t id = rng_below(&r, p.next_id);
            bool want = p.ev[id].pending;
            bool got = engine_cancel(p.e, p.handles[id]);
            if (got != want)
                p.bad = true;
            if (want) {
                for (size_t i = 0; i < p.n_pend; i++)
                    if (p.pend[i] == id) {
                        ref_remove(&p, i);
                        break;
                    }
                cancels_true++;
            }
        } else if (dice < 640 && p.n_pend > 0) {
            /* A pending id: keeps cancellations frequent enough to compact the heap. */
            uint64_t id = p.pend[rng_below(&r, p.n_pend)];
            if (!engine_cancel(p.e, p.handles[id]))
                p.bad = true;
            for (size_t i = 0; i < p.n_pend; i++)
                if (p.pend[i] == id) {
                    ref_remove(&p, i);
                    break;
                }
            cancels_true++;
        } else if (dice < 645) {
            /* A burst of far-future events that later cancels mostly hit. */
            for (int k = 0; k < 100; k++) {
                sim_time_t at = now + 1000 + (sim_time_t)rng_below(&r, 20000);
                eng_schedule(&p, at, 1);
                ref_schedule(&p, ref_next_id++, at, 1);
            }
            bursts++;
        } else if (dice < 648) {
            /* Cancel three quarters of everything pending: compacts the heap. */
            for (size_t i = 0; i < p.n_pend;) {
                uint64_t id = p.pend[i];
                if (rng_below(&r, 4) == 0) {
                    i++;
                    continue;
                }
                if (!engine_cancel(p.e, p.handles[id]))
                    p.bad = true;
                ref_remove(&p, i);
                cancels_true++;
            }
            mass_cancels++;
        } else if (dice < 660) {
            /* In the past: a no-op on both sides. */
            size_t from = p.n_fired;
            if (engine_run_until(p.e, now - 1 - (sim_time_t)rng_below(&r, 5), NULL) != 0)
                p.bad = true;
            if (p.n_fired != from || engine_now(p.e) != now)
                p.bad = true;
        } else {
            sim_time_t t = now + (sim_time_t)rng_below(&r, 60);
            size_t from = p.n_fired;
            if (engine_run_until(p.e, t, NULL) != 0)
                p.bad = true;
            ref_run_until(&p, t, &ref_next_id, from);
            runs++;
        }
        if (engine_pending(p.e) != p.n_pend)
            p.bad = true;
        sim_time_t next_e = -1;
        bool has_e = engine_next_time(p.e, &next_e);
        long i = ref_min(&p);
        if (has_e != (i >= 0) || (has_e && next_e != p.ev[p.pend[i]].time))
            p.bad = true;
        if (p.bad)
            fprintf(stderr, "property test diverged at operation %d\n", op);
    }
    /* Drain both. */
    size_t from = p.n_fired;
    CU_ASSERT_EQUAL(engine_run(p.e, NULL), 0);
    ref_run_until(&p, SIMTIME_MAX, &ref_next_id, from);
    CU_ASSERT_FALSE(p.bad);
    CU_ASSERT_EQUAL(engine_pending(p.e), 0);
    CU_ASSERT_EQUAL(p.n_pend, 0);
    CU_ASSERT(p.n_fired > 20000);
    CU_ASSERT(cancels_true > 10000);
    CU_ASSERT(bursts > 100);
    CU_ASSERT(mass_cancels > 100);
    CU_ASSERT(runs > 20000);
    CU_ASSERT_PTR_NULL(engine_error(p.e));
    engine_free(p.e);
    free(p.fired);
    free(p.handles);
    free(p.ev);
    free(p.pend);
}

/* A callback that looks at the queue while it runs: its own event must already be gone. */
typedef struct {
    engine_timer_t h[200];
    log_t log;
    size_t pending_before, pending_after;
    bool has_next;
    sim_time_t next;
    int cancelled;
} inspect_t;

static void inspect_fn(engine_t *e, void *ctx, uint64_t arg)
{
    (void)arg;
    inspect_t *in = ctx;
    in->pending_before = engine_pending(e);
    in->has_next = engine_next_time(e, &in->next);
    for (int i = 0; i < 200; i++) /* three quarters: compacts the heap inside the callback */
        if (i % 4 != 0 && engine_cancel(e, in->h[i]))
            in->cancelled++;
    engine_after(e, 0, log_fn, &in->log, 999);
    in->pending_after = engine_pending(e);
}

static void test_queue_seen_from_a_callback(void)
{
    engine_t *e = engine_new(NULL);
    inspect_t in = {0};
    for (int i = 0; i < 200; i++)
        in.h[i] = engine_schedule(e, 10 + i, ENGINE_GENERATED, log_fn, &in.log, (uint64_t)i);
    engine_schedule(e, 5, ENGINE_GENERATED, inspect_fn, &in, 0);
    CU_ASSERT_EQUAL(engine_pending(e), 201);
    CU_ASSERT_EQUAL(engine_run(e, NULL), 0);
    CU_ASSERT_EQUAL(in.pending_before, 200);
    CU_ASSERT_TRUE(in.has_next);
    CU_ASSERT_EQUAL(in.next, 10);
    CU_ASSERT_EQUAL(in.cancelled, 150);
    CU_ASSERT_EQUAL(in.pending_after, 51);
    /* The zero-delay child first, then the 50 survivors in time order. */
    CU_ASSERT_EQUAL(in.log.n, 51);
    CU_ASSERT_EQUAL(in.log.arg[0], 999);
    CU_ASSERT_EQUAL(in.log.t[0], 5);
    bool ordered = true;
    for (int k = 1; k < in.log.n; k++)
        ordered &= in.log.arg[k] == (uint64_t)(4 * (k - 1)) && in.log.t[k] == 10 + 4 * (k - 1);
    CU_ASSERT_TRUE(ordered);
    CU_ASSERT_EQUAL(engine_pending(e), 0);
    engine_free(e);
}

void suite_engine(void);
void suite_engine(void)
{
    static CU_TestInfo tests[] = {
        {"T1 equal times: timeline first in file order, then generated in scheduling order",
         test_equal_time_order},
        {"T1 zero-delay events created at t run before run_until(t) returns",
         test_zero_delay_runs_before_return},
        {"T1 K1 late events run at the end of their instant", test_late_class_ends_the_instant},
        {"T1 run_until sets the clock; run_until in the past is a no-op",
         test_run_until_sets_clock_and_past_is_noop},
        {"T1 cancel before fire, after fire, twice, stale handle, inside a callback", test_cancel},
        {"T1 cancelling most of a large queue keeps order and counts", test_cancel_many_compacts},
        {"T1 a callback sees the queue without its own event (pending, next time, compaction)",
         test_queue_seen_from_a_callback},
        {"T1 deterministic replay: same schedule, same trace fingerprint",
         test_deterministic_replay},
        {"T1 limits.max_events stops a runaway with a clear error", test_limit_max_events},
        {"T1 limits.max_time stops the clock with a clear error", test_limit_max_time},
        {"T1 default limits; a negative limit is refused", test_limits_defaults_and_bad},
        {"T1 scheduling in the past and other misuse fail the run", test_misuse},
        {"engine_free releases pending events", test_free_with_pending},
        {"T1 property: 100,000 random operations agree with a brute-force queue",
         test_property_vs_brute_force},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("engine", tests);
}
