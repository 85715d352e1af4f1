/* Test support: small worlds built in code, and reading their traces.
 *
 * Helpers abort the test run (CU_FAIL_FATAL) on bad test data, so tests stay short. Parsed
 * values (tw_addr, tw_pfx) come from text; the tw_node_* helpers fill a world_node_t whose
 * arrays live in the tw_spec_t until world_add_node copies them. */
#ifndef APPCSIM_SUPPORT_WORLD_H
#define APPCSIM_SUPPORT_WORLD_H

#include <stdbool.h>
#include <stddef.h>

#include "world.h"

pfx_addr_t tw_addr(const char *text);
pfx_t tw_pfx(const char *text);

/* A node under construction: tags (comma-separated, "tag:" added), manual routes, egress. */
typedef struct {
    world_node_t n;
    const char *tags[8];
    char tagbuf[8][32];
    world_latency_t lat[8];
    pfx_t routes[8];
} tw_spec_t;

void tw_spec(tw_spec_t *s, uint64_t id, const char *name, const char *tags, const char *egress4);
void tw_spec_lat(tw_spec_t *s, size_t region, sim_time_t rtt);
void tw_spec_route(tw_spec_t *s, const char *prefix);
size_t tw_add(world_t *w, tw_spec_t *s);

/* One app: connectors and targets comma-separated ("tag:conn", "*"), domains comma-separated,
 * routes comma-separated (or NULL). */
typedef struct {
    const char *name, *connectors, *targets, *domains, *routes;
} tw_app_t;

/* Adds a policy version of the apps and an autoApprovers.routes list "PREFIX=tag:a;PREFIX=tag:b"
 * (or NULL), exitNode approvers comma-separated (or NULL). Returns the version. */
size_t tw_policy(world_t *w, const tw_app_t *apps, size_t n_apps, const char *approvers,
                 const char *exit_approvers);

/* A db with the given zone records (NULL-terminated), in the default view of origin. */
dns_db_t *tw_db(const char *origin, const char *const *records);
void tw_db_add(dns_db_t *db, const char *origin, const char *view, const char *const *records);

world_t *tw_world(const world_settings_t *s, uint64_t seed);
void tw_start(world_t *w);
void tw_run(world_t *w, sim_time_t t);

/* Trace reading: records of kind (optionally by node name), and the i-th such record's text. */
size_t tw_count(world_t *w, const char *kind, const char *node);
const char *tw_find(world_t *w, const char *kind, const char *node, size_t nth, size_t *len);
/* True when the nth record of kind (and node) contains text. */
bool tw_has(world_t *w, const char *kind, const char *node, size_t nth, const char *text);
/* The "t" of the nth record of kind (and node), or -1. */
sim_time_t tw_time(world_t *w, const char *kind, const char *node, size_t nth);

bool tw_advertises(world_t *w, size_t node, const char *prefix);

#define TW_MS(x) ((sim_time_t)(x) * SIMTIME_MS)
#define TW_S(x) ((sim_time_t)(x) * SIMTIME_S)

#endif
