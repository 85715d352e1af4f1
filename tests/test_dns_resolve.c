/* Tests of sim/dns_resolve: D1 zone selection and RFC 4592 wildcards, D2 CNAME chains, D3
 * views, D5 scripted answers, and the message itself. Every answer is parsed back from its
 * wire bytes with ldns_wire2pkt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns_testutil.h"

#define ZONES "tests/data/zones/"
#define A LDNS_RR_TYPE_A

static const char *soa_line(void)
{
    return "@ 3600 IN SOA ns hostmaster 1 3600 600 86400 120";
}

/* Adds a zone of inline records; fails the test when loading fails. */
static void add_zone(dns_db_t *db, const char *origin, const char *view,
                     const char *const *rrs, size_t n)
{
    errinfo_t err = {{0}};
    int rc = dns_db_add_records(db, origin, view, rrs, n, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "add_zone %s: %s\n", origin, err.msg);
}

/* ---- D1 zone selection ---- */

static dns_db_t *nested_db(void)
{
    dns_db_t *db = dns_db_new();
    const char *parent[] = {soa_line(), "www 300 IN A 192.0.2.1",
                            "a.sub 300 IN A 192.0.2.66" /* shadowed by the child zone */};
    const char *child[] = {"sub.example.com. 300 IN SOA ns hm 9 3600 600 86400 30",
                           "www 300 IN A 198.51.100.1", "@ 300 IN A 198.51.100.2"};
    add_zone(db, "example.com", NULL, parent, DT_N(parent));
    add_zone(db, "sub.example.com", NULL, child, DT_N(child));
    return db;
}

static void test_longest_origin_wins(void)
{
    dns_db_t *db = nested_db();
    dt_msg_t m;
    dt_query(db, "www.example.com", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.example.com. A 192.0.2.1");
    dt_query(db, "www.sub.example.com", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.sub.example.com. A 198.51.100.1");
    dt_query(db, "sub.example.com", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "sub.example.com. A 198.51.100.2");
    /* The parent's data below the child's origin is not used. */
    dt_query(db, "a.sub.example.com", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    CU_ASSERT_STRING_EQUAL(m.authority, "sub.example.com. SOA ns.sub.example.com. "
                                        "hm.sub.example.com. 9 3600 600 86400 30");
    dns_db_free(db);
}

static void test_refused_outside_all_zones(void)
{
    dns_db_t *db = nested_db();
    const char *names[] = {"www.example.org", "com", "example.comx", "xexample.com", "."};
    for (size_t i = 0; i < DT_N(names); i++) {
        dt_msg_t m;
        dt_query(db, names[i], A, NULL, &m);
        CU_ASSERT_STRING_EQUAL(m.rcode, "REFUSED");
        CU_ASSERT_EQUAL(m.ancount, 0);
        CU_ASSERT_EQUAL(m.nscount, 0);
    }
    dns_db_free(db);
}

static void test_names_compared_without_case(void)
{
    dns_db_t *db = nested_db();
    dt_msg_t m;
    dt_query(db, "WWW.Sub.EXAMPLE.com.", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.question, "WWW.Sub.EXAMPLE.com. A");
    /* ldns compresses names case-insensitively, so the owner may take the question's case. */
    CU_ASSERT_EQUAL(strcasecmp(m.answer, "www.sub.example.com. A 198.51.100.1"), 0);
    dns_db_free(db);
}

/* ---- D1 RFC 4592 ---- */

static dns_db_t *rfc4592_db(void)
{
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(dns_db_add_zone_file(db, ZONES "rfc4592.zone", NULL, NULL, &err), 0);
    return db;
}

#define EXAMPLE_SOA "example. SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300"

static void expect(dns_db_t *db, const char *qname, uint16_t qtype, const char *rcode,
                   const char *answer, const char *authority)
{
    dt_msg_t m;
    dt_query(db, qname, qtype, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, rcode);
    CU_ASSERT_STRING_EQUAL(m.answer, answer);
    CU_ASSERT_STRING_EQUAL(m.authority, authority);
    if (strcmp(m.rcode, rcode) || strcmp(m.answer, answer) || strcmp(m.authority, authority))
        fprintf(stderr, "\n  %s: got %s [%s] [%s]\n", qname, m.rcode, m.answer, m.authority);
}

static void test_rfc4592_synthesised(void)
{
    dns_db_t *db = rfc4592_db();
    expect(db, "host3.example", LDNS_RR_TYPE_MX, "NOERROR", "host3.example. MX 10 host1.example.",
           "");
    /* The wildcard exists but owns no A: NODATA, with the SOA. */
    expect(db, "host3.example", A, "NOERROR", "", EXAMPLE_SOA);
    /* bar.example does not exist: the closest encloser is example., the wildcard answers at
     * any depth, owner rewritten to the name asked. */
    expect(db, "foo.bar.example", LDNS_RR_TYPE_TXT, "NOERROR",
           "foo.bar.example. TXT \"this is a wildcard\"", "");
    dns_db_free(db);
}

static void test_rfc4592_not_synthesised(void)
{
    dns_db_t *db = rfc4592_db();
    /* host1.example exists: no wildcard for its missing types. */
    expect(db, "host1.example", LDNS_RR_TYPE_MX, "NOERROR", "", EXAMPLE_SOA);
    /* sub.*.example exists (a "*" in the middle is an ordinary label). */
    expect(db, "sub.*.example", LDNS_RR_TYPE_MX, "NOERROR", "", EXAMPLE_SOA);
    /* _tcp.host1.example exists as an empty non-terminal: it is the closest encloser and has
     * no wildcard child. */
    expect(db, "_telnet._tcp.host1.example", LDNS_RR_TYPE_SRV, "NXDOMAIN", "", EXAMPLE_SOA);
    /* subdel.example exists (NS below the apex is data, no referral). */
    expect(db, "host.subdel.example", A, "NXDOMAIN", "", EXAMPLE_SOA);
    /* *.example exists, so it is the closest encloser of ghost.*.example, with no "*" child. */
    expect(db, "ghost.*.example", LDNS_RR_TYPE_MX, "NXDOMAIN", "", EXAMPLE_SOA);
    dns_db_free(db);
}

static void test_rfc4592_empty_non_terminal(void)
{
    dns_db_t *db = rfc4592_db();
    /* host2.example owns nothing but has a descendant: NODATA, never the wildcard's TXT. */
    expect(db, "host2.example", LDNS_RR_TYPE_TXT, "NOERROR", "", EXAMPLE_SOA);
    expect(db, "_tcp.host2.example", LDNS_RR_TYPE_SRV, "NOERROR", "", EXAMPLE_SOA);
    expect(db, "_tcp.host1.example", LDNS_RR_TYPE_TXT, "NOERROR", "", EXAMPLE_SOA);
    expect(db, "_ssh._tcp.host1.example", LDNS_RR_TYPE_SRV, "NOERROR",
           "_ssh._tcp.host1.example. SRV 0 0 22 host1.example.", "");
    dns_db_free(db);
}

static void test_rfc4592_wildcard_itself(void)
{
    dns_db_t *db = rfc4592_db();
    expect(db, "*.example", LDNS_RR_TYPE_TXT, "NOERROR", "*.example. TXT \"this is a wildcard\"",
           "");
    expect(db, "*.example", A, "NOERROR", "", EXAMPLE_SOA);
    dns_db_free(db);
}

static void test_ns_below_apex_is_data(void)
{
    dns_db_t *db = rfc4592_db();
    dt_msg_t m;
    dt_query(db, "subdel.example", LDNS_RR_TYPE_NS, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer,
                           "subdel.example. NS ns.example.com. | subdel.example. NS ns.example.net.");
    CU_ASSERT_TRUE(m.aa);
    CU_ASSERT_EQUAL(m.nscount, 0);
    /* Other types at the cut are ordinary NODATA. */
    expect(db, "subdel.example", A, "NOERROR", "", EXAMPLE_SOA);
    dns_db_free(db);
}

static void test_wildcard_empty_non_terminal_gives_nodata(void)
{
    /* "*.w.test" exists only as an empty non-terminal (it has a child): names it would cover
     * exist for synthesis purposes but own nothing. */
    const char *rrs[] = {soa_line(), "a.*.w 300 IN A 192.0.2.1", "x.w 300 IN A 192.0.2.2"};
    dns_db_t *db = dt_db("test", rrs, DT_N(rrs));
    dt_msg_t m;
    dt_query(db, "anything.w.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_EQUAL(m.ancount, 0);
    CU_ASSERT_EQUAL(m.nscount, 1);
    dns_db_free(db);
}

/* ---- D2 chains ---- */

/* A zone with a chain c0 -> c1 -> ... -> cn, and cn A 192.0.2.1. */
static dns_db_t *chain_db(int n)
{
    char **texts = calloc((size_t)n + 2, sizeof *texts);
    for (int i = 0; i < n; i++) {
        texts[i] = malloc(64);
        snprintf(texts[i], 64, "c%d 300 IN CNAME c%d", i, i + 1);
    }
    texts[n] = malloc(64);
    snprintf(texts[n], 64, "c%d 300 IN A 192.0.2.1", n);
    texts[n + 1] = strdup(soa_line());
    dns_db_t *db = dt_db("chain.test", (const char *const *)texts, (size_t)n + 2);
    for (int i = 0; i < n + 2; i++)
        free(texts[i]);
    free(texts);
    return db;
}

static void test_chain_of_16_ok(void)
{
    dns_db_t *db = chain_db(16);
    dns_answer_t a;
    errinfo_t err;
    CU_ASSERT_EQUAL_FATAL(dns_resolve(db, "c0.chain.test", A, 9, NULL, &a, &err), 0);
    CU_ASSERT_EQUAL(a.rcode, LDNS_RCODE_NOERROR);
    CU_ASSERT_EQUAL(a.chain_len, 16);
    CU_ASSERT_EQUAL(a.ancount, 17);
    CU_ASSERT_STRING_EQUAL(a.first_addr, "192.0.2.1");
    dt_msg_t m;
    dt_parse(a.wire, a.len, &m);
    CU_ASSERT_EQUAL(m.ancount, 17);
    CU_ASSERT_EQUAL(strncmp(m.answer, "c0.chain.test. CNAME c1.chain.test. | c1.chain.test. "
                                      "CNAME c2.chain.test. |", 74), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(m.answer, "c15.chain.test. CNAME c16.chain.test. | "
                                            "c16.chain.test. A 192.0.2.1"));
    dns_answer_clear(&a);
    dns_db_free(db);
}

static void test_chain_of_17_servfail(void)
{
    dns_db_t *db = chain_db(17);
    dt_msg_t m;
    dt_query(db, "c0.chain.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "SERVFAIL");
    CU_ASSERT_EQUAL(m.ancount, 0);
    CU_ASSERT_EQUAL(m.nscount, 0);
    /* Starting one link later, 16 remain: fine. */
    dt_query(db, "c1.chain.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_EQUAL(m.ancount, 17);
    dns_db_free(db);
}

static void test_loop_servfail(void)
{
    const char *rrs[] = {soa_line(), "a 300 IN CNAME b", "b 300 IN CNAME c", "c 300 IN CNAME A",
                         "self 300 IN CNAME self", "*.wild 300 IN CNAME x.y.wild"};
    dns_db_t *db = dt_db("loop.test", rrs, DT_N(rrs));
    const char *names[] = {"a.loop.test", "b.loop.test", "self.loop.test", "q.wild.loop.test"};
    for (size_t i = 0; i < DT_N(names); i++) {
        dt_msg_t m;
        dt_query(db, names[i], A, NULL, &m);
        CU_ASSERT_STRING_EQUAL(m.rcode, "SERVFAIL");
        CU_ASSERT_EQUAL(m.ancount, 0);
        CU_ASSERT_EQUAL(m.nscount, 0);
    }
    dns_db_free(db);
}

static dns_db_t *two_zone_db(void)
{
    dns_db_t *db = dns_db_new();
    const char *one[] = {"@ 3600 IN SOA ns hm 1 3600 600 86400 111", "a 300 IN CNAME b.two.test.",
                         "c 300 IN A 192.0.2.3", "c 300 IN A 192.0.2.4", "txt 300 IN TXT \"t\"",
                         "out 300 IN CNAME nowhere.example."};
    const char *two[] = {"@ 3600 IN SOA ns hm 1 3600 600 86400 222", "b 300 IN CNAME c.one.test.",
                         "tonx 300 IN CNAME missing.one.test.",
                         "tonodata 300 IN CNAME txt.one.test."};
    add_zone(db, "one.test", NULL, one, DT_N(one));
    add_zone(db, "two.test", NULL, two, DT_N(two));
    return db;
}

static void test_chain_across_zones(void)
{
    dns_db_t *db = two_zone_db();
    dt_msg_t m;
    dt_query(db, "a.one.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_STRING_EQUAL(m.answer, "a.one.test. CNAME b.two.test. | b.two.test. CNAME "
                                     "c.one.test. | c.one.test. A 192.0.2.3 | c.one.test. A "
                                     "192.0.2.4");
    CU_ASSERT_EQUAL(m.nscount, 0);
    dns_db_free(db);
}

static void test_nxdomain_tail_keeps_chain(void)
{
    dns_db_t *db = two_zone_db();
    dt_msg_t m;
    dt_query(db, "tonx.two.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    CU_ASSERT_STRING_EQUAL(m.answer, "tonx.two.test. CNAME missing.one.test.");
    /* The SOA is that of the zone holding the tail. */
    CU_ASSERT_STRING_EQUAL(m.authority, "one.test. SOA ns.one.test. hm.one.test. 1 3600 600 "
                                        "86400 111");
    CU_ASSERT_EQUAL(m.auth_ttl, 111);
    dns_db_free(db);
}

static void test_nodata_tail_keeps_chain(void)
{
    dns_db_t *db = two_zone_db();
    dt_msg_t m;
    dt_query(db, "tonodata.two.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_STRING_EQUAL(m.answer, "tonodata.two.test. CNAME txt.one.test.");
    CU_ASSERT_EQUAL(m.nscount, 1);
    dns_db_free(db);
}

static void test_tail_outside_zones_refused_with_chain(void)
{
    dns_db_t *db = two_zone_db();
    dt_msg_t m;
    dt_query(db, "out.one.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "REFUSED");
    CU_ASSERT_STRING_EQUAL(m.answer, "out.one.test. CNAME nowhere.example.");
    CU_ASSERT_EQUAL(m.nscount, 0);
    dns_db_free(db);
}

static void test_qtype_cname_not_followed(void)
{
    dns_db_t *db = two_zone_db();
    dt_msg_t m;
    dt_query(db, "a.one.test", LDNS_RR_TYPE_CNAME, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_STRING_EQUAL(m.answer, "a.one.test. CNAME b.two.test.");
    dns_answer_t a;
    errinfo_t err;
    CU_ASSERT_EQUAL(dns_resolve(db, "a.one.test", LDNS_RR_TYPE_CNAME, 1, NULL, &a, &err), 0);
    CU_ASSERT_EQUAL(a.chain_len, 0);
    CU_ASSERT_EQUAL(a.ancount, 1);
    dns_answer_clear(&a);
    /* A name with no CNAME: NODATA. */
    dt_query(db, "c.one.test", LDNS_RR_TYPE_CNAME, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_EQUAL(m.ancount, 0);
    CU_ASSERT_EQUAL(m.nscount, 1);
    dns_db_free(db);
}

static void test_any_is_notimp(void)
{
    dns_db_t *db = two_zone_db();
    const uint16_t types[] = {LDNS_RR_TYPE_ANY, LDNS_RR_TYPE_AXFR, LDNS_RR_TYPE_IXFR};
    for (size_t i = 0; i < DT_N(types); i++) {
        dt_msg_t m;
        dt_query(db, "c.one.test", types[i], NULL, &m);
        CU_ASSERT_STRING_EQUAL(m.rcode, "NOTIMPL");
        CU_ASSERT_EQUAL(m.ancount, 0);
        CU_ASSERT_EQUAL(m.qdcount, 1);
    }
    dns_db_free(db);
}

static void test_zone_file_order_kept(void)
{
    dns_db_t *db = dns_db_new();
    errinfo_t err;
    CU_ASSERT_EQUAL(dns_db_add_zone_file(db, ZONES "order.zone", NULL, NULL, &err), 0);
    dt_msg_t m;
    dt_query(db, "multi.order.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "multi.order.test. A 192.0.2.30 | multi.order.test. A "
                                     "192.0.2.10 | multi.order.test. A 192.0.2.20");
    dns_db_free(db);
}

static void test_wildcard_cname_followed(void)
{
    const char *rrs[] = {soa_line(), "*.w 300 IN CNAME target", "target 300 IN A 192.0.2.5"};
    dns_db_t *db = dt_db("test", rrs, DT_N(rrs));
    dt_msg_t m;
    dt_query(db, "Deep.X.w.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "Deep.X.w.test. CNAME target.test. | target.test. A "
                                     "192.0.2.5");
    dns_db_free(db);
}

/* ---- D3 views ---- */

static dns_db_t *views_db(void)
{
    dns_db_t *db = dns_db_new();
    const char *def[] = {soa_line(), "www 300 IN A 192.0.2.1", "to-b 300 IN CNAME x.b.test."};
    const char *eu[] = {soa_line(), "www 300 IN A 198.51.100.1", "to-b 300 IN CNAME x.b.test."};
    const char *us[] = {soa_line(), "other 300 IN A 203.0.113.9"};
    const char *b_def[] = {"x 300 IN A 192.0.2.50"};
    const char *c_ap[] = {"x 300 IN A 192.0.2.77"};
    add_zone(db, "a.test", NULL, def, DT_N(def));
    add_zone(db, "a.test", "eu", eu, DT_N(eu));
    add_zone(db, "a.test", "us", us, DT_N(us));
    add_zone(db, "b.test", NULL, b_def, DT_N(b_def));
    add_zone(db, "c.a.test", "ap", c_ap, DT_N(c_ap)); /* a region view only */
    return db;
}

static void test_views_per_region(void)
{
    dns_db_t *db = views_db();
    dt_msg_t m;
    dt_query(db, "www.a.test", A, "eu", &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.a.test. A 198.51.100.1");
    dt_query(db, "www.a.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.a.test. A 192.0.2.1");
    /* A region without a view of its own gets the default. */
    dt_query(db, "www.a.test", A, "sa", &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.a.test. A 192.0.2.1");
    /* The view is chosen per zone, not per name: us has no www, so NXDOMAIN. */
    dt_query(db, "www.a.test", A, "us", &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    dns_db_free(db);
}

static void test_views_chosen_per_zone_along_chain(void)
{
    dns_db_t *db = views_db();
    dt_msg_t m;
    /* a.test answers from its eu view, b.test (no eu view) from its default. */
    dt_query(db, "to-b.a.test", A, "eu", &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "to-b.a.test. CNAME x.b.test. | x.b.test. A 192.0.2.50");
    dns_db_free(db);
}

static void test_region_only_zone(void)
{
    dns_db_t *db = views_db();
    dt_msg_t m;
    dt_query(db, "x.c.a.test", A, "ap", &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "x.c.a.test. A 192.0.2.77");
    /* Elsewhere the zone c.a.test does not apply: the enclosing a.test answers. */
    dt_query(db, "x.c.a.test", A, "eu", &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    CU_ASSERT_PTR_NOT_NULL(strstr(m.authority, "a.test. SOA"));
    CU_ASSERT_PTR_NULL(strstr(m.authority, "c.a.test."));
    dns_db_free(db);
}

/* ---- D5 scripts ---- */

static void test_script_records_as_is(void)
{
    dns_db_t *db = two_zone_db();
    errinfo_t err = {{0}};
    const char *rrs[] = {
        "loop.test. 60 IN CNAME x.test.", "x.test. 60 IN CNAME loop.test.",
        "x.test. 60 IN A 192.0.2.1",      "x.test. 60 IN A 192.0.2.1",
        "y.test. 60 IN CNAME x.test.",    "x.test. 60 IN A 10.0.0.1",
    };
    dns_script_t s = {.rr_texts = rrs, .n = DT_N(rrs)};
    CU_ASSERT_EQUAL(dns_db_script(db, "loop.test", A, &s, &err), 0);
    dns_answer_t a;
    CU_ASSERT_EQUAL_FATAL(dns_resolve(db, "LOOP.test", A, 77, NULL, &a, &err), 0);
    CU_ASSERT_TRUE(a.scripted);
    CU_ASSERT_EQUAL(a.rcode, LDNS_RCODE_NOERROR);
    CU_ASSERT_EQUAL(a.ancount, 6);
    CU_ASSERT_STRING_EQUAL(a.first_addr, "192.0.2.1");
    dt_msg_t m;
    dt_parse(a.wire, a.len, &m);
    CU_ASSERT_EQUAL(m.id, 77);
    CU_ASSERT_STRING_EQUAL(m.question, "LOOP.test. A");
    CU_ASSERT_STRING_EQUAL(m.answer, "LOOP.test. CNAME x.test. | x.test. CNAME LOOP.test. | "
                                     "x.test. A 192.0.2.1 | x.test. A 192.0.2.1 | y.test. CNAME "
                                     "x.test. | x.test. A 10.0.0.1");
    dns_answer_clear(&a);
    /* Other types of the name are not scripted (outside all zones: REFUSED). */
    dt_query(db, "loop.test", LDNS_RR_TYPE_AAAA, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "REFUSED");
    dns_db_free(db);
}

static void test_script_rcode_and_any_type(void)
{
    dns_db_t *db = two_zone_db();
    errinfo_t err = {{0}};
    dns_script_t fail = {.rcode = LDNS_RCODE_SERVFAIL};
    CU_ASSERT_EQUAL(dns_db_script(db, "c.one.test", 0, &fail, &err), 0);
    const char *rr[] = {"c.one.test. 5 IN A 203.0.113.1"};
    dns_script_t nx = {.rr_texts = rr, .n = 1, .rcode = LDNS_RCODE_NXDOMAIN};
    CU_ASSERT_EQUAL(dns_db_script(db, "c.one.test", A, &nx, &err), 0);
    dt_msg_t m;
    /* The exact type wins over "every type". */
    dt_query(db, "c.one.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    CU_ASSERT_STRING_EQUAL(m.answer, "c.one.test. A 203.0.113.1");
    dt_query(db, "c.one.test", LDNS_RR_TYPE_TXT, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "SERVFAIL");
    CU_ASSERT_EQUAL(m.ancount, 0);
    /* Replacing a script, then removing them, gives the zone's data back. */
    dns_script_t ok = {.rr_texts = rr, .n = 1};
    CU_ASSERT_EQUAL(dns_db_script(db, "c.one.test", A, &ok, &err), 0);
    dt_query(db, "c.one.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_EQUAL(dns_db_unscript(db, "c.one.test", A, &err), 0);
    CU_ASSERT_EQUAL(dns_db_unscript(db, "C.ONE.test.", 0, &err), 0);
    dt_query(db, "c.one.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "c.one.test. A 192.0.2.3 | c.one.test. A 192.0.2.4");
    dns_db_free(db);
}

static void test_script_not_applied_to_chain_targets(void)
{
    dns_db_t *db = two_zone_db();
    errinfo_t err = {{0}};
    dns_script_t fail = {.rcode = LDNS_RCODE_REFUSED};
    CU_ASSERT_EQUAL(dns_db_script(db, "c.one.test", 0, &fail, &err), 0);
    dt_msg_t m;
    dt_query(db, "b.two.test", A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_EQUAL(m.ancount, 3);
    dns_db_free(db);
}

static void test_script_raw_hex(void)
{
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    /* A header claiming one answer record that is not there (malformed on purpose). */
    dns_script_t s = {.hex = "ffff 8183 0000 0001 0000 0000\n"};
    CU_ASSERT_EQUAL(dns_db_script(db, "raw.test", A, &s, &err), 0);
    dns_answer_t a;
    CU_ASSERT_EQUAL_FATAL(dns_resolve(db, "raw.test", A, 0x1234, NULL, &a, &err), 0);
    const uint8_t want[] = {0x12, 0x34, 0x81, 0x83, 0, 0, 0, 1, 0, 0, 0, 0};
    CU_ASSERT_EQUAL(a.len, sizeof want);
    CU_ASSERT_EQUAL(memcmp(a.wire, want, sizeof want), 0);
    CU_ASSERT_TRUE(a.scripted);
    CU_ASSERT_EQUAL(a.ancount, 0);
    ldns_pkt *p = NULL;
    CU_ASSERT_NOT_EQUAL(ldns_wire2pkt(&p, a.wire, a.len), LDNS_STATUS_OK);
    ldns_pkt_free(p);
    /* K1: bytes ldns cannot parse have no rcode, whatever the header's bits (3) say */
    CU_ASSERT_EQUAL(a.rcode, -1);
    dns_answer_clear(&a);
    /* the same header without the missing record parses: its rcode counts */
    s.hex = "ffff 8183 0000 0000 0000 0000";
    CU_ASSERT_EQUAL(dns_db_script(db, "raw.test", A, &s, &err), 0);
    CU_ASSERT_EQUAL_FATAL(dns_resolve(db, "raw.test", A, 0x1234, NULL, &a, &err), 0);
    CU_ASSERT_EQUAL(a.rcode, 3);
    dns_answer_clear(&a);
    /* One byte: returned as is, no id, no rcode. Empty: no bytes at all. */
    s.hex = "AB";
    CU_ASSERT_EQUAL(dns_db_script(db, "raw.test", A, &s, &err), 0);
    CU_ASSERT_EQUAL(dns_resolve(db, "raw.test", A, 0x1234, NULL, &a, &err), 0);
    CU_ASSERT_EQUAL(a.len, 1);
    CU_ASSERT_EQUAL(a.wire[0], 0xab);
    CU_ASSERT_EQUAL(a.rcode, -1);
    dns_answer_clear(&a);
    s.hex = "";
    CU_ASSERT_EQUAL(dns_db_script(db, "raw.test", A, &s, &err), 0);
    CU_ASSERT_EQUAL(dns_resolve(db, "raw.test", A, 0x1234, NULL, &a, &err), 0);
    CU_ASSERT_EQUAL(a.len, 0);
    CU_ASSERT_PTR_NULL(a.wire);
    CU_ASSERT_TRUE(a.scripted);
    dns_answer_clear(&a);
    dns_db_free(db);
}

/* ---- the message ---- */

static void test_message_header_and_question(void)
{
    dns_db_t *db = two_zone_db();
    dns_answer_t a;
    errinfo_t err;
    CU_ASSERT_EQUAL_FATAL(dns_resolve(db, "c.one.test", A, 0xbeef, "eu", &a, &err), 0);
    dt_msg_t m;
    dt_parse(a.wire, a.len, &m);
    CU_ASSERT_TRUE(m.ok);
    CU_ASSERT_EQUAL(m.id, 0xbeef);
    CU_ASSERT_TRUE(m.qr);
    CU_ASSERT_TRUE(m.aa);
    CU_ASSERT_TRUE(m.rd);
    CU_ASSERT_TRUE(m.ra);
    CU_ASSERT_FALSE(m.tc);
    CU_ASSERT_EQUAL(m.qdcount, 1);
    CU_ASSERT_EQUAL(m.arcount, 0);
    CU_ASSERT_STRING_EQUAL(m.question, "c.one.test. A");
    CU_ASSERT_FALSE(a.scripted);
    CU_ASSERT_FALSE(a.from_cache);
    CU_ASSERT_EQUAL(a.ancount, 2);
    CU_ASSERT_STRING_EQUAL(a.first_addr, "192.0.2.3");
    dns_answer_clear(&a);
    dns_db_free(db);
}

static void test_first_addr_ipv6(void)
{
    const char *rrs[] = {"v6 300 IN AAAA 2001:db8::1", "v6 300 IN AAAA 2001:db8::2"};
    dns_db_t *db = dt_db("test", rrs, DT_N(rrs));
    dns_answer_t a;
    errinfo_t err;
    CU_ASSERT_EQUAL(dns_resolve(db, "v6.test", LDNS_RR_TYPE_AAAA, 1, NULL, &a, &err), 0);
    CU_ASSERT_STRING_EQUAL(a.first_addr, "2001:db8::1");
    dns_answer_clear(&a);
    dns_db_free(db);
}

static void test_bad_query_name(void)
{
    dns_db_t *db = two_zone_db();
    dns_answer_t a;
    errinfo_t err;
    char big[300];
    memset(big, 'a', 70);
    strcpy(big + 70, ".test");
    const char *bad[] = {"a..b", big, NULL};
    for (size_t i = 0; i < DT_N(bad); i++) {
        CU_ASSERT_EQUAL(dns_resolve(db, bad[i], A, 1, NULL, &a, &err), -1);
        CU_ASSERT_PTR_NULL(a.wire);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is not a valid domain name"));
    }
    dns_db_free(db);
}

void suite_dns_resolve(void);
void suite_dns_resolve(void)
{
    static CU_TestInfo tests[] = {
        {"D1 the longest enclosing origin answers", test_longest_origin_wins},
        {"D1 a name under no zone gets REFUSED", test_refused_outside_all_zones},
        {"D1 names match without regard to case; the question keeps it",
         test_names_compared_without_case},
        {"D1 RFC 4592 answers synthesised from a wildcard", test_rfc4592_synthesised},
        {"D1 RFC 4592 closest encloser: no synthesis when a name exists",
         test_rfc4592_not_synthesised},
        {"D1 RFC 4592 empty non-terminal answers NODATA without synthesis",
         test_rfc4592_empty_non_terminal},
        {"D1 RFC 4592 the wildcard owner itself", test_rfc4592_wildcard_itself},
        {"D1 NS below the apex is data, no referral", test_ns_below_apex_is_data},
        {"D1 an empty wildcard non-terminal gives NODATA",
         test_wildcard_empty_non_terminal_gives_nodata},
        {"D2 a chain of 16 CNAMEs is followed", test_chain_of_16_ok},
        {"D2 a 17th CNAME gives SERVFAIL with an empty answer", test_chain_of_17_servfail},
        {"D2 a name visited twice gives SERVFAIL with an empty answer", test_loop_servfail},
        {"D2 chains are followed across zones", test_chain_across_zones},
        {"D2 a missing tail gives NXDOMAIN with the chain", test_nxdomain_tail_keeps_chain},
        {"D2 a tail without the type gives NODATA with the chain", test_nodata_tail_keeps_chain},
        {"D1 D2 a tail under no zone gives REFUSED with the chain",
         test_tail_outside_zones_refused_with_chain},
        {"D2 a query of type CNAME is not followed", test_qtype_cname_not_followed},
        {"D2 ANY (and AXFR, IXFR) gives NOTIMP", test_any_is_notimp},
        {"D2 records come in zone-file order", test_zone_file_order_kept},
        {"D1 D2 a wildcard CNAME is followed with its owner rewritten",
         test_wildcard_cname_followed},
        {"D3 a region's view answers, else the default view", test_views_per_region},
        {"D3 the view is chosen per zone along a chain", test_views_chosen_per_zone_along_chain},
        {"D3 a zone with only region views applies only there", test_region_only_zone},
        {"D5 scripted records come as they are: cycles, duplicates, fan-in",
         test_script_records_as_is},
        {"D5 scripted rcode; exact type wins over every type; removal",
         test_script_rcode_and_any_type},
        {"D5 scripts apply to the name asked, not to chain targets",
         test_script_not_applied_to_chain_targets},
        {"D5 raw hex bytes come back as they are, id patched", test_script_raw_hex},
        {"D1 the message: id, QR AA RD RA, question, no additional", test_message_header_and_question},
        {"D1 the summary gives the first IPv6 address", test_first_addr_ipv6},
        {"D1 an invalid query name is an error", test_bad_query_name},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("dns_resolve", tests);
}
