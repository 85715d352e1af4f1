/* Out-of-memory sweeps of the dname matcher (tests/support_oom): dn_matcher_add fails with -1
 * and the matcher matches (N3, N4) and counts (N5) exactly as before, at every size through
 * several growths of its table and arena; adding a duplicate, or the other flag of a present
 * key, never allocates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "support_oom.h"
#include "testutil.h"

/* Domain i: "dI.example" for even i, "*.wI.example" for odd i (long names fill the arena). */
static dn_domain_t domain_of(unsigned i, bool wildcard)
{
    char text[128];
    int n = snprintf(text, sizeof text, "%sname-%u-with-a-long-label-to-fill-the-arena.example",
                     wildcard ? "*." : "", i);
    dn_domain_t d;
    errinfo_t err;
    CU_ASSERT_FATAL(dn_domain_parse(text, (size_t)n, &d, &err));
    return d;
}

static dn_matcher_t *matcher_with(unsigned k)
{
    dn_matcher_t *m = dn_matcher_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    for (unsigned i = 0; i < k; i++) {
        dn_domain_t d = domain_of(i, i % 2 == 1);
        CU_ASSERT_FATAL(dn_matcher_add(m, &d) == 1);
    }
    return m;
}

typedef struct {
    dn_matcher_t *m;
    int rc;
} dstate_t;

static void *d_prepare(const void *arg)
{
    dstate_t *st = calloc(1, sizeof *st);
    st->m = matcher_with(*(const unsigned *)arg);
    return st;
}

/* The count, and how every name near the configured ones matches. */
static char *d_snapshot(void *state)
{
    dstate_t *st = state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "count %zu rc %d:", dn_matcher_count(st->m), st->rc);
    for (unsigned i = 0; i < 100; i++) {
        char name[160];
        for (int below = 0; below <= 1; below++) {
            int n = snprintf(name, sizeof name,
                             "%sname-%u-with-a-long-label-to-fill-the-arena.example",
                             below ? "host." : "", i);
            fprintf(f, " %u", dn_matcher_match(st->m, name, (size_t)n));
        }
    }
    fputc('\n', f);
    fclose(f);
    return buf;
}

static oom_outcome_t d_run(void *state, const void *arg)
{
    dstate_t *st = state;
    unsigned k = *(const unsigned *)arg;
    dn_domain_t d = domain_of(k, k % 2 == 1);
    int r = dn_matcher_add(st->m, &d);
    if (r >= 0)
        st->rc = r; /* the output of a success; a failure leaves the snapshot alone */
    return r == 1 ? OOM_OK : r == -1 ? OOM_FAILED : OOM_WRONG;
}

static void d_follow(void *state)
{
    dstate_t *st = state;
    for (unsigned i = 60; i < 100; i++) {
        dn_domain_t d = domain_of(i, i % 3 == 0);
        CU_ASSERT(dn_matcher_add(st->m, &d) >= 0);
    }
}

static void d_release(void *state)
{
    dstate_t *st = state;
    dn_matcher_free(st->m);
    free(st);
}

static void test_add(void)
{
    unsigned swept = 0;
    for (unsigned k = 0; k <= 60; k++) {
        /* Sweep only the adds that allocate; the others must simply succeed. */
        dn_matcher_t *m = matcher_with(k);
        dn_domain_t d = domain_of(k, k % 2 == 1);
        oom_fail_after(0);
        int r = dn_matcher_add(m, &d);
        bool allocates = oom_triggered();
        oom_disarm();
        dn_matcher_free(m);
        if (!allocates) {
            CU_ASSERT_EQUAL(r, 1);
            continue;
        }
        oom_case_t c = {"dn_matcher_add", &k, d_prepare, d_snapshot, d_run, d_follow, d_release,
                        false};
        oom_sweep_both(&c);
        swept++;
    }
    CU_ASSERT(swept >= 3); /* the first add and a few growths */
}

static void test_present_key_never_allocates(void)
{
    dn_matcher_t *m = matcher_with(20);
    dn_domain_t dup = domain_of(4, false), other_flag = domain_of(4, true);
    oom_fail_from(0);
    int r_dup = dn_matcher_add(m, &dup);
    int r_flag = dn_matcher_add(m, &other_flag);
    bool triggered = oom_triggered();
    oom_disarm();
    CU_ASSERT_EQUAL(r_dup, 0);     /* N5 */
    CU_ASSERT_EQUAL(r_flag, 1);    /* "*.d" beside "d" */
    CU_ASSERT_FALSE(triggered);
    CU_ASSERT_EQUAL(dn_matcher_count(m), 21);
    const char *below = "host.name-4-with-a-long-label-to-fill-the-arena.example";
    CU_ASSERT_EQUAL(dn_matcher_match(m, below, strlen(below)), DN_MATCH_WILDCARD);
    dn_matcher_free(m);
}

static void test_new(void)
{
    oom_fail_after(0);
    dn_matcher_t *m = dn_matcher_new();
    oom_disarm();
    CU_ASSERT_PTR_NULL(m);
}

void suite_oom_dname(void);
void suite_oom_dname(void)
{
    static CU_TestInfo tests[] = {
        {"OOM N3 N4 N5: matcher add fails with -1, matching and count unchanged", test_add},
        {"OOM N5: a duplicate or the other flag of a present domain never allocates",
         test_present_key_never_allocates},
        {"OOM: matcher new fails with NULL", test_new},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("oom_dname", tests);
}
