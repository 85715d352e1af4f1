/* Tests of `appcsim run | check | explain` (sim/cmd_run.c), run in process with standard
 * output and error redirected to temporary files: exit statuses, folders and filters, --jobs
 * giving the same bytes as one job, the report files (JUnit XML checked for well-formedness,
 * results.json read back with jansson), --trace, and determinism across runs. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "testutil.h"

static const char OK_SCENARIO[] =
    "{ \"name\": \"%s\", \"seed\": 3,\n"
    "  \"policy\": { \"nodeAttrs\": [ { \"target\": [\"*\"], \"app\": {\n"
    "      \"tailscale.com/app-connectors\": [ { \"name\": \"web\", \"connectors\": [\"tag:conn\"],\n"
    "        \"domains\": [\"*.example.com\"] } ] } } ],\n"
    "    \"autoApprovers\": { \"routes\": { \"0.0.0.0/0\": [\"tag:conn\"] } } },\n"
    "  \"regions\": [\"eu\"],\n"
    "  \"nodes\": [\n"
    "    { \"id\": 1, \"name\": \"conn\", \"tags\": [\"tag:conn\"], \"advertise_connector\": true,\n"
    "      \"latency\": { \"eu\": \"20ms\" }, \"egress\": [\"203.0.113.1\"] },\n"
    "    { \"id\": 2, \"name\": \"laptop\", \"latency\": { \"eu\": \"40ms\" }, \"egress\": [\"198.51.100.9\"] } ],\n"
    "  \"dns\": { \"zones\": [ { \"origin\": \"example.com\", \"records\": [\n"
    "      \"example.com. 300 IN SOA ns. h. 1 2 3 4 5\", \"www.example.com. 300 IN A 192.0.2.7\" ] } ] },\n"
    "  \"timeline\": [\n"
    "    { \"at\": \"1s\", \"event\": \"query\", \"node\": \"laptop\", \"name\": \"www.example.com\" },\n"
    "    { \"at\": \"5s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": \"192.0.2.7\", \"id\": \"late\" } ],\n"
    "  \"expect\": [ { \"rules\": [\"K5\"], \"flow\": { \"flow\": \"late\", \"outcome\": \"%s\" } } ] }\n";

static char dir[64];

typedef struct {
    int status;
    char *out;
    char *err;
} result_t;

static void put_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    /* Create the folders on the way. */
    for (char *c = path + strlen(dir) + 1; *c; c++) {
        if (*c == '/') {
            *c = '\0';
            mkdir(path, 0777);
            *c = '/';
        }
    }
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void put_scenario(const char *rel, const char *name, const char *outcome)
{
    char text[sizeof OK_SCENARIO + 256];
    snprintf(text, sizeof text, OK_SCENARIO, name, outcome);
    put_file(rel, text);
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    lseek(fd, 0, SEEK_SET);
    ssize_t got;
    while ((got = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    return buf;
}

static char *read_path(const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *s = slurp_fd(fd);
    close(fd);
    return s;
}

/* Runs `appcsim CMD ARGS...` in process; "@" at the start of an argument is replaced by the
 * test folder. */
static void run(result_t *r, int (*cmd)(int, char **), const char *name, int nargs,
                const char **args)
{
    char out_path[64], err_path[64];
    snprintf(out_path, sizeof out_path, "/tmp/appcsim_cli_out_XXXXXX");
    snprintf(err_path, sizeof err_path, "/tmp/appcsim_cli_err_XXXXXX");
    int out = mkstemp(out_path), err = mkstemp(err_path);
    CU_ASSERT_FATAL(out >= 0 && err >= 0);
    char *argv[32];
    char bufs[32][256];
    argv[0] = (char *)name;
    for (int i = 0; i < nargs; i++) {
        if (args[i][0] == '@')
            snprintf(bufs[i], sizeof bufs[i], "%s%s", dir, args[i] + 1);
        else
            snprintf(bufs[i], sizeof bufs[i], "%s", args[i]);
        argv[1 + i] = bufs[i];
    }
    argv[1 + nargs] = NULL;
    fflush(stdout);
    fflush(stderr);
    int saved[2] = {dup(1), dup(2)};
    dup2(out, 1);
    dup2(err, 2);
    r->status = cmd(1 + nargs, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved[0], 1);
    dup2(saved[1], 2);
    close(saved[0]);
    close(saved[1]);
    r->out = slurp_fd(out);
    r->err = slurp_fd(err);
    close(out);
    close(err);
    unlink(out_path);
    unlink(err_path);
}

static void result_free(result_t *r)
{
    free(r->out);
    free(r->err);
}

#define RUN(r, cmd, ...)                                                                         \
    do {                                                                                         \
        const char *a_[] = {__VA_ARGS__};                                                        \
        run(r, cmd, #cmd + 4, (int)(sizeof a_ / sizeof a_[0]), a_);                              \
    } while (0)

/* A suite folder: two passing scenarios (one nested), one failing, and an invalid/ folder
 * whose file must be skipped. */
static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/appcsim_cli_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    put_scenario("suite/b_ok.json", "second passes", "via");
    put_scenario("suite/a/ok.json", "first passes", "via");
    put_scenario("suite/c_fail.json", "third fails", "direct");
    put_file("suite/invalid/broken.json", "{ \"nodes\": [ { \"id\": 1 } ] }");
    put_file("suite/notes.txt", "not a scenario");
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT(system(cmd) == 0);
}

static void test_exit_statuses(void)
{
    setup();
    result_t r;
    RUN(&r, cmd_run, "@/suite/a", "@/suite/b_ok.json", "--report-dir", "@/rep");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "2 scenarios: 2 passed, 0 failed"));
    result_free(&r);

    RUN(&r, cmd_run, "@/suite", "--report-dir", "@/rep");
    CU_ASSERT_EQUAL(r.status, 1);
    /* Sorted path order; invalid/ and notes.txt skipped. */
    char *a = strstr(r.out, "first passes"), *b = strstr(r.out, "second passes"),
         *c = strstr(r.out, "third fails");
    CU_ASSERT(a && b && c && a < b && b < c);
    CU_ASSERT_PTR_NULL(strstr(r.out, "broken"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "3 scenarios: 2 passed, 1 failed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "expected: flow 'late' direct"));
    result_free(&r);

    /* An invalid file named explicitly: its diagnostics (file:line:col), the others still run,
     * and 2 wins over 1. */
    RUN(&r, cmd_run, "@/suite", "@/suite/invalid/broken.json", "--report-dir", "@/rep");
    CU_ASSERT_EQUAL(r.status, 2);
    char want[160];
    snprintf(want, sizeof want, "%s/suite/invalid/broken.json:1:14: error: nodes[0]", dir);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "INVALID broken"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "third fails"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "4 scenarios: 2 passed, 1 failed, 1 invalid"));
    result_free(&r);

    /* A missing path is bad input; the rest still runs. */
    RUN(&r, cmd_run, "@/suite/a", "@/nothere", "--report-dir", "@/rep");
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "nothere"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "first passes"));
    result_free(&r);
    teardown();
}

static void test_usage(void)
{
    setup();
    result_t r;
    RUN(&r, cmd_run, "--jobs", "0", "@/suite");
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--jobs"));
    result_free(&r);
    RUN(&r, cmd_run, "--bogus", "@/suite");
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "unknown option '--bogus'"));
    result_free(&r);
    RUN(&r, cmd_run, "--seed", "x1", "@/suite");
    CU_ASSERT_EQUAL(r.status, 2);
    result_free(&r);
    RUN(&r, cmd_run, "--report-dir");
    CU_ASSERT_EQUAL(r.status, 2);
    result_free(&r);
    RUN(&r, cmd_run, "--quiet", "--verbose", "@/suite");
    CU_ASSERT_EQUAL(r.status, 2);
    result_free(&r);
    RUN(&r, cmd_run, "--jobs", "2");
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "usage: appcsim run"));
    result_free(&r);
    RUN(&r, cmd_run, "--help");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "--filter PATTERN"));
    result_free(&r);
    /* check takes no --jobs. */
    RUN(&r, cmd_check, "--jobs=2", "@/suite");
    CU_ASSERT_EQUAL(r.status, 2);
    result_free(&r);
    RUN(&r, cmd_explain, "@/suite/a/ok.json", "@/suite/b_ok.json");
    CU_ASSERT_EQUAL(r.status, 2);
    result_free(&r);
    teardown();
}

static void test_filter(void)
{
    setup();
    result_t r;
    /* Substring of the name. */
    RUN(&r, cmd_run, "--filter", "second", "@/suite", "--report-dir", "@/rep");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "second passes"));
    CU_ASSERT_PTR_NULL(strstr(r.out, "first passes"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "1 scenario: 1 passed"));
    result_free(&r);
    /* A glob on the path. */
    RUN(&r, cmd_run, "--filter=*/a/*", "@/suite", "--report-dir", "@/rep");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "first passes"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "1 scenario:"));
    result_free(&r);
    /* A glob on the name, with --jobs. */
    RUN(&r, cmd_run, "--filter", "t*fails", "--jobs", "2", "@/suite", "--report-dir", "@/rep");
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "1 scenario: 0 passed, 1 failed"));
    result_free(&r);
    /* A folder without scenarios: a note, nothing fails. */
    put_file("empty/readme.txt", "nothing here");
    RUN(&r, cmd_run, "@/empty", "--report-dir", "@/rep");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no scenario files found"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "0 scenarios: 0 passed, 0 failed"));
    result_free(&r);
    /* A filter that matches nothing: bad usage. */
    RUN(&r, cmd_run, "--filter", "zzz", "@/suite", "--report-dir", "@/rep");
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no scenario matches the filter zzz"));
    result_free(&r);
    teardown();
}

/* Minimal XML well-formedness: one root element, properly nested and closed tags, quoted
 * attributes, entities among the five named ones or numeric, no raw '<' in text. */
static bool entity_ok(const char **p)
{
    static const char *const names[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < 5; i++)
        if (strncmp(*p, names[i], strlen(names[i])) == 0) {
            *p += strlen(names[i]);
            return true;
        }
    if ((*p)[1] == '#') {
        const char *q = *p + 2;
        bool hex = *q == 'x';
        q += hex;
        const char *digits = q;
        while ((*q >= '0' && *q <= '9') || (hex && ((*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))))
            q++;
        if (q > digits && *q == ';') {
            *p = q + 1;
            return true;
        }
    }
    return false;
}

static bool xml_well_formed(const char *s, int *elements)
{
    const char *p = s;
    if (strncmp(p, "<?xml", 5) == 0) {
        p = strstr(p, "?>");
        if (p == NULL)
            return false;
        p += 2;
    }
    char stack[32][64];
    int depth = 0, roots = 0;
    *elements = 0;
    while (*p) {
        if (*p == '&') {
            if (!entity_ok(&p))
                return false;
            continue;
        }
        if (*p != '<') {
            if (depth == 0 && !(*p == ' ' || *p == '\n'))
                return false;
            p++;
            continue;
        }
        p++;
        bool closing = *p == '/';
        p += closing;
        char name[64];
        size_t n = 0;
        while (*p && *p != '>' && *p != ' ' && *p != '/' && n < sizeof name - 1)
            name[n++] = *p++;
        name[n] = '\0';
        if (n == 0)
            return false;
        if (closing) {
            if (*p != '>' || depth == 0 || strcmp(stack[depth - 1], name) != 0)
                return false;
            depth--;
            p++;
            continue;
        }
        /* attributes */
        for (;;) {
            while (*p == ' ')
                p++;
            if (*p == '>' || (*p == '/' && p[1] == '>'))
                break;
            while (*p && *p != '=' && *p != ' ' && *p != '>')
                p++;
            if (*p != '=' || p[1] != '"')
                return false;
            p += 2;
            while (*p && *p != '"') {
                if (*p == '<')
                    return false;
                if (*p == '&') {
                    if (!entity_ok(&p))
                        return false;
                } else {
                    p++;
                }
            }
            if (*p != '"')
                return false;
            p++;
        }
        (*elements)++;
        if (depth == 0)
            roots++;
        if (*p == '/') {
            p += 2;
            continue;
        }
        p++;
        if (depth == 32)
            return false;
        snprintf(stack[depth++], sizeof stack[0], "%s", name);
    }
    return depth == 0 && roots == 1;
}

static void test_reports(void)
{
    setup();
    /* A scenario name full of markup and odd bytes must not break the XML. */
    put_scenario("suite/d_odd.json", "odd <name> & \\\"quotes\\\" 'x' \\u0001 \\u00e9", "direct");
    result_t r;
    RUN(&r, cmd_run, "@/suite", "--report-dir", "@/rep/nested");
    CU_ASSERT_EQUAL(r.status, 1);
    result_free(&r);
    char *xml = read_path("rep/nested/junit.xml");
    CU_ASSERT_FATAL(xml != NULL);
    int elements = 0;
    CU_ASSERT(xml_well_formed(xml, &elements));
    CU_ASSERT(elements >= 6);
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<testsuites name=\"appcsim\" tests=\"4\" failures=\"2\" errors=\"0\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "odd &lt;name&gt; &amp; &quot;quotes&quot; &apos;x&apos; \xef\xbf\xbd \xc3\xa9"));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<failure type=\"expectation\" message=\"1 of 1 expectations failed\">"));
    /* The checker itself rejects broken XML. */
    CU_ASSERT(!xml_well_formed("<a><b></a></b>", &elements));
    CU_ASSERT(!xml_well_formed("<a x=\"1 & 2\"></a>", &elements));
    CU_ASSERT(!xml_well_formed("<a>1 < 2</a>", &elements));
    CU_ASSERT(!xml_well_formed("<a></a><b></b>", &elements));
    free(xml);

    char *text = read_path("rep/nested/results.json");
    CU_ASSERT_FATAL(text != NULL);
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    free(text);
    CU_ASSERT_FATAL(j != NULL);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "tool")), "appcsim");
    json_t *sum = json_object_get(j, "summary");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(sum, "total")), 4);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(sum, "failed")), 2);
    json_t *list = json_object_get(j, "scenarios");
    CU_ASSERT_EQUAL(json_array_size(list), 4);
    json_t *first = json_array_get(list, 0);
    static const char *const fields[] = {"name", "file", "status", "seed", "fingerprint",
                                         "expectations"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(json_object_get(first, fields[i]));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(first, "name")), "first passes");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(first, "status")), "pass");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(first, "seed")), "3");
    CU_ASSERT_EQUAL(strlen(json_string_value(json_object_get(first, "fingerprint"))), 16);
    json_t *e = json_array_get(json_object_get(first, "expectations"), 0);
    static const char *const efields[] = {"id", "kind", "at", "rules", "status", "expected", "got"};
    for (size_t i = 0; i < sizeof efields / sizeof efields[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(json_object_get(e, efields[i]));
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e, "kind")), "flow");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e, "at")), "end");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(json_object_get(e, "rules"), 0)), "K5");
    json_t *third = json_array_get(list, 2);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(third, "status")), "fail");
    json_t *fe = json_array_get(json_object_get(third, "expectations"), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(fe, "status")), "fail");
    CU_ASSERT(json_array_size(json_object_get(fe, "trace")) > 0);
    json_decref(j);
    teardown();
}

static void test_jobs_same_bytes(void)
{
    /* --jobs 2 prints the same and writes the same files as --jobs 1, trace included. */
    setup();
    for (int i = 0; i < 6; i++) {
        char rel[64], name[32];
        snprintf(rel, sizeof rel, "suite/more/s%d.json", i);
        snprintf(name, sizeof name, "more %d", i);
        put_scenario(rel, name, i % 3 ? "via" : "direct");
    }
    put_file("suite/more/bad.json", "{ \"name\": 5 }");
    result_t one, two;
    RUN(&one, cmd_run, "@/suite", "--report-dir", "@/r1", "--trace", "@/t1.jsonl", "--verbose");
    RUN(&two, cmd_run, "@/suite", "--report-dir", "@/r2", "--trace", "@/t2.jsonl", "--verbose",
        "--jobs", "2");
    CU_ASSERT_EQUAL(one.status, 2);
    CU_ASSERT_EQUAL(two.status, 2);
    CU_ASSERT_STRING_EQUAL(one.out, two.out);
    CU_ASSERT_STRING_EQUAL(one.err, two.err);
    static const char *const files[][2] = {{"r1/junit.xml", "r2/junit.xml"},
                                           {"r1/results.json", "r2/results.json"},
                                           {"t1.jsonl", "t2.jsonl"}};
    for (size_t i = 0; i < 3; i++) {
        char *a = read_path(files[i][0]), *b = read_path(files[i][1]);
        CU_ASSERT_FATAL(a != NULL && b != NULL);
        CU_ASSERT(strlen(a) > 100);
        CU_ASSERT_STRING_EQUAL(a, b);
        free(a);
        free(b);
    }
    result_free(&one);
    result_free(&two);
    teardown();
}

static void test_trace_file(void)
{
    /* --trace: a header record before each scenario's records; the header's fingerprint is the
     * FNV-1a-64 of the records that follow it, and the same as in results.json. */
    setup();
    result_t r;
    RUN(&r, cmd_run, "@/suite/a", "@/suite/b_ok.json", "--trace", "@/t.jsonl", "--report-dir",
        "@/rep");
    CU_ASSERT_EQUAL(r.status, 0);
    result_free(&r);
    char *t = read_path("t.jsonl");
    CU_ASSERT_FATAL(t != NULL);
    int headers = 0;
    char fp[2][17] = {"", ""};
    uint64_t h = 0;
    char *line = t;
    while (*line) {
        char *nl = strchr(line, '\n');
        CU_ASSERT_FATAL(nl != NULL);
        json_t *j = json_loadb(line, (size_t)(nl - line), 0, NULL);
        CU_ASSERT_FATAL(j != NULL);
        if (json_object_get(j, "scenario")) {
            if (headers > 0) {
                char hex[17];
                snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
                CU_ASSERT_STRING_EQUAL(hex, fp[headers - 1]);
            }
            CU_ASSERT(headers < 2);
            snprintf(fp[headers % 2], 17, "%s", json_string_value(json_object_get(j, "fingerprint")));
            headers++;
            h = 0xcbf29ce484222325ULL;
        } else {
            CU_ASSERT_PTR_NOT_NULL(json_object_get(j, "kind"));
            for (char *c = line; c <= nl; c++) {
                h ^= (unsigned char)*c;
                h *= 0x100000001b3ULL;
            }
        }
        json_decref(j);
        line = nl + 1;
    }
    CU_ASSERT_EQUAL(headers, 2);
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    CU_ASSERT_STRING_EQUAL(hex, fp[1]);
    free(t);
    char *res = read_path("rep/results.json");
    CU_ASSERT_PTR_NOT_NULL(strstr(res, fp[0]));
    CU_ASSERT_PTR_NOT_NULL(strstr(res, fp[1]));
    free(res);
    teardown();
}

static char *fingerprints(const char *results)
{
    char *text = read_path(results);
    CU_ASSERT_FATAL(text != NULL);
    json_t *j = json_loads(text, 0, NULL);
    free(text);
    CU_ASSERT_FATAL(j != NULL);
    char *all = calloc(1, 256);
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(j, "scenarios"), i, s) {
        strncat(all, json_string_value(json_object_get(s, "fingerprint")), 16);
        strcat(all, " ");
    }
    json_decref(j);
    return all;
}

static void test_determinism(void)
{
    /* T3: the same seed gives the same fingerprints run after run; --seed changes them (P7
     * jitter) and is recorded. */
    setup();
    result_t r;
    RUN(&r, cmd_run, "@/suite", "--report-dir", "@/ra", "--quiet");
    result_free(&r);
    RUN(&r, cmd_run, "@/suite", "--report-dir", "@/rb", "--quiet", "--jobs", "3");
    result_free(&r);
    RUN(&r, cmd_run, "@/suite", "--report-dir", "@/rc", "--quiet", "--seed", "99");
    result_free(&r);
    char *a = fingerprints("ra/results.json"), *b = fingerprints("rb/results.json"),
         *c = fingerprints("rc/results.json");
    CU_ASSERT_EQUAL(strlen(a), 3 * 17);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
    free(a);
    free(b);
    free(c);
    char *res = read_path("rc/results.json");
    CU_ASSERT_PTR_NOT_NULL(strstr(res, "\"seed\": \"99\""));
    free(res);
    /* --verbose prints the fingerprints. */
    RUN(&r, cmd_run, "@/suite/a", "--report-dir", "@/rd", "--verbose");
    char *d = fingerprints("rd/results.json");
    d[16] = '\0';
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, d));
    free(d);
    result_free(&r);
    teardown();
}

static void test_quiet(void)
{
    setup();
    result_t r;
    RUN(&r, cmd_run, "@/suite", "--report-dir", "@/rep", "--quiet");
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NULL(strstr(r.out, "PASS"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "FAIL"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "3 scenarios:"));
    /* Not a terminal: no colour, no progress line. */
    CU_ASSERT_PTR_NULL(strstr(r.out, "\033"));
    CU_ASSERT_PTR_NULL(strstr(r.out, "\r"));
    result_free(&r);
    teardown();
}

static void test_check_command(void)
{
    setup();
    result_t r;
    RUN(&r, cmd_check, "@/suite");
    /* Validating runs nothing: the failing scenario is valid. */
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "VALID   third fails"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "3 files: 3 valid, 0 invalid"));
    result_free(&r);
    RUN(&r, cmd_check, "@/suite", "@/suite/invalid/broken.json");
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "broken.json:1:14: error"));
    result_free(&r);
    /* No report files from check. */
    struct stat st;
    char path[128];
    snprintf(path, sizeof path, "%s/reports", dir);
    CU_ASSERT(stat(path, &st) != 0);
    teardown();
}

static void test_explain_command(void)
{
    setup();
    result_t r;
    RUN(&r, cmd_explain, "@/suite/a/ok.json");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Scenario: first passes"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "conn answers NOERROR for www.example.com and learns 192.0.2.7"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "goes via conn, egress 203.0.113.1"));
    result_free(&r);
    RUN(&r, cmd_explain, "@/suite/c_fail.json");
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "FAILED"));
    result_free(&r);
    RUN(&r, cmd_explain, "@/suite/invalid/broken.json");
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "broken.json:1:14"));
    result_free(&r);
    teardown();
}

void suite_cli(void);
void suite_cli(void)
{
    static CU_TestInfo tests[] = {
        {"run: exit 0, 1, 2; folders in path order; invalid/ skipped", test_exit_statuses},
        {"run, check, explain: bad usage exits 2", test_usage},
        {"run --filter by substring and glob, on name and path", test_filter},
        {"junit.xml well-formed, results.json complete", test_reports},
        {"run --jobs 2 prints and writes the same bytes as --jobs 1", test_jobs_same_bytes},
        {"run --trace: headers and fingerprints of the records", test_trace_file},
        {"T3 fingerprints repeat with the seed; --seed changes them", test_determinism},
        {"run --quiet shows only failures; no colour off a terminal", test_quiet},
        {"check validates without running", test_check_command},
        {"explain tells the run; exit follows the expectations", test_explain_command},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("cli", tests);
}
