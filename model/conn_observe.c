/* conn_observe: the hot path, learning from one response (L1-L5, C3).
 *
 * learn_parse fills the learn_msg_t kept in the conn (its buffers are reused), learn_route gives
 * the routed (name, address) records, and the common case, where every record is already known,
 * only looks up three tables and moves last routed times (L5). Anything new goes through
 * observe_new, which allocates everything first so that running out of memory changes nothing.
 * Observing never removes anything and never recomputes Adv: only an address gaining its first
 * holder can enter it. */
#include <stdlib.h>
#include <string.h>

#include "conn_internal.h"

/* ---- L1-L5, C3: observing a response ---- */

#define NAME_UNSEEN (CONN_NONE - 1)

static int scratch_reserve(conn_t *c, size_t n)
{
    if (n <= c->scratch_cap)
        return 0;
    size_t cap = c->scratch_cap < 64 ? 64 : c->scratch_cap * 2;
    if (cap < n)
        cap = n;
    uint32_t *p = realloc(c->scratch, cap * sizeof *p);
    if (p == NULL)
        return -1;
    c->scratch = p;
    c->scratch_cap = cap;
    return 0;
}

/* L5: a response routed the address at now. */
static inline void touch(conn_t *c, uint32_t slot, int64_t now)
{
    conn_addr_t *e = &c->learned.addrs.slots[slot];
    if (now <= e->last_routed)
        return;
    e->last_routed = now;
    if (c->settings.learned_route_ttl > 0 && c->learned.addrs.tail != slot) {
        conn_addrs_unlink(&c->learned.addrs, slot);
        conn_addrs_place(&c->learned.addrs, slot);
    }
}

/* Removes the message's names that got a slot but hold nothing. */
static void drop_unheld_names(conn_t *c, uint32_t *name_of)
{
    for (size_t i = 0; i < c->msg.n_names; i++) {
        uint32_t s = name_of[i];
        if (s < NAME_UNSEEN && c->learned.name_slots[s].n_addrs == 0) {
            conn_name_remove(&c->learned, s);
            name_of[i] = CONN_NONE;
        }
    }
}

/* A response that brings something new: a name, an address or a (name, address) pair.
 * name_of[] holds, per name of the message, its slot, CONN_NONE (not tracked) or NAME_UNSEEN.
 * Every allocation happens before the first change that could not be undone. */
static int observe_new(conn_t *c, const learn_record_t *rec, size_t n, int64_t now,
                       conn_change_t *out, errinfo_t *err)
{
    conn_learned_t *l = &c->learned;
    const learn_msg_t *msg = &c->msg;
    uint32_t *name_of = c->scratch;
    uint32_t *addr_of = name_of + msg->n_names;
    uint32_t *fresh = addr_of + n; /* addresses new to the table */
    uint32_t *paired = fresh + n;  /* records whose (name, address) pair is new */
    size_t n_fresh = 0, n_paired = 0;

    if (conn_names_reserve(l, n) != 0 || conn_addrs_reserve(&l->addrs, n) != 0 ||
        conn_pairs_reserve(&l->pairs, n) != 0 ||
        conn_prefixes_reserve(&out->add, &out->cap_add, n) != 0)
        goto oom;
    /* Names: every name a record goes under gets a slot (new names hold nothing yet). */
    for (size_t i = 0; i < n; i++) {
        uint32_t *ns = &name_of[rec[i].name];
        if (*ns != CONN_NONE && *ns != NAME_UNSEEN)
            continue;
        const char *text = learn_name_text(msg, rec[i].name);
        size_t len = msg->names[rec[i].name].len;
        bool added;
        uint64_t *v = strmap_insert(l->names, text, len, &added);
        if (v == NULL)
            goto undo_names;
        if (added) {
            uint32_t slot = conn_name_slot_take(l);
            *v = slot;
            size_t last = strmap_count(l->names) - 1, kn;
            const char *k = strmap_key_at(l->names, last, &kn);
            if (kn == len && memcmp(k, text, len) == 0)
                l->name_slots[slot].map_idx = (uint32_t)last;
            else
                conn_names_reindex(l);
        }
        *ns = (uint32_t)*v;
    }
    /* Addresses: new ones start with no holder and outside the expiry order. */
    for (size_t i = 0; i < n; i++) {
        bool added;
        if (learn_addr_disallowed(&rec[i].addr)) { /* L4; learn_route already filters */
            addr_of[i] = CONN_NONE;
            continue;
        }
        addr_of[i] = conn_addrs_insert(&l->addrs, &rec[i].addr, &added);
        if (added)
            fresh[n_fresh++] = addr_of[i];
    }
    /* C3: an address gaining its first holder enters Adv unless absorbed or already there. */
    bool absorbed = false; /* coverage */
    for (size_t i = 0; i < n_fresh; i++) {
        pfx_t host;
        if (!conn_host_advertised(c->absorbers, &l->addrs.slots[fresh[i]], &host)) {
            absorbed = true; /* learn_route never gives a disallowed address */
            continue;
        }
        int r = pfxset_insert(c->adv, &host, 0);
        if (r < 0)
            goto undo_adv;
        if (r == 1)
            out->add[out->n_add++] = host;
    }
    /* Pairs (reserved: no allocation), then the holder lists, which may allocate: a failure
     * takes both back. */
    for (size_t i = 0; i < n; i++)
        if (addr_of[i] != CONN_NONE &&
            conn_pairs_insert(&l->pairs, conn_pair_key(name_of[rec[i].name], addr_of[i])))
            paired[n_paired++] = (uint32_t)i;
    for (size_t k = 0; k < n_paired; k++) {
        const learn_record_t *r = &rec[paired[k]];
        if (conn_holders_add(&l->addrs, addr_of[paired[k]], name_of[r->name]) == 0)
            continue;
        while (k-- > 0)
            conn_holders_pop(&l->addrs, addr_of[paired[k]]);
        for (size_t j = 0; j < n_paired; j++)
            conn_pairs_remove(&l->pairs,
                              conn_pair_key(name_of[rec[paired[j]].name], addr_of[paired[j]]));
        goto undo_adv;
    }
    /* Commit: counts and times. Nothing below allocates or fails. */
    for (size_t k = 0; k < n_paired; k++)
        l->name_slots[name_of[rec[paired[k]].name]].n_addrs++;
    for (size_t i = 0; i < n_fresh; i++) { /* every new address now has a holder */
        l->addrs.slots[fresh[i]].last_routed = now;
        if (c->settings.learned_route_ttl > 0)
            conn_addrs_place(&l->addrs, fresh[i]);
    }
    for (size_t i = 0; i < n; i++)
        if (addr_of[i] != CONN_NONE)
            touch(c, addr_of[i], now);
    drop_unheld_names(c, name_of); /* names whose every record was disallowed */
    pfx_sort(out->add, out->n_add);
    /* Coverage: recorded under names (L3), absorbed (C3), timed (L5), and the change. */
    if (n_paired > 0)
        rules_mark(&c->rules, RULE_L3);
    if (absorbed)
        rules_mark(&c->rules, RULE_C3);
    if (c->settings.learned_route_ttl > 0)
        rules_mark(&c->rules, RULE_L5);
    conn_mark_change(c, out);
    return out->n_add > 0;

undo_adv:
    for (size_t i = 0; i < out->n_add; i++)
        pfxset_remove(c->adv, &out->add[i]);
    out->n_add = 0;
    for (size_t i = 0; i < n_fresh; i++) /* no holder, in no order */
        conn_addrs_release(&l->addrs, fresh[i]);
undo_names:
    drop_unheld_names(c, name_of);
oom:
    errinfo_set(err, "out of memory while learning from a response");
    return CONN_OBSERVE_NOMEM;
}

int conn_observe_response(conn_t *c, const uint8_t *wire, size_t len, int64_t now,
                          conn_change_t *out, errinfo_t *err)
{
    conn_change_t scratch_change = {0};
    if (out == NULL)
        out = &scratch_change;
    conn_change_reset(out);
    int parsed = learn_parse_status(wire, len, &c->msg, err);
    if (parsed == LEARN_NOMEM)
        return CONN_OBSERVE_NOMEM; /* err says so; nothing learned */
    if (parsed != LEARN_PARSED)
        return CONN_OBSERVE_MALFORMED; /* L1: malformed, nothing learned */
    int rc = 0;
    const learn_record_t *rec;
    long nrec = learn_route(&c->msg, c->matcher, &rec);
    if (nrec < 0) {
        errinfo_set(err, "out of memory while routing a response");
        rc = CONN_OBSERVE_NOMEM;
        goto done;
    }
    size_t n = (size_t)nrec;
    if (n == 0)
        goto done;
    size_t n_names = c->msg.n_names;
    if (scratch_reserve(c, n_names + 3 * n) != 0) {
        errinfo_set(err, "out of memory while learning from a response");
        rc = CONN_OBSERVE_NOMEM;
        goto done;
    }
    uint32_t *name_of = c->scratch;
    uint32_t *addr_of = name_of + n_names;
    for (size_t i = 0; i < n_names; i++)
        name_of[i] = NAME_UNSEEN;
    /* The common case: every (name, address) is known; only the times move (L5). */
    const conn_learned_t *l = &c->learned;
    for (size_t i = 0; i < n; i++) {
        uint32_t *ns = &name_of[rec[i].name];
        if (*ns == NAME_UNSEEN) {
            const uint64_t *v = strmap_find(l->names, learn_name_text(&c->msg, rec[i].name),
                                            c->msg.names[rec[i].name].len);
            *ns = v != NULL ? (uint32_t)*v : CONN_NONE;
        }
        uint32_t a = *ns == CONN_NONE ? CONN_NONE : conn_addrs_find(&l->addrs, &rec[i].addr);
        if (a == CONN_NONE || !conn_pairs_contains(&l->pairs, conn_pair_key(*ns, a))) {
            rc = observe_new(c, rec, n, now, out, err);
            goto done;
        }
        addr_of[i] = a;
    }
    for (size_t i = 0; i < n; i++)
        touch(c, addr_of[i], now);
    if (c->settings.learned_route_ttl > 0)
        rules_mark(&c->rules, RULE_L5); /* coverage: last routed times moved */
done:
    conn_change_clear(&scratch_change);
    return rc;
}
