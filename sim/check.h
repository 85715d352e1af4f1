/* check: evaluates a scenario's expectations against a running world (scenarios/FORMAT.md,
 * "expect").
 *
 * State expectations (advertised, route, flow, dns, route_changes) are read from the world's
 * inspection API at the instant the caller has run to (T1: the runner calls world_run_until(at)
 * first, so no event at a time <= at remains). Invariants look at a window [from, at]:
 *   - advertised_includes / advertised_excludes: the node's advertised set at `from` (taken by
 *     check_window_open once the world has run to `from`), then every route_change record of
 *     the node in the trace up to `at`. The state at an instant is the state once every event
 *     of that instant has run (T1), so changes that are undone within one instant are not
 *     observed. At `at` the replayed set is compared with the world's own: a difference is an
 *     error of the world (CHECK_ERROR), never a silent pass.
 *   - no_dropped_flows: no `flow` record with outcome "dropped" at a time in [from, at];
 *   - no_dns_failures: no `dns_answer` record with rcode SERVFAIL or REFUSED in [from, at].
 *
 * Every result carries text for people: `expected` and `got`, and the instant and node whose
 * trace records explain it (context_time, context_node); the runner adds those records. */
#ifndef APPCSIM_CHECK_H
#define APPCSIM_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "pfxset.h"
#include "scenario.h"
#include "scenario_world.h"

typedef enum {
    CHECK_PASS = 0,
    CHECK_FAIL,
    CHECK_ERROR,   /* could not be evaluated (the run stopped, the world disagrees with itself) */
    CHECK_NOT_RUN, /* the run stopped before its time */
} check_status_t;

typedef struct {
    size_t index;       /* in scenario_t.expects */
    char *id;           /* the expectation's id, or NULL */
    const char *kind;   /* "advertised", "route", "flow", "dns", "route_changes", "invariant" */
    sim_time_t at;      /* SCENARIO_END for "end" */
    sim_time_t at_time; /* the instant it was evaluated at (for "end": the run's end) */
    char **rules;
    size_t n_rules;
    unsigned line, col;
    check_status_t status;
    char *expected; /* text */
    char *got;      /* text */
    sim_time_t context_time; /* where to look in the trace */
    char *context_node;      /* whose records (NULL: every node) */
    char **context;          /* trace records around context_time (filled by the runner) */
    size_t n_context;
} check_result_t;

/* A state expectation or an invariant's window, evaluated now. Not for invariants. Fills out
 * (which the caller frees with check_result_clear). */
void check_state(const scenario_t *s, const scenario_world_t *sw, size_t index,
                 check_result_t *out);

/* An invariant's window: opened once the world has run to `from`, closed at `at`. */
typedef struct {
    size_t index;
    bool open;
    size_t trace_start; /* first trace record after the snapshot */
    pfxset_t *adv;      /* the node's advertised set at `from` (advertised_* only) */
} check_window_t;

/* 0, or -1 when memory ran out (the invariant then ends as CHECK_ERROR). */
int check_window_open(const scenario_t *s, const scenario_world_t *sw, size_t index,
                      check_window_t *win);
/* Evaluates the invariant over [from, now] and releases the window. A window never opened
 * (the run stopped before `from`) gives CHECK_NOT_RUN. */
void check_window_close(const scenario_t *s, const scenario_world_t *sw, check_window_t *win,
                        check_result_t *out);
void check_window_clear(check_window_t *win);

/* The result of an expectation that was not evaluated (the run stopped before it), with why. */
void check_not_run(const scenario_t *s, size_t index, const char *why, check_result_t *out);

const char *check_status_name(check_status_t st);
const char *check_kind_name(scenario_expect_kind_t k);
/* The node whose records explain expectation index (NULL: none in particular). */
const char *check_subject_node(const scenario_t *s, size_t index);

void check_result_clear(check_result_t *r);

#endif
