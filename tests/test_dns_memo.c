/* Tests of sim/dns_memo and its use by dns_resolve: a remembered answer is byte for byte the
 * answer a fresh resolution gives (ids patched), every kind of change forgets, the bounds hold,
 * and everything is deterministic. The reference is the same db with the memo off. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_memo.h"
#include "dns_testutil.h"
#include "rng.h"

#define A LDNS_RR_TYPE_A
#define AAAA LDNS_RR_TYPE_AAAA

/* ---- Twins: the same db three times, memo on (default limits), memo tiny, memo off ---- */

enum { MEMO_ON, MEMO_TINY, MEMO_OFF, NTWINS };

typedef struct {
    dns_db_t *db[NTWINS];
    unsigned compared; /* answers compared byte for byte */
    unsigned roundtrips; /* answers re-encoded by ldns_pkt2wire and found equal */
    uint64_t digest; /* FNV-1a of every answer's rc and bytes */
    uint64_t last;   /* FNV-1a of the last answer's rc and bytes */
} twins_t;

static void twins_init(twins_t *t)
{
    memset(t, 0, sizeof *t);
    t->digest = 0xcbf29ce484222325ULL;
    for (int i = 0; i < NTWINS; i++) {
        t->db[i] = dns_db_new();
        CU_ASSERT_PTR_NOT_NULL_FATAL(t->db[i]);
    }
    dns_memo_set_limits(dns_db_memo(t->db[MEMO_TINY]), 5, 1200);
    dns_memo_set_limits(dns_db_memo(t->db[MEMO_OFF]), 0, 0);
}

static void twins_free(twins_t *t)
{
    for (int i = 0; i < NTWINS; i++)
        dns_db_free(t->db[i]);
}

static void digest_bytes(twins_t *t, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        t->digest = (t->digest ^ p[i]) * 0x100000001b3ULL;
        t->last = (t->last ^ p[i]) * 0x100000001b3ULL;
    }
}

/* The same change on every twin: each must succeed or fail alike. call_with_db is evaluated
 * once per twin, so it must draw no random numbers. */
#define TWINS_APPLY(t, rc_out, call_with_db)                                                   \
    do {                                                                                       \
        int rcs_[NTWINS];                                                                      \
        for (int i_ = 0; i_ < NTWINS; i_++) {                                                  \
            dns_db_t *db = (t)->db[i_];                                                        \
            errinfo_t err = {{0}};                                                             \
            rcs_[i_] = (call_with_db);                                                         \
        }                                                                                      \
        CU_ASSERT_EQUAL(rcs_[MEMO_ON], rcs_[MEMO_OFF]);                                        \
        CU_ASSERT_EQUAL(rcs_[MEMO_TINY], rcs_[MEMO_OFF]);                                      \
        (rc_out) = rcs_[MEMO_OFF];                                                             \
    } while (0)

static bool answers_equal(const dns_answer_t *x, const dns_answer_t *y)
{
    return x->len == y->len && (x->len == 0 || memcmp(x->wire, y->wire, x->len) == 0) &&
           x->rcode == y->rcode && x->scripted == y->scripted &&
           x->from_cache == y->from_cache && x->truncated == y->truncated &&
           x->ancount == y->ancount && x->chain_len == y->chain_len &&
           strcmp(x->first_addr, y->first_addr) == 0;
}

/* ldns_pkt2wire of the parsed message gives the same bytes: the messages are exactly what
 * ldns builds (same header, same compression). */
static void check_roundtrip(twins_t *t, const dns_answer_t *a)
{
    ldns_pkt *p = NULL;
    if (ldns_wire2pkt(&p, a->wire, a->len) != LDNS_STATUS_OK) {
        CU_FAIL("an answer does not parse");
        return;
    }
    uint8_t *w = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL(ldns_pkt2wire(&w, p, &len), LDNS_STATUS_OK);
    CU_ASSERT_TRUE(len == a->len && memcmp(w, a->wire, len) == 0);
    t->roundtrips++;
    free(w);
    ldns_pkt_free(p);
}

/* Asks every twin and compares the answers byte for byte; returns the rc. */
static int twins_query(twins_t *t, const char *qname, uint16_t qtype, uint16_t id,
                       const char *region)
{
    dns_answer_t a[NTWINS];
    int rc[NTWINS];
    for (int i = 0; i < NTWINS; i++) {
        errinfo_t err = {{0}};
        rc[i] = dns_resolve(t->db[i], qname, qtype, id, region, &a[i], &err);
    }
    CU_ASSERT_EQUAL(rc[MEMO_ON], rc[MEMO_OFF]);
    CU_ASSERT_EQUAL(rc[MEMO_TINY], rc[MEMO_OFF]);
    bool same = answers_equal(&a[MEMO_ON], &a[MEMO_OFF]) && answers_equal(&a[MEMO_TINY], &a[MEMO_OFF]);
    CU_ASSERT_TRUE(same);
    if (!same)
        fprintf(stderr, "memo differs: %s type %u region %s\n", qname, qtype,
                region ? region : "(none)");
    t->compared++;
    t->last = 0xcbf29ce484222325ULL;
    if (rc[MEMO_OFF] == 0 && !a[MEMO_OFF].scripted && a[MEMO_OFF].len >= 12)
        check_roundtrip(t, &a[MEMO_OFF]);
    digest_bytes(t, &rc[MEMO_OFF], sizeof rc[MEMO_OFF]);
    if (a[MEMO_OFF].len > 0)
        digest_bytes(t, a[MEMO_OFF].wire, a[MEMO_OFF].len);
    for (int i = 0; i < NTWINS; i++)
        dns_answer_clear(&a[i]);
    return rc[MEMO_OFF];
}

/* ---- The world of the property test ---- */

static void twins_add(twins_t *t, const char *origin, const char *view, const char *const *rrs,
                      size_t n)
{
    int rc;
    TWINS_APPLY(t, rc, dns_db_add_records(db, origin, view, rrs, n, &err));
    CU_ASSERT_EQUAL(rc, 0);
}

static void world(twins_t *t)
{
    const char *com[] = {
        "@ 3600 IN SOA ns hostmaster 1 3600 600 86400 120",
        "www 300 IN A 192.0.2.1",
        "www 300 IN A 192.0.2.2",
        "www 300 IN AAAA 2001:db8::1",
        "alias 300 IN CNAME www",
        "chain1 300 IN CNAME chain2",
        "chain2 300 IN CNAME alias",
        "loop1 300 IN CNAME loop2",
        "loop2 300 IN CNAME loop1",
        "ext 300 IN CNAME host.example.net.",
        "dangling 300 IN CNAME nowhere.example.net.",
        "away 300 IN CNAME www.example.org.",
        "*.wild 300 IN A 192.0.2.50",
        "*.wild 300 IN AAAA 2001:db8::50",
        "*.cw 300 IN CNAME www",
        "a.b.c 300 IN A 192.0.2.9",
        "mx 300 IN MX 10 www",
        "txt 300 IN TXT \"hello\" \"world\"",
    };
    const char *com_eu[] = {
        "@ 3600 IN SOA ns hostmaster 7 3600 600 86400 30",
        "www 60 IN A 10.0.0.1",
        "*.wild 60 IN CNAME host.example.net.",
    };
    const char *net[] = {
        "@ 3600 IN SOA ns hostmaster 1 3600 600 86400 60",
        "host 60 IN A 203.0.113.1",
        "host 60 IN AAAA 2001:db8::99",
        "*.dyn 60 IN A 203.0.113.7",
    };
    const char *sub[] = {"@ 3600 IN SOA ns hm 3 3600 600 86400 10", "www 30 IN A 198.51.100.1"};
    twins_add(t, "example.com", NULL, com, DT_N(com));
    twins_add(t, "example.com", "eu", com_eu, DT_N(com_eu));
    twins_add(t, "example.net", NULL, net, DT_N(net));
    twins_add(t, "sub.example.com", NULL, sub, DT_N(sub));
}

static const char *const POOL[] = {
    "www.example.com", "alias.example.com", "chain1.example.com", "loop1.example.com",
    "ext.example.com", "dangling.example.com", "away.example.com", "x.wild.example.com",
    "y.z.wild.example.com", "q.cw.example.com", "b.c.example.com", "a.b.c.example.com",
    "mx.example.com", "txt.example.com", "nothere.example.com", "example.com",
    "www.sub.example.com", "sub.example.com", "host.example.net", "p.dyn.example.net",
    "example.net", "www.example.org", "new1.example.com", "new2.example.com",
    "raw.example.com", "scripted.test", "www.new.example.com",
};
static const uint16_t QTYPES[] = {A, A, A, AAAA, LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_TXT,
                                  LDNS_RR_TYPE_MX, LDNS_RR_TYPE_ANY, LDNS_RR_TYPE_SOA};
static const char *const REGIONS[] = {NULL, NULL, "eu", "us", ""};

/* A name from the pool, sometimes with letters in upper case or a trailing dot: the question
 * echoes the name as asked, so these are different questions with different bytes. */
static void random_name(rng_t *r, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", POOL[rng_below(r, DT_N(POOL))]);
    if (rng_below(r, 4) == 0)
        for (char *p = buf; *p; p++)
            if (*p >= 'a' && *p <= 'z' && rng_below(r, 3) == 0)
                *p = (char)(*p - 'a' + 'A');
    if (rng_below(r, 5) == 0 && strlen(buf) + 2 < cap)
        strcat(buf, ".");
}

static const char *const ADDS[] = {
    "new1 300 IN A 192.0.2.101", "new2 300 IN CNAME www", "www 300 IN A 192.0.2.3",
    "*.wild 300 IN TXT \"wild\"", "txt 300 IN TXT \"more\"", "alias 300 IN A 192.0.2.4",
    "b.c 300 IN A 192.0.2.10", "*.new 300 IN CNAME chain1",
};
static const char *const SET_TARGETS[] = {"www.example.com.", "host.example.net.",
                                          "loop1.example.com.", "x.wild.example.com."};

static void random_change(twins_t *t, rng_t *r, unsigned step)
{
    int rc;
    char text[128];
    const char *view = rng_below(r, 4) == 0 ? "eu" : NULL;
    switch (rng_below(r, 8)) {
    case 0: {
        const char *rr = ADDS[rng_below(r, DT_N(ADDS))];
        TWINS_APPLY(t, rc, dns_db_add_rr(db, "example.com", view, rr, &err));
        break;
    }
    case 1: {
        const char *rr = rng_below(r, 2) ? ADDS[rng_below(r, DT_N(ADDS))] : "www 1 IN A 192.0.2.1";
        TWINS_APPLY(t, rc, dns_db_remove_rr(db, "example.com", view, rr, &err));
        break;
    }
    case 2: {
        snprintf(text, sizeof text, "www 300 IN A 192.0.2.%u", step % 250);
        const char *rrs[] = {text};
        size_t n = rng_below(r, 3) == 0 ? 0 : 1;
        TWINS_APPLY(t, rc, dns_db_set_rrs(db, "example.com", view, "www.example.com", A, rrs, n,
                                          &err));
        break;
    }
    case 3: {
        snprintf(text, sizeof text, "chain2 300 IN CNAME %s",
                 SET_TARGETS[rng_below(r, DT_N(SET_TARGETS))]);
        const char *rrs[] = {text};
        TWINS_APPLY(t, rc, dns_db_set_rrs(db, "example.com", NULL, "chain2.example.com",
                                          LDNS_RR_TYPE_CNAME, rrs, 1, &err));
        break;
    }
    case 4: { /* D5 scripts: records, an rcode, or raw bytes of 0..13 bytes */
        static const char *const hexes[] = {"", "ab", "abcd", "abcdef",
                                            "abcd 8183 0000 0000 0000 0000 ff"};
        const char *rr[] = {"raw.example.com. 30 IN A 192.0.2.200",
                            "raw.example.com. 30 IN A 192.0.2.200"};
        dns_script_t s = {rr, 1 + rng_below(r, 2), (uint8_t)rng_below(r, 6), NULL};
        if (rng_below(r, 2))
            s = (dns_script_t){NULL, 0, 0, hexes[rng_below(r, DT_N(hexes))]};
        const char *name = rng_below(r, 2) ? "raw.example.com" : "scripted.test";
        uint16_t type = rng_below(r, 2) ? A : 0;
        TWINS_APPLY(t, rc, dns_db_script(db, name, type, &s, &err));
        break;
    }
    case 5: {
        const char *name = rng_below(r, 2) ? "raw.example.com" : "scripted.test";
        uint16_t type = rng_below(r, 2) ? A : 0;
        TWINS_APPLY(t, rc, dns_db_unscript(db, name, type, &err));
        break;
    }
    case 6: {
        const char *rrs[] = {"www 300 IN A 192.0.2.222", "deep.www 300 IN A 192.0.2.223"};
        const char *origin = rng_below(r, 2) ? "new.example.com" : "example.org";
        const char *region = rng_below(r, 2) ? "us" : NULL;
        TWINS_APPLY(t, rc, dns_db_add_records(db, origin, region, rrs, DT_N(rrs), &err));
        break;
    }
    default: { /* a change that fails: the db is as before, answers too */
        const char *rrs[] = {"alias 300 IN A 192.0.2.77"}; /* beside a CNAME: D1 refuses */
        TWINS_APPLY(t, rc, dns_db_set_rrs(db, "example.com", NULL, "alias.example.com", A, rrs,
                                          1, &err));
        CU_ASSERT_EQUAL(rc, -1);
        break;
    }
    }
    (void)rc;
}

/* Runs `steps` random queries and changes from `seed`; returns the twins (caller frees). */
static void run_property(twins_t *t, uint64_t seed, unsigned steps)
{
    twins_init(t);
    world(t);
    rng_t r;
    rng_init(&r, seed, 7);
    /* Recent questions come back often (as the connectors of an app ask the same one), so
     * that the memo answers many of them. */
    enum { RECENT = 16 };
    char recent[RECENT][300];
    uint16_t recent_type[RECENT];
    const char *recent_region[RECENT];
    unsigned nrecent = 0;
    for (unsigned step = 0; step < steps; step++) {
        if (rng_below(&r, 25) == 0) {
            random_change(t, &r, step);
            continue;
        }
        unsigned k;
        if (nrecent > 0 && rng_below(&r, 3) != 0) {
            k = (unsigned)rng_below(&r, nrecent < RECENT ? nrecent : RECENT);
        } else {
            k = nrecent++ % RECENT;
            random_name(&r, recent[k], sizeof recent[k]);
            recent_type[k] = QTYPES[rng_below(&r, DT_N(QTYPES))];
            recent_region[k] = REGIONS[rng_below(&r, DT_N(REGIONS))];
        }
        twins_query(t, recent[k], recent_type[k], (uint16_t)rng_next_u64(&r), recent_region[k]);
    }
}

static void test_property_memo_equals_fresh(void)
{
    twins_t t;
    run_property(&t, 20240611, 4000);
    dns_memo_stats_t on = dns_memo_stats(dns_db_memo(t.db[MEMO_ON]));
    dns_memo_stats_t tiny = dns_memo_stats(dns_db_memo(t.db[MEMO_TINY]));
    dns_memo_stats_t off = dns_memo_stats(dns_db_memo(t.db[MEMO_OFF]));
    /* The comparisons mean something only if the memo answered many of them. */
    CU_ASSERT_TRUE(on.hits > 1000);
    CU_ASSERT_TRUE(on.clears > 100);
    CU_ASSERT_TRUE(tiny.hits > 100);
    CU_ASSERT_TRUE(tiny.evictions > 100);
    CU_ASSERT_TRUE(tiny.entries <= 5 && tiny.bytes <= 1200);
    CU_ASSERT_EQUAL(off.hits + off.stores + off.entries, 0);
    CU_ASSERT_TRUE(t.compared > 3000);
    CU_ASSERT_TRUE(t.roundtrips > 2000);
    twins_free(&t);
}

static void test_property_deterministic(void)
{
    twins_t t1, t2;
    run_property(&t1, 99, 1500);
    run_property(&t2, 99, 1500);
    dns_memo_stats_t s1 = dns_memo_stats(dns_db_memo(t1.db[MEMO_TINY]));
    dns_memo_stats_t s2 = dns_memo_stats(dns_db_memo(t2.db[MEMO_TINY]));
    CU_ASSERT_EQUAL(t1.digest, t2.digest);
    CU_ASSERT_EQUAL(s1.hits, s2.hits);
    CU_ASSERT_EQUAL(s1.misses, s2.misses);
    CU_ASSERT_EQUAL(s1.evictions, s2.evictions);
    CU_ASSERT_EQUAL(s1.bytes, s2.bytes);
    CU_ASSERT_EQUAL(dns_db_generation(t1.db[MEMO_ON]), dns_db_generation(t2.db[MEMO_ON]));
    twins_free(&t1);
    twins_free(&t2);
    /* A different seed asks different questions: the digest does notice. */
    twins_t t3;
    run_property(&t3, 100, 1500);
    CU_ASSERT_NOT_EQUAL(t1.digest, t3.digest);
    twins_free(&t3);
}

/* ---- Every kind of change forgets ---- */

/* Asks (name, type, region) twice on the twins (the second time the memo answers), applies a
 * change through `change`, asks again: the answer must now differ from the first (the change
 * matters) and still equal the fresh one (twins_query compares). */
typedef int (*change_fn)(dns_db_t *db, errinfo_t *err);

static void check_forgets(const char *what, change_fn change, int want_rc, const char *name,
                          uint16_t type, const char *region)
{
    twins_t t;
    twins_init(&t);
    world(&t);
    twins_query(&t, name, type, 1, region);
    uint64_t before = t.last;
    twins_query(&t, name, type, 1, region);
    dns_memo_stats_t st = dns_memo_stats(dns_db_memo(t.db[MEMO_ON]));
    CU_ASSERT_EQUAL(st.hits, 1);
    uint64_t gen = dns_db_generation(t.db[MEMO_ON]);
    int rc;
    TWINS_APPLY(&t, rc, change(db, &err));
    CU_ASSERT_EQUAL(rc, want_rc);
    CU_ASSERT_TRUE(dns_db_generation(t.db[MEMO_ON]) > gen);
    twins_query(&t, name, type, 1, region);
    uint64_t after = t.last;
    if (want_rc == 0) {
        CU_ASSERT_NOT_EQUAL(before, after);
        if (before == after)
            fprintf(stderr, "change '%s' did not change the answer\n", what);
    }
    st = dns_memo_stats(dns_db_memo(t.db[MEMO_ON]));
    CU_ASSERT_EQUAL(st.hits, 1); /* the third question was resolved afresh */
    CU_ASSERT_EQUAL(st.clears, 1);
    twins_free(&t);
}

static int ch_add_rr(dns_db_t *db, errinfo_t *err)
{
    return dns_db_add_rr(db, "example.com", NULL, "www 300 IN A 192.0.2.3", err);
}
static int ch_remove_rr(dns_db_t *db, errinfo_t *err)
{
    return dns_db_remove_rr(db, "example.com", NULL, "www 300 IN A 192.0.2.1", err);
}
static int ch_set_rrs(dns_db_t *db, errinfo_t *err)
{
    const char *rrs[] = {"alias 300 IN CNAME host.example.net."};
    return dns_db_set_rrs(db, "example.com", NULL, "alias.example.com", LDNS_RR_TYPE_CNAME, rrs,
                          1, err);
}
static int ch_add_records_zone(dns_db_t *db, errinfo_t *err)
{
    const char *rrs[] = {"www 300 IN A 192.0.2.222"};
    return dns_db_add_records(db, "example.org", NULL, rrs, 1, err);
}
static int ch_add_records_view(dns_db_t *db, errinfo_t *err)
{
    const char *rrs[] = {"www 300 IN A 10.9.9.9"};
    return dns_db_add_records(db, "example.com", "us", rrs, 1, err);
}
static int ch_add_zone_file(dns_db_t *db, errinfo_t *err)
{
    return dns_db_add_zone_file(db, "tests/data/zones/rfc4592.zone", NULL, NULL, err);
}
static int ch_script(dns_db_t *db, errinfo_t *err)
{
    dns_script_t s = {NULL, 0, 0, "0000 8185 0000 0000 0000 0000"};
    return dns_db_script(db, "www.example.com", 0, &s, err);
}
static int ch_unscript(dns_db_t *db, errinfo_t *err)
{
    return dns_db_unscript(db, "www.example.com", 0, err);
}
static int ch_failing(dns_db_t *db, errinfo_t *err)
{
    return dns_db_add_rr(db, "example.com", NULL, "alias 300 IN A 192.0.2.1", err);
}

static void test_each_change_forgets(void)
{
    check_forgets("add_rr", ch_add_rr, 0, "www.example.com", A, NULL);
    check_forgets("remove_rr", ch_remove_rr, 0, "alias.example.com", A, NULL);
    check_forgets("set_rrs", ch_set_rrs, 0, "chain1.example.com", A, NULL);
    check_forgets("add_records zone", ch_add_records_zone, 0, "www.example.org", A, NULL);
    check_forgets("add_records view", ch_add_records_view, 0, "www.example.com", A, "us");
    check_forgets("add_zone_file", ch_add_zone_file, 0, "host1.example", A, NULL);
    check_forgets("script", ch_script, 0, "www.example.com", A, "eu");
    /* A failed change bumps the generation too: answers are recomputed, and equal. */
    check_forgets("failing add_rr", ch_failing, -1, "alias.example.com", A, NULL);
}

static void test_unscript_forgets(void)
{
    /* unscript needs a script first: script, ask twice, unscript, ask again. */
    twins_t t;
    twins_init(&t);
    world(&t);
    int rc;
    TWINS_APPLY(&t, rc, ch_script(db, &err));
    CU_ASSERT_EQUAL(rc, 0);
    dns_answer_t a;
    errinfo_t e = {{0}};
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(dns_resolve(t.db[MEMO_ON], "www.example.com", A, 5, NULL, &a, &e), 0);
        CU_ASSERT_TRUE(a.scripted);
        CU_ASSERT_EQUAL(a.rcode, LDNS_RCODE_REFUSED);
        dns_answer_clear(&a);
    }
    TWINS_APPLY(&t, rc, ch_unscript(db, &err));
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(dns_resolve(t.db[MEMO_ON], "www.example.com", A, 5, NULL, &a, &e), 0);
    CU_ASSERT_FALSE(a.scripted);
    CU_ASSERT_EQUAL(a.rcode, LDNS_RCODE_NOERROR);
    CU_ASSERT_STRING_EQUAL(a.first_addr, "192.0.2.1");
    dns_answer_clear(&a);
    twins_query(&t, "www.example.com", A, 5, NULL);
    twins_free(&t);
}

/* ---- Ids ---- */

static void test_id_written_as_dns_resolve_does(void)
{
    static const struct {
        const char *hex;
        size_t len;
        int rcode; /* the header's, or -1 when ldns cannot parse the bytes */
    } raws[] = {{"", 0, -1},
                {"ab", 1, -1},
                {"abcd", 2, -1},
                {"abcdef", 3, -1},
                {"abcd 8183 0000", 6, -1},
                {"abcd 8183 0000 0000 0000 0000", 12, 3}};
    for (size_t k = 0; k < DT_N(raws); k++) {
        twins_t t;
        twins_init(&t);
        world(&t);
        int rc;
        dns_script_t s = {NULL, 0, 0, raws[k].hex};
        TWINS_APPLY(&t, rc, dns_db_script(db, "raw.example.com", A, &s, &err));
        CU_ASSERT_EQUAL(rc, 0);
        for (uint16_t id = 0x1200; id < 0x1204; id++) {
            twins_query(&t, "raw.example.com", A, id, NULL);
            dns_answer_t a;
            errinfo_t err = {{0}};
            CU_ASSERT_EQUAL(dns_resolve(t.db[MEMO_ON], "raw.example.com", A, id, NULL, &a, &err), 0);
            CU_ASSERT_EQUAL(a.len, raws[k].len);
            CU_ASSERT_TRUE(a.scripted);
            if (a.len == 1)
                CU_ASSERT_EQUAL(a.wire[0], 0xab); /* too short to carry an id: as given */
            if (a.len >= 2)
                CU_ASSERT_TRUE(a.wire[0] == 0x12 && a.wire[1] == (uint8_t)id);
            CU_ASSERT_EQUAL(a.rcode, raws[k].rcode);
            CU_ASSERT_EQUAL(a.len == 0, a.wire == NULL);
            dns_answer_clear(&a);
        }
        dns_memo_stats_t st = dns_memo_stats(dns_db_memo(t.db[MEMO_ON]));
        CU_ASSERT_EQUAL(st.stores, 1);
        CU_ASSERT_EQUAL(st.hits, 7);
        twins_free(&t);
    }
    /* Built messages: the id of each asker, every time. */
    twins_t t;
    twins_init(&t);
    world(&t);
    for (unsigned id = 0; id < 70000; id += 7001) {
        dt_msg_t m;
        dns_answer_t a;
        errinfo_t err = {{0}};
        CU_ASSERT_EQUAL(dns_resolve(t.db[MEMO_ON], "chain1.example.com", A, (uint16_t)id, NULL,
                                    &a, &err), 0);
        dt_parse(a.wire, a.len, &m);
        CU_ASSERT_EQUAL(m.id, (uint16_t)id);
        CU_ASSERT_STRING_EQUAL(m.answer, "chain1.example.com. CNAME chain2.example.com. | "
                                         "chain2.example.com. CNAME alias.example.com. | "
                                         "alias.example.com. CNAME www.example.com. | "
                                         "www.example.com. A 192.0.2.1 | "
                                         "www.example.com. A 192.0.2.2");
        CU_ASSERT_EQUAL(a.chain_len, 3);
        dns_answer_clear(&a);
        twins_query(&t, "chain1.example.com", A, (uint16_t)id, NULL);
    }
    CU_ASSERT_TRUE(dns_memo_stats(dns_db_memo(t.db[MEMO_ON])).hits >= 18);
    twins_free(&t);
}

/* ---- Keys ---- */

static void test_key_is_name_as_written_type_and_region(void)
{
    twins_t t;
    twins_init(&t);
    world(&t);
    /* The question echoes the case asked, and a wildcard owner copies it: different bytes. */
    const char *names[] = {"x.wild.example.com", "X.Wild.example.com", "x.wild.example.com.",
                           "X.WILD.EXAMPLE.COM"};
    const char *regions[] = {NULL, "", "eu", "us", "EU"};
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < DT_N(names); i++)
            for (size_t j = 0; j < DT_N(regions); j++) {
                twins_query(&t, names[i], A, 3, regions[j]);
                twins_query(&t, names[i], AAAA, 3, regions[j]);
            }
    dns_memo_stats_t st = dns_memo_stats(dns_db_memo(t.db[MEMO_ON]));
    CU_ASSERT_EQUAL(st.stores, DT_N(names) * DT_N(regions) * 2);
    CU_ASSERT_EQUAL(st.hits, DT_N(names) * DT_N(regions) * 2);
    /* The region picks the view (D3): eu's wildcard is a CNAME. */
    dt_msg_t m;
    dt_query(t.db[MEMO_ON], "X.Wild.example.com", A, "eu", &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "X.Wild.example.com. CNAME host.example.net. | "
                                     "host.example.net. A 203.0.113.1");
    CU_ASSERT_STRING_EQUAL(m.question, "X.Wild.example.com. A");
    dt_query(t.db[MEMO_ON], "X.Wild.example.com", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "X.Wild.example.com. A 192.0.2.50");
    twins_free(&t);
}

/* ---- Bounds ---- */

static void query_n(dns_db_t *db, unsigned from, unsigned to, const char *fmt)
{
    for (unsigned i = from; i < to; i++) {
        char name[64];
        snprintf(name, sizeof name, fmt, i);
        dns_answer_t a;
        errinfo_t err = {{0}};
        CU_ASSERT_EQUAL(dns_resolve(db, name, A, 9, NULL, &a, &err), 0);
        dns_answer_clear(&a);
    }
}

static void test_entry_bound(void)
{
    twins_t t;
    twins_init(&t);
    world(&t);
    dns_db_t *db = t.db[MEMO_ON];
    dns_memo_t *memo = dns_db_memo(db);
    dns_memo_set_limits(memo, 10, DNS_MEMO_DEFAULT_MAX_BYTES);
    query_n(db, 0, 100, "n%u.example.com");
    dns_memo_stats_t st = dns_memo_stats(memo);
    CU_ASSERT_EQUAL(st.entries, 10);
    CU_ASSERT_EQUAL(st.stores, 100);
    CU_ASSERT_EQUAL(st.evictions, 90);
    /* The last ten are held, the others were evicted. */
    query_n(db, 90, 100, "n%u.example.com");
    CU_ASSERT_EQUAL(dns_memo_stats(memo).hits, 10);
    query_n(db, 0, 1, "n%u.example.com");
    CU_ASSERT_EQUAL(dns_memo_stats(memo).hits, 10);
    CU_ASSERT_EQUAL(dns_memo_stats(memo).entries, 10);
    twins_free(&t);
}

static void test_byte_bound(void)
{
    twins_t t;
    twins_init(&t);
    world(&t);
    dns_db_t *db = t.db[MEMO_ON];
    dns_memo_t *memo = dns_db_memo(db);
    const size_t cap = 1000;
    dns_memo_set_limits(memo, 1000, cap);
    for (unsigned i = 0; i < 50; i++) {
        query_n(db, i, i + 1, "n%u.example.com");
        dns_memo_stats_t st = dns_memo_stats(memo);
        CU_ASSERT_TRUE(st.bytes <= cap);
        CU_ASSERT_TRUE(st.entries >= 1);
    }
    dns_memo_stats_t st = dns_memo_stats(memo);
    CU_ASSERT_TRUE(st.entries < 10); /* an NXDOMAIN answer with its key takes > 100 bytes */
    CU_ASSERT_TRUE(st.evictions > 40);
    /* An answer bigger than the whole memo is not remembered, and is still right. */
    dns_memo_set_limits(memo, 1000, 64);
    dns_memo_stats_t st0 = dns_memo_stats(memo);
    twins_query(&t, "chain1.example.com", A, 1, NULL);
    twins_query(&t, "chain1.example.com", A, 1, NULL);
    st = dns_memo_stats(memo);
    CU_ASSERT_EQUAL(st.stores, st0.stores);
    CU_ASSERT_EQUAL(st.hits, st0.hits);
    CU_ASSERT_EQUAL(st.misses, st0.misses + 2);
    CU_ASSERT_EQUAL(st.entries, 0);
    CU_ASSERT_EQUAL(st.bytes, 0);
    twins_free(&t);
}

static void test_least_recently_used_goes_first(void)
{
    twins_t t;
    twins_init(&t);
    world(&t);
    dns_db_t *db = t.db[MEMO_ON];
    dns_memo_t *memo = dns_db_memo(db);
    dns_memo_set_limits(memo, 2, DNS_MEMO_DEFAULT_MAX_BYTES);
    query_n(db, 1, 2, "n%u.example.com"); /* a */
    query_n(db, 2, 3, "n%u.example.com"); /* b */
    query_n(db, 1, 2, "n%u.example.com"); /* a: hit, now the most recent */
    query_n(db, 3, 4, "n%u.example.com"); /* c: evicts b */
    CU_ASSERT_EQUAL(dns_memo_stats(memo).hits, 1);
    query_n(db, 1, 2, "n%u.example.com"); /* a: hit */
    CU_ASSERT_EQUAL(dns_memo_stats(memo).hits, 2);
    query_n(db, 2, 3, "n%u.example.com"); /* b: miss */
    CU_ASSERT_EQUAL(dns_memo_stats(memo).hits, 2);
    CU_ASSERT_EQUAL(dns_memo_stats(memo).evictions, 2);
    twins_free(&t);
}

static void test_truncated_answer_remembered(void)
{
    /* An RRset too big for 65535 bytes: the answer keeps what fits, with TC (dns_resolve.h). */
    twins_t t;
    twins_init(&t);
    const size_t n = 1200;
    char **texts = calloc(n, sizeof *texts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(texts);
    for (size_t i = 0; i < n; i++) {
        texts[i] = malloc(128);
        CU_ASSERT_PTR_NOT_NULL_FATAL(texts[i]);
        snprintf(texts[i], 128, "big 300 IN TXT \"%04zu %s\"", i,
                 "0123456789012345678901234567890123456789012345678901234567890123456789");
    }
    int rc;
    TWINS_APPLY(&t, rc, dns_db_add_records(db, "example.com", NULL, (const char *const *)texts, n,
                                           &err));
    CU_ASSERT_EQUAL(rc, 0);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    twins_query(&t, "big.example.com", LDNS_RR_TYPE_TXT, 1, NULL);
    twins_query(&t, "big.example.com", LDNS_RR_TYPE_TXT, 2, NULL);
    dns_answer_t a;
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(dns_resolve(t.db[MEMO_ON], "big.example.com", LDNS_RR_TYPE_TXT, 3, NULL, &a,
                                &err), 0);
    CU_ASSERT_TRUE(a.truncated);
    CU_ASSERT_TRUE(a.len <= DNS_MAX_MESSAGE && a.ancount < n);
    CU_ASSERT_EQUAL(dns_memo_stats(dns_db_memo(t.db[MEMO_ON])).hits, 2);
    dns_answer_clear(&a);
    twins_free(&t);
}

/* ---- Bad input ---- */

static void test_bad_questions_not_remembered(void)
{
    twins_t t;
    twins_init(&t);
    world(&t);
    dns_db_t *db = t.db[MEMO_ON];
    const char *bad[] = {"a..example.com", "x.example.com..",
                         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                         ".example.com"};
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < DT_N(bad); i++) {
            dns_answer_t a;
            errinfo_t err = {{0}};
            CU_ASSERT_EQUAL(dns_resolve(db, bad[i], A, 1, NULL, &a, &err), -1);
            CU_ASSERT_PTR_NULL(a.wire);
            CU_ASSERT_EQUAL(a.len, 0);
            CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not a valid domain name"));
        }
    dns_answer_t a;
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(dns_resolve(db, NULL, A, 1, NULL, &a, &err), -1);
    CU_ASSERT_PTR_NULL(a.wire);
    dns_memo_stats_t st = dns_memo_stats(dns_db_memo(db));
    CU_ASSERT_EQUAL(st.stores, 0);
    CU_ASSERT_EQUAL(st.hits, 0);
    twins_free(&t);
}

/* ---- The memo on its own ---- */

static void test_memo_api(void)
{
    /* NULL and off memos remember nothing and never fail. */
    dns_answer_t got = {0};
    dns_answer_t ans = {0};
    uint8_t bytes[14] = {0, 0, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0xde, 0xad};
    ans.wire = bytes;
    ans.len = sizeof bytes;
    ans.rcode = 0;
    ans.ancount = 1;
    snprintf(ans.first_addr, sizeof ans.first_addr, "192.0.2.1");
    dns_memo_put(NULL, 1, "a.test", A, NULL, &ans);
    CU_ASSERT_FALSE(dns_memo_get(NULL, 1, "a.test", A, NULL, 1, &got));
    dns_memo_set_limits(NULL, 1, 1);
    dns_memo_clear(NULL);
    CU_ASSERT_EQUAL(dns_memo_stats(NULL).entries, 0);
    dns_memo_free(NULL);

    dns_memo_t *m = dns_memo_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    dns_memo_put(m, 1, NULL, A, NULL, &ans);   /* no name: ignored */
    dns_memo_put(m, 1, "a.test", A, NULL, NULL); /* no answer: ignored */
    dns_answer_t broken = {0};
    broken.len = 5; /* bytes claimed but absent: ignored */
    dns_memo_put(m, 1, "a.test", A, NULL, &broken);
    CU_ASSERT_EQUAL(dns_memo_stats(m).entries, 0);

    dns_memo_put(m, 1, "a.test", A, "r", &ans);
    CU_ASSERT_FALSE(dns_memo_get(m, 1, "a.test", A, NULL, 7, &got)); /* other region */
    CU_ASSERT_FALSE(dns_memo_get(m, 1, "a.test", A, "", 7, &got));
    CU_ASSERT_FALSE(dns_memo_get(m, 1, "a.test", AAAA, "r", 7, &got));
    CU_ASSERT_FALSE(dns_memo_get(m, 1, "A.test", A, "r", 7, &got));
    CU_ASSERT_FALSE(dns_memo_get(m, 1, NULL, A, "r", 7, &got));
    CU_ASSERT_TRUE(dns_memo_get(m, 1, "a.test", A, "r", 0x0102, &got));
    CU_ASSERT_EQUAL(got.len, sizeof bytes);
    CU_ASSERT_TRUE(got.wire != bytes && got.wire[0] == 1 && got.wire[1] == 2);
    CU_ASSERT_EQUAL(memcmp(got.wire + 2, bytes + 2, sizeof bytes - 2), 0);
    CU_ASSERT_STRING_EQUAL(got.first_addr, "192.0.2.1");
    CU_ASSERT_EQUAL(got.ancount, 1);
    dns_answer_clear(&got);

    /* Replacing: the later answer wins, one entry. */
    bytes[13] = 0xef;
    dns_memo_put(m, 1, "a.test", A, "r", &ans);
    CU_ASSERT_EQUAL(dns_memo_stats(m).entries, 1);
    CU_ASSERT_TRUE(dns_memo_get(m, 1, "a.test", A, "r", 0, &got));
    CU_ASSERT_EQUAL(got.wire[13], 0xef);
    dns_answer_clear(&got);

    /* Another generation: everything goes, on a lookup as on a store. */
    CU_ASSERT_FALSE(dns_memo_get(m, 2, "a.test", A, "r", 0, &got));
    dns_memo_stats_t st = dns_memo_stats(m);
    CU_ASSERT_EQUAL(st.entries, 0);
    CU_ASSERT_EQUAL(st.bytes, 0);
    CU_ASSERT_EQUAL(st.clears, 1);
    dns_memo_put(m, 2, "a.test", A, "r", &ans);
    dns_memo_put(m, 3, "b.test", A, "r", &ans);
    CU_ASSERT_EQUAL(dns_memo_stats(m).entries, 1);
    CU_ASSERT_FALSE(dns_memo_get(m, 3, "a.test", A, "r", 0, &got));

    /* Off: nothing stored, nothing found. */
    dns_memo_set_limits(m, 0, 100);
    dns_memo_put(m, 3, "b.test", A, "r", &ans);
    CU_ASSERT_FALSE(dns_memo_get(m, 3, "b.test", A, "r", 0, &got));
    CU_ASSERT_EQUAL(dns_memo_stats(m).entries, 0);

    /* Many entries: the table grows, every one is found again. */
    dns_memo_set_limits(m, 5000, DNS_MEMO_DEFAULT_MAX_BYTES);
    for (unsigned i = 0; i < 3000; i++) {
        char name[32];
        snprintf(name, sizeof name, "n%u.test", i);
        bytes[13] = (uint8_t)i;
        dns_memo_put(m, 3, name, A, NULL, &ans);
    }
    CU_ASSERT_EQUAL(dns_memo_stats(m).entries, 3000);
    unsigned found = 0;
    for (unsigned i = 0; i < 3000; i++) {
        char name[32];
        snprintf(name, sizeof name, "n%u.test", i);
        if (dns_memo_get(m, 3, name, A, NULL, 0, &got) && got.wire[13] == (uint8_t)i)
            found++;
        dns_answer_clear(&got);
    }
    CU_ASSERT_EQUAL(found, 3000);
    dns_memo_free(m);
}

static void test_db_default_memo(void)
{
    dns_db_t *db = dns_db_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_PTR_NOT_NULL(dns_db_memo(db));
    CU_ASSERT_EQUAL(dns_db_generation(db), 0);
    const char *rrs[] = {"www 300 IN A 192.0.2.1"};
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", NULL, rrs, 1, &err), 0);
    CU_ASSERT_TRUE(dns_db_generation(db) > 0);
    dt_msg_t m;
    dt_query(db, "www.example.com", A, NULL, &m);
    dt_query(db, "www.example.com", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.example.com. A 192.0.2.1");
    dns_memo_stats_t st = dns_memo_stats(dns_db_memo(db));
    CU_ASSERT_EQUAL(st.hits, 1);
    CU_ASSERT_EQUAL(st.stores, 1);
    dns_db_free(db);
}

void suite_dns_memo(void);
void suite_dns_memo(void)
{
    static CU_TestInfo tests[] = {
        {"D1 D2 D3 D4 D5 memo answers equal fresh ones byte for byte (random queries and changes)",
         test_property_memo_equals_fresh},
        {"D4 memo: the same seed gives the same answers and the same memo", test_property_deterministic},
        {"D4 every kind of change (and a failed one) forgets what was remembered",
         test_each_change_forgets},
        {"D5 unscript forgets the scripted answer", test_unscript_forgets},
        {"D5 the id is written as dns_resolve writes it, raw bytes included",
         test_id_written_as_dns_resolve_does},
        {"D3 the key is the name as written, the type and the region",
         test_key_is_name_as_written_type_and_region},
        {"memo holds at most max_entries", test_entry_bound},
        {"memo holds at most max_bytes; an oversized answer is not held", test_byte_bound},
        {"memo evicts the least recently used first", test_least_recently_used_goes_first},
        {"D2 a truncated answer is remembered as it is", test_truncated_answer_remembered},
        {"bad query names are errors, never remembered", test_bad_questions_not_remembered},
        {"memo API: keys, replacement, generations, off, growth", test_memo_api},
        {"a new db has a memo on, generation 0", test_db_default_memo},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("dns_memo", tests);
}
