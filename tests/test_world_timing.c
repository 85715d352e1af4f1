/* World tests: timing (T1, T2, P4, P7, K5) and network faults. */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "ctrl.h"
#include "support_world.h"
#include "testutil.h"

static const char *const ZONE[] = {
    "example.com. 300 IN SOA ns. h. 1 2 3 4 5",
    "www.example.com. 300 IN A 192.0.2.7",
    NULL,
};

#define SEED 7

/* conn (id 1, eu 20 ms) and laptop (id 2, eu 40 ms): app web for *.example.com; limits NULL
 * for the defaults. */
static world_t *basic_limits(const world_settings_t *s, const engine_limits_t *limits,
                             size_t *conn, size_t *laptop)
{
    errinfo_t e;
    world_t *w = world_new(s, SEED, limits, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL_FATAL(world_add_region(w, "eu", &e), 0);
    tw_spec_t n;
    tw_spec(&n, 1, "conn", "conn", "203.0.113.1");
    n.n.advertise_connector = true;
    tw_spec_lat(&n, 0, TW_MS(20));
    *conn = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    tw_spec_lat(&n, 0, TW_MS(40));
    *laptop = tw_add(w, &n);
    tw_app_t app = {"web", "tag:conn", "*", "example.com,*.example.com", NULL};
    tw_policy(w, &app, 1, "0.0.0.0/0=tag:conn", NULL);
    world_set_dns(w, tw_db("example.com", ZONE));
    return w;
}

static world_t *basic(const world_settings_t *s, size_t *conn, size_t *laptop)
{
    return basic_limits(s, NULL, conn, laptop);
}

static sim_time_t arrival(sim_time_t t, uint64_t id, const world_settings_t *s)
{
    return ctrl_propagation_at(t, SEED, id, s->propagation_delay, s->propagation_jitter);
}

static void test_k5_learning_race(void)
{
    world_settings_t s = world_settings_default();
    s.advertise_delay = TW_MS(100);
    size_t conn, laptop;
    world_t *w = basic(&s, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, "q1", &e);
    /* The answer is produced at 1.020 s (half of laptop's 40 ms RTT to eu). */
    sim_time_t produced = TW_MS(1020);
    sim_time_t reach = arrival(produced + s.advertise_delay, 2, &s);
    CU_ASSERT_TRUE(reach > produced + s.advertise_delay + s.propagation_delay);
    pfx_addr_t a = tw_addr("192.0.2.7");
    size_t early = world_ev_flow_addr(w, reach - 1, laptop, &a, "early", &e);
    size_t at = world_ev_flow_addr(w, reach, laptop, &a, "at", &e);
    size_t after = world_ev_flow_addr(w, reach + 1, laptop, &a, "after", &e);
    CU_ASSERT_NOT_EQUAL_FATAL(after, WORLD_NONE);
    tw_run(w, reach - 1);
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), WORLD_NONE);
    CU_ASSERT_EQUAL(tw_time(w, "route_change", "conn", 0), produced);
    CU_ASSERT_EQUAL(tw_time(w, "report", "conn", 0), produced + s.advertise_delay);
    tw_run(w, reach);
    /* checked once every event at the instant ran: the route is there */
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), conn);
    CU_ASSERT_EQUAL(tw_time(w, "netmap", "laptop", 1), reach);
    tw_run(w, reach + 1);
    const world_flow_result_t *r1 = world_flow_result(w, early), *r2 = world_flow_result(w, at),
                              *r3 = world_flow_result(w, after);
    CU_ASSERT_EQUAL(r1->outcome, WORLD_FLOW_DIRECT);
    pfx_addr_t mine = tw_addr("198.51.100.9"), theirs = tw_addr("203.0.113.1");
    CU_ASSERT_TRUE(pfx_addr_equal(&r1->egress, &mine));
    /* T1: the flow at the delivery's instant is a timeline event: it runs first */
    CU_ASSERT_EQUAL(r2->outcome, WORLD_FLOW_DIRECT);
    CU_ASSERT_EQUAL(r3->outcome, WORLD_FLOW_VIA);
    CU_ASSERT_EQUAL(r3->node, conn);
    CU_ASSERT_TRUE(pfx_addr_equal(&r3->egress, &theirs));
    world_free(w);
}

static void test_t2_exact_times(void)
{
    world_settings_t s = world_settings_default();
    s.upstream_rtt = TW_MS(30);
    size_t conn, laptop;
    world_t *w = basic(&s, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    size_t q = world_ev_query(w, TW_S(2), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(3));
    /* request 20 ms, lookup 30 ms (the connector learns then), reply 20 ms */
    CU_ASSERT_EQUAL(tw_time(w, "learn", "conn", 0), TW_MS(2050));
    CU_ASSERT_EQUAL(world_query_result(w, q)->at, TW_MS(2070));
    CU_ASSERT_EQUAL(tw_time(w, "dns_answer", "laptop", 0), TW_MS(2070));
    world_free(w);
}

static void test_t2_default_rtt(void)
{
    world_settings_t s = world_settings_default();
    s.default_rtt = TW_MS(11);
    world_t *w = tw_world(&s, SEED);
    errinfo_t e;
    world_add_region(w, "eu", &e);
    tw_spec_t n;
    tw_spec(&n, 1, "conn", "conn", "203.0.113.1");
    n.n.advertise_connector = true;
    n.n.region = 0; /* pinned, but the laptop has no latency to it */
    size_t conn = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    size_t laptop = tw_add(w, &n);
    tw_app_t app = {"web", "tag:conn", "*", "example.com", NULL};
    tw_policy(w, &app, 1, NULL, NULL);
    world_set_dns(w, tw_db("example.com", ZONE));
    tw_start(w);
    size_t q = world_ev_query(w, TW_S(1), laptop, "example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(2));
    /* half of 11 ms is 5.5 ms each way */
    CU_ASSERT_EQUAL(world_query_result(w, q)->at, TW_S(1) + 11000000);
    CU_ASSERT_EQUAL(world_query_result(w, q)->by, conn);
    world_free(w);
}

static void test_t1_timeline_first(void)
{
    /* P4 inclusive: a session back exactly at loss + detection_delay: the timeline event runs
     * first at that instant, yet the offline instant still happens. */
    size_t conn, laptop;
    world_t *w = basic(NULL, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    world_ev_ctrl_lost(w, TW_S(10), conn, &e);
    world_ev_ctrl_back(w, TW_S(25), conn, &e);
    world_ev_ctrl_lost(w, TW_S(30), laptop, &e);
    world_ev_ctrl_back(w, TW_S(45) - 1, laptop, &e);
    tw_run(w, TW_S(60));
    CU_ASSERT_EQUAL(tw_count(w, "offline", "conn"), 1);
    CU_ASSERT_EQUAL(tw_time(w, "offline", "conn", 0), TW_S(25));
    CU_ASSERT_EQUAL(tw_time(w, "online", "conn", 0), TW_S(25));
    CU_ASSERT_EQUAL(tw_count(w, "offline", "laptop"), 0);
    CU_ASSERT_TRUE(world_ctrl_online(w, conn));
    world_free(w);
}

static void test_t1_down_before_reply(void)
{
    /* The reply reaches the laptop at 1.040 s, when a timeline `down` of the laptop runs
     * first: the reply is lost and the query times out. */
    size_t conn, laptop;
    world_t *w = basic(NULL, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    size_t q = world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    world_ev_down(w, TW_MS(1040), laptop, &e);
    tw_run(w, TW_S(10));
    const world_query_result_t *r = world_query_result(w, q);
    CU_ASSERT_TRUE(r->done);
    CU_ASSERT_EQUAL(r->rcode, LDNS_RCODE_SERVFAIL);
    CU_ASSERT_EQUAL(r->at, TW_S(6));
    /* K1: the connector learned anyway. */
    CU_ASSERT_TRUE(tw_advertises(w, conn, "192.0.2.7/32"));
    world_free(w);
}

/* c1 (older) and c2 advertise 10.1.0.0/24; the laptop's route goes to c1. */
static world_t *two_routers(const world_settings_t *s, size_t *c1, size_t *c2, size_t *laptop)
{
    world_t *w = tw_world(s, SEED);
    tw_spec_t n;
    tw_spec(&n, 11, "c1", "router", "203.0.113.1");
    n.n.created = 0;
    tw_spec_route(&n, "10.1.0.0/24");
    *c1 = tw_add(w, &n);
    tw_spec(&n, 12, "c2", "router", "203.0.113.2");
    n.n.created = TW_S(1);
    tw_spec_route(&n, "10.1.0.0/24");
    *c2 = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    *laptop = tw_add(w, &n);
    tw_policy(w, NULL, 0, "10.0.0.0/8=tag:router", NULL);
    return w;
}

static void test_p4_failover_timing(void)
{
    world_settings_t s = world_settings_default();
    size_t c1, c2, laptop;
    world_t *w = two_routers(&s, &c1, &c2, &laptop);
    tw_start(w);
    pfx_addr_t a = tw_addr("10.1.0.9");
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), c1);
    errinfo_t e;
    world_ev_down(w, TW_S(10), c1, &e);
    sim_time_t offline = TW_S(25);
    sim_time_t reach = arrival(offline, 2, &s);
    size_t f1 = world_ev_flow_addr(w, TW_S(11), laptop, &a, NULL, &e);
    size_t f2 = world_ev_flow_addr(w, reach - 1, laptop, &a, NULL, &e);
    size_t f3 = world_ev_flow_addr(w, reach + 1, laptop, &a, NULL, &e);
    tw_run(w, offline - 1);
    CU_ASSERT_TRUE(world_ctrl_online(w, c1));
    tw_run(w, offline);
    CU_ASSERT_FALSE(world_ctrl_online(w, c1));
    CU_ASSERT_TRUE(tw_has(w, "primary", NULL, 1, "\"to\":\"c2\""));
    tw_run(w, reach + 1);
    /* down at once for K4; offline only after detection_delay; the laptop learns it per P7 */
    CU_ASSERT_EQUAL(world_flow_result(w, f1)->outcome, WORLD_FLOW_DROPPED);
    CU_ASSERT_STRING_EQUAL(world_flow_result(w, f1)->reason, "via down");
    CU_ASSERT_EQUAL(world_flow_result(w, f2)->outcome, WORLD_FLOW_DROPPED);
    CU_ASSERT_EQUAL(world_flow_result(w, f3)->outcome, WORLD_FLOW_VIA);
    CU_ASSERT_EQUAL(world_flow_result(w, f3)->node, c2);
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), c2);
    world_free(w);
}

static void test_p7_jitter_per_node(void)
{
    world_settings_t s = world_settings_default();
    size_t c1, c2, laptop;
    world_t *w = two_routers(&s, &c1, &c2, &laptop);
    tw_start(w);
    errinfo_t e;
    world_ev_ctrl_lost(w, TW_S(5), c1, &e);
    tw_run(w, TW_S(30));
    /* The change at 20 s (offline) reaches each connected node at 20 s + 1.3 s + j(n). */
    CU_ASSERT_EQUAL(tw_time(w, "netmap", "laptop", 1), arrival(TW_S(20), 2, &s));
    CU_ASSERT_EQUAL(tw_time(w, "netmap", "c2", 1), arrival(TW_S(20), 12, &s));
    CU_ASSERT_TRUE(tw_has(w, "netmap", "laptop", 1, "\"peers\":[[\"c1\",false]]"));
    CU_ASSERT_NOT_EQUAL(arrival(TW_S(20), 2, &s), arrival(TW_S(20), 12, &s));
    /* c1 has no session: nothing reaches it */
    CU_ASSERT_EQUAL(tw_count(w, "netmap", "c1"), 1);
    world_free(w);
}

static void test_net_partition_times_out(void)
{
    size_t conn, laptop;
    world_t *w = basic(NULL, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    world_net_rule_t rule = {laptop, conn, WORLD_NONE, 1000000, 0};
    CU_ASSERT_EQUAL(world_ev_net(w, TW_S(1), TW_S(3), &rule, &e), 0);
    size_t q1 = world_ev_query(w, TW_S(2), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    size_t q2 = world_ev_query(w, TW_S(3), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(20));
    CU_ASSERT_EQUAL(world_query_result(w, q1)->rcode, LDNS_RCODE_SERVFAIL);
    CU_ASSERT_EQUAL(world_query_result(w, q1)->at, TW_S(7));
    CU_ASSERT_EQUAL(world_query_result(w, q2)->rcode, LDNS_RCODE_NOERROR);
    CU_ASSERT_EQUAL(world_query_result(w, q2)->at, TW_MS(3040));
    world_free(w);
}

static void test_k1_timeout_boundary(void)
{
    /* Each leg is 20 ms plus 2.48 s of added delay: the reply arrives exactly dns_timeout
     * after the query, which is too late (world.h); 1 ns less is in time. */
    for (int late = 0; late < 2; late++) {
        size_t conn, laptop;
        world_t *w = basic(NULL, &conn, &laptop);
        tw_start(w);
        errinfo_t e;
        world_net_rule_t rule = {laptop, conn, WORLD_NONE, 0, TW_MS(2480) - (late ? 0 : 1)};
        world_ev_net(w, 0, SIMTIME_MAX, &rule, &e);
        size_t q = world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL,
                                  &e);
        tw_run(w, TW_S(10));
        const world_query_result_t *r = world_query_result(w, q);
        CU_ASSERT_EQUAL(r->rcode, late ? LDNS_RCODE_SERVFAIL : LDNS_RCODE_NOERROR);
        CU_ASSERT_EQUAL(r->at, late ? TW_S(6) : TW_S(6) - 2);
        world_free(w);
    }
}

static void test_net_region_delay(void)
{
    size_t conn, laptop;
    world_t *w = basic(NULL, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    world_net_rule_t rule = {laptop, WORLD_NONE, 0, 0, TW_MS(5)};
    CU_ASSERT_EQUAL(world_ev_net(w, 0, SIMTIME_MAX, &rule, &e), 0);
    size_t q = world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(2));
    CU_ASSERT_EQUAL(world_query_result(w, q)->at, TW_MS(1050));
    /* bad rules are refused */
    world_net_rule_t bad = {laptop, WORLD_NONE, 9, 0, 0};
    CU_ASSERT_EQUAL(world_ev_net(w, TW_S(3), TW_S(4), &bad, &e), -1);
    bad = (world_net_rule_t){laptop, conn, WORLD_NONE, 2000000, 0};
    CU_ASSERT_EQUAL(world_ev_net(w, TW_S(3), TW_S(4), &bad, &e), -1);
    world_free(w);
}

static void test_net_loss_is_seeded(void)
{
    /* Half the messages are lost, drawn from the sender's stream: two runs agree. */
    uint64_t done[2] = {0, 0};
    for (int run = 0; run < 2; run++) {
        size_t conn, laptop;
        world_t *w = basic(NULL, &conn, &laptop);
        tw_start(w);
        errinfo_t e;
        world_net_rule_t rule = {laptop, conn, WORLD_NONE, 500000, 0};
        world_ev_net(w, 0, SIMTIME_MAX, &rule, &e);
        size_t q[40];
        for (int i = 0; i < 40; i++)
            q[i] = world_ev_query(w, TW_S(1 + i), laptop, "www.example.com", LDNS_RR_TYPE_A,
                                  NULL, &e);
        tw_run(w, TW_S(100));
        for (int i = 0; i < 40; i++)
            done[run] = done[run] * 2 + (world_query_result(w, q[i])->rcode == 0);
        world_free(w);
    }
    CU_ASSERT_EQUAL(done[0], done[1]);
    CU_ASSERT_NOT_EQUAL(done[0], 0);
    CU_ASSERT_NOT_EQUAL(done[0], (1ULL << 40) - 1);
}

/* T2 sums of times saturate at the end of time (simtime_add_sat) instead of overflowing (UBSan
 * stops the test run on a signed overflow); what is due then is due never: a message is lost,
 * a timer never fires, and the run still ends with nothing pending. */
static void test_t2_sums_saturate(void)
{
    engine_limits_t lim = {0, SIMTIME_MAX};
    const sim_time_t late = SIMTIME_MAX / 2 + TW_S(1);
    errinfo_t e;
    size_t conn, laptop;

    /* half of a huge RTT after a late instant: the request is lost, the query times out */
    world_settings_t s = world_settings_default();
    world_t *w = basic_limits(&s, &lim, &conn, &laptop);
    tw_start(w);
    CU_ASSERT_EQUAL(world_ev_latency(w, late - 1, laptop, 0, SIMTIME_MAX, &e), 0);
    size_t q = world_ev_query(w, late, laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    CU_ASSERT_EQUAL(world_run(w, &e), 0);
    const world_query_result_t *r = world_query_result(w, q);
    CU_ASSERT_TRUE(r->done);
    CU_ASSERT_EQUAL(r->rcode, LDNS_RCODE_SERVFAIL);
    CU_ASSERT_EQUAL(r->at, late + s.dns_timeout);
    CU_ASSERT_EQUAL(tw_count(w, "learn", "conn"), 0);
    world_free(w);

    /* overlapping fault delays add up past the end of time: the request is lost */
    w = basic_limits(&s, &lim, &conn, &laptop);
    tw_start(w);
    world_net_rule_t slow = {laptop, conn, WORLD_NONE, 0, SIMTIME_MAX - 10};
    CU_ASSERT_EQUAL(world_ev_net(w, 0, SIMTIME_MAX, &slow, &e), 0);
    CU_ASSERT_EQUAL(world_ev_net(w, 0, SIMTIME_MAX, &slow, &e), 0);
    q = world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    CU_ASSERT_EQUAL(world_run(w, &e), 0);
    CU_ASSERT_EQUAL(world_query_result(w, q)->rcode, LDNS_RCODE_SERVFAIL);
    CU_ASSERT_EQUAL(world_query_result(w, q)->at, TW_S(1) + s.dns_timeout);
    world_free(w);

    /* a huge dns_timeout and upstream_rtt: no timeout, no lookup; the query never ends */
    s.dns_timeout = SIMTIME_MAX;
    s.upstream_rtt = SIMTIME_MAX / 2;
    w = basic_limits(&s, &lim, &conn, &laptop);
    tw_start(w);
    q = world_ev_query(w, late, laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    size_t local = world_ev_query(w, late, laptop, "www.other.org", LDNS_RR_TYPE_A, NULL, &e);
    CU_ASSERT_EQUAL(world_run(w, &e), 0);
    CU_ASSERT_FALSE(world_query_result(w, q)->done);
    CU_ASSERT_FALSE(world_query_result(w, local)->done);
    world_free(w);

    /* advertise_delay, detection_delay and propagation_delay past the end of time: the report,
     * the offline instant and the netmap never come */
    s = world_settings_default();
    s.advertise_delay = SIMTIME_MAX / 2 + TW_S(1);
    s.detection_delay = SIMTIME_MAX / 2 + TW_S(1);
    w = basic_limits(&s, &lim, &conn, &laptop);
    tw_start(w);
    q = world_ev_query(w, late, laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    CU_ASSERT_EQUAL(world_ev_ctrl_lost(w, late, conn, &e), 0);
    CU_ASSERT_EQUAL(world_run(w, &e), 0);
    CU_ASSERT_TRUE(tw_advertises(w, conn, "192.0.2.7/32"));
    CU_ASSERT_EQUAL(world_ctrl_set(w, conn) ? pfxset_count(world_ctrl_set(w, conn)) : 0, 0);
    CU_ASSERT_TRUE(world_ctrl_online(w, conn));
    world_free(w);

    s = world_settings_default();
    s.propagation_delay = SIMTIME_MAX - TW_S(1);
    w = basic_limits(&s, &lim, &conn, &laptop);
    tw_start(w);
    q = world_ev_query(w, TW_S(2), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    CU_ASSERT_EQUAL(world_run(w, &e), 0);
    CU_ASSERT_EQUAL(world_route_count(w, laptop), 0); /* the route's netmap never arrives */
    CU_ASSERT_EQUAL(tw_count(w, "netmap", "laptop"), 1); /* the start's only */
    world_free(w);
}

void suite_world_timing(void);
void suite_world_timing(void)
{
    static CU_TestInfo tests[] = {
        {"K5 T1 T2 P7 a learned route reaches the client at t + advertise_delay + 1.3 s + j(c)",
         test_k5_learning_race},
        {"T2 request, lookup (upstream_rtt) and reply take their exact times",
         test_t2_exact_times},
        {"T2 half of default_rtt without a latency to the server's region", test_t2_default_rtt},
        {"T1 P4 timeline first at equal times, offline still inclusive", test_t1_timeline_first},
        {"T1 K1 a down at the reply's instant loses the reply; the connector learned",
         test_t1_down_before_reply},
        {"P4 P7 K4 failover after detection_delay plus propagation, not before",
         test_p4_failover_timing},
        {"P7 each node gets a change at t + 1.3 s + j(n); no session, no netmap",
         test_p7_jitter_per_node},
        {"T2 K1 a partition drops requests until it ends (timeout)",
         test_net_partition_times_out},
        {"K1 T2 a reply exactly at dns_timeout is too late", test_k1_timeout_boundary},
        {"T2 added latency towards a region; bad rules refused", test_net_region_delay},
        {"T2 loss draws from the sender's seeded stream", test_net_loss_is_seeded},
        {"T2 sums of times saturate: what is due after the end of time never comes",
         test_t2_sums_saturate},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("world_timing", tests);
}
