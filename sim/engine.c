#include "engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* A heap entry, 16 bytes so that four siblings share a cache line or two. key packs the class
 * (top two bits), the sequence number and the slot of the callback (low SLOT_BITS bits): sequence
 * numbers are unique, so comparing (time, key) is comparing (time, class, sequence), and the
 * slot bits below never decide anything. Times in the heap are never negative (an event is
 * never before the clock, which starts at 0), so they compare as unsigned. */
typedef struct {
    uint64_t time;
    uint64_t key;
} hent_t;

#define KEY_CLASS_SHIFT 62
#define SLOT_BITS 24
#define MAX_SLOTS (1U << SLOT_BITS)
#define MAX_SEQ ((1ULL << (KEY_CLASS_SHIFT - SLOT_BITS)) - 1)
#define KEY_SLOT(k) ((uint32_t)((k) & (MAX_SLOTS - 1)))

/* A callback slot. seq == 0: free (arg then links the free list; fn and ctx are stale and never
 * read: a heap entry never names a free slot, and a handle's seq is never 0). fn == NULL with
 * seq != 0: cancelled, its heap entry not yet discarded. Otherwise pending. */
typedef struct {
    engine_fn fn;
    void *ctx;
    uint64_t arg;
    uint64_t seq;
} slot_t;

#define NO_SLOT UINT32_MAX
/* Compaction is worth its O(n) only when cancelled entries are both many and most of the heap. */
#define COMPACT_MIN_DEAD 64

struct engine {
    sim_time_t now;
    uint64_t next_seq;
    uint64_t events_run;
    engine_limits_t limits;
    bool running;

    hent_t *heap;
    size_t heap_len, heap_cap;
    size_t dead; /* cancelled entries still in the heap */
    /* The root is the entry of the event whose callback is running, already taken (its slot
     * released) but left in place: the callback's first schedule replaces it (one pass down
     * the heap instead of a pop and a push), and settle() removes it otherwise. */
    bool root_spent;

    slot_t *slots;
    uint32_t slots_len, slots_cap;
    uint32_t free_slot;

    bool misused;
    errinfo_t misuse;

    /* T1 coverage: the instant of the events being run (-1 before the first event, as no
     * event is ever at a negative time), the first sequence number scheduled at it, whether a
     * timeline event ran at it, and whether T1's order decided anything. */
    bool inst_timeline, t1_ordered;
    sim_time_t inst_time;
    uint64_t inst_seq0;
};

/* The heap's child selection is unpredictable; both forms let the compiler use flags and
 * conditional moves instead of branches. ENGINE_PORTABLE_COMPARE forces the plain C form. */
#if defined(__SIZEOF_INT128__) && !defined(ENGINE_PORTABLE_COMPARE)
static inline bool hent_less(const hent_t *a, const hent_t *b)
{
    __extension__ typedef unsigned __int128 u128;
    return (((u128)a->time << 64) | a->key) < (((u128)b->time << 64) | b->key);
}
#else
static inline bool hent_less(const hent_t *a, const hent_t *b)
{
    return (a->time < b->time) | ((a->time == b->time) & (a->key < b->key));
}
#endif

/* 4-ary heap, root at 0, children of i at 4i+1 .. 4i+4. */

/* Places x into the hole at byte offset q of h, moving larger parents down. Byte offsets: the
 * parent of the entry at offset q is at ((q - 16) / 4) rounded down to a multiple of 16. */
static inline void heap_sift_up_at(hent_t *h, size_t q, hent_t x)
{
    char *base = (char *)h;
    while (q > 0) {
        size_t pq = ((q - sizeof(hent_t)) >> 2) & ~(sizeof(hent_t) - 1);
        const hent_t *parent = (const hent_t *)(base + pq);
        if (!hent_less(&x, parent))
            break;
        *(hent_t *)(base + q) = *parent;
        q = pq;
    }
    *(hent_t *)(base + q) = x;
}

static inline void heap_sift_up(hent_t *h, size_t pos, hent_t x)
{
    heap_sift_up_at(h, pos * sizeof(hent_t), x);
}

/* The smallest of the children c .. min(c + 4, n) - 1 (c < n). */
static inline size_t heap_min_child(const hent_t *h, size_t n, size_t c)
{
    if (c + 4 <= n) {
        size_t a = c + hent_less(&h[c + 1], &h[c]);
        size_t b = c + 2 + hent_less(&h[c + 3], &h[c + 2]);
        return hent_less(&h[b], &h[a]) ? b : a;
    }
    size_t best = c;
    for (size_t i = c + 1; i < n; i++)
        if (hent_less(&h[i], &h[best]))
            best = i;
    return best;
}

/* Places x into the hole at pos, moving smaller children up (n entries in h). */
static void heap_sift_down(hent_t *h, size_t n, size_t pos, hent_t x)
{
    for (size_t c = 4 * pos + 1; c < n; c = 4 * pos + 1) {
        size_t best = heap_min_child(h, n, c);
        if (!hent_less(&h[best], &x))
            break;
        h[pos] = h[best];
        pos = best;
    }
    h[pos] = x;
}

/* Replaces the root by x (n entries in h, x not among them). Bottom-up (Wegener): the hole
 * goes down to a leaf along the smallest children without comparing against x, then x rises
 * from there. x (the last entry of a pop) nearly always belongs near the bottom, so this saves
 * a comparison per level. The loop handles full groups of four children only (every level but
 * perhaps the last), with pointers, so that a level costs three comparisons and a move. */
static inline __attribute__((always_inline)) void heap_replace_root(hent_t *h, size_t n,
                                                                   hent_t x)
{
    hent_t *hole = h;
    if (n >= 5) {
        /* Addresses as integers: the first child of the entry at address m is at
         * 4 * m + k (k below), one instruction; a group of four at g is whole while g <= last.
         * Unsigned arithmetic wraps, and the results are addresses inside h. */
        const uintptr_t sz = sizeof(hent_t);
        const uintptr_t base = (uintptr_t)h;
        const uintptr_t last = base + (n - 4) * sz;
        const uintptr_t k = sz - 3 * base;
        uintptr_t g = base + sz;
        do {
            const hent_t *p = (const hent_t *)g;
            uintptr_t a = g + (sz & (0 - (uintptr_t)hent_less(&p[1], &p[0])));
            uintptr_t b = g + 2 * sz + (sz & (0 - (uintptr_t)hent_less(&p[3], &p[2])));
            /* A mask, not a branch: which pair wins is a coin toss. */
            uintptr_t take_b = 0 - (uintptr_t)hent_less((const hent_t *)b, (const hent_t *)a);
            uintptr_t m = a ^ ((a ^ b) & take_b);
            *hole = *(const hent_t *)m;
            hole = (hent_t *)m;
            g = 4 * m + k;
        } while (g <= last);
    }
    size_t pos = (size_t)(hole - h);
    if (__builtin_expect(4 * pos + 1 < n, 0)) { /* a last, partial group of children */
        size_t best = heap_min_child(h, n, 4 * pos + 1);
        h[pos] = h[best];
        pos = best;
    }
    heap_sift_up_at(h, pos * sizeof(hent_t), x);
}

static inline void heap_pop(engine_t *e)
{
    size_t n = --e->heap_len;
    if (__builtin_expect(n > 0, 1))
        heap_replace_root(e->heap, n, e->heap[n]);
}

/* Removes a spent root (see engine.root_spent): before anything reads the heap. */
static inline void settle(engine_t *e)
{
    if (e->root_spent) {
        e->root_spent = false;
        heap_pop(e);
    }
}

/* Adds x (the heap has room): into a spent root's place, else at the end. */
static inline void heap_push(engine_t *e, hent_t x)
{
    if (e->root_spent) {
        e->root_spent = false;
        heap_replace_root(e->heap, e->heap_len, x);
    } else {
        heap_sift_up(e->heap, e->heap_len++, x);
    }
}

static inline void slot_release(engine_t *e, uint32_t i)
{
    slot_t *s = &e->slots[i];
    s->seq = 0;
    s->arg = e->free_slot;
    e->free_slot = i;
}

static void misuse(engine_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void misuse(engine_t *e, const char *fmt, ...)
{
    if (e->misused)
        return;
    e->misused = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->misuse.msg, sizeof e->misuse.msg, fmt, ap);
    va_end(ap);
}

engine_t *engine_new(const engine_limits_t *limits)
{
    engine_limits_t l = {0, 0};
    if (limits != NULL)
        l = *limits;
    if (l.max_time < 0)
        return NULL;
    if (l.max_events == 0)
        l.max_events = ENGINE_DEFAULT_MAX_EVENTS;
    if (l.max_time == 0)
        l.max_time = ENGINE_DEFAULT_MAX_TIME;
    engine_t *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->limits = l;
    e->next_seq = 1;
    e->free_slot = NO_SLOT;
    e->inst_time = -1;
    return e;
}

void engine_free(engine_t *e)
{
    if (e == NULL)
        return;
    free(e->heap);
    free(e->slots);
    free(e);
}

static bool grow_heap(engine_t *e)
{
    size_t cap = e->heap_cap ? e->heap_cap * 2 : 64;
    hent_t *h = realloc(e->heap, cap * sizeof *h);
    if (h == NULL)
        return false;
    e->heap = h;
    e->heap_cap = cap;
    return true;
}

static uint32_t slot_take(engine_t *e)
{
    if (e->free_slot != NO_SLOT) {
        uint32_t i = e->free_slot;
        e->free_slot = (uint32_t)e->slots[i].arg;
        return i;
    }
    if (e->slots_len == e->slots_cap) {
        if (e->slots_cap >= MAX_SLOTS)
            return NO_SLOT;
        uint32_t cap = e->slots_cap ? e->slots_cap * 2 : 64;
        slot_t *s = realloc(e->slots, cap * sizeof *s);
        if (s == NULL)
            return NO_SLOT;
        e->slots = s;
        e->slots_cap = cap;
    }
    return e->slots_len++;
}

/* Schedules with every check in order, growing the heap or the slots as needed: the path for
 * the first events, for growth and for misuse. schedule_fast below is the same for the common
 * case where nothing is wrong and there is room. */
static engine_timer_t schedule_checked(engine_t *e, sim_time_t at, int cls, engine_fn fn,
                                       void *ctx, uint64_t arg) __attribute__((noinline, cold));
static engine_timer_t schedule_checked(engine_t *e, sim_time_t at, int cls, engine_fn fn,
                                       void *ctx, uint64_t arg)
{
    if (at < e->now) {
        char a[SIMTIME_BUF], n[SIMTIME_BUF];
        misuse(e, "event scheduled in the past: at %s, but the clock is at %s",
               simtime_format(at, a), simtime_format(e->now, n));
        return ENGINE_TIMER_NONE;
    }
    if (cls != ENGINE_TIMELINE && cls != ENGINE_GENERATED && cls != ENGINE_LATE) {
        misuse(e, "event scheduled with unknown class %d", cls);
        return ENGINE_TIMER_NONE;
    }
    if (fn == NULL) {
        misuse(e, "event scheduled without a callback");
        return ENGINE_TIMER_NONE;
    }
    if (e->next_seq > MAX_SEQ) {
        misuse(e, "more than %llu events scheduled over the engine's life",
               (unsigned long long)MAX_SEQ);
        return ENGINE_TIMER_NONE;
    }
    if (e->heap_len == e->heap_cap && !e->root_spent && !grow_heap(e)) { /* a spent root is room */
        misuse(e, "out of memory scheduling an event");
        return ENGINE_TIMER_NONE;
    }
    uint32_t i = slot_take(e);
    if (i == NO_SLOT) {
        misuse(e, "cannot schedule more than %u pending events (or out of memory)", MAX_SLOTS);
        return ENGINE_TIMER_NONE;
    }
    uint64_t seq = e->next_seq++;
    e->slots[i] = (slot_t){fn, ctx, arg, seq};
    hent_t x = {(uint64_t)at, ((uint64_t)cls << KEY_CLASS_SHIFT) | (seq << SLOT_BITS) | i};
    heap_push(e, x);
    return (engine_timer_t){seq, i};
}

/* schedule_checked when a check fails, the heap is full or no slot is free; otherwise the same
 * in fewer instructions (the hold benchmark's push). */
static inline engine_timer_t schedule_fast(engine_t *e, sim_time_t at, int cls, engine_fn fn,
                                           void *ctx, uint64_t arg)
{
    bool slow = (at < e->now) | ((unsigned)cls > ENGINE_LATE) | (fn == NULL) |
                (e->next_seq > MAX_SEQ) | (e->heap_len == e->heap_cap) |
                (e->free_slot == NO_SLOT);
    if (__builtin_expect(slow, 0))
        return schedule_checked(e, at, cls, fn, ctx, arg);
    uint32_t i = e->free_slot;
    slot_t *sl = &e->slots[i];
    e->free_slot = (uint32_t)sl->arg;
    uint64_t seq = e->next_seq++;
    *sl = (slot_t){fn, ctx, arg, seq};
    hent_t x = {(uint64_t)at, ((uint64_t)cls << KEY_CLASS_SHIFT) | (seq << SLOT_BITS) | i};
    heap_push(e, x);
    return (engine_timer_t){seq, i};
}

engine_timer_t engine_schedule(engine_t *e, sim_time_t at, int cls, engine_fn fn, void *ctx,
                               uint64_t arg)
{
    return schedule_fast(e, at, cls, fn, ctx, arg);
}

static void bad_delay(engine_t *e, sim_time_t delay) __attribute__((noinline, cold));
static void bad_delay(engine_t *e, sim_time_t delay)
{
    char d[SIMTIME_BUF], n[SIMTIME_BUF];
    misuse(e, "event scheduled with delay %s at %s: negative or past the end of time",
           simtime_format(delay, d), simtime_format(e->now, n));
}

engine_timer_t engine_after(engine_t *e, sim_time_t delay, engine_fn fn, void *ctx, uint64_t arg)
{
    /* One unsigned comparison: a negative delay becomes larger than any bound (now >= 0). */
    if (__builtin_expect((uint64_t)delay > (uint64_t)(SIMTIME_MAX - e->now), 0)) {
        bad_delay(e, delay);
        return ENGINE_TIMER_NONE;
    }
    return schedule_fast(e, e->now + delay, ENGINE_GENERATED, fn, ctx, arg);
}

/* Drops every cancelled entry and rebuilds the heap (Floyd). The order of what remains is the
 * total order (time, class, sequence), so the rebuild cannot change which event runs next. */
static void compact(engine_t *e)
{
    size_t n = 0;
    for (size_t i = 0; i < e->heap_len; i++) {
        hent_t x = e->heap[i];
        uint32_t s = KEY_SLOT(x.key);
        if (e->slots[s].fn == NULL)
            slot_release(e, s);
        else
            e->heap[n++] = x;
    }
    e->heap_len = n;
    e->dead = 0;
    if (n > 1)
        for (size_t i = (n - 2) / 4 + 1; i-- > 0;)
            heap_sift_down(e->heap, n, i, e->heap[i]);
}

bool engine_cancel(engine_t *e, engine_timer_t t)
{
    settle(e);
    if (t.seq == 0 || t.slot >= e->slots_len)
        return false;
    slot_t *s = &e->slots[t.slot];
    if (s->seq != t.seq || s->fn == NULL)
        return false;
    s->fn = NULL;
    s->ctx = NULL;
    e->dead++;
    if (e->dead >= COMPACT_MIN_DEAD && e->dead * 2 > e->heap_len)
        compact(e);
    return true;
}

sim_time_t engine_now(const engine_t *e)
{
    return e->now;
}

size_t engine_pending(const engine_t *e)
{
    return e->heap_len - e->dead - (size_t)e->root_spent;
}

uint64_t engine_events_run(const engine_t *e)
{
    return e->events_run;
}

const char *engine_error(const engine_t *e)
{
    return e->misused ? e->misuse.msg : NULL;
}

/* Discards cancelled entries at the top; returns the top entry, or NULL when none is pending.
 * The heap must be settled (no spent root). */
static inline const hent_t *top_pending(engine_t *e)
{
    while (__builtin_expect(e->heap_len > 0, 1)) {
        uint32_t i = KEY_SLOT(e->heap[0].key);
        if (__builtin_expect(e->slots[i].fn != NULL, 1))
            return &e->heap[0];
        slot_release(e, i);
        e->dead--;
        heap_pop(e);
    }
    return NULL;
}

bool engine_next_time(engine_t *e, sim_time_t *at)
{
    settle(e);
    const hent_t *top = top_pending(e);
    if (top == NULL)
        return false;
    if (at != NULL)
        *at = (sim_time_t)top->time;
    return true;
}

/* T1 coverage: at one instant, a second timeline event (file order decided), or a generated
 * event scheduled before the instant running after a timeline event (the class order decided:
 * zero-delay events the timeline event itself created are not counted). */
static inline void note_order(engine_t *e, sim_time_t at, bool timeline, uint64_t seq)
{
    if (__builtin_expect(at != e->inst_time, 1)) {
        e->inst_time = at;
        e->inst_seq0 = e->next_seq;
        e->inst_timeline = false;
    }
    if (timeline) {
        e->t1_ordered |= e->inst_timeline;
        e->inst_timeline = true;
    } else if (e->inst_timeline && seq < e->inst_seq0) {
        e->t1_ordered = true;
    }
}

bool engine_t1_ordered(const engine_t *e)
{
    return e->t1_ordered;
}

/* Runs events with time <= until. Returns 0, or -1 with err set. */
static int run_events(engine_t *e, sim_time_t until, errinfo_t *err)
{
    if (e->running) {
        misuse(e, "engine run called from inside an event");
        errinfo_set(err, "%s", e->misuse.msg);
        return -1;
    }
    if (e->misused) {
        errinfo_set(err, "%s", e->misuse.msg);
        return -1;
    }
    e->running = true;
    int rc = 0;
    for (;;) {
        const hent_t *top = top_pending(e);
        if (__builtin_expect(top == NULL || (sim_time_t)top->time > until, 0))
            break;
        sim_time_t at = (sim_time_t)top->time;
        if (__builtin_expect(at > e->limits.max_time, 0)) {
            char t[SIMTIME_BUF], n[SIMTIME_BUF], m[SIMTIME_BUF];
            errinfo_set(err,
                        "stopped at t=%s: the next event is at t=%s, after limits.max_time=%s: "
                        "raise limits.max_time if this is intended",
                        simtime_format(e->now, n), simtime_format(at, t),
                        simtime_format(e->limits.max_time, m));
            rc = -1;
            break;
        }
        if (__builtin_expect(e->events_run >= e->limits.max_events, 0)) {
            char n[SIMTIME_BUF];
            errinfo_set(err,
                        "stopped after %llu events at t=%s: raise limits.max_events if this is "
                        "intended",
                        (unsigned long long)e->events_run, simtime_format(e->now, n));
            rc = -1;
            break;
        }
        uint32_t i = KEY_SLOT(top->key);
        bool timeline = (top->key >> KEY_CLASS_SHIFT) == ENGINE_TIMELINE;
        slot_t s = e->slots[i];
        slot_release(e, i);
        e->root_spent = true;
        note_order(e, at, timeline, s.seq);
        e->now = at;
        e->events_run++;
        s.fn(e, s.ctx, s.arg);
        settle(e); /* top_pending, at the top of the loop, reads the heap as is */
        if (__builtin_expect(e->misused, 0)) {
            errinfo_set(err, "%s", e->misuse.msg);
            rc = -1;
            break;
        }
    }
    e->running = false;
    return rc;
}

int engine_run_until(engine_t *e, sim_time_t t, errinfo_t *err)
{
    if (t < e->now && !e->running && !e->misused)
        return 0;
    sim_time_t until = t < e->limits.max_time ? t : e->limits.max_time;
    if (run_events(e, until, err) != 0)
        return -1;
    if (t > e->limits.max_time) {
        char a[SIMTIME_BUF], m[SIMTIME_BUF], n[SIMTIME_BUF];
        errinfo_set(err,
                    "stopped at t=%s: running until t=%s goes past limits.max_time=%s: raise "
                    "limits.max_time if this is intended",
                    simtime_format(e->now, n), simtime_format(t, a),
                    simtime_format(e->limits.max_time, m));
        return -1;
    }
    if (t > e->now)
        e->now = t;
    return 0;
}

int engine_run(engine_t *e, errinfo_t *err)
{
    return run_events(e, SIMTIME_MAX, err);
}
