/* ctrl: the control plane's decision rules as pure functions (S3, P1-P8).
 *
 * This header is the entry point: it includes every part of the control-plane model and itself
 * declares the policy's target selectors (S3) and the netmap propagation time (P7).
 *   approve.h   P1  which advertised prefixes are auto-approved
 *   elect.h     P3, P5, P6, P8  which node serves a prefix (globally or to one client)
 *   region.h    P6  which region a node is in
 *   splitdns.h  P2  a client's split-DNS table
 * Nothing here keeps time, reads a clock or does I/O: the simulator owns state and time and
 * calls these functions with the facts of the moment. The same inputs give the same outputs. */
#ifndef APPCSIM_CTRL_H
#define APPCSIM_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "approve.h"
#include "elect.h"
#include "errinfo.h"
#include "region.h"
#include "splitdns.h"

/* S3: checks one `target` selector of the policy. Valid selectors are "*", "tag:NAME" with a
 * non-empty NAME, and a node name. Because the model has no users, groups or autogroups, any
 * other selector that contains ':' (such as "group:eng" or "autogroup:member") is rejected
 * rather than silently treated as a node name that matches nothing; so are the empty string,
 * a '*' that is not the whole selector, and selectors with spaces or control characters.
 * False with err naming the selector. */
bool ctrl_selector_check(const char *selector, errinfo_t *err);

/* S3: true when the selector matches the node: "*" matches every node, "tag:x" a node whose
 * tags include "tag:x" (tags are given with their "tag:" prefix, compared byte for byte), any
 * other text a node whose name is exactly that text. Selectors are expected to have passed
 * ctrl_selector_check at load time; here an unchecked one is read by the same three rules, and
 * NULL matches nothing. */
bool ctrl_selector_matches(const char *selector, const char *node_name, const char *const *tags,
                           size_t n_tags);

/* S3: true when any of the n selectors matches (a nodeAttrs entry's `target` list). */
bool ctrl_selectors_match_any(const char *const *selectors, size_t n, const char *node_name,
                              const char *const *tags, size_t n_tags);

/* P7: the instant a netmap change made at control at time t reaches node node_id:
 * t + delay + (h(seed, node_id) mod (jitter + 1)), with h the T3 hash (thash.h), all in
 * nanoseconds. delay and jitter are the settings `propagation_delay` (1.3 s) and
 * `propagation_jitter` (250 ms); the loader rejects negative values, and here a negative one
 * counts as 0. The result saturates at INT64_MAX instead of overflowing. */
int64_t ctrl_propagation_at(int64_t t, uint64_t seed, uint64_t node_id, int64_t delay,
                            int64_t jitter);

#endif
