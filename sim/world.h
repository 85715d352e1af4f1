/* world: the simulated tailnet of appcsim: nodes, regions, the control plane, connectors,
 * clients, DNS data and the timeline (RULES T, S, P, K, C), built from C code and run on the
 * engine (sim/engine.h), with every observable change written to a trace (sim/trace.h).
 *
 * Life of a world:
 *   1. world_new(settings, seed, limits)          the settings of RULES with their defaults
 *   2. world_add_region / world_add_node / world_add_policy / world_set_dns
 *   3. world_start                                validates, then converges the initial state
 *   4. world_ev_* (timeline events, any time before they are due; T1 class "timeline")
 *   5. world_run_until(t) / world_run; inspect between calls (world_advertised, world_route...)
 *   6. world_free
 * Building functions (2) fail after world_start; event functions (4) fail before it.
 * Node, region, policy, query and flow handles are indices (size_t) in order of addition.
 *
 * Ownership: the world copies every string and array given to it (the caller may free its own
 * at once), except the DNS database, which world_set_dns takes over.
 *
 * Choices where RULES is silent (each is a deliberate reading; see also the module headers):
 *   - The start is converged: at world_start (t = 0) every node's configuration is applied,
 *     control holds every node's set, approvals and elections are made, and every node holds its
 *     netmap, with no delay. Trace records of that convergence carry t = 0.
 *   - A node that is down drops every message it would send or receive. A DNS request that
 *     reaches a down connector fails at that arrival instant (K1 "a down connector"); a reply
 *     lost on the way counts as a timeout. A reply arriving exactly dns_timeout after the query
 *     is too late.
 *   - Rcodes other than NOERROR and NXDOMAIN are failures for K1 (SERVFAIL, REFUSED, NOTIMP,
 *     FORMERR, unparseable). An answer is unparseable (rcode "unparseable" in learn records)
 *     when ldns cannot parse the message at all (ldns_wire2pkt fails: fewer than 12 header
 *     bytes, counts beyond the data, a bad compression pointer...), whatever its header's
 *     rcode bits say; only raw scripted bytes (D5) can be. A query that goes to one place only
 *     (the node's own resolver, or its exit node, K2) gets that place's answer as is, except
 *     that an unparseable one is SERVFAIL; a down exit node or a timeout gives SERVFAIL.
 *   - The node's own resolver (K2) costs upstream_rtt and no network leg. A connector's own
 *     queries for app names go to the connectors listed, itself included (a network leg to its
 *     own region). Only answers produced for a query received over the tailnet (as a connector
 *     or as an exit node's resolver) are learned from (L1).
 *   - accept_dns off: every name goes to the node's own resolver, even with an exit node
 *     selected (exit-node DNS, K2, is part of the tailnet DNS the node then ignores).
 *   - An app whose connectors are all gone keeps its split-DNS entry, listing nobody (P2 read
 *     literally): a query under it has no connector to ask and gets SERVFAIL at once (K1).
 *   - A query or flow from a node that is down fails at once (SERVFAIL; "source down").
 *   - Events that do not apply (down of a down node, up of an up one, ctrl_back while down or
 *     connected, ctrl_lost while disconnected, restart while down, a zone change the data
 *     rejects) change nothing and are `rejected` records.
 *   - A flow to a name queries type A.
 *   - A query or flow of the timeline acts when its event runs: at an instant t it runs before
 *     everything the simulation generates at t (T1), a netmap delivery at t included. So a
 *     flow at exactly the instant a route arrives (K5) still takes the old path, while the
 *     state inspected "at t" (world_run_until(t)) already holds the route. This is the reading
 *     of scenarios/README.md.
 *   - Netmap content is sent only to nodes whose control session is up; a session that comes
 *     back (ctrl_back, up, restart) gets a full netmap per P7 and reports its full set after
 *     advertise_delay. Messages of an older session are dropped.
 *   - restart (C6): conn_restart, the DNS cache is flushed, and the control session is
 *     re-established at once (no offline period); the node keeps its delivered netmap until the
 *     new one arrives.
 *   - advertise_connector is a node-local switch: it applies at once at the node (C1); control
 *     learns it with the node's next report (after advertise_delay, while the session is up), and
 *     only then lists the node in split DNS (P2). Control sends each node the configuration of
 *     every app whose `connectors` match its tags, whatever the switch.
 *   - Approval (P1) is decided when a prefix enters a node's set at control: control routes of
 *     the node's configuration (as control last computed it) are approved, else autoApprovers
 *     decide. approve/unapprove of a prefix the node does not advertise (at control) are
 *     rejected (a trace record), since leaving the set erases approval.
 *   - A node offering exit advertises 0.0.0.0/0 and ::/0 as manual routes; they are never
 *     elected (P8); a client's view of its exit node's approval (per family) comes with its
 *     netmap. A node's flows to prefixes it advertises itself (exit routes excepted) go
 *     via(itself).
 *   - egress_break makes the node have no egress of either family until egress_mend.
 *   - Times are summed saturating (simtime_add_sat): a message, lookup, report, netmap or timer
 *     that would be due after the end of time (SIMTIME_MAX) is never due: the message is lost
 *     (a DNS request or reply then times out), the timer never fires (a dns_timeout or
 *     detection_delay that large means no timeout, no offline instant).
 *   - Network faults (world_ev_net) apply to messages between nodes (DNS requests and replies),
 *     not to the control plane, whose connectivity is the control session (ctrl_lost/back).
 *
 * Flow outcomes (K4) and their reason texts when dropped:
 *   "source down"      the flow's own node is down
 *   "via down"         the route's node is down
 *   "via no egress"    the route's node has no working egress of the flow's family
 *   "exit down", "exit unapproved", "exit no egress"     the selected exit node (P8)
 *   "no egress"        direct, but the node has no working egress of the family
 *   "dns: RCODE"       a flow to a name whose final answer has no address (RCODE as text,
 *                      world_rcode_name: "dns: NXDOMAIN", "dns: NOTAUTH", "dns: RCODE15")
 *
 * Trace records (JSON Lines, sim/trace.h; "node" is the acting or receiving node's name). Kinds:
 *   dns_query   id, name, type, path ("split", "local", "exit"), to [node names]
 *   dns_answer  id, name, rcode, first (first address or null), by (winning node or null)
 *   learn       name, rcode, records [[name, address]...] or malformed (reason); written only
 *               when the answer records something (L3) or is malformed (L1)
 *   route_change cause, add [], remove []           (C4; cause response, config, restart,
 *                                                    expiry (L5), connector (the switch))
 *   report      add [], remove [], full (bool)      (reaching control)
 *   approval    prefix, approved (bool), by         (autoApprovers, control route, event, none,
 *                                                    left, unapprove)
 *   primary     prefix, to (node or null), client (with regional routing)
 *   netmap      full, routes [[prefix, node or null]...], and when there are some: peers
 *               [[node, online]...], exit [[node, v4, v6]...], splitdns (entries), config
 *   flow        id, to, outcome, via, egress, reason
 *   node_down, node_up, ctrl_lost, ctrl_back, offline, online, restart, policy (version),
 *   egress_break, egress_mend, latency (region, rtt, now_region), exit_select (exit),
 *   advertise_connector (value), zone_change (origin, view, owner, type, records), net and
 *   net_end (rule, with or region, loss_ppm, add_delay), warning (reason: S5 limits), error
 *   (an internal failure such as out of memory: the run stops), rejected (event, reason)
 * The trace's fingerprint is the run's fingerprint. */
#ifndef APPCSIM_WORLD_H
#define APPCSIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "approve.h"
#include "dns_db.h"
#include "engine.h"
#include "errinfo.h"
#include "pfx.h"
#include "pfxset.h"
#include "rules.h"
#include "simtime.h"
#include "trace.h"

#define WORLD_NONE ((size_t)-1)

typedef struct {
    bool store_routes;             /* C6, true */
    bool regional_routing;         /* P6, false */
    bool in_region_failover;       /* P6, false */
    bool sticky_primary;           /* P3, false */
    bool use_with_exit_node;       /* K2, true */
    sim_time_t detection_delay;    /* P4, 15 s */
    sim_time_t propagation_delay;  /* P7, 1.3 s */
    sim_time_t propagation_jitter; /* P7, 250 ms */
    sim_time_t dns_timeout;        /* K1, 5 s; > 0 */
    sim_time_t learned_route_ttl;  /* L5, 0 = off */
    sim_time_t default_rtt;        /* T2, 0 */
    sim_time_t upstream_rtt;       /* T2, 0 */
    sim_time_t advertise_delay;    /* T2, 0 */
} world_settings_t;

world_settings_t world_settings_default(void);

typedef struct {
    size_t region;
    sim_time_t rtt; /* round trip, ns, >= 0 */
} world_latency_t;

/* S1. Start from world_node_default and change what differs. */
typedef struct {
    uint64_t id;
    const char *name;
    sim_time_t created;
    const char *const *tags; /* "tag:x" */
    size_t n_tags;
    const world_latency_t *latency;
    size_t n_latency;
    size_t region; /* pinned region, or WORLD_NONE */
    bool has_egress4, has_egress6;
    pfx_addr_t egress4, egress6;
    bool accept_routes;       /* true */
    bool accept_dns;          /* true */
    bool advertise_connector; /* false */
    const pfx_t *routes;      /* manual routes (never /0) */
    size_t n_routes;
    bool offers_exit;         /* false */
    size_t exit_node;         /* node index, or WORLD_NONE */
    bool cache;               /* D4 resolver cache, false */
} world_node_t;

world_node_t world_node_default(uint64_t id, const char *name);

/* An app of the policy with the `target` selectors of its nodeAttrs entry (S3). */
typedef struct {
    app_t app;
    const char *const *targets;
    size_t n_targets;
} world_app_t;

typedef struct {
    const world_app_t *apps;
    size_t n_apps;
    ctrl_autoapprovers_t approvers;
} world_policy_t;

typedef struct world world_t;

/* A new world at t = 0; limits may be NULL. NULL with err on a bad setting (negative
 * durations, dns_timeout <= 0) or out of memory. */
world_t *world_new(const world_settings_t *settings, uint64_t seed, const engine_limits_t *limits,
                   errinfo_t *err);
void world_free(world_t *w);

/* Building (before world_start). Each returns the new handle, or WORLD_NONE with err. */
size_t world_add_region(world_t *w, const char *name, errinfo_t *err);
size_t world_add_node(world_t *w, const world_node_t *node, errinfo_t *err);
/* Version 0 is the initial policy (none added: an empty policy). Checks targets (S3),
 * connectors (C1) and control routes (C2). */
size_t world_add_policy(world_t *w, const world_policy_t *policy, errinfo_t *err);
/* Takes db over (freed with the world). A world without one answers REFUSED everywhere. */
void world_set_dns(world_t *w, dns_db_t *db);

/* Validates (unique ids and names, references, exit nodes) and converges the initial state.
 * 0, or -1 with err (the world can then only be freed). */
int world_start(world_t *w, errinfo_t *err);

/* ---- Timeline events (S2), after world_start, at >= world_now. 0 or -1 with err. ---- */
int world_ev_down(world_t *w, sim_time_t at, size_t node, errinfo_t *err);
int world_ev_up(world_t *w, sim_time_t at, size_t node, errinfo_t *err);
int world_ev_ctrl_lost(world_t *w, sim_time_t at, size_t node, errinfo_t *err);
int world_ev_ctrl_back(world_t *w, sim_time_t at, size_t node, errinfo_t *err);
int world_ev_egress_break(world_t *w, sim_time_t at, size_t node, errinfo_t *err);
int world_ev_egress_mend(world_t *w, sim_time_t at, size_t node, errinfo_t *err);
int world_ev_restart(world_t *w, sim_time_t at, size_t node, errinfo_t *err);
/* rtt < 0 removes the node's latency to the region. */
int world_ev_latency(world_t *w, sim_time_t at, size_t node, size_t region, sim_time_t rtt,
                     errinfo_t *err);
/* exit WORLD_NONE deselects. */
int world_ev_exit_select(world_t *w, sim_time_t at, size_t node, size_t exit, errinfo_t *err);
int world_ev_policy(world_t *w, sim_time_t at, size_t version, errinfo_t *err);
int world_ev_approve(world_t *w, sim_time_t at, size_t node, const pfx_t *prefix,
                     errinfo_t *err);
int world_ev_unapprove(world_t *w, sim_time_t at, size_t node, const pfx_t *prefix,
                       errinfo_t *err);
int world_ev_advertise_connector(world_t *w, sim_time_t at, size_t node, bool value,
                                 errinfo_t *err);
/* D4: replaces the RRset (owner, type) of zone origin, view (NULL: default) by the records
 * (presentation format; n = 0 removes it), as dns_db_set_rrs. A change the db rejects at run
 * time is a `rejected` record. */
int world_ev_zone_set(world_t *w, sim_time_t at, const char *origin, const char *view,
                      const char *owner, uint16_t type, const char *const *rr_texts, size_t n,
                      errinfo_t *err);
/* A query (K1, K2) for name and qtype at node; id (may be NULL) names it in the trace.
 * Returns the query's handle, or WORLD_NONE with err. */
size_t world_ev_query(world_t *w, sim_time_t at, size_t node, const char *name, uint16_t qtype,
                      const char *id, errinfo_t *err);
/* A flow (K4) to an address, or to a name (resolved first, K1/K2, type A). Returns the flow's
 * handle, or WORLD_NONE with err. */
size_t world_ev_flow_addr(world_t *w, sim_time_t at, size_t node, const pfx_addr_t *to,
                          const char *id, errinfo_t *err);
size_t world_ev_flow_name(world_t *w, sim_time_t at, size_t node, const char *name,
                          const char *id, errinfo_t *err);

/* Network faults between node a and node b, or between node a and every node of a region
 * (b WORLD_NONE, region set), both directions, from `at` until `until` (exclusive; SIMTIME_MAX:
 * for ever): a message is dropped with probability loss_ppm / 1,000,000 (drawn from the
 * sender's random stream) and otherwise delayed by add_delay. A partition is loss_ppm
 * 1,000,000. Overlapping rules add their delays; any drop drops. */
typedef struct {
    size_t a, b, region;
    uint32_t loss_ppm;
    sim_time_t add_delay;
} world_net_rule_t;
int world_ev_net(world_t *w, sim_time_t at, sim_time_t until, const world_net_rule_t *rule,
                 errinfo_t *err);

/* ---- Running ---- */
/* Runs every event at a time <= t (T1), then sets the clock to t. 0, or -1 with err (a limit,
 * or a world that failed to start). */
int world_run_until(world_t *w, sim_time_t t, errinfo_t *err);
/* Runs until no event is pending. */
int world_run(world_t *w, errinfo_t *err);
sim_time_t world_now(const world_t *w);
uint64_t world_events_run(const world_t *w);

/* ---- Inspection ---- */
size_t world_node_count(const world_t *w);
size_t world_region_count(const world_t *w);
/* Index of the node with this name / id, or WORLD_NONE. */
size_t world_find_node(const world_t *w, const char *name);
size_t world_find_node_id(const world_t *w, uint64_t id);
const char *world_node_name(const world_t *w, size_t node);
/* The node's current region (P6), or WORLD_NONE. */
size_t world_node_region(const world_t *w, size_t node);

/* The node's advertised set now (C3); never NULL (an empty set for a node that has none).
 * Valid until the world runs again. */
const pfxset_t *world_advertised(const world_t *w, size_t node);
/* The set control holds for the node (P4), and whether control has prefix p approved on it. */
const pfxset_t *world_ctrl_set(const world_t *w, size_t node);
bool world_ctrl_approved(const world_t *w, size_t node, const pfx_t *p);
/* Control's view: online (P4). */
bool world_ctrl_online(const world_t *w, size_t node);
/* K3: the node that serves addr in the client's route table (longest prefix match), or
 * WORLD_NONE; match (may be NULL) gets the matching prefix. */
size_t world_route(const world_t *w, size_t client, const pfx_addr_t *addr, pfx_t *match);
/* Number of prefixes in the client's route table. */
size_t world_route_count(const world_t *w, size_t client);

typedef enum {
    WORLD_FLOW_PENDING = 0,
    WORLD_FLOW_VIA,
    WORLD_FLOW_EXIT,
    WORLD_FLOW_DIRECT,
    WORLD_FLOW_DROPPED,
} world_outcome_t;

typedef struct {
    world_outcome_t outcome;
    sim_time_t at;       /* when the outcome was decided */
    size_t node;         /* via / exit node, else WORLD_NONE */
    bool has_egress;
    pfx_addr_t egress;   /* via: the node's; exit: the exit's; direct: the client's */
    pfx_addr_t to;       /* the address the flow went to (when known) */
    const char *reason;  /* dropped only */
} world_flow_result_t;

/* NULL for a bad handle. Valid until the world runs again. */
const world_flow_result_t *world_flow_result(const world_t *w, size_t flow);
const char *world_outcome_name(world_outcome_t o);

typedef struct {
    bool done;
    sim_time_t at;   /* when the client got its answer */
    int rcode;       /* LDNS_RCODE_* */
    size_t by;       /* the node whose answer won (a connector or the exit), else WORLD_NONE */
    const pfx_addr_t *addrs; /* address records of the answer, in order */
    size_t n_addrs;
} world_query_result_t;

const world_query_result_t *world_query_result(const world_t *w, size_t query);

/* The handle of the query / flow event given this id (the first one), or WORLD_NONE. */
size_t world_find_query(const world_t *w, const char *id);
size_t world_find_flow(const world_t *w, const char *id);

/* C4: route changes the node emitted so far. */
uint64_t world_route_changes(const world_t *w, size_t node);

/* Rule coverage (model/rules.h): every rule whose logic decided something in this world so far:
 * the world's own marks, T1 from the engine, and every connector's conn_rules (C1-C7, L1-L5,
 * N2-N4). The world marks (file:function):
 *   T1  engine.c:note_order         two timeline events at one instant, or a generated event
 *                                    scheduled earlier running after a timeline event at it
 *   T2  client_dns.c:send_requests, lookup   a DNS leg with latency > 0 (fault delays apart)
 *       client_dns.c:arrive_cb, client_query_start   a lookup delayed by upstream_rtt > 0
 *       connector.c:schedule_report   a route report delayed by advertise_delay > 0
 *   T3  netmap.c:netmap_open          a delivery time with propagation_jitter > 0 (P7)
 *       control_flush.c:elect_for     a regional load-balancing election among 2+ advertisers
 *   S1  world.c:world_start           the nodes were built
 *   S2  world_events.c:run_event, query_event, flow_event   a timeline event ran (applied or
 *       rejected: S2 decides which events apply)
 *   S3  control_policy.c:control_compute_groups   an app's targets left some node out
 *       (and the loader: a policy section or target ignored with a warning, diag.h)
 *   S4  world_trace.c:wt_rejected     an event was rejected at run time (and the runner: a
 *       load or build error)
 *   S5  control.c:find_or_add, enter  a >10,000-routes warning (and the loader: > 250 domains)
 *   N5  control_policy.c:control_compute_configs   duplicates collapsed in an apps union
 *   C2  client.c:client_apply_delivery   a changed app configuration reached the connector
 *       (a policy change applies at that instant; conn marks control routes applied)
 *   P1  control.c:enter, leave, control_approve   an approval decided for a prefix entering a
 *       node's set, erased as it left, or set by an approve/unapprove event
 *   P2  client_dns.c:client_query_start   a query used a split-DNS entry
 *   P3  control_flush.c:elect_global, elect_for   an election in P3 order among 2+ advertisers
 *   P4  world_events.c:run_event (down), control.c:set_online (offline),
 *       control.c:control_session_back (a loss that ended before detection_delay)
 *   P5  control_flush.c:elect_global, elect_for   advertisers but none eligible, or the
 *       prefix left the netmaps
 *   P6  control_flush.c:elect_for (a regional election), world_events.c:on_latency (a region
 *       change)
 *   P7  client.c:client_apply_delivery   a netmap delivery arrived after propagation
 *   P8  client.c:route (a flow through the selected exit node), control_flush.c:exits (exit
 *       availability changed), control_flush.c:flush (an exit route left out of elections)
 *   K1  client_dns.c:client_query_start   a query sent to the connectors of its entry
 *   K2  client_dns.c:client_query_start   a query resolved locally or through the exit node,
 *       or an app name sent to the connectors although an exit node is selected
 *   K3  client.c:mark_lookup (route)  a flow found a route in the table, or a client without
 *       accept_routes left out a route control elected for the address
 *   K4  client.c:client_flow_decide   a flow's outcome was decided
 *   K5  client.c:mark_lookup (route)  a flow decided without a route control had already
 *       elected for its address (not yet delivered to the client, P7)
 *   D1-D5  from the answers (dns_resolve.h: dns_answer_rules) via connector.c:
 *       connector_resolve, and D4 at world_events.c:on_zone_set (a zone change applied);
 *       D1 also at scenario_world.c:add_zone (a master file read; into the build's diags)
 * Deliberately not marked: a rule whose code runs but cannot change the outcome (one
 * advertiser to elect, zero delays, "*" targets); see each mark's comment. */
rules_t world_rules(const world_t *w);

trace_t *world_trace(world_t *w);
const trace_t *world_trace_const(const world_t *w);
/* Rcode as text: ldns's name ("NOERROR", "SERVFAIL", "NOTAUTH", ...; 4 is "NOTIMP"), else
 * "RCODE<n>" ("RCODE15"); a negative rcode (an answer ldns cannot parse) is "unparseable". */
const char *world_rcode_name(int rcode);

#endif
