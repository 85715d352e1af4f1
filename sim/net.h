/* net: message timing between nodes (T2) and scheduled network faults.
 *
 * T2: a request from node a to node b, and b's reply to it, each take half of a's latency to
 * b's region (half of default_rtt when a has no latency for that region, or b has no region).
 * Halves are integer nanoseconds (an odd RTT loses its last nanosecond).
 *
 * Faults (world_ev_net): rules between two nodes, or between a node and every node of a region,
 * active from an instant until another. A message between x and y is subject to every active
 * rule naming {x, y}, or naming x and y's current region (or y and x's region). Each rule with
 * 0 < loss_ppm < 1,000,000 draws once from the sender's random stream (rng_below(1e6) <
 * loss_ppm drops); 1,000,000 always drops without drawing. Delays add up. */
#ifndef APPCSIM_NET_H
#define APPCSIM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "world_priv.h"

/* One leg of a request from `asker` to `server` (or of the reply): half of asker's latency to
 * server's region. */
sim_time_t net_leg(const world_t *w, uint32_t asker, uint32_t server);

/* Decides the fate of one message sent now from `from` to `to`: false when it is dropped;
 * otherwise *extra is the delay the faults add (0 when none). */
bool net_pass(world_t *w, uint32_t from, uint32_t to, sim_time_t *extra);

/* Appends a rule (inactive); returns its index or WORLD_NONE on out-of-memory. */
size_t net_rule_add(world_t *w, const world_net_rule_t *rule);
void net_rule_set_active(world_t *w, size_t rule, bool active);

#endif
