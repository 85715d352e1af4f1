/* Tests of model/region: a node's region and its hysteresis on latency changes (P6). */
#include <stdint.h>

#include "region.h"
#include "testutil.h"

#define MS ((int64_t)1000000)

static void test_initial_lowest_latency(void)
{
    const int64_t lat[] = {80 * MS, 20 * MS, 50 * MS};
    CU_ASSERT_EQUAL(ctrl_region_initial(lat, 3), 1);
}

static void test_initial_tie_to_lower_id(void)
{
    const int64_t lat[] = {90 * MS, 30 * MS, 30 * MS, 30 * MS};
    CU_ASSERT_EQUAL(ctrl_region_initial(lat, 4), 1);
    const int64_t zero[] = {0, 0};
    CU_ASSERT_EQUAL(ctrl_region_initial(zero, 2), 0);
}

static void test_initial_skips_missing_latencies(void)
{
    const int64_t lat[] = {-1, -1, 70 * MS, -5, 60 * MS};
    CU_ASSERT_EQUAL(ctrl_region_initial(lat, 5), 4);
}

static void test_initial_no_latency_no_region(void)
{
    const int64_t none[] = {-1, -1};
    CU_ASSERT_EQUAL(ctrl_region_initial(none, 2), -1);
    CU_ASSERT_EQUAL(ctrl_region_initial(NULL, 0), -1);
}

/* Boundaries of "old - new >= 10 ms": old = 30 ms, new = 20 ms is exactly 10 ms, and 20 ms is
 * exactly floor(30 ms / 3) * 2, so both conditions sit on their edges. */
static void test_update_moves_at_both_boundaries(void)
{
    const int64_t lat[] = {30 * MS, 20 * MS};
    CU_ASSERT_EQUAL(ctrl_region_update(0, lat, 2), 1);
}

static void test_update_gain_one_ns_short(void)
{
    /* old 30 ms, new 20 ms + 1 ns: the gain is 10 ms - 1 ns (and new > 2/3 old too). */
    const int64_t lat[] = {30 * MS, 20 * MS + 1};
    CU_ASSERT_EQUAL(ctrl_region_update(0, lat, 2), 0);
    /* The gain condition alone: old 15 ms makes floor(old / 3) * 2 = 10 ms, which new = 5 ms
     * + 1 ns meets, while its gain is 10 ms - 1 ns. */
    const int64_t gain_only[] = {15 * MS, 5 * MS + 1};
    CU_ASSERT_EQUAL(ctrl_region_update(0, gain_only, 2), 0);
    const int64_t gain_exact[] = {15 * MS, 5 * MS};
    CU_ASSERT_EQUAL(ctrl_region_update(0, gain_exact, 2), 1);
}

static void test_update_ratio_one_ns_short(void)
{
    /* Ratio condition alone: old 300 ms, floor(old / 3) * 2 = 200 ms; the gain is ~100 ms. */
    const int64_t exact[] = {300 * MS, 200 * MS};
    CU_ASSERT_EQUAL(ctrl_region_update(0, exact, 2), 1);
    const int64_t over[] = {300 * MS, 200 * MS + 1};
    CU_ASSERT_EQUAL(ctrl_region_update(0, over, 2), 0);
}

static void test_update_ratio_floors_in_nanoseconds(void)
{
    /* old = 300,000,002 ns: floor(old / 3) * 2 = 200,000,000, not 200,000,001.33. */
    const int64_t at_floor[] = {300 * MS + 2, 200 * MS};
    CU_ASSERT_EQUAL(ctrl_region_update(0, at_floor, 2), 1);
    const int64_t above_floor[] = {300 * MS + 2, 200 * MS + 1};
    CU_ASSERT_EQUAL(ctrl_region_update(0, above_floor, 2), 0);
}

static void test_update_current_without_latency_moves(void)
{
    /* The current region lost its latency: move to the best one, however small the gain. */
    const int64_t lat[] = {-1, 41 * MS, 40 * MS};
    CU_ASSERT_EQUAL(ctrl_region_update(0, lat, 3), 2);
    /* No region yet: take the best. */
    CU_ASSERT_EQUAL(ctrl_region_update(-1, lat, 3), 2);
    /* A current region beyond the known regions has no latency either. */
    CU_ASSERT_EQUAL(ctrl_region_update(7, lat, 3), 2);
}

static void test_update_all_latencies_gone(void)
{
    const int64_t none[] = {-1, -1};
    CU_ASSERT_EQUAL(ctrl_region_update(1, none, 2), -1);
    CU_ASSERT_EQUAL(ctrl_region_update(-1, none, 2), -1);
}

static void test_update_stays_when_still_best(void)
{
    const int64_t lat[] = {10 * MS, 90 * MS};
    CU_ASSERT_EQUAL(ctrl_region_update(0, lat, 2), 0);
    /* An equal latency elsewhere is no gain. */
    const int64_t tie[] = {50 * MS, 50 * MS};
    CU_ASSERT_EQUAL(ctrl_region_update(1, tie, 2), 1);
}

static void test_update_moves_to_best_not_first_better(void)
{
    /* Regions 1 and 2 both qualify; the node goes to the best one (2). */
    const int64_t lat[] = {300 * MS, 100 * MS, 50 * MS};
    CU_ASSERT_EQUAL(ctrl_region_update(0, lat, 3), 2);
    /* A better region with too small a gain keeps the node where it is. */
    const int64_t close[] = {30 * MS, 25 * MS, 24 * MS};
    CU_ASSERT_EQUAL(ctrl_region_update(0, close, 3), 0);
}

void suite_region(void);
void suite_region(void)
{
    static CU_TestInfo tests[] = {
        {"P6 initial region is the lowest latency", test_initial_lowest_latency},
        {"P6 initial region ties go to the lower id", test_initial_tie_to_lower_id},
        {"P6 initial region ignores regions without latency", test_initial_skips_missing_latencies},
        {"P6 a node with no latency has no region", test_initial_no_latency_no_region},
        {"P6 hysteresis: exactly 10 ms and exactly floor(old/3)*2 move",
         test_update_moves_at_both_boundaries},
        {"P6 hysteresis: a gain 1 ns under 10 ms does not move", test_update_gain_one_ns_short},
        {"P6 hysteresis: 1 ns over floor(old/3)*2 does not move", test_update_ratio_one_ns_short},
        {"P6 hysteresis uses floor in integer nanoseconds",
         test_update_ratio_floors_in_nanoseconds},
        {"P6 a current region with no latency moves to the best",
         test_update_current_without_latency_moves},
        {"P6 losing every latency leaves no region", test_update_all_latencies_gone},
        {"P6 no move while current is best or tied", test_update_stays_when_still_best},
        {"P6 a move goes to the best region", test_update_moves_to_best_not_first_better},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("region", tests);
}
