/* Tests of the HTML report (sim/report_html.c, report_html_page.c, report_svg.c,
 * report_view.c): scenarios run through `appcsim run` and through the writer into a temporary
 * folder; index.html and every scenario page exist and are well-formed XML (checked by the
 * small parser below: libxml2 is no dependency; tests/check_html.py does the same with Python's
 * parser, by hand), and so is each SVG on its own; hostile names stay text; --jobs 2 writes the
 * same bytes as --jobs 1; the trace view gives the lanes, spans and intervals the trace says;
 * long lanes are aggregated; bad input (unreadable trace lines, a folder that cannot be made,
 * mismatched results) is handled. */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "report_view.h"
#include "runner.h"
#include "testutil.h"

/* Two connectors and a laptop; conn2 goes down for a while; name, description and the flow's
 * outcome are filled in. */
static const char SCENARIO[] =
    "{ \"name\": \"%s\", \"description\": \"%s\", \"seed\": 3,\n"
    "  \"policy\": { \"nodeAttrs\": [ { \"target\": [\"*\"], \"app\": {\n"
    "      \"tailscale.com/app-connectors\": [ { \"name\": \"web\", \"connectors\": [\"tag:conn\"],\n"
    "        \"domains\": [\"*.example.com\"] } ] } } ],\n"
    "    \"autoApprovers\": { \"routes\": { \"0.0.0.0/0\": [\"tag:conn\"] } } },\n"
    "  \"regions\": [\"eu\"],\n"
    "  \"nodes\": [\n"
    "    { \"id\": 1, \"name\": \"conn\", \"tags\": [\"tag:conn\"], \"advertise_connector\": true,\n"
    "      \"latency\": { \"eu\": \"20ms\" }, \"egress\": [\"203.0.113.1\"] },\n"
    "    { \"id\": 3, \"name\": \"conn2\", \"tags\": [\"tag:conn\"], \"advertise_connector\": true,\n"
    "      \"latency\": { \"eu\": \"20ms\" }, \"egress\": [\"203.0.113.2\"] },\n"
    "    { \"id\": 2, \"name\": \"laptop\", \"latency\": { \"eu\": \"40ms\" }, \"egress\": [\"198.51.100.9\"] } ],\n"
    "  \"dns\": { \"zones\": [ { \"origin\": \"example.com\", \"records\": [\n"
    "      \"example.com. 300 IN SOA ns. h. 1 2 3 4 5\", \"www.example.com. 300 IN A 192.0.2.7\" ] } ] },\n"
    "  \"timeline\": [\n"
    "    { \"at\": \"1s\", \"event\": \"query\", \"node\": \"laptop\", \"name\": \"www.example.com\", \"id\": \"q<1>\" },\n"
    "    { \"at\": \"3s\", \"event\": \"down\", \"node\": \"conn2\" },\n"
    "    { \"at\": \"4s\", \"event\": \"up\", \"node\": \"conn2\" },\n"
    "    { \"at\": \"5s\", \"event\": \"flow\", \"node\": \"laptop\", \"to\": \"192.0.2.7\", \"id\": \"f&'\\\"\" } ],\n"
    "  \"expect\": [ { \"id\": \"e<1>&\", \"rules\": [\"K5\", \"L2\"],\n"
    "                  \"flow\": { \"flow\": \"f&'\\\"\", \"outcome\": \"%s\" } } ] }\n";

static char dir[64];

static void put_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *c = path + strlen(dir) + 1; *c; c++)
        if (*c == '/') {
            *c = '\0';
            mkdir(path, 0777);
            *c = '/';
        }
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void put_scenario(const char *rel, const char *name, const char *desc, const char *outcome)
{
    char text[sizeof SCENARIO + 1024];
    snprintf(text, sizeof text, SCENARIO, name, desc, outcome);
    put_file(rel, text);
}

/* The file's bytes (NUL-terminated), or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static char *slurp_rel(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return slurp(path);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/appcsim_html_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT(system(cmd) == 0);
}

/* `appcsim run ARGS...` in process, output to /dev/null; "@" at the start of an argument is
 * replaced by the test folder. Returns the exit status. */
static int run_cmd(int nargs, const char **args)
{
    char *argv[16];
    char bufs[16][512];
    argv[0] = (char *)"run";
    for (int i = 0; i < nargs && i < 14; i++) {
        snprintf(bufs[i], sizeof bufs[i], "%s%s", args[i][0] == '@' ? dir : "",
                 args[i] + (args[i][0] == '@'));
        argv[1 + i] = bufs[i];
    }
    argv[1 + nargs] = NULL;
    fflush(stdout);
    fflush(stderr);
    int saved[2] = {dup(1), dup(2)};
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    int status = cmd_run(1 + nargs, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved[0], 1);
    dup2(saved[1], 2);
    close(saved[0]);
    close(saved[1]);
    close(null);
    return status;
}

#define RUN(...)                                                                                 \
    run_cmd((int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)),                \
            (const char *[]){__VA_ARGS__})

/* ---- a minimal XML well-formedness check ----
 * One root element; tags balanced and properly nested; attributes name="value" or
 * name='value', none twice in a tag; '&' only as one of the five named entities or a numeric
 * reference; no '<' in text or attribute values; "]]>" nowhere in text; comments, a DOCTYPE
 * and an XML declaration before the root; valid UTF-8 throughout. why gets the first problem
 * and its offset. */

static size_t utf8_ok(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (s[0] >= 0xf5)
        n = 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

static bool is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static bool entity(const char **pp)
{
    static const char *const names[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    const char *p = *pp;
    for (size_t i = 0; i < 5; i++)
        if (strncmp(p, names[i], strlen(names[i])) == 0) {
            *pp = p + strlen(names[i]);
            return true;
        }
    if (p[1] != '#')
        return false;
    const char *q = p + 2;
    bool hex = *q == 'x';
    q += hex;
    const char *digits = q;
    while ((*q >= '0' && *q <= '9') ||
           (hex && ((*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))))
        q++;
    if (q == digits || *q != ';')
        return false;
    *pp = q + 1;
    return true;
}

static bool xml_ok(const char *s, char *why, size_t why_len)
{
#define BAD(msg)                                                                                 \
    do {                                                                                         \
        snprintf(why, why_len, "%s at offset %zu", msg, (size_t)(p - s));                       \
        return false;                                                                            \
    } while (0)
    const char *p = s;
    char(*stack)[64] = calloc(256, sizeof *stack);
    if (stack == NULL)
        return false;
    int depth = 0, roots = 0;
    bool ok = false;
    while (*p) {
        size_t u = utf8_ok((const unsigned char *)p);
        if (u == 0) {
            free(stack);
            BAD("invalid UTF-8");
        }
        if (*p == '&') {
            if (!entity(&p)) {
                free(stack);
                BAD("bad entity");
            }
            continue;
        }
        if (*p == ']' && strncmp(p, "]]>", 3) == 0) {
            free(stack);
            BAD("]]> in text");
        }
        if (*p != '<') {
            if (depth == 0 && !is_space(*p)) {
                free(stack);
                BAD("text outside the root");
            }
            p += u;
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            const char *end = strstr(p + 4, "-->");
            if (end == NULL) {
                free(stack);
                BAD("unclosed comment");
            }
            p = end + 3;
            continue;
        }
        if (strncmp(p, "<!DOCTYPE", 9) == 0 || strncmp(p, "<?xml", 5) == 0) {
            if (roots > 0 || depth > 0) {
                free(stack);
                BAD("declaration after the root");
            }
            p = strchr(p, '>');
            if (p == NULL) {
                free(stack);
                return false;
            }
            p++;
            continue;
        }
        p++;
        bool closing = *p == '/';
        p += closing;
        char name[64];
        size_t n = 0;
        if (!name_char(*p, true)) {
            free(stack);
            BAD("bad element name");
        }
        while (name_char(*p, false) && n < sizeof name - 1)
            name[n++] = *p++;
        name[n] = '\0';
        if (closing) {
            while (is_space(*p))
                p++;
            if (*p != '>' || depth == 0 || strcmp(stack[depth - 1], name) != 0) {
                free(stack);
                BAD("mismatched closing tag");
            }
            depth--;
            p++;
            continue;
        }
        char attrs[64][64];
        size_t n_attrs = 0;
        for (;;) {
            bool space = is_space(*p);
            while (is_space(*p))
                p++;
            if (*p == '>' || (*p == '/' && p[1] == '>'))
                break;
            if (!space || !name_char(*p, true)) {
                free(stack);
                BAD("bad attribute");
            }
            char an[64];
            size_t k = 0;
            while (name_char(*p, false) && k < sizeof an - 1)
                an[k++] = *p++;
            an[k] = '\0';
            for (size_t i = 0; i < n_attrs; i++)
                if (strcmp(attrs[i], an) == 0) {
                    free(stack);
                    BAD("attribute given twice");
                }
            if (n_attrs < 64)
                snprintf(attrs[n_attrs++], sizeof attrs[0], "%s", an);
            if (*p != '=' || (p[1] != '"' && p[1] != '\'')) {
                free(stack);
                BAD("attribute without a quoted value");
            }
            char q = p[1];
            p += 2;
            while (*p && *p != q) {
                if (*p == '<') {
                    free(stack);
                    BAD("< in an attribute");
                }
                if (*p == '&') {
                    if (!entity(&p)) {
                        free(stack);
                        BAD("bad entity in an attribute");
                    }
                } else {
                    p++;
                }
            }
            if (*p != q) {
                free(stack);
                BAD("unclosed attribute");
            }
            p++;
        }
        if (depth == 0)
            roots++;
        if (roots > 1) {
            free(stack);
            BAD("two root elements");
        }
        if (*p == '/') {
            p += 2;
            continue;
        }
        p++;
        if (depth == 256) {
            free(stack);
            BAD("too deep");
        }
        snprintf(stack[depth++], sizeof stack[0], "%s", name);
    }
    ok = depth == 0 && roots == 1;
    if (!ok)
        snprintf(why, why_len, "%s", roots != 1 ? "no single root" : "unclosed elements");
    free(stack);
    return ok;
#undef BAD
}

/* Asserts that text is well-formed, and that each <svg>...</svg> in it is on its own. */
static void assert_well_formed(const char *what, const char *text)
{
    char why[160] = "";
    bool ok = text != NULL && xml_ok(text, why, sizeof why);
    if (!ok)
        fprintf(stderr, "\n%s: %s\n", what, why);
    CU_ASSERT(ok);
    for (const char *p = text ? strstr(text, "<svg") : NULL; p; p = strstr(p + 1, "<svg")) {
        const char *end = strstr(p, "</svg>");
        CU_ASSERT_FATAL(end != NULL);
        char *svg = strndup(p, (size_t)(end + 6 - p));
        why[0] = '\0';
        bool svg_ok = xml_ok(svg, why, sizeof why);
        if (!svg_ok)
            fprintf(stderr, "\n%s (svg): %s\n", what, why);
        CU_ASSERT(svg_ok);
        CU_ASSERT_PTR_NOT_NULL(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
        free(svg);
    }
}

static void test_checker(void)
{
    /* The checker itself must fail on what it is there to catch. */
    char why[160];
    CU_ASSERT(xml_ok("<!DOCTYPE html>\n<a x=\"1\" y='&amp;'><b/>t&#10;&#x41;</a>\n", why, 160));
    CU_ASSERT(!xml_ok("<a><b></a></b>", why, 160));
    CU_ASSERT(!xml_ok("<a>x & y</a>", why, 160));
    CU_ASSERT(!xml_ok("<a>&nbsp;</a>", why, 160));
    CU_ASSERT(!xml_ok("<a t=\"<\"></a>", why, 160));
    CU_ASSERT(!xml_ok("<a t=x></a>", why, 160));
    CU_ASSERT(!xml_ok("<a t=\"1\" t=\"2\"></a>", why, 160));
    CU_ASSERT(!xml_ok("<a></a><b></b>", why, 160));
    CU_ASSERT(!xml_ok("<a>1 < 2</a>", why, 160));
    CU_ASSERT(!xml_ok("<a>\xff</a>", why, 160));
    CU_ASSERT(!xml_ok("<a>", why, 160));
}

/* ---- pages of a run ---- */

/* The page links of index.html ("scenarios/....html"), in order, without repeats. */
static size_t page_links(const char *index, char pages[][256], size_t cap)
{
    size_t n = 0;
    for (const char *p = strstr(index, "href=\"scenarios/"); p;
         p = strstr(p + 1, "href=\"scenarios/")) {
        const char *start = p + 6, *end = strchr(start, '"');
        if (end == NULL || (size_t)(end - start) >= 256)
            continue;
        char link[256];
        memcpy(link, start, (size_t)(end - start));
        link[end - start] = '\0';
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = strcmp(pages[i], link) == 0;
        if (!seen && n < cap)
            snprintf(pages[n++], 256, "%s", link);
    }
    return n;
}

/* The page that index links with the text label ("" when none). */
static const char *link_of(const char *index, const char *label, char out[256])
{
    char pat[300];
    snprintf(pat, sizeof pat, "\">%s</a>", label);
    const char *end = strstr(index, pat);
    out[0] = '\0';
    if (end == NULL)
        return out;
    const char *start = end;
    while (start > index && strncmp(start, "href=\"", 6) != 0)
        start--;
    start += 6;
    if (end > start && (size_t)(end - start) < 256) {
        memcpy(out, start, (size_t)(end - start));
        out[end - start] = '\0';
    }
    return out;
}

static bool slug_safe(const char *page)
{
    const char *s = page + strlen("scenarios/");
    size_t n = strlen(s);
    if (strncmp(page, "scenarios/", 10) != 0 || n <= 5 || strcmp(s + n - 5, ".html") != 0)
        return false;
    for (size_t i = 0; i < n - 5; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '_' || s[i] == '.'))
            return false;
    return s[0] != '.';
}

static void make_suite(void)
{
    put_scenario("suite/a/pass.json", "plain pass", "passes", "via");
    put_scenario("suite/a/fail.json", "plain fail", "fails", "direct");
    /* A hostile name and description, in a file whose name needs a safe page name. */
    put_scenario("suite/b/We&ird <Name> 'x'.json",
                 "odd <b>name</b> & \\\"quotes\\\" 'apos' \\u0001",
                 "</p><script>alert(1)</script> & more", "via");
    /* Two paths that give the same page name. */
    put_scenario("suite/c/x_y.json", "collides one", "", "via");
    put_scenario("suite/c/x-y.json", "collides two", "", "via");
}

static void test_run_writes_pages(void)
{
    setup();
    make_suite();
    put_file("bad.json", "{ \"name\": 1 }");
    CU_ASSERT_EQUAL(RUN("@/suite", "@/bad.json", "--report-dir", "@/rep"), 2);
    char *index = slurp_rel("rep/index.html");
    CU_ASSERT_FATAL(index != NULL);
    assert_well_formed("index.html", index);
    char pages[16][256];
    size_t n = page_links(index, pages, 16);
    /* Five scenarios in the folder, one invalid file named: six pages, distinct and safe. */
    CU_ASSERT_EQUAL(n, 6);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT(slug_safe(pages[i]));
        char rel[300];
        snprintf(rel, sizeof rel, "rep/%s", pages[i]);
        char *page = slurp_rel(rel);
        CU_ASSERT_PTR_NOT_NULL(page);
        if (page == NULL)
            continue;
        assert_well_formed(pages[i], page);
        CU_ASSERT_PTR_NOT_NULL(strstr(page, "href=\"../index.html\""));
        /* Every page that ran has its timeline; the invalid one says nothing ran. */
        if (strstr(page, "badge invalid") == NULL) {
            CU_ASSERT_PTR_NOT_NULL(strstr(page, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                                                "class=\"timeline\""));
            CU_ASSERT_PTR_NOT_NULL(strstr(page, "class=\"routes\""));
        } else {
            CU_ASSERT_PTR_NOT_NULL(strstr(page, "Nothing ran"));
        }
        free(page);
    }
    /* No page beyond the linked ones. */
    size_t files = 0;
    char pdir[300];
    snprintf(pdir, sizeof pdir, "%s/rep/scenarios", dir);
    DIR *d = opendir(pdir);
    CU_ASSERT_FATAL(d != NULL);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        files += e->d_name[0] != '.';
    closedir(d);
    CU_ASSERT_EQUAL(files, n);
    /* Colliding names got distinct pages, in order; below the folder all scenarios share. */
    char l1[256], l2[256], l3[256];
    /* ('_' is not kept: x_y.json and x-y.json both make x-y; x-y.json sorts first.) */
    CU_ASSERT_STRING_EQUAL(link_of(index, "collides two", l2), "scenarios/suite_c_x-y.html");
    CU_ASSERT_STRING_EQUAL(link_of(index, "collides one", l1), "scenarios/suite_c_x-y-2.html");
    CU_ASSERT_STRING_EQUAL(link_of(index, "plain pass", l3), "scenarios/suite_a_pass.html");
    /* Summary and folders. */
    CU_ASSERT_PTR_NOT_NULL(strstr(index, "expectations passed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(index, "/suite/a/"));
    free(index);
    teardown();
}

static void test_hostile_text(void)
{
    setup();
    make_suite();
    CU_ASSERT_EQUAL(RUN("@/suite/b", "--report-dir", "@/rep"), 0);
    char *index = slurp_rel("rep/index.html");
    CU_ASSERT_FATAL(index != NULL);
    char pages[4][256];
    CU_ASSERT_FATAL(page_links(index, pages, 4) == 1);
    /* The file's name is all there is below the shared folder. */
    CU_ASSERT_STRING_EQUAL(pages[0], "scenarios/we-ird--name---x-.html");
    char rel[300];
    snprintf(rel, sizeof rel, "rep/%s", pages[0]);
    char *page = slurp_rel(rel);
    CU_ASSERT_FATAL(page != NULL);
    assert_well_formed("index", index);
    assert_well_formed("page", page);
    /* Markup in names, descriptions, ids and paths stays text. */
    CU_ASSERT_PTR_NULL(strstr(page, "<script"));
    CU_ASSERT_PTR_NULL(strstr(page, "<b>name"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "odd &lt;b&gt;name&lt;/b&gt; &amp; &quot;quotes&quot; "
                                        "&apos;apos&apos;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "e&lt;1&gt;&amp;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "We&amp;ird &lt;Name&gt; &apos;x&apos;.json"));
    /* In the timeline's tooltips too (the flow's id, in an SVG <title>). */
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "id: f&amp;&apos;&quot;"));
    /* The control character became U+FFFD. */
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "&apos;apos&apos; \xef\xbf\xbd"));
    CU_ASSERT_PTR_NULL(strstr(index, "<b>name"));
    CU_ASSERT_PTR_NOT_NULL(strstr(index, "title=\"odd &lt;b&gt;name&lt;/b&gt;"));
    free(index);
    free(page);
    teardown();
}

static bool same_file(const char *a, const char *b)
{
    char *x = slurp_rel(a), *y = slurp_rel(b);
    bool same = x != NULL && y != NULL && strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

static void test_jobs_same_bytes(void)
{
    setup();
    make_suite();
    CU_ASSERT_EQUAL(RUN("@/suite", "--report-dir", "@/r1"), 1);
    CU_ASSERT_EQUAL(RUN("@/suite", "--report-dir", "@/r2", "--jobs", "2"), 1);
    CU_ASSERT(same_file("r1/index.html", "r2/index.html"));
    char *index = slurp_rel("r1/index.html");
    CU_ASSERT_FATAL(index != NULL);
    char pages[16][256];
    size_t n = page_links(index, pages, 16);
    CU_ASSERT_EQUAL(n, 5);
    for (size_t i = 0; i < n; i++) {
        char a[300], b[300];
        snprintf(a, sizeof a, "r1/%s", pages[i]);
        snprintf(b, sizeof b, "r2/%s", pages[i]);
        CU_ASSERT(same_file(a, b));
    }
    free(index);
    teardown();
}

static void test_failure_page(void)
{
    setup();
    put_scenario("f.json", "fails", "the flow goes via conn", "direct");
    CU_ASSERT_EQUAL(RUN("@/f.json", "--report-dir", "@/rep"), 1);
    /* A page of an earlier run that this one did not write goes. */
    put_file("rep/scenarios/old.html", "<html/>");
    put_file("rep/scenarios/notes.txt", "kept");
    CU_ASSERT_EQUAL(RUN("@/f.json", "--report-dir", "@/rep"), 1);
    char *old = slurp_rel("rep/scenarios/old.html"), *notes = slurp_rel("rep/scenarios/notes.txt");
    CU_ASSERT_PTR_NULL(old);
    CU_ASSERT_PTR_NOT_NULL(notes);
    free(old);
    free(notes);
    char *page = slurp_rel("rep/scenarios/f.html");
    CU_ASSERT_FATAL(page != NULL);
    /* The failed expectation: its row (anchor of the timeline's marker), expected and got, and
     * the laptop's trace records around it. */
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<tr id=\"exp-0\" class=\"bad\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "href=\"#exp-0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "direct</td>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "via conn egress 203.0.113.1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "Trace records of <strong>laptop</strong> around 5s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<table class=\"trace\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "class=\"exl\"")); /* the failure's line */
    /* Lanes: connectors first (conn, conn2), then the laptop; conn2's down span; the routes. */
    const char *c1 = strstr(page, ">conn</text>"), *c2 = strstr(page, ">conn2</text>"),
               *l = strstr(page, ">laptop</text>");
    CU_ASSERT(c1 != NULL && c2 != NULL && l != NULL && c1 < l && c2 < l);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "conn2 down from 3s to 4s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "192.0.2.7/32 advertised by conn from"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "Rules (claimed)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "Rules (reached)"));
    free(page);
    char *index = slurp_rel("rep/index.html");
    CU_ASSERT_FATAL(index != NULL);
    /* Rule coverage from the rules the run reached: L2 (it learned an address) links to the
     * page, S5 (no limit was checked) is a gap. */
    const char *k5 = strstr(index, "<strong>L2</strong></td><td class=\"num\">1</td>");
    CU_ASSERT_PTR_NOT_NULL(k5);
    if (k5)
        CU_ASSERT(strstr(k5, "href=\"scenarios/f.html\"") < strstr(k5, "</tr>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(index, "<tr class=\"gap\"><td><strong>S5</strong></td><td "
                                         "class=\"num\">0</td>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(index, "not reached by any scenario"));
    free(index);
    teardown();
}

/* ---- the writer from results ---- */

static void result_with_trace(run_result_t *r, const char *file, const char *trace)
{
    memset(r, 0, sizeof *r);
    r->name = strdup(file);
    r->file = strdup(file);
    r->status = RUN_PASS;
    snprintf(r->fingerprint, sizeof r->fingerprint, "0123456789abcdef");
    if (trace) {
        r->trace = strdup(trace);
        r->trace_len = strlen(trace);
    }
}

static void test_view(void)
{
    static const char trace[] =
        "{\"t\":0,\"kind\":\"policy\",\"version\":0}\n"
        "{\"t\":0,\"node\":\"lap\",\"kind\":\"netmap\",\"full\":true,\"routes\":[]}\n"
        "{\"t\":1000,\"node\":\"lap\",\"kind\":\"dns_query\",\"id\":\"q\",\"name\":\"a.b\","
        "\"type\":\"A\",\"path\":\"split\",\"to\":[\"c1\",\"c2\"]}\n"
        "not a record\n"
        "{\"t\":2000,\"node\":\"c2\",\"kind\":\"route_change\",\"cause\":\"response\","
        "\"add\":[\"192.0.2.1/32\",\"192.0.2.2/32\"],\"remove\":[]}\n"
        "{\"t\":3000,\"node\":\"lap\",\"kind\":\"dns_answer\",\"id\":\"q\",\"name\":\"a.b\","
        "\"rcode\":\"NOERROR\",\"first\":\"192.0.2.1\",\"by\":\"c2\"}\n"
        "{\"t\":4000,\"node\":\"c1\",\"kind\":\"node_down\"}\n"
        "{\"t\":5000,\"node\":\"c2\",\"kind\":\"route_change\",\"cause\":\"expiry\","
        "\"add\":[],\"remove\":[\"192.0.2.1/32\"]}\n"
        "{\"t\":6000,\"node\":\"c2\",\"kind\":\"route_change\",\"cause\":\"response\","
        "\"add\":[\"192.0.2.1/32\"],\"remove\":[]}\n"
        "{\"t\":7000,\"node\":\"lap\",\"kind\":\"flow\",\"id\":\"f\",\"to\":\"192.0.2.1\","
        "\"outcome\":\"dropped\",\"via\":\"c2\",\"egress\":null,\"reason\":\"via down\"}\n";
    report_view_t v;
    CU_ASSERT_FATAL(report_view_build(trace, strlen(trace), &v) == 0);
    CU_ASSERT_EQUAL(v.n_recs, 9);
    CU_ASSERT_EQUAL(v.bad_records, 1);
    CU_ASSERT_EQUAL(v.last, 7000);
    /* control, then the connectors (targets of the query, c2 with routes), then lap. */
    CU_ASSERT_FATAL(v.n_lanes == 4);
    CU_ASSERT_PTR_NULL(v.lanes[0]);
    CU_ASSERT_STRING_EQUAL(v.lanes[1], "c1");
    CU_ASSERT_STRING_EQUAL(v.lanes[2], "c2");
    CU_ASSERT_STRING_EQUAL(v.lanes[3], "lap");
    CU_ASSERT(v.lane_connector[1] && v.lane_connector[2] && !v.lane_connector[3]);
    /* The query is paired with its answer and the winner. */
    const rv_event_t *q = NULL;
    for (size_t i = 0; i < v.n_ev; i++)
        if (v.ev[i].kind == RV_QUERY)
            q = &v.ev[i];
    CU_ASSERT_FATAL(q != NULL);
    CU_ASSERT_EQUAL(q->t2, 3000);
    CU_ASSERT_EQUAL(q->other, 2);
    CU_ASSERT_EQUAL(q->n_targets, 2);
    /* c1 down until the end. */
    CU_ASSERT_FATAL(v.n_spans == 1);
    CU_ASSERT_EQUAL(v.spans[0].lane, 1);
    CU_ASSERT_EQUAL(v.spans[0].from, 4000);
    CU_ASSERT_EQUAL(v.spans[0].to, -1);
    /* 192.0.2.1/32: [2000, 5000) and [6000, end); 192.0.2.2/32: [2000, end). */
    CU_ASSERT_FATAL(v.n_iv == 3);
    CU_ASSERT_STRING_EQUAL(v.prefixes[v.iv[0].prefix], "192.0.2.1/32");
    CU_ASSERT(v.iv[0].from == 2000 && v.iv[0].to == 5000);
    CU_ASSERT(v.iv[1].prefix == v.iv[0].prefix && v.iv[1].from == 6000 && v.iv[1].to == -1);
    CU_ASSERT_STRING_EQUAL(v.prefixes[v.iv[2].prefix], "192.0.2.2/32");
    CU_ASSERT(v.iv[2].from == 2000 && v.iv[2].to == -1);
    /* The flow is dropped, with the lane it was for. */
    const rv_event_t *fl = &v.ev[v.n_ev - 1];
    CU_ASSERT(fl->kind == RV_FLOW && fl->style == RV_FLOW_DROPPED && fl->other == 2);
    report_view_clear(&v);

    char b[40];
    report_view_time(0, b);
    CU_ASSERT_STRING_EQUAL(b, "0s");
    report_view_time(11300000001, b);
    CU_ASSERT_STRING_EQUAL(b, "11.300000001s");
    report_view_time(2500000000, b);
    CU_ASSERT_STRING_EQUAL(b, "2.5s");
    report_view_time_short(2274942455751, b);
    CU_ASSERT_STRING_EQUAL(b, "2274.9s");
    report_view_time_short(12600400000, b);
    CU_ASSERT_STRING_EQUAL(b, "12.6s");

    /* No trace at all: an empty view. */
    CU_ASSERT_FATAL(report_view_build(NULL, 0, &v) == 0);
    CU_ASSERT_EQUAL(v.n_lanes, 0);
    CU_ASSERT_EQUAL(v.n_ev, 0);
    report_view_clear(&v);
}

static void test_long_lane_aggregated(void)
{
    setup();
    /* 5000 netmaps to one node: drawn as a histogram, not as 5000 marks. */
    size_t cap = 5000 * 80 + 256, n = 0;
    char *trace = malloc(cap);
    CU_ASSERT_FATAL(trace != NULL);
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(trace + n, cap - n,
                              "{\"t\":%d000000,\"node\":\"busy\",\"kind\":\"netmap\","
                              "\"full\":false,\"routes\":[]}\n",
                              i);
    n += (size_t)snprintf(trace + n, cap - n,
                          "{\"t\":1000,\"node\":\"quiet\",\"kind\":\"restart\"}\n");
    run_result_t r[2];
    result_with_trace(&r[0], "long/busy.json", trace);
    result_with_trace(&r[1], "long/none.json", NULL);
    free(trace);
    char rep[128];
    snprintf(rep, sizeof rep, "%s/rep", dir);
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL_FATAL(report_html_write(rep, r, 2, &err), 0);
    char *page = slurp_rel("rep/scenarios/long_busy.html");
    CU_ASSERT_FATAL(page != NULL);
    assert_well_formed("busy", page);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "drawn as a histogram"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "class=\"bin\""));
    size_t ticks = 0;
    for (const char *p = strstr(page, "class=\"nm\""); p; p = strstr(p + 1, "class=\"nm\""))
        ticks++;
    CU_ASSERT_EQUAL(ticks, 0);
    /* The quiet lane keeps its mark. */
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "class=\"rs\""));
    /* A page small enough for any browser. */
    CU_ASSERT(strlen(page) < 400000);
    free(page);
    page = slurp_rel("rep/scenarios/long_none.html");
    CU_ASSERT_FATAL(page != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "The trace was not kept"));
    free(page);
    run_result_clear(&r[0]);
    run_result_clear(&r[1]);
    teardown();
}

static void test_bad_input(void)
{
    setup();
    errinfo_t err = {{0}};
    /* A file where the folder should be. */
    put_file("plain", "x");
    char path[160];
    snprintf(path, sizeof path, "%s/plain/rep", dir);
    CU_ASSERT_PTR_NULL(report_html_new(path, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot create"));
    /* The index must get the results the pages were written for. */
    snprintf(path, sizeof path, "%s/rep", dir);
    report_html_t *h = report_html_new(path, &err);
    CU_ASSERT_FATAL(h != NULL);
    run_result_t r;
    result_with_trace(&r, "", "garbage\n{\"t\":\"x\"}\n");
    CU_ASSERT_EQUAL(report_html_scenario(h, &r, &err), 0);
    CU_ASSERT_STRING_EQUAL(report_html_page(h, 0), "scenarios/s.html");
    CU_ASSERT_PTR_NULL(report_html_page(h, 1));
    CU_ASSERT_EQUAL(report_html_index(h, &r, 0, &err), -1);
    CU_ASSERT_EQUAL(report_html_index(h, &r, 1, &err), 0);
    report_html_free(h);
    char *page = slurp_rel("rep/scenarios/s.html");
    CU_ASSERT_FATAL(page != NULL);
    assert_well_formed("garbage trace", page);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "2 trace lines could not be read"));
    free(page);
    run_result_clear(&r);
    /* A report folder that cannot be made fails the run with status 2 (not 0). */
    put_scenario("ok.json", "ok", "", "via");
    CU_ASSERT_EQUAL(RUN("@/ok.json", "--report-dir", "@/rep"), 0);
    CU_ASSERT_EQUAL(RUN("@/ok.json", "--report-dir", "@/plain/rep"), 2);
    teardown();
}

void suite_report_html(void);
void suite_report_html(void)
{
    static CU_TestInfo tests[] = {
        {"the XML checker rejects what it must", test_checker},
        {"run writes index.html and a well-formed page per scenario, safe unique names",
         test_run_writes_pages},
        {"S1 hostile names, descriptions and ids stay escaped text", test_hostile_text},
        {"T1 --jobs 2 writes the same HTML as --jobs 1", test_jobs_same_bytes},
        {"K5 a failure's page: expected, got, trace around it, lanes, spans, routes; coverage",
         test_failure_page},
        {"C4 P4 K1 the trace view: lanes, query pairing, spans, route intervals", test_view},
        {"a lane over the glyph limit becomes a histogram", test_long_lane_aggregated},
        {"bad input: folder, mismatched results, unreadable trace lines", test_bad_input},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("report_html", tests);
}
