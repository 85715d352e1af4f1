/* Tests of model/ctrl: policy target selectors (S3) and netmap propagation time (P7). */
#include <stdint.h>
#include <string.h>

#include "ctrl.h"
#include "testutil.h"
#include "thash.h"

#define MS ((int64_t)1000000)

static void check_selector_ok(const char *s)
{
    errinfo_t e = {{0}};
    CU_ASSERT_TRUE(ctrl_selector_check(s, &e));
    CU_ASSERT_STRING_EQUAL(e.msg, "");
}

/* The selector is rejected and the message says something containing `part`. */
static void check_selector_bad(const char *s, const char *part)
{
    errinfo_t e = {{0}};
    CU_ASSERT_FALSE(ctrl_selector_check(s, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, part));
}

static void test_selector_valid_forms(void)
{
    check_selector_ok("*");
    check_selector_ok("tag:web");
    check_selector_ok("tag:a-b_c1");
    check_selector_ok("laptop-1");
    check_selector_ok("laptop.example");
}

static void test_selector_empty_tag_name(void)
{
    check_selector_bad("tag:", "empty tag name");
}

static void test_selector_bad_forms(void)
{
    check_selector_bad("", "empty target selector");
    check_selector_bad(NULL, "empty target selector");
    check_selector_bad("group:eng", "'group:eng' is not supported");
    check_selector_bad("autogroup:member", "'autogroup:member' is not supported");
    check_selector_bad("alice@example.com:x", "is not supported");
    check_selector_bad("tag:a:b", "cannot contain ':'");
    check_selector_bad("**", "'*' is valid only as the whole selector");
    check_selector_bad("tag:*", "'*' is valid only as the whole selector");
    check_selector_bad("web*", "'*' is valid only as the whole selector");
    check_selector_bad("my laptop", "space or control character");
    check_selector_bad("tag:x\t", "space or control character");
    check_selector_bad(" *", "space or control character");
    /* NULL errinfo is allowed. */
    CU_ASSERT_FALSE(ctrl_selector_check("tag:", NULL));
}

static void test_selector_star_matches_every_node(void)
{
    const char *tags[] = {"tag:web"};
    CU_ASSERT_TRUE(ctrl_selector_matches("*", "a", NULL, 0));
    CU_ASSERT_TRUE(ctrl_selector_matches("*", "b", tags, 1));
    CU_ASSERT_TRUE(ctrl_selector_matches("*", NULL, NULL, 0));
}

static void test_selector_tag_matches_carrier(void)
{
    const char *tags[] = {"tag:db", "tag:web"};
    const char *other[] = {"tag:webx", "tag:we", "web"};
    CU_ASSERT_TRUE(ctrl_selector_matches("tag:web", "n1", tags, 2));
    CU_ASSERT_TRUE(ctrl_selector_matches("tag:db", "n1", tags, 2));
    CU_ASSERT_FALSE(ctrl_selector_matches("tag:web", "n1", other, 3));
    CU_ASSERT_FALSE(ctrl_selector_matches("tag:web", "n1", NULL, 0));
    /* A node *named* like the tag does not carry it. */
    CU_ASSERT_FALSE(ctrl_selector_matches("tag:web", "tag:web", NULL, 0));
    /* Case matters: tags are compared byte for byte. */
    const char *upper[] = {"tag:Web"};
    CU_ASSERT_FALSE(ctrl_selector_matches("tag:web", "n1", upper, 1));
}

static void test_selector_name_matches_exactly(void)
{
    const char *tags[] = {"tag:web"};
    CU_ASSERT_TRUE(ctrl_selector_matches("laptop", "laptop", NULL, 0));
    CU_ASSERT_FALSE(ctrl_selector_matches("laptop", "laptop2", NULL, 0));
    CU_ASSERT_FALSE(ctrl_selector_matches("laptop", "lap", NULL, 0));
    CU_ASSERT_FALSE(ctrl_selector_matches("laptop", NULL, NULL, 0));
    /* A bare word is a node name, never a tag. */
    CU_ASSERT_FALSE(ctrl_selector_matches("web", "n1", tags, 1));
    CU_ASSERT_FALSE(ctrl_selector_matches(NULL, "laptop", tags, 1));
}

static void test_selector_any_of_a_target_list(void)
{
    const char *targets[] = {"laptop", "tag:db"};
    const char *db[] = {"tag:db"};
    const char *web[] = {"tag:web"};
    CU_ASSERT_TRUE(ctrl_selectors_match_any(targets, 2, "laptop", NULL, 0));
    CU_ASSERT_TRUE(ctrl_selectors_match_any(targets, 2, "server", db, 1));
    CU_ASSERT_FALSE(ctrl_selectors_match_any(targets, 2, "server", web, 1));
    CU_ASSERT_FALSE(ctrl_selectors_match_any(targets, 0, "laptop", NULL, 0));
}

static void test_propagation_without_jitter(void)
{
    /* jitter 0: x mod 1 is 0 for every node, so every node gets exactly t + delay. */
    for (uint64_t id = 0; id < 50; id++)
        CU_ASSERT_EQUAL(ctrl_propagation_at(5 * MS, 42, id, 1300 * MS, 0), 1305 * MS);
    CU_ASSERT_EQUAL(ctrl_propagation_at(0, 1, 2, 0, 0), 0);
}

static void test_propagation_default_jitter_vectors(void)
{
    /* Expected values from RULES T3's own test vectors, reduced by hand (mod 250,000,001):
     * h(1,2) = 0x282c28ec6a89041d -> 28,209,002; h(7,3) = 0x05417694a52a7a42 -> 209,237,255;
     * h(7,5) = 0xdf2b66b588c508f4 -> 1,976,884; h(7,11) = 0x02319766a3a43a94 -> 140,289,779. */
    const int64_t delay = 1300 * MS, jitter = 250 * MS;
    CU_ASSERT_EQUAL(ctrl_propagation_at(0, 1, 2, delay, jitter), 1300 * MS + 28209002);
    CU_ASSERT_EQUAL(ctrl_propagation_at(0, 7, 3, delay, jitter), 1300 * MS + 209237255);
    CU_ASSERT_EQUAL(ctrl_propagation_at(0, 7, 5, delay, jitter), 1300 * MS + 1976884);
    CU_ASSERT_EQUAL(ctrl_propagation_at(10 * MS, 7, 11, delay, jitter),
                    10 * MS + 1300 * MS + 140289779);
    CU_ASSERT_EQUAL(0x282c28ec6a89041dULL % 250000001ULL, 28209002ULL);
}

static void test_propagation_formula_and_bounds(void)
{
    /* The formula, term by term, over many nodes and seeds; j stays in [0, jitter]. */
    const int64_t delay = 1300 * MS, jitter = 250 * MS;
    for (uint64_t seed = 0; seed < 4; seed++) {
        for (uint64_t id = 1; id <= 200; id++) {
            int64_t at = ctrl_propagation_at(1000, seed, id, delay, jitter);
            uint64_t j = thash(seed, id) % (uint64_t)(jitter + 1);
            CU_ASSERT_EQUAL(at, 1000 + delay + (int64_t)j);
            CU_ASSERT_TRUE(at >= 1000 + delay && at <= 1000 + delay + jitter);
        }
    }
    /* Jitter 1 ns: only 0 or 1 is possible. */
    int64_t at = ctrl_propagation_at(0, 7, 3, 0, 1);
    CU_ASSERT_EQUAL(at, (int64_t)(0x05417694a52a7a42ULL % 2));
}

static void test_propagation_bad_settings(void)
{
    /* Negative settings count as 0; the sum saturates instead of overflowing. */
    CU_ASSERT_EQUAL(ctrl_propagation_at(100, 7, 3, -5, -1), 100);
    CU_ASSERT_EQUAL(ctrl_propagation_at(INT64_MAX - 10, 7, 3, 1300 * MS, 250 * MS), INT64_MAX);
    CU_ASSERT_EQUAL(ctrl_propagation_at(INT64_MAX, 7, 3, INT64_MAX, INT64_MAX), INT64_MAX);
    /* The largest jitter: jitter + 1 does not overflow, the result stays in range. */
    int64_t at = ctrl_propagation_at(0, 7, 3, 0, INT64_MAX);
    CU_ASSERT_EQUAL(at, (int64_t)(0x05417694a52a7a42ULL % ((uint64_t)INT64_MAX + 1)));
}

void suite_ctrl(void);
void suite_ctrl(void)
{
    static CU_TestInfo tests[] = {
        {"S3 valid selectors: *, tag:x, node names", test_selector_valid_forms},
        {"S3 tag: with an empty name is an error", test_selector_empty_tag_name},
        {"S3 unsupported and malformed selectors are errors", test_selector_bad_forms},
        {"S3 * matches every node", test_selector_star_matches_every_node},
        {"S3 tag:x matches only a node carrying tag:x", test_selector_tag_matches_carrier},
        {"S3 a name matches only the node of that name", test_selector_name_matches_exactly},
        {"S3 a target list matches when any selector does", test_selector_any_of_a_target_list},
        {"P7 jitter 0 gives t + delay for every node", test_propagation_without_jitter},
        {"P7 default 250 ms jitter on the T3 vectors", test_propagation_default_jitter_vectors},
        {"P7 formula and jitter bounds over many nodes", test_propagation_formula_and_bounds},
        {"P7 negative settings and overflow", test_propagation_bad_settings},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("ctrl", tests);
}
