/* conn_state: the learned records as sorted plain data (conn_foreach_record, conn_export) and
 * their reload (conn_import). The tables themselves are unordered; everything that leaves
 * conn is sorted first (by name text as bytes, then C7 address order), so output never
 * depends on hashing or insertion order. */
#include <stdlib.h>
#include <string.h>

#include "conn_internal.h"

typedef struct {
    const char *text;
    size_t len;
    uint32_t slot;
} name_item_t;

typedef struct {
    uint32_t rank; /* of the name in sorted order */
    uint32_t slot; /* address slot */
    pfx_addr_t addr;
} rec_item_t;

static int text_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int r = memcmp(a, b, an < bn ? an : bn);
    if (r != 0)
        return r;
    return an < bn ? -1 : an > bn;
}

static int name_item_cmp(const void *pa, const void *pb)
{
    const name_item_t *a = pa, *b = pb;
    return text_cmp(a->text, a->len, b->text, b->len);
}

static int rec_item_cmp(const void *pa, const void *pb)
{
    const rec_item_t *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return pfx_addr_compare(&a->addr, &b->addr);
}

/* The records in order: names (sorted) and records referring to them by rank. */
typedef struct {
    name_item_t *names;
    size_t n_names;
    rec_item_t *recs;
    size_t n_recs;
} sorted_t;

static void sorted_free(sorted_t *s)
{
    free(s->names);
    free(s->recs);
}

static int sorted_build(const conn_learned_t *l, sorted_t *s)
{
    memset(s, 0, sizeof *s);
    size_t n_names = strmap_count(l->names);
    uint32_t *rank = malloc(((size_t)l->n_name_slots + 1) * sizeof *rank);
    s->names = malloc((n_names + 1) * sizeof *s->names);
    s->recs = malloc((l->pairs.n + 1) * sizeof *s->recs);
    if (rank == NULL || s->names == NULL || s->recs == NULL) {
        free(rank);
        sorted_free(s);
        return -1;
    }
    for (size_t i = 0; i < n_names; i++) {
        name_item_t *it = &s->names[i];
        it->text = strmap_key_at(l->names, i, &it->len);
        it->slot = (uint32_t)*strmap_value_at(l->names, i);
    }
    qsort(s->names, n_names, sizeof *s->names, name_item_cmp);
    for (size_t i = 0; i < n_names; i++)
        rank[s->names[i].slot] = (uint32_t)i;
    size_t n = 0;
    for (size_t i = 0; l->pairs.keys != NULL && i <= l->pairs.mask; i++) {
        uint64_t k = l->pairs.keys[i];
        if (k == UINT64_MAX)
            continue;
        rec_item_t *r = &s->recs[n++];
        r->rank = rank[k >> 32];
        r->slot = (uint32_t)k;
        r->addr = conn_addr_of(&l->addrs.slots[r->slot]);
    }
    qsort(s->recs, n, sizeof *s->recs, rec_item_cmp);
    s->n_names = n_names;
    s->n_recs = n;
    free(rank);
    return 0;
}

/* (name, address) of a pair key, compared in record order. */
static int key_cmp(const conn_learned_t *l, uint64_t a, uint64_t b)
{
    size_t an, bn;
    const char *at = conn_name_text(l, (uint32_t)(a >> 32), &an);
    const char *bt = conn_name_text(l, (uint32_t)(b >> 32), &bn);
    int r = text_cmp(at, an, bt, bn);
    if (r != 0)
        return r;
    pfx_addr_t aa = conn_addr_of(&l->addrs.slots[(uint32_t)a]);
    pfx_addr_t ba = conn_addr_of(&l->addrs.slots[(uint32_t)b]);
    return pfx_addr_compare(&aa, &ba);
}

/* Calls fn with a NUL-terminated copy of a name (strmap keys need not be terminated). */
static bool visit(const conn_learned_t *l, const char *text, size_t len, uint32_t addr_slot,
                  conn_record_fn fn, void *ctx)
{
    char buf[DN_WIRE_TEXT_MAX];
    if (len >= sizeof buf)
        len = sizeof buf - 1; /* cannot happen: tracked names are valid (N1) */
    memcpy(buf, text, len);
    buf[len] = '\0';
    const conn_addr_t *e = &l->addrs.slots[addr_slot];
    pfx_addr_t a = conn_addr_of(e);
    return fn(buf, &a, e->last_routed, ctx);
}

void conn_foreach_record(const conn_t *c, conn_record_fn fn, void *ctx)
{
    const conn_learned_t *l = &c->learned;
    sorted_t s;
    if (sorted_build(l, &s) == 0) {
        for (size_t i = 0; i < s.n_recs; i++) {
            const name_item_t *nm = &s.names[s.recs[i].rank];
            if (!visit(l, nm->text, nm->len, s.recs[i].slot, fn, ctx))
                break;
        }
        sorted_free(&s);
        return;
    }
    /* Out of memory: the same order without allocating, by repeatedly taking the smallest
     * record after the previous one (quadratic, but it never fails). */
    bool have_prev = false;
    uint64_t prev = 0;
    for (;;) {
        bool found = false;
        uint64_t best = 0;
        for (size_t i = 0; l->pairs.keys != NULL && i <= l->pairs.mask; i++) {
            uint64_t k = l->pairs.keys[i];
            if (k == UINT64_MAX || (have_prev && key_cmp(l, k, prev) <= 0))
                continue;
            if (!found || key_cmp(l, k, best) < 0) {
                best = k;
                found = true;
            }
        }
        if (!found)
            return;
        size_t len;
        const char *text = conn_name_text(l, (uint32_t)(best >> 32), &len);
        if (!visit(l, text, len, (uint32_t)best, fn, ctx))
            return;
        prev = best;
        have_prev = true;
    }
}

/* ---- export ---- */

static bool collect_prefix(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    conn_state_t *st = ctx;
    st->orphans[st->n_orphans++] = *p;
    return true;
}

int conn_export(const conn_t *c, conn_state_t *out)
{
    memset(out, 0, sizeof *out);
    const conn_learned_t *l = &c->learned;
    sorted_t s;
    if (sorted_build(l, &s) != 0)
        return -1;
    size_t text_bytes = 1;
    for (size_t i = 0; i < s.n_names; i++)
        text_bytes += s.names[i].len + 1;
    size_t *offset = malloc((s.n_names + 1) * sizeof *offset);
    out->names = malloc(text_bytes);
    out->records = malloc((s.n_recs + 1) * sizeof *out->records);
    out->orphans = malloc((pfxset_count(c->orphans) + 1) * sizeof *out->orphans);
    if (offset == NULL || out->names == NULL || out->records == NULL || out->orphans == NULL) {
        free(offset);
        sorted_free(&s);
        conn_state_clear(out);
        return -1;
    }
    size_t at = 0;
    for (size_t i = 0; i < s.n_names; i++) {
        offset[i] = at;
        memcpy(out->names + at, s.names[i].text, s.names[i].len);
        at += s.names[i].len;
        out->names[at++] = '\0';
    }
    out->names[at] = '\0';
    for (size_t i = 0; i < s.n_recs; i++) {
        conn_state_record_t *r = &out->records[i];
        r->name = out->names + offset[s.recs[i].rank];
        r->addr = s.recs[i].addr;
        r->last_routed = l->addrs.slots[s.recs[i].slot].last_routed;
    }
    out->n_records = s.n_recs;
    pfxset_foreach(c->orphans, collect_prefix, out);
    free(offset);
    sorted_free(&s);
    return 0;
}

void conn_state_clear(conn_state_t *s)
{
    if (s == NULL)
        return;
    free(s->records);
    free(s->orphans);
    free(s->names);
    memset(s, 0, sizeof *s);
}

/* ---- import ---- */

static bool addr_is_valid(const pfx_addr_t *a)
{
    if (a->family == PFX_V4)
        return a->bits.lo == 0 && (a->bits.hi & 0xffffffffULL) == 0;
    return a->family == PFX_V6;
}

static bool prefix_is_valid(const pfx_t *p)
{
    if (p->family != PFX_V4 && p->family != PFX_V6)
        return false;
    if (p->len > pfx_family_width(p->family))
        return false;
    pfx_addr_t a = {.bits = p->bits, .family = p->family};
    pfx_t canon = pfx_make(&a, p->len);
    return canon.bits.hi == p->bits.hi && canon.bits.lo == p->bits.lo;
}

/* A record's name as stored: ASCII lower-cased (N2); false when it is not a valid name. */
static bool import_name(const char *name, char buf[DN_TEXT_MAX], size_t *n)
{
    if (name == NULL)
        return false;
    size_t len = strnlen(name, DN_TEXT_MAX);
    if (len == 0 || len >= DN_TEXT_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        buf[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    buf[len] = '\0';
    *n = len;
    return dn_name_is_valid(buf, len);
}

static int import_validate(const conn_state_t *s, errinfo_t *err)
{
    for (size_t i = 0; i < s->n_records; i++) {
        const conn_state_record_t *r = &s->records[i];
        char buf[DN_TEXT_MAX];
        size_t n;
        if (!import_name(r->name, buf, &n)) {
            errinfo_set(err, "record %zu: '%.300s' is not a valid name (N1)", i + 1,
                        r->name != NULL ? r->name : "(null)");
            return -1;
        }
        if (!addr_is_valid(&r->addr)) {
            errinfo_set(err, "record %zu (%s): the address is not a valid IPv4 or IPv6 address",
                        i + 1, buf);
            return -1;
        }
        if (learn_addr_disallowed(&r->addr)) {
            char text[PFX_ADDR_TEXT_MAX];
            pfx_addr_format(&r->addr, text);
            errinfo_set(err, "record %zu (%s): address %s is never recorded (L4)", i + 1, buf,
                        text);
            return -1;
        }
    }
    for (size_t i = 0; i < s->n_orphans; i++)
        if (!prefix_is_valid(&s->orphans[i])) {
            errinfo_set(err, "orphan %zu is not a valid prefix in canonical form", i + 1);
            return -1;
        }
    return 0;
}

/* Builds the learned tables of s under c's configuration into l (initialised). */
static int import_learned(const conn_t *c, const conn_state_t *s, int64_t now,
                          conn_learned_t *l)
{
    int64_t ttl = c->settings.learned_route_ttl;
    size_t n = s->n_records;
    if (conn_names_reserve(l, n) != 0 || conn_addrs_reserve(&l->addrs, n) != 0 ||
        conn_pairs_reserve(&l->pairs, n) != 0)
        return -1;
    /* L5 keeps one time per address: the latest of all its records, those under names this
     * configuration no longer tracks included (each still tells when a response routed it). */
    for (size_t i = 0; i < n && c->connector; i++) {
        const conn_state_record_t *r = &s->records[i];
        bool added;
        conn_addr_t *e = &l->addrs.slots[conn_addrs_insert(&l->addrs, &r->addr, &added)];
        if (added || r->last_routed > e->last_routed)
            e->last_routed = r->last_routed;
    }
    /* Then the records of tracked names (L3) whose address is not already due (L5). */
    for (size_t i = 0; i < n && c->connector; i++) {
        const conn_state_record_t *r = &s->records[i];
        char buf[DN_TEXT_MAX];
        size_t len;
        import_name(r->name, buf, &len);
        if (dn_matcher_match(c->matcher, buf, len) == 0)
            continue;
        uint32_t a = conn_addrs_find(&l->addrs, &r->addr);
        conn_addr_t *e = &l->addrs.slots[a];
        if (ttl > 0 && e->last_routed <= INT64_MAX - ttl && e->last_routed + ttl <= now)
            continue;
        bool added;
        uint64_t *v = strmap_insert(l->names, buf, len, &added);
        if (v == NULL)
            return -1;
        if (added)
            *v = conn_name_slot_take(l);
        uint32_t name = (uint32_t)*v;
        if (!conn_pairs_contains(&l->pairs, conn_pair_key(name, a))) {
            if (conn_holders_add(&l->addrs, a, name) != 0)
                return -1;
            conn_pairs_insert(&l->pairs, conn_pair_key(name, a));
            l->name_slots[name].n_addrs++;
        }
    }
    conn_addrs_sweep(&l->addrs, false); /* due, or held by untracked names only */
    conn_names_reindex(l);
    if (ttl > 0 && conn_addrs_relink_all(&l->addrs) != 0)
        return -1;
    return 0;
}

int conn_import(conn_t *c, const conn_state_t *s, int64_t now, conn_change_t *out,
                errinfo_t *err)
{
    conn_change_t scratch_change = {0};
    if (out == NULL)
        out = &scratch_change;
    conn_change_reset(out);
    if (import_validate(s, err) != 0)
        return -1;
    int rc = -1;
    conn_learned_t l;
    pfxset_t *orph = pfxset_new(), *adv = pfxset_new();
    bool have_l = conn_learned_init(&l) == 0;
    if (!have_l || orph == NULL || adv == NULL || import_learned(c, s, now, &l) != 0)
        goto done;
    /* C1: a node that is no connector keeps no orphans. */
    for (size_t i = 0; i < s->n_orphans && c->connector; i++)
        if (pfxset_insert(orph, &s->orphans[i], 0) < 0)
            goto done;
    rules_t marks = 0;
    if (conn_adv_build(c, &l.addrs, orph, adv, &marks) != 0 ||
        conn_diff_into(c->adv, adv, out) != 0)
        goto done;
    c->rules |= marks;
    conn_learned_free(&c->learned);
    c->learned = l;
    have_l = false;
    pfxset_free(c->orphans);
    c->orphans = orph;
    orph = NULL;
    pfxset_free(c->adv);
    c->adv = adv;
    adv = NULL;
    rc = out->n_add + out->n_remove > 0;
    conn_mark_change(c, out);
done:
    if (rc < 0) {
        conn_change_reset(out);
        errinfo_set(err, "out of memory while importing learned state");
    }
    if (have_l)
        conn_learned_free(&l);
    if (orph != NULL)
        pfxset_free(orph);
    if (adv != NULL)
        pfxset_free(adv);
    conn_change_clear(&scratch_change);
    return rc;
}
