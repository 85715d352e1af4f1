/* elect: which node serves a prefix P (P3, P5), globally or, with regional routing, to one
 * client (P6).
 *
 * The caller gives, for one prefix P, every node that currently advertises exactly P in
 * control's view (P4: the last set a node reported), with control's view of whether it is
 * online (P4: offline from loss + detection_delay) and whether P is approved on it (P1). Other
 * prefixes never stand in for P (P3, P5): the caller elects each prefix on its own. Exit routes
 * (0.0.0.0/0, ::/0, see ctrl_is_exit_route) are never elected (P8): do not call these for them.
 *
 * The answer is an index into the candidate array, or -1 when P leaves the netmaps. The caller
 * keeps the result and passes it back as `current` on the next election of the same prefix
 * (the node serving P now; for regional routing, the node serving P to that client now), so
 * that stickiness and P5's "stays with the last one" can be applied. A `current` outside
 * [0, n) counts as "none". Candidates are expected to have distinct ids; should two be equal,
 * the earlier index wins ties, so the result is still deterministic. Nothing allocates. */
#ifndef APPCSIM_ELECT_H
#define APPCSIM_ELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t id;
    int64_t created; /* S1; ties go to the lower id */
    bool online;     /* control's view (P4) */
    bool approved;   /* P approved on this node (P1) */
} ctrl_candidate_t;

/* P3, P5 without regional routing. Eligible means online and approved.
 *   - Some node eligible: the oldest eligible node (created, then lower id) serves P; it takes
 *     P back from a younger node as soon as it is eligible again. With sticky (the setting
 *     `sticky_primary`) the current node keeps P instead, for as long as it is eligible.
 *   - None eligible, some advertiser still approved (P5, no fallback): P stays with the current
 *     node if it still advertises P with P approved, and traffic to it is dropped. If the
 *     current node is gone too (or there was none), the oldest approved advertiser gets P: it
 *     is the node that would have served P had it been online, and the one that will serve it
 *     first when it returns.
 *   - No approved advertiser at all: -1, P leaves the netmaps.
 * current is the index of the node serving P now, -1 for none. */
ptrdiff_t ctrl_elect_primary(const ctrl_candidate_t *cands, size_t n, ptrdiff_t current,
                             bool sticky);

/* A candidate of regional routing: the node as above, and its region (region.h), -1 when it has
 * none. */
typedef struct {
    ctrl_candidate_t node;
    int region;
} ctrl_rcandidate_t;

/* P6 with regional routing on: the node that serves P to one client.
 *
 * client_region is the client's region (-1: none); client_latency[r] is its latency to region r
 * in nanoseconds, negative for none, for r < n_regions (client_latency may be NULL when
 * n_regions is 0).
 *
 * Which region's advertisers: those of the client's own region if one of them is eligible
 * (online and approved); else those of the next region, in this order: regions the client has a
 * latency for, by ascending latency, ties to the lower region id; then regions it has no latency
 * for (or that lie beyond n_regions), by region id; last, candidates without a region (-1, any
 * negative value), which therefore serve a client only when no region has an eligible one.
 *
 * Which node inside the chosen group:
 *   - by default, load balancing: the group's advertisers in descending h(client_id, node id)
 *     (T3, thash.h), ties to the higher id (a tie needs equal hashes: in practice only a
 *     duplicated id); the first eligible one serves. Stickiness plays no part here, and the
 *     order is fixed per (client, node), so a returning node takes its clients back.
 *   - with in_region_failover, the P3 order inside the group (oldest eligible first), and with
 *     sticky the current node keeps P while it is eligible and in the chosen group.
 * A client without a region (client_region < 0) uses the P3 order over all candidates (with
 * sticky), as ctrl_elect_primary does.
 * When no candidate anywhere is eligible, P5 applies exactly as in ctrl_elect_primary (the
 * current node keeps P if still an approved advertiser, else the oldest approved advertiser,
 * else -1). */
ptrdiff_t ctrl_elect_regional(uint64_t client_id, int client_region, const int64_t *client_latency,
                              size_t n_regions, const ctrl_rcandidate_t *cands, size_t n,
                              ptrdiff_t current, bool in_region_failover, bool sticky);

#endif
