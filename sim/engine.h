/* engine: the discrete-event core: an integer nanosecond clock and a queue of callbacks.
 *
 * Order (RULES T1). Every event has a time, a class and a sequence number given when it is
 * scheduled (one counter for the whole engine). Events run in the order (time, class,
 * sequence): at equal times the timeline events of the scenario (ENGINE_TIMELINE, scheduled in
 * file order when the scenario loads) run first, then the events the simulation generates
 * (ENGINE_GENERATED) in the order they were scheduled, then the end-of-instant events
 * (ENGINE_LATE), in the order they were scheduled. An ENGINE_LATE event at t runs after every
 * timeline and generated event at t, also those scheduled (with zero delay) after it was: it
 * sees the whole instant, as a decision among things that happen "at the same time" must (K1:
 * of replies arriving at equal times, the lower connector id wins, whichever was scheduled
 * first). An event may schedule others, at its own time included ("zero delay"); those run in
 * the same engine_run_until call; a generated event scheduled at t by a late event at t runs
 * before the late events still pending at t.
 *
 * Callbacks. An event is a function pointer with a context pointer and a 64-bit argument,
 * copied in at scheduling; the engine owns no context. While a callback runs, engine_now() is
 * the event's time, its own timer is already spent (cancelling it returns false), and it may
 * schedule and cancel freely; it must not call engine_run, engine_run_until or engine_free.
 *
 * Misuse. Scheduling in the past (before engine_now), with a class other than the three below,
 * with a NULL function, a negative delay, beyond the capacity (16,777,216 events pending at
 * once, 2^38 - 1 scheduled over the engine's life) or when memory runs out schedules nothing:
 * it returns ENGINE_TIMER_NONE and records the first such message (engine_error). Clamping
 * would hide the bug, so instead the current run stops after the callback that did it, and this
 * and every later run call returns -1 with the message: a world with a lost event is wrong.
 *
 * Limits. A runaway run (an event that keeps rescheduling itself) is stopped, not crashed:
 * before running an event the engine checks that fewer than limits.max_events have run and that
 * its time is not after limits.max_time; otherwise the run returns -1 with a message such as
 * "stopped after 50000000 events at t=12.5s: raise limits.max_events if this is intended".
 * The clock never passes max_time (an event may be scheduled after it; it just never runs).
 * The queue is left as it was, so the run can be inspected.
 *
 * Cost: scheduling and running are O(log n) (a 4-ary heap of 16-byte entries); cancelling is
 * O(1) (the entry is skipped when it reaches the top, and the heap is compacted when most of it
 * is cancelled). bench/bench_engine.c measures the classic hold model. */
#ifndef APPCSIM_ENGINE_H
#define APPCSIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errinfo.h"
#include "simtime.h"

typedef struct engine engine_t;

/* The callback of an event. */
typedef void (*engine_fn)(engine_t *e, void *ctx, uint64_t arg);

/* Event classes, lower runs first at equal times (T1). */
enum {
    ENGINE_TIMELINE = 0,  /* the scenario's timeline, scheduled in file order at load */
    ENGINE_GENERATED = 1, /* everything the simulation schedules while it runs */
    ENGINE_LATE = 2,      /* decisions at the end of an instant, after all of the above */
};

/* The handle of a scheduled event. seq is the event's sequence number, unique over the
 * engine's life (never 0), so a handle can never name a later event that reuses its storage. */
typedef struct {
    uint64_t seq;
    uint32_t slot;
} engine_timer_t;

#define ENGINE_TIMER_NONE ((engine_timer_t){0, 0})

static inline bool engine_timer_is_set(engine_timer_t t)
{
    return t.seq != 0;
}

#define ENGINE_DEFAULT_MAX_EVENTS 50000000ULL
#define ENGINE_DEFAULT_MAX_TIME (30 * SIMTIME_DAY)

/* A zero field means its default. */
typedef struct {
    uint64_t max_events; /* events run over the engine's life */
    sim_time_t max_time; /* the latest time an event may run at */
} engine_limits_t;

/* A new engine at time 0 with no events; limits may be NULL (defaults). NULL when out of
 * memory or when a limit is negative. */
engine_t *engine_new(const engine_limits_t *limits);
/* Frees the engine and every pending event (their callbacks are not called). NULL is allowed. */
void engine_free(engine_t *e);

/* Schedules fn(e, ctx, arg) at time at (>= engine_now) in class cls. Returns its handle, or
 * ENGINE_TIMER_NONE on misuse (see above). */
engine_timer_t engine_schedule(engine_t *e, sim_time_t at, int cls, engine_fn fn, void *ctx,
                               uint64_t arg);
/* engine_schedule(e, engine_now(e) + delay, ENGINE_GENERATED, ...); delay >= 0. */
engine_timer_t engine_after(engine_t *e, sim_time_t delay, engine_fn fn, void *ctx, uint64_t arg);
/* Cancels a pending event: true when it was pending. False (and nothing happens) for an event
 * that already ran or was cancelled, and for ENGINE_TIMER_NONE. */
bool engine_cancel(engine_t *e, engine_timer_t t);

sim_time_t engine_now(const engine_t *e);
/* Events scheduled and neither run nor cancelled. */
size_t engine_pending(const engine_t *e);
/* Events run (callbacks called) so far. */
uint64_t engine_events_run(const engine_t *e);
/* The time of the next pending event, if any (cancelled entries at the top are discarded). */
bool engine_next_time(engine_t *e, sim_time_t *at);
/* The first misuse message, or NULL. */
const char *engine_error(const engine_t *e);
/* Rule coverage (T1): true once T1's order decided something: two timeline events ran at one
 * instant (file order), or a generated event scheduled before an instant ran at it after a
 * timeline event of that instant (timeline first). */
bool engine_t1_ordered(const engine_t *e);

/* Runs every event with time <= t, in order, including those scheduled at t while running
 * (T1: an expectation at t is checked once no event at a time <= t remains), then sets the
 * clock to t. A t before engine_now() runs nothing and keeps the clock. Returns 0, or -1 with
 * err when a limit or a misuse stopped the run (the clock then stays at the last event run). */
int engine_run_until(engine_t *e, sim_time_t t, errinfo_t *err);
/* Runs until no event is pending; the clock stays at the last event's time. 0 or -1 as above. */
int engine_run(engine_t *e, errinfo_t *err);

#endif
