/* Tests of sim/runner (a scenario file to a result), sim/scenario_world (build errors), the
 * report writers' pieces (JSON round trip, text, XML escaping) and sim/explain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "explain.h"
#include "report.h"
#include "runner.h"
#include "scenario_world.h"
#include "testutil.h"

/* A scenario with P7 jitter on (the default 250 ms), so that the seed matters. */
static const char SCENARIO[] =
    "{ \"name\": \"runner basic\", \"seed\": 7,\n"
    "  \"policy\": { \"nodeAttrs\": [ { \"target\": [\"*\"], \"app\": {\n"
    "      \"tailscale.com/app-connectors\": [ { \"name\": \"web\", \"connectors\": [\"tag:conn\"],\n"
    "        \"domains\": [\"example.com\", \"*.example.com\"] } ] } } ],\n"
    "    \"autoApprovers\": { \"routes\": { \"0.0.0.0/0\": [\"tag:conn\"] } } },\n"
    "  \"regions\": [\"eu\"],\n"
    "  \"nodes\": [\n"
    "    { \"id\": 1, \"name\": \"conn\", \"tags\": [\"tag:conn\"], \"advertise_connector\": true,\n"
    "      \"latency\": { \"eu\": \"20ms\" }, \"egress\": [\"203.0.113.1\"] },\n"
    "    { \"id\": 2, \"name\": \"laptop\", \"latency\": { \"eu\": \"40ms\" }, \"egress\": [\"198.51.100.9\"] },\n"
    "    { \"id\": 3, \"name\": \"phone\", \"latency\": { \"eu\": \"60ms\" }, \"egress\": [\"198.51.100.10\"] } ],\n"
    "  \"dns\": { \"zones\": [ { \"origin\": \"example.com\", \"records\": [\n"
    "      \"example.com. 300 IN SOA ns. h. 1 2 3 4 5\", \"www.example.com. 300 IN A 192.0.2.7\" ] } ] },\n"
    "  \"timeline\": [\n"
    "    { \"at\": \"1s\", \"event\": \"query\", \"node\": \"laptop\", \"name\": \"www.example.com\", \"id\": \"q1\" },\n"
    "    { \"at\": \"1s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": \"192.0.2.7\", \"id\": \"early\" },\n"
    "    { \"at\": \"5s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": \"192.0.2.7\", \"id\": \"late\" },\n"
    "    { \"at\": \"5s\", \"event\": \"flow\", \"node\": \"phone\", \"to\": \"192.0.2.7\", \"id\": \"phone\" } ],\n"
    "  \"expect\": [\n"
    "    { \"at\": \"2s\", \"rules\": [\"L2\", \"C3\"], \"id\": \"learned\",\n"
    "      \"advertised\": { \"node\": \"conn\", \"includes\": [\"192.0.2.7/32\"] } },\n"
    "    { \"rules\": [\"K5\"], \"flow\": { \"flow\": \"late\", \"outcome\": \"via\", \"node\": \"conn\" } },\n"
    "    { \"flow\": { \"flow\": \"phone\", \"outcome\": \"via\" } },\n"
    "    { \"dns\": { \"query\": \"q1\", \"rcode\": \"NOERROR\", \"addresses\": [\"192.0.2.7\"] } }\n"
    "  ] }\n";

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/appcsim_runner_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(tmpdir) != NULL);
}

static void write_file(char *path, size_t cap, const char *name, const char *text)
{
    snprintf(path, cap, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    CU_ASSERT(system(cmd) == 0);
}

/* SCENARIO with one substitution (first occurrence of from replaced by to). */
static char *scenario_with(const char *from, const char *to)
{
    const char *at = strstr(SCENARIO, from);
    CU_ASSERT_FATAL(at != NULL);
    size_t cap = sizeof SCENARIO + strlen(to) + 1;
    char *s = malloc(cap);
    CU_ASSERT_FATAL(s != NULL);
    snprintf(s, cap, "%.*s%s%s", (int)(at - SCENARIO), SCENARIO, to, at + strlen(from));
    return s;
}

static void run_path(const char *path, const run_opts_t *o, run_result_t *r)
{
    run_opts_t d = run_opts_default();
    runner_run_file(path, o ? o : &d, r);
}

static void test_pass_file(void)
{
    make_tmpdir();
    char path[128];
    write_file(path, sizeof path, "basic.json", SCENARIO);
    run_result_t r;
    run_path(path, NULL, &r);
    CU_ASSERT_EQUAL(r.status, RUN_PASS);
    CU_ASSERT_STRING_EQUAL(r.name, "runner basic");
    CU_ASSERT_STRING_EQUAL(r.file, path);
    CU_ASSERT_EQUAL(r.seed, 7);
    CU_ASSERT_EQUAL(strlen(r.fingerprint), 16);
    CU_ASSERT_EQUAL(r.n_checks, 4);
    CU_ASSERT(r.events > 0 && r.records > 0);
    CU_ASSERT_EQUAL(r.end_time, 5 * SIMTIME_S);
    CU_ASSERT_PTR_NULL(r.error);
    CU_ASSERT_PTR_NULL(r.trace);
    CU_ASSERT_STRING_EQUAL(r.checks[0].id, "learned");
    CU_ASSERT_EQUAL(r.checks[0].n_rules, 2);
    CU_ASSERT_STRING_EQUAL(r.checks[0].rules[1], "C3");
    CU_ASSERT_EQUAL(r.checks[1].at, SCENARIO_END);
    CU_ASSERT_EQUAL(r.checks[1].at_time, 5 * SIMTIME_S);
    CU_ASSERT_EQUAL(run_result_count(&r, CHECK_PASS), 4);
    run_result_clear(&r);
    remove_tmpdir();
}

static void test_fail_and_invalid(void)
{
    make_tmpdir();
    char path[128];
    char *text = scenario_with("\"outcome\": \"via\", \"node\": \"conn\"", "\"outcome\": \"direct\"");
    write_file(path, sizeof path, "fail.json", text);
    free(text);
    run_result_t r;
    run_path(path, NULL, &r);
    CU_ASSERT_EQUAL(r.status, RUN_FAIL);
    CU_ASSERT_EQUAL(r.checks[1].status, CHECK_FAIL);
    CU_ASSERT(r.checks[1].n_context > 0);
    run_result_clear(&r);

    /* A file that does not load: nothing runs, its diagnostics name file:line:col. */
    write_file(path, sizeof path, "broken.json", "{ \"name\": \"x\",\n  \"nodes\": [ { \"id\": 1 } ] }\n");
    run_path(path, NULL, &r);
    CU_ASSERT_EQUAL(r.status, RUN_INVALID);
    CU_ASSERT_STRING_EQUAL(r.name, "broken");
    CU_ASSERT_EQUAL(r.n_checks, 0);
    CU_ASSERT_STRING_EQUAL(r.fingerprint, "");
    CU_ASSERT(r.n_diag_errors >= 1);
    CU_ASSERT_FATAL(r.n_diags >= 1);
    char want[160];
    snprintf(want, sizeof want, "%s:2:14: error: nodes[0]", path);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.diags[0], want));
    run_result_clear(&r);

    /* A missing file is invalid too. */
    snprintf(path, sizeof path, "%s/none.json", tmpdir);
    run_path(path, NULL, &r);
    CU_ASSERT_EQUAL(r.status, RUN_INVALID);
    CU_ASSERT(r.n_diags >= 1);
    run_result_clear(&r);
    remove_tmpdir();
}

static void test_build_errors(void)
{
    /* S4, D1: zone data the DNS module rejects makes the file invalid at build time, with the
     * offending record's place in the file; so does a broken zone file, named with its own
     * line. */
    make_tmpdir();
    char path[128], zpath[128];
    char *text = scenario_with("\"www.example.com. 300 IN A 192.0.2.7\"",
                               "\"www.example.com. 300 IN A 192.0.2.7\", "
                               "\"www.example.com. 300 IN CNAME other.example.com.\"");
    write_file(path, sizeof path, "cname.json", text);
    free(text);
    run_result_t r;
    run_path(path, NULL, &r);
    CU_ASSERT_EQUAL(r.status, RUN_INVALID);
    bool named = false;
    for (size_t i = 0; i < r.n_diags; i++) /* at the CNAME record itself, not at the zone */
        named |= strstr(r.diags[i], "cname.json:13:90: error: dns.zones[0].records[2]: "
                                    "record 2 (") != NULL;
    CU_ASSERT(named);
    run_result_clear(&r);

    write_file(zpath, sizeof zpath, "bad.zone",
               "$ORIGIN example.com.\n@ 300 IN SOA ns. h. 1 2 3 4 5\nwww 300 IN A 192.0.2.300\n");
    text = scenario_with("\"records\": [\n      \"example.com. 300 IN SOA ns. h. 1 2 3 4 5\", "
                         "\"www.example.com. 300 IN A 192.0.2.7\" ]",
                         "\"file\": \"bad.zone\"");
    write_file(path, sizeof path, "zonefile.json", text);
    free(text);
    run_opts_t o = run_opts_default();
    o.validate_only = true;
    run_path(path, &o, &r);
    CU_ASSERT_EQUAL(r.status, RUN_INVALID);
    named = false;
    for (size_t i = 0; i < r.n_diags; i++)
        named |= strstr(r.diags[i], "bad.zone:3") != NULL;
    CU_ASSERT(named);
    run_result_clear(&r);
    remove_tmpdir();
}

static void test_determinism(void)
{
    /* T3, P7: the same scenario and seed give the same trace and fingerprint; another seed
     * moves the jitter and so the fingerprint. */
    make_tmpdir();
    char path[128];
    write_file(path, sizeof path, "det.json", SCENARIO);
    run_opts_t o = run_opts_default();
    o.keep_trace = true;
    run_result_t a, b, c;
    run_path(path, &o, &a);
    run_path(path, &o, &b);
    CU_ASSERT_STRING_EQUAL(a.fingerprint, b.fingerprint);
    CU_ASSERT_FATAL(a.trace != NULL && b.trace != NULL);
    CU_ASSERT_EQUAL(a.trace_len, b.trace_len);
    CU_ASSERT(memcmp(a.trace, b.trace, a.trace_len) == 0);
    o.has_seed = true;
    o.seed = 12345;
    run_path(path, &o, &c);
    CU_ASSERT_EQUAL(c.seed, 12345);
    CU_ASSERT_STRING_NOT_EQUAL(a.fingerprint, c.fingerprint);
    /* The fingerprint is the FNV-1a-64 of the kept trace text. */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < a.trace_len; i++) {
        h ^= (unsigned char)a.trace[i];
        h *= 0x100000001b3ULL;
    }
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    CU_ASSERT_STRING_EQUAL(hex, a.fingerprint);
    run_result_clear(&a);
    run_result_clear(&b);
    run_result_clear(&c);
    remove_tmpdir();
}

static void test_run_stopped(void)
{
    /* A run limit stops the run: the result says why, the expectations not reached are
     * not_run, the status is error. */
    make_tmpdir();
    char path[128];
    char *text = scenario_with("\"seed\": 7,", "\"seed\": 7, \"settings\": { \"max_events\": 3 },");
    write_file(path, sizeof path, "limit.json", text);
    free(text);
    run_result_t r;
    run_path(path, NULL, &r);
    CU_ASSERT_EQUAL(r.status, RUN_ERROR);
    CU_ASSERT_PTR_NOT_NULL(r.error);
    CU_ASSERT(r.error && strstr(r.error, "3 events") != NULL);
    CU_ASSERT_EQUAL(run_result_count(&r, CHECK_NOT_RUN), 4);
    run_result_clear(&r);
    remove_tmpdir();
}

static void test_validate_only(void)
{
    make_tmpdir();
    char path[128];
    write_file(path, sizeof path, "v.json", SCENARIO);
    run_opts_t o = run_opts_default();
    o.validate_only = true;
    run_result_t r;
    run_path(path, &o, &r);
    CU_ASSERT_EQUAL(r.status, RUN_PASS);
    CU_ASSERT_STRING_EQUAL(r.fingerprint, "");
    CU_ASSERT_EQUAL(r.events, 0);
    CU_ASSERT_EQUAL(run_result_count(&r, CHECK_NOT_RUN), 4);
    run_result_clear(&r);
    remove_tmpdir();
}

static void test_selectors_match_nothing(void)
{
    /* S3: a target the model does not know (group:) matches no node but does not make the file
     * invalid: the laptop gets no split DNS from that entry, so its query goes to its own
     * resolver and teaches the connector nothing. */
    make_tmpdir();
    char path[128];
    char *text = scenario_with("\"target\": [\"*\"]", "\"target\": [\"group:eng\", \"autogroup:member\"]");
    write_file(path, sizeof path, "sel.json", text);
    free(text);
    run_result_t r;
    run_path(path, NULL, &r);
    CU_ASSERT_NOT_EQUAL(r.status, RUN_INVALID);
    CU_ASSERT_EQUAL(r.checks[0].status, CHECK_FAIL); /* nothing learned */
    run_result_clear(&r);
    remove_tmpdir();
}

static void test_warning_records(void)
{
    /* S5: more than 10,000 advertised routes on one node is a warning in the results. */
    size_t cap = 10002 * 24 + sizeof SCENARIO;
    char *routes = malloc(cap);
    CU_ASSERT_FATAL(routes != NULL);
    size_t n = (size_t)snprintf(routes, cap, "\"routes\": [");
    for (int i = 0; i < 10001; i++)
        n += (size_t)snprintf(routes + n, cap - n, "%s\"10.%d.%d.0/24\"", i ? "," : "", i / 256,
                              i % 256);
    snprintf(routes + n, cap - n, "], \"advertise_connector\": true");
    char *text = scenario_with("\"advertise_connector\": true", routes);
    free(routes);
    make_tmpdir();
    char path[128];
    write_file(path, sizeof path, "many.json", text);
    free(text);
    run_result_t r;
    run_path(path, NULL, &r);
    CU_ASSERT_NOT_EQUAL(r.status, RUN_INVALID);
    CU_ASSERT(r.n_warnings >= 1);
    bool s5 = false;
    for (size_t i = 0; i < r.n_warnings; i++)
        s5 |= strstr(r.warnings[i], "S5") != NULL;
    CU_ASSERT(s5);
    run_result_clear(&r);
    remove_tmpdir();
}

static char *dump(const run_result_t *r, bool with_trace)
{
    json_t *j = report_json_result(r, with_trace);
    CU_ASSERT_FATAL(j != NULL);
    char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(j);
    return s;
}

static void test_json_round_trip(void)
{
    /* What a worker sends is what the parent gets back, failures and trace included. */
    make_tmpdir();
    char path[128];
    char *text = scenario_with("\"outcome\": \"via\", \"node\": \"conn\"", "\"outcome\": \"exit\"");
    write_file(path, sizeof path, "rt.json", text);
    free(text);
    run_opts_t o = run_opts_default();
    o.keep_trace = true;
    run_result_t r, back;
    run_path(path, &o, &r);
    CU_ASSERT_EQUAL(r.status, RUN_FAIL);
    char *first = dump(&r, true);
    json_t *j = json_loads(first, 0, NULL);
    errinfo_t err;
    CU_ASSERT_FATAL(report_json_parse_result(j, &back, &err) == 0);
    json_decref(j);
    char *second = dump(&back, true);
    CU_ASSERT_STRING_EQUAL(first, second);
    CU_ASSERT_EQUAL(back.trace_len, r.trace_len);
    CU_ASSERT_EQUAL(back.seed, 7);
    free(first);
    free(second);
    run_result_clear(&back);

    /* Bad messages are refused, not half-read. */
    j = json_loads("{\"name\": \"x\"}", 0, NULL);
    CU_ASSERT(report_json_parse_result(j, &back, &err) == -1);
    json_decref(j);
    char *good = dump(&r, false);
    char *bad = strdup(good);
    char *st = strstr(bad, "\"status\":\"fail\"");
    CU_ASSERT_FATAL(st != NULL);
    memcpy(st, "\"status\":\"oops\"", 15);
    j = json_loads(bad, 0, NULL);
    CU_ASSERT(report_json_parse_result(j, &back, &err) == -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "oops"));
    json_decref(j);
    free(good);
    free(bad);
    run_result_clear(&r);
    remove_tmpdir();
}

static char *text_of(const run_result_t *r, const report_text_opts_t *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    report_text_scenario(f, r, o);
    report_text_totals(f, r, 1, o);
    fclose(f);
    return buf;
}

static void test_text_report(void)
{
    make_tmpdir();
    char path[128];
    char *text = scenario_with("\"outcome\": \"via\", \"node\": \"conn\"", "\"outcome\": \"direct\"");
    write_file(path, sizeof path, "txt.json", text);
    free(text);
    run_result_t r;
    run_path(path, NULL, &r);
    report_text_opts_t o = {false, false, false, false, false};
    char *out = text_of(&r, &o);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL    runner basic"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "expect[1] flow at end (K5)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "expected: flow 'late' direct"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "got:      via conn egress 203.0.113.1 at 5s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "trace of laptop around 5s:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 scenario: 0 passed, 1 failed"));
    CU_ASSERT_PTR_NULL(strstr(out, "fingerprint"));
    CU_ASSERT_PTR_NULL(strstr(out, "\033["));
    free(out);
    o.verbose = true;
    o.color = true;
    out = text_of(&r, &o);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, r.fingerprint));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok: conn advertises includes [192.0.2.7/32]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\033[31mFAIL"));
    free(out);
    run_result_clear(&r);

    /* --quiet: nothing for a passing scenario but the totals. */
    write_file(path, sizeof path, "ok.json", SCENARIO);
    run_path(path, NULL, &r);
    report_text_opts_t q = {false, false, true, false, false};
    out = text_of(&r, &q);
    CU_ASSERT_STRING_EQUAL(out, "1 scenario: 1 passed, 0 failed; 4 expectations: 4 passed, 0 failed\n");
    free(out);
    run_result_clear(&r);
    remove_tmpdir();
}

static char *escaped(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    report_xml_escape(f, s);
    fclose(f);
    return buf;
}

static void test_xml_escape(void)
{
    char *e = escaped("a<b>&\"c'\n\td");
    CU_ASSERT_STRING_EQUAL(e, "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;d");
    free(e);
    /* Control characters and bytes that are not UTF-8 (a lone continuation byte, an overlong
     * form, a surrogate) become U+FFFD; valid UTF-8 passes. */
    e = escaped("x\001y\x80z\xc0\xafw\xed\xa0\x80v\xc3\xa9");
    CU_ASSERT_STRING_EQUAL(e, "x\xef\xbf\xbdy\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbdw\xef\xbf\xbd"
                              "\xef\xbf\xbd\xef\xbf\xbdv\xc3\xa9");
    free(e);
    e = escaped("\xf0\x9f\x98\x80");
    CU_ASSERT_STRING_EQUAL(e, "\xf0\x9f\x98\x80");
    free(e);
}

static void test_explain(void)
{
    /* The story names who asked what, who answered and learned, what control did, and which
     * path each flow took with the route that decided it. */
    make_tmpdir();
    char path[128];
    char *text = scenario_with("\"seed\": 7,", "\"seed\": 7, \"settings\": { \"propagation_jitter\": \"0\" },");
    write_file(path, sizeof path, "story.json", text);
    free(text);
    diag_list_t d;
    diag_list_init(&d);
    scenario_t *s = NULL;
    CU_ASSERT_FATAL(scenario_load(path, &s, &d) == 0);
    run_opts_t o = run_opts_default();
    o.keep_trace = true;
    run_result_t r;
    runner_run_scenario(s, &d, &o, &r);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT(explain_write(f, s, &r) == 0);
    fclose(f);
    static const char *const want[] = {
        "Scenario: runner basic",
        "  web: connectors tag:conn; domains example.com *.example.com",
        "at 1s:\n  laptop asks for www.example.com A (query 'q1'), by split DNS to the app's "
        "connectors: conn",
        "laptop's flow 'early' to 192.0.2.7 goes direct, egress 198.51.100.9\n"
        "             why: no route in its table covers 192.0.2.7",
        "at 1.02s:\n  conn answers NOERROR for www.example.com and learns 192.0.2.7 under "
        "www.example.com",
        "conn's advertised set adds 192.0.2.7/32 after a DNS answer it produced",
        "control: 192.0.2.7/32 on conn approved by autoApprovers",
        "control elects conn to serve 192.0.2.7/32",
        "laptop gets NOERROR for www.example.com (query 'q1'), first address 192.0.2.7, answered "
        "by conn",
        "laptop receives a netmap; routes: 192.0.2.7/32 -> conn",
        "laptop's flow 'late' to 192.0.2.7 goes via conn, egress 203.0.113.1\n"
        "             why: its route table maps 192.0.2.7/32 to conn (since 2.32s)",
        "  ok      advertised at 2s: conn advertises includes [192.0.2.7/32]",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (strstr(buf, want[i]) == NULL)
            fprintf(stderr, "\nmissing: %s\n", want[i]);
        CU_ASSERT_PTR_NOT_NULL(strstr(buf, want[i]));
    }
    free(buf);
    /* Without a trace there is nothing to tell. */
    free(r.trace);
    r.trace = NULL;
    f = open_memstream(&buf, &len);
    CU_ASSERT(explain_write(f, s, &r) == -1);
    fclose(f);
    free(buf);
    run_result_clear(&r);
    scenario_free(s);
    diag_list_free(&d);
    remove_tmpdir();

    char line[256];
    const char rec[] = "{\"t\":0,\"kind\":\"mystery\",\"x\":1}";
    explain_record(rec, strlen(rec), line, sizeof line);
    CU_ASSERT_STRING_EQUAL(line, "mystery: {\"t\":0,\"kind\":\"mystery\",\"x\":1}");
    explain_record("{", 1, line, sizeof line);
    CU_ASSERT_STRING_EQUAL(line, "(unreadable record)");
    const char drop[] = "{\"t\":0,\"node\":\"a\",\"kind\":\"flow\",\"id\":\"f\",\"to\":\"1.2.3.4\","
                        "\"outcome\":\"dropped\",\"via\":\"b\",\"egress\":null,\"reason\":\"via down\"}";
    explain_record(drop, strlen(drop), line, sizeof line);
    CU_ASSERT_STRING_EQUAL(line, "a's flow 'f' to 1.2.3.4 is dropped (via down)");
    /* A tiny buffer is filled, never overrun. */
    char tiny[8];
    explain_record(drop, strlen(drop), tiny, sizeof tiny);
    CU_ASSERT_EQUAL(strlen(tiny), 7);
}

static void test_explain_sentences(void)
{
    /* One sentence per kind of trace record (world.h lists them). */
    static const char *const cases[][2] = {
        {"{\"t\":0,\"node\":\"c\",\"kind\":\"learn\",\"name\":\"x.example\",\"rcode\":\"NOERROR\","
         "\"malformed\":\"bad pointer\"}",
         "c rejects its NOERROR answer for x.example for learning: malformed (bad pointer)"},
        {"{\"t\":0,\"node\":\"c\",\"kind\":\"learn\",\"name\":\"x.example\",\"rcode\":\"NXDOMAIN\","
         "\"records\":[]}",
         "c answers NXDOMAIN for x.example and learns nothing (no routed address)"},
        {"{\"t\":0,\"node\":\"c\",\"kind\":\"route_change\",\"cause\":\"restart\",\"add\":[],"
         "\"remove\":[\"1.2.3.4/32\"]}",
         "c's advertised set removes 1.2.3.4/32 after its restart"},
        {"{\"t\":0,\"node\":\"c\",\"kind\":\"route_change\",\"cause\":\"expiry\",\"add\":[\"1.0.0.0/8\"],"
         "\"remove\":[\"1.2.3.4/32\"]}",
         "c's advertised set adds 1.0.0.0/8 and removes 1.2.3.4/32 as learned routes expired"},
        {"{\"t\":0,\"node\":\"c\",\"kind\":\"report\",\"full\":true,\"add\":[],\"remove\":[]}",
         "control receives c's full set: changes nothing"},
        {"{\"t\":0,\"node\":\"c\",\"kind\":\"approval\",\"prefix\":\"1.2.3.4/32\",\"approved\":false,"
         "\"by\":\"none\"}",
         "control: 1.2.3.4/32 on c waits for approval (no autoApprovers entry covers it)"},
        {"{\"t\":0,\"node\":\"c\",\"kind\":\"approval\",\"prefix\":\"1.2.3.4/32\",\"approved\":false,"
         "\"by\":\"left\"}",
         "control: 1.2.3.4/32 on c loses its approval (it left the node's set)"},
        {"{\"t\":0,\"node\":\"c\",\"kind\":\"approval\",\"prefix\":\"1.2.3.4/32\",\"approved\":true,"
         "\"by\":\"event\"}",
         "control: 1.2.3.4/32 on c approved by an approve event"},
        {"{\"t\":0,\"node\":\"c\",\"kind\":\"approval\",\"prefix\":\"1.0.0.0/8\",\"approved\":true,"
         "\"by\":\"control route\"}",
         "control: 1.0.0.0/8 on c approved as a control route of the app"},
        {"{\"t\":0,\"node\":\"c\",\"kind\":\"approval\",\"prefix\":\"1.0.0.0/8\",\"approved\":false,"
         "\"by\":\"unapprove\"}",
         "control: 1.0.0.0/8 on c is unapproved by an event"},
        {"{\"t\":0,\"kind\":\"primary\",\"prefix\":\"1.2.3.4/32\",\"to\":null}",
         "control: no node serves 1.2.3.4/32 any more"},
        {"{\"t\":0,\"kind\":\"primary\",\"prefix\":\"1.2.3.4/32\",\"to\":\"c\",\"client\":\"l\"}",
         "control elects c to serve 1.2.3.4/32 for l"},
        {"{\"t\":0,\"node\":\"l\",\"kind\":\"netmap\",\"full\":true,\"routes\":[[\"1.2.3.4/32\",null]],"
         "\"peers\":[[\"c\",false],[\"d\",true]],\"exit\":[],\"config\":{\"domains\":2,\"routes\":1}}",
         "l receives a full netmap; routes: 1.2.3.4/32 withdrawn; peers: c offline, d online; app "
         "configuration: 2 domains, 1 routes"},
        {"{\"t\":0,\"node\":\"l\",\"kind\":\"flow\",\"id\":null,\"to\":\"1.2.3.4\",\"name\":\"w.x\","
         "\"outcome\":\"exit\",\"via\":\"e\",\"egress\":\"5.6.7.8\",\"reason\":null}",
         "l's flow to 1.2.3.4 (w.x) goes through exit node e, egress 5.6.7.8"},
        {"{\"t\":0,\"node\":\"l\",\"kind\":\"dns_query\",\"id\":\"q\",\"name\":\"w.x\",\"type\":\"AAAA\","
         "\"path\":\"exit\",\"to\":[\"e\"]}",
         "l asks for w.x AAAA (query 'q'), through its exit node: e"},
        {"{\"t\":0,\"node\":\"l\",\"kind\":\"dns_query\",\"id\":null,\"name\":\"w.x\",\"type\":\"A\","
         "\"path\":\"local\",\"to\":[]}",
         "l asks for w.x A, to its own resolver: none"},
        {"{\"t\":0,\"node\":\"l\",\"kind\":\"dns_answer\",\"id\":null,\"name\":\"w.x\",\"rcode\":\"SERVFAIL\","
         "\"first\":null,\"by\":null}",
         "l gets SERVFAIL for w.x"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"node_down\"}", "n goes down"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"node_up\"}", "n comes up"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"ctrl_lost\"}", "n loses its control session"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"ctrl_back\"}", "n's control session is back"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"offline\"}", "control now sees n offline"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"online\"}", "control sees n online"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"restart\"}", "n restarts"},
        {"{\"t\":0,\"kind\":\"policy\",\"version\":2}", "control installs policy version 2"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"egress_break\"}", "n's egress breaks"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"egress_mend\"}", "n's egress is mended"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"latency\",\"region\":\"us\",\"rtt\":5,\"now_region\":\"us\"}",
         "n's latency to us changes; its region is us"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"exit_select\",\"exit\":\"e\"}", "n selects exit node e"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"exit_select\",\"exit\":null}", "n deselects its exit node"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"advertise_connector\",\"value\":false}",
         "n turns advertise_connector off"},
        {"{\"t\":0,\"kind\":\"zone_change\",\"origin\":\"x.\",\"view\":\"eu\",\"owner\":\"w.x.\","
         "\"type\":1,\"records\":0}",
         "zone x. view eu: w.x. type 1 gets 0 record(s)"},
        {"{\"t\":0,\"kind\":\"warning\",\"reason\":\"S5: many\"}", "warning: S5: many"},
        {"{\"t\":0,\"node\":\"n\",\"kind\":\"rejected\",\"event\":\"approve\",\"reason\":\"not advertised\"}",
         "approve event rejected for n: not advertised"},
    };
    char line[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        explain_record(cases[i][0], strlen(cases[i][0]), line, sizeof line);
        if (strcmp(line, cases[i][1]) != 0)
            fprintf(stderr, "\n got: %s\nwant: %s\n", line, cases[i][1]);
        CU_ASSERT_STRING_EQUAL(line, cases[i][1]);
    }
}

void suite_runner(void);
void suite_runner(void)
{
    static CU_TestInfo tests[] = {
        {"T1 a scenario file runs and passes with its details", test_pass_file},
        {"S4 a failing file fails; an invalid one names file:line:col and runs nothing",
         test_fail_and_invalid},
        {"S4 D1 zone data rejected at build time is a diagnostic of the file", test_build_errors},
        {"T3 P7 same seed, same trace and fingerprint; another seed, another", test_determinism},
        {"T1 a run limit stops the run; unreached expectations are not run", test_run_stopped},
        {"S4 validate only: built, never run", test_validate_only},
        {"S3 selectors the model does not know match no node", test_selectors_match_nothing},
        {"S5 warning records reach the result", test_warning_records},
        {"results survive the JSON round trip; bad messages are refused", test_json_round_trip},
        {"the text report: failures with expected, got and trace; verbose; quiet",
         test_text_report},
        {"XML escaping of markup, control bytes and bad UTF-8", test_xml_escape},
        {"K5 explain tells the run from the trace", test_explain},
        {"explain has a sentence for every kind of record", test_explain_sentences},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("runner", tests);
}
