/* bench_engine: the classic hold model. 10,000 events are pending; each event, when it runs,
 * schedules one more at now + a random increment (uniform on [0, 2 ms), from sim/rng), so the
 * queue size stays constant and every event costs one pop and one push. Prints
 *   bench engine_hold_events_per_s VALUE events/s
 * The wall clock is read here only, never in sim/ itself. BENCH_ENGINE_EVENTS=N runs N events
 * instead of 16,000,000 (e.g. a short run under callgrind, whose instruction counts are stable
 * where the wall clock of a shared machine is not). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine.h"
#include "rng.h"

#define PENDING 10000
#define EVENTS 16000000ULL

/* The number of events to measure: BENCH_ENGINE_EVENTS when it is a positive number. */
static uint64_t bench_events(void)
{
    const char *v = getenv("BENCH_ENGINE_EVENTS");
    if (v == NULL || *v == '\0')
        return EVENTS;
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end != '\0' || n == 0) {
        fprintf(stderr, "bench_engine: ignoring BENCH_ENGINE_EVENTS=%s (not a positive number)\n",
                v);
        return EVENTS;
    }
    return n;
}

typedef struct {
    rng_t rng;
} hold_t;

static void hold_fn(engine_t *e, void *ctx, uint64_t arg)
{
    hold_t *h = ctx;
    engine_after(e, (sim_time_t)rng_below(&h->rng, 2 * SIMTIME_MS), hold_fn, h, arg + 1);
}

static double seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
    uint64_t events = bench_events();
    engine_limits_t lim = {.max_events = 4 * events + 4 * PENDING, .max_time = SIMTIME_MAX};
    engine_t *e = engine_new(&lim);
    if (e == NULL) {
        fprintf(stderr, "bench_engine: out of memory\n");
        return 1;
    }
    hold_t h;
    rng_init(&h.rng, 1, 0);
    for (int i = 0; i < PENDING; i++)
        engine_schedule(e, (sim_time_t)rng_below(&h.rng, 2 * SIMTIME_MS), ENGINE_GENERATED,
                        hold_fn, &h, 0);
    errinfo_t err;
    /* Warm up: one pass over the initial population settles the heap's shape. */
    if (engine_run_until(e, 2 * SIMTIME_MS, &err) != 0) {
        fprintf(stderr, "bench_engine: %s\n", err.msg);
        engine_free(e);
        return 1;
    }
    uint64_t start_events = engine_events_run(e);
    double t0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    while (engine_events_run(e) - start_events < events) {
        if (engine_run_until(e, engine_now(e) + 100 * SIMTIME_MS, &err) != 0) {
            fprintf(stderr, "bench_engine: %s\n", err.msg);
            engine_free(e);
            return 1;
        }
    }
    double elapsed = seconds(CLOCK_MONOTONIC) - t0;
    double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    uint64_t ran = engine_events_run(e) - start_events;
    /* The CPU-time rate tells a busy machine (wall rate well below it) from a slow engine. */
    fprintf(stderr,
            "bench_engine: %llu events in %.3f s wall, %.3f s CPU (%.0f events/s of CPU), "
            "%zu pending, %.3f s simulated\n",
            (unsigned long long)ran, elapsed, cpu, (double)ran / cpu, engine_pending(e),
            (double)engine_now(e) / 1e9);
    printf("bench engine_hold_events_per_s %.0f events/s\n", (double)ran / elapsed);
    engine_free(e);
    return 0;
}
