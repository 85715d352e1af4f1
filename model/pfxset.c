/* pfxset: one path-compressed binary radix (Patricia) tree per family (see pfxset.h).
 *
 * Nodes live in one growable array and link to each other by 32-bit index, so that a million
 * prefixes cost one allocation per doubling, links are half the size of pointers, and a clone
 * is one copy. Index 0 is "no node". Freed nodes go on a free list threaded through child[0].
 *
 * Invariants: a node is either a member of the set ("real") or a glue node that splits two
 * subtrees; a glue node always has exactly two children (remove restores this, so no glue
 * outlives its purpose). Along any path lengths strictly increase and each child lies inside
 * its parent, on the side given by the parent's next bit. Pre-order (node, child 0, child 1)
 * is therefore C7 order: a node's key is the first address of its subtree and it is the
 * shortest prefix there. */
#include "pfxset.h"

#include <stdlib.h>
#include <string.h>

/* Lengths strictly increase down a path: at most one node per length 0..128. */
#define PATH_MAX_NODES 129

typedef struct {
    pfx_bits_t key; /* canonical: bits past len are zero */
    uint64_t value;
    uint32_t child[2];
    uint8_t len;
    uint8_t real; /* 1 when the prefix is in the set, 0 for a glue node */
} node_t;

struct pfxset {
    node_t *nodes;
    uint32_t cap;  /* slots in nodes[] */
    uint32_t used; /* slots ever handed out, slot 0 included */
    uint32_t free_head;
    uint32_t nfree;
    uint32_t root[2]; /* [0] IPv4, [1] IPv6 */
    size_t count;
    /* Per family, the chain of nodes from the root down to the node of the last insertion
     * (path[f][0] is the root). The next insertion starts from the deepest of these that covers
     * its prefix, so inserting in sorted order skips most of the descent. Any change other than
     * insertion empties it. */
    uint32_t path[2][PATH_MAX_NODES];
    uint8_t path_n[2];
};

/* The deepest path has one node per length 0..128; a pre-order walk keeps at most one pending
 * sibling per level. */
#define WALK_STACK 136

static unsigned fam_index(uint8_t family)
{
    return family == PFX_V4 ? 0u : 1u;
}

static uint8_t fam_of_index(unsigned i)
{
    return i == 0 ? PFX_V4 : PFX_V6;
}

/* Length of the common leading bits of a and b, at most limit. */
static unsigned common_len(const pfx_bits_t *a, const pfx_bits_t *b, unsigned limit)
{
    uint64_t x = a->hi ^ b->hi;
    unsigned c;
    if (x != 0) {
        c = (unsigned)__builtin_clzll(x);
    } else {
        uint64_t y = a->lo ^ b->lo;
        c = y != 0 ? 64u + (unsigned)__builtin_clzll(y) : 128u;
    }
    return c < limit ? c : limit;
}

static pfx_bits_t mask_bits(unsigned len)
{
    pfx_bits_t m;
    m.hi = len == 0 ? 0 : len >= 64 ? UINT64_MAX : UINT64_MAX << (64 - len);
    m.lo = len <= 64 ? 0 : len >= 128 ? UINT64_MAX : UINT64_MAX << (128 - len);
    return m;
}

static pfx_t node_pfx(const node_t *n, unsigned fam)
{
    pfx_t p;
    p.bits = n->key;
    p.family = fam_of_index(fam);
    p.len = n->len;
    return p;
}

pfxset_t *pfxset_new(void)
{
    return calloc(1, sizeof(pfxset_t));
}

static void release_pool(pfxset_t *s)
{
    free(s->nodes);
    s->nodes = NULL;
    s->cap = s->used = s->free_head = s->nfree = 0;
    s->root[0] = s->root[1] = 0;
    s->count = 0;
    s->path_n[0] = s->path_n[1] = 0;
}

void pfxset_free(pfxset_t *s)
{
    if (s == NULL)
        return;
    free(s->nodes);
    free(s);
}

void pfxset_clear(pfxset_t *s)
{
    release_pool(s);
}

pfxset_t *pfxset_clone(const pfxset_t *s)
{
    pfxset_t *c = malloc(sizeof *c);
    if (c == NULL)
        return NULL;
    *c = *s;
    c->nodes = NULL;
    if (s->used > 0) {
        /* Copy only the slots handed out; the clone grows on demand like any set. */
        c->nodes = malloc((size_t)s->used * sizeof(node_t));
        if (c->nodes == NULL) {
            free(c);
            return NULL;
        }
        memcpy(c->nodes, s->nodes, (size_t)s->used * sizeof(node_t));
        c->cap = s->used;
    }
    return c;
}

size_t pfxset_count(const pfxset_t *s)
{
    return s->count;
}

size_t pfxset_memory(const pfxset_t *s)
{
    return sizeof *s + (size_t)s->cap * sizeof(node_t);
}

/* Makes sure k nodes can be allocated without failing. */
static bool reserve(pfxset_t *s, uint32_t k)
{
    if (s->nfree + (s->cap - s->used) >= k)
        return true;
    uint64_t want = s->cap < 64 ? 64 : (uint64_t)s->cap * 2;
    uint32_t used = s->cap == 0 ? 1 : s->used; /* slot 0 is the null index */
    if (want > UINT32_MAX)
        want = UINT32_MAX;
    if (want - used < k)
        return false;
    node_t *grown = realloc(s->nodes, (size_t)want * sizeof(node_t));
    if (grown == NULL)
        return false;
    s->nodes = grown;
    s->cap = (uint32_t)want;
    s->used = used;
    return true;
}

/* Takes a node reserved beforehand. */
static uint32_t alloc_node(pfxset_t *s, const pfx_bits_t *key, unsigned len, bool real,
                           uint64_t value)
{
    uint32_t i;
    if (s->free_head != 0) {
        i = s->free_head;
        s->free_head = s->nodes[i].child[0];
        s->nfree--;
    } else {
        i = s->used++;
    }
    node_t *n = &s->nodes[i];
    n->key = *key;
    n->value = value;
    n->child[0] = n->child[1] = 0;
    n->len = (uint8_t)len;
    n->real = real ? 1 : 0;
    return i;
}

static void free_node(pfxset_t *s, uint32_t i)
{
    s->nodes[i].child[0] = s->free_head;
    s->nodes[i].real = 0;
    s->free_head = i;
    s->nfree++;
}

/* The link from parent (0: the family's root) on side dir. */
static uint32_t *link_at(pfxset_t *s, unsigned fam, uint32_t parent, unsigned dir)
{
    return parent == 0 ? &s->root[fam] : &s->nodes[parent].child[dir];
}

int pfxset_insert(pfxset_t *s, const pfx_t *p, uint64_t value)
{
    unsigned fam = fam_index(p->family);
    unsigned plen = p->len;
    uint32_t *path = s->path[fam];
    unsigned depth = s->path_n[fam];
    /* Keep the part of the last path that covers p: node i covers p when its length is at most
     * p's and at most the bits p shares with the deepest key (which node i's key agrees with). */
    if (depth > 0) {
        unsigned limit = common_len(&s->nodes[path[depth - 1]].key, &p->bits, plen);
        while (depth > 0 && s->nodes[path[depth - 1]].len > limit)
            depth--;
    }
    uint32_t parent = 0, n = s->root[fam];
    unsigned dir = 0;
    if (depth > 0) { /* restart the descent at the deepest covering node */
        n = path[depth - 1];
        depth--;
        if (depth > 0) {
            parent = path[depth - 1];
            dir = pfx_bit(&p->bits, s->nodes[parent].len);
        }
    }
    while (n != 0) {
        node_t *node = &s->nodes[n];
        unsigned nlen = node->len;
        unsigned cl = common_len(&node->key, &p->bits, nlen < plen ? nlen : plen);
        if (cl == nlen && cl == plen) {
            path[depth++] = n;
            s->path_n[fam] = (uint8_t)depth;
            node->value = value;
            if (node->real)
                return 0;
            node->real = 1;
            s->count++;
            return 1;
        }
        if (cl == nlen) { /* node covers p: go down */
            path[depth++] = n;
            parent = n;
            dir = pfx_bit(&p->bits, nlen);
            n = node->child[dir];
            continue;
        }
        /* p and node part at cl < nlen: p covers node, or a glue node joins them. */
        s->path_n[fam] = (uint8_t)depth;
        if (!reserve(s, 2))
            return -1;
        uint32_t fresh = alloc_node(s, &p->bits, plen, true, value);
        if (cl == plen) {
            s->nodes[fresh].child[pfx_bit(&s->nodes[n].key, plen)] = n;
            *link_at(s, fam, parent, dir) = fresh;
        } else {
            pfx_bits_t gkey = p->bits;
            pfx_bits_t m = mask_bits(cl);
            gkey.hi &= m.hi;
            gkey.lo &= m.lo;
            uint32_t glue = alloc_node(s, &gkey, cl, false, 0);
            unsigned side = pfx_bit(&p->bits, cl);
            s->nodes[glue].child[side] = fresh;
            s->nodes[glue].child[!side] = n;
            *link_at(s, fam, parent, dir) = glue;
            path[depth++] = glue;
        }
        path[depth++] = fresh;
        s->path_n[fam] = (uint8_t)depth;
        s->count++;
        return 1;
    }
    s->path_n[fam] = (uint8_t)depth;
    if (!reserve(s, 1))
        return -1;
    uint32_t fresh = alloc_node(s, &p->bits, plen, true, value);
    *link_at(s, fam, parent, dir) = fresh;
    path[depth++] = fresh;
    s->path_n[fam] = (uint8_t)depth;
    s->count++;
    return 1;
}

bool pfxset_remove(pfxset_t *s, const pfx_t *p)
{
    unsigned fam = fam_index(p->family);
    uint32_t parent = 0, grand = 0;
    unsigned dir = 0, pdir = 0;
    uint32_t n = s->root[fam];
    s->path_n[fam] = 0; /* nodes may move or go */
    while (n != 0) {
        const node_t *node = &s->nodes[n];
        if (node->len > p->len || common_len(&node->key, &p->bits, node->len) < node->len)
            return false;
        if (node->len == p->len)
            break;
        grand = parent;
        pdir = dir;
        parent = n;
        dir = pfx_bit(&p->bits, node->len);
        n = node->child[dir];
    }
    if (n == 0 || !s->nodes[n].real)
        return false;
    node_t *node = &s->nodes[n];
    node->real = 0;
    s->count--;
    if (s->count == 0) {
        release_pool(s);
        return true;
    }
    uint32_t c0 = node->child[0], c1 = node->child[1];
    if (c0 != 0 && c1 != 0)
        return true; /* it stays as the glue joining its two subtrees */
    *link_at(s, fam, parent, dir) = c0 | c1;
    free_node(s, n);
    if (c0 == 0 && c1 == 0 && parent != 0 && !s->nodes[parent].real) {
        /* The parent was glue with two children and now has one: splice it out. */
        uint32_t other = s->nodes[parent].child[!dir];
        *link_at(s, fam, grand, pdir) = other;
        free_node(s, parent);
    }
    return true;
}

/* The longest real prefix of the tree equal to or containing (bits, len), or 0. */
static uint32_t find_covering(const pfxset_t *s, unsigned fam, const pfx_bits_t *bits,
                              unsigned len)
{
    uint32_t best = 0;
    uint32_t n = s->root[fam];
    while (n != 0) {
        const node_t *node = &s->nodes[n];
        if (node->len > len || common_len(&node->key, bits, node->len) < node->len)
            break;
        if (node->real)
            best = n;
        if (node->len == len)
            break;
        n = node->child[pfx_bit(bits, node->len)];
    }
    return best;
}

bool pfxset_contains(const pfxset_t *s, const pfx_t *p, uint64_t *value)
{
    uint32_t n = find_covering(s, fam_index(p->family), &p->bits, p->len);
    if (n == 0 || s->nodes[n].len != p->len)
        return false;
    if (value != NULL)
        *value = s->nodes[n].value;
    return true;
}

bool pfxset_covering(const pfxset_t *s, const pfx_t *p, pfx_t *match, uint64_t *value)
{
    unsigned fam = fam_index(p->family);
    uint32_t n = find_covering(s, fam, &p->bits, p->len);
    if (n == 0)
        return false;
    if (match != NULL)
        *match = node_pfx(&s->nodes[n], fam);
    if (value != NULL)
        *value = s->nodes[n].value;
    return true;
}

bool pfxset_lookup(const pfxset_t *s, const pfx_addr_t *a, pfx_t *match, uint64_t *value)
{
    pfx_t host = pfx_host(a);
    return pfxset_covering(s, &host, match, value);
}

/* The top node of the subtree holding exactly the nodes equal to or inside p, or 0. */
static uint32_t subtree_inside(const pfxset_t *s, const pfx_t *p)
{
    uint32_t n = s->root[fam_index(p->family)];
    while (n != 0) {
        const node_t *node = &s->nodes[n];
        if (node->len >= p->len)
            return common_len(&node->key, &p->bits, p->len) == p->len ? n : 0;
        if (common_len(&node->key, &p->bits, node->len) < node->len)
            return 0;
        n = node->child[pfx_bit(&p->bits, node->len)];
    }
    return 0;
}

bool pfxset_has_inside(const pfxset_t *s, const pfx_t *p)
{
    uint32_t n = subtree_inside(s, p);
    if (n == 0)
        return false;
    const node_t *node = &s->nodes[n];
    /* Every subtree holds a real node (leaves are real, glue has two children). */
    return node->len > p->len || node->child[0] != 0 || node->child[1] != 0;
}

/* Pre-order walk of the subtree at top; false when fn stopped it. */
static bool walk(const pfxset_t *s, unsigned fam, uint32_t top, pfxset_visit_fn fn, void *ctx)
{
    uint32_t stack[WALK_STACK];
    size_t sp = 0;
    if (top != 0)
        stack[sp++] = top;
    while (sp > 0) {
        const node_t *node = &s->nodes[stack[--sp]];
        if (node->real) {
            pfx_t p = node_pfx(node, fam);
            if (!fn(&p, node->value, ctx))
                return false;
        }
        if (node->child[1] != 0)
            stack[sp++] = node->child[1];
        if (node->child[0] != 0)
            stack[sp++] = node->child[0];
    }
    return true;
}

void pfxset_foreach(const pfxset_t *s, pfxset_visit_fn fn, void *ctx)
{
    if (walk(s, 0, s->root[0], fn, ctx))
        walk(s, 1, s->root[1], fn, ctx);
}

void pfxset_foreach_inside(const pfxset_t *s, const pfx_t *p, pfxset_visit_fn fn, void *ctx)
{
    walk(s, fam_index(p->family), subtree_inside(s, p), fn, ctx);
}

/* --- aggregation: maximal prefixes become sorted disjoint address ranges, adjacent ranges
 * merge, and each range splits into the fewest aligned blocks. Ranges are taken over the whole
 * 128-bit layout, so an IPv4 /32 is a block of 2^96 and block sizes map straight to lengths. */

static bool bits_is_max(const pfx_bits_t *b)
{
    return b->hi == UINT64_MAX && b->lo == UINT64_MAX;
}

static pfx_bits_t bits_add_one(pfx_bits_t b)
{
    b.lo++;
    if (b.lo == 0)
        b.hi++;
    return b;
}

static pfx_bits_t bits_sub(pfx_bits_t a, pfx_bits_t b)
{
    pfx_bits_t r;
    r.lo = a.lo - b.lo;
    r.hi = a.hi - b.hi - (a.lo < b.lo ? 1 : 0);
    return r;
}

static unsigned bits_trailing_zeros(const pfx_bits_t *b)
{
    if (b->lo != 0)
        return (unsigned)__builtin_ctzll(b->lo);
    if (b->hi != 0)
        return 64u + (unsigned)__builtin_ctzll(b->hi);
    return 128u;
}

/* floor(log2(v)) for v != 0. */
static unsigned bits_log2(const pfx_bits_t *v)
{
    if (v->hi != 0)
        return 127u - (unsigned)__builtin_clzll(v->hi);
    return 63u - (unsigned)__builtin_clzll(v->lo);
}

/* Inserts the fewest prefixes covering exactly [first, last]. */
static int emit_range(pfxset_t *out, uint8_t family, pfx_bits_t first, pfx_bits_t last)
{
    for (;;) {
        pfx_bits_t span = bits_sub(last, first); /* size - 1 */
        unsigned k;
        if (bits_is_max(&span)) {
            k = 128;
        } else {
            pfx_bits_t size = bits_add_one(span);
            k = bits_log2(&size);
        }
        unsigned tz = bits_trailing_zeros(&first);
        if (tz < k)
            k = tz;
        pfx_t p;
        p.bits = first;
        p.family = family;
        p.len = (uint8_t)(128 - k);
        if (pfxset_insert(out, &p, 0) < 0)
            return -1;
        if (k == 128)
            return 0;
        pfx_bits_t step = {0, 0};
        if (k >= 64)
            step.hi = (uint64_t)1 << (k - 64);
        else
            step.lo = (uint64_t)1 << k;
        pfx_bits_t next;
        next.lo = first.lo + step.lo;
        next.hi = first.hi + step.hi + (next.lo < first.lo ? 1 : 0);
        /* Stop at wrap-around (the block ended at the top) or past the range. */
        if ((next.hi == 0 && next.lo == 0) || next.hi > last.hi ||
            (next.hi == last.hi && next.lo > last.lo))
            return 0;
        first = next;
    }
}

static int aggregate_family(const pfxset_t *s, unsigned fam, pfxset_t *out)
{
    uint32_t stack[WALK_STACK];
    size_t sp = 0;
    bool have = false;
    pfx_bits_t first = {0, 0}, last = {0, 0};
    if (s->root[fam] != 0)
        stack[sp++] = s->root[fam];
    while (sp > 0) {
        const node_t *node = &s->nodes[stack[--sp]];
        if (!node->real) {
            stack[sp++] = node->child[1];
            stack[sp++] = node->child[0];
            continue;
        }
        /* A real node covers its whole subtree, so it is not descended. */
        pfx_bits_t m = mask_bits(node->len);
        pfx_bits_t end = {node->key.hi | ~m.hi, node->key.lo | ~m.lo};
        if (have && !bits_is_max(&last)) {
            pfx_bits_t after = bits_add_one(last);
            if (after.hi == node->key.hi && after.lo == node->key.lo) {
                last = end;
                continue;
            }
        }
        if (have && emit_range(out, fam_of_index(fam), first, last) < 0)
            return -1;
        first = node->key;
        last = end;
        have = true;
    }
    if (have && emit_range(out, fam_of_index(fam), first, last) < 0)
        return -1;
    return 0;
}

int pfxset_aggregate(const pfxset_t *s, pfxset_t *out)
{
    pfxset_clear(out);
    if (aggregate_family(s, 0, out) < 0 || aggregate_family(s, 1, out) < 0) {
        pfxset_clear(out);
        return -1;
    }
    return 0;
}

/* --- diff: two pre-order walks in step. */

typedef struct {
    const pfxset_t *s;
    unsigned fam;
    uint32_t stack[WALK_STACK];
    size_t sp;
} cursor_t;

static void cursor_start(cursor_t *c, const pfxset_t *s)
{
    c->s = s;
    c->fam = 0;
    c->sp = 0;
    if (s->root[0] != 0)
        c->stack[c->sp++] = s->root[0];
}

/* The next real node in C7 order, or NULL at the end. */
static const node_t *cursor_next(cursor_t *c)
{
    for (;;) {
        while (c->sp > 0) {
            const node_t *node = &c->s->nodes[c->stack[--c->sp]];
            if (node->child[1] != 0)
                c->stack[c->sp++] = node->child[1];
            if (node->child[0] != 0)
                c->stack[c->sp++] = node->child[0];
            if (node->real)
                return node;
        }
        if (c->fam == 1)
            return NULL;
        c->fam = 1;
        if (c->s->root[1] != 0)
            c->stack[c->sp++] = c->s->root[1];
    }
}

void pfxset_diff(const pfxset_t *a, const pfxset_t *b, pfxset_visit_fn on_add,
                 pfxset_visit_fn on_remove, void *ctx)
{
    cursor_t ca, cb;
    cursor_start(&ca, a);
    cursor_start(&cb, b);
    const node_t *na = cursor_next(&ca), *nb = cursor_next(&cb);
    while (na != NULL || nb != NULL) {
        pfx_t pa = {{0, 0}, 0, 0}, pb = {{0, 0}, 0, 0};
        if (na != NULL)
            pa = node_pfx(na, ca.fam);
        if (nb != NULL)
            pb = node_pfx(nb, cb.fam);
        int c = na == NULL ? 1 : nb == NULL ? -1 : pfx_compare(&pa, &pb);
        if (c < 0) {
            if (on_remove != NULL && !on_remove(&pa, na->value, ctx))
                return;
            na = cursor_next(&ca);
        } else if (c > 0) {
            if (on_add != NULL && !on_add(&pb, nb->value, ctx))
                return;
            nb = cursor_next(&cb);
        } else {
            na = cursor_next(&ca);
            nb = cursor_next(&cb);
        }
    }
}
