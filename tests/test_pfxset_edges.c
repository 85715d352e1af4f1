/* Edge cases of model/pfxset that tests/test_pfxset.c leaves out: a diff stopped by either of
 * its callbacks reports nothing after the stop. */
#include <string.h>

#include "pfxset.h"
#include "testutil.h"

static pfx_t P(const char *text)
{
    pfx_t p;
    errinfo_t e;
    CU_ASSERT_FATAL(pfx_parse(text, strlen(text), false, &p, &e));
    return p;
}

typedef struct {
    int adds, removes;
    int stop_at; /* the callback returns false at this call (1-based) */
    int calls;
} stop_ctx_t;

static bool on_add(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)p, (void)value;
    stop_ctx_t *s = ctx;
    s->adds++;
    return ++s->calls != s->stop_at;
}

static bool on_remove(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)p, (void)value;
    stop_ctx_t *s = ctx;
    s->removes++;
    return ++s->calls != s->stop_at;
}

/* C7 order: a = {10/8, 10.1/16, 192.0.2/24}, b = {10.1/16, 172.16/12, 2001:db8::/32}: the walk
 * meets -10/8, +172.16/12, -192.0.2/24, +2001:db8::/32 in that order. */
static void test_diff_stops(void)
{
    pfxset_t *a = pfxset_new(), *b = pfxset_new();
    const char *in_a[] = {"10.0.0.0/8", "10.1.0.0/16", "192.0.2.0/24"};
    const char *in_b[] = {"10.1.0.0/16", "172.16.0.0/12", "2001:db8::/32"};
    for (int i = 0; i < 3; i++) {
        pfx_t p = P(in_a[i]), q = P(in_b[i]);
        CU_ASSERT_FATAL(pfxset_insert(a, &p, 0) == 1);
        CU_ASSERT_FATAL(pfxset_insert(b, &q, 0) == 1);
    }
    stop_ctx_t all = {0, 0, 0, 0};
    pfxset_diff(a, b, on_add, on_remove, &all);
    CU_ASSERT_EQUAL(all.adds, 2);
    CU_ASSERT_EQUAL(all.removes, 2);
    stop_ctx_t at_remove = {0, 0, 1, 0}; /* the first call, -10/8, stops */
    pfxset_diff(a, b, on_add, on_remove, &at_remove);
    CU_ASSERT_EQUAL(at_remove.calls, 1);
    CU_ASSERT_EQUAL(at_remove.removes, 1);
    stop_ctx_t at_add = {0, 0, 2, 0}; /* the second call, +172.16/12, stops */
    pfxset_diff(a, b, on_add, on_remove, &at_add);
    CU_ASSERT_EQUAL(at_add.calls, 2);
    CU_ASSERT_EQUAL(at_add.adds, 1);
    CU_ASSERT_EQUAL(at_add.removes, 1);
    pfxset_free(a);
    pfxset_free(b);
}

void suite_pfxset_edges(void);
void suite_pfxset_edges(void)
{
    static CU_TestInfo tests[] = {
        {"C7 a diff stops when either callback says so", test_diff_stops},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("pfxset_edges", tests);
}
