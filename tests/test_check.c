/* Tests of sim/check (through sim/runner, which schedules the checks): every expectation kind
 * passes when it should and fails when it should, "at t" sees every event <= t (T1), and the
 * invariants over their windows.
 *
 * The world: a connector `conn` (eu, 20 ms) and a client `laptop` (eu, 40 ms), no jitter. A
 * query from laptop at 1 s reaches conn at 1.02 s, which learns 192.0.2.7 then (T2: half of
 * 40 ms); laptop gets the answer at 1.04 s and the route at 2.32 s (P7: 1.3 s later). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "scenario_world.h"
#include "testutil.h"

static const char *const WORLD_HEAD =
    "{ \"name\": \"check\", \"seed\": 7,\n"
    "  \"settings\": { \"propagation_jitter\": \"0\" },\n"
    "  \"policy\": { \"nodeAttrs\": [ { \"target\": [\"*\"], \"app\": {\n"
    "      \"tailscale.com/app-connectors\": [ { \"name\": \"web\", \"connectors\": [\"tag:conn\"],\n"
    "        \"domains\": [\"example.com\", \"*.example.com\"] } ] } } ],\n"
    "    \"autoApprovers\": { \"routes\": { \"0.0.0.0/0\": [\"tag:conn\"] } } },\n"
    "  \"regions\": [\"eu\"],\n"
    "  \"nodes\": [\n"
    "    { \"id\": 1, \"name\": \"conn\", \"tags\": [\"tag:conn\"], \"advertise_connector\": true,\n"
    "      \"latency\": { \"eu\": \"20ms\" }, \"egress\": [\"203.0.113.1\"] },\n"
    "    { \"id\": 2, \"name\": \"laptop\", \"latency\": { \"eu\": \"40ms\" },\n"
    "      \"egress\": [\"198.51.100.9\"] } ],\n"
    "  \"dns\": { \"zones\": [ { \"origin\": \"example.com\", \"records\": [\n"
    "      \"example.com. 300 IN SOA ns. h. 1 2 3 4 5\", \"www.example.com. 300 IN A 192.0.2.7\" ] } ],\n"
    "    \"scripts\": [ { \"name\": \"broken.example.com\", \"rcode\": \"SERVFAIL\" } ] },\n";

/* The base timeline: the query at 1 s and two flows. */
#define BASE_TIMELINE \
    "{ \"at\": \"1s\", \"event\": \"query\", \"node\": \"laptop\", \"name\": \"www.example.com\", " \
    "\"id\": \"q1\" },\n" \
    "{ \"at\": \"1s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": \"192.0.2.7\", \"id\": " \
    "\"early\" },\n" \
    "{ \"at\": \"5s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": \"192.0.2.7\", \"id\": " \
    "\"late\" }"

/* Loads and runs WORLD_HEAD + timeline + expectations; CU_FAIL_FATAL when it does not load. */
static void run_text(const char *timeline, const char *expects, run_result_t *out)
{
    size_t cap = strlen(WORLD_HEAD) + strlen(timeline) + strlen(expects) + 64;
    char *text = malloc(cap);
    CU_ASSERT_FATAL(text != NULL);
    snprintf(text, cap, "%s  \"timeline\": [ %s ],\n  \"expect\": [ %s ] }\n", WORLD_HEAD, timeline,
             expects);
    diag_list_t d;
    diag_list_init(&d);
    scenario_t *s = NULL;
    int rc = scenario_load_string(text, "check.json", NULL, &s, &d);
    if (rc != 0)
        diag_list_print(&d, stderr);
    free(text);
    CU_ASSERT_FATAL(rc == 0);
    run_opts_t o = run_opts_default();
    runner_run_scenario(s, &d, &o, out);
    scenario_free(s);
    diag_list_free(&d);
}

/* The statuses of the checks as a string of letters: p(ass) f(ail) e(rror) n(ot run). */
static const char *statuses(const run_result_t *r)
{
    static char buf[128];
    size_t i;
    for (i = 0; i < r->n_checks && i + 1 < sizeof buf; i++)
        buf[i] = "pfen"[r->checks[i].status];
    buf[i] = '\0';
    return buf;
}

static void assert_statuses(const run_result_t *r, const char *want)
{
    const char *got = statuses(r);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "\nstatuses %s, want %s\n", got, want);
        for (size_t i = 0; i < r->n_checks; i++)
            fprintf(stderr, "  [%zu] %s: expected %s; got %s\n", i,
                    check_status_name(r->checks[i].status), r->checks[i].expected,
                    r->checks[i].got);
    }
    CU_ASSERT_STRING_EQUAL(got, want);
}

static void test_advertised(void)
{
    run_result_t r;
    run_text(BASE_TIMELINE,
             "{ \"at\": \"2s\", \"advertised\": { \"node\": \"conn\", \"includes\": [\"192.0.2.7/32\"] } },"
             "{ \"at\": \"2s\", \"advertised\": { \"node\": \"conn\", \"exactly\": [\"192.0.2.7/32\"] } },"
             "{ \"at\": \"2s\", \"advertised\": { \"node\": \"conn\", \"exactly\": [] } },"
             "{ \"at\": \"2s\", \"advertised\": { \"node\": \"conn\", \"excludes\": [\"192.0.2.7/32\"] } },"
             "{ \"at\": \"2s\", \"advertised\": { \"node\": \"conn\", \"includes\": [\"192.0.2.8/32\"] } },"
             "{ \"at\": \"2s\", \"advertised\": { \"node\": \"conn\", \"excludes\": [\"192.0.2.8/32\"] } },"
             "{ \"at\": \"0\", \"advertised\": { \"node\": \"conn\", \"exactly\": [] } }",
             &r);
    assert_statuses(&r, "ppfffpp");
    CU_ASSERT(r.status == RUN_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[4].got, "missing 192.0.2.8/32"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[3].got, "unwanted 192.0.2.7/32"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[2].got, "1 extra"));
    CU_ASSERT_STRING_EQUAL(r.checks[0].kind, "advertised");
    CU_ASSERT_EQUAL(r.checks[0].at, 2 * SIMTIME_S);
    run_result_clear(&r);
}

static void test_route(void)
{
    run_result_t r;
    run_text(BASE_TIMELINE,
             "{ \"at\": \"3s\", \"route\": { \"node\": \"laptop\", \"address\": \"192.0.2.7\", \"via\": \"conn\" } },"
             "{ \"at\": \"3s\", \"route\": { \"node\": \"laptop\", \"address\": \"192.0.2.7\", \"via\": null } },"
             "{ \"at\": \"2s\", \"route\": { \"node\": \"laptop\", \"address\": \"192.0.2.7\", \"via\": null } },"
             "{ \"at\": \"2s\", \"route\": { \"node\": \"laptop\", \"address\": \"192.0.2.7\", \"via\": \"conn\" } },"
             "{ \"at\": \"3s\", \"route\": { \"node\": \"laptop\", \"address\": \"192.0.2.8\", \"via\": null } }",
             &r);
    assert_statuses(&r, "pfpfp");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[1].got, "via conn (route 192.0.2.7/32)"));
    CU_ASSERT_STRING_EQUAL(r.checks[3].got, "no route");
    run_result_clear(&r);
}

static void test_flow(void)
{
    run_result_t r;
    run_text("{ \"at\": \"1s\", \"event\": \"query\", \"node\": \"laptop\", \"name\": "
             "\"www.example.com\", \"id\": \"q1\" },"
             "{ \"at\": \"1s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": \"192.0.2.7\", "
             "\"id\": \"early\" },"
             "{ \"at\": \"5s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": \"192.0.2.7\", "
             "\"id\": \"late\" },"
             "{ \"at\": \"6s\", \"event\": \"egress_break\", \"node\": \"conn\" },"
             "{ \"at\": \"7s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": \"192.0.2.7\", "
             "\"id\": \"broken\" },"
             "{ \"at\": \"8s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": "
             "\"www.example.com\", \"id\": \"named\" }",
             "{ \"flow\": { \"flow\": \"early\", \"outcome\": \"direct\" } },"
             "{ \"flow\": { \"flow\": \"early\", \"outcome\": \"direct\", \"egress\": \"198.51.100.9\" } },"
             "{ \"flow\": { \"flow\": \"late\", \"outcome\": \"via\", \"node\": \"conn\" } },"
             "{ \"flow\": { \"flow\": \"late\", \"outcome\": \"via\", \"node\": \"laptop\" } },"
             "{ \"flow\": { \"flow\": \"late\", \"outcome\": \"via\", \"egress\": \"203.0.113.1\" } },"
             "{ \"flow\": { \"flow\": \"late\", \"outcome\": \"via\", \"egress\": \"203.0.113.2\" } },"
             "{ \"flow\": { \"flow\": \"late\", \"outcome\": \"direct\" } },"
             "{ \"flow\": { \"flow\": \"broken\", \"outcome\": \"dropped\", \"reason\": \"via no egress\" } },"
             "{ \"flow\": { \"flow\": \"broken\", \"outcome\": \"dropped\", \"reason\": \"via down\" } },"
             "{ \"flow\": { \"flow\": \"broken\", \"outcome\": \"dropped\" } },"
             "{ \"at\": \"8s\", \"flow\": { \"flow\": \"named\", \"outcome\": \"dropped\" } },"
             "{ \"at\": \"8s\", \"flow\": { \"flow\": \"named\", \"outcome\": \"via\" } },"
             "{ \"flow\": { \"flow\": \"named\", \"outcome\": \"dropped\", \"reason\": \"via no egress\" } }",
             &r);
    /* "named" resolves first (K4): at 8 s its outcome is not decided yet, whatever is expected. */
    assert_statuses(&r, "pppfpffpfpffp");
    CU_ASSERT_STRING_EQUAL(r.checks[10].got, "no outcome yet");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[3].got, "via conn egress 203.0.113.1 at 5s"));
    run_result_clear(&r);
}

static void test_dns(void)
{
    run_result_t r;
    run_text(BASE_TIMELINE ",{ \"at\": \"6s\", \"event\": \"query\", \"node\": \"laptop\", "
                           "\"name\": \"nothere.example.com\", \"id\": \"nx\" }",
             "{ \"dns\": { \"query\": \"q1\", \"rcode\": \"NOERROR\", \"addresses\": [\"192.0.2.7\"] } },"
             "{ \"dns\": { \"query\": \"q1\", \"rcode\": \"NXDOMAIN\" } },"
             "{ \"dns\": { \"query\": \"q1\", \"addresses\": [\"192.0.2.8\"] } },"
             "{ \"dns\": { \"query\": \"q1\", \"addresses\": [] } },"
             "{ \"at\": \"1s\", \"dns\": { \"query\": \"q1\", \"rcode\": \"NOERROR\" } },"
             "{ \"at\": \"1.04s\", \"dns\": { \"query\": \"q1\", \"rcode\": \"NOERROR\" } },"
             "{ \"dns\": { \"query\": \"nx\", \"rcode\": \"NXDOMAIN\", \"addresses\": [] } }",
             &r);
    assert_statuses(&r, "pffffpp");
    run_result_clear(&r);
}

static void test_dns_at_time(void)
{
    /* T1: the answer arrives at 1.04 s: at 1.04 s it is there, 1 ns earlier it is not. */
    run_result_t r;
    run_text(BASE_TIMELINE,
             "{ \"at\": \"1s\", \"dns\": { \"query\": \"q1\", \"rcode\": \"NOERROR\" } },"
             "{ \"at\": 1039999999, \"dns\": { \"query\": \"q1\", \"rcode\": \"NOERROR\" } },"
             "{ \"at\": \"1.04s\", \"dns\": { \"query\": \"q1\", \"rcode\": \"NOERROR\" } }",
             &r);
    assert_statuses(&r, "ffp");
    CU_ASSERT_STRING_EQUAL(r.checks[0].got, "no answer yet");
    run_result_clear(&r);
}

static void test_route_changes(void)
{
    run_result_t r;
    run_text(BASE_TIMELINE,
             "{ \"route_changes\": { \"node\": \"conn\", \"count\": 1 } },"
             "{ \"route_changes\": { \"node\": \"conn\", \"count\": 2 } },"
             "{ \"route_changes\": { \"node\": \"conn\", \"min\": 1 } },"
             "{ \"route_changes\": { \"node\": \"conn\", \"max\": 0 } },"
             "{ \"at\": \"1.01s\", \"route_changes\": { \"node\": \"conn\", \"count\": 0 } },"
             "{ \"route_changes\": { \"node\": \"laptop\", \"count\": 0 } },"
             "{ \"route_changes\": { \"node\": \"conn\", \"min\": 2, \"max\": 3 } }",
             &r);
    assert_statuses(&r, "pfpfppf");
    CU_ASSERT_STRING_EQUAL(r.checks[1].got, "1 route changes");
    run_result_clear(&r);
}

static void test_t1_instants(void)
{
    /* T1: conn learns at exactly 1.02 s; an expectation at 1.02 s sees it (the zero-delay work
     * of that instant included), one at 1.02 s - 1 ns does not. A timeline event at t is seen by
     * an expectation at t. Expectations are given out of time order: each is checked at its own
     * time. */
    run_result_t r;
    run_text(BASE_TIMELINE ",{ \"at\": \"3s\", \"event\": \"down\", \"node\": \"conn\" },"
                           "{ \"at\": \"3s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": "
                           "\"192.0.2.7\", \"id\": \"at3\" }",
             "{ \"at\": \"1.02s\", \"advertised\": { \"node\": \"conn\", \"includes\": [\"192.0.2.7/32\"] } },"
             "{ \"at\": 1019999999, \"advertised\": { \"node\": \"conn\", \"excludes\": [\"192.0.2.7/32\"] } },"
             "{ \"at\": \"1.02s\", \"route_changes\": { \"node\": \"conn\", \"count\": 1 } },"
             "{ \"at\": 1019999999, \"route_changes\": { \"node\": \"conn\", \"count\": 0 } },"
             "{ \"at\": \"3s\", \"flow\": { \"flow\": \"at3\", \"outcome\": \"dropped\", \"reason\": \"via down\" } },"
             "{ \"at\": \"2.32s\", \"route\": { \"node\": \"laptop\", \"address\": \"192.0.2.7\", \"via\": \"conn\" } },"
             "{ \"at\": 2319999999, \"route\": { \"node\": \"laptop\", \"address\": \"192.0.2.7\", \"via\": null } }",
             &r);
    assert_statuses(&r, "ppppppp");
    CU_ASSERT(r.status == RUN_PASS);
    CU_ASSERT_EQUAL(r.checks[0].at_time, 1020000000);
    run_result_clear(&r);
}

static void test_invariant_advertised(void)
{
    run_result_t r;
    run_text(BASE_TIMELINE,
             /* 0 always includes, from when it is learned: holds */
             "{ \"invariant\": { \"always\": \"advertised_includes\", \"from\": \"1.02s\", \"node\": "
             "\"conn\", \"prefixes\": [\"192.0.2.7/32\"] } },"
             /* 1 always includes from 0: fails at 0 */
             "{ \"invariant\": { \"always\": \"advertised_includes\", \"node\": \"conn\", "
             "\"prefixes\": [\"192.0.2.7/32\"] } },"
             /* 2 eventually includes from 0: holds at 1.02 s */
             "{ \"invariant\": { \"eventually\": \"advertised_includes\", \"node\": \"conn\", "
             "\"prefixes\": [\"192.0.2.7/32\"] } },"
             /* 3 eventually includes a prefix never learned: fails */
             "{ \"invariant\": { \"eventually\": \"advertised_includes\", \"node\": \"conn\", "
             "\"prefixes\": [\"192.0.2.8/32\"] } },"
             /* 4 always excludes up to 1 ns before learning: holds */
             "{ \"at\": 1019999999, \"invariant\": { \"always\": \"advertised_excludes\", \"node\": "
             "\"conn\", \"prefixes\": [\"192.0.2.7/32\"] } },"
             /* 5 always excludes up to the learning instant: fails at 1.02 s */
             "{ \"at\": \"1.02s\", \"invariant\": { \"always\": \"advertised_excludes\", \"node\": "
             "\"conn\", \"prefixes\": [\"192.0.2.7/32\"] } },"
             /* 6 eventually excludes from 2 s: never (learned for good) */
             "{ \"invariant\": { \"eventually\": \"advertised_excludes\", \"from\": \"2s\", "
             "\"node\": \"conn\", \"prefixes\": [\"192.0.2.7/32\"] } },"
             /* 7 eventually includes over a window that ends before learning: fails */
             "{ \"at\": \"1s\", \"invariant\": { \"eventually\": \"advertised_includes\", \"node\": "
             "\"conn\", \"prefixes\": [\"192.0.2.7/32\"] } }",
             &r);
    assert_statuses(&r, "pfpfpfff");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[1].got, "lacks 192.0.2.7/32 at 0s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[2].got, "held at 1.02s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[5].got, "advertises 192.0.2.7/32 at 1.02s"));
    CU_ASSERT_EQUAL(r.checks[5].context_time, 1020000000);
    run_result_clear(&r);
}

static void test_invariant_withdrawal(void)
{
    /* A route learned then withdrawn (the policy drops the domain at 10 s; the change reaches
     * conn at 11.3 s): always-includes over the whole run fails at the withdrawal, over a
     * window that ends before it holds; eventually-excludes from 2 s holds at the withdrawal. */
    run_result_t r;
    run_text(BASE_TIMELINE ",{ \"at\": \"10s\", \"event\": \"policy\", \"policy\": { \"nodeAttrs\": "
                           "[ { \"target\": [\"*\"], \"app\": { \"tailscale.com/app-connectors\": "
                           "[ { \"name\": \"web\", \"connectors\": [\"tag:conn\"], \"domains\": "
                           "[\"other.example\"] } ] } } ] } }",
             "{ \"invariant\": { \"always\": \"advertised_includes\", \"from\": \"1.02s\", \"node\": "
             "\"conn\", \"prefixes\": [\"192.0.2.7/32\"] } },"
             "{ \"at\": \"11s\", \"invariant\": { \"always\": \"advertised_includes\", \"from\": "
             "\"1.02s\", \"node\": \"conn\", \"prefixes\": [\"192.0.2.7/32\"] } },"
             "{ \"invariant\": { \"eventually\": \"advertised_excludes\", \"from\": \"2s\", \"node\": "
             "\"conn\", \"prefixes\": [\"192.0.2.7/32\"] } },"
             "{ \"advertised\": { \"node\": \"conn\", \"exactly\": [] } }",
             &r);
    assert_statuses(&r, "fppp");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[0].got, "lacks 192.0.2.7/32 at 11.3s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[2].got, "held at 11.3s"));
    run_result_clear(&r);
}

static void test_invariant_flows(void)
{
    /* The flow at 7 s is dropped (conn's egress broke at 6 s): the windows that contain 7 s
     * fail, a window starting exactly at 7 s included (T1), the others hold. */
    run_result_t r;
    run_text(BASE_TIMELINE ",{ \"at\": \"6s\", \"event\": \"egress_break\", \"node\": \"conn\" },"
                           "{ \"at\": \"7s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": "
                           "\"192.0.2.7\", \"id\": \"broken\" }",
             "{ \"invariant\": { \"always\": \"no_dropped_flows\" } },"
             "{ \"at\": \"6s\", \"invariant\": { \"always\": \"no_dropped_flows\" } },"
             "{ \"invariant\": { \"always\": \"no_dropped_flows\", \"from\": \"7s\" } },"
             "{ \"invariant\": { \"always\": \"no_dropped_flows\", \"from\": 7000000001 } },"
             "{ \"at\": \"7s\", \"invariant\": { \"always\": \"no_dropped_flows\", \"from\": \"7s\" } }",
             &r);
    assert_statuses(&r, "fpfpf");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[0].got, "flow 'broken' of laptop dropped (via no egress) at 7s"));
    CU_ASSERT_STRING_EQUAL(r.checks[0].context_node, "laptop");
    run_result_clear(&r);
}

static void test_invariant_dns(void)
{
    run_result_t r;
    run_text(BASE_TIMELINE ",{ \"at\": \"6s\", \"event\": \"query\", \"node\": \"laptop\", \"name\": "
                           "\"broken.example.com\", \"id\": \"bad\" },"
                           "{ \"at\": \"8s\", \"event\": \"query\", \"node\": \"laptop\", \"name\": "
                           "\"broken.example.com\", \"id\": \"bad2\" }",
             "{ \"invariant\": { \"always\": \"no_dns_failures\" } },"
             "{ \"at\": \"6s\", \"invariant\": { \"always\": \"no_dns_failures\" } },"
             "{ \"at\": \"9s\", \"invariant\": { \"always\": \"no_dns_failures\", \"from\": \"6.1s\" } },"
             "{ \"dns\": { \"query\": \"bad\", \"rcode\": \"SERVFAIL\" } }",
             &r);
    assert_statuses(&r, "fpfp");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[0].got, "query 'bad' of laptop failed (SERVFAIL)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.checks[0].got, "(and 1 more)"));
    run_result_clear(&r);
}

static void test_context_records(void)
{
    /* A failed expectation carries at most 5 records of its node at or before its time and at
     * most 5 after, all of that node, in trace order. */
    run_result_t r;
    char timeline[4096];
    size_t n = (size_t)snprintf(timeline, sizeof timeline, "%s", BASE_TIMELINE);
    for (int i = 0; i < 12; i++)
        n += (size_t)snprintf(timeline + n, sizeof timeline - n,
                              ",{ \"at\": \"%ds\", \"event\": \"flow\", \"node\": \"laptop\", "
                              "\"to\": \"192.0.2.%d\" }",
                              10 + i, 50 + i);
    run_text(timeline,
             "{ \"at\": \"15s\", \"route\": { \"node\": \"laptop\", \"address\": \"192.0.2.7\", "
             "\"via\": null } }",
             &r);
    assert_statuses(&r, "f");
    const check_result_t *c = &r.checks[0];
    CU_ASSERT_EQUAL(c->n_context, 10);
    size_t before = 0;
    for (size_t i = 0; i < c->n_context; i++) {
        CU_ASSERT_PTR_NOT_NULL(strstr(c->context[i], "\"node\":\"laptop\""));
        long long t = strtoll(c->context[i] + 5, NULL, 10);
        before += t <= 15000000000LL;
    }
    CU_ASSERT_EQUAL(before, 5);
    CU_ASSERT_PTR_NOT_NULL(strstr(c->context[4], "\"t\":15000000000"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c->context[5], "\"t\":16000000000"));
    /* Passing checks carry none. */
    run_result_clear(&r);
    run_text(BASE_TIMELINE, "{ \"route_changes\": { \"node\": \"conn\", \"count\": 1 } }", &r);
    CU_ASSERT_EQUAL(r.checks[0].n_context, 0);
    run_result_clear(&r);
}

static void test_check_state_direct(void)
{
    /* check_state on a world built from a scenario, without the runner: the state now. */
    diag_list_t d;
    diag_list_init(&d);
    scenario_t *s = NULL;
    char text[8192];
    snprintf(text, sizeof text,
             "%s  \"timeline\": [ %s ],\n  \"expect\": [ { \"advertised\": { \"node\": \"conn\", "
             "\"includes\": [\"192.0.2.7/32\"] } }, { \"invariant\": { \"always\": "
             "\"no_dropped_flows\" } } ] }",
             WORLD_HEAD, BASE_TIMELINE);
    CU_ASSERT_FATAL(scenario_load_string(text, "direct.json", NULL, &s, &d) == 0);
    scenario_world_opts_t o = scenario_world_opts_default(s);
    scenario_world_t sw;
    CU_ASSERT_FATAL(scenario_world_build(s, &o, &sw, &d) == 0);
    check_result_t c;
    check_state(s, &sw, 0, &c);
    CU_ASSERT_EQUAL(c.status, CHECK_FAIL);
    CU_ASSERT_STRING_EQUAL(c.got, "[] (missing 192.0.2.7/32)");
    check_result_clear(&c);
    errinfo_t err;
    CU_ASSERT(world_run_until(sw.world, 2 * SIMTIME_S, &err) == 0);
    check_state(s, &sw, 0, &c);
    CU_ASSERT_EQUAL(c.status, CHECK_PASS);
    CU_ASSERT_EQUAL(c.at_time, 2 * SIMTIME_S);
    check_result_clear(&c);
    /* An invariant needs its window. */
    check_state(s, &sw, 1, &c);
    CU_ASSERT_EQUAL(c.status, CHECK_ERROR);
    check_result_clear(&c);
    /* A window never opened was not run. */
    check_window_t win = {.index = 1};
    check_window_close(s, &sw, &win, &c);
    CU_ASSERT_EQUAL(c.status, CHECK_NOT_RUN);
    check_result_clear(&c);
    scenario_world_free(&sw);
    scenario_free(s);
    diag_list_free(&d);
}

static void test_names(void)
{
    CU_ASSERT_STRING_EQUAL(check_status_name(CHECK_PASS), "pass");
    CU_ASSERT_STRING_EQUAL(check_status_name(CHECK_NOT_RUN), "not_run");
    CU_ASSERT_STRING_EQUAL(check_kind_name(SCENARIO_EXP_ROUTE_CHANGES), "route_changes");
    CU_ASSERT_STRING_EQUAL(check_kind_name(SCENARIO_EXP_INVARIANT), "invariant");
}

void suite_check(void);
void suite_check(void)
{
    static CU_TestInfo tests[] = {
        {"C3 advertised exactly/includes/excludes pass and fail", test_advertised},
        {"K3 route via a node or none, before and after the netmap", test_route},
        {"K4 flow outcome, node, egress and reason; pending flows fail", test_flow},
        {"K1 dns rcode and addresses in order", test_dns},
        {"T1 dns answer seen at its instant, not 1 ns before", test_dns_at_time},
        {"C4 route_changes count, min, max", test_route_changes},
        {"T1 at t sees every event <= t, zero-delay work included", test_t1_instants},
        {"C3 invariants always/eventually advertised_includes/excludes", test_invariant_advertised},
        {"C5 invariants see a withdrawal at its instant", test_invariant_withdrawal},
        {"K4 invariant no_dropped_flows over [from, at], from inclusive", test_invariant_flows},
        {"K1 invariant no_dns_failures over [from, at]", test_invariant_dns},
        {"T1 failed expectations carry 5 records before and after", test_context_records},
        {"C3 check_state against a world built from a scenario", test_check_state_direct},
        {"check status and kind names", test_names},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("check", tests);
}
