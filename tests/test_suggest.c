/* Tests of sim/suggest: the edit distance and the nearest-candidate choice behind
 * "did you mean ...?". */
#include <stdint.h>
#include <string.h>

#include "suggest.h"
#include "testutil.h"

static void test_distance(void)
{
    CU_ASSERT_EQUAL(suggest_distance("", "", false), 0);
    CU_ASSERT_EQUAL(suggest_distance("abc", "", false), 3);
    CU_ASSERT_EQUAL(suggest_distance("", "abc", false), 3);
    CU_ASSERT_EQUAL(suggest_distance("kitten", "sitting", false), 3);
    CU_ASSERT_EQUAL(suggest_distance("advertise_conector", "advertise_connector", false), 1);
    /* a transposition of neighbours costs 1 (plain Levenshtein would say 2) */
    CU_ASSERT_EQUAL(suggest_distance("nmae", "name", false), 1);
    CU_ASSERT_EQUAL(suggest_distance("ca", "abc", false), 3); /* optimal string alignment */
    CU_ASSERT_EQUAL(suggest_distance("Seed", "seed", false), 1);
    CU_ASSERT_EQUAL(suggest_distance("Seed", "seed", true), 0);
    CU_ASSERT_EQUAL(suggest_distance("a", "b", false), suggest_distance("b", "a", false));
    char long_word[SUGGEST_WORD_MAX + 2];
    memset(long_word, 'x', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    CU_ASSERT_EQUAL(suggest_distance(long_word, "x", false), SIZE_MAX);
    long_word[SUGGEST_WORD_MAX] = '\0';
    CU_ASSERT_EQUAL(suggest_distance(long_word, long_word, false), 0);
}

static void test_nearest(void)
{
    static const char *const keys[] = {"id", "name", "tags", "egress", "exit_node",
                                       "advertise_connector", "accept_routes", "accept_dns"};
    size_t n = sizeof keys / sizeof keys[0];
    CU_ASSERT_STRING_EQUAL(suggest_nearest("advertise_conector", keys, n, 2, false),
                           "advertise_connector");
    CU_ASSERT_STRING_EQUAL(suggest_nearest("acept_dns", keys, n, 2, false), "accept_dns");
    CU_ASSERT_STRING_EQUAL(suggest_nearest("nmae", keys, n, 2, false), "name");
    /* nothing near: no suggestion rather than a wild one */
    CU_ASSERT_PTR_NULL(suggest_nearest("latency", keys, n, 2, false));
    /* short words only get distance 1: "ip" is not "id"'s cousin "tags" */
    CU_ASSERT_STRING_EQUAL(suggest_nearest("ip", keys, n, 2, false), "id");
    CU_ASSERT_PTR_NULL(suggest_nearest("xy", keys, n, 2, false));
    /* another spelling convention */
    CU_ASSERT_STRING_EQUAL(suggest_nearest("exitNode", keys, n, 2, false), "exit_node");
    CU_ASSERT_STRING_EQUAL(suggest_nearest("AcceptRoutes", keys, n, 2, false), "accept_routes");
    CU_ASSERT_STRING_EQUAL(suggest_nearest("acceptRoute", keys, n, 2, false), "accept_routes");
    /* ties go to the earlier candidate */
    static const char *const tie[] = {"abcd1", "abcd2"};
    CU_ASSERT_STRING_EQUAL(suggest_nearest("abcd3", tie, 2, 2, false), "abcd1");
    CU_ASSERT_PTR_NULL(suggest_nearest("x", NULL, 0, 2, false));
    static const char *const policy[] = {"nodeAttrs", "autoApprovers", "tagOwners"};
    CU_ASSERT_STRING_EQUAL(suggest_nearest("NodeAtrs", policy, 3, 2, true), "nodeAttrs");
    /* the spelling-convention fallback still allows only one edit */
    CU_ASSERT_STRING_EQUAL(suggest_nearest("NodeAtrs", policy, 3, 1, false), "nodeAttrs");
    CU_ASSERT_PTR_NULL(suggest_nearest("tagOwnersXYZ", policy, 3, 1, false));
}

void suite_suggest(void);
void suite_suggest(void)
{
    static CU_TestInfo tests[] = {
        {"edit distance with transpositions and optional case folding", test_distance},
        {"nearest candidate within the distance, or none", test_nearest},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("suggest", tests);
}
