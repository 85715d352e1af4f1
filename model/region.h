/* region: which region a node is in (P6).
 *
 * latency[r] is the node's round-trip latency to region r in nanoseconds, negative when it has
 * none; regions are numbered 0..n_regions-1 (the scenario's regions in their id order;
 * n_regions <= INT_MAX). A node with no latency at all has no region (-1) and is elected by the
 * P3 order (elect.h).
 *
 * A region pinned by the scenario (`region`) is the caller's business: a pinned node keeps its
 * pinned region, and the caller does not call these functions for it. Call ctrl_region_initial
 * once when a node enters the world, and ctrl_region_update on each change of its latencies. */
#ifndef APPCSIM_REGION_H
#define APPCSIM_REGION_H

#include <stddef.h>
#include <stdint.h>

/* The region of lowest latency, ties to the lower region id; -1 when there is no latency. */
int ctrl_region_initial(const int64_t *latency, size_t n_regions);

/* The region after a latency change, given the current one (-1: none). With best the region
 * ctrl_region_initial picks now, new its latency and old the current region's latency now:
 *   - the current region has no latency now (or there is no current region, or it lies outside
 *     0..n_regions-1): the node moves to best (-1 if it has no latency at all any more);
 *   - otherwise it moves only when old - new >= 10 ms and new <= floor(old / 3) * 2, in integer
 *     nanoseconds (hysteresis, so that small changes do not move nodes back and forth);
 *   - else it stays. */
int ctrl_region_update(int current, const int64_t *latency, size_t n_regions);

/* The hysteresis threshold of ctrl_region_update: 10 ms in nanoseconds. */
#define CTRL_REGION_MIN_GAIN_NS ((int64_t)10000000)

#endif
