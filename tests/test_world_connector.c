/* World tests: connectors (C1-C6, L1, L5, K1 learning) end to end. */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "ctrl.h"
#include "support_world.h"
#include "testutil.h"

static const char *const ZONE[] = {
    "example.com. 300 IN SOA ns. h. 1 2 3 4 5",
    "www.example.com. 300 IN A 192.0.2.7",
    "api.example.com. 300 IN CNAME edge.cdn.net.",
    "other.example.com. 300 IN A 192.0.2.9",
    NULL,
};
static const char *const CDN[] = {
    "cdn.net. 300 IN SOA ns. h. 1 2 3 4 5",
    "edge.cdn.net. 300 IN A 198.18.0.5",
    NULL,
};

/* conn (id 1, tag:conn, eu 20 ms) and laptop (id 2, eu 40 ms); app web for example.com and
 * *.example.com, auto-approved for tag:conn. */
static world_t *basic(const world_settings_t *s, size_t *conn, size_t *laptop)
{
    world_t *w = tw_world(s, 7);
    errinfo_t e;
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
    tw_policy(w, &app, 1, "0.0.0.0/0=tag:conn;::/0=tag:conn", NULL);
    dns_db_t *db = tw_db("example.com", ZONE);
    tw_db_add(db, "cdn.net", NULL, CDN);
    world_set_dns(w, db);
    return w;
}

static void test_learns_from_answer(void)
{
    size_t conn, laptop;
    world_t *w = basic(NULL, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    size_t q = world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, "q1", &e);
    CU_ASSERT_NOT_EQUAL_FATAL(q, WORLD_NONE);
    CU_ASSERT_EQUAL(world_find_query(w, "q1"), q);
    CU_ASSERT_EQUAL(world_find_query(w, "q2"), WORLD_NONE);
    tw_run(w, TW_MS(1019));
    CU_ASSERT_FALSE(tw_advertises(w, conn, "192.0.2.7/32"));
    tw_run(w, TW_MS(1020));
    /* T2: the request takes half of laptop's 40 ms to conn's region; the lookup is instant. */
    CU_ASSERT_TRUE(tw_advertises(w, conn, "192.0.2.7/32"));
    CU_ASSERT_EQUAL(world_route_changes(w, conn), 1);
    const world_query_result_t *r = world_query_result(w, q);
    CU_ASSERT_FALSE(r->done);
    tw_run(w, TW_MS(1040));
    CU_ASSERT_TRUE(r->done);
    CU_ASSERT_EQUAL(r->rcode, LDNS_RCODE_NOERROR);
    CU_ASSERT_EQUAL(r->by, conn);
    CU_ASSERT_EQUAL_FATAL(r->n_addrs, 1);
    pfx_addr_t want = tw_addr("192.0.2.7");
    CU_ASSERT_TRUE(pfx_addr_equal(&r->addrs[0], &want));
    CU_ASSERT_TRUE(tw_has(w, "learn", "conn", 0, "[\"www.example.com\",\"192.0.2.7\"]"));
    CU_ASSERT_TRUE(tw_has(w, "approval", "conn", 0, "\"by\":\"autoApprovers\""));
    world_free(w);
}

static void test_cname_chain_learned(void)
{
    size_t conn, laptop;
    world_t *w = basic(NULL, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    world_ev_query(w, TW_S(1), laptop, "api.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(2));
    /* L2: the CDN's address is routed through the configured name that points at it. */
    CU_ASSERT_TRUE(tw_advertises(w, conn, "198.18.0.5/32"));
    world_free(w);
}

static void test_l5_expiry(void)
{
    world_settings_t s = world_settings_default();
    s.learned_route_ttl = TW_S(10);
    size_t conn, laptop;
    world_t *w = basic(&s, &conn, &laptop);
    tw_start(w);
    errinfo_t e;
    world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
    world_ev_query(w, TW_S(5), laptop, "other.example.com", LDNS_RR_TYPE_A, NULL, &e);
    world_ev_query(w, TW_S(8), laptop, "other.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_MS(11020) - 1);
    CU_ASSERT_TRUE(tw_advertises(w, conn, "192.0.2.7/32"));
    tw_run(w, TW_MS(11020));
    /* L5: removed at the last routed time plus the TTL */
    CU_ASSERT_FALSE(tw_advertises(w, conn, "192.0.2.7/32"));
    CU_ASSERT_TRUE(tw_has(w, "route_change", "conn", 2, "\"cause\":\"expiry\""));
    /* the second answer for other.example.com refreshed it: the timer was re-armed */
    tw_run(w, TW_MS(18020) - 1);
    CU_ASSERT_TRUE(tw_advertises(w, conn, "192.0.2.9/32"));
    tw_run(w, TW_MS(18020));
    CU_ASSERT_FALSE(tw_advertises(w, conn, "192.0.2.9/32"));
    pfx_addr_t a = tw_addr("192.0.2.9");
    tw_run(w, TW_S(25));
    CU_ASSERT_EQUAL(world_route(w, laptop, &a, NULL), WORLD_NONE);
    world_free(w);
}

static void test_c6_restart_store_routes(void)
{
    for (int store = 0; store < 2; store++) {
        world_settings_t s = world_settings_default();
        s.store_routes = store == 1;
        size_t conn, laptop;
        world_t *w = basic(&s, &conn, &laptop);
        tw_app_t fewer = {"web", "tag:conn", "*", "api.example.com", NULL};
        size_t v1 = tw_policy(w, &fewer, 1, "0.0.0.0/0=tag:conn", NULL);
        tw_start(w);
        errinfo_t e;
        world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
        world_ev_restart(w, TW_S(2), conn, &e);
        world_ev_policy(w, TW_S(3), v1, &e);
        tw_run(w, TW_MS(2500));
        /* C6: a restart keeps Adv either way */
        CU_ASSERT_TRUE(tw_advertises(w, conn, "192.0.2.7/32"));
        CU_ASSERT_EQUAL(tw_count(w, "offline", "conn"), 0);
        /* C6: the node reconnects: its whole set goes to control, a whole netmap comes back */
        CU_ASSERT_TRUE(tw_has(w, "report", "conn", 1, "\"full\":true"));
        sim_time_t back = ctrl_propagation_at(TW_S(2), 7, 1, s.propagation_delay,
                                              s.propagation_jitter);
        tw_run(w, back);
        CU_ASSERT_TRUE(tw_has(w, "netmap", "conn", 1, "\"full\":true"));
        CU_ASSERT_EQUAL(tw_time(w, "netmap", "conn", 1), back);
        tw_run(w, TW_S(10));
        /* with store_routes off the forgotten name's route is an orphan, never withdrawn */
        CU_ASSERT_EQUAL(tw_advertises(w, conn, "192.0.2.7/32"), !store);
        world_free(w);
    }
}

static void test_l1_malformed_answer(void)
{
    size_t conn, laptop;
    world_t *w = basic(NULL, &conn, &laptop);
    errinfo_t e;
    /* an A record whose RDATA is 5 bytes (L1 malformed; ldns still parses the message) */
    dns_script_t odd = {NULL, 0, 0,
                        "0000 8180 0001 0001 0000 0000 0362 6164 0765 7861 6d70 6c65 0363 6f6d"
                        "00 0001 0001 c00c 0001 0001 0000 003c 0005 c000 020a ff"};
    /* a header claiming one answer record and no data after it (ldns cannot parse it) */
    dns_script_t junk = {NULL, 0, 0, "0000 8180 0000 0001 0000 0000"};
    dns_db_t *db = dns_db_new();
    CU_ASSERT_EQUAL_FATAL(dns_db_script(db, "bad.example.com", 0, &odd, &e), 0);
    CU_ASSERT_EQUAL_FATAL(dns_db_script(db, "junk.example.com", 0, &junk, &e), 0);
    tw_db_add(db, "example.com", NULL, ZONE);
    world_set_dns(w, db);
    tw_start(w);
    size_t q = world_ev_query(w, TW_S(1), laptop, "bad.example.com", LDNS_RR_TYPE_A, NULL, &e);
    size_t qj = world_ev_query(w, TW_S(1), laptop, "junk.example.com", LDNS_RR_TYPE_A, NULL, &e);
    tw_run(w, TW_S(2));
    CU_ASSERT_TRUE(tw_has(w, "learn", "conn", 0, "\"malformed\":"));
    CU_ASSERT_TRUE(tw_has(w, "learn", "conn", 1, "\"malformed\":"));
    CU_ASSERT_TRUE(tw_has(w, "learn", "conn", 1, "\"rcode\":\"unparseable\""));
    CU_ASSERT_EQUAL(world_route_changes(w, conn), 0);
    /* L1: rejecting it for learning does not change what the asker receives */
    const world_query_result_t *r = world_query_result(w, q);
    CU_ASSERT_EQUAL(r->rcode, LDNS_RCODE_NOERROR);
    CU_ASSERT_EQUAL(r->n_addrs, 0);
    CU_ASSERT_EQUAL(r->by, conn);
    /* K1 (world.h): a message ldns cannot parse at all is no answer but a failure */
    r = world_query_result(w, qj);
    CU_ASSERT_EQUAL(r->rcode, LDNS_RCODE_SERVFAIL);
    CU_ASSERT_EQUAL(r->by, WORLD_NONE);
    world_free(w);
}

static void test_d4_cache_and_zone_change(void)
{
    for (int cache = 0; cache < 2; cache++) {
        world_t *w = tw_world(NULL, 7);
        tw_spec_t n;
        tw_spec(&n, 1, "conn", "conn", "203.0.113.1");
        n.n.advertise_connector = true;
        n.n.cache = cache == 1;
        size_t conn = tw_add(w, &n);
        tw_spec(&n, 2, "laptop", NULL, "198.51.100.9");
        size_t laptop = tw_add(w, &n);
        tw_app_t app = {"web", "tag:conn", "*", "*.example.com", NULL};
        tw_policy(w, &app, 1, NULL, NULL);
        world_set_dns(w, tw_db("example.com", ZONE));
        tw_start(w);
        errinfo_t e;
        world_ev_query(w, TW_S(1), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL, &e);
        const char *rr[] = {"www.example.com. 300 IN A 192.0.2.77"};
        CU_ASSERT_EQUAL(world_ev_zone_set(w, TW_S(2), "example.com", NULL, "www.example.com",
                                          LDNS_RR_TYPE_A, rr, 1, &e), 0);
        size_t q = world_ev_query(w, TW_S(3), laptop, "www.example.com", LDNS_RR_TYPE_A, NULL,
                                  &e);
        const char *bad[] = {"www.example.com. 300 IN CNAME x.example.com."};
        world_ev_zone_set(w, TW_S(4), "example.com", NULL, "www.example.com",
                          LDNS_RR_TYPE_CNAME, bad, 1, &e);
        tw_run(w, TW_S(5));
        pfx_addr_t old = tw_addr("192.0.2.7"), fresh = tw_addr("192.0.2.77");
        const world_query_result_t *r = world_query_result(w, q);
        CU_ASSERT_EQUAL_FATAL(r->n_addrs, 1);
        /* D4: a cache holds the record set for its TTL; without one the change shows */
        CU_ASSERT_TRUE(pfx_addr_equal(&r->addrs[0], cache ? &old : &fresh));
        CU_ASSERT_EQUAL(tw_advertises(w, conn, "192.0.2.77/32"), !cache);
        /* a change the data rejects (CNAME beside A) is a record, not a stop */
        CU_ASSERT_TRUE(tw_has(w, "rejected", NULL, 0, "\"event\":\"zone_change\""));
        world_free(w);
    }
}

void suite_world_connector(void);
void suite_world_connector(void)
{
    static CU_TestInfo tests[] = {
        {"K1 L1 C3 T2 a connector learns from the answer it produces", test_learns_from_answer},
        {"L2 a CNAME chain to another zone is learned under the configured name",
         test_cname_chain_learned},
        {"L5 learned routes expire at last routed time + TTL; timer re-armed", test_l5_expiry},
        {"C6 restart keeps Adv; with store_routes off forgotten names leave orphans",
         test_c6_restart_store_routes},
        {"L1 D5 K1 a malformed answer is not learned; the asker gets it as is, unless unparseable",
         test_l1_malformed_answer},
        {"D4 S4 a connector's cache; zone changes at run time, rejected ones traced",
         test_d4_cache_and_zone_change},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("world_connector", tests);
}
