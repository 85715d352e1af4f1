/* Tests of tests/support_oom: the injection reaches the allocations of model/ (linked from the
 * static library), counts from the arming, fails once or persistently on request, and a
 * disarmed or untriggered harness changes nothing. */
#include <stdlib.h>
#include <string.h>

#include "pfxset.h"
#include "strmap.h"
#include "support_oom.h"
#include "testutil.h"

static void test_fails_the_chosen_allocation(void)
{
    oom_fail_after(0);
    strmap_t *m = strmap_new();
    bool triggered = oom_triggered();
    oom_disarm();
    CU_ASSERT_PTR_NULL(m);
    CU_ASSERT_TRUE(triggered);

    /* The second allocation of a strmap's first insert fails; the first did not. */
    m = strmap_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    oom_fail_after(1);
    bool added;
    uint64_t *v = strmap_insert(m, "a", 1, &added);
    triggered = oom_triggered();
    unsigned long seen = oom_allocations();
    oom_disarm();
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_TRUE(triggered);
    CU_ASSERT_EQUAL(seen, 2);
    CU_ASSERT_EQUAL(strmap_count(m), 0);
    /* Disarmed: the same insert works. */
    v = strmap_insert(m, "a", 1, &added);
    CU_ASSERT_PTR_NOT_NULL(v);
    CU_ASSERT_TRUE(added);
    strmap_free(m);
}

static void test_once_and_persistent(void)
{
    /* Once: only the chosen allocation fails, the next ones succeed. */
    oom_fail_after(0);
    pfxset_t *a = pfxset_new();
    pfxset_t *b = pfxset_new();
    oom_disarm();
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_PTR_NOT_NULL(b);
    pfxset_free(b);

    /* Persistent: the chosen one and every later one fail. */
    oom_fail_from(1);
    a = pfxset_new();
    b = pfxset_new();
    pfxset_t *c = pfxset_new();
    unsigned long seen = oom_allocations();
    oom_disarm();
    CU_ASSERT_PTR_NOT_NULL(a);
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_EQUAL(seen, 3);
    pfxset_free(a);
}

static void test_untriggered_when_enough(void)
{
    oom_fail_after(5);
    pfxset_t *a = pfxset_new();
    bool triggered = oom_triggered();
    unsigned long seen = oom_allocations();
    oom_disarm();
    CU_ASSERT_PTR_NOT_NULL(a);
    CU_ASSERT_FALSE(triggered);
    CU_ASSERT_EQUAL(seen, 1);
    pfxset_free(a);
    /* Disarmed, nothing is counted or failed. */
    oom_fail_after(0);
    oom_disarm();
    a = pfxset_new();
    CU_ASSERT_PTR_NOT_NULL(a);
    CU_ASSERT_EQUAL(oom_allocations(), 0);
    pfxset_free(a);
}

/* The test's own calls are wrapped too: each of the five functions fails when armed, and a
 * failed realloc keeps the block as it was. */
static void test_every_wrapped_function(void)
{
    char *volatile keep;
    oom_fail_from(0);
    keep = malloc(16);
    CU_ASSERT_PTR_NULL(keep);
    keep = calloc(4, 4);
    CU_ASSERT_PTR_NULL(keep);
    keep = strdup("abc");
    CU_ASSERT_PTR_NULL(keep);
    keep = strndup("abcdef", 3);
    CU_ASSERT_PTR_NULL(keep);
    oom_disarm();

    char *p = strdup("abc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    oom_fail_after(0);
    char *q = realloc(p, 4096);
    oom_disarm();
    CU_ASSERT_PTR_NULL(q);
    if (q != NULL) {
        free(q);
        return;
    }
    CU_ASSERT_STRING_EQUAL(p, "abc");
    q = strndup(p, 2);
    free(p);
    CU_ASSERT_STRING_EQUAL(q, "ab");
    free(q);
}

void suite_oom_support(void);
void suite_oom_support(void)
{
    static CU_TestInfo tests[] = {
        {"fails the (n+1)-th allocation from the arming", test_fails_the_chosen_allocation},
        {"fails once, or persistently", test_once_and_persistent},
        {"never triggers past the allocations made, nor disarmed",
         test_untriggered_when_enough},
        {"wraps malloc, calloc, realloc, strdup and strndup", test_every_wrapped_function},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("oom_support", tests);
}
