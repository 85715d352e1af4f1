/* Tests of model/elect: which node serves a prefix (P3, P5) and, with regional routing, which
 * node serves it to one client (P6). */
#include <stdint.h>

#include "elect.h"
#include "testutil.h"
#include "thash.h"

#define MS ((int64_t)1000000)

/* Shorthands: C(id, created, online, approved); R(id, created, online, approved, region). */
#define C(i, c, on, ap) ((ctrl_candidate_t){(i), (c), (on), (ap)})
#define R(i, c, on, ap, r) ((ctrl_rcandidate_t){C(i, c, on, ap), (r)})

/* ---- P3 ---- */

static void test_p3_oldest_serves(void)
{
    ctrl_candidate_t c[] = {C(1, 300, true, true), C(2, 100, true, true), C(3, 200, true, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 3, -1, false), 1);
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 3, -1, true), 1);
}

static void test_p3_created_tie_lower_id(void)
{
    ctrl_candidate_t c[] = {C(9, 100, true, true), C(4, 100, true, true), C(7, 100, true, true),
                            C(2, 101, true, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 4, -1, false), 1);
    /* Ids compare as unsigned 64-bit numbers. */
    ctrl_candidate_t big[] = {C(UINT64_MAX, 5, true, true), C(1ull << 63, 5, true, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(big, 2, -1, false), 1);
}

static void test_p3_offline_and_unapproved_excluded(void)
{
    ctrl_candidate_t c[] = {C(1, 100, false, true), C(2, 200, true, false),
                            C(3, 300, true, true), C(4, 400, true, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 4, -1, false), 2);
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 4, 0, false), 2);
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 4, 1, false), 2);
}

static void test_p3_oldest_takes_back(void)
{
    /* Node 1 (oldest) came back online while node 2 serves: without sticky it takes P back. */
    ctrl_candidate_t c[] = {C(1, 100, true, true), C(2, 200, true, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, 1, false), 0);
}

static void test_p3_sticky_keeps_current(void)
{
    ctrl_candidate_t c[] = {C(1, 100, true, true), C(2, 200, true, true), C(3, 300, true, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 3, 1, true), 1);
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 3, 2, true), 2);
}

static void test_p3_sticky_moves_when_current_ineligible(void)
{
    /* Current offline: the oldest eligible serves, not the next index. */
    ctrl_candidate_t off[] = {C(1, 300, true, true), C(2, 200, false, true), C(3, 100, true, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(off, 3, 1, true), 2);
    /* Current unapproved (unapprove event): same. */
    ctrl_candidate_t unap[] = {C(1, 300, true, true), C(2, 200, true, false),
                               C(3, 100, true, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(unap, 3, 1, true), 2);
}

static void test_p3_bad_current_is_none(void)
{
    ctrl_candidate_t c[] = {C(1, 100, true, true), C(2, 200, true, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, 2, true), 0);
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, 99, true), 0);
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, -7, true), 0);
}

static void test_p3_duplicate_ids_earlier_index(void)
{
    ctrl_candidate_t c[] = {C(5, 100, true, true), C(5, 100, true, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, -1, false), 0);
}

/* ---- P5 ---- */

static void test_p5_keeps_last_when_none_online(void)
{
    /* Node 2 served; everyone went offline. P stays with node 2, though node 1 is older. */
    ctrl_candidate_t c[] = {C(1, 100, false, true), C(2, 200, false, true)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, 1, false), 1);
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, 1, true), 1);
}

static void test_p5_online_unapproved_is_no_fallback(void)
{
    /* Node 3 is online but P is not approved on it: it never serves P. */
    ctrl_candidate_t c[] = {C(1, 100, false, true), C(3, 50, true, false)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, 0, false), 0);
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, -1, false), 0);
}

static void test_p5_last_gone_oldest_approved_remains(void)
{
    /* The last server withdrew P (it is no longer a candidate): the oldest approved
     * advertiser left, though offline, holds P. */
    ctrl_candidate_t c[] = {C(4, 300, false, true), C(5, 200, false, true),
                            C(6, 100, false, false)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 3, -1, false), 1);
    /* The last server lost its approval: the same. */
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 3, 2, false), 1);
}

static void test_p5_leaves_netmap(void)
{
    ctrl_candidate_t c[] = {C(1, 100, true, false), C(2, 200, false, false)};
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, 0, false), -1);
    CU_ASSERT_EQUAL(ctrl_elect_primary(c, 2, -1, true), -1);
    CU_ASSERT_EQUAL(ctrl_elect_primary(NULL, 0, -1, false), -1);
    CU_ASSERT_EQUAL(ctrl_elect_primary(NULL, 0, 0, true), -1);
}

/* ---- P6 ---- */

/* Client 7 and nodes 3, 5, 11, using RULES T3's vectors: h(7,5) = 0xdf2b66b588c508f4 >
 * h(7,3) = 0x05417694a52a7a42 > h(7,11) = 0x02319766a3a43a94, so the order is 5, 3, 11. */
static void test_p6_rendezvous_order_by_hand(void)
{
    const int64_t lat[] = {20 * MS};
    ctrl_rcandidate_t c[] = {R(3, 300, true, true, 0), R(11, 100, true, true, 0),
                             R(5, 200, true, true, 0)};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 1, c, 3, -1, false, false), 2); /* node 5 */
    c[2].node.online = false;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 1, c, 3, -1, false, false), 0); /* node 3 */
    c[0].node.approved = false;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 1, c, 3, -1, false, false), 1); /* node 11 */
    /* Node 5 returns: it takes the client back (the order is fixed per client and node). */
    c[2].node.online = true;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 1, c, 3, 1, false, false), 2);
}

static void test_p6_rendezvous_matches_thash(void)
{
    /* For many clients, the chosen node has the greatest h(client, node) of the eligible. */
    ctrl_rcandidate_t c[] = {R(3, 1, true, true, 0), R(5, 2, true, true, 0),
                             R(11, 3, true, true, 0), R(12, 4, false, true, 0),
                             R(13, 5, true, false, 0)};
    const int64_t lat[] = {1};
    int served[3] = {0, 0, 0};
    for (uint64_t client = 100; client < 400; client++) {
        ptrdiff_t got = ctrl_elect_regional(client, 0, lat, 1, c, 5, -1, false, false);
        CU_ASSERT_TRUE_FATAL(got >= 0 && got <= 2);
        for (int i = 0; i < 3; i++)
            CU_ASSERT_TRUE(thash(client, c[got].node.id) >= thash(client, c[i].node.id));
        served[got]++;
    }
    /* Load balancing spreads clients: every eligible node serves some. */
    CU_ASSERT_TRUE(served[0] > 0 && served[1] > 0 && served[2] > 0);
}

static void test_p6_balancing_ignores_sticky_and_age(void)
{
    /* Client 7: node 5 has the higher hash. Node 3 is older and currently serves; with sticky
     * but without in_region_failover the hash order still decides. */
    const int64_t lat[] = {20 * MS};
    ctrl_rcandidate_t c[] = {R(3, 100, true, true, 0), R(5, 200, true, true, 0)};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 1, c, 2, 0, false, true), 1);
}

static void test_p6_own_region_first(void)
{
    /* The client (region 1) has a lower latency to region 0, but its own region comes first. */
    const int64_t lat[] = {5 * MS, 30 * MS};
    ctrl_rcandidate_t c[] = {R(5, 100, true, true, 0), R(3, 200, true, true, 1)};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 1, lat, 2, c, 2, -1, false, false), 1);
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 1, lat, 2, c, 2, -1, true, false), 1);
    /* A pinned own region without a latency still comes first. */
    const int64_t pinned[] = {5 * MS, -1};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 1, pinned, 2, c, 2, -1, false, false), 1);
}

static void test_p6_next_closest_region(void)
{
    /* Own region 0 has only an offline node; region 2 is closer than region 1. */
    const int64_t lat[] = {10 * MS, 80 * MS, 40 * MS};
    ctrl_rcandidate_t c[] = {R(1, 100, false, true, 0), R(2, 200, true, true, 1),
                             R(3, 300, true, true, 2)};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 3, c, 3, -1, false, false), 2);
    c[2].node.online = false;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 3, c, 3, -1, false, false), 1);
    /* The own region's node comes back: it wins again. */
    c[0].node.online = true;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 3, c, 3, 1, false, false), 0);
}

static void test_p6_latency_tie_lower_region(void)
{
    /* Regions 1 and 2 are both 40 ms away: region 1 wins on its id alone. Its node loses every
     * other tie-break there could be: it has the higher node id (11 > 5), the later `created`
     * and the lower hash (h(7,11) < h(7,5), T3 vectors), with and without in_region_failover. */
    const int64_t lat[] = {10 * MS, 40 * MS, 40 * MS};
    ctrl_rcandidate_t c[] = {R(5, 100, true, true, 2), R(11, 200, true, true, 1)};
    CU_ASSERT_FATAL(thash(7, 11) < thash(7, 5));
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 3, c, 2, -1, false, false), 1);
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 3, c, 2, -1, true, false), 1);
    /* The same in the other array order. */
    ctrl_rcandidate_t d[] = {c[1], c[0]};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 3, d, 2, -1, false, false), 0);
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 3, d, 2, -1, true, false), 0);
}

static void test_p6_unmeasured_regions_last_by_id(void)
{
    /* Client in region 0 knows region 3 only (200 ms). Regions 1, 2 and 6 (beyond the latency
     * array) it has no latency for: they come after region 3, by id. */
    const int64_t lat[] = {10 * MS, -1, -1, 200 * MS};
    ctrl_rcandidate_t c[] = {R(1, 100, true, true, 6), R(2, 100, true, true, 2),
                             R(3, 100, true, true, 1), R(4, 900, true, true, 3)};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 4, c, 4, -1, false, false), 3);
    c[3].node.online = false;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 4, c, 4, -1, false, false), 2);
    c[2].node.online = false;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 4, c, 4, -1, false, false), 1);
    c[1].node.online = false;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 4, c, 4, -1, false, false), 0);
}

static void test_p6_regionless_candidates_last(void)
{
    /* A node without a region (-1, or any negative value) is used only when no region has an
     * eligible node, even a region the client has no latency for. */
    const int64_t lat[] = {10 * MS, -1};
    ctrl_rcandidate_t c[] = {R(1, 1, true, true, -1), R(2, 500, true, true, 1),
                             R(3, 2, true, true, -4)};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 3, -1, false, false), 1);
    c[1].node.online = false;
    /* Both regionless nodes form one group: with failover the older (node 1) serves. */
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 3, -1, true, false), 0);
    /* Balancing among them: h(7,1) vs h(7,3) decides. */
    ptrdiff_t want = thash(7, 1) > thash(7, 3) ? 0 : 2;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 3, -1, false, false), want);
}

static void test_p6_in_region_failover_oldest(void)
{
    /* Same nodes as the rendezvous example: failover ignores the hash and takes the oldest. */
    const int64_t lat[] = {20 * MS, 30 * MS};
    ctrl_rcandidate_t c[] = {R(3, 300, true, true, 0), R(11, 100, true, true, 0),
                             R(5, 200, true, true, 0), R(1, 1, true, true, 1)};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 4, -1, true, false), 1);
    /* Node 11 goes offline: the next oldest in the region, not node 1 of region 1. */
    c[1].node.online = false;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 4, -1, true, false), 2);
    /* Node 11 returns: it takes P back without sticky ... */
    c[1].node.online = true;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 4, 2, true, false), 1);
    /* ... and with sticky the current node (5) keeps it. */
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 4, 2, true, true), 2);
}

static void test_p6_failover_sticky_only_inside_group(void)
{
    /* The client was served from region 1 (node 1) while its own region was empty; a node of
     * its own region is eligible again, so the client moves back despite sticky. */
    const int64_t lat[] = {20 * MS, 30 * MS};
    ctrl_rcandidate_t c[] = {R(1, 1, true, true, 1), R(2, 500, true, true, 0)};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 2, 0, true, true), 1);
    /* A sticky current that is ineligible does not stay. */
    ctrl_rcandidate_t d[] = {R(1, 1, true, true, 0), R(2, 500, true, false, 0)};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, d, 2, 1, true, true), 0);
}

static void test_p6_client_without_region_uses_p3(void)
{
    ctrl_rcandidate_t c[] = {R(5, 200, true, true, 0), R(3, 300, true, true, 1),
                             R(11, 100, true, true, -1)};
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, -1, NULL, 0, c, 3, -1, false, false), 2);
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, -1, NULL, 0, c, 3, 0, false, true), 0);
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, -1, NULL, 0, c, 3, 0, false, false), 2);
}

static void test_p6_p5_no_eligible_anywhere(void)
{
    const int64_t lat[] = {20 * MS, 30 * MS};
    ctrl_rcandidate_t c[] = {R(1, 100, false, true, 1), R(2, 200, false, true, 0),
                             R(3, 50, true, false, 0)};
    /* The client's last node keeps P (traffic dropped), in either mode. */
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 3, 1, false, false), 1);
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 3, 1, true, true), 1);
    /* No last node: the oldest approved advertiser. */
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 3, -1, false, false), 0);
    /* No approved advertiser: P leaves the client's netmap. */
    c[0].node.approved = false;
    c[1].node.approved = false;
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, c, 3, 1, false, false), -1);
    CU_ASSERT_EQUAL(ctrl_elect_regional(7, 0, lat, 2, NULL, 0, -1, false, false), -1);
}

void suite_elect(void);
void suite_elect(void)
{
    static CU_TestInfo tests[] = {
        {"P3 the oldest eligible node serves", test_p3_oldest_serves},
        {"P3 created ties go to the lower id", test_p3_created_tie_lower_id},
        {"P3 offline and unapproved nodes are excluded", test_p3_offline_and_unapproved_excluded},
        {"P3 the oldest takes P back when it returns", test_p3_oldest_takes_back},
        {"P3 sticky_primary keeps the current node", test_p3_sticky_keeps_current},
        {"P3 sticky moves when the current node is ineligible",
         test_p3_sticky_moves_when_current_ineligible},
        {"P3 a current index out of range counts as none", test_p3_bad_current_is_none},
        {"P3 duplicate ids: the earlier index wins", test_p3_duplicate_ids_earlier_index},
        {"P5 no online advertiser: P stays with the last one", test_p5_keeps_last_when_none_online},
        {"P5 an online unapproved node is no fallback", test_p5_online_unapproved_is_no_fallback},
        {"P5 last server gone: the oldest approved advertiser holds P",
         test_p5_last_gone_oldest_approved_remains},
        {"P5 no approved advertiser: P leaves the netmap", test_p5_leaves_netmap},
        {"P6 rendezvous order from the T3 vectors", test_p6_rendezvous_order_by_hand},
        {"P6 load balancing picks the greatest h(client, node)",
         test_p6_rendezvous_matches_thash},
        {"P6 load balancing ignores sticky and age", test_p6_balancing_ignores_sticky_and_age},
        {"P6 the client's own region comes first", test_p6_own_region_first},
        {"P6 falls back to the next closest region", test_p6_next_closest_region},
        {"P6 equal latencies go to the lower region id", test_p6_latency_tie_lower_region},
        {"P6 regions without client latency come last, by id",
         test_p6_unmeasured_regions_last_by_id},
        {"P6 nodes without a region come after every region", test_p6_regionless_candidates_last},
        {"P6 in_region_failover uses the P3 order and sticky", test_p6_in_region_failover_oldest},
        {"P6 in_region_failover sticky only inside the chosen region",
         test_p6_failover_sticky_only_inside_group},
        {"P6 P3 a client without a region uses the P3 order",
         test_p6_client_without_region_uses_p3},
        {"P6 P5 no eligible node anywhere", test_p6_p5_no_eligible_anywhere},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("elect", tests);
}
