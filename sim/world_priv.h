/* world_priv: the world's internal state, shared by the modules that make up the world
 * (world.c, world_build.c, world_events.c, world_trace.c, net.c, control*.c, connector.c,
 * client.c, netmap.c). Nothing outside those files includes it.
 *
 * Indices: nodes, regions, policies, queries and flows are indices into the world's arrays.
 * Node indices fit in 32 bits (world_add_node refuses more). */
#ifndef APPCSIM_WORLD_PRIV_H
#define APPCSIM_WORLD_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "ctrl.h"
#include "dname.h"
#include "dns_cache.h"
#include "dns_db.h"
#include "engine.h"
#include "learn.h"
#include "pfxset.h"
#include "rng.h"
#include "rules.h"
#include "strmap.h"
#include "trace.h"
#include "world.h"

#define W_NONE32 UINT32_MAX

/* ---- Policy, deep copies ---- */

typedef struct {
    char *name;
    char **connectors;
    size_t n_connectors;
    dn_domain_t *domains;
    size_t n_domains;
    pfx_t *routes;
    size_t n_routes;
    char **targets;
    size_t n_targets;
    app_t view; /* the model's view, pointing into the fields above */
} wapp_t;

typedef struct {
    wapp_t *apps;
    size_t n_apps;
    ctrl_approver_t *routes; /* approvers arrays owned (char **) */
    size_t n_routes;
    char **exit_node;
    size_t n_exit_node;
    ctrl_autoapprovers_t aa;
} wpolicy_t;

/* ---- Shared, reference-counted pieces of netmaps ---- */

/* A connector's app configuration (C1, C2): the union over the apps whose `connectors` match
 * the node's tags. Domains sorted by text, routes in C7 order, both without duplicates. */
typedef struct {
    uint32_t refs;
    dn_domain_t *domains;
    size_t n_domains;
    pfx_t *routes;
    size_t n_routes;
} wconfig_t;

/* A client's split-DNS table (P2). */
typedef struct {
    uint32_t refs;
    ctrl_splitdns_t *table;
} wsdns_t;

/* ---- Messages in flight (payloads freed with the world if never delivered) ---- */

typedef struct wmsg wmsg_t;
struct wmsg {
    wmsg_t *prev, *next;
    void (*free_fn)(wmsg_t *m);
};

/* One netmap change to a route: node W_NONE32 removes the prefix. */
typedef struct {
    pfx_t p;
    uint32_t node;
} nm_route_t;

typedef struct {
    uint32_t node;
    bool online;
} nm_peer_t;

typedef struct {
    uint32_t node;
    uint8_t bits; /* 1: 0.0.0.0/0 approved, 2: ::/0 approved */
} nm_exit_t;

/* Changes made at control for every node at one instant. Route changes (without regional
 * routing) are the entries [log_lo, log_hi) of the world's route log. */
typedef struct {
    uint32_t refs;
    size_t log_lo, log_hi;
    nm_peer_t *peers;
    size_t n_peers, cap_peers;
    nm_exit_t *exits;
    size_t n_exits, cap_exits;
} nm_batch_t;

/* Everything control sent one node at one instant (P7: arrives together, in order). Deliveries
 * live in slabs owned by the world (netmap.c) and are recycled: there are millions of them. */
typedef struct nm_delivery nm_delivery_t;
struct nm_delivery {
    nm_delivery_t *next_free;
    bool in_use;
    uint32_t node;
    uint64_t epoch;
    sim_time_t sent_at;
    nm_batch_t **batches;
    size_t n_batches, cap_batches;
    nm_route_t *routes; /* this node's own route changes (regional routing) */
    size_t n_routes, cap_routes;
    bool full;               /* a whole netmap: replaces what the node holds */
    size_t full_after;       /* full: batches before this index are already in it */
    pfxset_t *full_routes;   /* full, regional routing: the route table (prefix -> node) */
    size_t full_k;           /* full, otherwise: the route log's length when it was taken */
    uint8_t *full_exit;      /* full: exit availability per exit slot */
    bool has_sdns;
    wsdns_t *sdns;
    bool has_config;
    wconfig_t *config;
};

/* A node's report to control (T2: after advertise_delay). */
typedef struct {
    wmsg_t hdr;
    uint32_t node;
    uint64_t epoch;
    bool full;
    pfxset_t *set; /* full: the whole advertised set */
    pfx_t *add, *remove;
    size_t n_add, n_remove;
    bool has_flag, flag;
} wreport_t;

/* ---- Nodes ---- */

typedef struct {
    /* Hot in deliveries and flows: kept together in the first cache line. */
    nm_delivery_t *open_delivery;
    uint64_t epoch; /* control session number; messages of older sessions are dropped */
    size_t rk;      /* see "client side" below */
    bool session_up;
    bool down, egress_broken;
    bool accept_routes, accept_dns;

    /* S1 */
    uint64_t id;
    char *name;
    sim_time_t created;
    char **tags;
    size_t n_tags;
    sim_time_t *lat; /* per region, < 0: none */
    size_t pinned;   /* region or WORLD_NONE */
    int region;      /* P6, -1: none */
    bool has_e4, has_e6;
    pfx_addr_t e4, e6;
    bool advertise_connector, offers_exit, cache_on;
    pfx_t *manual; /* manual routes, plus 0.0.0.0/0 and ::/0 when offering exit */
    size_t n_manual;
    size_t exit_node; /* selected exit node or WORLD_NONE */
    uint32_t exit_slot; /* this node's index among exit-offering nodes, or W_NONE32 */

    /* data plane */
    rng_t rng;
    dns_cache_t *cache;
    size_t cache_purge_at; /* purge expired entries when the cache grows past this */

    /* connector side */
    conn_t *conn;            /* NULL until the node has something to advertise */
    wconfig_t *config;       /* delivered app configuration, or NULL */
    dn_matcher_t *matcher;   /* the configured domains while acting as a connector */
    bool acting;             /* connector per C1 right now */
    engine_timer_t expiry_timer;
    sim_time_t expiry_at;
    uint64_t route_changes;
    bool warned_routes; /* S5 warning given */

    /* client side: the netmap as delivered. Without regional routing every client holds the
     * same table at some point of the route log: the first rk entries applied. With regional
     * routing each client holds its own table. (rk is at the top.) */
    pfxset_t *routes; /* regional routing: prefix -> node, when accept_routes */
    wsdns_t *sdns;
    uint8_t *exit_view; /* per exit slot: bits as nm_exit_t */

    /* control's state of the node */
    pfxset_t *c_set;      /* last reported advertised set (P4) */
    bool c_online;
    bool c_flag;          /* advertise_connector as control knows it */
    engine_timer_t c_offline_timer;
    sim_time_t c_offline_at;
    wconfig_t *c_config;  /* configuration control computed for the node */
    wsdns_t *c_sdns;      /* split DNS control computed for the node */
    uint8_t c_exit_bits;  /* exit availability last announced (exit nodes) */
    bool c_exit_dirty;
    bool c_need_full;
    bool c_dirty_client;  /* regional: re-elect every prefix for this client */
    uint32_t c_group;     /* split-DNS group */
    pfxset_t *c_table;    /* regional: prefix -> node elected for this client */
} wnode_t;

/* ---- Control's prefixes ---- */

typedef struct {
    uint32_t node;
    bool approved;
} cadv_t;

/* The node a prefix was elected to from route-log entry idx on (W_NONE32: withdrawn). */
typedef struct {
    uint32_t idx;
    uint32_t node;
} chist_t;

typedef struct {
    pfx_t p;
    cadv_t *adv;
    size_t n_adv, cap_adv;
    chist_t *hist; /* non-regional elections, in log order */
    size_t n_hist, cap_hist;
    uint32_t current; /* non-regional: elected node, W_NONE32 */
    bool dirty;
    bool exit;
} cprefix_t;

/* ---- Queries and flows ---- */

enum { WQ_SPLIT = 0, WQ_LOCAL = 1, WQ_EXIT = 2 };
enum { WS_OPEN = 0, WS_ANSWER = 1, WS_FAIL = 2 };

typedef struct {
    uint32_t node;
    uint8_t state;
    bool refused;
    int rcode;
    uint8_t *wire;
    size_t len;
} wslot_t;

typedef struct {
    uint32_t client;
    uint8_t mode;
    uint16_t qtype;
    char *name;
    char *id;
    wslot_t *slots;
    uint32_t n_slots;
    uint32_t n_pending; /* events of this query still scheduled (its slots are freed after) */
    uint32_t n_fail, n_refused;
    uint32_t prov;         /* provisional winner slot at prov_at, W_NONE32 */
    sim_time_t prov_at;
    engine_timer_t timeout;
    size_t flow;           /* flow waiting for this answer, or WORLD_NONE */
    world_query_result_t res;
    pfx_addr_t *addrs;
} wquery_t;

typedef struct {
    uint32_t client;
    char *id;
    char *name; /* NULL for a flow to an address */
    pfx_addr_t to;
    world_flow_result_t res;
} wflow_t;

/* ---- Timeline events ---- */

typedef struct {
    int kind;
    size_t node;
    size_t other; /* region, exit node, policy version, query/flow handle, net rule */
    bool flag;
    sim_time_t value;
    pfx_t prefix;
    char *s1, *s2, *s3; /* zone change: origin, view, owner */
    char **rrs;
    size_t n_rrs;
    uint16_t type;
} wevent_t;

typedef struct {
    world_net_rule_t rule;
    bool active;
} wnetrule_t;

/* ---- The world ---- */

struct world {
    world_settings_t set;
    uint64_t seed;
    engine_t *eng;
    trace_t *tr;
    bool started, failed;

    char **regions;
    size_t n_regions, cap_regions;
    /* Lookups by name or id: region names (building), node names (from world_start), ids of
     * timeline queries and flows (the first of each id). Values are indices. */
    strmap_t *region_index, *node_index, *query_index, *flow_index;

    wnode_t *nodes;
    size_t n_nodes, cap_nodes;
    uint32_t *exit_nodes; /* node index per exit slot */
    size_t n_exit;

    wpolicy_t *policies;
    size_t n_policies;
    size_t policy; /* the version in force at control */

    dns_db_t *db;

    /* control */
    cprefix_t *cp;
    size_t n_cp, cap_cp;
    pfxset_t *cp_index;  /* prefix -> index into cp */
    pfxset_t *global;    /* non-regional: prefix -> elected node */
    nm_route_t *rlog;    /* non-regional: every election change, in order */
    size_t n_rlog, cap_rlog;
    uint32_t *dirty;
    size_t n_dirty, cap_dirty;
    uint32_t *dirty_clients;
    size_t n_dirty_clients, cap_dirty_clients;
    uint32_t *exit_dirty;
    size_t n_exit_dirty, cap_exit_dirty;
    nm_peer_t *peer_changes;
    size_t n_peer_changes, cap_peer_changes;
    uint32_t *full_pending;
    size_t n_full_pending, cap_full_pending;
    bool flush_pending;
    sim_time_t flush_at;
    wsdns_t **groups; /* split-DNS table per group */
    uint32_t **group_apps; /* app indices per group */
    size_t *group_n_apps;
    size_t n_groups;
    char dns_reasons[17][32]; /* K4 "dns: RCODE" drop reasons, rcode 0..15, [16] unparseable */
    size_t n_adv_pairs; /* S5: (node, prefix) pairs in control's sets now (every c_set) */
    bool tailnet_routes_warned;
    ctrl_candidate_t *cands; /* election scratch */
    size_t cap_cands;
    ctrl_rcandidate_t *rcands;
    size_t cap_rcands;
    struct { uint64_t id; uint32_t idx; } *by_id; /* sorted by id */
    bool converging; /* world_start: deliveries and reports apply at once */

    /* queries, flows, events, network rules */
    wquery_t *queries;
    size_t n_queries, cap_queries;
    wflow_t *flows;
    size_t n_flows, cap_flows;
    wevent_t *events;
    size_t n_events, cap_events;
    wnetrule_t *net;
    size_t n_net, cap_net;

    wmsg_t msgs; /* list head of messages in flight */
    learn_msg_t lmsg; /* scratch for learn traces */
    conn_change_t change; /* scratch */
    pfxset_t *empty;
    struct nm_slab *slabs; /* deliveries (netmap.c) */
    nm_delivery_t *free_deliveries;

    rules_t rules; /* rule coverage of the run so far (world.h); connectors keep their own */
};

/* Rule coverage: marks rule r as reached (world.h lists where each mark is placed). */
static inline void w_mark(world_t *w, int r)
{
    rules_mark(&w->rules, r);
}

/* Grows *arr (element size elem) to hold at least need elements. 0 or -1 (out of memory). */
int w_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Message list. */
void w_msg_link(world_t *w, wmsg_t *m);
void w_msg_unlink(wmsg_t *m);

/* Refcounts. */
void w_config_unref(wconfig_t *c);
wconfig_t *w_config_ref(wconfig_t *c);
void w_sdns_unref(wsdns_t *s);
wsdns_t *w_sdns_ref(wsdns_t *s);
bool w_config_equal(const wconfig_t *a, const wconfig_t *b);

/* The region name of a node (NULL when it has none), for D3 views. */
const char *w_region_name(const world_t *w, int region);

/* Marks the world as failed after an internal error (out of memory): the run stops. */
void w_fail(world_t *w, const char *what);

/* Times are summed with simtime_add_sat: a sum past the end of time is SIMTIME_MAX, "never".
 * What is due never is not scheduled: a message is lost, a timer never fires. */
static inline bool w_never(sim_time_t at)
{
    return at == SIMTIME_MAX;
}

/* Trace helpers (world_trace.c). */
void wt_prefixes(trace_t *t, const char *key, const pfx_t *p, size_t n);
void wt_addr(trace_t *t, const char *key, const pfx_addr_t *a);
void wt_prefix(trace_t *t, const char *key, const pfx_t *p);
void wt_node(trace_t *t, const char *key, const world_t *w, uint32_t node);
void wt_begin(world_t *w, uint32_t node, const char *kind);
void wt_rejected(world_t *w, uint32_t node, const char *event, const char *reason);

#endif
