/* Out-of-memory sweeps of model/pfxset (tests/support_oom): insert at every size up to a few
 * growths of the node pool, clone and aggregate fail with -1 or NULL and leave every set as it
 * was ("report out-of-memory as -1 (or NULL) and leave the set as it was"), and the set keeps
 * working as if nothing had happened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfxset.h"
#include "support_oom.h"
#include "testutil.h"

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* Prefix i of a fixed sequence: both families, crowded into 10.0.0.0/16 and 2001:db8::/48 so
 * that they nest and need glue nodes. */
static pfx_t nth_prefix(unsigned i)
{
    uint64_t r = mix(i);
    pfx_addr_t a = {{0, 0}, PFX_V4};
    unsigned len;
    if (i % 3 == 2) {
        a.family = PFX_V6;
        a.bits.hi = 0x20010db800000000ULL | (r & 0xffffffffULL);
        a.bits.lo = mix(r);
        len = 48 + (unsigned)(r >> 40) % 81;
    } else {
        a.bits.hi = (0x0a000000ULL | (r & 0xffff)) << 32;
        len = 16 + (unsigned)(r >> 40) % 17;
    }
    return pfx_make(&a, len);
}

static void fill(pfxset_t *s, unsigned k)
{
    for (unsigned i = 0; i < k; i++) {
        pfx_t p = nth_prefix(i);
        CU_ASSERT_FATAL(pfxset_insert(s, &p, i) >= 0);
    }
}

static bool put_prefix(const pfx_t *p, uint64_t value, void *ctx)
{
    char t[PFX_TEXT_MAX];
    pfx_format(p, t);
    fprintf(ctx, " %s=%llu", t, (unsigned long long)value);
    return true;
}

static void put_set(FILE *f, const char *label, const pfxset_t *s)
{
    fprintf(f, "%s[%zu]:", label, s != NULL ? pfxset_count(s) : 0);
    if (s != NULL)
        pfxset_foreach(s, put_prefix, f);
    fputc('\n', f);
}

/* ---- the cases: a set of k prefixes (and an output set), and one operation ---- */

typedef struct {
    unsigned k;
    int op;
} pcase_t;

enum { OP_INSERT, OP_CLONE, OP_AGGREGATE };

typedef struct {
    pfxset_t *s;
    pfxset_t *out; /* the clone, or aggregate's output */
    int rc;
} pstate_t;

static void *p_prepare(const void *arg)
{
    const pcase_t *pc = arg;
    pstate_t *st = calloc(1, sizeof *st);
    st->s = pfxset_new();
    fill(st->s, pc->k);
    if (pc->op == OP_AGGREGATE)
        st->out = pfxset_new();
    return st;
}

static char *p_snapshot(void *state)
{
    pstate_t *st = state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    put_set(f, "set", st->s);
    put_set(f, "out", st->out);
    fprintf(f, "rc %d\n", st->rc);
    fclose(f);
    return buf;
}

static oom_outcome_t p_run(void *state, const void *arg)
{
    const pcase_t *pc = arg;
    pstate_t *st = state;
    switch (pc->op) {
    case OP_INSERT: {
        pfx_t p = nth_prefix(pc->k);
        int r = pfxset_insert(st->s, &p, 777);
        if (r >= 0)
            st->rc = r;
        return r >= 0 ? OOM_OK : r == -1 ? OOM_FAILED : OOM_WRONG;
    }
    case OP_CLONE:
        st->out = pfxset_clone(st->s);
        return st->out != NULL ? OOM_OK : OOM_FAILED;
    default: {
        int r = pfxset_aggregate(st->s, st->out);
        /* "out then empty": it was empty before, so the snapshot is unchanged. */
        return r == 0 ? OOM_OK : r == -1 && pfxset_count(st->out) == 0 ? OOM_FAILED : OOM_WRONG;
    }
    }
}

/* Later changes to a set that once failed: removals (glue splicing), inserts, aggregation. */
static void p_follow(void *state)
{
    pstate_t *st = state;
    for (unsigned i = 0; i < 200; i += 3) {
        pfx_t p = nth_prefix(i);
        pfxset_remove(st->s, &p);
    }
    for (unsigned i = 200; i < 300; i++) {
        pfx_t p = nth_prefix(i);
        CU_ASSERT(pfxset_insert(st->s, &p, i) >= 0);
    }
    if (st->out != NULL)
        CU_ASSERT(pfxset_aggregate(st->s, st->out) == 0);
}

static void p_release(void *state)
{
    pstate_t *st = state;
    pfxset_free(st->s);
    pfxset_free(st->out);
    free(st);
}

static void sweep(int op, unsigned k_max, unsigned k_step, const char *name)
{
    /* An empty set has nothing to clone or aggregate: the other operations start at k_step. */
    for (unsigned k = op == OP_INSERT ? 0 : k_step; k <= k_max; k += k_step) {
        pcase_t pc = {k, op};
        oom_case_t c = {name, &pc, p_prepare, p_snapshot, p_run, p_follow, p_release, false};
        if (op == OP_INSERT) {
            /* Only an insert that grows the pool allocates: sweep those, check the rest. */
            pstate_t *st = p_prepare(&pc);
            oom_fail_after(0);
            pfx_t p = nth_prefix(k);
            int r = pfxset_insert(st->s, &p, 777);
            bool grew = oom_triggered();
            oom_disarm();
            p_release(st);
            if (!grew) {
                CU_ASSERT(r >= 0);
                continue;
            }
        }
        oom_sweep_both(&c);
    }
}

static void test_insert(void)
{
    sweep(OP_INSERT, 300, 1, "pfxset_insert");
}

static void test_clone(void)
{
    sweep(OP_CLONE, 130, 13, "pfxset_clone");
}

static void test_aggregate(void)
{
    sweep(OP_AGGREGATE, 130, 13, "pfxset_aggregate");
}

/* aggregate empties out on failure, whatever out held. */
static void test_aggregate_empties_out(void)
{
    pfxset_t *s = pfxset_new(), *out = pfxset_new();
    fill(s, 50);
    fill(out, 10);
    size_t n = pfxset_count(s);
    oom_fail_from(0);
    int r = pfxset_aggregate(s, out);
    oom_disarm();
    CU_ASSERT_EQUAL(r, -1);
    CU_ASSERT_EQUAL(pfxset_count(out), 0);
    CU_ASSERT_EQUAL(pfxset_count(s), n);
    CU_ASSERT_EQUAL(pfxset_aggregate(s, out), 0);
    CU_ASSERT(pfxset_count(out) > 0);
    pfxset_free(s);
    pfxset_free(out);
}

static void test_new(void)
{
    oom_fail_after(0);
    pfxset_t *s = pfxset_new();
    oom_disarm();
    CU_ASSERT_PTR_NULL(s);
}

void suite_oom_pfxset(void);
void suite_oom_pfxset(void)
{
    static CU_TestInfo tests[] = {
        {"OOM: insert fails with -1 and leaves the set as it was, at every growth",
         test_insert},
        {"OOM: clone fails with NULL and leaves the set as it was", test_clone},
        {"OOM: aggregate fails with -1, out empty, the set as it was", test_aggregate},
        {"OOM: aggregate empties a non-empty out when it fails", test_aggregate_empties_out},
        {"OOM: new fails with NULL", test_new},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("oom_pfxset", tests);
}
