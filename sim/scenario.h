/* scenario: a scenario file loaded into plain, fully validated data (scenarios/FORMAT.md).
 *
 * scenario_load reads a scenario file and every policy file it names, validates all of it (S4:
 * every error is reported with file:line:col and the field's path, see sim/diag.h), and returns
 * either a complete scenario_t or nothing. The simulator consumes the result and never needs to
 * re-check it: references are indices that are in range, names are canonical, prefixes are
 * canonical pfx_t (N5), domains are dn_domain_t (N1, N4), sets have no duplicates (N5).
 *
 * Conventions of the data:
 * - Times and durations are sim_time_t nanoseconds (T1), never negative.
 * - A reference to a node, region, policy version or event is an index into the scenario's
 *   array of that kind; SCENARIO_NONE means "none".
 * - Every array is paired with its count; an empty array may be NULL.
 * - `line`, `col` give where an item was written (1-based; 0 when unknown), so that the checker
 *   and reports can point back at the file.
 *
 * Ownership: the scenario_t owns every pointer reachable from it (strings, arrays, and the data
 * behind scenario_app_view's app_t). scenario_free releases it all. Nothing in it points into
 * the file text or into jansson values. */
#ifndef APPCSIM_SCENARIO_H
#define APPCSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "diag.h"
#include "dname.h"
#include "pfx.h"
#include "simtime.h"

#define SCENARIO_NONE ((size_t)-1)
/* The `at` of an expectation checked after the run ("end"). */
#define SCENARIO_END SIMTIME_MAX

/* Limits against hostile files (documented in FORMAT.md). */
#define SCENARIO_MAX_FILE_BYTES (16u << 20)
#define SCENARIO_MAX_DEPTH 64u
#define SCENARIO_MAX_LIST 1000000u
#define SCENARIO_MAX_STRING 4096u
#define SCENARIO_MAX_DESCRIPTION 8192u
#define SCENARIO_MAX_RECORD 65535u
#define SCENARIO_MAX_POLICIES 10000u
#define SCENARIO_MAX_DOMAINS 250u /* S5: distinct domains across all apps of one policy */

typedef enum { SCENARIO_PROFILE_REFERENCE = 0 } scenario_profile_t;

typedef struct {
    bool store_routes;          /* C6, true */
    bool regional_routing;      /* P6, false */
    bool in_region_failover;    /* P6, false */
    bool sticky_primary;        /* P3, false */
    bool use_with_exit_node;    /* K2, true */
    sim_time_t detection_delay;    /* P4, 15 s */
    sim_time_t propagation_delay;  /* P7, 1.3 s */
    sim_time_t propagation_jitter; /* P7, 250 ms */
    sim_time_t dns_timeout;        /* K1, 5 s; > 0 */
    bool learned_route_ttl_on;     /* L5, false */
    sim_time_t learned_route_ttl;  /* > 0 when on, 0 when off */
    sim_time_t default_rtt;        /* T2, 0 */
    sim_time_t upstream_rtt;       /* T2, 0 */
    sim_time_t advertise_delay;    /* T2, 0 */
    uint64_t max_events;           /* run limit, ENGINE_DEFAULT_MAX_EVENTS (50,000,000) */
    sim_time_t max_time;           /* run limit, ENGINE_DEFAULT_MAX_TIME (30 days); > 0 */
} scenario_settings_t;

/* The defaults of every setting. */
scenario_settings_t scenario_settings_default(void);

/* ---- policy (S3) ---- */

/* One app of a nodeAttrs entry's "tailscale.com/app-connectors" list, with that entry's targets.
 * Lists are sets (N5): duplicates removed, first occurrence kept, file order otherwise. */
typedef struct {
    char *name;
    char **targets; /* "*", "tag:x", node names, or other forms that match no node (warned) */
    size_t n_targets;
    char **connectors; /* "tag:x" only (C1) */
    size_t n_connectors;
    dn_domain_t *domains; /* N1, N4 */
    size_t n_domains;
    pfx_t *routes; /* C2-checked control routes */
    size_t n_routes;
    unsigned line, col;
} scenario_app_t;

/* The model's view of an app; its pointers point into a (which keeps ownership). */
static inline app_t scenario_app_view(const scenario_app_t *a)
{
    app_t v = {a->name, (const char *const *)a->connectors, a->n_connectors,
               a->domains, a->n_domains, a->routes, a->n_routes};
    return v;
}

typedef struct {
    pfx_t prefix;
    char **approvers; /* as written: "tag:x", users, groups */
    size_t n_approvers;
} scenario_route_approver_t;

typedef struct {
    char *tag; /* "tag:x" */
    char **owners;
    size_t n_owners;
} scenario_tag_owner_t;

typedef struct {
    char *source; /* the file it came from (the scenario file for an inline policy) */
    unsigned line, col;
    scenario_app_t *apps; /* every nodeAttrs app entry, in file order */
    size_t n_apps;
    size_t n_domains; /* distinct domains across all apps (S5: <= 250) */
    scenario_route_approver_t *route_approvers; /* autoApprovers.routes, file order, unique */
    size_t n_route_approvers;
    char **exit_approvers; /* autoApprovers.exitNode */
    size_t n_exit_approvers;
    scenario_tag_owner_t *tag_owners;
    size_t n_tag_owners;
} scenario_policy_t;

/* ---- nodes (S1) ---- */

typedef struct {
    size_t region; /* index into regions */
    sim_time_t rtt;
} scenario_latency_t;

typedef struct {
    uint64_t id;
    char *name;
    sim_time_t created;
    char **tags; /* "tag:x", unique */
    size_t n_tags;
    scenario_latency_t *latency; /* one per region at most, sorted by region index */
    size_t n_latency;
    size_t region; /* pinned region, or SCENARIO_NONE */
    bool has_egress4, has_egress6;
    pfx_addr_t egress4, egress6;
    bool accept_routes;       /* true */
    bool accept_dns;          /* true */
    bool advertise_connector; /* false */
    pfx_t *routes;            /* manual routes, unique, never /0 */
    size_t n_routes;
    bool offers_exit;  /* false */
    size_t exit_node;  /* selected exit node (offers_exit, not itself), or SCENARIO_NONE */
    bool cache;        /* D4, false */
    unsigned line, col;
} scenario_node_t;

/* ---- DNS data (D1-D5) ---- */

/* Where a value was written in the scenario file (0, 0 when unknown). */
typedef struct {
    unsigned line, col;
} scenario_pos_t;

typedef struct {
    char *origin;  /* canonical DNS name; "" for the root */
    char *file;    /* master file path resolved against the scenario's directory, or NULL */
    char **records; /* inline RR lines, as written */
    size_t n_records;
    scenario_pos_t *record_pos; /* where each record was written (n_records), or NULL */
    size_t view;   /* region index, or SCENARIO_NONE for the default view */
    unsigned line, col;
} scenario_zone_t;

typedef enum {
    SCENARIO_SCRIPT_RECORDS, /* records (and rcode) */
    SCENARIO_SCRIPT_RCODE,   /* an rcode alone */
    SCENARIO_SCRIPT_WIRE,    /* raw response bytes */
} scenario_script_kind_t;

typedef struct {
    char *name;    /* canonical DNS name */
    uint16_t type; /* RR type, 0 for any */
    scenario_script_kind_t kind;
    char **records; /* RR lines in order (kind RECORDS) */
    size_t n_records;
    uint8_t rcode; /* kinds RECORDS (default NOERROR) and RCODE */
    uint8_t *wire; /* kind WIRE: the bytes (may be empty: wire_len 0, wire non-NULL) */
    size_t wire_len;
    char *wire_hex; /* kind WIRE: the hex text as written */
    unsigned line, col;
} scenario_script_t;

/* ---- timeline (S2) ---- */

typedef enum {
    SCENARIO_EV_DOWN,
    SCENARIO_EV_UP,
    SCENARIO_EV_CTRL_LOST,
    SCENARIO_EV_CTRL_BACK,
    SCENARIO_EV_EGRESS_BREAK,
    SCENARIO_EV_EGRESS_MEND,
    SCENARIO_EV_RESTART,
    SCENARIO_EV_LATENCY,
    SCENARIO_EV_EXIT_SELECT,
    SCENARIO_EV_POLICY,
    SCENARIO_EV_APPROVE,
    SCENARIO_EV_UNAPPROVE,
    SCENARIO_EV_ZONE_CHANGE,
    SCENARIO_EV_QUERY,
    SCENARIO_EV_FLOW,
    SCENARIO_EV_ADVERTISE_CONNECTOR,
    SCENARIO_EV_COUNT
} scenario_event_kind_t;

/* The file's name of an event kind ("ctrl_lost"). */
const char *scenario_event_kind_name(scenario_event_kind_t k);

typedef struct {
    scenario_event_kind_t kind;
    sim_time_t at;
    size_t seq;  /* index in file order; at equal `at`, lower seq runs first (T1) */
    size_t node; /* the node acted on; SCENARIO_NONE for policy and zone_change */
    char *id;    /* query and flow: the id expectations use, or NULL */
    union {
        struct {
            size_t region;
            bool remove; /* rtt null: the node loses its latency to region */
            sim_time_t rtt;
        } latency;
        struct {
            size_t exit; /* node offering exit, or SCENARIO_NONE to deselect */
        } exit_select;
        struct {
            size_t version; /* index into policies */
        } policy;
        struct {
            pfx_t prefix;
        } approve; /* approve and unapprove */
        struct {
            size_t zone;   /* index into zones (origin and view) */
            char *owner;   /* canonical name at or below the origin; may start with "*." */
            uint16_t type;
            uint32_t ttl;  /* seconds */
            char **rdata;  /* RDATA texts; none = remove the RRset */
            size_t n_rdata;
            char **rr_texts; /* the same as whole RR lines: "OWNER. TTL IN TYPE RDATA";
                              * n_rdata of them, or NULL in a scenario that failed to load */
        } zone_change;
        struct {
            char *name; /* canonical DNS name */
            uint16_t type;
        } query;
        struct {
            bool to_is_addr;
            pfx_addr_t addr; /* when to_is_addr */
            char *name;      /* canonical DNS name otherwise */
        } flow;
        struct {
            bool value;
        } advertise_connector;
    } u;
    unsigned line, col;
} scenario_event_t;

/* ---- expectations ---- */

typedef enum {
    SCENARIO_EXP_ADVERTISED,
    SCENARIO_EXP_ROUTE,
    SCENARIO_EXP_FLOW,
    SCENARIO_EXP_DNS,
    SCENARIO_EXP_ROUTE_CHANGES,
    SCENARIO_EXP_INVARIANT,
} scenario_expect_kind_t;

typedef enum { SCENARIO_SET_EXACTLY, SCENARIO_SET_INCLUDES, SCENARIO_SET_EXCLUDES } scenario_set_mode_t;

typedef enum {
    SCENARIO_OUTCOME_VIA,
    SCENARIO_OUTCOME_EXIT,
    SCENARIO_OUTCOME_DIRECT,
    SCENARIO_OUTCOME_DROPPED,
} scenario_outcome_t;

typedef enum {
    SCENARIO_INV_NO_DROPPED_FLOWS,
    SCENARIO_INV_NO_DNS_FAILURES,
    SCENARIO_INV_ADVERTISED_INCLUDES,
    SCENARIO_INV_ADVERTISED_EXCLUDES,
} scenario_invariant_t;

typedef struct {
    scenario_expect_kind_t kind;
    sim_time_t at; /* SCENARIO_END for "end" */
    char **rules;  /* rule IDs */
    size_t n_rules;
    char *id;      /* or NULL */
    union {
        struct {
            size_t node;
            scenario_set_mode_t mode;
            pfx_t *prefixes; /* unique */
            size_t n_prefixes;
        } advertised;
        struct {
            size_t node;
            pfx_addr_t address;
            size_t via; /* node, or SCENARIO_NONE: no route */
        } route;
        struct {
            size_t event; /* the flow event */
            scenario_outcome_t outcome;
            size_t node;  /* via/exit node to match, or SCENARIO_NONE: any */
            bool has_egress;
            pfx_addr_t egress;
            char *reason; /* dropped reason to match, or NULL: any */
        } flow;
        struct {
            size_t event; /* the query event */
            bool has_rcode;
            uint8_t rcode;
            bool has_addresses;
            pfx_addr_t *addresses; /* in answer order */
            size_t n_addresses;
        } dns;
        struct {
            size_t node;
            bool has_min, has_max; /* count n is min = max = n */
            uint64_t min, max;
        } route_changes;
        struct {
            bool always; /* false: eventually */
            scenario_invariant_t what;
            sim_time_t from;
            size_t node;     /* advertised_*; else SCENARIO_NONE */
            pfx_t *prefixes; /* advertised_*, unique */
            size_t n_prefixes;
        } invariant;
    } u;
    unsigned line, col;
} scenario_expect_t;

/* ---- the scenario ---- */

typedef struct {
    char *path;     /* the scenario file as named to the loader */
    char *base_dir; /* directory that relative paths were resolved against */
    char *name;
    char *description;
    char **rules; /* rule IDs */
    size_t n_rules;
    uint64_t seed; /* 1 */
    scenario_profile_t profile;
    scenario_settings_t settings;
    char **regions; /* region id = index */
    size_t n_regions;
    scenario_node_t *nodes;
    size_t n_nodes;
    scenario_policy_t *policies; /* [0] is the initial policy (empty when none is given) */
    size_t n_policies;
    scenario_zone_t *zones;
    size_t n_zones;
    scenario_script_t *scripts;
    size_t n_scripts;
    scenario_event_t *events; /* file order */
    size_t n_events;
    scenario_expect_t *expects; /* file order */
    size_t n_expects;
} scenario_t;

/* Loads the scenario file at path. Returns 0 and *out (the caller frees it with scenario_free),
 * or -1 with *out NULL. Every error and warning goes to diags (initialised by the caller; items
 * are appended, and diag_list_finish is called before returning). Warnings alone do not fail. */
int scenario_load(const char *path, scenario_t **out, diag_list_t *diags);

/* The same from text: name_for_errors names it in diagnostics, base_dir (NULL: ".") is where
 * relative paths (policy_file, zone files) are resolved. */
int scenario_load_string(const char *text, const char *name_for_errors, const char *base_dir,
                         scenario_t **out, diag_list_t *diags);

void scenario_free(scenario_t *s);

/* The event indices in the order they run (T1): by `at`, then file order. A new array of
 * n_events indices (the caller frees it), or NULL when there are no events or memory ran out. */
size_t *scenario_event_order_new(const scenario_t *s);

/* Index of the node named name, or SCENARIO_NONE (linear search). */
size_t scenario_find_node(const scenario_t *s, const char *name);
/* Index of the event with this id, or SCENARIO_NONE (linear search). */
size_t scenario_find_event(const scenario_t *s, const char *id);

/* True when id is a rule of RULES.md (T1-T3, S1-S5, N1-N5, L1-L5, C1-C7, P1-P8, K1-K5, D1-D5). */
bool scenario_rule_known(const char *id);

#endif
