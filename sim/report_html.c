/* report_html: the HTML report's writer (folders, page names), the frame every page shares,
 * and index.html: the suite's summary, its scenarios by folder and the rule coverage.
 *
 * Page names (slugs) come from the scenario's path: lower case, [a-z0-9.-] kept, '/' becomes
 * '_', anything else '-', ".json" dropped; a name already taken gets "-2", "-3", ... in order
 * of the results, so the same suite always gives the same names. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"
#include "report_html_priv.h"
#include "report_view.h"
#include "strmap.h"

#define SLUG_MAX 100
#define RULE_LINKS_MAX 40

struct report_html {
    char *dir;
    char *strip; /* left out of page names when a path starts with it, or NULL */
    strmap_t *taken;
    char **pages; /* "scenarios/SLUG.html" per result, in order */
    size_t n_pages, cap_pages;
};

/* ---- shared frame ---- */

static const char page_css[] =
    ":root{color-scheme:light}*{box-sizing:border-box}"
    "body{margin:0;background:#f1f5f9;color:#0f172a;font:14px/1.5 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}"
    "main{max-width:1240px;margin:0 auto;padding:20px 28px 48px}"
    "h1{font-size:22px;line-height:1.3;margin:6px 0 6px}"
    "h2{font-size:17px;margin:30px 0 10px;padding-bottom:4px;border-bottom:1px solid #cbd5e1}"
    "h3{font-size:14px;margin:18px 0 6px;color:#0f766e}"
    "a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}"
    "nav{font-size:13px}.sub{color:#475569;margin:0 0 14px;max-width:980px}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 6px}"
    ".card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px;"
    "flex:1 1 auto;min-width:110px}.card .n{font-size:22px;font-weight:650;line-height:1.2;"
    "white-space:nowrap}"
    ".card .l{color:#64748b;font-size:11px;text-transform:uppercase;letter-spacing:.04em;"
    "white-space:nowrap}"
    ".card.bad .n{color:#b91c1c}.card.good .n{color:#15803d}"
    "table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #e2e8f0}"
    "th,td{padding:5px 10px;text-align:left;vertical-align:top;border-bottom:1px solid #eef2f7}"
    "thead th{background:#f8fafc;color:#475569;font-size:11.5px;font-weight:600;"
    "text-transform:uppercase;letter-spacing:.03em}"
    "tr.folder th{background:#eef2ff;color:#3730a3;font-weight:600;font-size:13px}"
    "tr.bad td{background:#fef2f2}tr.gap td{background:#fff7ed}"
    "table.meta{width:auto;min-width:50%}table.meta th{color:#475569;font-weight:600;"
    "white-space:nowrap;background:#f8fafc}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;"
    "font-weight:700;text-transform:uppercase;letter-spacing:.04em;vertical-align:2px}"
    ".pass{background:#dcfce7;color:#166534}.fail{background:#fee2e2;color:#991b1b}"
    ".error{background:#ffedd5;color:#9a3412}.invalid{background:#ede9fe;color:#5b21b6}"
    ".not_run{background:#e2e8f0;color:#475569}"
    "code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
    "font-size:12.5px}.muted{color:#64748b}.num{text-align:right;white-space:nowrap}"
    ".nowrap{white-space:nowrap}.rule{display:inline-block;background:#f1f5f9;border-radius:4px;"
    "padding:0 5px;margin:1px 2px 1px 0;font-size:12px}"
    ".chart{background:#fff;border:1px solid #e2e8f0;padding:6px 4px;overflow-x:auto}"
    "svg{display:block;max-width:100%;height:auto}"
    ".legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:#334155;"
    "margin:6px 0 8px}"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:-2px;"
    "margin-right:5px}.sw.dot{border-radius:6px}"
    ".note{color:#64748b;font-size:12.5px;margin:6px 0}"
    "table.trace{margin:6px 0 4px;border-color:#fecaca}table.trace td{font-size:12px;"
    "padding:2px 8px}table.trace tr.here td{background:#fef9c3}"
    "td.exp{max-width:420px}.got{color:#991b1b}"
    "ul.diag{background:#fff;border:1px solid #e2e8f0;padding:8px 8px 8px 28px;margin:6px 0}"
    "ul.diag li{margin:2px 0}"
    "footer{margin-top:40px;color:#94a3b8;font-size:12px}";

void html_text(FILE *f, const char *s)
{
    if (s != NULL)
        report_xml_escape(f, s);
}

void html_begin(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>",
          f);
    html_text(f, title);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", page_css);
}

void html_end(FILE *f)
{
    fputs("<footer>appcsim " APPCSIM_VERSION " \xc2\xb7 rendered from the run's results and "
          "trace; simulated time only</footer>\n</main>\n</body>\n</html>\n",
          f);
}

void html_badge(FILE *f, const char *status)
{
    fprintf(f, "<span class=\"badge %s\">", status);
    for (const char *c = status; *c; c++)
        fputc(*c == '_' ? ' ' : *c, f);
    fputs("</span>", f);
}

/* ---- rules ---- */

size_t html_rule_ids(const char *const **ids)
{
    static const char *list[RULE_COUNT];
    for (int r = 0; r < RULE_COUNT; r++)
        list[r] = rule_name(r); /* static strings; the same every time */
    *ids = list;
    return RULE_COUNT;
}

size_t html_rule_rank(const char *id)
{
    int r = rule_parse(id);
    return r == RULE_NONE ? RULE_COUNT : (size_t)r;
}

static int cmp_rule(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t rx = html_rule_rank(x), ry = html_rule_rank(y);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return strcmp(x, y);
}

/* ids (n) as a sorted list without repeats, appended to *out. */
static const char **rules_add(const char **out, size_t *n_out, char *const *ids, size_t n)
{
    if (n == 0)
        return out;
    const char **nv = realloc(out, (*n_out + n) * sizeof *nv);
    if (nv == NULL)
        return out;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < *n_out && !seen; k++)
            seen = strcmp(nv[k], ids[i]) == 0;
        if (!seen)
            nv[(*n_out)++] = ids[i];
    }
    return nv;
}

static const char **rules_sorted(const char **list, size_t n)
{
    if (n > 1)
        qsort(list, n, sizeof *list, cmp_rule);
    return list;
}

/* The rules the scenario's expectations name. */
static const char **claimed_rules(const run_result_t *r, size_t *n)
{
    const char **out = NULL;
    *n = 0;
    for (size_t i = 0; i < r->n_checks; i++)
        out = rules_add(out, n, r->checks[i].rules, r->checks[i].n_rules);
    return rules_sorted(out, *n);
}

/* The rules a run reached: those whose logic decided something on the code paths the run took
 * (run_result_t.rules_reached), in RULES order. rule_name gives static strings. */
static const char **reached_rules(const run_result_t *r, size_t *n)
{
    *n = 0;
    const char **out = malloc((rules_count(r->rules_reached) + 1) * sizeof *out);
    if (out == NULL)
        return NULL;
    for (int id = rules_next(r->rules_reached, 0); id != RULE_NONE;
         id = rules_next(r->rules_reached, id + 1))
        out[(*n)++] = rule_name(id);
    return out;
}

/* The rule coverage counts, per rule, the scenarios whose runs reached it (code paths taken,
 * not the IDs a scenario claims); the scenario pages show both lists. */
const html_rules_source_t html_rules_claimed = {
    "claimed", "The rules the scenario's expectations name.", claimed_rules};

const html_rules_source_t html_rules_source = {
    "reached",
    "A scenario counts for a rule when its run reached the rule's logic: the code paths the "
    "model and the simulator took, not the rule IDs the scenario names.",
    reached_rules};

/* ---- the writer ---- */

report_html_t *report_html_new(const char *dir, errinfo_t *err)
{
    report_html_t *h = calloc(1, sizeof *h);
    char *pages = path_join(dir, "scenarios");
    if (h == NULL || pages == NULL || (h->dir = strdup(dir)) == NULL ||
        (h->taken = strmap_new()) == NULL) {
        errinfo_set(err, "%s: out of memory", dir);
        free(pages);
        report_html_free(h);
        return NULL;
    }
    if (make_dirs(pages) != 0) {
        errinfo_set(err, "cannot create %s: %s", pages, strerror(errno));
        free(pages);
        report_html_free(h);
        return NULL;
    }
    free(pages);
    return h;
}

void report_html_free(report_html_t *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->n_pages; i++)
        free(h->pages[i]);
    free(h->pages);
    strmap_free(h->taken);
    free(h->strip);
    free(h->dir);
    free(h);
}

const char *report_html_page(const report_html_t *h, size_t i)
{
    return i < h->n_pages ? h->pages[i] : NULL;
}

void report_html_strip_prefix(report_html_t *h, const char *prefix)
{
    free(h->strip);
    h->strip = prefix && prefix[0] ? strdup(prefix) : NULL;
}

/* "scenarios/SLUG.html" for path, unique among the pages so far. */
static char *page_name(report_html_t *h, const char *path)
{
    if (h->strip && strncmp(path, h->strip, strlen(h->strip)) == 0 && path[strlen(h->strip)])
        path += strlen(h->strip);
    while (path[0] == '/' || (path[0] == '.' && path[1] == '/') ||
           (path[0] == '.' && path[1] == '.' && path[2] == '/'))
        path += path[0] == '/' ? 1 : path[1] == '/' ? 2 : 3;
    size_t n = strlen(path);
    if (n > 5 && strcmp(path + n - 5, ".json") == 0)
        n -= 5;
    char base[SLUG_MAX + 1];
    size_t k = 0;
    for (size_t i = 0; i < n && k < SLUG_MAX; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    (c == '.' && k > 0);
        base[k++] = keep ? (char)c : c == '/' ? '_' : '-';
    }
    if (k == 0)
        base[k++] = 's';
    base[k] = '\0';
    char slug[SLUG_MAX + 32];
    snprintf(slug, sizeof slug, "%s", base);
    for (unsigned long i = 2; strmap_find(h->taken, slug, strlen(slug)) != NULL; i++)
        snprintf(slug, sizeof slug, "%s-%lu", base, i);
    if (strmap_insert(h->taken, slug, strlen(slug), NULL) == NULL)
        return NULL;
    size_t len = strlen(slug) + sizeof "scenarios/.html";
    char *page = malloc(len);
    if (page)
        snprintf(page, len, "scenarios/%s.html", slug);
    return page;
}

int report_html_scenario(report_html_t *h, const run_result_t *r, errinfo_t *err)
{
    if (h->n_pages == h->cap_pages) {
        size_t cap = h->cap_pages ? h->cap_pages * 2 : 64;
        char **nv = realloc(h->pages, cap * sizeof *nv);
        if (nv == NULL) {
            errinfo_set(err, "%s: out of memory", h->dir);
            return -1;
        }
        h->pages = nv;
        h->cap_pages = cap;
    }
    char *page = page_name(h, r->file ? r->file : "");
    char *path = page ? path_join(h->dir, page) : NULL;
    h->pages[h->n_pages++] = page;
    if (path == NULL) {
        errinfo_set(err, "%s: out of memory", h->dir);
        return -1;
    }
    int rc = html_write_scenario_page(path, r, err);
    free(path);
    return rc;
}

/* ---- index.html ---- */

static void card(FILE *f, const char *cls, const char *label, const char *value)
{
    fprintf(f, "<div class=\"card%s%s\"><div class=\"n\">%s</div><div class=\"l\">%s</div></div>\n",
            cls[0] ? " " : "", cls, value, label);
}

static void write_summary(FILE *f, const run_result_t *rs, size_t n)
{
    size_t st[4] = {0}, ck[4] = {0}, n_checks = 0;
    sim_time_t total = 0, longest = 0;
    uint64_t records = 0;
    for (size_t i = 0; i < n; i++) {
        st[rs[i].status]++;
        for (size_t k = 0; k < rs[i].n_checks; k++)
            ck[rs[i].checks[k].status]++;
        n_checks += rs[i].n_checks;
        total += rs[i].end_time;
        if (rs[i].end_time > longest)
            longest = rs[i].end_time;
        records += rs[i].records;
    }
    char b[64];
    fputs("<div class=\"cards\">\n", f);
    snprintf(b, sizeof b, "%zu", n);
    card(f, "", "scenarios", b);
    snprintf(b, sizeof b, "%zu", st[RUN_PASS]);
    card(f, st[RUN_PASS] == n && n > 0 ? "good" : "", "passed", b);
    snprintf(b, sizeof b, "%zu", st[RUN_FAIL]);
    card(f, st[RUN_FAIL] ? "bad" : "", "failed", b);
    snprintf(b, sizeof b, "%zu", st[RUN_ERROR] + st[RUN_INVALID]);
    card(f, st[RUN_ERROR] + st[RUN_INVALID] ? "bad" : "", "errors / invalid", b);
    snprintf(b, sizeof b, "%zu / %zu", ck[CHECK_PASS], n_checks);
    card(f, ck[CHECK_PASS] == n_checks ? "good" : "bad", "expectations passed", b);
    report_view_time_short(total, b);
    card(f, "", "simulated time (sum)", b);
    report_view_time_short(longest, b);
    card(f, "", "longest run", b);
    snprintf(b, sizeof b, "%" PRIu64, records);
    card(f, "", "trace records", b);
    fputs("</div>\n<p class=\"sub\">", f);
    fprintf(f, "%zu passed, %zu failed, %zu stopped with an error, %zu invalid; expectations: "
               "%zu passed, %zu failed, %zu errors, %zu not run.</p>\n",
            st[RUN_PASS], st[RUN_FAIL], st[RUN_ERROR], st[RUN_INVALID], ck[CHECK_PASS],
            ck[CHECK_FAIL], ck[CHECK_ERROR], ck[CHECK_NOT_RUN]);
}

/* The scenarios that did not pass, first, with their failed expectations' count. */
static void write_not_passing(FILE *f, const report_html_t *h, const run_result_t *rs, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += rs[i].status != RUN_PASS;
    if (bad == 0)
        return;
    fputs("<h2>Not passing</h2>\n<ul class=\"diag\">\n", f);
    for (size_t i = 0; i < n; i++) {
        const run_result_t *r = &rs[i];
        if (r->status == RUN_PASS)
            continue;
        fputs("<li>", f);
        html_badge(f, run_status_name(r->status));
        fputs(" <a href=\"", f);
        html_text(f, h->pages[i]);
        fputs("\">", f);
        html_text(f, r->name && r->name[0] ? r->name : r->file);
        fputs("</a> <span class=\"muted\">", f);
        if (r->status == RUN_INVALID)
            fprintf(f, "(%zu error%s in the file)", r->n_diag_errors,
                    r->n_diag_errors == 1 ? "" : "s");
        else if (r->status == RUN_ERROR)
            html_text(f, r->error);
        else
            fprintf(f, "(%zu of %zu expectations failed)",
                    r->n_checks - run_result_count(r, CHECK_PASS), r->n_checks);
        fputs("</span></li>\n", f);
    }
    fputs("</ul>\n", f);
}

static char *folder_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    return slash ? strndup(file, (size_t)(slash - file)) : strdup(".");
}

static void write_scenario_row(FILE *f, const report_html_t *h, const run_result_t *r, size_t i)
{
    const char *st = run_status_name(r->status);
    fprintf(f, "<tr%s><td>", r->status == RUN_PASS ? "" : " class=\"bad\"");
    html_badge(f, st);
    fputs("</td><td><a href=\"", f);
    html_text(f, h->pages[i]);
    fputs("\">", f);
    html_text(f, r->name && r->name[0] ? r->name : r->file);
    fputs("</a><br/><span class=\"muted mono\">", f);
    const char *slash = strrchr(r->file ? r->file : "", '/');
    html_text(f, slash ? slash + 1 : r->file);
    fputs("</span></td>", f);
    size_t passed = run_result_count(r, CHECK_PASS);
    fprintf(f, "<td class=\"num\">%zu / %zu</td>", passed, r->n_checks);
    char b[40];
    report_view_time(r->end_time, b);
    fprintf(f, "<td class=\"num\">%s</td><td class=\"num\">%" PRIu64 "</td>",
            r->status == RUN_INVALID ? "\xe2\x80\x94" : b, r->records);
    fprintf(f, "<td class=\"mono\">%s</td></tr>\n", r->fingerprint[0] ? r->fingerprint
                                                                      : "\xe2\x80\x94");
}

static void write_scenarios(FILE *f, const report_html_t *h, const run_result_t *rs, size_t n)
{
    /* Folders in order of first appearance; each folder's scenarios in result order. */
    strmap_t *folders = strmap_new();
    char **names = calloc(n ? n : 1, sizeof *names);
    size_t *of = calloc(n ? n : 1, sizeof *of);
    if (folders == NULL || names == NULL || of == NULL) {
        fputs("<p class=\"note\">out of memory</p>\n", f);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char *d = folder_of(rs[i].file ? rs[i].file : "");
        bool added = false;
        uint64_t *slot = d ? strmap_insert(folders, d, strlen(d), &added) : NULL;
        if (slot == NULL) {
            free(d);
            fputs("<p class=\"note\">out of memory</p>\n", f);
            goto out;
        }
        if (added)
            *slot = strmap_count(folders) - 1;
        of[i] = (size_t)*slot;
        if (added)
            names[*slot] = d;
        else
            free(d);
    }
    fputs("<table class=\"scen\">\n<thead><tr><th>Status</th><th>Scenario</th>"
          "<th class=\"num\">Expectations</th><th class=\"num\">Simulated</th>"
          "<th class=\"num\">Records</th><th>Fingerprint</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t d = 0; d < strmap_count(folders); d++) {
        size_t count = 0, bad = 0;
        for (size_t i = 0; i < n; i++)
            if (of[i] == d) {
                count++;
                bad += rs[i].status != RUN_PASS;
            }
        fputs("<tr class=\"folder\"><th colspan=\"6\">", f);
        html_text(f, names[d]);
        fprintf(f, "/ <span class=\"muted\">(%zu scenario%s%s", count, count == 1 ? "" : "s",
                bad ? ", " : "");
        if (bad)
            fprintf(f, "%zu not passing", bad);
        fputs(")</span></th></tr>\n", f);
        for (size_t i = 0; i < n; i++)
            if (of[i] == d)
                write_scenario_row(f, h, &rs[i], i);
    }
    fputs("</tbody>\n</table>\n", f);
out:
    for (size_t d = 0; names && folders && d < strmap_count(folders); d++)
        free(names[d]);
    free(names);
    free(of);
    strmap_free(folders);
}

static void scenario_link(FILE *f, const report_html_t *h, const run_result_t *r, size_t i)
{
    const char *file = r->file ? r->file : "";
    const char *slash = strrchr(file, '/');
    const char *base = slash ? slash + 1 : file;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    char *stem = strndup(base, n);
    fputs("<a href=\"", f);
    html_text(f, h->pages[i]);
    fputs("\" title=\"", f);
    html_text(f, r->name);
    fputs("\">", f);
    html_text(f, stem ? stem : base);
    fputs("</a>", f);
    free(stem);
}

static void write_rules(FILE *f, const report_html_t *h, const run_result_t *rs, size_t n)
{
    const html_rules_source_t *src = &html_rules_source;
    const char *const *ids;
    size_t n_ids = html_rule_ids(&ids);
    /* Per scenario its list, then per rule the scenarios whose list holds it. */
    const char ***lists = calloc(n ? n : 1, sizeof *lists);
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    if (lists == NULL || lens == NULL) {
        free(lists);
        free(lens);
        fputs("<p class=\"note\">out of memory</p>\n", f);
        return;
    }
    for (size_t i = 0; i < n; i++)
        lists[i] = src->list(&rs[i], &lens[i]);
    size_t gaps = 0;
    for (size_t k = 0; k < n_ids; k++) {
        bool any = false;
        for (size_t i = 0; i < n && !any; i++)
            for (size_t j = 0; j < lens[i] && !any; j++)
                any = strcmp(lists[i][j], ids[k]) == 0;
        gaps += !any;
    }
    fprintf(f, "<p class=\"note\">%s %zu of the %zu rules of RULES.md are %s by some scenario.",
            src->explanation, n_ids - gaps, n_ids, src->label);
    if (gaps) {
        fprintf(f, " Not %s by any scenario: ", src->label);
        size_t shown = 0;
        for (size_t k = 0; k < n_ids; k++) {
            bool any = false;
            for (size_t i = 0; i < n && !any; i++)
                for (size_t j = 0; j < lens[i] && !any; j++)
                    any = strcmp(lists[i][j], ids[k]) == 0;
            if (!any)
                fprintf(f, "%s<strong>%s</strong>", shown++ ? ", " : "", ids[k]);
        }
        fputs(".", f);
    }
    fputs("</p>\n", f);
    fprintf(f, "<table class=\"rules\">\n<thead><tr><th>Rule</th><th class=\"num\">Scenarios</th>"
               "<th>Scenarios that %s it</th></tr></thead>\n<tbody>\n",
            strcmp(src->label, "claimed") == 0 ? "claim" : "reached");
    for (size_t k = 0; k < n_ids; k++) {
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < lens[i]; j++)
                count += strcmp(lists[i][j], ids[k]) == 0;
        fprintf(f, "<tr%s><td><strong>%s</strong></td><td class=\"num\">%zu</td><td>",
                count ? "" : " class=\"gap\"", ids[k], count);
        if (count == 0)
            fprintf(f, "<span class=\"got\">not %s by any scenario</span>", src->label);
        size_t shown = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < lens[i]; j++) {
                if (strcmp(lists[i][j], ids[k]) != 0)
                    continue;
                if (shown < RULE_LINKS_MAX) {
                    if (shown)
                        fputs(", ", f);
                    scenario_link(f, h, &rs[i], i);
                }
                shown++;
            }
        if (shown > RULE_LINKS_MAX)
            fprintf(f, " <span class=\"muted\">and %zu more</span>", shown - RULE_LINKS_MAX);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
    for (size_t i = 0; i < n; i++)
        free(lists[i]);
    free(lists);
    free(lens);
}

/* Pages of earlier runs that this one did not write (a renamed or filtered-out scenario) are
 * removed, so that the folder holds what the index links to. Only *.html in scenarios/. */
static void remove_stale_pages(const report_html_t *h)
{
    char *pages = path_join(h->dir, "scenarios");
    DIR *d = pages ? opendir(pages) : NULL;
    if (d == NULL) {
        free(pages);
        return;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".html") != 0)
            continue;
        char *rel = path_join("scenarios", e->d_name);
        bool ours = false;
        for (size_t i = 0; rel && i < h->n_pages && !ours; i++)
            ours = h->pages[i] && strcmp(h->pages[i], rel) == 0;
        char *full = rel && !ours ? path_join(h->dir, rel) : NULL;
        if (full)
            unlink(full);
        free(full);
        free(rel);
    }
    closedir(d);
    free(pages);
}

int report_html_index(report_html_t *h, const run_result_t *rs, size_t n, errinfo_t *err)
{
    if (n != h->n_pages) {
        errinfo_set(err, "%s: %zu results for %zu scenario pages", h->dir, n, h->n_pages);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (h->pages[i] == NULL) {
            errinfo_set(err, "%s: out of memory", h->dir);
            return -1;
        }
    char *path = path_join(h->dir, "index.html");
    FILE *f = path ? fopen(path, "w") : NULL;
    if (f == NULL) {
        errinfo_set(err, "%s: cannot write: %s", path ? path : h->dir, strerror(errno));
        free(path);
        return -1;
    }
    html_begin(f, "appcsim scenario report");
    fputs("<h1>appcsim scenario report</h1>\n", f);
    write_summary(f, rs, n);
    write_not_passing(f, h, rs, n);
    fputs("<h2>Scenarios</h2>\n", f);
    write_scenarios(f, h, rs, n);
    fputs("<h2 id=\"rules\">Rule coverage</h2>\n", f);
    write_rules(f, h, rs, n);
    html_end(f);
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        errinfo_set(err, "%s: cannot write", path);
    free(path);
    if (ok)
        remove_stale_pages(h);
    return ok ? 0 : -1;
}

int report_html_write(const char *dir, const run_result_t *rs, size_t n, errinfo_t *err)
{
    report_html_t *h = report_html_new(dir, err);
    if (h == NULL)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = report_html_scenario(h, &rs[i], err);
    if (rc == 0)
        rc = report_html_index(h, rs, n, err);
    report_html_free(h);
    return rc;
}
