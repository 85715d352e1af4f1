/* conn: one connector's state and its advertised set (L3, L5, C1-C7).
 *
 * A conn_t holds the node's configuration (domains, control routes, manual routes), the names it
 * tracks with the addresses recorded under each (L3), each address's last routed time (L5), and
 * orphans (C6). Every operation recomputes the advertised set of C3 and reports at most one route
 * change (C4): the prefixes added and removed, each list sorted (C7). An operation that changes
 * nothing reports an empty change and returns 0.
 *
 * Time is an integer count of nanoseconds supplied by the caller; conn never reads a clock.
 * Ownership: a conn_change_t's arrays belong to the change; conn_change_clear frees them (a
 * change can be reused across calls; every operation empties it first, and NULL is accepted
 * where the caller does not want it). Every function leaves the state unchanged when it fails.
 *
 * Decisions where RULES leaves room (see conn.c for the reasoning):
 * - A name is tracked (L3) while it has recorded addresses and dn_matcher_match() says it
 *   matches the current domains; an address stays while at least one tracked name holds it (C5).
 * - C3: a learned host route is absorbed by a Manual or Control route equal to or containing it,
 *   unless that route is a /0.
 * - L5: an address's last routed time is the latest `now` of a response that routed it.
 * - C6: an orphan host route is dropped for good by a Manual or Control route applied over it,
 *   but not by a /0 one: RULES says "a control or manual route", and we read it with C3, under
 *   which a /0 never absorbs (see conn.c).
 * Known cost: one response can create as many (name, address) records as the product L3
 *   defines. A chain of K matching names, each owning an address, records the address at depth
 *   i under i names: about K^2/2 records. A 64 KB message holds K of about 2,000 (some 33 bytes
 *   per name with compression), so one response can bring about 10^6 records (2*10^6 at most),
 *   with the memory and time that takes; RULES asks for every record, so none is dropped. */
#ifndef APPCSIM_CONN_H
#define APPCSIM_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "dname.h"
#include "errinfo.h"
#include "pfx.h"
#include "pfxset.h"
#include "rules.h"

typedef struct {
    bool store_routes;          /* C6; default true */
    int64_t learned_route_ttl;  /* L5; nanoseconds, 0 = off (default) */
} conn_settings_t;

/* What a node is configured with: the union over its apps (C1) plus its own manual routes.
 * connector false means the node is not (or no longer) a connector for any app: only its manual
 * routes are advertised and everything learned, orphans included, is withdrawn (C1). */
typedef struct {
    bool connector;
    const dn_domain_t *domains;
    size_t n_domains;
    const pfx_t *control_routes;
    size_t n_control;
    const pfx_t *manual_routes;
    size_t n_manual;
} conn_config_t;

typedef struct {
    pfx_t *add;
    size_t n_add, cap_add;
    pfx_t *remove;
    size_t n_remove, cap_remove;
} conn_change_t;

typedef struct conn conn_t;

conn_t *conn_new(const conn_settings_t *settings);
void conn_free(conn_t *c);
void conn_change_clear(conn_change_t *ch); /* frees the arrays and zeroes ch */

/* C1-C6: installs a configuration at time now. Duplicates collapse (N5). Returns 1 when the
 * advertised set changed (out filled), 0 when not, -1 on out-of-memory.
 * connector false: everything learned and every orphan is forgotten and domains and control
 * routes are ignored, so Adv = Manual (C1). connector true: the orphans stay, whatever
 * store_routes says (C6: orphans are never withdrawn; with store_routes on they can only come
 * from conn_import). store_routes off (C6): a prefix leaving Adv because a control route left,
 * or because a learned address lost its last tracked name, becomes an orphan; a manual route
 * that leaves is withdrawn; a host route merely absorbed by a new route is not an orphan. Then,
 * either way, every orphan host route equal to or inside a non-/0 Control or Manual route is
 * dropped for good (a /0 drops none, as it absorbs none: C3). */
int conn_apply_config(conn_t *c, const conn_config_t *cfg, int64_t now, conn_change_t *out);

/* L1-L5, C3: learns from one response produced at time now. Returns 1/0 as above;
 * CONN_OBSERVE_MALFORMED (-1) when the message is malformed (L1: err says why; nothing changed);
 * CONN_OBSERVE_NOMEM (-2) on out-of-memory (err says so; nothing changed). Both are negative, so
 * `< 0` still means "nothing learned". */
#define CONN_OBSERVE_MALFORMED (-1)
#define CONN_OBSERVE_NOMEM (-2)
int conn_observe_response(conn_t *c, const uint8_t *wire, size_t len, int64_t now,
                          conn_change_t *out, errinfo_t *err);

/* C6: the node restarts at time now. store_routes on: everything is kept and every last routed
 * time becomes now (L5). Off: Adv is kept, the learned host routes in it become orphans, and
 * every tracked name and recorded address is forgotten. Adv never changes: returns 0 (or -1). */
int conn_restart(conn_t *c, int64_t now, conn_change_t *out);

/* L5: removes every address whose last routed time plus the TTL is <= now from every name
 * (names left empty are dropped). Orphans are never expired. */
int conn_expire(conn_t *c, int64_t now, conn_change_t *out);
/* L5: the earliest time at which conn_expire would remove something; INT64_MAX when never. */
int64_t conn_next_expiry(const conn_t *c);

/* The current advertised set (C3). Owned by c; valid until the next operation. */
const pfxset_t *conn_advertised(const conn_t *c);

/* Rule coverage (rules.h): every rule whose logic decided something in an operation on c since
 * conn_new, learn's marks included (learn.h: L1, N2, N3, N4, L2, L4). conn's own marks:
 *   C1  a configuration made the node a connector, or stopped it being one;
 *   C2  a configuration with control routes was applied to a connector;
 *   C3  a learned address was absorbed by a Manual or Control route (and so is not advertised
 *       as its host route), or Adv holds orphans;
 *   C4  an operation emitted a route change;  C7  a list of that change had 2+ prefixes to sort;
 *   C5  a configuration untracked names that left it, or kept one that left it through a
 *       wildcard;
 *   C6  orphans were created or dropped for good, or the node restarted;
 *   L3  a response recorded an address under a name it was not yet recorded under, or a
 *       configuration kept a name tracked through a wildcard only;
 *   L5  with a TTL: a response moved last routed times, addresses expired, or a restart
 *       (store_routes on) restarted the clocks;
 *   N3, N4  a configuration re-matched tracked names exactly or through a wildcard. */
rules_t conn_rules(const conn_t *c);

/* Every (tracked name, recorded address) pair in sorted order (name, then address). */
typedef bool (*conn_record_fn)(const char *name, const pfx_addr_t *addr, int64_t last_routed,
                               void *ctx);
void conn_foreach_record(const conn_t *c, conn_record_fn fn, void *ctx);
size_t conn_memory(const conn_t *c);

/* Learned state as plain data, for sim/ to store and reload (its file format belongs to sim/). */
typedef struct {
    const char *name;
    pfx_addr_t addr;
    int64_t last_routed;
} conn_state_record_t;

typedef struct {
    conn_state_record_t *records; /* sorted by name, then address */
    size_t n_records;
    pfx_t *orphans; /* C7 order */
    size_t n_orphans;
    char *names; /* storage for the record names */
} conn_state_t;

/* Fills out (which the caller frees with conn_state_clear). Returns 0, or -1 on out-of-memory. */
int conn_export(const conn_t *c, conn_state_t *out);
void conn_state_clear(conn_state_t *s);
/* Replaces the learned records and orphans with those of s under the current configuration
 * (records whose name the configuration no longer tracks are dropped; invalid names or
 * disallowed addresses fail with err). Returns 1/0 as above, -1 on error.
 * Names are lower-cased (ASCII) before the N1 check. L5 keeps one time per address: an
 * address's last routed time is the latest of all its records (those under names the
 * configuration does not track included), and an address already due at now is dropped whole,
 * under every name. Orphans (which must be canonical prefixes) are taken as given, except that a
 * node that is no connector keeps none. */
int conn_import(conn_t *c, const conn_state_t *s, int64_t now, conn_change_t *out,
                errinfo_t *err);

#endif
