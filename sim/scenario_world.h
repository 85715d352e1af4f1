/* scenario_world: turns a loaded scenario (sim/scenario.h) into a started world (sim/world.h)
 * with its whole timeline scheduled.
 *
 * What maps to what:
 *   - regions, nodes and policy versions keep their scenario indices as world handles (they are
 *     added in scenario order), so a scenario node index is a world node index;
 *   - DNS: zones (master files, then inline records) and scripts go into one dns_db; a zone's
 *     view is the name of its region; the root origin, "" in the scenario, is "." for dns_db;
 *   - the timeline is scheduled in running order (T1: by time, then file order) through the
 *     world_ev_* functions; queries and flows get world handles, kept per scenario event.
 *
 * Every problem found while building (a zone the DNS module rejects, a node or policy the world
 * refuses) is a diagnostic naming the scenario file and the line:col of the offending item, so
 * that `appcsim check` reports it like a load error. */
#ifndef APPCSIM_SCENARIO_WORLD_H
#define APPCSIM_SCENARIO_WORLD_H

#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "scenario.h"
#include "world.h"

typedef struct {
    uint64_t seed;      /* the world's seed (the scenario's, or an override) */
    FILE *trace_stream; /* also stream the trace here (NULL: memory only), from t = 0 on */
    bool keep_trace;    /* keep records in memory (the checker and reports need them) */
} scenario_world_opts_t;

typedef struct {
    world_t *world;
    size_t *handle;  /* per scenario event (file order): query or flow handle, else WORLD_NONE */
    size_t n_events;
} scenario_world_t;

/* Options with the scenario's own seed, no stream, records kept. */
scenario_world_opts_t scenario_world_opts_default(const scenario_t *s);

/* Builds, starts and schedules the world of s. Returns 0 and fills out (free it with
 * scenario_world_free), or -1 with at least one error in diags and out zeroed. */
int scenario_world_build(const scenario_t *s, const scenario_world_opts_t *opts,
                         scenario_world_t *out, diag_list_t *diags);
void scenario_world_free(scenario_world_t *sw);

/* Builds only the DNS data of s (zones and scripts) into a new db. NULL with diagnostics. */
dns_db_t *scenario_world_dns_new(const scenario_t *s, diag_list_t *diags);

#endif
