/* report: what a run of scenarios shows people and machines, rendered from run results only
 * (sim/runner.h), never from a world's private state.
 *
 *   report_text.c   the summary on standard output: one line per scenario, and for each failed
 *                   expectation what was expected, what came, and the trace records around it
 *   report_junit.c  junit.xml: one testcase per scenario (failure: an expectation failed;
 *                   error: the file is invalid or the run stopped)
 *   report_json.c   results.json, and the same encoding both ways for worker processes
 *   report_html.c   index.html (summary, scenarios by folder, rule coverage) and, through
 *                   report_html_page.c, one page per scenario in scenarios/ (report_svg.c draws
 *                   its timeline from the trace text the result carries, report_view.c reads it)
 *
 * Results are deterministic (no wall-clock time in any file), so a suite run with --jobs 1 and
 * with --jobs N writes the same bytes. */
#ifndef APPCSIM_REPORT_H
#define APPCSIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "errinfo.h"
#include "runner.h"

/* ---- text ---- */

typedef struct {
    bool color;   /* ANSI colours (a terminal without NO_COLOR) */
    bool verbose; /* fingerprints, event counts, passing expectations, warnings */
    bool quiet;   /* only failures and the totals line */
    bool validate; /* results of `appcsim check` (nothing ran): VALID instead of PASS */
    bool wall;     /* show wall-clock seconds (terminals only: files and pipes stay the same
                      whatever the number of jobs) */
} report_text_opts_t;

/* The block for one scenario (its status line, then details per the options). */
void report_text_scenario(FILE *out, const run_result_t *r, const report_text_opts_t *o);
/* The totals line: "12 scenarios: 10 passed, 1 failed, 1 invalid". */
void report_text_totals(FILE *out, const run_result_t *rs, size_t n, const report_text_opts_t *o);

/* ---- JUnit XML ---- */

/* Writes the JUnit XML of results to f / to path. 0, or -1 with err. */
int report_junit_fwrite(FILE *f, const run_result_t *rs, size_t n, errinfo_t *err);
int report_junit_write(const char *path, const run_result_t *rs, size_t n, errinfo_t *err);
/* Writes s as XML character data or attribute text: &, <, >, " and ' become entities, control
 * characters that XML 1.0 forbids and bytes that are not UTF-8 become U+FFFD. */
void report_xml_escape(FILE *f, const char *s);

/* ---- JSON ---- */

/* One result as a JSON object; with_trace adds the whole trace text ("trace"). NULL when out
 * of memory. */
json_t *report_json_result(const run_result_t *r, bool with_trace);
/* Reads report_json_result's output back into out (zeroed first). 0, or -1 with err. */
int report_json_parse_result(const json_t *j, run_result_t *out, errinfo_t *err);
/* results.json: {"tool", "version", "summary", "scenarios": [...]}. 0, or -1 with err. */
int report_json_write(const char *path, const run_result_t *rs, size_t n, errinfo_t *err);

/* ---- HTML ---- */

/* The HTML report in a folder: index.html and scenarios/SLUG.html per scenario. Pages are
 * written one at a time as results come (so a scenario's trace can be dropped once its page is
 * written), then the index from every result. A page needs the result's trace text (r->trace,
 * run_opts_t.keep_trace); without it the page has no timeline. Self-contained files (inline
 * CSS and SVG, no script, nothing fetched), well-formed XML, the same bytes for the same
 * results. */
typedef struct report_html report_html_t;

/* Creates dir/scenarios (and dir). NULL with err. */
report_html_t *report_html_new(const char *dir, errinfo_t *err);
/* Page names leave out this leading part of the paths (e.g. the folder every scenario is in:
 * "scenarios/a/b.json" with prefix "scenarios/" gives "a_b"). Before the first page. */
void report_html_strip_prefix(report_html_t *h, const char *prefix);
/* Writes the next scenario's page (its slug is taken from r->file: unique, [a-z0-9._-]).
 * 0, or -1 with err (the slug is still reserved, so the index stays in step). */
int report_html_scenario(report_html_t *h, const run_result_t *r, errinfo_t *err);
/* Writes index.html; rs must be the results given to report_html_scenario, in that order.
 * Then removes the *.html in scenarios/ that this writer did not write (pages of earlier runs).
 * 0, or -1 with err. */
int report_html_index(report_html_t *h, const run_result_t *rs, size_t n, errinfo_t *err);
/* The page of result i (as given to report_html_scenario), relative to the folder:
 * "scenarios/SLUG.html"; NULL when out of range. */
const char *report_html_page(const report_html_t *h, size_t i);
void report_html_free(report_html_t *h);

/* All at once: every page, then the index. 0, or -1 with err. */
int report_html_write(const char *dir, const run_result_t *rs, size_t n, errinfo_t *err);

#endif
