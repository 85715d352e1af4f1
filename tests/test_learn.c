/* Tests of model/learn: parsing responses for learning (L1), routed addresses (L2), where they
 * are recorded (L3), disallowed addresses (L4), and names in messages (N2). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn.h"
#include "support_dns.h"
#include "testutil.h"

/* ---- helpers ---- */

/* An address from text, in the layout of pfx.h (IPv4 in bits 63..32 of hi). */
static pfx_addr_t addr_of(const char *text)
{
    pfx_addr_t a;
    memset(&a, 0, sizeof a);
    uint8_t b[16];
    if (inet_pton(AF_INET, text, b) == 1) {
        a.family = PFX_V4;
        a.bits.hi = (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 |
                    (uint64_t)b[3] << 32;
    } else {
        CU_ASSERT_FATAL(inet_pton(AF_INET6, text, b) == 1);
        a.family = PFX_V6;
        for (int i = 0; i < 8; i++) {
            a.bits.hi = a.bits.hi << 8 | b[i];
            a.bits.lo = a.bits.lo << 8 | b[i + 8];
        }
    }
    return a;
}

static void addr_text(const pfx_addr_t *a, char *out, size_t cap)
{
    uint8_t b[16];
    if (a->family == PFX_V4) {
        for (int i = 0; i < 4; i++)
            b[i] = (uint8_t)(a->bits.hi >> (56 - 8 * i));
        inet_ntop(AF_INET, b, out, (socklen_t)cap);
    } else {
        for (int i = 0; i < 8; i++) {
            b[i] = (uint8_t)(a->bits.hi >> (56 - 8 * i));
            b[i + 8] = (uint8_t)(a->bits.lo >> (56 - 8 * i));
        }
        inet_ntop(AF_INET6, b, out, (socklen_t)cap);
    }
}

/* A canonical prefix from an address text and a length. */
static pfx_t prefix_of(const char *text, unsigned len)
{
    pfx_addr_t a = addr_of(text);
    pfx_t p;
    memset(&p, 0, sizeof p);
    p.family = a.family;
    p.len = (uint8_t)len;
    uint64_t hi_mask = len >= 64 ? ~0ULL : len == 0 ? 0 : ~0ULL << (64 - len);
    uint64_t lo_mask = len <= 64 ? 0 : ~0ULL << (128 - len);
    p.bits.hi = a.bits.hi & hi_mask;
    p.bits.lo = a.bits.lo & lo_mask;
    return p;
}

static dn_matcher_t *matcher_of(const char *const *domains)
{
    dn_matcher_t *m = dn_matcher_new();
    for (size_t i = 0; domains != NULL && domains[i] != NULL; i++) {
        dn_domain_t d;
        errinfo_t e;
        CU_ASSERT_TRUE_FATAL(dn_domain_parse(domains[i], strlen(domains[i]), &d, &e));
        CU_ASSERT_FATAL(dn_matcher_add(m, &d) >= 0);
    }
    return m;
}

/* Parses wire (copied to a buffer of exactly len bytes, so that any read past the end is
 * caught by AddressSanitizer). */
static bool parse_exact(const uint8_t *wire, size_t len, learn_msg_t *msg, errinfo_t *err)
{
    uint8_t *copy = malloc(len == 0 ? 1 : len);
    if (len > 0)
        memcpy(copy, wire, len);
    err->msg[0] = '\0';
    bool ok = learn_parse(copy, len, msg, err);
    free(copy);
    return ok;
}

/* The routed records as "name addr" joined by ", " (in the order learn_route gives), or
 * "malformed: MESSAGE" when the message is rejected. */
static char result[1 << 16];

static const char *records_text(learn_msg_t *msg, const dn_matcher_t *m)
{
    const learn_record_t *recs = NULL;
    long n = learn_route(msg, m, &recs);
    result[0] = '\0';
    if (n < 0)
        return "out of memory";
    size_t o = 0;
    for (long i = 0; i < n; i++) {
        char at[64];
        addr_text(&recs[i].addr, at, sizeof at);
        o += (size_t)snprintf(result + o, sizeof result - o, "%s%s %s", i > 0 ? ", " : "",
                              learn_name_text(msg, recs[i].name), at);
    }
    return result;
}

static const char *learn_wire(const char *const *domains, const uint8_t *wire, size_t len)
{
    learn_msg_t msg;
    learn_msg_init(&msg);
    errinfo_t err;
    dn_matcher_t *m = matcher_of(domains);
    const char *out;
    if (!parse_exact(wire, len, &msg, &err)) {
        snprintf(result, sizeof result, "malformed: %s", err.msg);
        out = result;
    } else {
        out = records_text(&msg, m);
    }
    dn_matcher_free(m);
    learn_msg_free(&msg);
    return out;
}

/* What a connector configured with domains learns from a response with these answers. */
static const char *learned(const char *const *domains, const char *const *rrs)
{
    size_t len;
    uint8_t *wire = dns_response(&len, rrs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    const char *out = learn_wire(domains, wire, len);
    free(wire);
    return out;
}

static const char *learned_raw(const char *const *domains, const dns_raw_t *w)
{
    return learn_wire(domains, w->buf, w->len);
}

#define DOMAINS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define RRS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const uint8_t A_192_0_2_1[4] = {192, 0, 2, 1};

/* ---- L2, L3 ---- */

static void test_l2_chain_recorded_under_alias(void)
{
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("a.example.com"),
                                   RRS("a.example.com. 60 IN CNAME b.example.net.",
                                       "b.example.net. 60 IN CNAME c.example.org.",
                                       "c.example.org. 60 IN A 192.0.2.1")),
                           "a.example.com 192.0.2.1");
}

static void test_l3_every_matching_name_on_path(void)
{
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("a.example.com", "c.example.org", "b.example.net"),
                                   RRS("a.example.com. 60 IN CNAME b.example.net.",
                                       "b.example.net. 60 IN CNAME c.example.org.",
                                       "c.example.org. 60 IN A 192.0.2.1",
                                       "c.example.org. 60 IN AAAA 2001:db8::1")),
                           "a.example.com 192.0.2.1, b.example.net 192.0.2.1, "
                           "c.example.org 192.0.2.1, a.example.com 2001:db8::1, "
                           "b.example.net 2001:db8::1, c.example.org 2001:db8::1");
    /* A name after the address owner on the chain is not on a path to it. */
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("c.example.org"),
                                   RRS("a.example.com. 60 IN CNAME b.example.net.",
                                       "b.example.net. 60 IN A 192.0.2.1",
                                       "b.example.net. 60 IN CNAME c.example.org.")),
                           "");
}

static void test_l2_fan_in(void)
{
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("x.example.com", "y.example.com"),
                                   RRS("x.example.com. 60 IN CNAME t.cdn.net.",
                                       "y.example.com. 60 IN CNAME t.cdn.net.",
                                       "t.cdn.net. 60 IN A 198.51.100.7")),
                           "x.example.com 198.51.100.7, y.example.com 198.51.100.7");
    /* Only one alias configured: recorded under that one only. */
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("y.example.com"),
                                   RRS("x.example.com. 60 IN CNAME t.cdn.net.",
                                       "y.example.com. 60 IN CNAME t.cdn.net.",
                                       "t.cdn.net. 60 IN A 198.51.100.7")),
                           "y.example.com 198.51.100.7");
}

static void test_l2_cycles_terminate(void)
{
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("a.example.com", "d.example.com"),
                                   RRS("a.example.com. 60 IN CNAME b.example.com.",
                                       "b.example.com. 60 IN CNAME c.example.com.",
                                       "c.example.com. 60 IN CNAME a.example.com.",
                                       "c.example.com. 60 IN A 192.0.2.3",
                                       "d.example.com. 60 IN A 192.0.2.4")),
                           "a.example.com 192.0.2.3, d.example.com 192.0.2.4");
    /* A cycle of unrouted names with an address: nothing, and it terminates. */
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("d.example.com"),
                                   RRS("p.example.com. 60 IN CNAME q.example.com.",
                                       "q.example.com. 60 IN CNAME p.example.com.",
                                       "q.example.com. 60 IN A 192.0.2.5",
                                       "d.example.com. 60 IN A 192.0.2.4")),
                           "d.example.com 192.0.2.4");
    /* A name that is its own alias. */
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("s.example.com"),
                                   RRS("s.example.com. 60 IN CNAME s.example.com.",
                                       "s.example.com. 60 IN A 192.0.2.6")),
                           "s.example.com 192.0.2.6");
}

/* Splits "x, y, z" into its items, sorts them and joins them again. */
static void sort_items(char *s)
{
    char *items[4096];
    size_t n = 0;
    for (char *tok = strtok(s, ","); tok != NULL && n < 4096; tok = strtok(NULL, ","))
        items[n++] = tok[0] == ' ' ? tok + 1 : tok;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(items[j - 1], items[j]) > 0; j--) {
            char *t = items[j];
            items[j] = items[j - 1];
            items[j - 1] = t;
        }
    static char joined[1 << 16];
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(joined + o, sizeof joined - o, "%s%s", i > 0 ? ", " : "", items[i]);
    strcpy(s, joined);
}

static void test_l2_records_in_any_order(void)
{
    const char *recs[] = {"a.example.com. 60 IN CNAME b.example.net.",
                          "b.example.net. 60 IN CNAME c.example.org.",
                          "x.example.com. 60 IN CNAME c.example.org.",
                          "c.example.org. 60 IN A 192.0.2.1", "c.example.org. 60 IN A 192.0.2.2"};
    /* Every rotation and the reversal teach the same set. */
    char first[4096] = "";
    for (int variant = 0; variant < 6; variant++) {
        const char *order[6];
        for (int i = 0; i < 5; i++)
            order[i] = variant < 5 ? recs[(i + variant) % 5] : recs[4 - i];
        order[5] = NULL;
        char got[4096];
        snprintf(got, sizeof got, "%s", learned(DOMAINS("a.example.com", "*.example.com"), order));
        sort_items(got);
        if (variant == 0) {
            strcpy(first, got);
            CU_ASSERT_STRING_EQUAL(first, "a.example.com 192.0.2.1, a.example.com 192.0.2.2, "
                                          "x.example.com 192.0.2.1, x.example.com 192.0.2.2");
        } else {
            CU_ASSERT_STRING_EQUAL(got, first);
        }
    }
}

static void test_l2_long_chain(void)
{
    /* 100 CNAME links, listed last link first, the address at the far end. */
    enum { LINKS = 100 };
    static char text[LINKS + 1][96];
    const char *rrs[LINKS + 2];
    size_t k = 0;
    for (int i = LINKS - 1; i >= 0; i--) {
        snprintf(text[k], sizeof text[k], "n%d.example.com. 60 IN CNAME n%d.example.com.", i,
                 i + 1);
        rrs[k] = text[k];
        k++;
    }
    snprintf(text[k], sizeof text[k], "n%d.example.com. 60 IN A 192.0.2.9", LINKS);
    rrs[k] = text[k];
    rrs[++k] = NULL;
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("n0.example.com"), rrs), "n0.example.com 192.0.2.9");
}

static void test_l3_wildcard_matched_intermediate(void)
{
    learn_msg_t msg;
    learn_msg_init(&msg);
    size_t len;
    uint8_t *wire = dns_response(&len, RRS("app.other.com. 60 IN CNAME cdn.example.net.",
                                           "cdn.example.net. 60 IN CNAME edge.provider.org.",
                                           "edge.provider.org. 60 IN A 203.0.113.10"));
    errinfo_t err;
    CU_ASSERT_TRUE_FATAL(learn_parse(wire, len, &msg, &err));
    dn_matcher_t *m = matcher_of(DOMAINS("*.example.net", "edge.provider.org"));
    const learn_record_t *recs;
    long n = learn_route(&msg, m, &recs);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_STRING_EQUAL(learn_name_text(&msg, recs[0].name), "cdn.example.net");
    CU_ASSERT_EQUAL(recs[0].how, DN_MATCH_WILDCARD);
    CU_ASSERT_STRING_EQUAL(learn_name_text(&msg, recs[1].name), "edge.provider.org");
    CU_ASSERT_EQUAL(recs[1].how, DN_MATCH_EXACT);
    dn_matcher_free(m);
    learn_msg_free(&msg);
    free(wire);
}

static void test_l2_unrouted_addresses(void)
{
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("other.example.com", "*.example.org"),
                                   RRS("a.example.com. 60 IN CNAME b.example.net.",
                                       "b.example.net. 60 IN A 192.0.2.1",
                                       "example.org. 60 IN A 192.0.2.2")),
                           "");
    CU_ASSERT_STRING_EQUAL(learned(NULL, RRS("a.example.com. 60 IN A 192.0.2.1")), "");
}

static void test_l2_duplicate_pairs_collapse(void)
{
    /* The same record twice, and two owners reached from one alias with the same address. */
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("a.example.com"),
                                   RRS("a.example.com. 60 IN A 192.0.2.1",
                                       "a.example.com. 60 IN A 192.0.2.1")),
                           "a.example.com 192.0.2.1");
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("a.example.com", "c.example.com"),
                                   RRS("a.example.com. 60 IN CNAME b.example.com.",
                                       "a.example.com. 60 IN CNAME c.example.com.",
                                       "b.example.com. 60 IN A 192.0.2.1",
                                       "c.example.com. 60 IN A 192.0.2.1",
                                       "c.example.com. 60 IN A 192.0.2.2")),
                           "a.example.com 192.0.2.1, c.example.com 192.0.2.1, "
                           "a.example.com 192.0.2.2, c.example.com 192.0.2.2");
}

static void test_l1_ttl_zero_counts(void)
{
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("a.example.com"),
                                   RRS("a.example.com. 0 IN CNAME b.example.net.",
                                       "b.example.net. 0 IN A 192.0.2.1")),
                           "a.example.com 192.0.2.1");
}

static void test_n2_upper_case_names(void)
{
    learn_msg_t msg;
    learn_msg_init(&msg);
    size_t len;
    uint8_t *wire = dns_response(&len, RRS("WWW.Example.COM. 60 IN CNAME Edge.CDN.net.",
                                           "edge.cdn.NET. 60 IN A 192.0.2.1"));
    errinfo_t err;
    CU_ASSERT_TRUE_FATAL(learn_parse(wire, len, &msg, &err));
    /* The two spellings of the target are one name. */
    CU_ASSERT_EQUAL(msg.n_names, 2);
    CU_ASSERT_STRING_EQUAL(learn_name_text(&msg, 0), "www.example.com");
    CU_ASSERT_STRING_EQUAL(learn_name_text(&msg, 1), "edge.cdn.net");
    CU_ASSERT_EQUAL(msg.n_edges, 1);
    CU_ASSERT_EQUAL(msg.n_addrs, 1);
    dn_matcher_t *m = matcher_of(DOMAINS("www.EXAMPLE.com"));
    CU_ASSERT_STRING_EQUAL(records_text(&msg, m), "www.example.com 192.0.2.1");
    dn_matcher_free(m);
    learn_msg_free(&msg);
    free(wire);
}

static void test_n2_root_owner_matches_nothing(void)
{
    /* Records owned by the root: nothing, whatever the wildcards. */
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 1, 1, 0, 0);
    dns_raw_question(&w, "", 1);
    dns_raw_rr(&w, "", 1, 1, 60, A_192_0_2_1, 4);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("*.com", "*.example.com"), &w), "");
    dns_raw_free(&w);
    /* But the root can sit on a chain: the alias before it still matches. */
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 2, 0, 0);
    dns_raw_rr(&w, "x.com", 5, 1, 60, "\0", 1);
    dns_raw_rr(&w, "", 1, 1, 60, A_192_0_2_1, 4);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("*.com"), &w), "x.com 192.0.2.1");
    dns_raw_free(&w);
}

static void test_n2_star_label_matches_nothing(void)
{
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("*.example.com"),
                                   RRS("*.example.com. 60 IN A 192.0.2.1",
                                       "x.example.com. 60 IN A 192.0.2.2")),
                           "x.example.com 192.0.2.2");
}

static void test_n2_odd_names_are_names(void)
{
    /* A label with a space: the name is invalid (matches nothing) but its alias is routed. */
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 2, 0, 0);
    dns_raw_rr(&w, "a.example.com", 5, 1, 60, "\3b c\3net\0", 9);
    dns_raw_name(&w, "b c.net");
    dns_raw_u16(&w, 1);
    dns_raw_u16(&w, 1);
    dns_raw_u32(&w, 60);
    dns_raw_u16(&w, 4);
    dns_raw_bytes(&w, A_192_0_2_1, 4);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("a.example.com", "*.net"), &w),
                           "a.example.com 192.0.2.1");
    dns_raw_free(&w);
}

/* ---- L4 ---- */

static void test_l4_disallowed_addresses(void)
{
    const char *bad[] = {"0.0.0.0",        "0.1.2.3",         "127.0.0.1",
                         "127.255.255.255", "169.254.0.1",     "169.254.255.255",
                         "224.0.0.1",       "239.255.255.255", "240.0.0.1",
                         "255.255.255.255", "100.64.0.0",      "100.127.255.255",
                         "::",              "::1",             "::ffff:10.0.0.1",
                         "::ffff:8.8.8.8",  "::ffff:0:0",      "fe80::1",
                         "febf:ffff::1",    "ff02::1",         "ff00::",
                         "fd7a:115c:a1e0::1", "fd7a:115c:a1e0:ffff:ffff:ffff:ffff:ffff"};
    const char *good[] = {"1.0.0.0",       "126.255.255.255", "128.0.0.0",  "169.253.255.255",
                          "169.255.0.0",   "223.255.255.255", "100.63.255.255", "100.128.0.0",
                          "10.0.0.1",      "192.0.2.1",       "::2",        "::fffe:a00:1",
                          "::1:ffff:a00:1", "fec0::1",        "fe7f::1",    "fd7a:115c:a1e1::1",
                          "fd7a:115c:a1df:ffff::1", "2001:db8::1", "64:ff9b::a00:1",
                          "feff::1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pfx_addr_t a = addr_of(bad[i]);
        if (!learn_addr_disallowed(&a))
            CU_FAIL(bad[i]);
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        pfx_addr_t a = addr_of(good[i]);
        if (learn_addr_disallowed(&a))
            CU_FAIL(good[i]);
    }
}

static void test_l4_never_learned(void)
{
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("a.example.com"),
                                   RRS("a.example.com. 60 IN A 127.0.0.1",
                                       "a.example.com. 60 IN A 192.0.2.1",
                                       "a.example.com. 60 IN AAAA ::ffff:10.0.0.1",
                                       "a.example.com. 60 IN A 10.0.0.1",
                                       "a.example.com. 60 IN AAAA fd7a:115c:a1e0::5",
                                       "a.example.com. 60 IN AAAA 2001:db8::5",
                                       "a.example.com. 60 IN A 100.100.100.100")),
                           "a.example.com 192.0.2.1, a.example.com 10.0.0.1, "
                           "a.example.com 2001:db8::5");
}

static void test_l4_disallowed_prefixes(void)
{
    struct {
        const char *addr;
        unsigned len;
        bool disallowed;
    } cases[] = {
        {"0.0.0.0", 8, true},           {"0.0.0.0", 32, true},
        {"0.0.0.0", 0, false},          {"0.0.0.0", 7, false},
        {"127.0.0.0", 8, true},         {"127.1.0.0", 16, true},
        {"126.0.0.0", 7, false},        {"127.0.0.1", 32, true},
        {"169.254.0.0", 16, true},      {"169.254.0.0", 15, false},
        {"224.0.0.0", 4, true},         {"224.0.0.0", 3, false},
        {"240.0.0.0", 4, true},         {"255.255.255.255", 32, true},
        {"100.64.0.0", 10, true},       {"100.96.0.0", 11, true},
        {"100.0.0.0", 9, false},        {"10.0.0.0", 8, false},
        {"192.0.2.0", 24, false},       {"::", 128, true},
        {"::1", 128, true},             {"::", 127, false},
        {"::", 0, false},               {"::2", 128, false},
        {"::ffff:0:0", 96, true},       {"::ffff:10.0.0.0", 104, true},
        {"::ffff:0:0", 95, false},      {"fe80::", 10, true},
        {"fe80::", 64, true},           {"fe80::", 9, false},
        {"ff00::", 8, true},            {"ff02::1", 128, true},
        {"fd7a:115c:a1e0::", 48, true}, {"fd7a:115c:a1e0:ab12::", 64, true},
        {"fd7a:115c::", 32, false},     {"2001:db8::", 32, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pfx_t p = prefix_of(cases[i].addr, cases[i].len);
        if (learn_prefix_disallowed(&p) != cases[i].disallowed) {
            char what[80];
            snprintf(what, sizeof what, "%s/%u", cases[i].addr, cases[i].len);
            CU_FAIL(what);
        }
    }
}

/* ---- L1 ---- */

static void test_l1_other_classes_and_types_ignored(void)
{
    learn_msg_t msg;
    learn_msg_init(&msg);
    size_t len;
    uint8_t *wire = dns_response(&len, RRS("a.example.com. 60 CH A 192.0.2.1",
                                           "a.example.com. 60 IN TXT \"hello\"",
                                           "a.example.com. 60 IN MX 10 mail.example.com.",
                                           "b.example.com. 60 IN A 192.0.2.2"));
    errinfo_t err;
    CU_ASSERT_TRUE_FATAL(learn_parse(wire, len, &msg, &err));
    /* Only the kept record's name is interned. */
    CU_ASSERT_EQUAL(msg.n_names, 1);
    CU_ASSERT_EQUAL(msg.n_addrs, 1);
    dn_matcher_t *m = matcher_of(DOMAINS("a.example.com", "b.example.com"));
    CU_ASSERT_STRING_EQUAL(records_text(&msg, m), "b.example.com 192.0.2.2");
    dn_matcher_free(m);
    learn_msg_free(&msg);
    free(wire);
}

static void test_l1_other_class_rdata_not_checked(void)
{
    /* A class CH "A" record's RDATA is not an IPv4 address: its length is not L1's business. */
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 2, 0, 0);
    dns_raw_rr(&w, "a.example.com", 1, 3, 60, "\1\2\3\4\5", 5);
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, A_192_0_2_1, 4);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("a.example.com"), &w), "a.example.com 192.0.2.1");
    dns_raw_free(&w);
}

static void test_l1_txt_bounds_checked(void)
{
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 2, 0, 0);
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, A_192_0_2_1, 4);
    dns_raw_name(&w, "a.example.com");
    dns_raw_u16(&w, 16);
    dns_raw_u16(&w, 1);
    dns_raw_u32(&w, 60);
    dns_raw_u16(&w, 50); /* only 3 bytes follow */
    dns_raw_bytes(&w, "\2hi", 3);
    CU_ASSERT_STRING_EQUAL(
        learned_raw(DOMAINS("a.example.com"), &w),
        "malformed: answer record 2: RDATA of 50 bytes runs past the end of the message");
    dns_raw_free(&w);
}

static void test_l1_truncated_header(void)
{
    uint8_t header[12] = {0x12, 0x34, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
    CU_ASSERT_STRING_EQUAL(learn_wire(NULL, header, 11),
                           "malformed: the header is truncated: 11 bytes, not 12");
    CU_ASSERT_STRING_EQUAL(learn_wire(NULL, header, 0),
                           "malformed: the header is truncated: 0 bytes, not 12");
    /* Exactly a header, no records: fine. */
    CU_ASSERT_STRING_EQUAL(learn_wire(NULL, header, 12), "");
}

static void test_l1_count_beyond_data(void)
{
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 1, 3, 0, 0);
    dns_raw_question(&w, "a.example.com", 1);
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, A_192_0_2_1, 4);
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, "\1\2\3\4", 4);
    const char *got = learned_raw(DOMAINS("a.example.com"), &w);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "malformed: answer record 3: bad name at offset"));
    dns_raw_free(&w);
    /* A question count beyond the data. */
    dns_raw_init(&w);
    dns_raw_header(&w, 2, 0, 0, 0);
    dns_raw_question(&w, "a.example.com", 1);
    got = learned_raw(NULL, &w);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "malformed: question 2: bad name"));
    dns_raw_free(&w);
}

static void test_l1_truncated_record(void)
{
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    dns_raw_name(&w, "a.example.com");
    dns_raw_u16(&w, 1);
    dns_raw_u16(&w, 1);
    dns_raw_u32(&w, 60); /* rdlength missing */
    CU_ASSERT_STRING_EQUAL(
        learned_raw(DOMAINS("a.example.com"), &w),
        "malformed: answer record 1: the fixed fields run past the end of the message");
    dns_raw_free(&w);
}

static void test_l1_question_truncated(void)
{
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 1, 0, 0, 0);
    dns_raw_name(&w, "a.example.com");
    dns_raw_u16(&w, 1); /* class missing */
    CU_ASSERT_STRING_EQUAL(
        learned_raw(NULL, &w),
        "malformed: question 1: type and class run past the end of the message");
    dns_raw_free(&w);
    /* The name itself cut short. */
    dns_raw_init(&w);
    dns_raw_header(&w, 1, 0, 0, 0);
    dns_raw_bytes(&w, "\7exam", 5);
    CU_ASSERT_PTR_NOT_NULL(strstr(learned_raw(NULL, &w), "malformed: question 1: bad name"));
    dns_raw_free(&w);
}

static void test_l1_compression_loops(void)
{
    /* The owner is a pointer to itself. */
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    dns_raw_pointer(&w, 12);
    dns_raw_u16(&w, 1);
    dns_raw_u16(&w, 1);
    dns_raw_u32(&w, 60);
    dns_raw_u16(&w, 4);
    dns_raw_bytes(&w, A_192_0_2_1, 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(learned_raw(NULL, &w), "malformed: answer record 1: bad name"));
    dns_raw_free(&w);
    /* Two pointers to each other: the question points at the owner and back. */
    dns_raw_init(&w);
    dns_raw_header(&w, 1, 1, 0, 0);
    dns_raw_pointer(&w, 18); /* offset 12: to the owner below */
    dns_raw_u16(&w, 1);
    dns_raw_u16(&w, 1);
    dns_raw_pointer(&w, 12); /* offset 18: to the question name */
    dns_raw_u16(&w, 1);
    dns_raw_u16(&w, 1);
    dns_raw_u32(&w, 60);
    dns_raw_u16(&w, 4);
    dns_raw_bytes(&w, A_192_0_2_1, 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(learned_raw(NULL, &w), "malformed: question 1: bad name"));
    dns_raw_free(&w);
    /* A loop through a label: "a" then a pointer back to "a". */
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    dns_raw_bytes(&w, "\1a", 2);
    dns_raw_pointer(&w, 12);
    CU_ASSERT_PTR_NOT_NULL(strstr(learned_raw(NULL, &w), "malformed: answer record 1: bad name"));
    dns_raw_free(&w);
}

static void test_l1_pointer_beyond_message(void)
{
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    dns_raw_pointer(&w, 0x3000);
    dns_raw_u16(&w, 1);
    dns_raw_u16(&w, 1);
    dns_raw_u32(&w, 60);
    dns_raw_u16(&w, 4);
    dns_raw_bytes(&w, A_192_0_2_1, 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(learned_raw(NULL, &w), "malformed: answer record 1: bad name"));
    dns_raw_free(&w);
    /* A CNAME whose target points exactly at the end of the message, and one past it. */
    for (int past = 0; past <= 1; past++) {
        dns_raw_init(&w);
        dns_raw_header(&w, 0, 1, 0, 0);
        dns_raw_name(&w, "a.example.com");
        dns_raw_u16(&w, 5);
        dns_raw_u16(&w, 1);
        dns_raw_u32(&w, 60);
        dns_raw_u16(&w, 2);
        dns_raw_pointer(&w, (uint16_t)(w.len + 2 + past));
        CU_ASSERT_PTR_NOT_NULL(
            strstr(learned_raw(DOMAINS("a.example.com"), &w), "malformed: answer record 1"));
        dns_raw_free(&w);
    }
}

static void test_l1_bad_address_lengths(void)
{
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 3, 0, 0);
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, A_192_0_2_1, 4);
    dns_raw_rr(&w, "b.example.com", 1, 1, 60, A_192_0_2_1, 4);
    dns_raw_rr(&w, "c.example.com", 1, 1, 60, "\1\2\3\4\5", 5);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("a.example.com"), &w),
                           "malformed: answer record 3: A RDATA is 5 bytes, not 4");
    dns_raw_free(&w);
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    dns_raw_rr(&w, "a.example.com", 28, 1, 60, A_192_0_2_1, 4);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("a.example.com"), &w),
                           "malformed: answer record 1: AAAA RDATA is 4 bytes, not 16");
    dns_raw_free(&w);
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, "", 0);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("a.example.com"), &w),
                           "malformed: answer record 1: A RDATA is 0 bytes, not 4");
    dns_raw_free(&w);
}

static void test_l1_cname_rdata_exactly_one_name(void)
{
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    dns_raw_rr(&w, "a.example.com", 5, 1, 60, "\1b\3com\0XY", 9);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("a.example.com"), &w),
                           "malformed: answer record 1: CNAME RDATA is 9 bytes but its name "
                           "takes 7");
    dns_raw_free(&w);
    /* RDATA shorter than the name: the name runs on into the next record. */
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 2, 0, 0);
    dns_raw_rr(&w, "a.example.com", 5, 1, 60, "\1b\3com\0", 3);
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, A_192_0_2_1, 4);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(learned_raw(DOMAINS("a.example.com"), &w), "malformed: answer record 1"));
    dns_raw_free(&w);
    /* Empty RDATA. */
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    dns_raw_rr(&w, "a.example.com", 5, 1, 60, "", 0);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(learned_raw(DOMAINS("a.example.com"), &w), "malformed: answer record 1"));
    dns_raw_free(&w);
    /* A compressed target is fine: the pointer ends the RDATA. */
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 2, 0, 0);
    dns_raw_rr(&w, "t.example.net", 1, 1, 60, A_192_0_2_1, 4);
    dns_raw_name(&w, "a.example.com");
    dns_raw_u16(&w, 5);
    dns_raw_u16(&w, 1);
    dns_raw_u32(&w, 60);
    dns_raw_u16(&w, 2);
    dns_raw_pointer(&w, 12);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("a.example.com"), &w), "a.example.com 192.0.2.1");
    dns_raw_free(&w);
}

static void test_l1_trailing_and_other_sections_ignored(void)
{
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 1, 1, 7, 9); /* authority and additional counts beyond the data */
    dns_raw_question(&w, "a.example.com", 1);
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, A_192_0_2_1, 4);
    dns_raw_bytes(&w, "\xc0\xff\xff garbage \x3f", 13);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("a.example.com"), &w), "a.example.com 192.0.2.1");
    dns_raw_free(&w);
    /* Well-formed authority and additional sections teach nothing either. */
    size_t len;
    uint8_t *wire = dns_response_full(&len, "a.example.com.", 0,
                                      RRS("a.example.com. 60 IN A 192.0.2.1"),
                                      RRS("b.example.com. 60 IN A 192.0.2.2"),
                                      RRS("c.example.com. 60 IN A 192.0.2.3"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    CU_ASSERT_STRING_EQUAL(
        learn_wire(DOMAINS("a.example.com", "b.example.com", "c.example.com"), wire, len),
        "a.example.com 192.0.2.1");
    free(wire);
}

static void test_l1_question_plays_no_part(void)
{
    size_t len;
    /* No question; an rcode of NXDOMAIN; an unrelated question name. */
    uint8_t *wire =
        dns_response_full(&len, NULL, 3, RRS("a.example.com. 60 IN A 192.0.2.1"), NULL, NULL);
    CU_ASSERT_STRING_EQUAL(learn_wire(DOMAINS("a.example.com"), wire, len),
                           "a.example.com 192.0.2.1");
    free(wire);
    wire = dns_response_full(&len, "unrelated.example.org.", 0,
                             RRS("a.example.com. 60 IN A 192.0.2.1"), NULL, NULL);
    CU_ASSERT_STRING_EQUAL(learn_wire(DOMAINS("a.example.com"), wire, len),
                           "a.example.com 192.0.2.1");
    free(wire);
    /* Two questions, one of them of an odd type and class. */
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 2, 1, 0, 0);
    dns_raw_question(&w, "q1.example", 255);
    dns_raw_name(&w, "q2.example");
    dns_raw_u16(&w, 16);
    dns_raw_u16(&w, 3);
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, A_192_0_2_1, 4);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("a.example.com"), &w), "a.example.com 192.0.2.1");
    dns_raw_free(&w);
}

static void test_l1_rejection_leaves_msg_empty(void)
{
    learn_msg_t msg;
    learn_msg_init(&msg);
    size_t len;
    uint8_t *wire = dns_response(&len, RRS("a.example.com. 60 IN CNAME b.example.net.",
                                           "b.example.net. 60 IN A 192.0.2.1"));
    errinfo_t err;
    CU_ASSERT_TRUE_FATAL(learn_parse(wire, len, &msg, &err));
    CU_ASSERT_EQUAL(msg.n_names, 2);
    /* The same message with its last record cut: rejected whole, nothing kept. */
    CU_ASSERT_FALSE(parse_exact(wire, len - 1, &msg, &err));
    CU_ASSERT_EQUAL(msg.n_names, 0);
    CU_ASSERT_EQUAL(msg.n_edges, 0);
    CU_ASSERT_EQUAL(msg.n_addrs, 0);
    dn_matcher_t *m = matcher_of(DOMAINS("a.example.com"));
    const learn_record_t *recs;
    CU_ASSERT_EQUAL(learn_route(&msg, m, &recs), 0);
    /* And the msg is reusable afterwards. */
    CU_ASSERT_TRUE(learn_parse(wire, len, &msg, &err));
    CU_ASSERT_STRING_EQUAL(records_text(&msg, m), "a.example.com 192.0.2.1");
    dn_matcher_free(m);
    learn_msg_free(&msg);
    free(wire);
}

static void test_l1_reuse_keeps_no_stale_state(void)
{
    learn_msg_t msg;
    learn_msg_init(&msg);
    dn_matcher_t *m = matcher_of(DOMAINS("*.example.com"));
    errinfo_t err;
    /* A big message (hash-interned names), then a small one, then a big one again. */
    static char text[40][80];
    const char *rrs[41];
    for (int i = 0; i < 40; i++) {
        snprintf(text[i], sizeof text[i], "h%d.example.com. 60 IN A 10.0.%d.1", i, i);
        rrs[i] = text[i];
    }
    rrs[40] = NULL;
    for (int round = 0; round < 3; round++) {
        size_t len;
        uint8_t *wire = round == 1 ? dns_response(&len, RRS("x.example.com. 60 IN A 192.0.2.1",
                                                           "x.example.com. 60 IN A 192.0.2.2"))
                                   : dns_response(&len, rrs);
        CU_ASSERT_TRUE_FATAL(learn_parse(wire, len, &msg, &err));
        const learn_record_t *recs;
        long n = learn_route(&msg, m, &recs);
        if (round == 1) {
            CU_ASSERT_EQUAL(msg.n_names, 1);
            CU_ASSERT_EQUAL(n, 2);
        } else {
            CU_ASSERT_EQUAL(msg.n_names, 40);
            CU_ASSERT_EQUAL_FATAL(n, 40);
            CU_ASSERT_STRING_EQUAL(learn_name_text(&msg, recs[39].name), "h39.example.com");
        }
        free(wire);
    }
    dn_matcher_free(m);
    learn_msg_free(&msg);
}

static void test_l1_huge_message(void)
{
    /* 2000 owners with an address each, plus a fan-in of 200 aliases to one target with 20
     * addresses: 2000 + 200 * 20 records. */
    enum { OWNERS = 2000, ALIASES = 200, TARGET_ADDRS = 20 };
    size_t total = OWNERS + ALIASES + TARGET_ADDRS;
    char **text = calloc(total, sizeof *text);
    const char **rrs = calloc(total + 1, sizeof *rrs);
    size_t k = 0;
    for (int i = 0; i < OWNERS; i++) {
        text[k] = malloc(80);
        snprintf(text[k], 80, "h%d.example.com. 60 IN A 10.%d.%d.1", i, i / 256, i % 256);
        k++;
    }
    for (int i = 0; i < ALIASES; i++) {
        text[k] = malloc(80);
        snprintf(text[k], 80, "alias%d.example.org. 60 IN CNAME t.example.net.", i);
        k++;
    }
    for (int i = 0; i < TARGET_ADDRS; i++) {
        text[k] = malloc(80);
        snprintf(text[k], 80, "t.example.net. 60 IN AAAA 2001:db8::%x", i + 1);
        k++;
    }
    for (size_t i = 0; i < total; i++)
        rrs[i] = text[i];
    size_t len;
    uint8_t *wire = dns_response(&len, rrs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    learn_msg_t msg;
    learn_msg_init(&msg);
    errinfo_t err;
    CU_ASSERT_TRUE_FATAL(parse_exact(wire, len, &msg, &err));
    CU_ASSERT_EQUAL(msg.n_names, OWNERS + ALIASES + 1);
    CU_ASSERT_EQUAL(msg.n_addrs, OWNERS + TARGET_ADDRS);
    CU_ASSERT_EQUAL(msg.n_edges, ALIASES);
    dn_matcher_t *m = matcher_of(DOMAINS("*.example.com", "*.example.org"));
    const learn_record_t *recs;
    long n = learn_route(&msg, m, &recs);
    CU_ASSERT_EQUAL_FATAL(n, OWNERS + ALIASES * TARGET_ADDRS);
    CU_ASSERT_STRING_EQUAL(learn_name_text(&msg, recs[0].name), "h0.example.com");
    CU_ASSERT_STRING_EQUAL(learn_name_text(&msg, recs[OWNERS].name), "alias0.example.org");
    CU_ASSERT_STRING_EQUAL(learn_name_text(&msg, recs[n - 1].name), "alias199.example.org");
    dn_matcher_free(m);
    learn_msg_free(&msg);
    free(wire);
    for (size_t i = 0; i < total; i++)
        free(text[i]);
    free(text);
    free(rrs);
}

/* ---- L1: compression pointers to names read earlier ---- */

/* The fixed fields of an IN record with TTL 60. */
static void raw_fields(dns_raw_t *w, uint16_t type, uint16_t rdlen)
{
    dns_raw_u16(w, type);
    dns_raw_u16(w, 1);
    dns_raw_u32(w, 60);
    dns_raw_u16(w, rdlen);
}

/* Wire length of an uncompressed name written by dns_raw_name. */
static uint16_t raw_name_len(const char *name)
{
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_name(&w, name);
    uint16_t n = (uint16_t)w.len;
    dns_raw_free(&w);
    return n;
}

/* Everything learn_parse kept, as text: "names | edges | addresses", or "malformed: ...". */
static void parsed_text(const dns_raw_t *w, char *out, size_t cap)
{
    learn_msg_t msg;
    learn_msg_init(&msg);
    errinfo_t err;
    if (!parse_exact(w->buf, w->len, &msg, &err)) {
        snprintf(out, cap, "malformed: %s", err.msg);
        learn_msg_free(&msg);
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < msg.n_names && o < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s'%s'%s", i > 0 ? " " : "",
                              learn_name_text(&msg, (uint32_t)i),
                              msg.names[i].valid ? "" : "(invalid)");
    if (o < cap)
        o += (size_t)snprintf(out + o, cap - o, " |");
    for (size_t i = 0; i < msg.n_edges && o < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, " %u>%u", (unsigned)msg.edges[i].owner,
                              (unsigned)msg.edges[i].target);
    if (o < cap)
        o += (size_t)snprintf(out + o, cap - o, " |");
    for (size_t i = 0; i < msg.n_addrs && o < cap; i++) {
        char at[64];
        addr_text(&msg.addrs[i].addr, at, sizeof at);
        o += (size_t)snprintf(out + o, cap - o, " %u:%s", (unsigned)msg.addrs[i].owner, at);
    }
    learn_msg_free(&msg);
}

static char parsed_a[1 << 16], parsed_b[1 << 16];

/* The same answers written twice: names in full, and as pointers to names read earlier (the
 * question, a skipped record's owner, a CNAME target, a pointer's own start). */
static void write_pointer_message(dns_raw_t *w, bool compressed)
{
    dns_raw_header(w, 1, 6, 0, 0);
    uint16_t q = (uint16_t)w->len;
    dns_raw_question(w, "www.example.com", 1);
    /* 1: www CNAME edge.cdn.example.net (the target in full in both) */
    if (compressed)
        dns_raw_pointer(w, q);
    else
        dns_raw_name(w, "www.example.com");
    raw_fields(w, 5, raw_name_len("edge.cdn.example.net"));
    uint16_t target = (uint16_t)w->len;
    dns_raw_name(w, "edge.cdn.example.net");
    /* 2: a TXT record, skipped, whose owner is read all the same */
    uint16_t txt_owner = (uint16_t)w->len;
    dns_raw_name(w, "t.example.com");
    raw_fields(w, 16, 2);
    dns_raw_bytes(w, "\1x", 2);
    /* 3, 4: two addresses of the target */
    uint16_t owner3 = (uint16_t)w->len;
    for (int i = 0; i < 2; i++) {
        if (compressed)
            dns_raw_pointer(w, target);
        else
            dns_raw_name(w, "edge.cdn.example.net");
        raw_fields(w, 1, 4);
        dns_raw_bytes(w, i == 0 ? "\xc0\x00\x02\x01" : "\xc0\x00\x02\x02", 4);
    }
    /* 5: the owner is a pointer to record 3's owner, itself a pointer to the target */
    if (compressed)
        dns_raw_pointer(w, owner3);
    else
        dns_raw_name(w, "edge.cdn.example.net");
    raw_fields(w, 1, 4);
    dns_raw_bytes(w, "\xc0\x00\x02\x03", 4);
    /* 6: the TXT record's owner, now with an address */
    if (compressed)
        dns_raw_pointer(w, txt_owner);
    else
        dns_raw_name(w, "t.example.com");
    raw_fields(w, 1, 4);
    dns_raw_bytes(w, "\xc0\x00\x02\x04", 4);
}

static void test_l1_pointer_to_known_name(void)
{
    dns_raw_t w;
    dns_raw_init(&w);
    write_pointer_message(&w, true);
    parsed_text(&w, parsed_a, sizeof parsed_a);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("www.example.com", "t.example.com"), &w),
                           "www.example.com 192.0.2.1, www.example.com 192.0.2.2, "
                           "www.example.com 192.0.2.3, t.example.com 192.0.2.4");
    dns_raw_free(&w);
    dns_raw_init(&w);
    write_pointer_message(&w, false);
    parsed_text(&w, parsed_b, sizeof parsed_b);
    dns_raw_free(&w);
    CU_ASSERT_STRING_EQUAL(parsed_a, parsed_b);
    CU_ASSERT_STRING_EQUAL(parsed_a, "'www.example.com' 'edge.cdn.example.net' 't.example.com' | "
                                     "0>1 | 1:192.0.2.1 1:192.0.2.2 1:192.0.2.3 2:192.0.2.4");
}

static void test_l1_pointer_into_a_name(void)
{
    /* "\3www\7example\3com\0" at 12: offset 16 is "example.com", offset 24 is "com". */
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 1, 3, 0, 0);
    dns_raw_question(&w, "www.example.com", 1);
    dns_raw_pointer(&w, 16);
    raw_fields(&w, 1, 4);
    dns_raw_bytes(&w, A_192_0_2_1, 4);
    dns_raw_pointer(&w, 24);
    raw_fields(&w, 1, 4);
    dns_raw_bytes(&w, "\xc0\x00\x02\x02", 4);
    dns_raw_pointer(&w, 12);
    raw_fields(&w, 1, 4);
    dns_raw_bytes(&w, "\xc0\x00\x02\x03", 4);
    parsed_text(&w, parsed_a, sizeof parsed_a);
    CU_ASSERT_STRING_EQUAL(parsed_a, "'example.com' 'com' 'www.example.com' | | "
                                     "0:192.0.2.1 1:192.0.2.2 2:192.0.2.3");
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("example.com", "www.example.com"), &w),
                           "example.com 192.0.2.1, www.example.com 192.0.2.3");
    dns_raw_free(&w);
}

/* A message whose question is "a.example.com" (at 12, its type at 27) and whose answers are
 * two A records: the first owned by a pointer to the question (at 31, its address at 43), the
 * second by owner2 (at 47, n2 bytes written as they are). */
static void write_owner_message(dns_raw_t *w, const void *owner2, size_t n2)
{
    dns_raw_header(w, 1, 2, 0, 0);
    dns_raw_question(w, "a.example.com", 1);
    dns_raw_pointer(w, 12);
    raw_fields(w, 1, 4);
    dns_raw_bytes(w, A_192_0_2_1, 4); /* 0xc0 0x00 reads as a pointer to 0 */
    dns_raw_bytes(w, owner2, n2);
    raw_fields(w, 1, 4);
    dns_raw_bytes(w, "\xc0\x00\x02\x02", 4);
}

static void test_l1_pointer_to_other_offsets(void)
{
    dns_raw_t w;
    /* To the question's type: a prior offset whose byte (0) reads as the root, as ldns
     * decodes it. */
    const char *const root[] = {"\xc0\x1b"};
    for (size_t i = 0; i < sizeof root / sizeof root[0]; i++) {
        dns_raw_init(&w);
        write_owner_message(&w, root[i], 2);
        parsed_text(&w, parsed_a, sizeof parsed_a);
        CU_ASSERT_STRING_EQUAL(parsed_a,
                               "'a.example.com' ''(invalid) | | 0:192.0.2.1 1:192.0.2.2");
        CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("a.example.com"), &w),
                               "a.example.com 192.0.2.1");
        dns_raw_free(&w);
    }
    /* To offset 0, to an address whose bytes read as a pointer to 0, past the end, and to
     * itself: all rejected by ldns. */
    const char *const bad[] = {"\xc0\x00", "\xc0\x2b", "\xff\xff", "\xc0\x2f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dns_raw_init(&w);
        write_owner_message(&w, bad[i], 2);
        CU_ASSERT_EQUAL(w.len, 47 + 2 + 10 + 4);
        parsed_text(&w, parsed_a, sizeof parsed_a);
        CU_ASSERT_PTR_NOT_NULL(strstr(parsed_a, "malformed: answer record 2: bad name at offset 47"));
        dns_raw_free(&w);
    }
    /* Into the header (the question count), and forward past itself: not a prior name
     * (RFC 1035 4.1.4), so the message is malformed. */
    const char *const not_prior[] = {"\xc0\x04", "\xc0\x3a"};
    const char *const why[] = {"points to 4, inside the header", "points to 58, not to a prior"};
    for (size_t i = 0; i < sizeof not_prior / sizeof not_prior[0]; i++) {
        dns_raw_init(&w);
        write_owner_message(&w, not_prior[i], 2);
        parsed_text(&w, parsed_a, sizeof parsed_a);
        CU_ASSERT_PTR_NOT_NULL(strstr(parsed_a, "malformed: answer record 2: bad name at offset 47"));
        CU_ASSERT_PTR_NOT_NULL(strstr(parsed_a, why[i]));
        dns_raw_free(&w);
    }
    /* A pointer cut short by the end of the message, right after a known name. */
    dns_raw_init(&w);
    dns_raw_header(&w, 1, 1, 0, 0);
    dns_raw_question(&w, "a.example.com", 1);
    dns_raw_u8(&w, 0xc0);
    parsed_text(&w, parsed_a, sizeof parsed_a);
    CU_ASSERT_PTR_NOT_NULL(strstr(parsed_a, "malformed: answer record 1: bad name"));
    dns_raw_free(&w);
}

static void test_l1_known_names_do_not_outlive_their_message(void)
{
    learn_msg_t msg;
    learn_msg_init(&msg);
    errinfo_t err;
    /* First a message with a name at 12, then one whose owner at 12 points at itself. */
    dns_raw_t w;
    dns_raw_init(&w);
    write_owner_message(&w, "\xc0\x0c", 2);
    CU_ASSERT_TRUE(parse_exact(w.buf, w.len, &msg, &err));
    CU_ASSERT_EQUAL(msg.n_names, 1);
    dns_raw_free(&w);
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    dns_raw_pointer(&w, 12);
    raw_fields(&w, 1, 4);
    dns_raw_bytes(&w, A_192_0_2_1, 4);
    CU_ASSERT_FALSE(parse_exact(w.buf, w.len, &msg, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "answer record 1: bad name at offset 12"));
    CU_ASSERT_EQUAL(msg.n_names, 0);
    dns_raw_free(&w);
    learn_msg_free(&msg);
}

/* A chain of n CNAMEs, each target a pointer to the previous owner, then an address for every
 * owner through a pointer to it where a pointer can reach it (offsets under 16 KiB). */
static void write_chain_message(dns_raw_t *w, size_t n, uint16_t *off, bool compressed)
{
    dns_raw_header(w, 1, (uint16_t)(2 * n), 0, 0);
    dns_raw_question(w, "n0.example.com", 1);
    for (size_t i = 0; i < n; i++) {
        char name[48], prev[48];
        snprintf(name, sizeof name, "n%zu.example.com", i);
        snprintf(prev, sizeof prev, "n%zu.example.com", i == 0 ? n : i - 1);
        off[i] = (uint16_t)(w->len < 0x4000 ? w->len : 0);
        if (compressed && i == 0)
            dns_raw_pointer(w, 12);
        else
            dns_raw_name(w, name);
        if (compressed && i > 0 && off[i - 1] != 0) {
            raw_fields(w, 5, 2);
            dns_raw_pointer(w, off[i - 1]);
        } else {
            raw_fields(w, 5, raw_name_len(prev));
            dns_raw_name(w, prev);
        }
    }
    for (size_t i = 0; i < n; i++) {
        char name[48];
        snprintf(name, sizeof name, "n%zu.example.com", i);
        if (compressed && off[i] != 0)
            dns_raw_pointer(w, off[i]);
        else
            dns_raw_name(w, name);
        raw_fields(w, 1, 4);
        uint8_t a[4] = {10, (uint8_t)(i >> 8), (uint8_t)i, 1};
        dns_raw_bytes(w, a, 4);
    }
}

static void test_l1_many_pointers_decode_as_in_full(void)
{
    /* Enough names to fill every memory of known names, and to run past 16 KiB. */
    enum { N = 700 };
    uint16_t off[N];
    dns_raw_t w;
    dns_raw_init(&w);
    write_chain_message(&w, N, off, true);
    CU_ASSERT(w.len > 0x4000);
    parsed_text(&w, parsed_a, sizeof parsed_a);
    /* n699 reaches every other name over the chain: all 700 addresses go under it. */
    static char routed[1 << 16];
    snprintf(routed, sizeof routed, "%s", learned_raw(DOMAINS("n699.example.com"), &w));
    CU_ASSERT_EQUAL(strncmp(routed, "n699.example.com 10.0.0.1, n699.example.com 10.0.1.1, ", 54),
                    0);
    CU_ASSERT_PTR_NOT_NULL(strstr(routed, ", n699.example.com 10.2.187.1"));
    dns_raw_free(&w);
    dns_raw_init(&w);
    write_chain_message(&w, N, off, false);
    parsed_text(&w, parsed_b, sizeof parsed_b);
    CU_ASSERT_STRING_EQUAL(learned_raw(DOMAINS("n699.example.com"), &w), routed);
    dns_raw_free(&w);
    CU_ASSERT_STRING_EQUAL(parsed_a, parsed_b);
    CU_ASSERT_EQUAL(strncmp(parsed_a, "'n0.example.com' 'n700.example.com' 'n1.example.com' ", 53),
                    0);
    CU_ASSERT_PTR_NOT_NULL(strstr(parsed_a, "'n699.example.com' | 0>1 2>0 3>2 4>3 "));
}

static void test_l1_msg_memory(void)
{
    learn_msg_t msg;
    learn_msg_init(&msg);
    CU_ASSERT_EQUAL(learn_msg_memory(&msg), 0);
    size_t len;
    uint8_t *wire = dns_response(&len, RRS("a.example.com. 60 IN CNAME b.example.net.",
                                           "b.example.net. 60 IN A 192.0.2.1"));
    errinfo_t err;
    CU_ASSERT_TRUE_FATAL(learn_parse(wire, len, &msg, &err));
    size_t parsed = learn_msg_memory(&msg);
    CU_ASSERT(parsed >= msg.cap_names * sizeof *msg.names + msg.text_cap + msg.scratch_cap);
    dn_matcher_t *m = matcher_of(DOMAINS("a.example.com"));
    CU_ASSERT_STRING_EQUAL(records_text(&msg, m), "a.example.com 192.0.2.1");
    size_t routed = learn_msg_memory(&msg);
    CU_ASSERT(routed > parsed); /* learn_route's working arrays */
    /* Reparsing reuses the buffers: nothing more is held. */
    CU_ASSERT_TRUE_FATAL(learn_parse(wire, len, &msg, &err));
    CU_ASSERT_STRING_EQUAL(records_text(&msg, m), "a.example.com 192.0.2.1");
    CU_ASSERT_EQUAL(learn_msg_memory(&msg), routed);
    free(wire);
    /* A bigger message grows them. */
    static char text[100][80];
    const char *rrs[101];
    for (int i = 0; i < 100; i++) {
        snprintf(text[i], sizeof text[i], "a.example.com. 60 IN A 10.0.%d.1", i);
        rrs[i] = text[i];
    }
    rrs[100] = NULL;
    wire = dns_response(&len, rrs);
    CU_ASSERT_TRUE_FATAL(learn_parse(wire, len, &msg, &err));
    CU_ASSERT_EQUAL(learn_route(&msg, m, &(const learn_record_t *){NULL}), 100);
    CU_ASSERT(learn_msg_memory(&msg) >= routed + 100 * sizeof(learn_record_t));
    free(wire);
    dn_matcher_free(m);
    learn_msg_free(&msg);
    CU_ASSERT_EQUAL(learn_msg_memory(&msg), 0);
}

static void test_l2_no_addresses_or_no_domains(void)
{
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("a.example.com"),
                                   RRS("a.example.com. 60 IN CNAME b.example.net.")),
                           "");
    CU_ASSERT_STRING_EQUAL(learned(DOMAINS("a.example.com"), NULL), "");
}

void suite_learn(void);
void suite_learn(void)
{
    static CU_TestInfo tests[] = {
        {"L2 L3 chain A->B->C recorded under the configured alias",
         test_l2_chain_recorded_under_alias},
        {"L3 recorded under every matching name on the path", test_l3_every_matching_name_on_path},
        {"L2 L3 fan-in: recorded under each configured alias", test_l2_fan_in},
        {"L2 cycles terminate; addresses outside still learned", test_l2_cycles_terminate},
        {"L2 records in any order teach the same", test_l2_records_in_any_order},
        {"L2 a chain of 100 links", test_l2_long_chain},
        {"L2 L3 wildcard-matched intermediate names", test_l3_wildcard_matched_intermediate},
        {"L2 unrouted addresses are not recorded", test_l2_unrouted_addresses},
        {"L3 a (name, address) pair is recorded once", test_l2_duplicate_pairs_collapse},
        {"L2 no address records, no domains", test_l2_no_addresses_or_no_domains},
        {"L1 TTL 0 records still count", test_l1_ttl_zero_counts},
        {"N2 upper-case names in messages", test_n2_upper_case_names},
        {"N2 records owned by the root match nothing", test_n2_root_owner_matches_nothing},
        {"N2 a '*' label in a message name matches nothing", test_n2_star_label_matches_nothing},
        {"N2 invalid names still sit on CNAME paths", test_n2_odd_names_are_names},
        {"L4 disallowed addresses", test_l4_disallowed_addresses},
        {"L4 disallowed addresses are never learned", test_l4_never_learned},
        {"L4 C2 disallowed prefixes: equal to or inside a range", test_l4_disallowed_prefixes},
        {"L1 other classes and types are ignored", test_l1_other_classes_and_types_ignored},
        {"L1 other classes' RDATA lengths are not checked", test_l1_other_class_rdata_not_checked},
        {"L1 skipped records are bounds-checked", test_l1_txt_bounds_checked},
        {"L1 truncated header is malformed", test_l1_truncated_header},
        {"L1 a count beyond the data is malformed", test_l1_count_beyond_data},
        {"L1 a truncated record is malformed", test_l1_truncated_record},
        {"L1 a truncated question is malformed", test_l1_question_truncated},
        {"L1 compression-pointer loops are malformed", test_l1_compression_loops},
        {"L1 pointers beyond the message are malformed", test_l1_pointer_beyond_message},
        {"L1 A not 4 bytes, AAAA not 16, malformed", test_l1_bad_address_lengths},
        {"L1 CNAME RDATA must be exactly one name", test_l1_cname_rdata_exactly_one_name},
        {"L1 trailing bytes, authority and additional play no part",
         test_l1_trailing_and_other_sections_ignored},
        {"L1 the question and rcode play no part", test_l1_question_plays_no_part},
        {"L1 a rejected message leaves nothing behind", test_l1_rejection_leaves_msg_empty},
        {"L1 a reused msg keeps no stale state", test_l1_reuse_keeps_no_stale_state},
        {"L1 L2 a huge message", test_l1_huge_message},
        {"L1 a pointer to a name read earlier is that name", test_l1_pointer_to_known_name},
        {"L1 a pointer into the middle of a name is its suffix", test_l1_pointer_into_a_name},
        {"L1 pointers to other offsets: prior ones decode, header and forward ones are malformed",
         test_l1_pointer_to_other_offsets},
        {"L1 names read in one message are not known in the next",
         test_l1_known_names_do_not_outlive_their_message},
        {"L1 L2 700 names through pointers decode as written in full",
         test_l1_many_pointers_decode_as_in_full},
        {"L1 learn_msg_memory counts the buffers and working memory", test_l1_msg_memory},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("learn", tests);
}
