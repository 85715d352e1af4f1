/* approve: does the policy's autoApprovers section approve a prefix a node advertises (P1)?
 *
 * These functions answer one question at one instant. The state around it belongs to the caller
 * (the simulator's control actor), which must:
 *   - ask only when a prefix *enters* the node's advertised set after not being in it; a prefix
 *     already in the set keeps whatever approval it has, and a restart is not leaving (P1);
 *   - erase the approval when the prefix leaves the node's set;
 *   - treat control routes (C2) as approved without asking;
 *   - never re-ask on a policy edit: edits neither revoke an approval nor approve a pending
 *     prefix; only an `approve` event approves a pending one (and `unapprove` revokes);
 *   - never distribute an unapproved prefix.
 *
 * Approvers are policy text: "tag:x", or anything else (user names, "group:x", "autogroup:x").
 * The model has no users or groups, so only "tag:" approvers can ever match, and they match a
 * node that carries that tag. A node without tags is therefore never auto-approved: in the real
 * policy an untagged node is approved through its owner (a user or group), which the model does
 * not have. Tags and approvers are compared byte for byte, "tag:" prefix included. */
#ifndef APPCSIM_APPROVE_H
#define APPCSIM_APPROVE_H

#include <stdbool.h>
#include <stddef.h>

#include "pfx.h"

/* One autoApprovers.routes entry: the prefix Q and the approvers listed for it. */
typedef struct {
    pfx_t prefix;
    const char *const *approvers;
    size_t n;
} ctrl_approver_t;

/* Both autoApprovers sections of one policy version. */
typedef struct {
    const ctrl_approver_t *routes;
    size_t n_routes;
    const char *const *exit_node; /* autoApprovers.exitNode */
    size_t n_exit_node;
} ctrl_autoapprovers_t;

/* True when p is 0.0.0.0/0 or ::/0, the exit routes (P8). */
bool ctrl_is_exit_route(const pfx_t *p);

/* P1: true when some entry whose prefix Q equals or contains p lists one of the node's tags.
 * Never true for an exit route (0.0.0.0/0, ::/0): an entry under `routes` does not approve
 * them, even an entry for 0.0.0.0/0 itself (which does approve every other IPv4 prefix). */
bool ctrl_route_auto_approved(const ctrl_approver_t *rules, size_t n, const pfx_t *p,
                              const char *const *tags, size_t n_tags);

/* P1: true when autoApprovers.exitNode lists one of the node's tags: approves the node's exit
 * routes (both families). */
bool ctrl_exit_auto_approved(const char *const *exit_approvers, size_t n, const char *const *tags,
                             size_t n_tags);

/* P1: the whole decision for a prefix entering a node's set: exit routes through exitNode,
 * every other prefix through routes. aa may be NULL (no autoApprovers section). */
bool ctrl_auto_approved(const ctrl_autoapprovers_t *aa, const pfx_t *p, const char *const *tags,
                        size_t n_tags);

#endif
