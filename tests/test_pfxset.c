/* Tests of model/pfxset: examples, then a seeded property test against a brute-force reference
 * (a sorted array of prefixes) for each family: 100,000+ random operations on prefixes crowded
 * into a few small address regions so that they nest and collide, with C7 iteration order,
 * aggregation (exact address set and minimality), clone and diff checked along the way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfxset.h"
#include "testutil.h"

typedef unsigned __int128 u128;

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static pfx_t P(const char *text)
{
    pfx_t p;
    errinfo_t e;
    memset(&p, 0, sizeof p);
    if (!pfx_parse(text, strlen(text), true, &p, &e))
        CU_FAIL_FATAL(e.msg);
    return p;
}

/* Collects a walk as one line of text: "a/8=1 b/16=2 ...". */
typedef struct {
    char text[4096];
    size_t n;
    int limit; /* stop after this many (0: never) */
    int seen;
} collect_t;

static bool collect(const pfx_t *p, uint64_t value, void *ctx)
{
    collect_t *c = ctx;
    char buf[PFX_TEXT_MAX];
    pfx_format(p, buf);
    c->n += (size_t)snprintf(c->text + c->n, sizeof c->text - c->n, "%s%s=%llu",
                             c->n > 0 ? " " : "", buf, (unsigned long long)value);
    c->seen++;
    return c->limit == 0 || c->seen < c->limit;
}

static const char *walk_text(const pfxset_t *s, collect_t *c)
{
    memset(c, 0, sizeof *c);
    pfxset_foreach(s, collect, c);
    return c->text;
}

static void test_examples(void)
{
    pfxset_t *s = pfxset_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(pfxset_count(s), 0);
    static const char *in[] = {"2001:db8::/32", "10.1.0.0/16", "10.0.0.0/8", "::/0",
                               "10.1.2.3/32",   "0.0.0.0/0",   "2001:db8::1/128", "11.0.0.0/8"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        pfx_t p = P(in[i]);
        CU_ASSERT_EQUAL(pfxset_insert(s, &p, i + 1), 1);
    }
    pfx_t p = P("10.1.0.0/16");
    CU_ASSERT_EQUAL(pfxset_insert(s, &p, 99), 0); /* replaced */
    CU_ASSERT_EQUAL(pfxset_count(s), 8);
    collect_t c;
    CU_ASSERT_STRING_EQUAL(walk_text(s, &c), "0.0.0.0/0=6 10.0.0.0/8=3 10.1.0.0/16=99 "
                                              "10.1.2.3/32=5 11.0.0.0/8=8 ::/0=4 "
                                              "2001:db8::/32=1 2001:db8::1/128=7");
    uint64_t v = 0;
    CU_ASSERT_TRUE(pfxset_contains(s, &p, &v));
    CU_ASSERT_EQUAL(v, 99);
    pfx_t q = P("10.1.0.0/17");
    CU_ASSERT_FALSE(pfxset_contains(s, &q, NULL));
    pfx_t m;
    CU_ASSERT_TRUE(pfxset_covering(s, &q, &m, &v));
    CU_ASSERT_TRUE(pfx_equal(&m, &p));
    pfx_addr_t a;
    CU_ASSERT_TRUE(pfx_addr_parse("10.1.2.3", 8, &a));
    CU_ASSERT_TRUE(pfxset_lookup(s, &a, &m, &v));
    CU_ASSERT_EQUAL(m.len, 32);
    CU_ASSERT_EQUAL(v, 5);
    CU_ASSERT_TRUE(pfx_addr_parse("10.2.0.1", 8, &a));
    CU_ASSERT_TRUE(pfxset_lookup(s, &a, &m, NULL));
    CU_ASSERT_EQUAL(m.len, 8);
    CU_ASSERT_TRUE(pfx_addr_parse("2001:db9::", 10, &a));
    CU_ASSERT_TRUE(pfxset_lookup(s, &a, &m, &v));
    CU_ASSERT_EQUAL(m.len, 0);
    CU_ASSERT_EQUAL(m.family, PFX_V6);
    CU_ASSERT_TRUE(pfxset_lookup(s, &a, NULL, NULL));
    CU_ASSERT_TRUE(pfxset_has_inside(s, &p));
    q = P("10.1.2.3/32");
    CU_ASSERT_FALSE(pfxset_has_inside(s, &q));
    q = P("12.0.0.0/8");
    CU_ASSERT_FALSE(pfxset_has_inside(s, &q));
    q = P("10.0.0.0/7");
    CU_ASSERT_TRUE(pfxset_has_inside(s, &q));

    memset(&c, 0, sizeof c);
    q = P("10.0.0.0/8");
    pfxset_foreach_inside(s, &q, collect, &c);
    CU_ASSERT_STRING_EQUAL(c.text, "10.0.0.0/8=3 10.1.0.0/16=99 10.1.2.3/32=5");
    memset(&c, 0, sizeof c);
    q = P("10.1.0.0/20");
    pfxset_foreach_inside(s, &q, collect, &c);
    CU_ASSERT_STRING_EQUAL(c.text, "10.1.2.3/32=5");

    /* The walk stops when the callback says so. */
    memset(&c, 0, sizeof c);
    c.limit = 2;
    pfxset_foreach(s, collect, &c);
    CU_ASSERT_STRING_EQUAL(c.text, "0.0.0.0/0=6 10.0.0.0/8=3");
    memset(&c, 0, sizeof c);
    c.limit = 1;
    q = P("::/0");
    pfxset_foreach_inside(s, &q, collect, &c);
    CU_ASSERT_STRING_EQUAL(c.text, "::/0=4");

    CU_ASSERT_TRUE(pfxset_remove(s, &p));
    CU_ASSERT_FALSE(pfxset_remove(s, &p));
    q = P("10.0.0.0/9"); /* never present */
    CU_ASSERT_FALSE(pfxset_remove(s, &q));
    CU_ASSERT_EQUAL(pfxset_count(s), 7);
    CU_ASSERT_STRING_EQUAL(walk_text(s, &c), "0.0.0.0/0=6 10.0.0.0/8=3 10.1.2.3/32=5 "
                                              "11.0.0.0/8=8 ::/0=4 2001:db8::/32=1 "
                                              "2001:db8::1/128=7");
    CU_ASSERT_TRUE(pfxset_memory(s) > 0);
    pfxset_clear(s);
    CU_ASSERT_EQUAL(pfxset_count(s), 0);
    CU_ASSERT_STRING_EQUAL(walk_text(s, &c), "");
    CU_ASSERT_FALSE(pfxset_lookup(s, &a, NULL, NULL));
    pfxset_free(s);
    pfxset_free(NULL);
}

static void test_aggregate_examples(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"10.0.0.0/25 10.0.0.128/25", "10.0.0.0/24=0"},
        {"10.0.0.0/24 10.0.0.5/32 10.0.1.0/24", "10.0.0.0/23=0"},
        {"10.0.0.1/32 10.0.0.2/31 10.0.0.4/30 10.0.0.8/29",
         "10.0.0.1/32=0 10.0.0.2/31=0 10.0.0.4/30=0 10.0.0.8/29=0"},
        {"10.0.0.1/32 10.0.0.2/32", "10.0.0.1/32=0 10.0.0.2/32=0"},
        {"10.0.0.0/32 10.0.0.1/32 10.0.0.2/32 10.0.0.3/32", "10.0.0.0/30=0"},
        {"0.0.0.0/1 128.0.0.0/1", "0.0.0.0/0=0"},
        {"255.255.255.255/32 255.255.255.254/32", "255.255.255.254/31=0"},
        {"::/1 8000::/1 10.0.0.0/8", "10.0.0.0/8=0 ::/0=0"},
        {"2001:db8::/33 2001:db8:8000::/33 2001:db8::1/128", "2001:db8::/32=0"},
        {"::/128 ::1/128 ::2/127", "::/126=0"},
        {"2001:db8::ffff:ffff:ffff:ffff/128 2001:db8:0:1::/64",
         "2001:db8::ffff:ffff:ffff:ffff/128=0 2001:db8:0:1::/64=0"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127 ffff:ffff:ffff:ffff::/64",
         "ffff:ffff:ffff:ffff::/64=0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pfxset_t *s = pfxset_new(), *out = pfxset_new();
        char in[256];
        snprintf(in, sizeof in, "%s", cases[i].in);
        for (char *tok = strtok(in, " "); tok != NULL; tok = strtok(NULL, " ")) {
            pfx_t p = P(tok);
            pfxset_insert(s, &p, 7);
        }
        pfx_t junk = P("1.2.3.0/24"); /* out is replaced, not added to */
        pfxset_insert(out, &junk, 1);
        CU_ASSERT_EQUAL(pfxset_aggregate(s, out), 0);
        collect_t c;
        walk_text(out, &c);
        if (strcmp(c.text, cases[i].out) != 0) {
            char m[512];
            snprintf(m, sizeof m, "%s -> %.300s", cases[i].in, c.text);
            CU_FAIL(m);
        }
        pfxset_free(s);
        pfxset_free(out);
    }
}

/* Removing must splice out glue nodes: repeated insert/remove of ever new prefixes beside a
 * fixed few must not grow the set's memory. */
static void test_remove_compacts(void)
{
    pfxset_t *s = pfxset_new();
    pfx_t keep[3] = {P("10.0.0.0/24"), P("10.0.8.0/24"), P("10.128.0.0/9")};
    for (int i = 0; i < 3; i++)
        pfxset_insert(s, &keep[i], 1);
    size_t before = pfxset_memory(s);
    for (uint32_t i = 0; i < 100000; i++) {
        pfx_addr_t a = pfx_addr_v4(0x0a000000u | (i * 2654435761u & 0x7fffffu));
        pfx_addr_t b = pfx_addr_v4(0x0a000000u | ((i * 2654435761u ^ (1u << i % 23)) & 0x7fffffu));
        pfx_t p = pfx_host(&a), q = pfx_host(&b), r = pfx_make(&a, 20 + i % 12);
        bool had_r = pfxset_contains(s, &r, NULL);
        pfxset_insert(s, &p, i);
        pfxset_insert(s, &q, i);
        pfxset_insert(s, &r, i);
        pfxset_remove(s, i % 2 ? &p : &q);
        pfxset_remove(s, i % 2 ? &q : &p);
        if (!had_r)
            pfxset_remove(s, &r);
    }
    CU_ASSERT_EQUAL(pfxset_count(s), 3);
    CU_ASSERT_EQUAL(pfxset_memory(s), before);
    collect_t c;
    CU_ASSERT_STRING_EQUAL(walk_text(s, &c), "10.0.0.0/24=1 10.0.8.0/24=1 10.128.0.0/9=1");
    for (int i = 0; i < 3; i++)
        CU_ASSERT_TRUE(pfxset_remove(s, &keep[i]));
    CU_ASSERT_EQUAL(pfxset_count(s), 0);
    CU_ASSERT_TRUE(pfxset_memory(s) < before);
    pfxset_free(s);
}

/* Insertions resume from the path of the previous one; a removal in between must not leave
 * them walking nodes that are gone. */
static void test_insert_after_remove(void)
{
    pfxset_t *s = pfxset_new();
    pfx_t a = P("10.0.0.0/8"), b = P("10.1.0.0/16"), c = P("10.2.0.0/16"), d = P("10.1.2.0/24");
    pfxset_insert(s, &a, 1);
    pfxset_insert(s, &b, 2);
    CU_ASSERT_TRUE(pfxset_remove(s, &a));
    CU_ASSERT_EQUAL(pfxset_insert(s, &c, 3), 1);
    CU_ASSERT_EQUAL(pfxset_insert(s, &d, 4), 1);
    CU_ASSERT_EQUAL(pfxset_insert(s, &a, 5), 1);
    collect_t col;
    CU_ASSERT_STRING_EQUAL(walk_text(s, &col), "10.0.0.0/8=5 10.1.0.0/16=2 10.1.2.0/24=4 "
                                                "10.2.0.0/16=3");
    CU_ASSERT_TRUE(pfxset_remove(s, &d));
    CU_ASSERT_TRUE(pfxset_remove(s, &c));
    CU_ASSERT_EQUAL(pfxset_insert(s, &d, 6), 1);
    CU_ASSERT_EQUAL(pfxset_insert(s, &c, 7), 1);
    CU_ASSERT_STRING_EQUAL(walk_text(s, &col), "10.0.0.0/8=5 10.1.0.0/16=2 10.1.2.0/24=6 "
                                                "10.2.0.0/16=7");
    CU_ASSERT_EQUAL(pfxset_count(s), 4);
    pfxset_free(s);
}

/* ---- the brute-force reference ---- */

typedef struct {
    pfx_t p;
    uint64_t v;
} entry_t;

typedef struct {
    entry_t *e;
    size_t n, cap;
} ref_t;

/* Index of the first entry not below p in C7 order. */
static size_t ref_find(const ref_t *r, const pfx_t *p)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pfx_compare(&r->e[mid].p, p) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int ref_insert(ref_t *r, const pfx_t *p, uint64_t v)
{
    size_t i = ref_find(r, p);
    if (i < r->n && pfx_equal(&r->e[i].p, p)) {
        r->e[i].v = v;
        return 0;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->e = realloc(r->e, r->cap * sizeof *r->e);
    }
    memmove(r->e + i + 1, r->e + i, (r->n - i) * sizeof *r->e);
    r->e[i].p = *p;
    r->e[i].v = v;
    r->n++;
    return 1;
}

static bool ref_remove(ref_t *r, const pfx_t *p)
{
    size_t i = ref_find(r, p);
    if (i == r->n || !pfx_equal(&r->e[i].p, p))
        return false;
    memmove(r->e + i, r->e + i + 1, (r->n - i - 1) * sizeof *r->e);
    r->n--;
    return true;
}

/* Longest entry covering p, or NULL. */
static const entry_t *ref_covering(const ref_t *r, const pfx_t *p)
{
    const entry_t *best = NULL;
    for (size_t i = 0; i < r->n; i++)
        if (pfx_covers(&r->e[i].p, p) && (best == NULL || r->e[i].p.len > best->p.len))
            best = &r->e[i];
    return best;
}

static u128 u128_of(pfx_bits_t b)
{
    return (u128)b.hi << 64 | b.lo;
}

static u128 range_last(const pfx_t *p)
{
    u128 host = p->len == 0 ? ~(u128)0 : (((u128)1) << (128 - p->len)) - 1;
    return u128_of(p->bits) | host;
}

typedef struct {
    u128 first, last;
    uint8_t family;
} range_t;

/* Sorted, merged address ranges of prefixes given in C7 order. */
static size_t merge_ranges(const pfx_t *ps, size_t n, range_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        u128 f = u128_of(ps[i].bits), l = range_last(&ps[i]);
        if (k > 0 && out[k - 1].family == ps[i].family &&
            (out[k - 1].last == ~(u128)0 || f <= out[k - 1].last + 1)) {
            if (l > out[k - 1].last)
                out[k - 1].last = l;
            continue;
        }
        out[k].first = f;
        out[k].last = l;
        out[k].family = ps[i].family;
        k++;
    }
    return k;
}

typedef struct {
    pfx_t *p;
    uint64_t *v;
    size_t n, cap;
} list_t;

static bool list_add(const pfx_t *p, uint64_t value, void *ctx)
{
    list_t *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->p = realloc(l->p, l->cap * sizeof *l->p);
        l->v = realloc(l->v, l->cap * sizeof *l->v);
    }
    l->p[l->n] = *p;
    l->v[l->n] = value;
    l->n++;
    return true;
}

static void list_free(list_t *l)
{
    free(l->p);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static bool report(const char *what, const pfx_t *p, unsigned long op)
{
    char buf[PFX_TEXT_MAX], m[200];
    if (p != NULL)
        pfx_format(p, buf);
    snprintf(m, sizeof m, "op %lu: %s %s", op, what, p != NULL ? buf : "");
    CU_FAIL(m);
    return false;
}

static bool check_foreach(const pfxset_t *s, const ref_t *r, unsigned long op)
{
    list_t l = {0};
    pfxset_foreach(s, list_add, &l);
    bool ok = l.n == r->n;
    for (size_t i = 0; ok && i < l.n; i++)
        ok = pfx_equal(&l.p[i], &r->e[i].p) && l.v[i] == r->e[i].v;
    list_free(&l);
    return ok ? true : report("foreach differs from the reference", NULL, op);
}

/* The aggregate covers exactly the reference's addresses, its prefixes are disjoint, and none
 * could be replaced by its parent: together, the unique minimal set. */
static bool check_aggregate(const pfxset_t *s, const ref_t *r, unsigned long op)
{
    pfxset_t *out = pfxset_new();
    bool ok = pfxset_aggregate(s, out) == 0;
    list_t l = {0};
    pfxset_foreach(out, list_add, &l);
    pfx_t *ps = malloc((r->n + 1) * sizeof *ps);
    for (size_t i = 0; i < r->n; i++)
        ps[i] = r->e[i].p;
    range_t *want = malloc((r->n + 1) * sizeof *want);
    range_t *got = malloc((l.n + 1) * sizeof *got);
    size_t nw = merge_ranges(ps, r->n, want);
    size_t ng = merge_ranges(l.p, l.n, got);
    ok = ok && nw == ng;
    for (size_t i = 0; ok && i < nw; i++)
        ok = want[i].first == got[i].first && want[i].last == got[i].last &&
             want[i].family == got[i].family;
    if (!ok)
        report("aggregate covers other addresses", NULL, op);
    for (size_t i = 0; ok && i < l.n; i++) {
        if (l.v[i] != 0)
            ok = report("aggregate value not 0", &l.p[i], op);
        if (ok && i > 0 && l.p[i - 1].family == l.p[i].family &&
            range_last(&l.p[i - 1]) >= u128_of(l.p[i].bits))
            ok = report("aggregate overlaps at", &l.p[i], op);
        if (ok && l.p[i].len > 0) {
            pfx_t parent = pfx_make(&(pfx_addr_t){l.p[i].bits, l.p[i].family}, l.p[i].len - 1u);
            u128 f = u128_of(parent.bits), e = range_last(&parent);
            for (size_t k = 0; ok && k < nw; k++)
                if (want[k].family == parent.family && want[k].first <= f && e <= want[k].last)
                    ok = report("aggregate not minimal at", &l.p[i], op);
        }
    }
    free(ps);
    free(want);
    free(got);
    list_free(&l);
    pfxset_free(out);
    return ok;
}

typedef struct {
    list_t added, removed;
} diff_t;

static bool on_added(const pfx_t *p, uint64_t v, void *ctx)
{
    return list_add(p, v, &((diff_t *)ctx)->added);
}

static bool on_removed(const pfx_t *p, uint64_t v, void *ctx)
{
    return list_add(p, v, &((diff_t *)ctx)->removed);
}

/* The snapshot (a clone taken earlier) still holds what the reference held then, and diff
 * against the live set reports exactly the sorted differences of the two references. */
static bool check_clone_diff(const pfxset_t *snap, const ref_t *old, const pfxset_t *s,
                             const ref_t *now, unsigned long op)
{
    if (!check_foreach(snap, old, op))
        return false;
    diff_t d = {{0}, {0}};
    pfxset_diff(snap, s, on_added, on_removed, &d);
    size_t i = 0, j = 0, na = 0, nr = 0;
    bool ok = true;
    while (ok && (i < old->n || j < now->n)) {
        int c = i == old->n ? 1 : j == now->n ? -1 : pfx_compare(&old->e[i].p, &now->e[j].p);
        if (c < 0) {
            ok = nr < d.removed.n && pfx_equal(&d.removed.p[nr++], &old->e[i].p);
            i++;
        } else if (c > 0) {
            ok = na < d.added.n && pfx_equal(&d.added.p[na++], &now->e[j].p);
            j++;
        } else {
            i++;
            j++;
        }
    }
    ok = ok && na == d.added.n && nr == d.removed.n;
    list_free(&d.added);
    list_free(&d.removed);
    return ok ? true : report("diff differs from the reference", NULL, op);
}

/* Random prefixes crowded into a few regions, the family's edges included, so that they nest,
 * collide and sit next to each other. */
static pfx_t random_v4(uint64_t *rng, bool host)
{
    static const uint32_t bases[] = {0x0a000000u, 0x0a000000u, 0x0a000400u, 0xfffffc00u,
                                     0x00000000u, 0x0a000000u, 0x0a000800u, 0x80000000u};
    uint64_t r = splitmix64(rng);
    uint32_t addr = bases[r & 7] | (uint32_t)(splitmix64(rng) & 0x3ffu);
    if (((r >> 3) & 63) == 0)
        addr = (uint32_t)splitmix64(rng);
    unsigned pick = (unsigned)((r >> 9) % 100), len;
    if (host)
        len = 32;
    else if (pick < 4)
        len = (unsigned)((r >> 20) % 17);
    else if (pick < 14)
        len = 17 + (unsigned)((r >> 20) % 5);
    else
        len = 22 + (unsigned)((r >> 20) % 11);
    pfx_addr_t a = pfx_addr_v4(addr);
    return pfx_make(&a, len);
}

static pfx_t random_v6(uint64_t *rng, bool host)
{
    uint64_t r = splitmix64(rng), x = splitmix64(rng);
    pfx_addr_t a;
    a.family = PFX_V6;
    unsigned region = (unsigned)(r & 7), pick = (unsigned)((r >> 8) % 100), len;
    switch (region) {
    case 0:
    case 1:
    case 2: /* the last ten bits */
        a.bits.hi = 0x20010db800000000u;
        a.bits.lo = x & 0x3ff;
        len = 118 + (unsigned)((r >> 16) % 11);
        break;
    case 3:
    case 4: /* across the 64-bit boundary */
        a.bits.hi = 0x20010db800000000u | (x & 0x1f);
        a.bits.lo = (x >> 5 & 0x1f) << 59;
        len = 56 + (unsigned)((r >> 16) % 14);
        break;
    case 5: /* the top of the space */
        a.bits.hi = UINT64_MAX;
        a.bits.lo = UINT64_MAX - (x & 0x3ff);
        len = 118 + (unsigned)((r >> 16) % 11);
        break;
    case 6: /* the bottom */
        a.bits.hi = 0;
        a.bits.lo = x & 0x3ff;
        len = 118 + (unsigned)((r >> 16) % 11);
        break;
    default: /* anywhere, short */
        a.bits.hi = x;
        a.bits.lo = splitmix64(rng);
        len = pick < 50 ? (unsigned)((r >> 16) % 20) : (unsigned)((r >> 16) % 129);
        break;
    }
    if (pick < 3 && region != 7)
        len = (unsigned)((r >> 24) % 40);
    if (host)
        len = 128;
    return pfx_make(&a, len);
}

static pfx_t random_pfx(uint64_t *rng, int family, bool host)
{
    if (family == 0) /* both */
        family = splitmix64(rng) & 1 ? PFX_V4 : PFX_V6;
    return family == PFX_V4 ? random_v4(rng, host) : random_v6(rng, host);
}

static void property_run(int family, uint64_t seed, unsigned long ops)
{
    uint64_t rng = seed;
    pfxset_t *s = pfxset_new();
    pfxset_t *snap = pfxset_clone(s);
    ref_t ref = {0}, old = {0};
    unsigned long checks = 0, hits = 0;
    size_t peak = 0;
    bool ok = true;
    for (unsigned long op = 0; ok && op < ops; op++) {
        uint64_t r = splitmix64(&rng);
        /* Phases of growth and shrinkage so that the set is sometimes big, sometimes empty. */
        bool growing = (op / 5000) % 2 == 0;
        unsigned kind = (unsigned)(r % 100);
        pfx_t p = random_pfx(&rng, family, false);
        if (kind < (growing ? 40u : 15u)) {
            uint64_t v = r >> 32;
            int got = pfxset_insert(s, &p, v), want = ref_insert(&ref, &p, v);
            if (got != want)
                ok = report("insert returned wrong", &p, op);
        } else if (kind < 55) {
            if (ref.n > 0 && (r >> 8) % 2 == 0)
                p = ref.e[(r >> 16) % ref.n].p; /* a member, so that removal really happens */
            bool got = pfxset_remove(s, &p), want = ref_remove(&ref, &p);
            if (got != want)
                ok = report("remove returned wrong", &p, op);
        } else if (kind < 65) {
            if (ref.n > 0 && (r >> 8) % 2 == 0)
                p = ref.e[(r >> 16) % ref.n].p;
            uint64_t v = 0;
            bool got = pfxset_contains(s, &p, &v);
            size_t i = ref_find(&ref, &p);
            bool want = i < ref.n && pfx_equal(&ref.e[i].p, &p);
            if (got != want || (got && v != ref.e[i].v))
                ok = report("contains wrong", &p, op);
        } else if (kind < 80) {
            pfx_t h = random_pfx(&rng, p.family, true);
            pfx_addr_t a = pfx_first(&h);
            pfx_t m;
            uint64_t v;
            bool got = pfxset_lookup(s, &a, &m, &v);
            const entry_t *want = ref_covering(&ref, &h);
            if (got != (want != NULL) || (got && (!pfx_equal(&m, &want->p) || v != want->v)))
                ok = report("lookup wrong for", &h, op);
            hits += got;
        } else if (kind < 90) {
            pfx_t m;
            uint64_t v;
            bool got = pfxset_covering(s, &p, &m, &v);
            const entry_t *want = ref_covering(&ref, &p);
            if (got != (want != NULL) || (got && (!pfx_equal(&m, &want->p) || v != want->v)))
                ok = report("covering wrong for", &p, op);
        } else if (kind < 97) {
            bool want = false;
            for (size_t i = 0; !want && i < ref.n; i++)
                want = pfx_covers(&p, &ref.e[i].p) && !pfx_equal(&p, &ref.e[i].p);
            if (pfxset_has_inside(s, &p) != want)
                ok = report("has_inside wrong for", &p, op);
        } else {
            list_t l = {0};
            pfxset_foreach_inside(s, &p, list_add, &l);
            size_t k = 0;
            for (size_t i = 0; ok && i < ref.n; i++)
                if (pfx_covers(&p, &ref.e[i].p)) {
                    if (k >= l.n || !pfx_equal(&l.p[k], &ref.e[i].p) || l.v[k] != ref.e[i].v)
                        ok = report("foreach_inside wrong for", &p, op);
                    k++;
                }
            if (ok && k != l.n)
                ok = report("foreach_inside gave extra for", &p, op);
            list_free(&l);
        }
        if (ok && pfxset_count(s) != ref.n)
            ok = report("count differs", NULL, op);
        if (ref.n > peak)
            peak = ref.n;
        if (ok && op % 16 == 0) {
            ok = check_foreach(s, &ref, op);
            checks++;
        }
        if (ok && op % 500 == 0)
            ok = check_aggregate(s, &ref, op);
        if (ok && op % 1000 == 999) {
            ok = check_clone_diff(snap, &old, s, &ref, op);
            pfxset_free(snap);
            snap = pfxset_clone(s);
            old.n = 0;
            for (size_t i = 0; i < ref.n; i++)
                ref_insert(&old, &ref.e[i].p, ref.e[i].v);
        }
    }
    if (ok)
        ok = check_foreach(s, &ref, ops) && check_aggregate(s, &ref, ops);
    /* The run must have exercised something: a set of real size and real matches. */
    CU_ASSERT_TRUE(peak > 200);
    CU_ASSERT_TRUE(hits > ops / 100);
    CU_ASSERT_TRUE(checks > 0);
    CU_ASSERT_TRUE(ok);
    free(ref.e);
    free(old.e);
    pfxset_free(s);
    pfxset_free(snap);
}

static void test_property_v4(void)
{
    property_run(PFX_V4, 0x1234567u, 120000);
}

static void test_property_v6(void)
{
    property_run(PFX_V6, 0x89abcdefu, 120000);
}

static void test_property_mixed(void)
{
    property_run(0, 0x5eed, 30000);
}

void suite_pfxset(void);
void suite_pfxset(void)
{
    static CU_TestInfo tests[] = {
        {"C7 insert, replace, lookup, covering, inside, remove, iterate", test_examples},
        {"aggregate gives the minimal equivalent set", test_aggregate_examples},
        {"remove compacts the tree: memory stays bounded", test_remove_compacts},
        {"insertion after removal", test_insert_after_remove},
        {"C7 120000 random IPv4 operations match a brute-force reference", test_property_v4},
        {"C7 120000 random IPv6 operations match a brute-force reference", test_property_v6},
        {"C7 30000 random mixed-family operations match a brute-force reference",
         test_property_mixed},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("pfxset", tests);
}
