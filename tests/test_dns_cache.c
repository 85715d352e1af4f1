/* Tests of sim/dns_cache (D4): TTLs to the nanosecond, TTL 0, negative caching, cached CNAME
 * continuation, D2 limits over cache and db together, scripts (D5) never cached. The db is
 * changed between lookups so that a cached answer and a fresh one differ. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_testutil.h"

#define A LDNS_RR_TYPE_A
#define S 1000000000LL /* one second in ns */
#define T0 (5 * S + 123) /* an arbitrary start, not on a second boundary */

/* Resolves through the cache and parses the answer. */
static void cq(dns_cache_t *c, const dns_db_t *db, const char *qname, uint16_t qtype,
               int64_t now, dt_msg_t *m, int *from_cache)
{
    dns_answer_t a;
    errinfo_t err = {{0}};
    memset(m, 0, sizeof *m);
    int rc = dns_cache_resolve(c, db, qname, qtype, 99, NULL, now, &a, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "dns_cache_resolve(%s): %s\n", qname, err.msg);
        return;
    }
    dt_parse(a.wire, a.len, m);
    CU_ASSERT_TRUE(m->ok);
    if (from_cache != NULL)
        *from_cache = a.from_cache;
    dns_answer_clear(&a);
}

static void set_a(dns_db_t *db, const char *owner, const char *rr)
{
    errinfo_t err = {{0}};
    const char *rrs[] = {rr};
    int rc = dns_db_set_rrs(db, "test", NULL, owner, A, rrs, rr ? 1 : 0, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "set_a: %s\n", err.msg);
}

static dns_db_t *base_db(void)
{
    static const char *rrs[] = {
        "@ 3600 IN SOA ns hm 1 3600 600 86400 60",
        "www 300 IN A 192.0.2.1",
        "zero 0 IN A 192.0.2.2",
        "a 300 IN CNAME b",
        "b 10 IN A 192.0.2.3",
        "txt 300 IN TXT \"t\"",
    };
    return dt_db("test", rrs, DT_N(rrs));
}

static void test_rrset_held_until_exact_expiry(void)
{
    dns_db_t *db = base_db();
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    cq(c, db, "www.test", A, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.test. A 192.0.2.1");
    CU_ASSERT_FALSE(fc);
    CU_ASSERT_EQUAL(m.ttl[0], 300);
    set_a(db, "www.test", "www 300 IN A 198.51.100.1");
    cq(c, db, "www.test", A, T0 + 1 * S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.test. A 192.0.2.1");
    CU_ASSERT_TRUE(fc);
    CU_ASSERT_EQUAL(m.ttl[0], 299);
    cq(c, db, "www.test", A, T0 + 300 * S - 1, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.test. A 192.0.2.1");
    CU_ASSERT_EQUAL(m.ttl[0], 0);
    /* Expired at exactly stored_at + TTL. */
    cq(c, db, "www.test", A, T0 + 300 * S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.test. A 198.51.100.1");
    CU_ASSERT_FALSE(fc);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_ttl_zero_never_cached(void)
{
    dns_db_t *db = base_db();
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    cq(c, db, "zero.test", A, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "zero.test. A 192.0.2.2");
    CU_ASSERT_EQUAL(dns_cache_count(c), 0);
    set_a(db, "zero.test", "zero 0 IN A 198.51.100.2");
    cq(c, db, "zero.test", A, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "zero.test. A 198.51.100.2");
    CU_ASSERT_FALSE(fc);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_set_held_for_smallest_ttl(void)
{
    const char *rrs[] = {"m 300 IN A 192.0.2.1", "m 20 IN A 192.0.2.2"};
    dns_db_t *db = dt_db("test", rrs, DT_N(rrs));
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    cq(c, db, "m.test", A, T0, &m, &fc);
    cq(c, db, "m.test", A, T0 + 20 * S - 1, &m, &fc);
    CU_ASSERT_TRUE(fc);
    CU_ASSERT_EQUAL(m.ttl[0], 0);
    CU_ASSERT_EQUAL(m.ttl[1], 0);
    cq(c, db, "m.test", A, T0 + 20 * S, &m, &fc);
    CU_ASSERT_FALSE(fc);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_nxdomain_cached_for_soa_minimum(void)
{
    dns_db_t *db = base_db();
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    cq(c, db, "new.test", A, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    CU_ASSERT_EQUAL(m.auth_ttl, 60);
    set_a(db, "new.test", "new 300 IN A 192.0.2.9");
    errinfo_t err;
    CU_ASSERT_EQUAL(dns_db_add_rr(db, "test", NULL, "new 300 IN TXT \"now\"", &err), 0);
    cq(c, db, "new.test", A, T0 + 60 * S - 1, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    CU_ASSERT_TRUE(fc);
    CU_ASSERT_STRING_EQUAL(m.authority, "test. SOA ns.test. hm.test. 1 3600 600 86400 60");
    CU_ASSERT_EQUAL(m.auth_ttl, 0);
    /* NXDOMAIN is about the name: every type of it (RFC 2308 5). */
    cq(c, db, "new.test", LDNS_RR_TYPE_TXT, T0 + 30 * S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    CU_ASSERT_TRUE(fc);
    CU_ASSERT_EQUAL(m.auth_ttl, 30);
    cq(c, db, "new.test", A, T0 + 60 * S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "new.test. A 192.0.2.9");
    CU_ASSERT_FALSE(fc);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_nodata_cached_per_type(void)
{
    dns_db_t *db = base_db();
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    cq(c, db, "txt.test", A, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_EQUAL(m.ancount, 0);
    set_a(db, "txt.test", "txt 300 IN A 192.0.2.8");
    cq(c, db, "txt.test", A, T0 + 10 * S, &m, &fc);
    CU_ASSERT_EQUAL(m.ancount, 0);
    CU_ASSERT_EQUAL(m.nscount, 1);
    CU_ASSERT_TRUE(fc);
    /* Another type of the same name is not affected. */
    cq(c, db, "txt.test", LDNS_RR_TYPE_TXT, T0 + 10 * S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "txt.test. TXT \"t\"");
    CU_ASSERT_FALSE(fc);
    cq(c, db, "txt.test", A, T0 + 60 * S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "txt.test. A 192.0.2.8");
    dns_cache_free(c);
    dns_db_free(db);
}

/* D4: negative answers are held for the SOA minimum, whatever the SOA record's own TTL (a TTL
 * below the minimum, 0 included, does not shorten it); a minimum of 0 is never held. */
static void test_negative_held_for_soa_minimum(void)
{
    static const struct {
        const char *soa;
        int64_t held; /* seconds */
    } cases[] = {
        {"@ 30 IN SOA ns hm 1 3600 600 86400 600", 600},
        {"@ 0 IN SOA ns hm 1 3600 600 86400 20", 20},
        {"@ 900 IN SOA ns hm 1 3600 600 86400 45", 45},
        {"@ 300 IN SOA ns hm 1 3600 600 86400 0", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *rrs[] = {cases[k].soa, "x 300 IN TXT \"x\""};
        dns_db_t *db = dt_db("test", rrs, DT_N(rrs));
        dns_cache_t *c = dns_cache_new();
        dt_msg_t m;
        int fc;
        cq(c, db, "gone.test", A, T0, &m, &fc);
        CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
        set_a(db, "gone.test", "gone 300 IN A 192.0.2.7");
        if (cases[k].held > 0) {
            cq(c, db, "gone.test", A, T0 + cases[k].held * S - 1, &m, &fc);
            CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
            CU_ASSERT_TRUE(fc);
        }
        cq(c, db, "gone.test", A, T0 + cases[k].held * S, &m, &fc);
        CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
        CU_ASSERT_EQUAL(m.ancount, 1);
        dns_cache_free(c);
        dns_db_free(db);
    }
}

static void test_cached_cname_continues_with_target(void)
{
    dns_db_t *db = base_db();
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    cq(c, db, "a.test", A, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "a.test. CNAME b.test. | b.test. A 192.0.2.3");
    CU_ASSERT_EQUAL(dns_cache_count(c), 2);
    /* The db moves a elsewhere and changes b; the cached CNAME (300 s) still leads to b,
     * whose A (10 s) has expired and is asked afresh. */
    errinfo_t err;
    const char *cn[] = {"a 300 IN CNAME www"};
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "test", NULL, "a.test", LDNS_RR_TYPE_CNAME, cn, 1, &err), 0);
    set_a(db, "b.test", "b 10 IN A 198.51.100.3");
    cq(c, db, "a.test", A, T0 + 10 * S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "a.test. CNAME b.test. | b.test. A 198.51.100.3");
    CU_ASSERT_TRUE(fc);
    CU_ASSERT_EQUAL(m.ttl[0], 290);
    CU_ASSERT_EQUAL(m.ttl[1], 10);
    /* Once the CNAME expires, the db's new chain is used. */
    cq(c, db, "a.test", A, T0 + 300 * S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "a.test. CNAME www.test. | www.test. A 192.0.2.1");
    /* A cached CNAME answers a CNAME query too. */
    cq(c, db, "a.test", LDNS_RR_TYPE_CNAME, T0 + 301 * S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "a.test. CNAME www.test.");
    CU_ASSERT_TRUE(fc);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_cached_chain_to_negative(void)
{
    const char *rrs[] = {"@ 3600 IN SOA ns hm 1 3600 600 86400 60", "a 300 IN CNAME nx"};
    dns_db_t *db = dt_db("test", rrs, DT_N(rrs));
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    cq(c, db, "a.test", A, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    CU_ASSERT_STRING_EQUAL(m.answer, "a.test. CNAME nx.test.");
    set_a(db, "nx.test", "nx 300 IN A 192.0.2.4");
    /* Entirely from the cache: the CNAME, then nx's NXDOMAIN. */
    cq(c, db, "a.test", A, T0 + 5 * S, &m, &fc);
    CU_ASSERT_TRUE(fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    CU_ASSERT_STRING_EQUAL(m.answer, "a.test. CNAME nx.test.");
    CU_ASSERT_EQUAL(m.nscount, 1);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_loop_across_cache_and_db(void)
{
    const char *rrs[] = {"a 300 IN CNAME b", "b 0 IN A 192.0.2.1"};
    dns_db_t *db = dt_db("test", rrs, DT_N(rrs));
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    cq(c, db, "a.test", A, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    /* Now the db says b -> a and a owns an A: the db alone sees no loop from b, but the whole
     * chain a -> b -> a names a twice. */
    errinfo_t err;
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "test", NULL, "a.test", LDNS_RR_TYPE_CNAME, NULL, 0, &err),
                    0);
    set_a(db, "a.test", "a 300 IN A 192.0.2.2");
    set_a(db, "b.test", NULL);
    const char *cn[] = {"b 300 IN CNAME a"};
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "test", NULL, "b.test", LDNS_RR_TYPE_CNAME, cn, 1, &err), 0);
    cq(c, db, "a.test", A, T0 + S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "SERVFAIL");
    CU_ASSERT_EQUAL(m.ancount, 0);
    CU_ASSERT_EQUAL(m.nscount, 0);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_chain_limit_across_cache_and_db(void)
{
    /* c0 -> ... -> c17 -> A. Only the first link of each query is cached beforehand (by a
     * CNAME query), so the rest comes from the db and the limit must count both parts. */
    char *texts[19];
    for (int i = 0; i < 17; i++) {
        texts[i] = malloc(48);
        snprintf(texts[i], 48, "c%d 300 IN CNAME c%d", i, i + 1);
    }
    texts[17] = strdup("c17 300 IN A 192.0.2.1");
    texts[18] = strdup("@ 3600 IN SOA ns hm 1 3600 600 86400 60");
    dns_db_t *db = dt_db("test", (const char *const *)texts, 19);
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    cq(c, db, "c1.test", LDNS_RR_TYPE_CNAME, T0, &m, &fc);
    cq(c, db, "c1.test", A, T0, &m, &fc); /* c1 -> c2 cached, 15 more from the db: 16 */
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_EQUAL(m.ancount, 17);
    CU_ASSERT_TRUE(fc);
    dns_cache_flush(c);
    cq(c, db, "c0.test", LDNS_RR_TYPE_CNAME, T0, &m, &fc);
    cq(c, db, "c0.test", A, T0, &m, &fc); /* c0 -> c1 cached, 16 more from the db: 17 */
    CU_ASSERT_STRING_EQUAL(m.rcode, "SERVFAIL");
    CU_ASSERT_EQUAL(m.ancount, 0);
    for (int i = 0; i < 19; i++)
        free(texts[i]);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_scripts_never_cached(void)
{
    dns_db_t *db = base_db();
    dns_cache_t *c = dns_cache_new();
    errinfo_t err;
    const char *rr[] = {"www.test. 300 IN A 203.0.113.1"};
    dns_script_t s = {.rr_texts = rr, .n = 1};
    CU_ASSERT_EQUAL(dns_db_script(db, "www.test", A, &s, &err), 0);
    dns_answer_t a;
    CU_ASSERT_EQUAL(dns_cache_resolve(c, db, "www.test", A, 1, NULL, T0, &a, &err), 0);
    CU_ASSERT_TRUE(a.scripted);
    CU_ASSERT_FALSE(a.from_cache);
    CU_ASSERT_STRING_EQUAL(a.first_addr, "203.0.113.1");
    dns_answer_clear(&a);
    CU_ASSERT_EQUAL(dns_cache_count(c), 0);
    CU_ASSERT_EQUAL(dns_db_unscript(db, "www.test", A, &err), 0);
    dt_msg_t m;
    int fc;
    cq(c, db, "www.test", A, T0 + S, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.test. A 192.0.2.1");
    CU_ASSERT_FALSE(fc);
    /* A script wins over what the cache holds. */
    dns_script_t raw = {.hex = "0000 8182 0000 0000 0000 0000"};
    CU_ASSERT_EQUAL(dns_db_script(db, "www.test", 0, &raw, &err), 0);
    CU_ASSERT_EQUAL(dns_cache_resolve(c, db, "www.test", A, 0x0102, NULL, T0 + 2 * S, &a, &err),
                    0);
    CU_ASSERT_TRUE(a.scripted);
    CU_ASSERT_EQUAL(a.len, 12);
    CU_ASSERT_EQUAL(a.wire[0], 1);
    CU_ASSERT_EQUAL(a.wire[1], 2);
    CU_ASSERT_EQUAL(a.rcode, LDNS_RCODE_SERVFAIL);
    dns_answer_clear(&a);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_cached_answer_is_ordinary_wire(void)
{
    dns_db_t *db = base_db();
    dns_cache_t *c = dns_cache_new();
    errinfo_t err;
    dns_answer_t a;
    CU_ASSERT_EQUAL(dns_cache_resolve(c, db, "a.test", A, 1, NULL, T0, &a, &err), 0);
    dns_answer_clear(&a);
    CU_ASSERT_EQUAL(dns_cache_resolve(c, db, "a.test", A, 0xcafe, NULL, T0 + S, &a, &err), 0);
    CU_ASSERT_TRUE(a.from_cache);
    CU_ASSERT_EQUAL(a.chain_len, 1);
    CU_ASSERT_EQUAL(a.ancount, 2);
    CU_ASSERT_STRING_EQUAL(a.first_addr, "192.0.2.3");
    dt_msg_t m;
    dt_parse(a.wire, a.len, &m);
    CU_ASSERT_EQUAL(m.id, 0xcafe);
    CU_ASSERT_TRUE(m.qr);
    CU_ASSERT_TRUE(m.aa);
    CU_ASSERT_STRING_EQUAL(m.question, "a.test. A");
    dns_answer_clear(&a);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_failures_not_cached(void)
{
    dns_db_t *db = base_db();
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    cq(c, db, "www.example", A, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "REFUSED");
    cq(c, db, "www.test", LDNS_RR_TYPE_ANY, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOTIMPL");
    CU_ASSERT_EQUAL(dns_cache_count(c), 0);
    /* A loop in the db: SERVFAIL, nothing stored. */
    errinfo_t err;
    const char *cn[] = {"b 300 IN CNAME a"};
    set_a(db, "b.test", NULL);
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "test", NULL, "b.test", LDNS_RR_TYPE_CNAME, cn, 1, &err), 0);
    cq(c, db, "a.test", A, T0, &m, &fc);
    CU_ASSERT_STRING_EQUAL(m.rcode, "SERVFAIL");
    CU_ASSERT_EQUAL(dns_cache_count(c), 0);
    dns_answer_t a;
    CU_ASSERT_EQUAL(dns_cache_resolve(c, db, "a..test", A, 1, NULL, T0, &a, &err), -1);
    CU_ASSERT_PTR_NULL(a.wire);
    dns_cache_free(c);
    dns_db_free(db);
}

static void test_purge_and_flush(void)
{
    dns_db_t *db = base_db();
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    cq(c, db, "a.test", A, T0, &m, NULL);   /* a CNAME (300 s), b A (10 s) */
    cq(c, db, "nx.test", A, T0, &m, NULL);  /* NXDOMAIN (60 s) */
    CU_ASSERT_EQUAL(dns_cache_count(c), 3);
    dns_cache_purge(c, T0 + 10 * S - 1);
    CU_ASSERT_EQUAL(dns_cache_count(c), 3);
    dns_cache_purge(c, T0 + 10 * S);
    CU_ASSERT_EQUAL(dns_cache_count(c), 2);
    dns_cache_purge(c, T0 + 60 * S);
    CU_ASSERT_EQUAL(dns_cache_count(c), 1);
    dns_cache_flush(c);
    CU_ASSERT_EQUAL(dns_cache_count(c), 0);
    cq(c, db, "a.test", A, T0, &m, NULL);
    CU_ASSERT_EQUAL(dns_cache_count(c), 2);
    dns_cache_free(c);
    dns_cache_free(NULL);
    dns_db_free(db);
}

static void test_huge_time_does_not_overflow(void)
{
    dns_db_t *db = base_db();
    dns_cache_t *c = dns_cache_new();
    dt_msg_t m;
    int fc;
    int64_t late = INT64_MAX - 5 * S;
    cq(c, db, "www.test", A, late, &m, &fc);
    cq(c, db, "www.test", A, INT64_MAX - 1, &m, &fc);
    CU_ASSERT_TRUE(fc);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.test. A 192.0.2.1");
    dns_cache_free(c);
    dns_db_free(db);
}

void suite_dns_cache(void);
void suite_dns_cache(void)
{
    static CU_TestInfo tests[] = {
        {"D4 a set is held for its TTL, expired at exactly stored_at + TTL",
         test_rrset_held_until_exact_expiry},
        {"D4 TTL 0 is never cached", test_ttl_zero_never_cached},
        {"D4 a set is held for its smallest TTL", test_set_held_for_smallest_ttl},
        {"D4 NXDOMAIN is cached for the SOA minimum, for every type",
         test_nxdomain_cached_for_soa_minimum},
        {"D4 NODATA is cached per type", test_nodata_cached_per_type},
        {"D4 negative answers are held for the SOA minimum, whatever the SOA's TTL",
         test_negative_held_for_soa_minimum},
        {"D4 D2 a cached CNAME continues with its target as a new query",
         test_cached_cname_continues_with_target},
        {"D4 D2 a cached chain ending in a cached NXDOMAIN", test_cached_chain_to_negative},
        {"D4 D2 a loop formed across cache and db gives SERVFAIL", test_loop_across_cache_and_db},
        {"D4 D2 the 16-CNAME limit holds across cache and db",
         test_chain_limit_across_cache_and_db},
        {"D4 D5 scripted answers are never cached and always win", test_scripts_never_cached},
        {"D4 a cached answer is an ordinary wire answer", test_cached_answer_is_ordinary_wire},
        {"D4 REFUSED, NOTIMP and SERVFAIL are not cached", test_failures_not_cached},
        {"D4 purge drops what expired, flush everything", test_purge_and_flush},
        {"D4 times near the end of int64 do not overflow", test_huge_time_does_not_overflow},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("dns_cache", tests);
}
