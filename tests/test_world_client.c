/* World tests: clients (K1-K4): split DNS queries, other DNS, route tables, flows. */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "ctrl.h"
#include "support_world.h"
#include "testutil.h"

#define SEED 5

static const char *const ZONE_DEFAULT[] = {
    "example.com. 300 IN SOA ns. h. 1 2 3 4 5",
    "www.example.com. 300 IN A 192.0.2.7",
    "only-eu.example.com. 300 IN A 192.0.2.30",
    "loop.example.com. 300 IN A 192.0.2.20",
    NULL,
};
static const char *const ZONE_US[] = {
    "example.com. 300 IN SOA ns. h. 1 2 3 4 5",
    "www.example.com. 300 IN A 192.0.2.8",
    "loop.example.com. 300 IN CNAME loop.example.com.",
    NULL,
};
static const char *const OTHER[] = {
    "other.org. 300 IN SOA ns. h. 1 2 3 4 5",
    "www.other.org. 300 IN A 192.0.2.100",
    NULL,
};
static const char *const OTHER_US[] = {
    "other.org. 300 IN SOA ns. h. 1 2 3 4 5",
    "www.other.org. 300 IN A 192.0.2.200",
    NULL,
};

typedef struct {
    world_t *w;
    size_t eu, us, laptop, exit;
} cw_t;

/* Regions eu (0) and us (1); conn_eu (id 5) in eu, conn_us (id 3) in us, both tag:conn; exit
 * node x (id 9) in us; the laptop (id 2) with the given latencies. Apps: web (example.com,
 * *.example.com) and dead (example.net, which no zone holds). */
static cw_t make(const world_settings_t *s, sim_time_t lat_eu, sim_time_t lat_us)
{
    cw_t c;
    c.w = tw_world(s, SEED);
    errinfo_t e;
    world_add_region(c.w, "eu", &e);
    world_add_region(c.w, "us", &e);
    tw_spec_t n;
    tw_spec(&n, 5, "conn_eu", "conn", "203.0.113.5");
    n.n.advertise_connector = true;
    tw_spec_lat(&n, 0, TW_MS(2));
    c.eu = tw_add(c.w, &n);
    tw_spec(&n, 3, "conn_us", "conn", "203.0.113.3");
    n.n.advertise_connector = true;
    tw_spec_lat(&n, 1, TW_MS(2));
    c.us = tw_add(c.w, &n);
    tw_spec(&n, 9, "x", "exit", "203.0.113.9");
    n.n.offers_exit = true;
    tw_spec_lat(&n, 1, TW_MS(2));
    c.exit = tw_add(c.w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    tw_spec_lat(&n, 0, lat_eu);
    tw_spec_lat(&n, 1, lat_us);
    c.laptop = tw_add(c.w, &n);
    tw_app_t apps[2] = {{"web", "tag:conn", "*", "example.com,*.example.com", NULL},
                        {"dead", "tag:conn", "*", "example.net", NULL}};
    tw_policy(c.w, apps, 2, "0.0.0.0/0=tag:conn", "tag:exit");
    dns_db_t *db = tw_db("example.com", ZONE_DEFAULT);
    tw_db_add(db, "example.com", "us", ZONE_US);
    tw_db_add(db, "other.org", NULL, OTHER);
    tw_db_add(db, "other.org", "us", OTHER_US);
    world_set_dns(c.w, db);
    return c;
}

static size_t query(cw_t *c, sim_time_t at, const char *name)
{
    errinfo_t e;
    size_t q = world_ev_query(c->w, at, c->laptop, name, LDNS_RR_TYPE_A, NULL, &e);
    CU_ASSERT_NOT_EQUAL_FATAL(q, WORLD_NONE);
    return q;
}

static bool first_is(const world_query_result_t *r, const char *addr)
{
    pfx_addr_t a = tw_addr(addr);
    return r->n_addrs > 0 && pfx_addr_equal(&r->addrs[0], &a);
}

static void test_k1_first_answer_wins(void)
{
    cw_t c = make(NULL, TW_MS(10), TW_MS(100));
    tw_start(c.w);
    size_t q = query(&c, TW_S(1), "www.example.com");
    tw_run(c.w, TW_S(2));
    const world_query_result_t *r = world_query_result(c.w, q);
    CU_ASSERT_EQUAL(r->at, TW_MS(1010));
    CU_ASSERT_EQUAL(r->by, c.eu);
    CU_ASSERT_TRUE(first_is(r, "192.0.2.7"));
    /* K1 D3: each connector answers from its own region's view, and learns from it although
     * the client did not use it */
    CU_ASSERT_TRUE(tw_advertises(c.w, c.us, "192.0.2.8/32"));
    CU_ASSERT_EQUAL(tw_time(c.w, "learn", "conn_us", 0), TW_MS(1050));
    CU_ASSERT_TRUE(tw_advertises(c.w, c.eu, "192.0.2.7/32"));
    world_free(c.w);
}

static void test_k1_equal_times_lower_id(void)
{
    cw_t c = make(NULL, TW_MS(10), TW_MS(10));
    tw_start(c.w);
    size_t q = query(&c, TW_S(1), "www.example.com");
    tw_run(c.w, TW_S(2));
    const world_query_result_t *r = world_query_result(c.w, q);
    /* conn_us has id 3, conn_eu id 5 */
    CU_ASSERT_EQUAL(r->by, c.us);
    CU_ASSERT_TRUE(first_is(r, "192.0.2.8"));
    CU_ASSERT_TRUE(tw_has(c.w, "dns_answer", "laptop", 0, "\"by\":\"conn_us\""));
    world_free(c.w);
}

static void test_k1_tie_whatever_the_order(void)
{
    /* conn_eu's reply (id 5) is scheduled first; conn_us's (id 3) reaches the laptop at the
     * same instant through a latency that changed in between: the lower id still wins. */
    cw_t c = make(NULL, TW_MS(20), TW_MS(40));
    tw_start(c.w);
    errinfo_t e;
    size_t q = query(&c, TW_S(1), "www.example.com");
    world_ev_latency(c.w, TW_MS(1015), c.laptop, 1, 0, &e);
    tw_run(c.w, TW_S(2));
    const world_query_result_t *r = world_query_result(c.w, q);
    CU_ASSERT_EQUAL(r->at, TW_MS(1020));
    CU_ASSERT_EQUAL(r->by, c.us);
    CU_ASSERT_TRUE(first_is(r, "192.0.2.8"));
    world_free(c.w);
}

static void test_k1_tie_reply_scheduled_at_the_instant(void)
{
    /* With upstream_rtt 5 ms, conn_eu's reply (id 5) is due at 1.025 s from its lookup at
     * 1.015 s; conn_us's request (id 3) is held 20 ms on the way, so its lookup returns at
     * 1.025 s and schedules a reply of no delay: both arrive at 1.025 s, the second scheduled
     * only after the first had arrived. The decision waits for the end of the instant (T1):
     * the lower id wins (K1). */
    world_settings_t s = world_settings_default();
    s.upstream_rtt = TW_MS(5);
    cw_t c = make(&s, TW_MS(20), 0);
    tw_start(c.w);
    errinfo_t e;
    world_net_rule_t hold = {c.laptop, c.us, WORLD_NONE, 0, TW_MS(20)};
    CU_ASSERT_EQUAL(world_ev_net(c.w, TW_S(1), TW_S(1) + 1, &hold, &e), 0);
    size_t q = query(&c, TW_S(1), "www.example.com");
    tw_run(c.w, TW_S(2));
    const world_query_result_t *r = world_query_result(c.w, q);
    CU_ASSERT_EQUAL(r->at, TW_MS(1025));
    CU_ASSERT_EQUAL(r->by, c.us);
    CU_ASSERT_TRUE(first_is(r, "192.0.2.8"));
    CU_ASSERT_EQUAL(tw_time(c.w, "learn", "conn_eu", 0), TW_MS(1015));
    CU_ASSERT_EQUAL(tw_time(c.w, "learn", "conn_us", 0), TW_MS(1025));
    world_free(c.w);
}

static void test_k1_nxdomain_is_an_answer(void)
{
    cw_t c = make(NULL, TW_MS(100), TW_MS(10));
    tw_start(c.w);
    size_t q = query(&c, TW_S(1), "only-eu.example.com");
    tw_run(c.w, TW_S(2));
    const world_query_result_t *r = world_query_result(c.w, q);
    CU_ASSERT_EQUAL(r->rcode, LDNS_RCODE_NXDOMAIN);
    CU_ASSERT_EQUAL(r->by, c.us);
    CU_ASSERT_EQUAL(r->at, TW_MS(1010));
    world_free(c.w);
}

static void test_k1_servfail_is_a_failure(void)
{
    cw_t c = make(NULL, TW_MS(100), TW_MS(10));
    tw_start(c.w);
    size_t q = query(&c, TW_S(1), "loop.example.com");
    tw_run(c.w, TW_S(2));
    const world_query_result_t *r = world_query_result(c.w, q);
    /* conn_us's view has a CNAME loop (SERVFAIL); conn_eu's later answer wins */
    CU_ASSERT_EQUAL(r->rcode, LDNS_RCODE_NOERROR);
    CU_ASSERT_EQUAL(r->by, c.eu);
    CU_ASSERT_EQUAL(r->at, TW_MS(1100));
    world_free(c.w);
}

static void test_k1_all_fail(void)
{
    cw_t c = make(NULL, TW_MS(10), TW_MS(20));
    tw_start(c.w);
    errinfo_t e;
    size_t q1 = query(&c, TW_S(1), "example.net");
    world_ev_down(c.w, TW_S(2), c.eu, &e);
    size_t q2 = query(&c, TW_S(3), "example.net");
    world_ev_down(c.w, TW_S(4), c.us, &e);
    size_t q3 = query(&c, TW_S(5), "www.example.com");
    tw_run(c.w, TW_S(10));
    /* every failure REFUSED: REFUSED, once the last one is in */
    CU_ASSERT_EQUAL(world_query_result(c.w, q1)->rcode, LDNS_RCODE_REFUSED);
    CU_ASSERT_EQUAL(world_query_result(c.w, q1)->at, TW_MS(1020));
    CU_ASSERT_EQUAL(world_query_result(c.w, q1)->by, WORLD_NONE);
    /* a down connector is a failure that is not REFUSED */
    CU_ASSERT_EQUAL(world_query_result(c.w, q2)->rcode, LDNS_RCODE_SERVFAIL);
    /* all down: the failures are known when the requests arrive */
    CU_ASSERT_EQUAL(world_query_result(c.w, q3)->rcode, LDNS_RCODE_SERVFAIL);
    CU_ASSERT_EQUAL(world_query_result(c.w, q3)->at, TW_S(5) + TW_MS(10));
    world_free(c.w);
}

static void test_k2_local_resolver(void)
{
    world_settings_t s = world_settings_default();
    s.upstream_rtt = TW_MS(30);
    cw_t c = make(&s, TW_MS(10), TW_MS(100));
    tw_start(c.w);
    size_t q = query(&c, TW_S(1), "www.other.org");
    tw_run(c.w, TW_S(2));
    const world_query_result_t *r = world_query_result(c.w, q);
    CU_ASSERT_EQUAL(r->at, TW_MS(1030));
    CU_ASSERT_EQUAL(r->by, WORLD_NONE);
    /* the laptop is in eu: the default view */
    CU_ASSERT_TRUE(first_is(r, "192.0.2.100"));
    CU_ASSERT_EQUAL(world_route_changes(c.w, c.eu) + world_route_changes(c.w, c.us), 0);
    world_free(c.w);
}

static void test_k2_accept_dns_off(void)
{
    cw_t c = make(NULL, TW_MS(10), TW_MS(100));
    tw_spec_t n;
    tw_spec(&n, 7, "nodns", NULL, "198.51.100.7");
    n.n.accept_dns = false;
    tw_spec_lat(&n, 1, TW_MS(10));
    size_t nodns = tw_add(c.w, &n);
    tw_start(c.w);
    errinfo_t e;
    size_t q = world_ev_query(c.w, TW_S(1), nodns, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(c.w, TW_S(2));
    const world_query_result_t *r = world_query_result(c.w, q);
    CU_ASSERT_TRUE(tw_has(c.w, "dns_query", "nodns", 0, "\"path\":\"local\""));
    /* its own resolver, in its own region (us) */
    CU_ASSERT_TRUE(first_is(r, "192.0.2.8"));
    CU_ASSERT_EQUAL(world_route_changes(c.w, c.us), 0);
    world_free(c.w);
}

static void test_k2_exit_node_dns(void)
{
    for (int with = 0; with < 2; with++) {
        world_settings_t s = world_settings_default();
        s.use_with_exit_node = with == 1;
        cw_t c = make(&s, TW_MS(10), TW_MS(100));
        errinfo_t e;
        tw_start(c.w);
        world_ev_exit_select(c.w, TW_MS(500), c.laptop, c.exit, &e);
        size_t q1 = query(&c, TW_S(1), "www.other.org");
        size_t q2 = query(&c, TW_S(1), "www.example.com");
        tw_run(c.w, TW_S(2));
        const world_query_result_t *r1 = world_query_result(c.w, q1);
        /* non-app names resolve through the exit node, in its region (us) */
        CU_ASSERT_EQUAL(r1->by, c.exit);
        CU_ASSERT_TRUE(first_is(r1, "192.0.2.200"));
        CU_ASSERT_EQUAL(r1->at, TW_MS(1100));
        const world_query_result_t *r2 = world_query_result(c.w, q2);
        if (with) {
            CU_ASSERT_EQUAL(r2->by, c.eu);
        } else {
            /* use_with_exit_node false: app names go to the exit node too */
            CU_ASSERT_EQUAL(r2->by, c.exit);
            CU_ASSERT_TRUE(first_is(r2, "192.0.2.8"));
        }
        world_free(c.w);
    }
}

static void test_k3_accept_routes_off(void)
{
    cw_t c = make(NULL, TW_MS(10), TW_MS(100));
    tw_spec_t n;
    tw_spec(&n, 8, "noroutes", NULL, "198.51.100.8");
    n.n.accept_routes = false;
    tw_spec_lat(&n, 0, TW_MS(10));
    size_t nr = tw_add(c.w, &n);
    tw_start(c.w);
    errinfo_t e;
    pfx_addr_t a = tw_addr("192.0.2.7");
    world_ev_query(c.w, TW_S(1), nr, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    world_ev_query(c.w, TW_S(1), c.laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    size_t f = world_ev_flow_addr(c.w, TW_S(10), nr, &a, NULL, &e);
    size_t g = world_ev_flow_addr(c.w, TW_S(10), c.laptop, &a, NULL, &e);
    tw_run(c.w, TW_S(11));
    /* its DNS still teaches connectors; it holds no route */
    CU_ASSERT_TRUE(tw_advertises(c.w, c.eu, "192.0.2.7/32"));
    CU_ASSERT_EQUAL(world_route_count(c.w, nr), 0);
    CU_ASSERT_EQUAL(world_route(c.w, nr, &a, NULL), WORLD_NONE);
    CU_ASSERT_EQUAL(world_flow_result(c.w, f)->outcome, WORLD_FLOW_DIRECT);
    CU_ASSERT_EQUAL(world_flow_result(c.w, g)->outcome, WORLD_FLOW_VIA);
    CU_ASSERT_EQUAL(world_flow_result(c.w, g)->node, c.eu);
    world_free(c.w);
}

static void test_k4_flow_to_name(void)
{
    cw_t c = make(NULL, TW_MS(10), TW_MS(100));
    tw_start(c.w);
    errinfo_t e;
    size_t f1 = world_ev_flow_name(c.w, TW_S(1), c.laptop, "www.example.com", "f1", &e);
    size_t f2 = world_ev_flow_name(c.w, TW_S(1), c.laptop, "nope.example.com", "f2", &e);
    size_t f3 = world_ev_flow_name(c.w, TW_S(10), c.laptop, "www.example.com", "f3", &e);
    tw_run(c.w, TW_S(11));
    const world_flow_result_t *r1 = world_flow_result(c.w, f1);
    pfx_addr_t a = tw_addr("192.0.2.7");
    CU_ASSERT_EQUAL(world_find_flow(c.w, "f3"), f3);
    /* the flow's own query is not a query event */
    CU_ASSERT_EQUAL(world_find_query(c.w, "f1"), WORLD_NONE);
    CU_ASSERT_EQUAL(r1->outcome, WORLD_FLOW_DIRECT);
    CU_ASSERT_TRUE(pfx_addr_equal(&r1->to, &a));
    CU_ASSERT_EQUAL(r1->at, TW_MS(1010));
    CU_ASSERT_EQUAL(world_flow_result(c.w, f2)->outcome, WORLD_FLOW_DROPPED);
    CU_ASSERT_STRING_EQUAL(world_flow_result(c.w, f2)->reason, "dns: NXDOMAIN");
    /* K5: by 10 s the learned route is in: the same name now goes via the connector */
    CU_ASSERT_EQUAL(world_flow_result(c.w, f3)->outcome, WORLD_FLOW_VIA);
    CU_ASSERT_TRUE(tw_has(c.w, "flow", "laptop", 2, "\"id\":\"f3\""));
    world_free(c.w);
}

static void test_k4_drops(void)
{
    world_t *w = tw_world(NULL, SEED);
    tw_spec_t n;
    tw_spec(&n, 11, "r1", "router", "203.0.113.1");
    tw_spec_route(&n, "10.1.0.0/24");
    tw_spec_route(&n, "2001:db8:1::/48");
    size_t r1 = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, NULL);
    size_t laptop = tw_add(w, &n);
    tw_policy(w, NULL, 0, "10.0.0.0/8=tag:router;2001:db8::/32=tag:router", NULL);
    tw_start(w);
    errinfo_t e;
    pfx_addr_t a4 = tw_addr("10.1.0.1"), a6 = tw_addr("2001:db8:1::1"), out = tw_addr("8.8.8.8");
    size_t f6 = world_ev_flow_addr(w, TW_S(1), laptop, &a6, NULL, &e);
    size_t fd = world_ev_flow_addr(w, TW_S(1), laptop, &out, NULL, &e);
    size_t fs = world_ev_flow_addr(w, TW_S(1), r1, &a4, NULL, &e);
    world_ev_egress_break(w, TW_S(2), r1, &e);
    size_t fb = world_ev_flow_addr(w, TW_S(3), laptop, &a4, NULL, &e);
    world_ev_egress_mend(w, TW_S(4), r1, &e);
    size_t fm = world_ev_flow_addr(w, TW_S(5), laptop, &a4, NULL, &e);
    world_ev_down(w, TW_S(6), laptop, &e);
    size_t fx = world_ev_flow_addr(w, TW_S(7), laptop, &a4, NULL, &e);
    tw_run(w, TW_S(8));
    CU_ASSERT_STRING_EQUAL(world_flow_result(w, f6)->reason, "via no egress");
    CU_ASSERT_STRING_EQUAL(world_flow_result(w, fd)->reason, "no egress");
    /* K4: a node's flows to prefixes it advertises itself egress from itself */
    CU_ASSERT_EQUAL(world_flow_result(w, fs)->outcome, WORLD_FLOW_VIA);
    CU_ASSERT_EQUAL(world_flow_result(w, fs)->node, r1);
    CU_ASSERT_STRING_EQUAL(world_flow_result(w, fb)->reason, "via no egress");
    CU_ASSERT_EQUAL(world_flow_result(w, fm)->outcome, WORLD_FLOW_VIA);
    CU_ASSERT_STRING_EQUAL(world_flow_result(w, fx)->reason, "source down");
    world_free(w);
}

static void test_k4_forwards_unadvertised(void)
{
    /* K4: a node that is up forwards what it is sent, even for a prefix it no longer
     * advertises: a route still in the client's table works until the netmap removes it. */
    world_t *w = tw_world(NULL, SEED);
    tw_spec_t n;
    tw_spec(&n, 1, "conn", "conn", "203.0.113.1");
    n.n.advertise_connector = true;
    size_t conn = tw_add(w, &n);
    tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
    size_t laptop = tw_add(w, &n);
    tw_app_t app = {"web", "tag:conn", "*", "example.com", "10.9.0.0/16"};
    tw_policy(w, &app, 1, NULL, NULL);
    tw_app_t gone = {"web", "tag:conn", "*", "example.com", NULL};
    size_t v1 = tw_policy(w, &gone, 1, NULL, NULL);
    tw_start(w);
    errinfo_t e;
    world_ev_policy(w, TW_S(1), v1, &e);
    pfx_addr_t a = tw_addr("10.9.0.1");
    size_t f = world_ev_flow_addr(w, TW_MS(2700), laptop, &a, NULL, &e);
    tw_run(w, TW_S(3));
    /* the connector withdrew 10.9.0.0/16 at 1.3 s + j(conn); the laptop hears of it only
     * 1.3 s + j(laptop) after that */
    CU_ASSERT_FALSE(tw_advertises(w, conn, "10.9.0.0/16"));
    CU_ASSERT_EQUAL(world_flow_result(w, f)->outcome, WORLD_FLOW_VIA);
    tw_run(w, TW_S(6));
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), WORLD_NONE);
    world_free(w);
}

/* K4 "dns: RCODE": ldns's names, NOTIMP for 4, RCODE<n> for the unnamed ones; answers that
 * cannot be parsed are "unparseable". */
static void test_rcode_names(void)
{
    static const char *const want[16] = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
        "NXRRSET", "NOTAUTH", "NOTZONE",  "RCODE11",  "RCODE12", "RCODE13", "RCODE14",  "RCODE15"};
    for (int i = 0; i < 16; i++)
        CU_ASSERT_STRING_EQUAL(world_rcode_name(i), want[i]);
    CU_ASSERT_STRING_EQUAL(world_rcode_name(-1), "unparseable");
}

void suite_world_client(void);
void suite_world_client(void)
{
    static CU_TestInfo tests[] = {
        {"K1 D3 the first answer wins; every connector learns from its own view",
         test_k1_first_answer_wins},
        {"K1 equal arrival times: the lower connector id wins", test_k1_equal_times_lower_id},
        {"K1 T2 equal arrival times: lower id whatever the processing order",
         test_k1_tie_whatever_the_order},
        {"K1 T1 equal arrival times: lower id also for a reply scheduled at that instant",
         test_k1_tie_reply_scheduled_at_the_instant},
        {"K1 NXDOMAIN is an answer", test_k1_nxdomain_is_an_answer},
        {"K4 rcodes are named as ldns names them, else RCODE<n>", test_rcode_names},
        {"K1 SERVFAIL is a failure: a later answer wins", test_k1_servfail_is_a_failure},
        {"K1 all fail: REFUSED when every failure was REFUSED, else SERVFAIL", test_k1_all_fail},
        {"K2 other names at the client's own resolver after upstream_rtt",
         test_k2_local_resolver},
        {"K2 accept_dns off: every name at the own resolver, in its region",
         test_k2_accept_dns_off},
        {"K2 exit node DNS; use_with_exit_node", test_k2_exit_node_dns},
        {"K3 accept_routes off holds no routes; its DNS still teaches",
         test_k3_accept_routes_off},
        {"K4 K5 flows to names use the first address; no address drops with the rcode",
         test_k4_flow_to_name},
        {"K4 drop reasons: egress family, broken egress, source down; own prefixes",
         test_k4_drops},
        {"K4 a node that is up forwards what it no longer advertises",
         test_k4_forwards_unadvertised},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("world_client", tests);
}
