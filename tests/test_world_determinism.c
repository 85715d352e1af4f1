/* World tests: determinism (same world and seed, same bytes) and bad input at every step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "support_world.h"
#include "testutil.h"

static const char *const ZONE[] = {
    "example.com. 300 IN SOA ns. h. 1 2 3 4 5",
    "www.example.com. 300 IN A 192.0.2.7",
    "api.example.com. 300 IN CNAME edge.example.com.",
    "edge.example.com. 300 IN A 192.0.2.8",
    "edge.example.com. 300 IN AAAA 2001:db8::8",
    "*.dyn.example.com. 60 IN A 192.0.2.9",
    NULL,
};
static const char *const ZONE_US[] = {
    "example.com. 300 IN SOA ns. h. 1 2 3 4 5",
    "www.example.com. 300 IN A 192.0.2.17",
    "api.example.com. 300 IN A 192.0.2.18",
    NULL,
};

/* A busy little world: 3 regions, 4 connectors, 2 routers, an exit node, 12 clients, two
 * policy versions, and a timeline of every kind of event. */
static world_t *busy(uint64_t seed, bool regional, char *text, size_t cap, size_t *len)
{
    world_settings_t s = world_settings_default();
    s.regional_routing = regional;
    s.advertise_delay = TW_MS(50);
    s.upstream_rtt = TW_MS(7);
    s.learned_route_ttl = TW_S(40);
    world_t *w = tw_world(&s, seed);
    errinfo_t e;
    const char *regions[] = {"eu", "us", "ap"};
    for (int r = 0; r < 3; r++)
        world_add_region(w, regions[r], &e);
    tw_spec_t n;
    size_t conns[4], clients[12];
    for (int i = 0; i < 4; i++) {
        char name[32], eg[32];
        snprintf(name, sizeof name, "conn%d", i);
        snprintf(eg, sizeof eg, "203.0.113.%d", 10 + i);
        tw_spec(&n, 100 + (uint64_t)i, name, "conn", eg);
        n.n.advertise_connector = true;
        n.n.created = TW_S(i % 2);
        n.n.cache = i == 3;
        tw_spec_lat(&n, (size_t)(i % 3), TW_MS(3 + i));
        conns[i] = tw_add(w, &n);
    }
    tw_spec(&n, 200, "router1", "router", "203.0.113.50");
    tw_spec_route(&n, "10.1.0.0/16");
    tw_spec_lat(&n, 0, TW_MS(4));
    size_t router1 = tw_add(w, &n);
    tw_spec(&n, 201, "router2", "router", "203.0.113.51");
    tw_spec_route(&n, "10.1.0.0/16");
    tw_spec_lat(&n, 1, TW_MS(4));
    tw_add(w, &n);
    tw_spec(&n, 300, "exit", "exit", "203.0.113.60");
    n.n.offers_exit = true;
    tw_spec_lat(&n, 2, TW_MS(4));
    size_t x = tw_add(w, &n);
    for (int i = 0; i < 12; i++) {
        char name[32], eg[32];
        snprintf(name, sizeof name, "client%d", i);
        snprintf(eg, sizeof eg, "198.51.100.%d", 10 + i);
        tw_spec(&n, 1000 + (uint64_t)i * 7, name, i % 3 ? "staff" : NULL, eg);
        tw_spec_lat(&n, 0, TW_MS(10 + 13 * i % 50));
        tw_spec_lat(&n, 1, TW_MS(20 + 7 * i % 90));
        if (i % 4 == 0)
            tw_spec_lat(&n, 2, TW_MS(5 + i));
        if (i == 5)
            n.n.exit_node = x;
        n.n.accept_routes = i != 7;
        clients[i] = tw_add(w, &n);
    }
    tw_app_t apps[2] = {{"web", "tag:conn", "tag:staff", "example.com,*.example.com", NULL},
                        {"ops", "tag:conn", "*", "*.dyn.example.com", "10.50.0.0/16"}};
    tw_policy(w, apps, 2, "192.0.2.0/24=tag:conn;10.0.0.0/8=tag:router", "tag:exit");
    tw_app_t apps2[1] = {{"web", "tag:conn", "*", "*.example.com", NULL}};
    size_t v1 = tw_policy(w, apps2, 1, "0.0.0.0/0=tag:conn", NULL);
    dns_db_t *db = tw_db("example.com", ZONE);
    tw_db_add(db, "example.com", "us", ZONE_US);
    world_set_dns(w, db);
    tw_start(w);
    const char *names[] = {"www.example.com", "api.example.com", "a.dyn.example.com",
                           "b.c.dyn.example.com", "nope.example.com", "www.other.org"};
    for (int k = 0; k < 120; k++) {
        size_t c = clients[(k * 5) % 12];
        sim_time_t at = TW_MS(100) * k + (k % 7) * 13;
        world_ev_query(w, at, c, names[k % 6], k % 5 == 0 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A,
                       NULL, &e);
        pfx_addr_t a = tw_addr(k % 3 == 0 ? "10.1.2.3" : k % 3 == 1 ? "192.0.2.7" : "8.8.8.8");
        world_ev_flow_addr(w, at + TW_MS(40), clients[(k * 7) % 12], &a, NULL, &e);
        if (k % 4 == 0)
            world_ev_flow_name(w, at + TW_MS(3), c, names[(k / 4) % 6], NULL, &e);
    }
    world_ev_down(w, TW_S(2), conns[0], &e);
    world_ev_up(w, TW_S(30), conns[0], &e);
    world_ev_ctrl_lost(w, TW_S(3), router1, &e);
    world_ev_ctrl_back(w, TW_S(25), router1, &e);
    world_ev_restart(w, TW_S(4), conns[1], &e);
    world_ev_latency(w, TW_S(5), clients[1], 2, TW_MS(1), &e);
    world_ev_policy(w, TW_S(6), v1, &e);
    pfx_t p = tw_pfx("192.0.2.8/32");
    world_ev_approve(w, TW_S(8), conns[2], &p, &e);
    world_ev_advertise_connector(w, TW_S(9), conns[3], false, &e);
    world_net_rule_t rule = {clients[2], WORLD_NONE, 0, 300000, TW_MS(3)};
    world_ev_net(w, TW_S(1), TW_S(9), &rule, &e);
    const char *rr[] = {"www.example.com. 300 IN A 192.0.2.70"};
    world_ev_zone_set(w, TW_S(7), "example.com", NULL, "www.example.com", LDNS_RR_TYPE_A, rr, 1,
                      &e);
    tw_run(w, TW_S(60));
    errinfo_t err;
    CU_ASSERT_EQUAL(world_run(w, &err), 0);
    size_t l;
    const char *t = trace_text(world_trace(w), &l);
    *len = l < cap ? l : cap;
    memcpy(text, t, *len);
    return w;
}

static void test_same_seed_same_bytes(void)
{
    for (int regional = 0; regional < 2; regional++) {
        size_t cap = 16u << 20, l1, l2;
        char *t1 = malloc(cap), *t2 = malloc(cap);
        world_t *w1 = busy(42, regional, t1, cap, &l1);
        world_t *w2 = busy(42, regional, t2, cap, &l2);
        char f1[17], f2[17];
        trace_fingerprint(world_trace(w1), f1);
        trace_fingerprint(world_trace(w2), f2);
        CU_ASSERT_STRING_EQUAL(f1, f2);
        CU_ASSERT_EQUAL(l1, l2);
        CU_ASSERT_TRUE(l1 == l2 && memcmp(t1, t2, l1) == 0);
        CU_ASSERT_TRUE(l1 < cap);
        /* the busy world exercised what it claims */
        const char *kinds[] = {"dns_query", "dns_answer", "learn", "route_change", "report",
                               "approval", "netmap", "primary", "flow", "node_down", "node_up",
                               "ctrl_lost", "ctrl_back", "offline", "online", "policy",
                               "restart", "latency", "zone_change", "net", "net_end"};
        for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
            if (tw_count(w1, kinds[k], NULL) == 0) {
                fprintf(stderr, "\n  no %s record\n", kinds[k]);
                CU_FAIL("a kind of record is missing");
            }
        CU_ASSERT_PTR_NULL(trace_error(world_trace(w1)));

        world_t *w3 = busy(43, regional, t2, cap, &l2);
        char f3[17];
        trace_fingerprint(world_trace(w3), f3);
        CU_ASSERT_STRING_NOT_EQUAL(f1, f3);
        world_free(w1);
        world_free(w2);
        world_free(w3);
        free(t1);
        free(t2);
    }
}

static void test_bad_settings_and_building(void)
{
    errinfo_t e;
    world_settings_t s = world_settings_default();
    s.dns_timeout = 0;
    CU_ASSERT_PTR_NULL(world_new(&s, 1, NULL, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "dns_timeout"));
    s = world_settings_default();
    s.propagation_jitter = -1;
    CU_ASSERT_PTR_NULL(world_new(&s, 1, NULL, &e));
    world_t *w = tw_world(NULL, 1);
    CU_ASSERT_EQUAL(world_add_region(w, "eu", &e), 0);
    CU_ASSERT_EQUAL(world_add_region(w, "eu", &e), WORLD_NONE);
    CU_ASSERT_EQUAL(world_add_region(w, "", &e), WORLD_NONE);
    tw_spec_t n;
    tw_spec(&n, 1, "a", NULL, NULL);
    n.n.tags = (const char *[]){"conn"};
    n.n.n_tags = 1;
    CU_ASSERT_EQUAL(world_add_node(w, &n.n, &e), WORLD_NONE);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "tag:"));
    tw_spec(&n, 1, "a", NULL, NULL);
    tw_spec_lat(&n, 5, TW_MS(1));
    CU_ASSERT_EQUAL(world_add_node(w, &n.n, &e), WORLD_NONE);
    tw_spec(&n, 1, "a", NULL, NULL);
    tw_spec_lat(&n, 0, -5);
    CU_ASSERT_EQUAL(world_add_node(w, &n.n, &e), WORLD_NONE);
    tw_spec(&n, 1, "a", NULL, NULL);
    tw_spec_route(&n, "0.0.0.0/0");
    CU_ASSERT_EQUAL(world_add_node(w, &n.n, &e), WORLD_NONE);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "offers_exit"));
    tw_spec(&n, 1, "a", NULL, NULL);
    n.n.name = "has space";
    CU_ASSERT_EQUAL(world_add_node(w, &n.n, &e), WORLD_NONE);
    tw_spec(&n, 1, "a", NULL, NULL);
    CU_ASSERT_EQUAL(world_add_node(w, &n.n, &e), 0);
    CU_ASSERT_EQUAL(world_add_region(w, "us", &e), WORLD_NONE); /* regions come first */
    /* policies: C1 '*' connectors, S3 bad selectors, C2 bad routes */
    const char *star[] = {"*"}, *group[] = {"group:eng"}, *all[] = {"*"};
    pfx_t def = tw_pfx("0.0.0.0/0"), loop = tw_pfx("127.0.0.0/8");
    world_app_t a = {{"x", star, 1, NULL, 0, NULL, 0}, all, 1};
    world_policy_t p = {&a, 1, {NULL, 0, NULL, 0}};
    CU_ASSERT_EQUAL(world_add_policy(w, &p, &e), WORLD_NONE);
    a.app.connectors = (const char *[]){"tag:c"};
    a.targets = group;
    CU_ASSERT_EQUAL(world_add_policy(w, &p, &e), WORLD_NONE);
    a.targets = all;
    a.app.routes = &def;
    a.app.n_routes = 1;
    CU_ASSERT_EQUAL(world_add_policy(w, &p, &e), WORLD_NONE);
    a.app.routes = &loop;
    CU_ASSERT_EQUAL(world_add_policy(w, &p, &e), WORLD_NONE);
    a.app.n_routes = 0;
    CU_ASSERT_EQUAL(world_add_policy(w, &p, &e), 0);
    /* events and runs before the start */
    CU_ASSERT_EQUAL(world_ev_down(w, 0, 0, &e), -1);
    CU_ASSERT_EQUAL(world_run_until(w, TW_S(1), &e), -1);
    world_free(w);
}

static void test_bad_start(void)
{
    errinfo_t e;
    for (int k = 0; k < 4; k++) {
        world_t *w = tw_world(NULL, 1);
        tw_spec_t n;
        tw_spec(&n, 1, "a", NULL, NULL);
        n.n.offers_exit = k != 2;
        tw_add(w, &n);
        tw_spec(&n, k == 0 ? 1 : 2, k == 1 ? "a" : "b", NULL, NULL);
        n.n.exit_node = k == 2 ? 0 : k == 3 ? 1 : WORLD_NONE;
        tw_add(w, &n);
        CU_ASSERT_EQUAL(world_start(w, &e), -1);
        const char *want[] = {"id 1 is used twice", "name 'a' is used twice", "offers exit",
                              "offers exit"};
        CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, want[k]));
        world_free(w);
    }
}

static void test_bad_events(void)
{
    errinfo_t e;
    world_t *w = tw_world(NULL, 1);
    tw_spec_t n;
    tw_spec(&n, 1, "a", NULL, "198.51.100.1");
    size_t a = tw_add(w, &n);
    tw_spec(&n, 2, "b", NULL, NULL);
    size_t b = tw_add(w, &n);
    tw_start(w);
    CU_ASSERT_EQUAL(world_add_node(w, &n.n, &e), WORLD_NONE);
    CU_ASSERT_EQUAL(world_start(w, &e), -1);
    tw_run(w, TW_S(5));
    CU_ASSERT_EQUAL(world_ev_down(w, TW_S(4), a, &e), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "past"));
    CU_ASSERT_EQUAL(world_ev_down(w, TW_S(6), 9, &e), -1);
    CU_ASSERT_EQUAL(world_ev_policy(w, TW_S(6), 3, &e), -1);
    CU_ASSERT_EQUAL(world_ev_latency(w, TW_S(6), a, 0, 1, &e), -1);
    CU_ASSERT_EQUAL(world_ev_exit_select(w, TW_S(6), a, b, &e), -1);
    CU_ASSERT_EQUAL(world_ev_query(w, TW_S(6), a, "bad..name", LDNS_RR_TYPE_A, NULL, &e),
                    WORLD_NONE);
    CU_ASSERT_EQUAL(world_ev_flow_name(w, TW_S(6), a, NULL, NULL, &e), WORLD_NONE);
    CU_ASSERT_EQUAL(world_ev_flow_addr(w, TW_S(6), WORLD_NONE, NULL, NULL, &e), WORLD_NONE);
    /* events that do not apply are rejected records, and the run goes on */
    CU_ASSERT_EQUAL(world_ev_up(w, TW_S(6), a, &e), 0);
    CU_ASSERT_EQUAL(world_ev_ctrl_back(w, TW_S(6), a, &e), 0);
    CU_ASSERT_EQUAL(world_ev_down(w, TW_S(7), a, &e), 0);
    CU_ASSERT_EQUAL(world_ev_down(w, TW_S(7), a, &e), 0);
    CU_ASSERT_EQUAL(world_ev_ctrl_lost(w, TW_S(8), a, &e), 0);
    CU_ASSERT_EQUAL(world_ev_restart(w, TW_S(8), a, &e), 0);
    size_t q = world_ev_query(w, TW_S(9), a, "www.example.com.", LDNS_RR_TYPE_A, "q", &e);
    tw_run(w, TW_S(10));
    CU_ASSERT_EQUAL(tw_count(w, "rejected", "a"), 5);
    /* a down node's query fails at once */
    CU_ASSERT_EQUAL(world_query_result(w, q)->rcode, LDNS_RCODE_SERVFAIL);
    CU_ASSERT_EQUAL(world_query_result(w, q)->at, TW_S(9));
    CU_ASSERT_PTR_NULL(world_query_result(w, 99));
    CU_ASSERT_PTR_NULL(world_flow_result(w, 99));
    world_free(w);
}

static void test_limits_stop_the_run(void)
{
    errinfo_t e;
    engine_limits_t lim = {5, 0};
    world_t *w = world_new(NULL, 1, &lim, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    tw_spec_t n;
    tw_spec(&n, 1, "a", NULL, "198.51.100.1");
    size_t a = tw_add(w, &n);
    tw_start(w);
    pfx_addr_t to = tw_addr("8.8.8.8");
    for (int i = 0; i < 10; i++)
        world_ev_flow_addr(w, TW_S(i), a, &to, NULL, &e);
    CU_ASSERT_EQUAL(world_run(w, &e), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "events"));
    world_free(w);
}

static void test_s5_route_warning(void)
{
    world_t *w = tw_world(NULL, 1);
    world_node_t n = world_node_default(1, "big");
    size_t count = 10001;
    pfx_t *routes = malloc(count * sizeof *routes);
    for (size_t i = 0; i < count; i++) {
        pfx_addr_t a = pfx_addr_v4(0x0a000000u + (uint32_t)i);
        routes[i] = pfx_host(&a);
    }
    n.routes = routes;
    n.n_routes = count;
    errinfo_t e;
    CU_ASSERT_NOT_EQUAL(world_add_node(w, &n, &e), WORLD_NONE);
    free(routes);
    tw_start(w);
    /* S5: a warning in the results, once for the node and once for the tailnet */
    CU_ASSERT_EQUAL(tw_count(w, "warning", "big"), 1);
    CU_ASSERT_EQUAL(tw_count(w, "warning", NULL), 2);
    CU_ASSERT_EQUAL(pfxset_count(world_ctrl_set(w, 0)), count);
    world_free(w);
}

/* A policy version: one app per tag, app k with `count` control routes 10.k.x.y/32 from
 * `first` on (C2: control routes are approved). */
static size_t policy_of_routes(world_t *w, const char *const *tags, size_t n_apps, uint32_t first,
                               size_t count)
{
    world_app_t apps[2];
    pfx_t *routes[2];
    const char *const all[] = {"*"};
    for (size_t k = 0; k < n_apps; k++) {
        routes[k] = malloc(count * sizeof *routes[k]);
        for (size_t i = 0; i < count; i++) {
            pfx_addr_t a = pfx_addr_v4(((10u + (uint32_t)k) << 24) + first + (uint32_t)i);
            routes[k][i] = pfx_host(&a);
        }
        apps[k] = (world_app_t){{tags[k], &tags[k], 1, NULL, 0, routes[k], count}, all, 1};
    }
    world_policy_t pol = {apps, n_apps, {NULL, 0, NULL, 0}};
    errinfo_t e;
    size_t v = world_add_policy(w, &pol, &e);
    CU_ASSERT_NOT_EQUAL(v, WORLD_NONE);
    for (size_t k = 0; k < n_apps; k++)
        free(routes[k]);
    return v;
}

static size_t connector(world_t *w, uint64_t id, const char *name, const char *tag)
{
    tw_spec_t n;
    tw_spec(&n, id, name, tag, "203.0.113.1");
    n.n.advertise_connector = true;
    return tw_add(w, &n);
}

/* S5 counts the routes advertised now, (node, prefix) pairs across the tailnet: 6,000 routes
 * replaced by 6,000 others are never more than 10,000 at once; two nodes of 6,000 each are. */
static void test_s5_counts_live_routes(void)
{
    const char *const tags[] = {"tag:a", "tag:b"};
    world_t *w = tw_world(NULL, 1);
    size_t a = connector(w, 1, "a", "a");
    policy_of_routes(w, tags, 1, 0, 6000);
    size_t v1 = policy_of_routes(w, tags, 1, 0x10000, 6000);
    size_t v2 = policy_of_routes(w, tags, 1, 0x20000, 6000);
    tw_start(w);
    errinfo_t e;
    CU_ASSERT_EQUAL(world_ev_policy(w, TW_S(2), v1, &e), 0);
    CU_ASSERT_EQUAL(world_ev_policy(w, TW_S(4), v2, &e), 0);
    tw_run(w, TW_S(10));
    CU_ASSERT_EQUAL(pfxset_count(world_ctrl_set(w, a)), 6000);
    CU_ASSERT_EQUAL(tw_count(w, "warning", NULL), 0);
    world_free(w);

    w = tw_world(NULL, 1);
    a = connector(w, 1, "a", "a");
    size_t b = connector(w, 2, "b", "b");
    policy_of_routes(w, tags, 2, 0, 6000);
    tw_start(w);
    CU_ASSERT_EQUAL(pfxset_count(world_ctrl_set(w, a)), 6000);
    CU_ASSERT_EQUAL(pfxset_count(world_ctrl_set(w, b)), 6000);
    CU_ASSERT_EQUAL(tw_count(w, "warning", NULL), 1); /* the tailnet's; neither node's */
    CU_ASSERT_TRUE(tw_has(w, "warning", NULL, 0, "in the tailnet"));
    world_free(w);
}

/* Regions, node names and ids, query and flow ids are found through indexes (many regions
 * and nodes build in linear time); a repeated region is refused; an id used twice finds the
 * first event; lookups work before world_start too. */
static void test_lookups_by_name_and_id(void)
{
    world_t *w = tw_world(NULL, 1);
    errinfo_t e;
    char name[32];
    const size_t n_regions = 20000, n_nodes = 300;
    for (size_t i = 0; i < n_regions; i++) {
        snprintf(name, sizeof name, "r%zu", i);
        CU_ASSERT_EQUAL_FATAL(world_add_region(w, name, &e), i);
    }
    CU_ASSERT_EQUAL(world_add_region(w, "r123", &e), WORLD_NONE);
    CU_ASSERT_STRING_EQUAL(e.msg, "region 'r123' is listed twice");
    CU_ASSERT_EQUAL(world_region_count(w), n_regions);
    for (size_t i = 0; i < n_nodes; i++) {
        snprintf(name, sizeof name, "n%zu", i);
        world_node_t n = world_node_default(1000000 - 7 * i, name);
        CU_ASSERT_EQUAL_FATAL(world_add_node(w, &n, &e), i);
    }
    CU_ASSERT_EQUAL(world_find_node(w, "n42"), 42);
    CU_ASSERT_EQUAL(world_find_node_id(w, 1000000 - 7 * 42), 42);
    tw_start(w);
    for (size_t i = 0; i < n_nodes; i += 7) {
        snprintf(name, sizeof name, "n%zu", i);
        CU_ASSERT_EQUAL(world_find_node(w, name), i);
        CU_ASSERT_EQUAL(world_find_node_id(w, 1000000 - 7 * i), i);
    }
    CU_ASSERT_EQUAL(world_find_node(w, "n300"), WORLD_NONE);
    CU_ASSERT_EQUAL(world_find_node(w, NULL), WORLD_NONE);
    CU_ASSERT_EQUAL(world_find_node_id(w, 1000000 - 7 * 300), WORLD_NONE);
    CU_ASSERT_EQUAL(world_find_node_id(w, 5), WORLD_NONE);
    pfx_addr_t to = tw_addr("192.0.2.1");
    size_t q0 = world_ev_query(w, TW_S(1), 0, "a.example", 1, "q", &e);
    size_t q1 = world_ev_query(w, TW_S(1), 1, "b.example", 1, "q", &e); /* the same id */
    size_t q2 = world_ev_query(w, TW_S(1), 1, "b.example", 1, "q2", &e);
    size_t f0 = world_ev_flow_addr(w, TW_S(1), 0, &to, "q", &e); /* flows have their own ids */
    size_t f1 = world_ev_flow_name(w, TW_S(1), 0, "c.example", "f", &e);
    CU_ASSERT_EQUAL(world_ev_query(w, -1, 0, "a.example", 1, "bad", &e), WORLD_NONE);
    CU_ASSERT_NOT_EQUAL(q1, q0);
    CU_ASSERT_EQUAL(world_find_query(w, "q"), q0);
    CU_ASSERT_EQUAL(world_find_query(w, "q2"), q2);
    CU_ASSERT_EQUAL(world_find_query(w, "bad"), WORLD_NONE); /* refused events are not found */
    CU_ASSERT_EQUAL(world_find_query(w, "f"), WORLD_NONE);
    CU_ASSERT_EQUAL(world_find_flow(w, "q"), f0);
    CU_ASSERT_EQUAL(world_find_flow(w, "f"), f1);
    CU_ASSERT_EQUAL(world_find_flow(w, NULL), WORLD_NONE);
    tw_run(w, TW_S(2));
    /* the query that the flow to a name made has no id of its own */
    CU_ASSERT_EQUAL(world_find_query(w, "f"), WORLD_NONE);
    world_free(w);
}

void suite_world_determinism(void);
void suite_world_determinism(void)
{
    static CU_TestInfo tests[] = {
        {"T1 T3 P7 same world and seed: byte-identical traces and fingerprints; seed matters",
         test_same_seed_same_bytes},
        {"S1 S3 C1 C2 bad settings, regions, nodes and policies are refused with a message",
         test_bad_settings_and_building},
        {"S1 P8 duplicate ids or names and bad exit nodes stop the start", test_bad_start},
        {"S2 S4 bad events are refused; events that do not apply are rejected records",
         test_bad_events},
        {"T1 run limits stop the run with a message", test_limits_stop_the_run},
        {"S5 more than 10000 advertised routes is a warning", test_s5_route_warning},
        {"S5 the tailnet's count is of the routes advertised now", test_s5_counts_live_routes},
        {"S1 regions, nodes, queries and flows are found by name and id",
         test_lookups_by_name_and_id},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("world_determinism", tests);
}
