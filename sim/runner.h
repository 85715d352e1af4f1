/* runner: runs one scenario file (load, build, run, check) and returns a self-contained result.
 *
 * The run (T1): expectations are sorted by their time (file order at equal times; "end" ones
 * last). For each time t in order the world runs to t (world_run_until: every event at a time
 * <= t, those created at t included), then the expectations at t are checked; invariant
 * windows open at their `from` the same way. Then the world runs until nothing is pending and
 * the "end" expectations are checked. A run stopped by a limit (max_events, max_time) or by an
 * error of the world ends as RUN_ERROR; expectations it did not reach are CHECK_NOT_RUN.
 *
 * A result holds only plain text and numbers (no pointer into the world or the scenario), so a
 * worker process can send it to its parent (report_json.h) and every report is rendered from
 * results alone. Failed expectations carry the trace records around them: the `context` last
 * records at or before the instant that explains them and the `context` first ones after, of
 * the node concerned. */
#ifndef APPCSIM_RUNNER_H
#define APPCSIM_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "rules.h"
#include "scenario.h"

typedef enum {
    RUN_PASS = 0, /* every expectation passed */
    RUN_FAIL,     /* an expectation failed */
    RUN_ERROR,    /* the run stopped early (a limit, an error of the world) */
    RUN_INVALID,  /* the file did not load or its world did not build: nothing ran */
} run_status_t;

typedef struct {
    bool has_seed;       /* override every scenario's seed */
    uint64_t seed;
    bool validate_only;  /* load and build, never run (`appcsim check`) */
    FILE *trace_stream;  /* also stream the trace here (NULL: no) */
    bool keep_trace;     /* copy the whole trace into the result (explain) */
    size_t context;      /* trace records before and after a failure (5) */
} run_opts_t;

run_opts_t run_opts_default(void);

typedef struct {
    char *name;         /* the scenario's name; for an invalid file, the file's base name */
    char *file;         /* the path as given */
    char *description;  /* the scenario's description, or NULL */
    run_status_t status;
    uint64_t seed;      /* the seed the run used */
    char fingerprint[17]; /* the trace's fingerprint; "" when nothing ran */
    sim_time_t end_time;  /* the world's clock at the end */
    uint64_t events;      /* engine events run */
    uint64_t records;     /* trace records written */
    char *error;          /* why the run stopped (RUN_ERROR), else NULL */
    char **diags;         /* load and build diagnostics, formatted (errors and warnings) */
    size_t n_diags;
    size_t n_diag_errors;
    char **warnings;      /* the trace's warning records (S5), as JSON text */
    size_t n_warnings;
    check_result_t *checks; /* one per expectation, file order */
    size_t n_checks;
    char *trace;          /* keep_trace: every record with its newline, else NULL */
    size_t trace_len;
    rules_t rules_reached; /* rule coverage: the rules whose logic decided something in this
                              scenario (the load's marks, S4 for a load or build error, and
                              world_rules after the run), never the rules it claims */
    double wall_seconds;  /* set by the command line for terminals; never in a report file */
} run_result_t;

/* Runs the scenario file at path. Never fails as a function: every problem is in out. Free
 * with run_result_clear. */
void runner_run_file(const char *path, const run_opts_t *opts, run_result_t *out);
/* The same for a scenario already loaded (diags: the loader's warnings to carry, may be NULL). */
void runner_run_scenario(const scenario_t *s, const diag_list_t *load_diags,
                         const run_opts_t *opts, run_result_t *out);

/* The result of a file that did not load, from the loader's diagnostics. */
void runner_result_invalid(const char *path, const diag_list_t *diags, const run_opts_t *opts,
                           run_result_t *out);

void run_result_clear(run_result_t *r);
const char *run_status_name(run_status_t st);
/* The number of expectations with each status. */
size_t run_result_count(const run_result_t *r, check_status_t st);

#endif
