/* Out-of-memory sweeps of sim/trace (tests/support_oom): trace.h says "A record that ran out of
 * memory is dropped" and the first failure is kept in trace_error. A record written while an
 * allocation fails must leave the kept text, the count, the fingerprint and the stream exactly
 * as they were, and the next record must be written whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_oom.h"
#include "testutil.h"
#include "trace.h"

static unsigned long long text_hash(const char *s, size_t n)
{
    unsigned long long h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

typedef struct {
    unsigned k;  /* records written before */
    bool keep;   /* records kept in memory */
    bool stream; /* records streamed too */
} tcase_t;

typedef struct {
    trace_t *t;
    FILE *f;
    char *streamed;
    size_t streamed_len;
} tstate_t;

static void write_record(trace_t *t, unsigned i, size_t big)
{
    trace_begin(t, (sim_time_t)i * 1000, i % 2 ? "c1" : NULL, "route_change");
    trace_uint(t, "i", i);
    trace_array_begin(t, "add");
    trace_str(t, NULL, "192.0.2.1/32");
    trace_array_end(t);
    trace_object_begin(t, "detail");
    trace_bool(t, "ok", true);
    static char filler[8192];
    if (big > 0 && big < sizeof filler) {
        memset(filler, 'x', big);
        filler[big] = '\0';
        trace_str(t, "big", filler);
    }
    trace_object_end(t);
    trace_end(t);
}

static void *t_prepare(const void *arg)
{
    const tcase_t *tc = arg;
    tstate_t *st = calloc(1, sizeof *st);
    st->t = trace_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(st->t);
    CU_ASSERT_FATAL(trace_set_keep(st->t, tc->keep));
    if (tc->stream) {
        st->f = open_memstream(&st->streamed, &st->streamed_len);
        trace_set_stream(st->t, st->f);
    }
    for (unsigned i = 0; i < tc->k; i++)
        write_record(st->t, i, 0);
    CU_ASSERT_PTR_NULL(trace_error(st->t));
    return st;
}

/* Everything a reader sees, trace_error apart (the run checks it). */
static char *t_snapshot(void *state)
{
    tstate_t *st = state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    char fp[17];
    size_t n;
    const char *text = trace_text(st->t, &n);
    fprintf(f, "count %zu fingerprint %s text %zu bytes, last record: ", trace_count(st->t),
            trace_fingerprint(st->t, fp), n);
    size_t rl = 0;
    const char *rec = trace_count(st->t) > 0 ? trace_record(st->t, trace_count(st->t) - 1, &rl)
                                             : NULL;
    fprintf(f, "%.*s\n", rec != NULL ? (int)(rl > 200 ? 200 : rl) : 0, rec != NULL ? rec : "");
    fprintf(f, "text hash %016llx\n", text_hash(text, n));
    if (st->f != NULL) {
        fflush(st->f);
        fprintf(f, "streamed %zu bytes, hash %016llx\n", st->streamed_len,
                text_hash(st->streamed, st->streamed_len));
    }
    fclose(f);
    return buf;
}

/* One more record: 5,000 bytes of string when big (the buffer grows), else a small one. */
static oom_outcome_t t_run(void *state, const void *arg)
{
    const tcase_t *tc = arg;
    tstate_t *st = state;
    size_t before = trace_count(st->t);
    bool had_error = trace_error(st->t) != NULL;
    write_record(st->t, tc->k, tc->k % 2 == 0 ? 5000 : 0);
    if (trace_count(st->t) == before + 1)
        return OOM_OK;
    const char *e = trace_error(st->t);
    /* Dropped, with the first failure kept (an earlier one, in the retry, stays). */
    return trace_count(st->t) == before &&
                   (had_error || (e != NULL && strstr(e, "out of memory") != NULL))
               ? OOM_FAILED
               : OOM_WRONG;
}

/* More records after a dropped one: each written whole. */
static void t_follow(void *state)
{
    tstate_t *st = state;
    for (unsigned i = 0; i < 1100; i++)
        write_record(st->t, 5000 + i, i % 100 == 0 ? 3000 : 0);
}

static void t_release(void *state)
{
    tstate_t *st = state;
    trace_free(st->t);
    if (st->f != NULL)
        fclose(st->f);
    free(st->streamed);
    free(st);
}

static void sweep(unsigned k, bool keep, bool stream, bool must_allocate)
{
    tcase_t tc = {k, keep, stream};
    char name[96];
    snprintf(name, sizeof name, "trace record %u (keep %d, stream %d)", k, keep, stream);
    oom_case_t c = {name, &tc, t_prepare, t_snapshot, t_run, t_follow, t_release, false};
    if (must_allocate)
        oom_sweep_both(&c);
    else
        oom_sweep_any(&c);
}

static void test_first_record(void)
{
    sweep(0, true, false, true);
    sweep(0, false, true, true);
    sweep(0, true, true, true);
}

static void test_growing_buffer(void)
{
    sweep(10, true, true, true);  /* a 5,000-byte record past the first 4 KB */
    sweep(12, false, false, true);
}

static void test_growing_index(void)
{
    sweep(1024, true, true, true); /* the 1,025th kept record grows the record index */
    sweep(1025, true, false, false);
}

static void test_new(void)
{
    oom_fail_after(0);
    trace_t *t = trace_new();
    oom_disarm();
    CU_ASSERT_PTR_NULL(t);
    trace_free(t);
}

void suite_oom_trace(void);
void suite_oom_trace(void)
{
    static CU_TestInfo tests[] = {
        {"OOM T1: the first record is dropped whole, nothing kept or streamed",
         test_first_record},
        {"OOM T1: a record that grows the buffer is dropped whole", test_growing_buffer},
        {"OOM T1: a record that grows the record index is dropped whole", test_growing_index},
        {"OOM: trace_new fails with NULL", test_new},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("oom_trace", tests);
}
