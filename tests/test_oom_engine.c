/* Out-of-memory sweeps of sim/engine (tests/support_oom). engine.h: scheduling "when memory
 * runs out schedules nothing: it returns ENGINE_TIMER_NONE and records the first such message
 * ... the current run stops after the callback that did it, and this and every later run call
 * returns -1 with the message". So a failed schedule is not retried: the engine must keep every
 * pending event as it was, refuse to run, and free everything (ASan checks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "support_oom.h"
#include "testutil.h"

typedef struct {
    unsigned ran;
    uint64_t last_arg;
} log_t;

static void note(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    log_t *l = ctx;
    l->ran++;
    l->last_arg = arg;
}

/* Schedules two more events at the same time when arg is set: the queue grows while running. */
static void spawn(engine_t *e, void *ctx, uint64_t arg)
{
    log_t *l = ctx;
    l->ran++;
    for (uint64_t i = 0; i < arg; i++)
        engine_after(e, 0, note, ctx, 0);
}

/* Schedules one event on an engine holding k, with the n-th allocation failing, for every n
 * until it succeeds. */
static unsigned long sweep_schedule(unsigned k)
{
    unsigned long n;
    for (n = 0; n < OOM_SWEEP_MAX; n++) {
        engine_t *e = engine_new(NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        log_t log = {0, 0};
        for (unsigned i = 0; i < k; i++)
            CU_ASSERT_FATAL(engine_timer_is_set(
                engine_schedule(e, (sim_time_t)i, ENGINE_TIMELINE, note, &log, i)));
        oom_fail_after(n);
        engine_timer_t t = engine_schedule(e, 5, ENGINE_GENERATED, note, &log, 999);
        bool triggered = oom_triggered();
        oom_disarm();
        errinfo_t err = {{0}};
        if (!triggered) {
            CU_ASSERT_TRUE(engine_timer_is_set(t));
            CU_ASSERT_EQUAL(engine_pending(e), k + 1);
            CU_ASSERT_EQUAL(engine_run(e, &err), 0);
            CU_ASSERT_EQUAL(log.ran, k + 1);
            engine_free(e);
            break;
        }
        CU_ASSERT_FALSE(engine_timer_is_set(t));
        CU_ASSERT_EQUAL(engine_pending(e), k);
        CU_ASSERT_PTR_NOT_NULL(engine_error(e));
        CU_ASSERT_PTR_NOT_NULL(engine_error(e) ? strstr(engine_error(e), "out of memory") : NULL);
        /* A world with a lost event is wrong: no run, and the pending events stay. */
        CU_ASSERT_EQUAL(engine_run(e, &err), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "out of memory"));
        CU_ASSERT_EQUAL(log.ran, 0);
        CU_ASSERT_EQUAL(engine_pending(e), k);
        engine_free(e);
    }
    CU_ASSERT(n < OOM_SWEEP_MAX);
    return n;
}

static void test_schedule(void)
{
    /* The queue grows at 0, 64 and 128 pending events, and only then. */
    unsigned sizes[] = {0, 63, 64, 127, 128};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned long failures = sweep_schedule(sizes[i]);
        CU_ASSERT(sizes[i] % 64 == 0 ? failures > 0 : failures == 0);
    }
}

/* A callback whose schedule fails stops the run right after it. */
static void test_run_stops_after_the_failing_callback(void)
{
    engine_t *e = engine_new(NULL);
    log_t log = {0, 0};
    for (uint64_t i = 0; i < 64; i++) /* the heap's and slots' first capacity, filled */
        engine_schedule(e, 10, ENGINE_TIMELINE, spawn, &log, i == 0 ? 2 : 0);
    errinfo_t err = {{0}};
    oom_fail_from(0);
    int rc = engine_run(e, &err);
    bool triggered = oom_triggered();
    oom_disarm();
    CU_ASSERT_TRUE(triggered);
    CU_ASSERT_EQUAL(rc, -1);
    /* The first event ran and scheduled one child in the room it left; the second child needed
     * more room and was lost: the run stopped there. */
    CU_ASSERT_EQUAL(log.ran, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "out of memory"));
    CU_ASSERT_EQUAL(engine_pending(e), 64);
    CU_ASSERT_EQUAL(engine_run(e, &err), -1); /* and every later run */
    CU_ASSERT_EQUAL(log.ran, 1);
    engine_free(e);
}

static void test_new(void)
{
    oom_fail_after(0);
    engine_t *e = engine_new(NULL);
    oom_disarm();
    CU_ASSERT_PTR_NULL(e);
    engine_free(e);
}

void suite_oom_engine(void);
void suite_oom_engine(void)
{
    static CU_TestInfo tests[] = {
        {"OOM T1: a schedule that runs out of memory schedules nothing and stops every run",
         test_schedule},
        {"OOM T1: a run stops right after the callback whose schedule failed",
         test_run_stops_after_the_failing_callback},
        {"OOM: engine_new fails with NULL", test_new},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("oom_engine", tests);
}
