/* conn_tables: the learned-state tables of a connector (see conn_internal.h): name slots over a
 * strmap, the address table with its expiry order, and the (name, address) pair set.
 *
 * Both hash tables use linear probing at a load of at most 7/10 with a fixed mixing function,
 * so their behaviour is deterministic; nothing iterates them in an order that reaches output
 * (records are sorted before anyone sees them). */
#include <stdlib.h>
#include <string.h>

#include "conn_debug.h"
#include "conn_internal.h"
#include "dname.h"

#define PAIR_EMPTY UINT64_MAX

static inline uint64_t mix64(uint64_t v)
{
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdULL;
    v ^= v >> 33;
    v *= 0xc4ceb9fe1a85ec53ULL;
    v ^= v >> 33;
    return v;
}

static inline uint64_t addr_hash(const pfx_bits_t *b, uint8_t family)
{
    return mix64(b->hi ^ (b->lo * 0x9e3779b97f4a7c15ULL) ^ family);
}

/* The smallest power of two whose 7/10 holds n entries (at least 16). */
static size_t table_capacity_for(size_t n)
{
    size_t cap = 16;
    while (cap / 10 * 7 < n)
        cap *= 2;
    return cap;
}

/* ---- learned state ---- */

int conn_learned_init(conn_learned_t *l)
{
    memset(l, 0, sizeof *l);
    l->names = strmap_new();
    if (l->names == NULL)
        return -1;
    l->name_free = CONN_NONE;
    l->addrs.free_head = CONN_NONE;
    l->addrs.head = l->addrs.tail = CONN_NONE;
    l->addrs.vec_free = CONN_NONE;
    return 0;
}

void conn_learned_free(conn_learned_t *l)
{
    if (l->names != NULL)
        strmap_free(l->names);
    free(l->name_slots);
    for (uint32_t v = 0; v < l->addrs.n_vecs; v++)
        free(l->addrs.vecs[v].names);
    free(l->addrs.vecs);
    free(l->addrs.slots);
    free(l->addrs.index);
    free(l->pairs.keys);
    memset(l, 0, sizeof *l);
}

size_t conn_learned_memory(const conn_learned_t *l)
{
    size_t m = l->names != NULL ? strmap_memory(l->names) : 0;
    m += (size_t)l->cap_name_slots * sizeof *l->name_slots;
    m += (size_t)l->addrs.cap_slots * sizeof *l->addrs.slots;
    m += (size_t)l->addrs.cap_vecs * sizeof *l->addrs.vecs + l->addrs.vec_bytes;
    if (l->addrs.index != NULL)
        m += ((size_t)l->addrs.index_mask + 1) * sizeof *l->addrs.index;
    if (l->pairs.keys != NULL)
        m += (l->pairs.mask + 1) * sizeof *l->pairs.keys;
    return m;
}

/* ---- the work counter (conn_debug.h) ---- */

uint64_t conn_debug_work(const conn_t *c)
{
    const conn_learned_t *l = &c->learned;
    return l->work + l->addrs.work + l->pairs.work;
}

/* ---- names ---- */

int conn_names_reserve(conn_learned_t *l, size_t n)
{
    if (n > CONN_NAME_SLOT_MAX - l->n_name_slots)
        return -1;
    size_t need = l->n_name_slots + n;
    if (need <= l->cap_name_slots)
        return 0;
    size_t cap = l->cap_name_slots < 16 ? 16 : (size_t)l->cap_name_slots * 2;
    if (cap < need)
        cap = need;
    if (cap > CONN_NAME_SLOT_MAX)
        cap = CONN_NAME_SLOT_MAX;
    conn_name_t *p = realloc(l->name_slots, cap * sizeof *p);
    if (p == NULL)
        return -1;
    l->name_slots = p;
    l->cap_name_slots = (uint32_t)cap;
    return 0;
}

uint32_t conn_name_slot_take(conn_learned_t *l)
{
    uint32_t s;
    if (l->name_free != CONN_NONE) {
        s = l->name_free;
        l->name_free = l->name_slots[s].map_idx;
    } else {
        s = l->n_name_slots++;
    }
    l->name_slots[s].n_addrs = 0;
    l->name_slots[s].map_idx = CONN_NONE;
    return s;
}

void conn_name_slot_release(conn_learned_t *l, uint32_t slot)
{
    l->name_slots[slot].n_addrs = 0;
    l->name_slots[slot].map_idx = l->name_free;
    l->name_free = slot;
}

void conn_names_reindex(conn_learned_t *l)
{
    size_t n = strmap_count(l->names);
    l->work += n;
    for (size_t i = 0; i < n; i++)
        l->name_slots[*strmap_value_at(l->names, i)].map_idx = (uint32_t)i;
}

const char *conn_name_text(const conn_learned_t *l, uint32_t slot, size_t *n)
{
    return strmap_key_at(l->names, l->name_slots[slot].map_idx, n);
}

void conn_name_remove(conn_learned_t *l, uint32_t slot)
{
    uint32_t idx = l->name_slots[slot].map_idx;
    l->work++;
    size_t n;
    const char *key = strmap_key_at(l->names, idx, &n);
    char buf[DN_WIRE_TEXT_MAX];
    if (n >= sizeof buf)
        return; /* cannot happen: tracked names are valid (N1), at most 253 octets */
    memcpy(buf, key, n);
    strmap_remove(l->names, buf, n);
    conn_name_slot_release(l, slot);
    /* strmap moves its last entry into the hole; follow it (or re-read everything if the map
     * did something else). */
    size_t count = strmap_count(l->names);
    if (idx < count) {
        uint32_t moved = (uint32_t)*strmap_value_at(l->names, idx);
        if (l->name_slots[moved].map_idx == count)
            l->name_slots[moved].map_idx = idx;
        else
            conn_names_reindex(l);
    }
}

void conn_names_drop_empty(conn_learned_t *l)
{
    bool removed = false;
    /* Downwards: a removal moves the last entry (already visited) into the hole. */
    for (size_t i = strmap_count(l->names); i-- > 0;) {
        l->work++;
        uint32_t slot = (uint32_t)*strmap_value_at(l->names, i);
        if (l->name_slots[slot].n_addrs != 0)
            continue;
        size_t n;
        const char *key = strmap_key_at(l->names, i, &n);
        char buf[DN_WIRE_TEXT_MAX];
        if (n >= sizeof buf)
            continue; /* cannot happen: tracked names are valid (N1), at most 253 octets */
        memcpy(buf, key, n);
        strmap_remove(l->names, buf, n);
        conn_name_slot_release(l, slot);
        removed = true;
    }
    if (removed)
        conn_names_reindex(l);
}

/* ---- addresses ---- */

static void addrs_index_put(conn_addrtab_t *t, uint32_t slot)
{
    const conn_addr_t *e = &t->slots[slot];
    size_t i = addr_hash(&e->bits, e->family) & t->index_mask;
    while (t->index[i] != CONN_NONE)
        i = (i + 1) & t->index_mask;
    t->index[i] = slot;
}

static void addrs_index_fill(conn_addrtab_t *t)
{
    t->work += (uint64_t)t->index_mask + 1 + t->n_slots;
    for (size_t i = 0; i <= t->index_mask; i++)
        t->index[i] = CONN_NONE;
    for (uint32_t s = 0; s < t->n_slots; s++)
        if (t->slots[s].family != 0)
            addrs_index_put(t, s);
}

int conn_addrs_reserve(conn_addrtab_t *t, size_t n)
{
    if (n > CONN_SLOT_MAX - t->n_live)
        return -1;
    size_t need = t->n_live + n;
    if (need > t->cap_slots) {
        size_t cap = t->cap_slots < 16 ? 16 : (size_t)t->cap_slots * 2;
        if (cap < need)
            cap = need;
        if (cap > CONN_SLOT_MAX)
            cap = CONN_SLOT_MAX;
        conn_addr_t *p = realloc(t->slots, cap * sizeof *p);
        if (p == NULL)
            return -1;
        t->slots = p;
        t->cap_slots = (uint32_t)cap;
    }
    size_t icap = table_capacity_for(need);
    if (t->index != NULL && icap <= (size_t)t->index_mask + 1)
        return 0;
    uint32_t *idx = malloc(icap * sizeof *idx);
    if (idx == NULL)
        return -1;
    free(t->index);
    t->index = idx;
    t->index_mask = (uint32_t)(icap - 1);
    addrs_index_fill(t);
    return 0;
}

uint32_t conn_addrs_find(const conn_addrtab_t *t, const pfx_addr_t *a)
{
    if (t->index == NULL)
        return CONN_NONE;
    size_t i = addr_hash(&a->bits, a->family) & t->index_mask;
    for (;;) {
        uint32_t s = t->index[i];
        if (s == CONN_NONE)
            return CONN_NONE;
        const conn_addr_t *e = &t->slots[s];
        if (e->bits.hi == a->bits.hi && e->bits.lo == a->bits.lo && e->family == a->family)
            return s;
        i = (i + 1) & t->index_mask;
    }
}

uint32_t conn_addrs_insert(conn_addrtab_t *t, const pfx_addr_t *a, bool *added)
{
    size_t i = addr_hash(&a->bits, a->family) & t->index_mask;
    for (;;) {
        uint32_t s = t->index[i];
        if (s == CONN_NONE)
            break;
        const conn_addr_t *e = &t->slots[s];
        if (e->bits.hi == a->bits.hi && e->bits.lo == a->bits.lo && e->family == a->family) {
            *added = false;
            return s;
        }
        i = (i + 1) & t->index_mask;
    }
    uint32_t s;
    if (t->free_head != CONN_NONE) {
        s = t->free_head;
        t->free_head = t->slots[s].next;
    } else {
        s = t->n_slots++;
    }
    conn_addr_t *e = &t->slots[s];
    e->bits = a->bits;
    e->family = a->family;
    e->hold = CONN_NONE;
    e->last_routed = INT64_MIN;
    e->prev = e->next = CONN_NONE;
    t->index[i] = s;
    t->n_live++;
    *added = true;
    return s;
}

void conn_addrs_unlink(conn_addrtab_t *t, uint32_t slot)
{
    conn_addr_t *e = &t->slots[slot];
    if (e->prev != CONN_NONE)
        t->slots[e->prev].next = e->next;
    else
        t->head = e->next;
    if (e->next != CONN_NONE)
        t->slots[e->next].prev = e->prev;
    else
        t->tail = e->prev;
    e->prev = e->next = CONN_NONE;
}

void conn_addrs_place(conn_addrtab_t *t, uint32_t slot)
{
    conn_addr_t *e = &t->slots[slot];
    uint32_t at = t->tail;
    while (at != CONN_NONE && t->slots[at].last_routed > e->last_routed)
        at = t->slots[at].prev;
    e->prev = at;
    if (at == CONN_NONE) {
        e->next = t->head;
        t->head = slot;
    } else {
        e->next = t->slots[at].next;
        t->slots[at].next = slot;
    }
    if (e->next == CONN_NONE)
        t->tail = slot;
    else
        t->slots[e->next].prev = slot;
}

/* Marks a slot free (its index entry is the caller's). */
static void addrs_slot_free(conn_addrtab_t *t, uint32_t s)
{
    conn_addr_t *e = &t->slots[s];
    e->family = 0;
    e->hold = CONN_NONE;
    e->next = t->free_head;
    t->free_head = s;
    t->n_live--;
}

void conn_addrs_release(conn_addrtab_t *t, uint32_t slot)
{
    const conn_addr_t *e = &t->slots[slot];
    size_t hole = addr_hash(&e->bits, e->family) & t->index_mask;
    while (t->index[hole] != slot) {
        t->work++;
        hole = (hole + 1) & t->index_mask;
    }
    /* Backward shift, as for pairs: a later entry of the probe run moves into the hole when
     * its home position allows. */
    for (size_t j = hole;;) {
        t->work++;
        j = (j + 1) & t->index_mask;
        uint32_t s = t->index[j];
        if (s == CONN_NONE)
            break;
        const conn_addr_t *f = &t->slots[s];
        size_t home = addr_hash(&f->bits, f->family) & t->index_mask;
        if (((j - home) & t->index_mask) >= ((j - hole) & t->index_mask)) {
            t->index[hole] = s;
            hole = j;
        }
    }
    t->index[hole] = CONN_NONE;
    addrs_slot_free(t, slot);
}

void conn_addrs_sweep(conn_addrtab_t *t, bool linked)
{
    bool any = false;
    t->work += t->n_slots;
    for (uint32_t s = 0; s < t->n_slots; s++) {
        conn_addr_t *e = &t->slots[s];
        if (e->family == 0 || conn_addr_held(e))
            continue;
        if (linked)
            conn_addrs_unlink(t, s);
        addrs_slot_free(t, s);
        any = true;
    }
    if (any)
        addrs_index_fill(t);
}

typedef struct {
    int64_t last;
    uint32_t slot;
} order_item_t;

static int order_item_cmp(const void *pa, const void *pb)
{
    const order_item_t *a = pa, *b = pb;
    if (a->last != b->last)
        return a->last < b->last ? -1 : 1;
    return a->slot < b->slot ? -1 : a->slot > b->slot;
}

int conn_addrs_relink_all(conn_addrtab_t *t)
{
    order_item_t *items = malloc(((size_t)t->n_live + 1) * sizeof *items);
    if (items == NULL)
        return -1;
    size_t n = 0;
    t->work += t->n_slots;
    for (uint32_t s = 0; s < t->n_slots; s++)
        if (t->slots[s].family != 0)
            items[n++] = (order_item_t){t->slots[s].last_routed, s};
    qsort(items, n, sizeof *items, order_item_cmp);
    t->head = t->tail = CONN_NONE;
    for (size_t i = 0; i < n; i++) {
        conn_addr_t *e = &t->slots[items[i].slot];
        e->prev = t->tail;
        e->next = CONN_NONE;
        if (t->tail == CONN_NONE)
            t->head = items[i].slot;
        else
            t->slots[t->tail].next = items[i].slot;
        t->tail = items[i].slot;
    }
    free(items);
    return 0;
}

/* ---- holder lists ---- */

static inline bool hold_is_vec(uint32_t hold)
{
    return hold != CONN_NONE && hold >= CONN_HOLD_VEC;
}

const uint32_t *conn_holders(const conn_addrtab_t *t, const conn_addr_t *e, uint32_t *n)
{
    if (e->hold == CONN_NONE) {
        *n = 0;
        return NULL;
    }
    if (!hold_is_vec(e->hold)) {
        *n = 1;
        return &e->hold;
    }
    const conn_holdvec_t *v = &t->vecs[e->hold - CONN_HOLD_VEC];
    *n = v->n;
    return v->names;
}

/* A vector with room for cap names, holding none yet; CONN_NONE on out-of-memory. */
static uint32_t holdvec_take(conn_addrtab_t *t, uint32_t cap)
{
    if (t->vec_free == CONN_NONE && t->n_vecs == t->cap_vecs) {
        if (t->cap_vecs >= CONN_HOLD_VEC - 2)
            return CONN_NONE;
        size_t n = t->cap_vecs < 16 ? 16 : (size_t)t->cap_vecs * 2;
        if (n > CONN_HOLD_VEC - 2)
            n = CONN_HOLD_VEC - 2;
        conn_holdvec_t *p = realloc(t->vecs, n * sizeof *p);
        if (p == NULL)
            return CONN_NONE;
        t->vecs = p;
        t->cap_vecs = (uint32_t)n;
    }
    uint32_t *names = malloc((size_t)cap * sizeof *names);
    if (names == NULL)
        return CONN_NONE;
    uint32_t v;
    if (t->vec_free != CONN_NONE) {
        v = t->vec_free;
        t->vec_free = t->vecs[v].n;
    } else {
        v = t->n_vecs++;
    }
    t->vecs[v] = (conn_holdvec_t){names, 0, cap};
    t->vec_bytes += (size_t)cap * sizeof *names;
    return v;
}

static void holdvec_release(conn_addrtab_t *t, uint32_t v)
{
    conn_holdvec_t *h = &t->vecs[v];
    t->vec_bytes -= (size_t)h->cap * sizeof *h->names;
    free(h->names);
    *h = (conn_holdvec_t){NULL, t->vec_free, 0};
    t->vec_free = v;
}

/* A vector left with one holder or none goes back into the slot. */
static void holders_compact(conn_addrtab_t *t, conn_addr_t *e)
{
    uint32_t v = e->hold - CONN_HOLD_VEC;
    const conn_holdvec_t *h = &t->vecs[v];
    if (h->n > 1)
        return;
    e->hold = h->n == 1 ? h->names[0] : CONN_NONE;
    holdvec_release(t, v);
}

int conn_holders_add(conn_addrtab_t *t, uint32_t slot, uint32_t name)
{
    conn_addr_t *e = &t->slots[slot];
    t->work++;
    if (e->hold == CONN_NONE) {
        e->hold = name;
        return 0;
    }
    if (!hold_is_vec(e->hold)) {
        uint32_t v = holdvec_take(t, 4);
        if (v == CONN_NONE)
            return -1;
        conn_holdvec_t *h = &t->vecs[v];
        h->names[0] = e->hold;
        h->names[1] = name;
        h->n = 2;
        e->hold = CONN_HOLD_VEC | v;
        return 0;
    }
    conn_holdvec_t *h = &t->vecs[e->hold - CONN_HOLD_VEC];
    if (h->n == h->cap) {
        if (h->cap > UINT32_MAX / 2)
            return -1;
        uint32_t cap = h->cap * 2;
        uint32_t *names = realloc(h->names, (size_t)cap * sizeof *names);
        if (names == NULL)
            return -1;
        t->vec_bytes += (size_t)(cap - h->cap) * sizeof *names;
        h->names = names;
        h->cap = cap;
    }
    h->names[h->n++] = name;
    return 0;
}

void conn_holders_pop(conn_addrtab_t *t, uint32_t slot)
{
    conn_addr_t *e = &t->slots[slot];
    t->work++;
    if (!hold_is_vec(e->hold)) {
        e->hold = CONN_NONE;
        return;
    }
    t->vecs[e->hold - CONN_HOLD_VEC].n--;
    holders_compact(t, e);
}

uint32_t conn_holders_keep(conn_addrtab_t *t, uint32_t slot, const uint8_t *drop)
{
    conn_addr_t *e = &t->slots[slot];
    t->work++;
    if (e->hold == CONN_NONE)
        return 0;
    if (!hold_is_vec(e->hold)) {
        if (!drop[e->hold])
            return 1;
        e->hold = CONN_NONE;
        return 0;
    }
    conn_holdvec_t *h = &t->vecs[e->hold - CONN_HOLD_VEC];
    uint32_t k = 0;
    t->work += h->n;
    for (uint32_t i = 0; i < h->n; i++)
        if (!drop[h->names[i]])
            h->names[k++] = h->names[i];
    h->n = k;
    holders_compact(t, e);
    return k;
}

void conn_holders_clear(conn_addrtab_t *t, uint32_t slot)
{
    conn_addr_t *e = &t->slots[slot];
    t->work++;
    if (hold_is_vec(e->hold))
        holdvec_release(t, e->hold - CONN_HOLD_VEC);
    e->hold = CONN_NONE;
}

/* ---- pairs ---- */

int conn_pairs_reserve(conn_pairtab_t *p, size_t n)
{
    size_t need = p->n + n;
    size_t cap = table_capacity_for(need);
    if (p->keys != NULL && cap <= p->mask + 1)
        return 0;
    uint64_t *keys = malloc(cap * sizeof *keys);
    if (keys == NULL)
        return -1;
    for (size_t i = 0; i < cap; i++)
        keys[i] = PAIR_EMPTY;
    size_t mask = cap - 1;
    if (p->keys != NULL) {
        for (size_t i = 0; i <= p->mask; i++) {
            uint64_t k = p->keys[i];
            if (k == PAIR_EMPTY)
                continue;
            size_t j = mix64(k) & mask;
            while (keys[j] != PAIR_EMPTY)
                j = (j + 1) & mask;
            keys[j] = k;
        }
    }
    free(p->keys);
    p->keys = keys;
    p->mask = mask;
    return 0;
}

bool conn_pairs_contains(const conn_pairtab_t *p, uint64_t key)
{
    if (p->keys == NULL)
        return false;
    size_t i = mix64(key) & p->mask;
    for (;;) {
        uint64_t k = p->keys[i];
        if (k == key)
            return true;
        if (k == PAIR_EMPTY)
            return false;
        i = (i + 1) & p->mask;
    }
}

bool conn_pairs_insert(conn_pairtab_t *p, uint64_t key)
{
    size_t i = mix64(key) & p->mask;
    for (;;) {
        uint64_t k = p->keys[i];
        if (k == key)
            return false;
        if (k == PAIR_EMPTY)
            break;
        i = (i + 1) & p->mask;
    }
    p->keys[i] = key;
    p->n++;
    return true;
}

/* Backward-shift deletion: later members of the probe run move into the hole when their home
 * position allows, so no tombstones are needed. */
static void pairs_delete_at(conn_pairtab_t *p, size_t hole)
{
    size_t j = hole;
    for (;;) {
        p->work++;
        j = (j + 1) & p->mask;
        uint64_t k = p->keys[j];
        if (k == PAIR_EMPTY)
            break;
        size_t home = mix64(k) & p->mask;
        if (((j - home) & p->mask) >= ((j - hole) & p->mask)) {
            p->keys[hole] = k;
            hole = j;
        }
    }
    p->keys[hole] = PAIR_EMPTY;
    p->n--;
}

bool conn_pairs_remove(conn_pairtab_t *p, uint64_t key)
{
    if (p->keys == NULL)
        return false;
    size_t i = mix64(key) & p->mask;
    for (;;) {
        p->work++;
        uint64_t k = p->keys[i];
        if (k == key)
            break;
        if (k == PAIR_EMPTY)
            return false;
        i = (i + 1) & p->mask;
    }
    pairs_delete_at(p, i);
    return true;
}

void conn_pairs_remove_if(conn_pairtab_t *p, conn_pair_pred_fn drop, void *ctx)
{
    if (p->keys == NULL)
        return;
    /* A deletion may pull a later key into slot i (examined again) or wrap a key from the
     * start of the array into a later slot (examined again, and kept again): every key is
     * seen, and drop() is true at most once per key because the key then leaves. */
    size_t i = 0;
    while (i <= p->mask) {
        p->work++;
        uint64_t k = p->keys[i];
        if (k != PAIR_EMPTY && drop(k, ctx)) {
            pairs_delete_at(p, i);
            continue;
        }
        i++;
    }
}
