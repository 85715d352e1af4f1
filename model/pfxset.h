/* pfxset: a set of IPv4 and IPv6 prefixes, each carrying a 64-bit value.
 *
 * A path-compressed binary radix tree per family. It serves the connector's advertised set,
 * each client's route table (longest-prefix match to the assigned node's id), and the
 * `appcsim coalesce` command (aggregation).
 *
 * Ownership: the set owns its nodes; prefixes and values are copied in and out. Iteration is
 * always in C7 order (IPv4 first, then address, then length) and never depends on insertion
 * order. Functions that allocate report out-of-memory as -1 (or NULL) and leave the set as it
 * was. A set must not be changed from inside its own foreach callback. */
#ifndef APPCSIM_PFXSET_H
#define APPCSIM_PFXSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pfx.h"

typedef struct pfxset pfxset_t;

pfxset_t *pfxset_new(void);
void pfxset_free(pfxset_t *s);
pfxset_t *pfxset_clone(const pfxset_t *s);
void pfxset_clear(pfxset_t *s);
size_t pfxset_count(const pfxset_t *s);
/* Bytes held by the set's nodes and bookkeeping (for the memory benchmarks). */
size_t pfxset_memory(const pfxset_t *s);

/* Adds p with value, or replaces the value when p is present.
 * Returns 1 when added, 0 when replaced, -1 on out-of-memory. */
int pfxset_insert(pfxset_t *s, const pfx_t *p, uint64_t value);
/* Removes p; returns true when it was present. */
bool pfxset_remove(pfxset_t *s, const pfx_t *p);
/* Exact lookup; value may be NULL. */
bool pfxset_contains(const pfxset_t *s, const pfx_t *p, uint64_t *value);
/* Longest-prefix match of an address; match and value may be NULL. */
bool pfxset_lookup(const pfxset_t *s, const pfx_addr_t *a, pfx_t *match, uint64_t *value);
/* "Is covered by": the longest prefix of s equal to or containing p; match and value may be NULL. */
bool pfxset_covering(const pfxset_t *s, const pfx_t *p, pfx_t *match, uint64_t *value);
/* True when some prefix of s lies strictly inside p (p itself excluded). */
bool pfxset_has_inside(const pfxset_t *s, const pfx_t *p);

/* Calls fn for every prefix in C7 order until it returns false. */
typedef bool (*pfxset_visit_fn)(const pfx_t *p, uint64_t value, void *ctx);
void pfxset_foreach(const pfxset_t *s, pfxset_visit_fn fn, void *ctx);
/* Calls fn for every prefix of s equal to or inside p, in C7 order, until it returns false. */
void pfxset_foreach_inside(const pfxset_t *s, const pfx_t *p, pfxset_visit_fn fn, void *ctx);

/* Replaces the contents of out with the minimal set of prefixes whose union of addresses equals
 * that of s (values 0). out must not be s. Returns 0, or -1 on out-of-memory (out then empty). */
int pfxset_aggregate(const pfxset_t *s, pfxset_t *out);

/* Walks a and b together in C7 order and reports the difference: on_add for prefixes only in b,
 * on_remove for prefixes only in a (either callback may be NULL). Values are ignored. */
void pfxset_diff(const pfxset_t *a, const pfxset_t *b, pfxset_visit_fn on_add,
                 pfxset_visit_fn on_remove, void *ctx);

#endif
