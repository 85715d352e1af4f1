/* Tests of sim/scenario_load: a valid file loads with every field and default as written, and
 * every kind of bad input is reported with file:line:col, the field's path and a useful
 * message, all errors of a file at once, and never a half-built scenario (S4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "testutil.h"

#define DATA "tests/data/scenarios"

static diag_list_t diags;

/* Loads text; the diagnostics stay in `diags` until the next load. */
static scenario_t *load_text(const char *text)
{
    diag_list_free(&diags);
    diag_list_init(&diags);
    scenario_t *s = NULL;
    int rc = scenario_load_string(text, "t.json", DATA, &s, &diags);
    CU_ASSERT_EQUAL(rc, s != NULL ? 0 : -1);
    return s;
}

static void print_diags(void)
{
    diag_list_print(&diags, stderr);
}

/* The first diagnostic whose formatted text contains every one of the (NULL-terminated)
 * fragments, or NULL (then every diagnostic is printed, to see why). */
static const diag_t *find_diag_all(const char *const *frags)
{
    for (size_t i = 0; i < diags.n; i++) {
        char buf[2048];
        diag_format(&diags.items[i], buf, sizeof buf);
        bool all = true;
        for (size_t k = 0; frags[k] != NULL && all; k++)
            all = strstr(buf, frags[k]) != NULL;
        if (all)
            return &diags.items[i];
    }
    fprintf(stderr, "\nno diagnostic has all of:");
    for (size_t k = 0; frags[k] != NULL; k++)
        fprintf(stderr, " [%s]", frags[k]);
    fprintf(stderr, "\n");
    print_diags();
    return NULL;
}
#define FIND(...) find_diag_all((const char *const[]){__VA_ARGS__, NULL})

/* Expects the text to fail with a diagnostic containing the fragments. */
#define EXPECT_ERROR(text, ...)                                                                   \
    do {                                                                                          \
        scenario_t *s_ = load_text(text);                                                         \
        CU_ASSERT_PTR_NULL(s_);                                                                   \
        scenario_free(s_);                                                                        \
        CU_ASSERT_PTR_NOT_NULL(FIND(__VA_ARGS__));                                                \
    } while (0)

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n)
        buf[n] = '\0';
    fclose(f);
    return buf;
}

static bool pfx_is(const pfx_t *p, const char *text)
{
    char buf[PFX_TEXT_MAX];
    pfx_format(p, buf);
    if (strcmp(buf, text) != 0)
        fprintf(stderr, "\nprefix %s, expected %s\n", buf, text);
    return strcmp(buf, text) == 0;
}

static bool addr_is(const pfx_addr_t *a, const char *text)
{
    char buf[PFX_ADDR_TEXT_MAX];
    pfx_addr_format(a, buf);
    return strcmp(buf, text) == 0;
}

/* ---- valid input ---- */

static void test_full_example(void)
{
    diag_list_free(&diags);
    diag_list_init(&diags);
    scenario_t *s = NULL;
    int rc = scenario_load(DATA "/full.json", &s, &diags);
    if (rc != 0)
        print_diags();
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s->name, "full example");
    CU_ASSERT_STRING_EQUAL(s->description, "exercises every field");
    CU_ASSERT_STRING_EQUAL(s->base_dir, DATA);
    CU_ASSERT_EQUAL(s->n_rules, 4);
    CU_ASSERT_STRING_EQUAL(s->rules[2], "N4");
    CU_ASSERT_EQUAL(s->seed, UINT64_MAX);
    CU_ASSERT_EQUAL(s->profile, SCENARIO_PROFILE_REFERENCE);

    const scenario_settings_t *st = &s->settings;
    CU_ASSERT_FALSE(st->store_routes);
    CU_ASSERT_TRUE(st->regional_routing && st->in_region_failover && st->sticky_primary);
    CU_ASSERT_EQUAL(st->detection_delay, 10 * SIMTIME_S);
    CU_ASSERT_EQUAL(st->propagation_delay, 2 * SIMTIME_S);
    CU_ASSERT_EQUAL(st->propagation_jitter, 0);
    CU_ASSERT_EQUAL(st->dns_timeout, 3 * SIMTIME_S);
    CU_ASSERT_FALSE(st->use_with_exit_node);
    CU_ASSERT_TRUE(st->learned_route_ttl_on);
    CU_ASSERT_EQUAL(st->learned_route_ttl, SIMTIME_HOUR);
    CU_ASSERT_EQUAL(st->default_rtt, 10 * SIMTIME_MS);
    CU_ASSERT_EQUAL(st->upstream_rtt, 5 * SIMTIME_MS);
    CU_ASSERT_EQUAL(st->advertise_delay, 150 * SIMTIME_MS);
    CU_ASSERT_EQUAL(st->max_events, 5000);
    CU_ASSERT_EQUAL(st->max_time, 10 * SIMTIME_MIN);

    /* policy version 0 (inline), 1 (the file, named three ways), 2 (inline, empty) */
    CU_ASSERT_EQUAL_FATAL(s->n_policies, 3);
    const scenario_policy_t *p = &s->policies[0];
    CU_ASSERT_STRING_EQUAL(p->source, DATA "/full.json");
    CU_ASSERT_EQUAL_FATAL(p->n_apps, 2);
    const scenario_app_t *web = &p->apps[0];
    CU_ASSERT_STRING_EQUAL(web->name, "web");
    CU_ASSERT_EQUAL(web->n_targets, 3); /* "*" twice collapses (N5) */
    CU_ASSERT_STRING_EQUAL(web->targets[2], "laptop");
    CU_ASSERT_EQUAL(web->n_connectors, 1);
    CU_ASSERT_EQUAL_FATAL(web->n_domains, 2); /* "Example.COM." and "example.com" are one */
    CU_ASSERT_STRING_EQUAL(web->domains[0].name, "example.com");
    CU_ASSERT_TRUE(web->domains[1].wildcard);
    CU_ASSERT_STRING_EQUAL(web->domains[1].name, "*.example.com");
    CU_ASSERT_EQUAL_FATAL(web->n_routes, 2);
    CU_ASSERT_TRUE(pfx_is(&web->routes[0], "192.0.2.0/24"));
    CU_ASSERT_TRUE(pfx_is(&web->routes[1], "2001:db8::/32"));
    app_t view = scenario_app_view(web);
    CU_ASSERT_STRING_EQUAL(view.connectors[0], "tag:conn");
    CU_ASSERT_EQUAL(view.n_domains, 2);
    CU_ASSERT_STRING_EQUAL(p->apps[1].targets[0], "*");
    CU_ASSERT_EQUAL(p->n_domains, 3);
    CU_ASSERT_EQUAL_FATAL(p->n_route_approvers, 2);
    CU_ASSERT_TRUE(pfx_is(&p->route_approvers[0].prefix, "0.0.0.0/0"));
    CU_ASSERT_EQUAL(p->route_approvers[1].n_approvers, 2);
    CU_ASSERT_EQUAL(p->n_exit_approvers, 1);
    CU_ASSERT_EQUAL_FATAL(p->n_tag_owners, 2);
    CU_ASSERT_STRING_EQUAL(p->tag_owners[1].tag, "tag:exit");
    CU_ASSERT_EQUAL(p->tag_owners[1].n_owners, 0);
    const scenario_policy_t *p1 = &s->policies[1];
    CU_ASSERT_STRING_EQUAL(p1->source, DATA "/policy_v2.hujson");
    CU_ASSERT_EQUAL_FATAL(p1->n_apps, 1);
    CU_ASSERT_STRING_EQUAL(p1->apps[0].name, "intranet");
    CU_ASSERT_EQUAL(p1->apps[0].n_domains, 2);
    CU_ASSERT_EQUAL(s->policies[2].n_apps, 0);

    CU_ASSERT_EQUAL_FATAL(s->n_regions, 2);
    CU_ASSERT_STRING_EQUAL(s->regions[1], "us");

    CU_ASSERT_EQUAL_FATAL(s->n_nodes, 3);
    const scenario_node_t *c = &s->nodes[0];
    CU_ASSERT_EQUAL(c->id, 10);
    CU_ASSERT_STRING_EQUAL(c->name, "conn");
    CU_ASSERT_EQUAL(c->created, SIMTIME_S);
    CU_ASSERT_EQUAL(c->n_tags, 2);
    CU_ASSERT_EQUAL_FATAL(c->n_latency, 2);
    CU_ASSERT_EQUAL(c->latency[0].region, 0); /* sorted by region id */
    CU_ASSERT_EQUAL(c->latency[0].rtt, 20 * SIMTIME_MS);
    CU_ASSERT_EQUAL(c->latency[1].rtt, 80 * SIMTIME_MS);
    CU_ASSERT_EQUAL(c->region, 0);
    CU_ASSERT_TRUE(c->has_egress4 && c->has_egress6);
    CU_ASSERT_TRUE(addr_is(&c->egress4, "203.0.113.1"));
    CU_ASSERT_TRUE(addr_is(&c->egress6, "2001:db8::1"));
    CU_ASSERT_FALSE(c->accept_routes || c->accept_dns);
    CU_ASSERT_TRUE(c->advertise_connector && c->offers_exit && c->cache);
    CU_ASSERT_EQUAL(c->n_routes, 1);
    CU_ASSERT_EQUAL(c->exit_node, SCENARIO_NONE);
    CU_ASSERT_EQUAL(c->line, 47);
    CU_ASSERT_EQUAL(c->col, 5);
    const scenario_node_t *l = &s->nodes[1];
    CU_ASSERT_EQUAL(l->id, UINT64_MAX);
    CU_ASSERT_EQUAL(l->exit_node, 0);
    CU_ASSERT_FALSE(l->has_egress4);
    CU_ASSERT_TRUE(l->has_egress6);
    const scenario_node_t *b = &s->nodes[2]; /* defaults */
    CU_ASSERT_EQUAL(b->id, 0);
    CU_ASSERT_EQUAL(b->created, 0);
    CU_ASSERT_EQUAL(b->region, SCENARIO_NONE);
    CU_ASSERT_TRUE(b->accept_routes && b->accept_dns);
    CU_ASSERT_FALSE(b->advertise_connector || b->offers_exit || b->cache);
    CU_ASSERT_EQUAL(b->n_tags + b->n_latency + b->n_routes, 0);
    CU_ASSERT_EQUAL(b->exit_node, SCENARIO_NONE);

    CU_ASSERT_EQUAL_FATAL(s->n_zones, 3);
    CU_ASSERT_STRING_EQUAL(s->zones[0].origin, "example.com");
    CU_ASSERT_STRING_EQUAL(s->zones[0].file, DATA "/example.zone");
    CU_ASSERT_EQUAL(s->zones[0].view, SCENARIO_NONE);
    CU_ASSERT_EQUAL(s->zones[1].view, 1);
    CU_ASSERT_EQUAL(s->zones[1].n_records, 1);
    CU_ASSERT_PTR_NULL(s->zones[1].file);
    CU_ASSERT_STRING_EQUAL(s->zones[2].origin, "");
    CU_ASSERT_EQUAL_FATAL(s->n_scripts, 4);
    CU_ASSERT_EQUAL(s->scripts[0].type, 1);
    CU_ASSERT_EQUAL(s->scripts[0].kind, SCENARIO_SCRIPT_RECORDS);
    CU_ASSERT_EQUAL(s->scripts[0].rcode, 0);
    CU_ASSERT_EQUAL(s->scripts[1].type, 0);
    CU_ASSERT_EQUAL(s->scripts[1].rcode, 3);
    CU_ASSERT_EQUAL(s->scripts[2].kind, SCENARIO_SCRIPT_RCODE);
    CU_ASSERT_EQUAL(s->scripts[2].rcode, 2);
    CU_ASSERT_EQUAL(s->scripts[3].kind, SCENARIO_SCRIPT_WIRE);
    CU_ASSERT_EQUAL_FATAL(s->scripts[3].wire_len, 6);
    CU_ASSERT_EQUAL(s->scripts[3].wire[0], 0x81);
    CU_ASSERT_EQUAL(s->scripts[3].wire[3], 0x01);
    CU_ASSERT_STRING_EQUAL(s->scripts[3].wire_hex, "81 80 00 01\n0000");

    CU_ASSERT_EQUAL_FATAL(s->n_events, 24);
    const scenario_event_t *ev = s->events;
    CU_ASSERT_EQUAL(ev[0].kind, SCENARIO_EV_DOWN);
    CU_ASSERT_EQUAL(ev[0].at, 5 * SIMTIME_S);
    CU_ASSERT_EQUAL(ev[0].node, 0);
    CU_ASSERT_EQUAL(ev[2].kind, SCENARIO_EV_CTRL_LOST);
    CU_ASSERT_EQUAL(ev[2].at, SIMTIME_S); /* file order kept, not sorted (T1) */
    CU_ASSERT_EQUAL(ev[2].seq, 2);
    CU_ASSERT_EQUAL(ev[6].kind, SCENARIO_EV_RESTART);
    CU_ASSERT_EQUAL(ev[7].kind, SCENARIO_EV_LATENCY);
    CU_ASSERT_EQUAL(ev[7].u.latency.region, 1);
    CU_ASSERT_EQUAL(ev[7].u.latency.rtt, 30 * SIMTIME_MS);
    CU_ASSERT_FALSE(ev[7].u.latency.remove);
    CU_ASSERT_TRUE(ev[8].u.latency.remove);
    CU_ASSERT_EQUAL(ev[9].u.exit_select.exit, SCENARIO_NONE);
    CU_ASSERT_EQUAL(ev[10].u.exit_select.exit, 0);
    CU_ASSERT_EQUAL(ev[11].kind, SCENARIO_EV_POLICY);
    CU_ASSERT_EQUAL(ev[11].node, SCENARIO_NONE);
    CU_ASSERT_EQUAL(ev[11].u.policy.version, 1);
    CU_ASSERT_EQUAL(ev[12].u.policy.version, 2);
    CU_ASSERT_EQUAL(ev[22].u.policy.version, 1);
    CU_ASSERT_EQUAL(ev[23].u.policy.version, 1);
    CU_ASSERT_EQUAL(ev[13].kind, SCENARIO_EV_APPROVE);
    CU_ASSERT_TRUE(pfx_is(&ev[13].u.approve.prefix, "192.0.2.7/32"));
    CU_ASSERT_EQUAL(ev[14].kind, SCENARIO_EV_UNAPPROVE);
    CU_ASSERT_EQUAL(ev[15].u.zone_change.zone, 1);
    CU_ASSERT_STRING_EQUAL(ev[15].u.zone_change.owner, "www.example.com");
    CU_ASSERT_EQUAL(ev[15].u.zone_change.type, 1);
    CU_ASSERT_EQUAL(ev[15].u.zone_change.ttl, 60);
    CU_ASSERT_EQUAL_FATAL(ev[15].u.zone_change.n_rdata, 1);
    CU_ASSERT_STRING_EQUAL(ev[15].u.zone_change.rr_texts[0], "www.example.com. 60 IN A 192.0.2.8");
    CU_ASSERT_EQUAL(ev[16].u.zone_change.zone, 0);
    CU_ASSERT_EQUAL(ev[16].u.zone_change.ttl, 300);
    CU_ASSERT_EQUAL(ev[16].u.zone_change.type, 28);
    CU_ASSERT_EQUAL(ev[16].u.zone_change.n_rdata, 0);
    CU_ASSERT_PTR_NULL(ev[16].u.zone_change.rr_texts);
    CU_ASSERT_STRING_EQUAL(ev[17].u.query.name, "www.example.com");
    CU_ASSERT_EQUAL(ev[17].u.query.type, 1);
    CU_ASSERT_STRING_EQUAL(ev[17].id, "q1");
    CU_ASSERT_EQUAL(ev[18].u.query.type, 28);
    CU_ASSERT_PTR_NULL(ev[18].id);
    CU_ASSERT_TRUE(ev[19].u.flow.to_is_addr);
    CU_ASSERT_TRUE(addr_is(&ev[19].u.flow.addr, "192.0.2.7"));
    CU_ASSERT_FALSE(ev[20].u.flow.to_is_addr);
    CU_ASSERT_STRING_EQUAL(ev[20].u.flow.name, "www.example.com");
    CU_ASSERT_EQUAL(ev[21].at, 20 * SIMTIME_S);
    CU_ASSERT_FALSE(ev[21].u.advertise_connector.value);
    CU_ASSERT_STRING_EQUAL(scenario_event_kind_name(ev[21].kind), "advertise_connector");
    CU_ASSERT_EQUAL(scenario_find_event(s, "f2"), 20);
    CU_ASSERT_EQUAL(scenario_find_event(s, "nope"), SCENARIO_NONE);
    /* T1: by time, file order among equal times (the two queries at 18s, the flows at 19s) */
    size_t *order = scenario_event_order_new(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(order);
    static const size_t want[24] = {2, 3, 4, 5, 0, 1, 6, 7, 8, 9, 10, 11,
                                    12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23};
    for (size_t i = 0; i < 24; i++)
        CU_ASSERT_EQUAL(order[i], want[i]);
    free(order);

    CU_ASSERT_EQUAL_FATAL(s->n_expects, 11);
    const scenario_expect_t *ex = s->expects;
    CU_ASSERT_EQUAL(ex[0].kind, SCENARIO_EXP_ADVERTISED);
    CU_ASSERT_EQUAL(ex[0].at, 2 * SIMTIME_S);
    CU_ASSERT_STRING_EQUAL(ex[0].id, "adv");
    CU_ASSERT_EQUAL(ex[0].n_rules, 1);
    CU_ASSERT_EQUAL(ex[0].u.advertised.mode, SCENARIO_SET_EXACTLY);
    CU_ASSERT_EQUAL(ex[0].u.advertised.n_prefixes, 2);
    CU_ASSERT_EQUAL(ex[1].at, SCENARIO_END);
    CU_ASSERT_EQUAL(ex[1].u.advertised.mode, SCENARIO_SET_EXCLUDES);
    CU_ASSERT_EQUAL(ex[2].kind, SCENARIO_EXP_ROUTE);
    CU_ASSERT_EQUAL(ex[2].at, SCENARIO_END);
    CU_ASSERT_EQUAL(ex[2].u.route.node, 1);
    CU_ASSERT_EQUAL(ex[2].u.route.via, 0);
    CU_ASSERT_EQUAL(ex[3].u.route.via, SCENARIO_NONE);
    CU_ASSERT_EQUAL(ex[4].kind, SCENARIO_EXP_FLOW);
    CU_ASSERT_EQUAL(ex[4].u.flow.event, 19);
    CU_ASSERT_EQUAL(ex[4].u.flow.outcome, SCENARIO_OUTCOME_VIA);
    CU_ASSERT_EQUAL(ex[4].u.flow.node, 0);
    CU_ASSERT_TRUE(ex[4].u.flow.has_egress);
    CU_ASSERT_EQUAL(ex[5].u.flow.outcome, SCENARIO_OUTCOME_DROPPED);
    CU_ASSERT_STRING_EQUAL(ex[5].u.flow.reason, "dns: SERVFAIL");
    CU_ASSERT_EQUAL(ex[6].kind, SCENARIO_EXP_DNS);
    CU_ASSERT_EQUAL(ex[6].u.dns.event, 17);
    CU_ASSERT_TRUE(ex[6].u.dns.has_rcode && ex[6].u.dns.has_addresses);
    CU_ASSERT_EQUAL(ex[6].u.dns.n_addresses, 2);
    CU_ASSERT_EQUAL(ex[7].u.route_changes.min, 3);
    CU_ASSERT_EQUAL(ex[7].u.route_changes.max, 3);
    CU_ASSERT_TRUE(ex[8].u.route_changes.has_min && ex[8].u.route_changes.has_max);
    CU_ASSERT_EQUAL(ex[8].u.route_changes.max, 4);
    CU_ASSERT_EQUAL(ex[9].kind, SCENARIO_EXP_INVARIANT);
    CU_ASSERT_TRUE(ex[9].u.invariant.always);
    CU_ASSERT_EQUAL(ex[9].u.invariant.what, SCENARIO_INV_NO_DROPPED_FLOWS);
    CU_ASSERT_EQUAL(ex[9].u.invariant.from, SIMTIME_S);
    CU_ASSERT_FALSE(ex[10].u.invariant.always);
    CU_ASSERT_EQUAL(ex[10].u.invariant.node, 0);
    CU_ASSERT_EQUAL(ex[10].u.invariant.n_prefixes, 1);

    /* The inline policy's "groups" is not modelled: a warning; nothing else is wrong. */
    CU_ASSERT_EQUAL(diags.n_errors, 0);
    CU_ASSERT_PTR_NOT_NULL(FIND("policy_v2.hujson:4:3: warning", "'groups' is ignored"));
    scenario_free(s);
}

static void test_defaults(void)
{
    scenario_t *s = load_text("{}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s->name, "t");
    CU_ASSERT_EQUAL(s->seed, 1);
    scenario_settings_t d = scenario_settings_default();
    CU_ASSERT_TRUE(d.store_routes && !d.regional_routing && !d.in_region_failover &&
                   !d.sticky_primary && d.use_with_exit_node && !d.learned_route_ttl_on);
    CU_ASSERT_EQUAL(d.detection_delay, 15 * SIMTIME_S);
    CU_ASSERT_EQUAL(d.propagation_delay, 1300 * SIMTIME_MS);
    CU_ASSERT_EQUAL(d.propagation_jitter, 250 * SIMTIME_MS);
    CU_ASSERT_EQUAL(d.dns_timeout, 5 * SIMTIME_S);
    CU_ASSERT_EQUAL(d.default_rtt + d.upstream_rtt + d.advertise_delay, 0);
    CU_ASSERT_EQUAL(d.max_events, 50000000); /* the engine's own defaults */
    CU_ASSERT_EQUAL(d.max_time, 30 * SIMTIME_DAY);
    const scenario_settings_t *g = &s->settings;
    CU_ASSERT_TRUE(g->store_routes == d.store_routes &&
                   g->regional_routing == d.regional_routing &&
                   g->in_region_failover == d.in_region_failover &&
                   g->sticky_primary == d.sticky_primary &&
                   g->use_with_exit_node == d.use_with_exit_node &&
                   g->learned_route_ttl_on == d.learned_route_ttl_on &&
                   g->max_time == d.max_time);
    CU_ASSERT_TRUE(g->detection_delay == d.detection_delay &&
                   g->propagation_delay == d.propagation_delay &&
                   g->propagation_jitter == d.propagation_jitter &&
                   g->dns_timeout == d.dns_timeout && g->default_rtt == d.default_rtt &&
                   g->upstream_rtt == d.upstream_rtt && g->advertise_delay == d.advertise_delay &&
                   g->max_events == d.max_events);
    CU_ASSERT_EQUAL_FATAL(s->n_policies, 1); /* the initial policy always exists */
    CU_ASSERT_EQUAL(s->policies[0].n_apps, 0);
    CU_ASSERT_EQUAL(s->n_nodes + s->n_events + s->n_expects + s->n_zones + s->n_regions, 0);
    CU_ASSERT_EQUAL(diags.n, 0);
    scenario_free(s);
}

/* The example at the top of scenarios/FORMAT.md must stay loadable. */
static void test_format_md_example(void)
{
    char *md = read_file("scenarios/FORMAT.md");
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    char *start = strstr(md, "```json\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(start);
    start += 8;
    char *end = strstr(start, "```");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    *end = '\0';
    scenario_t *s = load_text(start);
    if (s == NULL)
        print_diags();
    CU_ASSERT_PTR_NOT_NULL(s);
    if (s != NULL) {
        CU_ASSERT_EQUAL(s->n_nodes, 2);
        CU_ASSERT_EQUAL(s->n_events, 3);
        CU_ASSERT_EQUAL(s->n_expects, 4);
        CU_ASSERT_EQUAL(s->settings.propagation_jitter, 0);
        CU_ASSERT_PTR_NOT_NULL(FIND("warning", "'acls' is ignored"));
    }
    scenario_free(s);
    free(md);
}

/* ---- syntax ---- */

static void test_malformed_json(void)
{
    EXPECT_ERROR("{\n  \"nodes\": [\n    {\"id\": 1,}\n    {\"id\": 2}\n  ]\n}",
                 "t.json:4:5: error: invalid JSON");
    EXPECT_ERROR("{\"name\": \"x\"", "t.json:1:12: error: invalid JSON", "expected");
    EXPECT_ERROR("{\"name\": \"x\"\n", "t.json:2:1: error: invalid JSON");
    EXPECT_ERROR("", "t.json:1:1: error: invalid JSON");
    EXPECT_ERROR("{\"seed\": 1, \"seed\": 2}", "t.json:1:18: error: invalid JSON",
                 "duplicate object key");
    EXPECT_ERROR("[1, 2]", "t.json:1:1: error:", "a scenario must be a JSON object");
    /* jansson's integers are signed: the hint says what to do */
    EXPECT_ERROR("{\"seed\": 18446744073709551615}", "too big integer", "as strings");
    EXPECT_ERROR("{/* never closed\n", "t.json:1:2: error:", "block comment is not closed");
}

/* Columns count characters, as jansson does, also after a comment holding non-ASCII text. */
static void test_positions_count_characters(void)
{
    EXPECT_ERROR("{\"name\": \"é\", \"seed\": x}", "t.json:1:23: error: invalid JSON");
    EXPECT_ERROR("{/* é */ \"seed\": x}", "t.json:1:18: error: invalid JSON");
    EXPECT_ERROR("{\"name\": \"ü\", \"seed\": -1}", "t.json:1:23: error: seed:",
                 "must not be negative");
}

/* ---- types, keys, required fields ---- */

static void test_wrong_types(void)
{
    scenario_t *s = load_text("{\n"
                              "  \"name\": 5,\n"
                              "  \"seed\": \"x\",\n"
                              "  \"settings\": {\"store_routes\": \"yes\", \"dns_timeout\": 1.5},\n"
                              "  \"nodes\": {},\n"
                              "  \"regions\": [\"eu\", 7]\n"
                              "}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:2:11: error: name: must be a string, not an integer"));
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:3:11: error: seed: 'x' is not an unsigned 64-bit"));
    CU_ASSERT_PTR_NOT_NULL(
        FIND("t.json:4:32: error: settings.store_routes: must be true or false, not a string"));
    CU_ASSERT_PTR_NOT_NULL(FIND("settings.dns_timeout:", "not a real number"));
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:5:12: error: nodes: must be an array, not an object"));
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:6:21: error: regions[1]: must be a string"));
    CU_ASSERT_EQUAL(diags.n_errors, 6);
    scenario_free(s);
}

static void test_unknown_key_suggests(void)
{
    EXPECT_ERROR("{\"nodes\": [{\"id\": 1, \"name\": \"a\"},\n"
                 "  {\"id\": 2, \"name\": \"b\", \"advertise_conector\": true}]}",
                 "t.json:2:26: error: nodes[1]: unknown key 'advertise_conector'; did you mean "
                 "'advertise_connector'?");
    EXPECT_ERROR("{\"setings\": {}}", "unknown key 'setings'; did you mean 'settings'?");
    EXPECT_ERROR("{\"nodes\": [{\"id\": 1, \"name\": \"a\", \"exitNode\": null}]}",
                 "did you mean 'exit_node'?");
    EXPECT_ERROR("{\"settings\": {\"zzz\": 1}}", "unknown key 'zzz' (the keys here are",
                 "'store_routes'");
    /* policy keys match regardless of case, and a misspelt section is an error, not ignored */
    EXPECT_ERROR("{\"policy\": {\"NodeAtrs\": []}}", "policy: unknown key 'NodeAtrs'; did you "
                                                     "mean 'nodeAttrs'?");
    EXPECT_ERROR("{\"timeline\": [{\"at\": \"1s\", \"event\": \"donw\", \"node\": \"a\"}]}",
                 "timeline[0].event: unknown event 'donw'; did you mean 'down'?");
}

static void test_missing_required(void)
{
    scenario_t *s = load_text("{\"nodes\": [{\"name\": \"a\"}, {\"id\": 2}],\n"
                              " \"timeline\": [{\"event\": \"up\"}, {\"at\": \"1s\"}]}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:1:12: error: nodes[0]: missing required key 'id'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:1:27: error: nodes[1]: missing required key 'name'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[0]: missing required key 'at'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[0]: missing required key 'node'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[1]: missing required key 'event'"));
    scenario_free(s);
}

static void test_duplicate_nodes(void)
{
    scenario_t *s = load_text("{\"nodes\": [\n"
                              "  {\"id\": 1, \"name\": \"a\"},\n"
                              "  {\"id\": \"1\", \"name\": \"b\"},\n"
                              "  {\"id\": 3, \"name\": \"a\"}]}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(
        FIND("t.json:3:10: error: nodes[1].id: node id 1 is already used by nodes[0]"));
    CU_ASSERT_PTR_NOT_NULL(
        FIND("t.json:4:21: error: nodes[2].name: node name 'a' is already used by nodes[0]"));
    scenario_free(s);
    EXPECT_ERROR("{\"regions\": [\"eu\", \"eu\"]}", "regions[1]: region 'eu' is listed twice");
    EXPECT_ERROR("{\"nodes\": [{\"id\": 1, \"name\": \"has space\"}]}",
                 "nodes[0].name: 'has space' is not a valid name");
}

/* ---- policy values (N1, N4, N5, C1, C2, S5) ---- */

static const char *policy_with(const char *app_fields)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "{\"policy\": {\"nodeAttrs\": [{\"target\": [\"*\"], \"app\": "
             "{\"tailscale.com/app-connectors\": [{\"name\": \"a\", %s}]}}]}}",
             app_fields);
    return buf;
}

#define APP_PATH "policy.nodeAttrs[0].app[\"tailscale.com/app-connectors\"][0]"

static void test_policy_domains(void)
{
    EXPECT_ERROR(policy_with("\"connectors\": [\"tag:c\"], \"domains\": [\"ok.com\", \"a..b\"]"),
                 APP_PATH ".domains[1]:", "label 2 of domain 'a..b' is empty (N1)");
    EXPECT_ERROR(policy_with("\"connectors\": [\"tag:c\"], \"domains\": [\"*\"]"),
                 APP_PATH ".domains[0]:", "bare '*'", "(N4)");
    EXPECT_ERROR(policy_with("\"connectors\": [\"tag:c\"], \"domains\": [\"a.*.com\"]"),
                 "only as the whole first label (N4)");
    EXPECT_ERROR(policy_with("\"connectors\": [\"tag:c\"], \"domains\": [\"exämple.com\"]"),
                 "non-ASCII", "(N1)");
}

static void test_policy_routes_and_connectors(void)
{
    EXPECT_ERROR(policy_with("\"connectors\": [\"tag:c\"], \"routes\": [\"10.1.2.3/8\"]"),
                 APP_PATH ".routes[0]:", "10.1.2.3/8 has host bits set");
    EXPECT_ERROR(policy_with("\"connectors\": [\"*\"]"), APP_PATH ".connectors[0]:",
                 "'*' is not allowed", "(C1)");
    EXPECT_ERROR(policy_with("\"connectors\": [\"conn\"]"), "'conn' is not a tag");
    EXPECT_ERROR(policy_with("\"domains\": []"), APP_PATH ": missing required key 'connectors'");
    scenario_t *s = load_text(
        policy_with("\"connectors\": [\"tag:c\"], \"routes\": [\"0.0.0.0/0\", \"::/0\", "
                    "\"127.0.0.0/8\", \"127.1.0.0/16\", \"10.0.0.0/8\"]"));
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND(APP_PATH ".routes[0]:", "0.0.0.0/0", "(C2)"));
    CU_ASSERT_PTR_NOT_NULL(FIND(APP_PATH ".routes[1]:", "::/0", "(C2)"));
    CU_ASSERT_PTR_NOT_NULL(FIND(APP_PATH ".routes[2]:", "127.0.0.0/8", "(C2)"));
    CU_ASSERT_PTR_NOT_NULL(FIND(APP_PATH ".routes[3]:", "inside", "127.0.0.0/8"));
    CU_ASSERT_EQUAL(diags.n_errors, 4);
    scenario_free(s);
}

/* S5: 250 distinct domains across all apps load; the 251st is an error naming it. Duplicates
 * do not count (N5). */
static char *many_domains(size_t n_apps, size_t per_app, size_t dup_every)
{
    size_t cap = 64 + n_apps * (per_app * 40 + 128);
    char *buf = malloc(cap);
    size_t o = (size_t)snprintf(buf, cap, "{\"policy\": {\"nodeAttrs\": [{\"target\": [\"*\"], "
                                          "\"app\": {\"tailscale.com/app-connectors\": [");
    size_t k = 0;
    for (size_t a = 0; a < n_apps; a++) {
        o += (size_t)snprintf(buf + o, cap - o, "%s{\"name\": \"app%zu\", \"connectors\": "
                                                "[\"tag:c\"], \"domains\": [",
                              a == 0 ? "" : ", ", a);
        for (size_t d = 0; d < per_app; d++) {
            size_t id = dup_every != 0 && d % dup_every == 1 ? k - 1 : k++;
            o += (size_t)snprintf(buf + o, cap - o, "%s\"d%zu.example.com\"", d == 0 ? "" : ", ",
                                  id);
        }
        o += (size_t)snprintf(buf + o, cap - o, "]}");
    }
    snprintf(buf + o, cap - o, "]}}]}}");
    return buf;
}

static void test_policy_domain_limit(void)
{
    char *ok = many_domains(5, 50, 0);
    scenario_t *s = load_text(ok);
    CU_ASSERT_PTR_NOT_NULL(s);
    if (s != NULL)
        CU_ASSERT_EQUAL(s->policies[0].n_domains, 250);
    scenario_free(s);
    free(ok);
    /* 300 entries, but every other one repeats the one before: 150 distinct */
    char *dups = many_domains(3, 100, 2);
    s = load_text(dups);
    CU_ASSERT_PTR_NOT_NULL(s);
    if (s != NULL)
        CU_ASSERT_EQUAL(s->policies[0].n_domains, 150);
    scenario_free(s);
    free(dups);
    char *bad = many_domains(1, 251, 0);
    EXPECT_ERROR(bad, APP_PATH ".domains[250]:", "'d250.example.com' is domain number 251",
                 "at most 250", "(S5)");
    CU_ASSERT_EQUAL(diags.n_errors, 1);
    free(bad);
}

static void test_policy_warnings_and_targets(void)
{
    scenario_t *s = load_text(
        "{\"nodes\": [{\"id\": 1, \"name\": \"laptop\"}],\n"
        " \"policy\": {\"ACLs\": [], \"ssh\": [], \"Groups\": {},\n"
        "  \"nodeAttrs\": [{\"target\": [\"laptop\", \"nobody\", \"group:eng\"], \"attr\": [\"x\"],\n"
        "    \"app\": {\"tailscale.com/other\": {}, \"tailscale.com/app-connectors\": []}}]}}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(diags.n_errors, 0);
    CU_ASSERT_EQUAL(diags.n_warnings, 7);
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:2:13: warning: policy: 'ACLs' is ignored"));
    CU_ASSERT_PTR_NOT_NULL(FIND("warning: policy: 'ssh' is ignored"));
    CU_ASSERT_PTR_NOT_NULL(FIND("warning: policy: 'Groups' is ignored"));
    CU_ASSERT_PTR_NOT_NULL(FIND("policy.nodeAttrs[0].target[1]:", "'nobody' matches no node"));
    CU_ASSERT_PTR_NOT_NULL(FIND("target[2]:", "'group:eng' is not modelled"));
    CU_ASSERT_PTR_NOT_NULL(FIND("warning: policy.nodeAttrs[0]: 'attr' is ignored"));
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:4:13: warning: policy.nodeAttrs[0].app: capability "
                                "'tailscale.com/other' is ignored"));
    scenario_free(s);
    /* capability names are exact */
    s = load_text("{\"policy\": {\"nodeAttrs\": [{\"target\": [\"*\"], \"app\": "
                  "{\"tailscale.com/App-Connectors\": []}}]}}");
    CU_ASSERT_PTR_NOT_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("capability 'tailscale.com/App-Connectors' is ignored"));
    scenario_free(s);
}

static void test_policy_approvers_and_owners(void)
{
    scenario_t *s = load_text(
        "{\"policy\": {\"autoApprovers\": {\"routes\": {\"2001:db8::/32\": [\"tag:a\"], "
        "\"2001:0db8::/32\": [\"tag:b\", \"tag:a\"], \"2001:db8::/48\": [], \"2001:0db8::/48\": []},"
        " \"exitNode\": [\"tag:e\", \"tag:e\"]},"
        " \"tagOwners\": {\"tag:a\": [\"x@example.com\"]}}}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const scenario_policy_t *p = &s->policies[0];
    CU_ASSERT_EQUAL_FATAL(p->n_route_approvers, 2); /* two prefixes, two spellings each (N5) */
    CU_ASSERT_EQUAL(p->route_approvers[0].n_approvers, 2);
    CU_ASSERT_STRING_EQUAL(p->route_approvers[0].approvers[1], "tag:b");
    CU_ASSERT_EQUAL(p->route_approvers[1].n_approvers, 0);
    CU_ASSERT_EQUAL(p->n_exit_approvers, 1);
    CU_ASSERT_EQUAL(p->n_tag_owners, 1);
    scenario_free(s);
    s = load_text("{\"policy\": {\"autoApprovers\": {\"routes\": {\"10.0.0.1/8\": [\"tag:a\"]}, "
                  "\"exitnodes\": []}, \"tagOwners\": {\"owner\": []}}}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:1:42: error: policy.autoApprovers.routes:",
                                "10.0.0.1/8 has host bits set"));
    CU_ASSERT_PTR_NOT_NULL(FIND("unknown key 'exitnodes'; did you mean 'exitNode'?"));
    CU_ASSERT_PTR_NOT_NULL(FIND("policy.tagOwners: 'owner' is not a tag"));
    scenario_free(s);
}

/* HuJSON: comments and trailing commas are accepted, and positions after them stay exact. */
static void test_policy_file_comments(void)
{
    scenario_t *s = load_text("{\"policy_file\": \"policy_bad.hujson\"}");
    CU_ASSERT_PTR_NULL(s);
    const diag_t *d = FIND(DATA "/policy_bad.hujson:5:79: error: nodeAttrs[0].app"
                                "[\"tailscale.com/app-connectors\"][0].domains[1]:",
                           "'bad..example'");
    CU_ASSERT_PTR_NOT_NULL(d);
    CU_ASSERT_EQUAL(diags.n_errors, 1);
    scenario_free(s);
    /* a syntax error in a policy file (named by an absolute path) is reported in that file */
    char path[] = "/tmp/appcsim-policy-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    static const char bad[] = "{\n  // c\n  \"nodeAttrs\": [,]\n}\n";
    CU_ASSERT_EQUAL(write(fd, bad, sizeof bad - 1), (ssize_t)(sizeof bad - 1));
    close(fd);
    char text[256];
    snprintf(text, sizeof text, "{\"policy_file\": \"%s\"}", path);
    char where[128];
    snprintf(where, sizeof where, "%s:3:17: error: invalid JSON", path);
    EXPECT_ERROR(text, where);
    snprintf(text, sizeof text, "{\"timeline\": [{\"at\": 0, \"event\": \"policy\", "
                                "\"policy_file\": \"%s\"}]}", path);
    EXPECT_ERROR(text, where);
    unlink(path);
    EXPECT_ERROR("{\"policy_file\": \"missing.hujson\"}", "t.json:1:17: error: policy_file:",
                 "cannot open '" DATA "/missing.hujson'");
    EXPECT_ERROR("{\"policy\": {}, \"policy_file\": \"policy_v2.hujson\"}",
                 "give either \"policy\" or \"policy_file\", not both");
    /* scenario files take comments and trailing commas too */
    s = load_text("// a scenario\n{\"seed\": 3, /* c */ \"regions\": [\"a\",],}\n");
    CU_ASSERT_PTR_NOT_NULL(s);
    if (s != NULL)
        CU_ASSERT_EQUAL(s->seed, 3);
    scenario_free(s);
}

static void test_profile(void)
{
    EXPECT_ERROR("{\"profile\": \"tailscale\"}", "t.json:1:13: error: profile:",
                 "unknown profile 'tailscale': \"reference\" is the only profile so far");
}

/* ---- nodes ---- */

static void test_node_fields(void)
{
    scenario_t *s = load_text(
        "{\"regions\": [\"eu\"], \"nodes\": [\n"
        " {\"id\": 1, \"name\": \"a\", \"tags\": [\"conn\"], \"latency\": {\"ue\": \"1ms\"},\n"
        "  \"egress\": [\"192.0.2.1\", \"192.0.2.2\", \"nope\"], \"routes\": [\"0.0.0.0/0\"],\n"
        "  \"exit_node\": \"b\", \"region\": \"us\"},\n"
        " {\"id\": 2, \"name\": \"b\", \"exit_node\": \"b\", \"offers_exit\": true},\n"
        " {\"id\": 3, \"name\": \"c\", \"exit_node\": \"zz\"}]}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("nodes[0].tags[0]: 'conn' is not a tag"));
    CU_ASSERT_PTR_NOT_NULL(
        FIND("t.json:2:55: error: nodes[0].latency:", "no region named 'ue'; did you mean 'eu'?"));
    CU_ASSERT_PTR_NOT_NULL(FIND("nodes[0].egress[1]: a second IPv4 egress address"));
    CU_ASSERT_PTR_NOT_NULL(FIND("nodes[0].egress[2]: 'nope' is not an IPv4 or IPv6 address"));
    CU_ASSERT_PTR_NOT_NULL(FIND("nodes[0].routes[0]:", "offers_exit"));
    CU_ASSERT_PTR_NOT_NULL(FIND("nodes[0].region: there is no region named 'us'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("nodes[1].exit_node: a node cannot select itself"));
    CU_ASSERT_PTR_NOT_NULL(FIND("nodes[2].exit_node: there is no node named 'zz'"));
    /* nodes[0] selects b, which does offer exit: no error there */
    CU_ASSERT_EQUAL(diags.n_errors, 8);
    scenario_free(s);
    EXPECT_ERROR("{\"nodes\": [{\"id\": 1, \"name\": \"a\", \"exit_node\": \"b\"}, "
                 "{\"id\": 2, \"name\": \"b\"}]}",
                 "nodes[0].exit_node: node 'b' does not offer exit");
}

/* ---- durations ---- */

static void test_bad_durations(void)
{
    scenario_t *s = load_text("{\"settings\": {\"detection_delay\": \"5 s\", \"dns_timeout\": "
                              "\"-1s\", \"propagation_delay\": -5, \"learned_route_ttl\": \"0\","
                              " \"default_rtt\": \"1.5ns\", \"max_events\": 0}}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:1:34: error: settings.detection_delay:", "5 s"));
    CU_ASSERT_PTR_NOT_NULL(FIND("settings.dns_timeout:", "-1s"));
    CU_ASSERT_PTR_NOT_NULL(FIND("settings.propagation_delay: a duration must not be negative"));
    CU_ASSERT_PTR_NOT_NULL(FIND("settings.learned_route_ttl: must be more than 0"));
    CU_ASSERT_PTR_NOT_NULL(FIND("settings.default_rtt:", "1.5ns"));
    CU_ASSERT_PTR_NOT_NULL(FIND("settings.max_events: must be at least 1"));
    CU_ASSERT_EQUAL(diags.n_errors, 6);
    scenario_free(s);
    EXPECT_ERROR("{\"nodes\": [{\"id\": 1, \"name\": \"a\"}], \"timeline\": "
                 "[{\"at\": \"-1s\", \"event\": \"up\", \"node\": \"a\"}]}",
                 "timeline[0].at:", "-1s");
    EXPECT_ERROR("{\"settings\": {\"max_time\": \"1m\"}, \"nodes\": [{\"id\": 1, \"name\": "
                 "\"a\"}], \"timeline\": [{\"at\": \"61s\", \"event\": \"up\", \"node\": \"a\"}]}",
                 "timeline[0].at: runs after settings.max_time (60s)");
    /* an expectation after max_time could never be checked: an error too; at max_time is fine */
    EXPECT_ERROR("{\"settings\": {\"max_time\": \"1m\"}, \"nodes\": [{\"id\": 1, \"name\": "
                 "\"a\"}], \"expect\": [{\"at\": \"60s\", \"route_changes\": {\"node\": \"a\", "
                 "\"count\": 0}}, {\"at\": \"60.000000001s\", \"route_changes\": {\"node\": "
                 "\"a\", \"count\": 0}}]}",
                 "t.json:1:", "expect[1].at: is after settings.max_time (60s)");
    CU_ASSERT_EQUAL(diags.n_errors, 1);
    EXPECT_ERROR("{\"settings\": {\"max_time\": 0}}", "settings.max_time: must be more than 0");
}

/* ---- timeline ---- */

static const char *const world =
    "\"regions\": [\"eu\"], \"nodes\": [{\"id\": 1, \"name\": \"conn-1\", \"offers_exit\": true}, "
    "{\"id\": 2, \"name\": \"laptop\"}], \"dns\": {\"zones\": [{\"origin\": \"example.com\", "
    "\"records\": [\"example.com. 1 IN A 192.0.2.1\"]}]}";

static scenario_t *load_world(const char *rest)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "{%s, %s}", world, rest);
    return load_text(buf);
}

static void test_unknown_node_in_event(void)
{
    scenario_t *s = load_world("\"timeline\": [{\"at\": \"1s\", \"event\": \"down\", \"node\": "
                               "\"conn1\"}]");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(
        FIND("timeline[0].node: there is no node named 'conn1'; did you mean 'conn-1'?"));
    scenario_free(s);
}

static void test_event_checks(void)
{
    scenario_t *s = load_world(
        "\"timeline\": [\n"
        " {\"at\": \"1s\", \"event\": \"latency\", \"node\": \"laptop\", \"region\": \"us\"},\n"
        " {\"at\": \"1s\", \"event\": \"exit_select\", \"node\": \"conn-1\", \"exit\": \"laptop\"},\n"
        " {\"at\": \"1s\", \"event\": \"approve\", \"node\": \"laptop\", \"prefix\": \"10.0.0.1/8\"},\n"
        " {\"at\": \"1s\", \"event\": \"zone_change\", \"origin\": \"example.org\", \"owner\": "
        "\"www.example.net\", \"type\": \"AX\", \"records\": [], \"ttl\": -1},\n"
        " {\"at\": \"1s\", \"event\": \"zone_change\", \"origin\": \"example.com\", \"owner\": "
        "\"www.example.net\", \"type\": \"A\", \"records\": [1]},\n"
        " {\"at\": \"1s\", \"event\": \"query\", \"node\": \"laptop\", \"name\": \"*.x.com\", "
        "\"id\": \"q\"},\n"
        " {\"at\": \"1s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": \"not an addr\", "
        "\"id\": \"q\"},\n"
        " {\"at\": \"1s\", \"event\": \"advertise_connector\", \"node\": \"conn-1\", \"value\": 1,"
        " \"prefix\": \"1.0.0.0/8\"},\n"
        " {\"at\": \"1s\", \"event\": \"policy\"}\n"
        "]");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:2:2: error: timeline[0]: missing required key 'rtt'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[0].region: there is no region named 'us'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[1].exit: node 'laptop' does not offer exit"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[2].prefix: 10.0.0.1/8 has host bits set"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[3].origin: there is no zone 'example.org'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[3].type: 'AX' is not a DNS record type"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[3].ttl: must be an integer number of seconds"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[4].owner: 'www.example.net' is not in the zone "
                                "'example.com'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[4].records[0]: must be a string"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[5].name: '*.x.com' is a wildcard"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[6].to: 'not an addr' is neither an address nor a DNS name"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[6].id: id 'q' is already used by timeline[5]"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[7].value: must be true or false"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[7]: unknown key 'prefix'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[8]: a policy event needs"));
    scenario_free(s);
}

/* A zone_change whose type or owner is bad has records but no RR lines: the load reports the
 * field and frees the half-built event (this used to crash in scenario_event_clear). */
static void test_zone_change_bad_type_or_owner(void)
{
    EXPECT_ERROR("{\"nodes\": [{\"id\": 1, \"name\": \"a\"}], \"dns\": {\"zones\": [{\"origin\":"
                 " \"example.com\", \"records\": [\"www.example.com. 300 IN A 192.0.2.10\"]}]},"
                 " \"timeline\": [{\"at\": \"1s\", \"event\": \"zone_change\", \"origin\":"
                 " \"example.com\", \"owner\": \"www.example.com\", \"type\": \"BOGUS\","
                 " \"records\": [\"192.0.2.20\", \"192.0.2.21\"]}]}",
                 "t.json:1:", "timeline[0].type: 'BOGUS' is not a DNS record type");
    EXPECT_ERROR("{\"nodes\": [{\"id\": 1, \"name\": \"a\"}], \"dns\": {\"zones\": [{\"origin\":"
                 " \"example.com\", \"records\": [\"www.example.com. 300 IN A 192.0.2.10\"]}]},"
                 " \"timeline\": [{\"at\": \"1s\", \"event\": \"zone_change\", \"origin\":"
                 " \"example.com\", \"owner\": \"bad..example.com\", \"type\": \"A\","
                 " \"records\": [\"192.0.2.20\"]}]}",
                 "t.json:1:", "timeline[0].owner:");
}

/* S4: every record line is parsed at load and its error named at the record: a zone_change's
 * composed lines (relative names relative to the zone), inline zone records and scripted
 * records, and text ldns would read as a record of type 0. */
static void test_record_syntax_at_load(void)
{
    scenario_t *s = load_text(
        "{\"nodes\": [{\"id\": 1, \"name\": \"a\"}],\n"
        " \"dns\": {\"zones\": [{\"origin\": \"example.com\", \"records\": [\n"
        "   \"www.example.com. 300 IN A 192.0.2.10\", \"garbage here\", \"x 1 IN A 192.0.2.1\"]}],\n"
        "  \"scripts\": [{\"name\": \"s.example.net\", \"records\": [\"garbage here\"]}]},\n"
        " \"timeline\": [\n"
        "  {\"at\": \"1s\", \"event\": \"zone_change\", \"origin\": \"example.com\", \"owner\":"
        " \"zz.example.com\", \"type\": \"A\", \"records\": [\"192.0.2.1\", \"not-an-ip\"]},\n"
        "  {\"at\": \"1s\", \"event\": \"zone_change\", \"origin\": \"example.com\", \"owner\":"
        " \"c.example.com\", \"type\": \"CNAME\", \"records\": [\"target\"]},\n"
        "  {\"at\": \"1s\", \"event\": \"zone_change\", \"origin\": \"example.com\", \"owner\":"
        " \"m.example.com\", \"type\": \"MX\", \"records\": [\"10\"]}]}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:3:44: error: dns.zones[0].records[1]: 'garbage here' is "
                                "not a valid record: no known record type"));
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:4:53: error: dns.scripts[0].records[0]: 'garbage here'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:6:130: error: timeline[0].records[1]: 'zz.example.com. "
                                "300 IN A not-an-ip' is not a valid record: Syntax error"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[2].records[0]: 'm.example.com. 300 IN MX 10' is not a "
                                "valid record"));
    /* "x" (relative to the zone) and the CNAME target "target" (relative to the zone) parse */
    for (size_t i = 0; i < diags.n; i++) {
        CU_ASSERT_PTR_NULL(strstr(diags.items[i].path, "dns.zones[0].records[2]"));
        CU_ASSERT_PTR_NULL(strstr(diags.items[i].path, "timeline[0].records[0]"));
        CU_ASSERT_PTR_NULL(strstr(diags.items[i].path, "timeline[1]"));
    }
    CU_ASSERT_EQUAL(diags.n_errors, 4);
    scenario_free(s);
}

/* ---- expectations ---- */

static void test_expect_checks(void)
{
    scenario_t *s = load_world(
        "\"timeline\": [{\"at\": \"5s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": "
        "\"192.0.2.1\", \"id\": \"f\"}, {\"at\": \"1s\", \"event\": \"query\", \"node\": "
        "\"laptop\", \"name\": \"example.com\", \"id\": \"q\"}],\n"
        "\"expect\": [\n"
        " {\"at\": \"2s\", \"flow\": {\"flow\": \"f\", \"outcome\": \"direct\"}},\n"
        " {\"dns\": {\"query\": \"f\", \"rcode\": \"NOERR\"}},\n"
        " {\"flow\": {\"flow\": \"g\", \"outcome\": \"viaa\", \"reason\": \"x\"}},\n"
        " {\"flow\": {\"flow\": \"f\", \"outcome\": \"direct\", \"node\": \"conn-1\", \"reason\": \"x\"}},\n"
        " {\"route\": {\"node\": \"laptop\", \"address\": \"192.0.2.1\"}, \"id\": \"e\"},\n"
        " {\"advertised\": {\"node\": \"conn-1\", \"includes\": [], \"excludes\": []}, \"id\": \"e\"},\n"
        " {\"route_changes\": {\"node\": \"conn-1\", \"min\": 5, \"max\": 2}},\n"
        " {\"route_changes\": {\"node\": \"conn-1\", \"count\": 1, \"max\": 2}},\n"
        " {\"invariant\": {\"eventually\": \"no_dropped_flows\", \"node\": \"laptop\"}},\n"
        " {\"invariant\": {\"always\": \"advertised_include\"}},\n"
        " {\"at\": \"bad\", \"rules\": [\"N9\", \"X1\"], \"dns\": {\"query\": \"q\"}, "
        "\"route\": {}},\n"
        " {}\n"
        "]");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[0].flow.flow: the flow 'f' runs at 5s, after this "
                                "expectation's time 2s"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[1].dns.query: 'f' is a flow event, not a query"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[1].dns.rcode: 'NOERR' is not an rcode; did you mean "
                                "'NOERROR'?"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[2].flow.flow: no flow event has the id 'g'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[2].flow.outcome: unknown outcome 'viaa'; did you mean "
                                "'via'?"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[3].flow:", "\"node\" goes with the outcomes"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[3].flow:", "\"reason\" goes with the outcome"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[4].route: missing required key 'via'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[5].id: id 'e' is already used by expect[4]"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[5].advertised: give exactly one of"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[6].route_changes.max: \"max\" (2) is below \"min\" (5)"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[7].route_changes:", "\"count\" goes without"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[8].invariant.eventually:", "use \"always\""));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[8].invariant:", "takes no \"node\""));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[9].invariant.always: unknown invariant "
                                "'advertised_include'; did you mean 'advertised_includes'?"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[10].at:", "\"bad\""));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[10].rules[0]: 'N9' is not a rule ID"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[10].rules[1]: 'X1' is not a rule ID"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[10]: an expectation checks one thing"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[11]: an expectation needs one of"));
    scenario_free(s);
}

/* Smaller checks, each with its own message. */
static void test_more_checks(void)
{
    scenario_t *s = load_text(
        "{\"regions\": [\"eu\"], \"nodes\": [{\"id\": 1, \"name\": \"x\", \"offers_exit\": true,"
        " \"exit_node\": 5}],\n"
        " \"policy\": {\"nodeAttrs\": [], \"NodeAttrs\": []},\n"
        " \"dns\": {\"zones\": [{\"origin\": \".\", \"records\": [\". 1 IN A 192.0.2.1\"]}]},\n"
        " \"timeline\": [\n"
        "  {\"at\": 1, \"event\": \"exit_select\", \"node\": \"x\", \"exit\": \"x\"},\n"
        "  {\"at\": 1, \"event\": \"flow\", \"node\": \"x\", \"to\": \"*.a.com\"},\n"
        "  {\"at\": 1, \"event\": \"zone_change\", \"origin\": \".\", \"owner\": \"a.com\","
        " \"type\": \"A\", \"records\": [\"192.0.2.2\"]},\n"
        "  {\"at\": 1, \"event\": \"policy\", \"policy\": {}, \"policy_file\": \"p\"},\n"
        "  {\"at\": 1, \"event\": \"zzzzzzzz\"}],\n"
        " \"expect\": [\n"
        "  {\"at\": \"1s\", \"invariant\": {\"always\": \"no_dns_failures\", \"from\": \"2s\","
        " \"prefixes\": []}},\n"
        "  {\"route\": {\"node\": \"x\", \"address\": \"192.0.2.1\", \"via\": 3}},\n"
        "  {\"dns\": {\"query\": \"q\"}},\n"
        "  {\"route_changes\": {\"node\": \"x\", \"min\": -1}},\n"
        "  {\"route_changes\": {\"node\": \"x\"}},\n"
        "  {\"flow\": {\"flow\": \"f\", \"outcome\": \"dropped\", \"egress\": \"192.0.2.1\"}}]}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("nodes[0].exit_node: must be a node name or null, not an integer"));
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:2:30: error: policy: key 'NodeAttrs' repeats 'nodeAttrs'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[0].exit: a node cannot select itself"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[1].to: '*.a.com' is a wildcard"));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[3]:", "either \"policy\" or \"policy_file\""));
    CU_ASSERT_PTR_NOT_NULL(FIND("timeline[4].event: unknown event 'zzzzzzzz' (see"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[0].invariant.from: \"from\" is after"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[0].invariant:", "takes no \"prefixes\""));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[1].route.via: must be a node name or null"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[2].dns: give \"rcode\", \"addresses\" or both"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[2].dns.query: no query event has the id 'q'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[3].route_changes.min: must not be negative (-1)"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[4].route_changes: give \"count\", or"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[5].flow:", "a dropped flow has no egress address"));
    CU_ASSERT_PTR_NOT_NULL(FIND("expect[5].flow.flow: no flow event has the id 'f'"));
    /* the root zone takes changes anywhere: no error for timeline[2] */
    for (size_t i = 0; i < diags.n; i++)
        CU_ASSERT_PTR_NULL(strstr(diags.items[i].path, "timeline[2]"));
    CU_ASSERT_EQUAL(diags.n_errors, 15);
    scenario_free(s);
}

/* ---- dns ---- */

static void test_dns_checks(void)
{
    scenario_t *s = load_text(
        "{\"regions\": [\"eu\"], \"dns\": {\"zones\": [\n"
        " {\"origin\": \"a.com\", \"file\": \"no-such.zone\"},\n"
        " {\"origin\": \"a.com\", \"records\": []},\n"
        " {\"origin\": \"b.com\"},\n"
        " {\"origin\": \"*.c.com\", \"records\": [], \"view\": \"xx\"}],\n"
        " \"scripts\": [\n"
        " {\"name\": \"x.com\", \"rcode\": \"SERVFAIL\", \"wire\": \"00\"},\n"
        " {\"name\": \"y.com\"},\n"
        " {\"name\": \"z.com\", \"wire\": \"0g\"},\n"
        " {\"name\": \"z.com\", \"wire\": \"abc\"},\n"
        " {\"name\": \"w.com\", \"rcode\": \"OK\"}, {\"name\": \"w.com\", \"rcode\": \"OK\"}]}}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("t.json:2:30: error: dns.zones[0].file: zone file '" DATA
                                "/no-such.zone' cannot be read"));
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.zones[1].origin: zones[0] already has origin 'a.com' and "
                                "the default view"));
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.zones[2]: a zone needs"));
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.zones[3].origin: '*.c.com' is a wildcard"));
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.zones[3].view: there is no region named 'xx'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.scripts[0]:", "\"wire\" is a whole response"));
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.scripts[1]: a script needs"));
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.scripts[2].wire: character 'g' at offset 1 is not a hex digit"));
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.scripts[3].wire: odd number of digits"));
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.scripts[3].name: a second script for 'z.com'"));
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.scripts[4].rcode: 'OK' is not an rcode"));
    scenario_free(s);
    s = load_text("{\"dns\": {\"scripts\": [{\"name\": \"a.com\", \"type\": \"TYPE70000\", "
                  "\"rcode\": \"SERVFAIL\"}, {\"name\": \"a.com\", \"type\": \"aaaa\", "
                  "\"rcode\": \"notimp\"}]}}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND("dns.scripts[0].type: 'TYPE70000' is not a DNS record type"));
    CU_ASSERT_EQUAL(diags.n_errors, 1);
    scenario_free(s);
    /* K4: rcodes without a name are written as results print them, RCODE<n>, n up to 15 */
    s = load_text("{\"dns\": {\"scripts\": [{\"name\": \"a.com\", \"rcode\": \"RCODE11\"}, "
                  "{\"name\": \"b.com\", \"rcode\": \"rcode15\"}]}}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->scripts[0].rcode, 11);
    CU_ASSERT_EQUAL(s->scripts[1].rcode, 15);
    scenario_free(s);
    s = load_text("{\"dns\": {\"scripts\": [{\"name\": \"a.com\", \"rcode\": \"RCODE16\"}, "
                  "{\"name\": \"b.com\", \"rcode\": \"RCODE011\"}, "
                  "{\"name\": \"c.com\", \"rcode\": \"RCODE\"}, "
                  "{\"name\": \"d.com\", \"rcode\": \"RCODE1x\"}]}}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_EQUAL(diags.n_errors, 4);
    scenario_free(s);
    /* an empty response is legal input (malformed for L1) */
    s = load_text("{\"dns\": {\"scripts\": [{\"name\": \"e.com\", \"wire\": \"\"}]}}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->scripts[0].kind, SCENARIO_SCRIPT_WIRE);
    CU_ASSERT_EQUAL(s->scripts[0].wire_len, 0);
    CU_ASSERT_PTR_NOT_NULL(s->scripts[0].wire);
    scenario_free(s);
}

/* ---- limits against hostile input ---- */

static void test_deep_nesting(void)
{
    size_t n = 100000;
    char *text = malloc(n + 16);
    memcpy(text, "{\"x\": ", 6);
    memset(text + 6, '[', n);
    text[n + 6] = '\0';
    EXPECT_ERROR(text, "t.json:1:70: error: nesting is deeper than 64 levels");
    free(text);
    /* 64 levels are fine for the pre-pass (the loader then rejects the unknown key) */
    char ok[256] = "{\"description\": ";
    size_t o = strlen(ok);
    for (int i = 0; i < 63; i++)
        ok[o++] = '[';
    for (int i = 0; i < 63; i++)
        ok[o++] = ']';
    ok[o++] = '}';
    ok[o] = '\0';
    EXPECT_ERROR(ok, "description: must be a string, not an array");
}

static void test_huge_string(void)
{
    size_t n = 1 << 20;
    char *text = malloc(n + 128);
    size_t o = (size_t)sprintf(text, "{\"nodes\": [{\"id\": 1, \"name\": \"");
    memset(text + o, 'a', n);
    o += n;
    strcpy(text + o, "\"}]}");
    EXPECT_ERROR(text, "t.json:1:30: error: nodes[0].name: the string is 1048576 bytes long; at "
                       "most 4096");
    free(text);
}

static void test_file_limits(void)
{
    diag_list_free(&diags);
    diag_list_init(&diags);
    scenario_t *s = NULL;
    CU_ASSERT_EQUAL(scenario_load(DATA "/does-not-exist.json", &s, &diags), -1);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(FIND(DATA "/does-not-exist.json: error: cannot open"));
    CU_ASSERT_EQUAL(scenario_load(DATA, &s, &diags), -1);
    CU_ASSERT_PTR_NOT_NULL(FIND("is not a regular file"));
    /* a sparse file bigger than the limit is refused before it is read */
    char path[] = "/tmp/appcsim-big-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(ftruncate(fd, (off_t)SCENARIO_MAX_FILE_BYTES + 1), 0);
    close(fd);
    CU_ASSERT_EQUAL(scenario_load(path, &s, &diags), -1);
    CU_ASSERT_PTR_NOT_NULL(FIND("is 16777217 bytes; at most 16777216"));
    unlink(path);
    CU_ASSERT_PTR_NULL(s);
}

static void test_list_limit(void)
{
    /* more than 1,000,000 regions: refused with one error, without loading them */
    size_t n = SCENARIO_MAX_LIST + 1;
    char *text = malloc(n * 2 + 32);
    size_t o = (size_t)sprintf(text, "{\"regions\": [");
    for (size_t i = 0; i < n; i++) {
        text[o++] = '0';
        text[o++] = ',';
    }
    strcpy(text + o - 1, "]}");
    EXPECT_ERROR(text, "t.json:1:13: error: regions: has 1000001 entries; at most 1000000");
    CU_ASSERT_EQUAL(diags.n_errors, 1);
    free(text);
}

/* ---- all errors at once ---- */

static void test_multiple_errors_reported(void)
{
    scenario_t *s = load_text("{\"seed\": -1, \"profile\": \"x\", \"nodes\": [{\"id\": 1}],"
                              " \"regions\": [1], \"expect\": [{}]}");
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_EQUAL(diags.n_errors, 5);
    CU_ASSERT_EQUAL(diags.n, 5);
    /* sorted by position */
    for (size_t i = 1; i < diags.n; i++)
        CU_ASSERT_TRUE(diags.items[i - 1].col <= diags.items[i].col);
    scenario_free(s);
}

static void test_error_cap(void)
{
    /* 150 bad tags: 100 are shown, then one line counts the rest */
    char text[8192];
    size_t o = (size_t)sprintf(text, "{\"nodes\": [{\"id\": 1, \"name\": \"a\", \"tags\": [");
    for (int i = 0; i < 150; i++)
        o += (size_t)sprintf(text + o, "%s\"t%d\"", i == 0 ? "" : ",", i);
    strcpy(text + o, "]}]}");
    scenario_t *s = load_text(text);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_EQUAL(diags.n_errors, 150);
    CU_ASSERT_EQUAL_FATAL(diags.n, 100);
    char summary[128];
    CU_ASSERT_TRUE(diag_list_summary(&diags, summary, sizeof summary));
    CU_ASSERT_STRING_EQUAL(summary, "... and 50 more errors");
    CU_ASSERT_STRING_EQUAL(diags.items[99].path, "nodes[0].tags[99]");
    scenario_free(s);
}

/* ---- scale ---- */

static void test_many_nodes_load(void)
{
    size_t n = 20000;
    char *text = malloc(n * 160 + 64);
    size_t o = (size_t)sprintf(text, "{\"nodes\": [");
    for (size_t i = 0; i < n; i++)
        o += (size_t)sprintf(text + o, "%s{\"id\": %zu, \"name\": \"n%zu\", \"tags\": [\"tag:t\"]}",
                             i == 0 ? "" : ",\n", i, i);
    o += (size_t)sprintf(text + o, "], \"timeline\": [");
    for (size_t i = 0; i < n; i++)
        o += (size_t)sprintf(text + o, "%s{\"at\": %zu, \"event\": \"up\", \"node\": \"n%zu\"}",
                             i == 0 ? "" : ",", i, n - 1 - i);
    strcpy(text + o, "]}");
    scenario_t *s = load_text(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->n_nodes, n);
    CU_ASSERT_EQUAL(s->events[0].node, n - 1);
    CU_ASSERT_EQUAL(s->nodes[n - 1].line, n);
    CU_ASSERT_EQUAL(scenario_find_node(s, "n77"), 77);
    scenario_free(s);
    free(text);
}

/* Random edits of a valid file never crash the loader, and the result is always all or
 * nothing: a scenario with no errors, or no scenario and at least one error. */
static uint64_t xorshift(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

static void test_mutations_never_crash(void)
{
    char *orig = read_file(DATA "/full.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
    size_t len = strlen(orig);
    char *buf = malloc(len * 2 + 1);
    static const char pieces[] = "{}[],:\"/*\\ 0-1.e\n\xc3\xa9";
    uint64_t state = 0x9e3779b97f4a7c15u;
    int loaded = 0, rejected = 0, inconsistent = 0;
    for (int round = 0; round < 400; round++) {
        memcpy(buf, orig, len + 1);
        size_t n = len;
        int edits = 1 + (int)(xorshift(&state) % 4);
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)(xorshift(&state) % n);
            switch (xorshift(&state) % 3) {
            case 0: /* replace */
                buf[at] = pieces[xorshift(&state) % (sizeof pieces - 1)];
                break;
            case 1: /* delete */
                memmove(buf + at, buf + at + 1, n - at);
                n--;
                break;
            default: /* duplicate a byte */
                memmove(buf + at + 1, buf + at, n - at + 1);
                n++;
                break;
            }
        }
        buf[n] = '\0';
        diag_list_free(&diags);
        diag_list_init(&diags);
        scenario_t *s = NULL;
        int rc = scenario_load_string(buf, "m.json", DATA, &s, &diags);
        if (rc == 0)
            loaded++;
        else
            rejected++;
        if ((rc == 0) != (s != NULL) || (rc == 0) != (diags.n_errors == 0))
            inconsistent++;
        scenario_free(s);
    }
    CU_ASSERT_EQUAL(inconsistent, 0);
    CU_ASSERT_TRUE(rejected > 0);
    CU_ASSERT_EQUAL(loaded + rejected, 400);
    free(buf);
    free(orig);
}

static void test_rule_ids(void)
{
    CU_ASSERT_TRUE(scenario_rule_known("T1"));
    CU_ASSERT_TRUE(scenario_rule_known("C7"));
    CU_ASSERT_TRUE(scenario_rule_known("P8"));
    CU_ASSERT_FALSE(scenario_rule_known("C8"));
    CU_ASSERT_FALSE(scenario_rule_known("Q1"));
    CU_ASSERT_FALSE(scenario_rule_known("N0"));
    CU_ASSERT_FALSE(scenario_rule_known("N10"));
    CU_ASSERT_FALSE(scenario_rule_known("n4"));
    CU_ASSERT_FALSE(scenario_rule_known(""));
}

static int suite_cleanup(void)
{
    diag_list_free(&diags);
    return 0;
}

void suite_scenario_load(void);
void suite_scenario_load(void)
{
    static CU_TestInfo tests[] = {
        {"S1 S2 D1 D5 a full example loads with every field as written", test_full_example},
        {"S1 an empty scenario gets every default", test_defaults},
        {"the example of FORMAT.md loads", test_format_md_example},
        {"S4 malformed JSON is reported at line:col", test_malformed_json},
        {"S4 columns count characters, also after comments", test_positions_count_characters},
        {"S4 wrong types are errors with path and position", test_wrong_types},
        {"S4 unknown keys suggest the nearest valid key", test_unknown_key_suggests},
        {"S4 missing required keys are reported at the object", test_missing_required},
        {"S1 duplicate node ids and names are errors", test_duplicate_nodes},
        {"N1 N4 invalid configured domains are load errors", test_policy_domains},
        {"N5 C1 C2 bad routes and connectors are load errors", test_policy_routes_and_connectors},
        {"S5 N5 more than 250 distinct domains is a load error", test_policy_domain_limit},
        {"S3 ignored policy sections and unmatched targets warn", test_policy_warnings_and_targets},
        {"P1 autoApprovers and tagOwners load as sets", test_policy_approvers_and_owners},
        {"S4 HuJSON policy files keep exact error positions", test_policy_file_comments},
        {"reference is the only profile", test_profile},
        {"S1 P8 node fields and exit selection are checked", test_node_fields},
        {"T1 bad durations are errors", test_bad_durations},
        {"S2 an unknown node in an event suggests the nearest", test_unknown_node_in_event},
        {"S2 D4 every event kind checks its fields", test_event_checks},
        {"S4 D4 a zone_change with a bad type or owner is an error, not a crash",
         test_zone_change_bad_type_or_owner},
        {"S4 D1 D4 D5 every record line is parsed at load, its error at the record",
         test_record_syntax_at_load},
        {"expectations check their references and shapes", test_expect_checks},
        {"D1 D3 D5 zones and scripts are checked", test_dns_checks},
        {"S2 P8 smaller checks of events and expectations", test_more_checks},
        {"S4 deep nesting is rejected without crashing", test_deep_nesting},
        {"S4 a huge string is rejected", test_huge_string},
        {"S4 missing, non-regular and oversized files are rejected", test_file_limits},
        {"S4 over-long lists are rejected", test_list_limit},
        {"S4 all errors of a file are reported together", test_multiple_errors_reported},
        {"S4 errors beyond 100 are counted in a final line", test_error_cap},
        {"S1 twenty thousand nodes and events load", test_many_nodes_load},
        {"S4 random edits never crash and give all or nothing", test_mutations_never_crash},
        {"rule IDs are those of RULES.md", test_rule_ids},
        CU_TEST_INFO_NULL,
    };
    CU_SuiteInfo suites[] = {{"scenario_load", NULL, suite_cleanup, NULL, NULL, tests},
                             CU_SUITE_INFO_NULL};
    CU_register_suites(suites);
}
