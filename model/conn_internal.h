/* conn_internal: the private representation of a connector, shared by conn.c (operations),
 * conn_tables.c (the address and pair tables) and conn_state.c (records, export, import).
 * Not a contract: nothing outside conn*.c includes this. conn_observe.c holds the hot path and
 * conn_expire.c the expiry (L5).
 *
 * Learned state (L3, L5) is three tables:
 * - names: a strmap from a tracked name's text to its name slot (conn_name_t); a slot knows how
 *   many addresses the name holds and where its text sits in the strmap.
 * - addresses: slots (conn_addr_t, stable ids, a free list) plus an open-addressing index from
 *   the address to its slot; each slot lists the tracked names holding it (its holders) and
 *   keeps its last routed time (L5). With a TTL the live slots also form a list in last-routed
 *   order, so the next expiry is the head and an expiry pops from the head.
 * - pairs: an open-addressing set of (name slot, address slot), one per recorded address of a
 *   name, for the hot path's lookups. The holder lists say the same per address, so an expiry
 *   finds and deletes exactly the pairs of the addresses it removes (backward-shift deletion,
 *   in the pair set and in the address index alike): its cost is what it removes, never what
 *   has been learned. A configuration change removes in bulk, in one pass.
 * Holder lists are compact: the one holder of an address sits in the slot itself (the common
 *   case); two or more go to a vector from a pool (conn_holdvec_t), which the slot refers to.
 * Slots are never renumbered while they are live, so a pair stays valid until it is removed. */
#ifndef APPCSIM_CONN_INTERNAL_H
#define APPCSIM_CONN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "learn.h"
#include "pfxset.h"
#include "rules.h"
#include "strmap.h"

#define CONN_NONE UINT32_MAX
#define CONN_SLOT_MAX (UINT32_MAX - 2) /* ids above are markers (CONN_NONE and one below) */
/* A slot's hold at or above CONN_HOLD_VEC names a holder vector (its index is the rest), so
 * name slots stay below it and vector indices below CONN_HOLD_VEC - 1. */
#define CONN_HOLD_VEC 0x80000000u
#define CONN_NAME_SLOT_MAX (CONN_HOLD_VEC - 1)

typedef struct {
    pfx_bits_t bits;
    int64_t last_routed; /* L5 */
    uint32_t hold;       /* holders: CONN_NONE (none; a free slot has none), a name slot (the
                            one holder), or CONN_HOLD_VEC | a vector index (two or more) */
    uint32_t prev, next; /* expiry order when the TTL is on; next chains free slots */
    uint8_t family;
} conn_addr_t;

/* The holders of an address held by two or more names. */
typedef struct {
    uint32_t *names; /* name slots, n of them, in the order they were added; room for cap */
    uint32_t n, cap; /* cap 0 for a free vector, whose n then chains the free vectors */
} conn_holdvec_t;

typedef struct {
    conn_addr_t *slots;
    uint32_t n_slots, cap_slots; /* slots ever used / allocated */
    uint32_t free_head;          /* chain of free slots through next */
    uint32_t n_live;
    uint32_t *index; /* slot ids; CONN_NONE is empty; capacity index_mask + 1 (or 0) */
    uint32_t index_mask;
    uint32_t head, tail; /* expiry order (oldest first); CONN_NONE when empty */
    conn_holdvec_t *vecs; /* holder vectors; a free list through n */
    uint32_t n_vecs, cap_vecs, vec_free;
    size_t vec_bytes; /* allocated for the vectors' names */
    uint64_t work;    /* elements visited by bulk passes and deletions (conn_debug.h) */
} conn_addrtab_t;

typedef struct {
    uint64_t *keys; /* (name slot << 32) | address slot; UINT64_MAX is empty */
    size_t mask;    /* capacity - 1, or 0 with keys NULL */
    size_t n;
    uint64_t work; /* elements visited by bulk passes and deletions (conn_debug.h) */
} conn_pairtab_t;

typedef struct {
    uint32_t n_addrs; /* addresses recorded under the name; 0 for a free slot */
    uint32_t map_idx; /* index in the names strmap; next free slot when free */
} conn_name_t;

typedef struct {
    strmap_t *names; /* name text -> name slot */
    conn_name_t *name_slots;
    uint32_t n_name_slots, cap_name_slots, name_free;
    conn_addrtab_t addrs;
    conn_pairtab_t pairs;
    uint64_t work; /* names visited by bulk passes and removals (conn_debug.h) */
} conn_learned_t;

struct conn {
    conn_settings_t settings;
    /* configuration */
    bool connector;
    dn_matcher_t *matcher;
    pfxset_t *manual, *control;
    pfxset_t *absorbers; /* Manual ∪ Control without /0 routes: what coalesces host routes (C3) */
    /* learned state and results */
    conn_learned_t learned;
    pfxset_t *orphans; /* C6 */
    pfxset_t *adv;     /* C3, always current */
    /* hot-path working memory, reused across responses */
    learn_msg_t msg;
    uint32_t *scratch;
    size_t scratch_cap;
    rules_t rules; /* rule coverage (conn.h); learn's marks are in msg.rules */
};

/* Coverage of a finished operation: C4 when it emitted a change, C7 when a list of it had two
 * or more prefixes to sort. */
static inline void conn_mark_change(conn_t *c, const conn_change_t *out)
{
    if (out->n_add + out->n_remove > 0)
        rules_mark(&c->rules, RULE_C4);
    if (out->n_add >= 2 || out->n_remove >= 2)
        rules_mark(&c->rules, RULE_C7);
}

static inline uint64_t conn_pair_key(uint32_t name, uint32_t addr)
{
    return (uint64_t)name << 32 | addr;
}

static inline pfx_addr_t conn_addr_of(const conn_addr_t *s)
{
    pfx_addr_t a = {.bits = s->bits, .family = s->family};
    return a;
}

/* --- conn_tables.c --- */

/* Learned state: init (allocates the strmap; -1 on out-of-memory), free. */
int conn_learned_init(conn_learned_t *l);
void conn_learned_free(conn_learned_t *l);
size_t conn_learned_memory(const conn_learned_t *l);
/* Makes sure n more names can be given slots without allocating. */
int conn_names_reserve(conn_learned_t *l, size_t n);
/* A free name slot (reserved beforehand) with n_addrs 0. */
uint32_t conn_name_slot_take(conn_learned_t *l);
void conn_name_slot_release(conn_learned_t *l, uint32_t slot);
/* Sets every live slot's map_idx from the strmap (after removals moved entries). */
void conn_names_reindex(conn_learned_t *l);
/* The text of a name slot (valid until the strmap changes). */
const char *conn_name_text(const conn_learned_t *l, uint32_t slot, size_t *n);
/* Removes one name from the strmap and frees its slot. */
void conn_name_remove(conn_learned_t *l, uint32_t slot);
/* Removes every name whose n_addrs is 0 from the strmap and frees its slot. */
void conn_names_drop_empty(conn_learned_t *l);

/* Makes sure n more addresses fit without allocating (slots and index). */
int conn_addrs_reserve(conn_addrtab_t *t, size_t n);
uint32_t conn_addrs_find(const conn_addrtab_t *t, const pfx_addr_t *a);
/* Finds or adds a (reserved beforehand); a new slot has no holder and is in no list. */
uint32_t conn_addrs_insert(conn_addrtab_t *t, const pfx_addr_t *a, bool *added);
/* Frees one slot without holders, out of the expiry order: deletes it from the index
 * (backward shift) and puts it on the free list. */
void conn_addrs_release(conn_addrtab_t *t, uint32_t slot);
/* Frees every slot without holders (unlinking it from the expiry order when linked) and
 * rebuilds the index in place. */
void conn_addrs_sweep(conn_addrtab_t *t, bool linked);

/* Holder lists. */
static inline bool conn_addr_held(const conn_addr_t *e)
{
    return e->hold != CONN_NONE;
}
/* The holders of a slot (n of them; NULL when none), valid until its list changes. */
const uint32_t *conn_holders(const conn_addrtab_t *t, const conn_addr_t *e, uint32_t *n);
/* Adds a holder (not already one); -1 on out-of-memory, nothing changed. */
int conn_holders_add(conn_addrtab_t *t, uint32_t slot, uint32_t name);
/* Removes the holder added last (to undo conn_holders_add). */
void conn_holders_pop(conn_addrtab_t *t, uint32_t slot);
/* Keeps the holders for which drop[name] is 0; returns how many are left. */
uint32_t conn_holders_keep(conn_addrtab_t *t, uint32_t slot, const uint8_t *drop);
/* Removes every holder. */
void conn_holders_clear(conn_addrtab_t *t, uint32_t slot);
/* Expiry order: insert a detached slot by last_routed (from the tail: O(1) when time only
 * moves forward), unlink a slot, and rebuild the whole order by sorting (-1 on out-of-memory). */
void conn_addrs_place(conn_addrtab_t *t, uint32_t slot);
void conn_addrs_unlink(conn_addrtab_t *t, uint32_t slot);
int conn_addrs_relink_all(conn_addrtab_t *t);

int conn_pairs_reserve(conn_pairtab_t *p, size_t n);
bool conn_pairs_contains(const conn_pairtab_t *p, uint64_t key);
/* Adds key (reserved beforehand); true when it was new. */
bool conn_pairs_insert(conn_pairtab_t *p, uint64_t key);
/* Removes one key; true when it was there. */
bool conn_pairs_remove(conn_pairtab_t *p, uint64_t key);
/* Removes every key for which drop(key, ctx) is true, in one pass, without allocating. */
typedef bool (*conn_pair_pred_fn)(uint64_t key, void *ctx);
void conn_pairs_remove_if(conn_pairtab_t *p, conn_pair_pred_fn drop, void *ctx);

/* --- conn.c helpers used by conn_state.c --- */

/* Reports the difference between c->adv and next into out (sorted, C7). -1 on out-of-memory
 * (out empty). */
int conn_diff_into(const pfxset_t *before, const pfxset_t *after, conn_change_t *out);
void conn_change_reset(conn_change_t *out);
/* Grows a change's prefix array to hold need entries; -1 on out-of-memory. */
int conn_prefixes_reserve(pfx_t **arr, size_t *cap, size_t need);
/* Fills adv (empty) with c's Manual ∪ Control, the advertised host routes of t, and orphans.
 * rules (may be NULL) gets C3 when a learned address was absorbed or an orphan is in adv. */
int conn_adv_build(const conn_t *c, const conn_addrtab_t *t, const pfxset_t *orphans,
                   pfxset_t *adv, rules_t *rules);
/* The host routes of the learned addresses that C3 advertises in their own right: held, not
 * disallowed, not inside a non-/0 route of absorbers. */
bool conn_host_advertised(const pfxset_t *absorbers, const conn_addr_t *s, pfx_t *host);

#endif
