/* World tests: the control plane end to end (P1-P8, C2). */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "ctrl.h"
#include "thash.h"
#include "support_world.h"
#include "testutil.h"

#define SEED 3

static const char *const ZONE[] = {
    "example.com. 300 IN SOA ns. h. 1 2 3 4 5",
    "www.example.com. 300 IN A 192.0.2.7",
    "db.example.com. 300 IN A 10.9.1.1",
    NULL,
};

static sim_time_t reach(sim_time_t t, uint64_t id)
{
    world_settings_t s = world_settings_default();
    return ctrl_propagation_at(t, SEED, id, s.propagation_delay, s.propagation_jitter);
}

/* A laptop (id 2) and routers r1 (id 11, oldest), r2 (id 12), each advertising `route`. */
static world_t *routers(const world_settings_t *s, const char *route, const char *approvers,
                        size_t *r1, size_t *r2, size_t *laptop)
{
    world_t *w = tw_world(s, SEED);
    tw_spec_t n;
    tw_spec(&n, 11, "r1", "router", "203.0.113.1");
    tw_spec_route(&n, route);
    *r1 = tw_add(w, &n);
    tw_spec(&n, 12, "r2", "router", "203.0.113.2");
    n.n.created = TW_S(1);
    tw_spec_route(&n, route);
    *r2 = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    *laptop = tw_add(w, &n);
    tw_policy(w, NULL, 0, approvers, NULL);
    return w;
}

static void test_p1_auto_and_event(void)
{
    world_t *w = tw_world(NULL, SEED);
    tw_spec_t n;
    tw_spec(&n, 11, "r1", "router", "203.0.113.1");
    tw_spec_route(&n, "10.1.0.0/24");
    size_t r1 = tw_add(w, &n);
    tw_spec(&n, 12, "u1", "user", "203.0.113.2");
    tw_spec_route(&n, "10.2.0.0/24");
    size_t u1 = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    size_t laptop = tw_add(w, &n);
    tw_policy(w, NULL, 0, "10.0.0.0/8=tag:router", NULL);
    tw_start(w);
    pfx_t p1 = tw_pfx("10.1.0.0/24"), p2 = tw_pfx("10.2.0.0/24");
    CU_ASSERT_TRUE(world_ctrl_approved(w, r1, &p1));
    CU_ASSERT_FALSE(world_ctrl_approved(w, u1, &p2));
    pfx_addr_t a1 = tw_addr("10.1.0.1"), a2 = tw_addr("10.2.0.1");
    CU_ASSERT_EQUAL(world_route(w, laptop, &a1, NULL), r1);
    /* P1: unapproved prefixes are never distributed */
    CU_ASSERT_EQUAL(world_route(w, laptop, &a2, NULL), WORLD_NONE);
    errinfo_t e;
    world_ev_approve(w, TW_S(1), u1, &p2, &e);
    world_ev_unapprove(w, TW_S(10), u1, &p2, &e);
    pfx_t other = tw_pfx("10.3.0.0/24");
    world_ev_approve(w, TW_S(11), u1, &other, &e);
    tw_run(w, reach(TW_S(1), 2) - 1);
    CU_ASSERT_TRUE(world_ctrl_approved(w, u1, &p2));
    CU_ASSERT_EQUAL(world_route(w, laptop, &a2, NULL), WORLD_NONE);
    tw_run(w, reach(TW_S(1), 2));
    CU_ASSERT_EQUAL(world_route(w, laptop, &a2, NULL), u1);
    tw_run(w, TW_S(20));
    CU_ASSERT_FALSE(world_ctrl_approved(w, u1, &p2));
    CU_ASSERT_EQUAL(world_route(w, laptop, &a2, NULL), WORLD_NONE);
    CU_ASSERT_TRUE(tw_has(w, "approval", "u1", 1, "\"by\":\"event\""));
    CU_ASSERT_TRUE(tw_has(w, "approval", "u1", 2, "\"by\":\"unapprove\""));
    /* approving what the node does not advertise is rejected, not fatal */
    CU_ASSERT_TRUE(tw_has(w, "rejected", "u1", 0, "\"event\":\"approve\""));
    world_free(w);
}

/* conn (id 1, tag:conn) with app web (example.com, *.example.com); laptop (id 2). No
 * approvers unless given. */
static world_t *connector_world(const world_settings_t *s, const char *approvers,
                                const char *routes, size_t *conn, size_t *laptop)
{
    world_t *w = tw_world(s, SEED);
    tw_spec_t n;
    tw_spec(&n, 1, "conn", "conn", "203.0.113.1");
    n.n.advertise_connector = true;
    *conn = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    *laptop = tw_add(w, &n);
    tw_app_t app = {"web", "tag:conn", "*", "example.com,*.example.com", routes};
    tw_policy(w, &app, 1, approvers, NULL);
    world_set_dns(w, tw_db("example.com", ZONE));
    return w;
}

static void test_p1_policy_edit_and_leaving(void)
{
    size_t conn, laptop;
    world_t *w = connector_world(NULL, NULL, NULL, &conn, &laptop);
    /* v1: the app loses its domains (the learned route leaves); v2: back, with an approver */
    tw_app_t none = {"web", "tag:conn", "*", "other.org", NULL};
    size_t v1 = tw_policy(w, &none, 1, NULL, NULL);
    tw_app_t back = {"web", "tag:conn", "*", "example.com,*.example.com", NULL};
    size_t v2 = tw_policy(w, &back, 1, "192.0.2.0/24=tag:conn", NULL);
    size_t v3 = tw_policy(w, &back, 1, NULL, NULL);
    tw_start(w);
    errinfo_t e;
    pfx_t p = tw_pfx("192.0.2.7/32");
    world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    world_ev_approve(w, TW_S(2), conn, &p, &e);
    world_ev_restart(w, TW_S(3), conn, &e);
    tw_run(w, TW_S(4));
    /* P1: a restart is not leaving */
    CU_ASSERT_TRUE(world_ctrl_approved(w, conn, &p));
    world_ev_policy(w, TW_S(5), v1, &e);
    tw_run(w, TW_S(10));
    CU_ASSERT_FALSE(tw_advertises(w, conn, "192.0.2.7/32"));
    CU_ASSERT_FALSE(pfxset_contains(world_ctrl_set(w, conn), &p, NULL));
    world_ev_policy(w, TW_S(11), v3, &e);
    world_ev_query(w, TW_S(15), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(16));
    /* P1: leaving erased the approval; re-entering without an approver leaves it pending */
    CU_ASSERT_TRUE(pfxset_contains(world_ctrl_set(w, conn), &p, NULL));
    CU_ASSERT_FALSE(world_ctrl_approved(w, conn, &p));
    /* P1: a policy edit that would approve it does not approve a pending prefix... */
    world_ev_policy(w, TW_S(17), v2, &e);
    world_ev_query(w, TW_S(20), laptop, "db.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(25));
    CU_ASSERT_FALSE(world_ctrl_approved(w, conn, &p));
    /* ...but it approves what enters afterwards only when the approver covers it */
    pfx_t db = tw_pfx("10.9.1.1/32");
    CU_ASSERT_TRUE(pfxset_contains(world_ctrl_set(w, conn), &db, NULL));
    CU_ASSERT_FALSE(world_ctrl_approved(w, conn, &db));
    world_free(w);
}

static void test_c2_control_routes_approved(void)
{
    size_t conn, laptop;
    world_t *w = connector_world(NULL, NULL, "10.9.0.0/16", &conn, &laptop);
    tw_start(w);
    pfx_t p = tw_pfx("10.9.0.0/16");
    CU_ASSERT_TRUE(tw_advertises(w, conn, "10.9.0.0/16"));
    CU_ASSERT_TRUE(world_ctrl_approved(w, conn, &p));
    pfx_addr_t a = tw_addr("10.9.1.1");
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), conn);
    /* C3: a learned address inside the control route is absorbed */
    errinfo_t e;
    world_ev_query(w, TW_S(1), laptop, "db.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(2));
    CU_ASSERT_FALSE(tw_advertises(w, conn, "10.9.1.1/32"));
    CU_ASSERT_TRUE(tw_has(w, "approval", "conn", 0, "\"by\":\"control route\""));
    world_free(w);
}

static void test_c2_policy_reaches_connector_per_p7(void)
{
    size_t conn, laptop;
    world_t *w = connector_world(NULL, NULL, NULL, &conn, &laptop);
    tw_app_t more = {"web", "tag:conn", "*", "example.com", "10.9.0.0/16"};
    size_t v1 = tw_policy(w, &more, 1, NULL, NULL);
    tw_start(w);
    errinfo_t e;
    world_ev_policy(w, TW_S(2), v1, &e);
    sim_time_t at = reach(TW_S(2), 1);
    tw_run(w, at - 1);
    CU_ASSERT_FALSE(tw_advertises(w, conn, "10.9.0.0/16"));
    tw_run(w, at);
    CU_ASSERT_TRUE(tw_advertises(w, conn, "10.9.0.0/16"));
    CU_ASSERT_EQUAL(tw_time(w, "route_change", "conn", 0), at);
    pfx_addr_t a = tw_addr("10.9.1.1");
    tw_run(w, reach(at, 2));
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), conn);
    world_free(w);
}

static void test_p4_set_changes_only_while_connected(void)
{
    world_settings_t s = world_settings_default();
    s.advertise_delay = TW_MS(200);
    size_t conn, laptop;
    world_t *w = connector_world(&s, "0.0.0.0/0=tag:conn", NULL, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    pfx_t p = tw_pfx("192.0.2.7/32");
    pfx_addr_t a = tw_addr("192.0.2.7");
    world_ev_ctrl_lost(w, TW_S(1), conn, &e);
    world_ev_query(w, TW_S(2), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    world_ev_ctrl_back(w, TW_S(10), conn, &e);
    tw_run(w, TW_S(9));
    /* P4: the connector learned, but control keeps the last set it got */
    CU_ASSERT_TRUE(tw_advertises(w, conn, "192.0.2.7/32"));
    CU_ASSERT_FALSE(pfxset_contains(world_ctrl_set(w, conn), &p, NULL));
    tw_run(w, TW_S(10) + TW_MS(200) - 1);
    CU_ASSERT_TRUE(world_ctrl_online(w, conn));
    CU_ASSERT_FALSE(pfxset_contains(world_ctrl_set(w, conn), &p, NULL));
    /* back: the node reports its whole set after advertise_delay */
    tw_run(w, TW_S(10) + TW_MS(200));
    CU_ASSERT_TRUE(pfxset_contains(world_ctrl_set(w, conn), &p, NULL));
    CU_ASSERT_TRUE(tw_has(w, "report", "conn", 0, "\"full\":true,\"add\":[\"192.0.2.7/32\"]"));
    tw_run(w, reach(TW_S(10) + TW_MS(200), 2));
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), conn);
    world_free(w);
}

static void test_p7_same_instant_together(void)
{
    world_t *w = tw_world(NULL, SEED);
    tw_spec_t n;
    tw_spec(&n, 12, "u1", "user", "203.0.113.2");
    tw_spec_route(&n, "10.2.0.0/24");
    tw_spec_route(&n, "10.3.0.0/24");
    size_t u1 = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    tw_add(w, &n);
    tw_policy(w, NULL, 0, NULL, NULL);
    tw_start(w);
    errinfo_t e;
    pfx_t p3 = tw_pfx("10.3.0.0/24"), p2 = tw_pfx("10.2.0.0/24");
    world_ev_approve(w, TW_S(1), u1, &p3, &e);
    world_ev_approve(w, TW_S(1), u1, &p2, &e);
    tw_run(w, TW_S(5));
    /* P7: both changes of the instant arrive in one delivery, in order (C7 after sorting) */
    CU_ASSERT_EQUAL(tw_count(w, "netmap", "laptop"), 2);
    CU_ASSERT_TRUE(tw_has(w, "netmap", "laptop", 1,
                          "\"routes\":[[\"10.2.0.0/24\",\"u1\"],[\"10.3.0.0/24\",\"u1\"]]"));
    CU_ASSERT_EQUAL(tw_time(w, "netmap", "laptop", 1), reach(TW_S(1), 2));
    world_free(w);
}

static void test_p3_oldest_takes_back(void)
{
    size_t r1, r2, laptop;
    world_t *w = routers(NULL, "10.1.0.0/24", "10.0.0.0/8=tag:router", &r1, &r2, &laptop);
    tw_start(w);
    errinfo_t e;
    pfx_addr_t a = tw_addr("10.1.0.5");
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), r1);
    world_ev_ctrl_lost(w, TW_S(1), r1, &e);
    world_ev_ctrl_back(w, TW_S(30), r1, &e);
    tw_run(w, TW_S(29));
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), r2);
    tw_run(w, TW_S(40));
    /* P3: by default the oldest eligible node takes P back */
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), r1);
    world_free(w);
}

static void test_p3_sticky(void)
{
    world_settings_t s = world_settings_default();
    s.sticky_primary = true;
    size_t r1, r2, laptop;
    world_t *w = routers(&s, "10.1.0.0/24", "10.0.0.0/8=tag:router", &r1, &r2, &laptop);
    tw_start(w);
    errinfo_t e;
    pfx_addr_t a = tw_addr("10.1.0.5");
    world_ev_ctrl_lost(w, TW_S(1), r1, &e);
    world_ev_ctrl_back(w, TW_S(30), r1, &e);
    tw_run(w, TW_S(40));
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), r2);
    world_free(w);
}

/* C6 P4: a restart re-opens the control session at once: no offline period, not even an
 * offline instant when detection_delay is 0 (a lost session would make one); the full report
 * and the full netmap still happen, and the peers never see the node go offline. */
static void test_c6_restart_no_offline_instant(void)
{
    world_settings_t s = world_settings_default();
    s.detection_delay = 0;
    size_t r1, r2, laptop;
    world_t *w = routers(&s, "10.1.0.0/24", "10.0.0.0/8=tag:router", &r1, &r2, &laptop);
    tw_start(w);
    errinfo_t e;
    CU_ASSERT_EQUAL(world_ev_restart(w, TW_S(5), r1, &e), 0);
    tw_run(w, TW_S(10));
    CU_ASSERT_EQUAL(tw_count(w, "restart", "r1"), 1);
    CU_ASSERT_EQUAL(tw_count(w, "offline", NULL), 0);
    CU_ASSERT_EQUAL(tw_count(w, "online", NULL), 0);
    CU_ASSERT_TRUE(tw_has(w, "report", "r1", tw_count(w, "report", "r1") - 1, "\"full\":true"));
    CU_ASSERT_EQUAL(tw_time(w, "report", "r1", tw_count(w, "report", "r1") - 1), TW_S(5));
    for (size_t i = 0; i < tw_count(w, "netmap", "laptop"); i++)
        CU_ASSERT_FALSE(tw_has(w, "netmap", "laptop", i, "[\"r1\",false]"));
    CU_ASSERT_TRUE(world_ctrl_online(w, r1));
    /* a lost session, by contrast, is offline at once */
    CU_ASSERT_EQUAL(world_ev_ctrl_lost(w, TW_S(20), r1, &e), 0);
    tw_run(w, TW_S(20));
    CU_ASSERT_FALSE(world_ctrl_online(w, r1));
    CU_ASSERT_EQUAL(tw_count(w, "offline", "r1"), 1);
    world_free(w);
}

static void test_p5_no_fallback(void)
{
    world_t *w = tw_world(NULL, SEED);
    tw_spec_t n;
    tw_spec(&n, 11, "r1", "router", "203.0.113.1");
    tw_spec_route(&n, "10.1.0.0/24");
    size_t r1 = tw_add(w, &n);
    tw_spec(&n, 13, "wide", "router", "203.0.113.3");
    tw_spec_route(&n, "10.0.0.0/8");
    size_t wide = tw_add(w, &n);
    tw_spec(&n, 14, "exit", "exit", "203.0.113.4");
    n.n.offers_exit = true;
    size_t x = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    n.n.exit_node = x;
    size_t laptop = tw_add(w, &n);
    tw_policy(w, NULL, 0, "10.0.0.0/8=tag:router", "tag:exit");
    tw_start(w);
    errinfo_t e;
    pfx_addr_t a = tw_addr("10.1.0.5");
    world_ev_down(w, TW_S(1), r1, &e);
    size_t f = world_ev_flow_addr(w, TW_S(30), laptop, &a, NULL, &e);
    tw_run(w, TW_S(31));
    CU_ASSERT_FALSE(world_ctrl_online(w, r1));
    /* P5: P stays with the last one; never the broader prefix, never the exit node */
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), r1);
    CU_ASSERT_EQUAL(world_flow_result(w, f)->outcome, WORLD_FLOW_DROPPED);
    CU_ASSERT_STRING_EQUAL(world_flow_result(w, f)->reason, "via down");
    (void)wide;
    world_free(w);
}

static void test_p5_withdrawn_falls_to_lpm(void)
{
    world_t *w = tw_world(NULL, SEED);
    tw_spec_t n;
    tw_spec(&n, 1, "conn", "conn", "203.0.113.1");
    n.n.advertise_connector = true;
    size_t conn = tw_add(w, &n);
    tw_spec(&n, 13, "wide", "router", "203.0.113.3");
    tw_spec_route(&n, "10.0.0.0/8");
    size_t wide = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    size_t laptop = tw_add(w, &n);
    tw_app_t app = {"web", "tag:conn", "*", "example.com", "10.9.0.0/16"};
    tw_policy(w, &app, 1, "10.0.0.0/8=tag:router", NULL);
    tw_app_t gone = {"web", "tag:conn", "*", "example.com", NULL};
    size_t v1 = tw_policy(w, &gone, 1, "10.0.0.0/8=tag:router", NULL);
    tw_start(w);
    pfx_addr_t a = tw_addr("10.9.1.1");
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), conn);
    errinfo_t e;
    world_ev_policy(w, TW_S(1), v1, &e);
    tw_run(w, TW_S(10));
    /* P5: the last advertiser withdrew P: ordinary longest-prefix match applies */
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), wide);
    world_free(w);
}

static void test_p6_regional(void)
{
    world_settings_t s = world_settings_default();
    s.regional_routing = true;
    world_t *w = tw_world(&s, SEED);
    errinfo_t e;
    world_add_region(w, "eu", &e);
    world_add_region(w, "us", &e);
    tw_spec_t n;
    tw_spec(&n, 11, "r_us", "router", "203.0.113.1");
    tw_spec_lat(&n, 1, TW_MS(5));
    tw_spec_route(&n, "10.1.0.0/24");
    size_t rus = tw_add(w, &n);
    tw_spec(&n, 12, "r_eu", "router", "203.0.113.2");
    n.n.created = TW_S(1);
    tw_spec_lat(&n, 0, TW_MS(5));
    tw_spec_route(&n, "10.1.0.0/24");
    size_t reu = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    tw_spec_lat(&n, 0, TW_MS(30));
    tw_spec_lat(&n, 1, TW_MS(90));
    size_t laptop = tw_add(w, &n);
    tw_policy(w, NULL, 0, "10.0.0.0/8=tag:router", NULL);
    tw_start(w);
    pfx_addr_t a = tw_addr("10.1.0.5");
    CU_ASSERT_EQUAL(world_node_region(w, laptop), 0);
    /* P6: the client's own region first, though r_us is older */
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), reu);
    world_ev_ctrl_lost(w, TW_S(1), reu, &e);
    /* hysteresis: 30 -> 25 ms in eu and us 90 -> 10 ms: moves to us (gain >= 10 ms, <= 2/3) */
    world_ev_latency(w, TW_S(40), laptop, 1, TW_MS(10), &e);
    tw_run(w, TW_S(30));
    /* the next region by the client's latency */
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), rus);
    world_ev_ctrl_back(w, TW_S(31), reu, &e);
    tw_run(w, TW_S(39));
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), reu);
    tw_run(w, TW_S(45));
    CU_ASSERT_EQUAL(world_node_region(w, laptop), 1);
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), rus);
    CU_ASSERT_TRUE(tw_has(w, "primary", NULL, 0, "\"client\":"));
    world_free(w);
}

static void test_p6_pinned_region(void)
{
    world_settings_t s = world_settings_default();
    s.regional_routing = true;
    world_t *w = tw_world(&s, SEED);
    errinfo_t e;
    world_add_region(w, "eu", &e);
    world_add_region(w, "us", &e);
    tw_spec_t n;
    tw_spec(&n, 11, "r_us", "router", "203.0.113.1");
    n.n.region = 1;
    tw_spec_lat(&n, 0, TW_MS(5));
    tw_spec_route(&n, "10.1.0.0/24");
    size_t rus = tw_add(w, &n);
    tw_spec(&n, 12, "r_eu", "router", "203.0.113.2");
    tw_spec_lat(&n, 0, TW_MS(5));
    tw_spec_route(&n, "10.1.0.0/24");
    tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    n.n.region = 1;
    tw_spec_lat(&n, 0, TW_MS(1));
    size_t laptop = tw_add(w, &n);
    tw_policy(w, NULL, 0, "10.0.0.0/8=tag:router", NULL);
    tw_start(w);
    pfx_addr_t a = tw_addr("10.1.0.5");
    CU_ASSERT_EQUAL(world_node_region(w, rus), 1);
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), rus);
    world_ev_latency(w, TW_S(1), laptop, 0, 0, &e);
    tw_run(w, TW_S(5));
    CU_ASSERT_EQUAL(world_node_region(w, laptop), 1);
    world_free(w);
}

static void test_p6_load_balancing(void)
{
    for (int failover = 0; failover < 2; failover++) {
        world_settings_t s = world_settings_default();
        s.regional_routing = true;
        s.in_region_failover = failover == 1;
        world_t *w = tw_world(&s, SEED);
        errinfo_t e;
        world_add_region(w, "eu", &e);
        tw_spec_t n;
        size_t r[3];
        for (int i = 0; i < 3; i++) {
            char name[8] = "rX";
            name[1] = (char)('a' + i);
            tw_spec(&n, 20 + (uint64_t)i, name, "router", "203.0.113.1");
            n.n.created = TW_S(3 - i); /* rc is the oldest */
            tw_spec_lat(&n, 0, TW_MS(5));
            tw_spec_route(&n, "10.1.0.0/24");
            r[i] = tw_add(w, &n);
        }
        size_t cl[8];
        for (int i = 0; i < 8; i++) {
            char name[8] = "cX";
            name[1] = (char)('a' + i);
            tw_spec(&n, 100 + (uint64_t)i, name, NULL, "198.51.100.9");
            tw_spec_lat(&n, 0, TW_MS(20));
            cl[i] = tw_add(w, &n);
        }
        tw_policy(w, NULL, 0, "10.0.0.0/8=tag:router", NULL);
        tw_start(w);
        pfx_addr_t a = tw_addr("10.1.0.5");
        int used[3] = {0, 0, 0};
        for (int i = 0; i < 8; i++) {
            size_t want = r[2];
            if (!failover) {
                /* P6 T3: descending h(client id, node id), ties to the higher id */
                uint64_t best = 0;
                for (int k = 0; k < 3; k++) {
                    uint64_t h = thash(100 + (uint64_t)i, 20 + (uint64_t)k);
                    if (k == 0 || h >= best) { /* ids ascend with k: ties to the higher id */
                        best = h;
                        want = r[k];
                    }
                }
            }
            size_t got = world_route(w, cl[i], &a, NULL);
            CU_ASSERT_EQUAL(got, want);
            for (int k = 0; k < 3; k++)
                used[k] += got == r[k];
        }
        if (!failover)
            CU_ASSERT_TRUE((used[0] > 0) + (used[1] > 0) + (used[2] > 0) >= 2);
        world_free(w);
    }
}

static void test_p8_exit(void)
{
    world_t *w = tw_world(NULL, SEED);
    tw_spec_t n;
    tw_spec(&n, 14, "x1", "exit", "203.0.113.4");
    n.n.offers_exit = true;
    size_t x1 = tw_add(w, &n);
    tw_spec(&n, 15, "x2", "other", "203.0.113.5");
    n.n.offers_exit = true;
    size_t x2 = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    n.n.exit_node = x1;
    n.n.accept_routes = false; /* P8: exit use does not depend on accept_routes */
    size_t laptop = tw_add(w, &n);
    tw_spec(&n, 3, "desk", NULL, "198.51.100.10");
    size_t desk = tw_add(w, &n);
    tw_policy(w, NULL, 0, "0.0.0.0/0=tag:other", "tag:exit");
    tw_start(w);
    /* P8: exit routes are never elected */
    CU_ASSERT_EQUAL(world_route_count(w, desk), 0);
    CU_ASSERT_TRUE(tw_advertises(w, x1, "0.0.0.0/0"));
    pfx_t def4 = tw_pfx("0.0.0.0/0");
    CU_ASSERT_TRUE(world_ctrl_approved(w, x1, &def4));
    CU_ASSERT_FALSE(world_ctrl_approved(w, x2, &def4));
    errinfo_t e;
    pfx_addr_t a = tw_addr("8.8.8.8"), a6 = tw_addr("2001:db8::1");
    size_t f1 = world_ev_flow_addr(w, TW_S(1), laptop, &a, NULL, &e);
    size_t f2 = world_ev_flow_addr(w, TW_S(1), laptop, &a6, NULL, &e);
    world_ev_exit_select(w, TW_S(2), laptop, x2, &e);
    size_t f3 = world_ev_flow_addr(w, TW_S(3), laptop, &a, NULL, &e);
    world_ev_approve(w, TW_S(4), x2, &def4, &e);
    size_t f4 = world_ev_flow_addr(w, TW_S(9), laptop, &a, NULL, &e);
    world_ev_down(w, TW_S(10), x2, &e);
    size_t f5 = world_ev_flow_addr(w, TW_S(11), laptop, &a, NULL, &e);
    world_ev_exit_select(w, TW_S(12), laptop, WORLD_NONE, &e);
    size_t f6 = world_ev_flow_addr(w, TW_S(13), laptop, &a, NULL, &e);
    tw_run(w, TW_S(20));
    CU_ASSERT_EQUAL(world_flow_result(w, f1)->outcome, WORLD_FLOW_EXIT);
    CU_ASSERT_EQUAL(world_flow_result(w, f1)->node, x1);
    CU_ASSERT_EQUAL(world_flow_result(w, f2)->outcome, WORLD_FLOW_DROPPED);
    CU_ASSERT_STRING_EQUAL(world_flow_result(w, f2)->reason, "exit no egress");
    CU_ASSERT_STRING_EQUAL(world_flow_result(w, f3)->reason, "exit unapproved");
    CU_ASSERT_EQUAL(world_flow_result(w, f4)->outcome, WORLD_FLOW_EXIT);
    CU_ASSERT_EQUAL(world_flow_result(w, f4)->node, x2);
    CU_ASSERT_STRING_EQUAL(world_flow_result(w, f5)->reason, "exit down");
    CU_ASSERT_EQUAL(world_flow_result(w, f6)->outcome, WORLD_FLOW_DIRECT);
    world_free(w);
}

static void test_p2_split_dns_targets(void)
{
    world_t *w = tw_world(NULL, SEED);
    tw_spec_t n;
    tw_spec(&n, 1, "conn", "conn", "203.0.113.1");
    n.n.advertise_connector = true;
    size_t conn = tw_add(w, &n);
    tw_spec(&n, 2, "staff1", "staff", "198.51.100.9");
    size_t staff = tw_add(w, &n);
    tw_spec(&n, 3, "guest", NULL, "198.51.100.10");
    size_t guest = tw_add(w, &n);
    tw_spec(&n, 4, "named", NULL, "198.51.100.11");
    size_t named = tw_add(w, &n);
    tw_app_t app = {"web", "tag:conn", "tag:staff,named", "*.example.com", NULL};
    tw_policy(w, &app, 1, NULL, NULL);
    world_set_dns(w, tw_db("example.com", ZONE));
    tw_start(w);
    errinfo_t e;
    world_ev_query(w, TW_S(1), staff, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    world_ev_query(w, TW_S(1), guest, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    world_ev_query(w, TW_S(1), named, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    /* P2: *.d gives the suffix d, so d itself goes to the connectors too */
    world_ev_query(w, TW_S(1), staff, "example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(2));
    CU_ASSERT_TRUE(tw_has(w, "dns_query", "staff1", 0, "\"path\":\"split\",\"to\":[\"conn\"]"));
    CU_ASSERT_TRUE(tw_has(w, "dns_query", "guest", 0, "\"path\":\"local\""));
    CU_ASSERT_TRUE(tw_has(w, "dns_query", "named", 0, "\"path\":\"split\""));
    CU_ASSERT_TRUE(tw_has(w, "dns_query", "staff1", 1, "\"path\":\"split\""));
    (void)conn;
    world_free(w);
}

static void test_c1_advertise_connector_off(void)
{
    size_t conn, laptop;
    world_t *w = connector_world(NULL, "0.0.0.0/0=tag:conn", NULL, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    world_ev_advertise_connector(w, TW_S(5), conn, false, &e);
    size_t q2 = world_ev_query(w, TW_S(20), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    world_ev_advertise_connector(w, TW_S(30), conn, true, &e);
    world_ev_query(w, TW_S(40), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(4));
    CU_ASSERT_TRUE(tw_advertises(w, conn, "192.0.2.7/32"));
    tw_run(w, TW_S(5));
    /* C1: turning it off withdraws at once */
    CU_ASSERT_FALSE(tw_advertises(w, conn, "192.0.2.7/32"));
    CU_ASSERT_EQUAL(world_route_changes(w, conn), 2);
    tw_run(w, TW_S(21));
    /* P2: control dropped it from the app's connectors; the entry stays, listing nobody, so
     * K1 has no connector to ask: SERVFAIL at once */
    CU_ASSERT_TRUE(tw_has(w, "dns_query", "laptop", 1, "\"path\":\"split\",\"to\":[]"));
    CU_ASSERT_EQUAL(world_query_result(w, q2)->rcode, LDNS_RCODE_SERVFAIL);
    CU_ASSERT_EQUAL(world_query_result(w, q2)->at, TW_S(20));
    CU_ASSERT_FALSE(tw_advertises(w, conn, "192.0.2.7/32"));
    tw_run(w, TW_S(41));
    CU_ASSERT_TRUE(tw_has(w, "dns_query", "laptop", 2, "\"path\":\"split\""));
    CU_ASSERT_TRUE(tw_advertises(w, conn, "192.0.2.7/32"));
    world_free(w);
}

void suite_world_control(void);
void suite_world_control(void)
{
    static CU_TestInfo tests[] = {
        {"P1 autoApprovers on entry; approve and unapprove events; unapproved never sent",
         test_p1_auto_and_event},
        {"C6 P4 a restart has no offline instant, even with detection_delay 0",
         test_c6_restart_no_offline_instant},
        {"P1 restart is not leaving; leaving erases; policy edits never approve pending",
         test_p1_policy_edit_and_leaving},
        {"C2 P1 control routes are approved and absorb learned routes",
         test_c2_control_routes_approved},
        {"C2 P7 a policy change reaches the connector per P7 and applies then",
         test_c2_policy_reaches_connector_per_p7},
        {"P4 a node's set changes at control only while connected; full report when back",
         test_p4_set_changes_only_while_connected},
        {"P7 changes made at one instant arrive together, in order",
         test_p7_same_instant_together},
        {"P3 the oldest eligible node takes P back", test_p3_oldest_takes_back},
        {"P3 sticky_primary keeps the serving node", test_p3_sticky},
        {"P5 P8 no fallback to a broader prefix or the exit node", test_p5_no_fallback},
        {"P5 a withdrawn prefix leaves the netmaps: longest match applies",
         test_p5_withdrawn_falls_to_lpm},
        {"P6 regional routing: own region, next region, return, latency change",
         test_p6_regional},
        {"P6 pinned regions are kept", test_p6_pinned_region},
        {"P6 T3 load balancing by h(client, node) inside a region; in_region_failover",
         test_p6_load_balancing},
        {"P8 K4 exit routes: never elected, approval per family, down, egress",
         test_p8_exit},
        {"P2 S3 split DNS only for targeted clients; *.d covers d", test_p2_split_dns_targets},
        {"C1 P2 advertise_connector off withdraws and leaves split DNS; on again learns",
         test_c1_advertise_connector_off},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("world_control", tests);
}
