/* conn_expire: learned expiry (L5). With a TTL the live addresses are kept in last-routed
 * order (conn_tables.c), so the next expiry is the head's and an expiry takes addresses from
 * the head until one is not yet due. Each address's holder list names the pairs and names it
 * affects, so an expiry touches only those: a run with a TTL stays linear in what it learns. */
#include <stdlib.h>
#include <string.h>

#include "conn_internal.h"

/* ---- L5: expiry ---- */

/* The instant last + ttl, or INT64_MAX when it is past the end of time. */
static int64_t deadline(int64_t last, int64_t ttl)
{
    return last > INT64_MAX - ttl ? INT64_MAX : last + ttl;
}

int64_t conn_next_expiry(const conn_t *c)
{
    const conn_addrtab_t *t = &c->learned.addrs;
    if (c->settings.learned_route_ttl <= 0 || t->head == CONN_NONE)
        return INT64_MAX;
    return deadline(t->slots[t->head].last_routed, c->settings.learned_route_ttl);
}

/* Removes an address from every name holding it (L5), then the address itself: exactly its
 * pairs go, each holder loses one address, a holder left with none stops being tracked, and
 * the slot is freed. */
static void forget_address(conn_learned_t *l, uint32_t slot)
{
    conn_addrtab_t *t = &l->addrs;
    uint32_t n;
    const uint32_t *names = conn_holders(t, &t->slots[slot], &n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t name = names[i];
        conn_pairs_remove(&l->pairs, conn_pair_key(name, slot));
        if (--l->name_slots[name].n_addrs == 0)
            conn_name_remove(l, name);
    }
    conn_holders_clear(t, slot);
    conn_addrs_unlink(t, slot);
    conn_addrs_release(t, slot);
}

int conn_expire(conn_t *c, int64_t now, conn_change_t *out)
{
    conn_change_t scratch_change = {0};
    if (out == NULL)
        out = &scratch_change;
    conn_change_reset(out);
    int64_t ttl = c->settings.learned_route_ttl;
    conn_learned_t *l = &c->learned;
    conn_addrtab_t *t = &l->addrs;
    if (ttl <= 0)
        return 0;
    size_t k = 0;
    for (uint32_t s = t->head; s != CONN_NONE; s = t->slots[s].next) {
        t->work++;
        int64_t d = deadline(t->slots[s].last_routed, ttl);
        if (d == INT64_MAX || d > now)
            break;
        k++;
    }
    if (k == 0)
        return 0;
    if (conn_prefixes_reserve(&out->remove, &out->cap_remove, k) != 0) {
        conn_change_clear(&scratch_change);
        return -1;
    }
    /* The k oldest addresses lose every holder; their host routes leave Adv unless Adv holds
     * them in their own right (Manual, Control, an orphan). Each goes with exactly its own
     * pairs and names, so the cost is what expires, not what has been learned. */
    for (size_t i = 0; i < k; i++) {
        uint32_t s = t->head;
        pfx_addr_t a = conn_addr_of(&t->slots[s]);
        pfx_t host = pfx_host(&a);
        forget_address(l, s);
        if (pfxset_contains(c->manual, &host, NULL) || pfxset_contains(c->control, &host, NULL) ||
            pfxset_contains(c->orphans, &host, NULL))
            continue;
        if (pfxset_remove(c->adv, &host))
            out->remove[out->n_remove++] = host;
    }
    pfx_sort(out->remove, out->n_remove);
    rules_mark(&c->rules, RULE_L5); /* coverage: addresses expired */
    conn_mark_change(c, out);
    int rc = out->n_remove > 0; /* before out (when it is scratch_change) is cleared */
    conn_change_clear(&scratch_change);
    return rc;
}
