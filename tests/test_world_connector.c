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

void suite_world_connector(void);
void suite_world_connector(void)
{
    static CU_TestInfo tests[] = {
        {"K1 L1 C3 T2 a connector learns from the answer it produces", test_learns_from_answer},
        {"L2 a CNAME chain to another zone is learned under the configured name",
         test_cname_chain_learned},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("world_connector", tests);
}
