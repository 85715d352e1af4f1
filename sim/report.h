/* report: what a run of scenarios shows people and machines, rendered from run results only
 * (sim/runner.h), never from a world's private state.
 *
 *   report_text.c   the summary on standard output: one line per scenario, and for each failed
 *                   expectation what was expected, what came, and the trace records around it
 *   report_junit.c  junit.xml: one testcase per scenario (failure: an expectation failed;
 *                   error: the file is invalid or the run stopped)
 *   report_json.c   results.json, and the same encoding both ways for worker processes
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

#endif
