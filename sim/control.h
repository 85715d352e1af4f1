/* control: the control-plane actor (P1-P8): what control holds of each node, approvals, online
 * state, elections and the netmaps it sends.
 *
 * State: for each node the last set it reported (P4), whether it is online (P4), the
 * configuration and split DNS control computed for it; for each prefix ever reported, its
 * advertisers with their approval (P1) and, without regional routing, the node it is elected
 * to (P3, P5); with regional routing, one elected table per client (P6).
 *
 * Incremental work: every change marks what it touches (a prefix, a client for regional
 * routing, an exit node's availability) and makes sure one flush runs at the current instant
 * (a zero-delay generated event). The flush re-elects only the marked prefixes (and clients),
 * then sends what changed: changes for every node go into one shared batch, attached to each
 * connected node's delivery of this instant; each node's delivery arrives per P7
 * (netmap.h). A node whose session comes back gets a full netmap taken at the flush.
 *
 * Files: control.c (reports, approvals, sessions), control_flush.c (elections and sending),
 * control_policy.c (configurations and split-DNS groups). */
#ifndef APPCSIM_CONTROL_H
#define APPCSIM_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "world_priv.h"

void control_free(world_t *w);

/* A node's route delta reaching control (P4: only while its session is up; the caller checks).
 * has_flag: the report also carries the node's advertise_connector switch (applied first). */
void control_apply_delta(world_t *w, uint32_t node, const pfx_t *add, size_t n_add,
                         const pfx_t *remove, size_t n_remove, bool has_flag, bool flag);
/* A node's whole set reaching control (after its session came back). */
void control_apply_full(world_t *w, uint32_t node, const pfxset_t *set, bool flag);

/* P4: the node's control session was lost now (offline after detection_delay, inclusive). */
void control_session_lost(world_t *w, uint32_t node);
/* P4: the session is back now: online at once (the pending offline is run first when it is due
 * now), and a full netmap goes out at this instant's flush. */
void control_session_back(world_t *w, uint32_t node);

/* S2 policy: installs version `version` now; configurations and split DNS that change are sent. */
void control_policy(world_t *w, size_t version);
/* P1 approve / unapprove events. */
void control_approve(world_t *w, uint32_t node, const pfx_t *p, bool approve);
/* P6: a latency of the node changed, and with it perhaps its region: with regional routing,
 * its routes as a client are re-elected (the order of fallback regions follows its latencies),
 * and when its region moved, the prefixes it advertises too. */
void control_latency_changed(world_t *w, uint32_t node, bool region_changed);

/* Policy computations (control_policy.c). send false at start (nothing is sent). */
int control_compute_configs(world_t *w, bool send);
int control_compute_groups(world_t *w);
/* Frees the split-DNS groups of the current policy (world teardown and recomputation). */
void control_free_groups(world_t *w);
int control_compute_sdns(world_t *w, bool send);

/* Marks (control.c), and the flush (control_flush.c). */
void control_mark_prefix(world_t *w, uint32_t cp);
void control_mark_client(world_t *w, uint32_t node);
void control_mark_exit(world_t *w, uint32_t node);
void control_mark_full(world_t *w, uint32_t node);
void control_flush(world_t *w);

/* The prefix record of p, or W_NONE32. */
uint32_t control_find(const world_t *w, const pfx_t *p);

#endif
