/* explain: a scenario's run told as a story, from its trace (`appcsim explain FILE`).
 *
 * Each trace record becomes one plain sentence, in time order, under a heading per instant:
 * who asked what and where the query went, which connector answered, what a connector learned
 * and advertised, what control approved and elected, when a node's netmap brought it, which
 * path every flow took and why. At the end come the expectations with their results. Nothing
 * is read from the world: only the scenario (for names and settings) and the run's result,
 * whose trace must have been kept (run_opts_t.keep_trace). */
#ifndef APPCSIM_EXPLAIN_H
#define APPCSIM_EXPLAIN_H

#include <stdio.h>

#include "runner.h"
#include "scenario.h"

/* Writes the story. 0, or -1 when the result holds no trace or a record cannot be read (what
 * could be told is still written). */
int explain_write(FILE *out, const scenario_t *s, const run_result_t *r);

/* One record as a sentence (no time, no newline) into buf; returns buf. Unknown kinds are
 * shown as their JSON. */
const char *explain_record(const char *record, size_t len, char *buf, size_t cap);

#endif
