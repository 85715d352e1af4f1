/* Tests of the simulator's rule-coverage marks (sim/world.h, dns_resolve.h, the loader's in
 * diag.h) and of how results carry them (runner.h rules_reached, results.json, --verbose).
 *
 * Each test runs small scenarios written here (single quotes stand for double quotes, to keep
 * them readable) through the runner, and checks that a rule is reached when the scenario
 * exercises it and not when a near twin does not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "rules.h"
#include "runner.h"
#include "scenario.h"
#include "testutil.h"

/* ---- building and running scenarios ---- */

typedef struct {
    const char *settings; /* members of "settings"; NULL: jitter 0 */
    const char *policy;   /* the policy object; NULL: the app "web" below */
    const char *conn;     /* extra members of the node conn (",..."), or NULL */
    const char *laptop;   /* extra members of the node laptop */
    const char *nodes;    /* extra nodes (",{...}") */
    const char *scripts;  /* members of dns.scripts */
    const char *timeline; /* members of timeline */
} sc_t;

#define APPROVERS "'autoApprovers': {'routes': {'0.0.0.0/0': ['tag:conn'], '::/0': ['tag:conn']}}"
#define APP(targets, domains)                                                                    \
    "{'nodeAttrs': [{'target': [" targets "], 'app': {'tailscale.com/app-connectors': "          \
    "[{'name': 'web', 'connectors': ['tag:conn'], 'domains': [" domains "]}]}}], " APPROVERS "}"
#define DOMAINS                                                                                  \
    "'www.example.com', 'multi.example.com', 'alias.example.com', 'x.sub.example.com', "       \
    "'*.example.net'"
#define SOA(o) "'" o ". 300 IN SOA ns." o ". h." o ". 1 7200 3600 1209600 300'"

static const char *const ZONES =
    "{'origin': 'example.com', 'records': [" SOA("example.com") ","
    " 'www.example.com. 300 IN A 192.0.2.10',"
    " 'multi.example.com. 300 IN A 192.0.2.21', 'multi.example.com. 300 IN A 192.0.2.22',"
    " 'alias.example.com. 300 IN CNAME www.example.com.',"
    " '*.wild.example.com. 300 IN A 192.0.2.30', 'a.b.ent.example.com. 300 IN A 192.0.2.31']},"
    "{'origin': 'example.com', 'view': 'us', 'records': [" SOA("example.com") ","
    " 'www.example.com. 300 IN A 192.0.2.11']},"
    "{'origin': 'sub.example.com', 'records': [" SOA("sub.example.com") ","
    " 'x.sub.example.com. 300 IN A 192.0.2.40']},"
    "{'origin': 'example.net', 'records': [" SOA("example.net") ","
    " 'a.example.net. 300 IN A 192.0.2.50']},"
    "{'origin': 'other.org', 'records': [" SOA("other.org") ","
    " 'www.other.org. 300 IN A 192.0.2.60']}";

static char *scenario_text(const sc_t *c)
{
    size_t cap = 1 << 16;
    char *t = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    int n = snprintf(
        t, cap,
        "{'name': 'coverage', 'settings': {%s}, 'policy': %s, 'regions': ['eu', 'us'],"
        " 'nodes': [{'id': 1, 'name': 'conn', 'tags': ['tag:conn'], 'advertise_connector': true,"
        " 'egress': ['203.0.113.1']%s}, {'id': 10, 'name': 'laptop', 'egress': ['198.51.100.10']%s}"
        "%s], 'dns': {'zones': [%s], 'scripts': [%s]}, 'timeline': [%s]}",
        c->settings ? c->settings : "'propagation_jitter': '0'",
        c->policy ? c->policy : APP("'*'", DOMAINS), c->conn ? c->conn : "",
        c->laptop ? c->laptop : "", c->nodes ? c->nodes : "", ZONES,
        c->scripts ? c->scripts : "", c->timeline ? c->timeline : "");
    CU_ASSERT_FATAL(n > 0 && (size_t)n < cap);
    for (char *p = t; *p; p++)
        if (*p == '\'')
            *p = '"';
    return t;
}

/* Loads and runs the text; the result's rules_reached. A scenario that does not load is run
 * as the runner does (runner_result_invalid) and *invalid says so. */
static rules_t run_text(const char *text, bool *invalid)
{
    diag_list_t d;
    diag_list_init(&d);
    scenario_t *s = NULL;
    run_result_t r;
    if (scenario_load_string(text, "coverage.json", ".", &s, &d) != 0) {
        runner_result_invalid("coverage.json", &d, NULL, &r);
    } else {
        runner_run_scenario(s, &d, NULL, &r);
        CU_ASSERT(r.status == RUN_PASS);
    }
    if (invalid != NULL)
        *invalid = r.status == RUN_INVALID;
    else if (r.status != RUN_PASS)
        diag_list_print(&d, stderr);
    rules_t rules = r.rules_reached;
    run_result_clear(&r);
    scenario_free(s);
    diag_list_free(&d);
    return rules;
}

static rules_t run(const sc_t *c)
{
    char *t = scenario_text(c);
    rules_t r = run_text(t, NULL);
    free(t);
    return r;
}

/* Asserts that r is reached with `with` and not with `without`. */
static void check_pair(int r, const sc_t *with, const sc_t *without)
{
    rules_t a = run(with), b = run(without);
    CU_ASSERT(rules_has(a, r));
    CU_ASSERT(!rules_has(b, r));
    if (!rules_has(a, r) || rules_has(b, r)) {
        char x[200], y[200];
        rules_format(a, x, sizeof x);
        rules_format(b, y, sizeof y);
        fprintf(stderr, "\n%s: with [%s], without [%s]\n", rule_name(r), x, y);
    }
}

#define Q(at, node, name)                                                                        \
    "{'at': '" at "', 'event': 'query', 'node': '" node "', 'name': '" name "'}"
#define F(at, node, to) "{'at': '" at "', 'event': 'flow', 'node': '" node "', 'to': '" to "'}"

/* ---- T ---- */

static void test_t1(void)
{
    sc_t one = {.timeline = Q("2s", "laptop", "www.example.com")};
    sc_t two = {.timeline = Q("2s", "laptop", "www.example.com") "," Q("2s", "laptop",
                                                                      "www.other.org")};
    check_pair(RULE_T1, &two, &one);
    /* A flow at the instant the route is delivered: the timeline event runs first. */
    sc_t at_delivery = {.timeline = Q("2s", "laptop", "www.example.com") "," F("3.3s", "laptop",
                                                                               "192.0.2.10")};
    sc_t after = {.timeline = Q("2s", "laptop", "www.example.com") "," F("3.4s", "laptop",
                                                                         "192.0.2.10")};
    check_pair(RULE_T1, &at_delivery, &after);
}

static void test_t2(void)
{
    sc_t q = {.timeline = Q("2s", "laptop", "www.example.com")};
    sc_t rtt = q, upstream = q, adv = q, local = {.timeline = Q("2s", "laptop", "www.other.org")};
    rtt.settings = "'propagation_jitter': '0', 'default_rtt': '20ms'";
    upstream.settings = "'propagation_jitter': '0', 'upstream_rtt': '5ms'";
    adv.settings = "'propagation_jitter': '0', 'advertise_delay': '1s'";
    check_pair(RULE_T2, &rtt, &q);
    check_pair(RULE_T2, &upstream, &q);
    check_pair(RULE_T2, &adv, &q);
    sc_t local_up = local;
    local_up.settings = upstream.settings;
    check_pair(RULE_T2, &local_up, &local);
}

static void test_t3(void)
{
    sc_t jitter = {.settings = "'propagation_jitter': '250ms'",
                   .timeline = Q("2s", "laptop", "www.example.com")};
    sc_t none = {.timeline = Q("2s", "laptop", "www.example.com")};
    check_pair(RULE_T3, &jitter, &none);
}

/* ---- S ---- */

static void test_s1_s2(void)
{
    sc_t q = {.timeline = Q("2s", "laptop", "www.example.com")};
    sc_t idle = {0};
    check_pair(RULE_S2, &q, &idle);
    CU_ASSERT(rules_has(run(&idle), RULE_S1));
    rules_t empty = run_text("{\"name\": \"empty\"}", NULL);
    CU_ASSERT(!rules_has(empty, RULE_S1));
    CU_ASSERT(!rules_has(empty, RULE_S2));
}

static void test_s3(void)
{
    sc_t laptop_only = {.policy = APP("'laptop'", DOMAINS)};
    sc_t star = {0};
    check_pair(RULE_S3, &laptop_only, &star);
    /* The loader: a section of the policy it ignores. */
    sc_t acls = {.policy = "{'acls': [], 'nodeAttrs': []}"};
    sc_t plain = {.policy = "{'nodeAttrs': []}"};
    check_pair(RULE_S3, &acls, &plain);
}

static void test_s4(void)
{
    sc_t rejected = {.timeline = "{'at': '2s', 'event': 'approve', 'node': 'conn', "
                                 "'prefix': '192.0.2.99/32'}"};
    sc_t plain = {.timeline = Q("2s", "laptop", "www.example.com")};
    check_pair(RULE_S4, &rejected, &plain);
    /* A file that does not load reaches S4 (and nothing of a run). */
    bool invalid = false;
    rules_t r = run_text("{\"name\": \"bad\", \"nodes\": [{\"id\": 1}]}", &invalid);
    CU_ASSERT(invalid);
    CU_ASSERT(rules_has(r, RULE_S4));
    CU_ASSERT(!rules_has(r, RULE_S1));
}

static void test_s5_n1_n5(void)
{
    /* 251 domains: a load error (S5, S4), each domain checked (N1). */
    size_t cap = 1 << 16, at = 0;
    char *domains = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(domains);
    domains[0] = '\0';
    for (int i = 0; i < 251; i++)
        at += (size_t)snprintf(domains + at, cap - at, "%s'd%d.example.com'", i ? ", " : "", i);
    char *policy = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
    snprintf(policy, cap,
             "{'nodeAttrs': [{'target': ['*'], 'app': {'tailscale.com/app-connectors': "
             "[{'name': 'web', 'connectors': ['tag:conn'], 'domains': [%s]}]}}]}",
             domains);
    sc_t many = {.policy = policy};
    char *t = scenario_text(&many);
    bool invalid = false;
    rules_t r = run_text(t, &invalid);
    CU_ASSERT(invalid);
    CU_ASSERT(rules_has(r, RULE_S5));
    CU_ASSERT(rules_has(r, RULE_S4));
    CU_ASSERT(rules_has(r, RULE_N1));
    free(t);
    free(policy);
    free(domains);
    rules_t base = run(&(sc_t){0});
    CU_ASSERT(!rules_has(base, RULE_S5));
    CU_ASSERT(!rules_has(base, RULE_S4));
    CU_ASSERT(rules_has(base, RULE_N1));
    CU_ASSERT(!rules_has(run(&(sc_t){.policy = "{}"}), RULE_N1));

    sc_t dup = {.policy = APP("'*'", DOMAINS ", 'WWW.example.com.'")};
    check_pair(RULE_N5, &dup, &(sc_t){0});
    sc_t dup_route = {.conn = ", 'routes': ['198.51.100.0/24', '198.51.100.0/24']"};
    sc_t one_route = {.conn = ", 'routes': ['198.51.100.0/24']"};
    check_pair(RULE_N5, &dup_route, &one_route);
}

/* ---- C (the simulator's part) ---- */

static void test_c2_policy_change(void)
{
    sc_t change = {.timeline = "{'at': '2s', 'event': 'policy', 'policy': " APP(
                       "'*'", "'www.example.com'") "}"};
    sc_t same = {.timeline = Q("2s", "laptop", "www.example.com")};
    check_pair(RULE_C2, &change, &same);
}

/* ---- P ---- */

#define CONN2 ",{'id': 2, 'name': 'conn2', 'tags': ['tag:conn'], 'advertise_connector': true, " \
              "'created': '1s', 'egress': ['203.0.113.2']}"

static void test_p1_p2_p7(void)
{
    sc_t q = {.timeline = Q("2s", "laptop", "www.example.com")};
    sc_t idle = {0};
    check_pair(RULE_P1, &q, &idle);
    check_pair(RULE_P7, &q, &idle);
    sc_t other = {.timeline = Q("2s", "laptop", "www.other.org")};
    check_pair(RULE_P2, &q, &other);
}

static void test_p3_p5(void)
{
    sc_t two = {.nodes = CONN2, .timeline = Q("2s", "laptop", "www.example.com")};
    sc_t one = {.timeline = Q("2s", "laptop", "www.example.com")};
    check_pair(RULE_P3, &two, &one);
    /* The only advertiser goes offline: P5 keeps the prefix with it. */
    sc_t offline = {.settings = "'propagation_jitter': '0', 'detection_delay': '1s'",
                    .timeline = Q("2s", "laptop", "www.example.com") ","
                    "{'at': '5s', 'event': 'ctrl_lost', 'node': 'conn'}"};
    check_pair(RULE_P5, &offline, &one);
}

static void test_p4(void)
{
    sc_t down = {.timeline = "{'at': '2s', 'event': 'down', 'node': 'conn'}"};
    sc_t lost = {.timeline = "{'at': '2s', 'event': 'ctrl_lost', 'node': 'conn'}"};
    sc_t egress = {.timeline = "{'at': '2s', 'event': 'egress_break', 'node': 'conn'}"};
    check_pair(RULE_P4, &down, &egress);
    check_pair(RULE_P4, &lost, &egress); /* offline after detection_delay, at the end */
}

static void test_p6(void)
{
    sc_t regional = {.settings = "'propagation_jitter': '0', 'regional_routing': true",
                     .conn = ", 'latency': {'eu': '10ms'}", .laptop = ", 'latency': {'eu': '10ms'}",
                     .timeline = Q("2s", "laptop", "www.example.com")};
    sc_t global = regional;
    global.settings = NULL;
    check_pair(RULE_P6, &regional, &global);
    /* A latency change that moves a node to another region, even without regional routing. */
    sc_t moves = {.laptop = ", 'latency': {'eu': '100ms'}",
                  .timeline = "{'at': '2s', 'event': 'latency', 'node': 'laptop', 'region': 'us', "
                              "'rtt': '10ms'}"};
    sc_t stays = {.laptop = ", 'latency': {'eu': '100ms'}",
                  .timeline = "{'at': '2s', 'event': 'latency', 'node': 'laptop', 'region': 'us', "
                              "'rtt': '95ms'}"};
    check_pair(RULE_P6, &moves, &stays);
}

#define EXIT_NODE ",{'id': 5, 'name': 'x', 'tags': ['tag:exit'], 'offers_exit': true, " \
                  "'egress': ['203.0.113.5']}"

static void test_p8(void)
{
    sc_t exit_flow = {.nodes = EXIT_NODE, .laptop = ", 'exit_node': 'x'",
                      .timeline = F("2s", "laptop", "198.51.100.99")};
    sc_t direct = {.timeline = F("2s", "laptop", "198.51.100.99")};
    check_pair(RULE_P8, &exit_flow, &direct);
}

/* ---- K ---- */

static void test_k1_k2(void)
{
    sc_t app = {.timeline = Q("2s", "laptop", "www.example.com")};
    sc_t other = {.timeline = Q("2s", "laptop", "www.other.org")};
    check_pair(RULE_K1, &app, &other);
    check_pair(RULE_K2, &other, &app);
    /* An app name with an exit node selected still goes to the connectors: K2 decided. */
    sc_t app_exit = {.nodes = EXIT_NODE, .laptop = ", 'exit_node': 'x'",
                     .timeline = Q("2s", "laptop", "www.example.com")};
    check_pair(RULE_K2, &app_exit, &app);
}

static void test_k3_k4_k5(void)
{
    sc_t later = {.timeline = Q("2s", "laptop", "www.example.com") "," F("4s", "laptop",
                                                                         "192.0.2.10")};
    sc_t race = {.timeline = Q("2s", "laptop", "www.example.com") "," F("2.5s", "laptop",
                                                                        "192.0.2.10")};
    sc_t unrelated = {.timeline = F("2s", "laptop", "198.51.100.99")};
    sc_t no_flow = {.timeline = Q("2s", "laptop", "www.example.com")};
    check_pair(RULE_K3, &later, &unrelated);
    check_pair(RULE_K4, &unrelated, &no_flow);
    check_pair(RULE_K5, &race, &later);
    /* K5 is a flow the race decided, not a flow to an address nobody has learned. */
    CU_ASSERT(!rules_has(run(&unrelated), RULE_K5));
    /* A flow to a name at the instant its answer is learned goes direct: the race. */
    sc_t by_name = {.timeline = F("2s", "laptop", "www.example.com")};
    CU_ASSERT(rules_has(run(&by_name), RULE_K5));
    /* accept_routes off: the table holds none of the routes control elected (K3). */
    sc_t off = {.laptop = ", 'accept_routes': false", .timeline = later.timeline};
    CU_ASSERT(rules_has(run(&off), RULE_K3));
    CU_ASSERT(!rules_has(run(&off), RULE_K5));
}

/* ---- D ---- */

static void test_d1(void)
{
    sc_t plain = {.timeline = Q("2s", "laptop", "www.example.com")};
    static const char *const cases[] = {
        Q("2s", "laptop", "www.nowhere.org"),     /* REFUSED */
        Q("2s", "laptop", "x.sub.example.com"),   /* the longer of two origins */
        Q("2s", "laptop", "a.wild.example.com"),  /* wildcard synthesis */
        Q("2s", "laptop", "nope.example.com"),    /* NXDOMAIN */
        Q("2s", "laptop", "b.ent.example.com"),   /* an empty non-terminal */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sc_t c = {.timeline = cases[i]};
        check_pair(RULE_D1, &c, &plain);
    }
}

static void test_d2_d3(void)
{
    sc_t plain = {.timeline = Q("2s", "laptop", "www.example.com")};
    sc_t chain = {.timeline = Q("2s", "laptop", "alias.example.com")};
    sc_t two = {.timeline = Q("2s", "laptop", "multi.example.com")};
    sc_t any = {.timeline = "{'at': '2s', 'event': 'query', 'node': 'laptop', "
                            "'name': 'www.example.com', 'type': 'ANY'}"};
    check_pair(RULE_D2, &chain, &plain);
    check_pair(RULE_D2, &two, &plain);
    check_pair(RULE_D2, &any, &plain);
    sc_t us = plain, eu = plain;
    us.conn = ", 'latency': {'us': '1ms'}";
    eu.conn = ", 'latency': {'eu': '1ms'}";
    check_pair(RULE_D3, &us, &eu);
}

static void test_d4_d5(void)
{
    sc_t twice = {.laptop = ", 'cache': true",
                  .timeline = Q("2s", "laptop", "www.other.org") "," Q("3s", "laptop",
                                                                       "www.other.org")};
    sc_t once = twice;
    once.timeline = Q("2s", "laptop", "www.other.org");
    check_pair(RULE_D4, &twice, &once);
    sc_t change = {.timeline = "{'at': '2s', 'event': 'zone_change', 'origin': 'other.org', "
                               "'owner': 'www.other.org', 'type': 'A', 'records': ['192.0.2.61']}"};
    check_pair(RULE_D4, &change, &once);
    sc_t scripted = {.scripts = "{'name': 'www.example.com', 'rcode': 'SERVFAIL'}",
                     .timeline = Q("2s", "laptop", "www.example.com")};
    sc_t zone = {.timeline = Q("2s", "laptop", "www.example.com")};
    check_pair(RULE_D5, &scripted, &zone);
}

/* ---- results ---- */

static void test_results_carry_rules(void)
{
    run_result_t r;
    memset(&r, 0, sizeof r);
    r.name = strdup("n");
    r.file = strdup("f.json");
    rules_mark(&r.rules_reached, RULE_K5);
    rules_mark(&r.rules_reached, RULE_T1);
    rules_mark(&r.rules_reached, RULE_D5);
    json_t *j = report_json_result(&r, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    /* RULES order in the JSON. */
    json_t *a = json_object_get(j, "rules_reached");
    CU_ASSERT(json_is_array(a) && json_array_size(a) == 3);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(a, 0)), "T1");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(a, 1)), "K5");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(a, 2)), "D5");
    run_result_t back;
    errinfo_t err;
    CU_ASSERT_EQUAL(report_json_parse_result(j, &back, &err), 0);
    CU_ASSERT_EQUAL(back.rules_reached, r.rules_reached);
    run_result_clear(&back);
    /* Absent reads as none; anything but rule IDs is an error. */
    json_object_del(j, "rules_reached");
    CU_ASSERT_EQUAL(report_json_parse_result(j, &back, &err), 0);
    CU_ASSERT_EQUAL(back.rules_reached, 0);
    run_result_clear(&back);
    json_object_set_new(j, "rules_reached", json_pack("[s]", "C8"));
    CU_ASSERT_EQUAL(report_json_parse_result(j, &back, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "rules_reached"));
    json_object_set_new(j, "rules_reached", json_pack("[i]", 3));
    CU_ASSERT_EQUAL(report_json_parse_result(j, &back, &err), -1);
    json_object_set_new(j, "rules_reached", json_string("K5"));
    CU_ASSERT_EQUAL(report_json_parse_result(j, &back, &err), -1);
    json_decref(j);

    /* The text summary shows them with --verbose only. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    report_text_opts_t o = {.verbose = true};
    report_text_scenario(f, &r, &o);
    o.verbose = false;
    fputs("--\n", f);
    report_text_scenario(f, &r, &o);
    fclose(f);
    char *sep = strstr(buf, "--\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sep);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "rules reached: T1 K5 D5\n"));
    CU_ASSERT(strstr(buf, "rules reached") < sep);
    CU_ASSERT_PTR_NULL(strstr(sep, "rules reached"));
    free(buf);
    run_result_clear(&r);
}

void suite_rules_world(void);
void suite_rules_world(void)
{
    static CU_TestInfo tests[] = {
        {"T1 marked when the equal-time order decides", test_t1},
        {"T2 marked for latency, upstream_rtt and advertise_delay, not for zero", test_t2},
        {"T3 marked for propagation jitter", test_t3},
        {"S1 S2 marked for nodes built and timeline events run", test_s1_s2},
        {"S3 marked for targets that leave a node out and ignored sections", test_s3},
        {"S4 marked for run-time rejections and load errors", test_s4},
        {"S5 N1 N5 marked by the loader", test_s5_n1_n5},
        {"C2 marked when a policy change reaches the connector", test_c2_policy_change},
        {"P1 P2 P7 marked for approval, split DNS use and deliveries", test_p1_p2_p7},
        {"P3 P5 marked for elections that choose or find nobody eligible", test_p3_p5},
        {"P4 marked for down nodes and offline ones", test_p4},
        {"P6 marked for regional elections and region changes", test_p6},
        {"P8 marked for flows through the exit node", test_p8},
        {"K1 K2 marked by the path a query takes", test_k1_k2},
        {"K3 K4 K5 marked by flows, K5 only for the learning race", test_k3_k4_k5},
        {"D1 marked for REFUSED, nested zones, wildcards, NXDOMAIN, ENT", test_d1},
        {"D2 D3 marked for chains, ordered RRsets, NOTIMP and regional views", test_d2_d3},
        {"D4 D5 marked for cache hits, zone changes and scripts", test_d4_d5},
        {"rules_reached travels in results.json and shows with --verbose",
         test_results_carry_rules},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("rules_world", tests);
}
