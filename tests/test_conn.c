/* Tests of model/conn: the connector's learned state and advertised set (L1-L5 end to end,
 * N2-N5 through responses, C1-C7), export/import, and a seeded random comparison against a
 * brute-force reference model written from RULES alone. Responses are built with
 * tests/support_dns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "conn_debug.h"
#include "learn.h"
#include "support_dns.h"
#include "testutil.h"

/* ---- helpers ---- */

#define TC_MAX_ITEMS 32

static int tc_configure_at(conn_t *c, bool connector, const char *domains, const char *control,
                    const char *manual, conn_change_t *ch)
{
    dn_domain_t doms[TC_MAX_ITEMS];
    pfx_t ctl[TC_MAX_ITEMS], man[TC_MAX_ITEMS];
    size_t nd = 0, nc = 0, nm = 0;
    char word[300];
    for (const char *p = domains; p != NULL && *p != '\0';) {
        size_t n = strcspn(p, " ");
        if (n > 0) {
            errinfo_t err;
            CU_ASSERT_FATAL(nd < TC_MAX_ITEMS);
            CU_ASSERT_FATAL(dn_domain_parse(p, n, &doms[nd++], &err));
        }
        p += n + (p[n] == ' ');
    }
    const char *lists[2] = {control, manual};
    pfx_t *arrs[2] = {ctl, man};
    size_t *counts[2] = {&nc, &nm};
    for (int k = 0; k < 2; k++)
        for (const char *p = lists[k]; p != NULL && *p != '\0';) {
            size_t n = strcspn(p, " ");
            if (n > 0) {
                errinfo_t err;
                CU_ASSERT_FATAL(*counts[k] < TC_MAX_ITEMS && n < sizeof word);
                CU_ASSERT_FATAL(pfx_parse(p, n, false, &arrs[k][(*counts[k])++], &err));
            }
            p += n + (p[n] == ' ');
        }
    conn_config_t cfg = {connector, doms, nd, ctl, nc, man, nm};
    return conn_apply_config(c, &cfg, 0, ch);
}

static int tc_observe(conn_t *c, int64_t now, conn_change_t *ch, const char *const *rrs)
{
    size_t len;
    uint8_t *wire = dns_response(&len, rrs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    errinfo_t err = {{0}};
    int rc = conn_observe_response(c, wire, len, now, ch, &err);
    free(wire);
    return rc;
}

static const char *tc_change_text(const conn_change_t *ch)
{
    static char buf[8192];
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ch->n_add + ch->n_remove; i++) {
        const pfx_t *p = i < ch->n_add ? &ch->add[i] : &ch->remove[i - ch->n_add];
        char t[PFX_TEXT_MAX];
        pfx_format(p, t);
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%c%s", at ? " " : "",
                               i < ch->n_add ? '+' : '-', t);
        if (at >= sizeof buf)
            break;
    }
    return buf;
}

typedef struct {
    char *buf;
    size_t at, cap;
} text_acc_t;

static bool acc_prefix(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    text_acc_t *a = ctx;
    char t[PFX_TEXT_MAX];
    pfx_format(p, t);
    a->at += (size_t)snprintf(a->buf + a->at, a->cap - a->at, "%s%s", a->at ? " " : "", t);
    return a->at < a->cap;
}

static const char *tc_set_text(const pfxset_t *s)
{
    static char buf[8192];
    text_acc_t a = {buf, 0, sizeof buf};
    buf[0] = '\0';
    pfxset_foreach(s, acc_prefix, &a);
    return buf;
}

static const char *tc_adv_text(const conn_t *c)
{
    return tc_set_text(conn_advertised(c));
}

static bool acc_record(const char *name, const pfx_addr_t *addr, int64_t last, void *ctx)
{
    text_acc_t *a = ctx;
    char t[PFX_ADDR_TEXT_MAX];
    pfx_addr_format(addr, t);
    a->at += (size_t)snprintf(a->buf + a->at, a->cap - a->at, "%s%s %s@%lld", a->at ? ", " : "",
                              name, t, (long long)last);
    return a->at < a->cap;
}

static const char *tc_records_text(const conn_t *c)
{
    static char buf[8192];
    text_acc_t a = {buf, 0, sizeof buf};
    buf[0] = '\0';
    conn_foreach_record(c, acc_record, &a);
    return buf;
}

static const char *orphans_text(const conn_t *c)
{
    static char buf[4096];
    conn_state_t st;
    CU_ASSERT_FATAL(conn_export(c, &st) == 0);
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < st.n_orphans; i++) {
        char t[PFX_TEXT_MAX];
        pfx_format(&st.orphans[i], t);
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s", at ? " " : "", t);
    }
    conn_state_clear(&st);
    return buf;
}

#define OBSERVE(c, now, ch, ...) tc_observe((c), (now), (ch), (const char *const[]){__VA_ARGS__, NULL})
#define CONFIGURE(c, domains, control, manual, ch) tc_configure_at((c), true, domains, control, manual, ch)

static conn_t *conn_with(bool store_routes, int64_t ttl)
{
    conn_settings_t st = {.store_routes = store_routes, .learned_route_ttl = ttl};
    conn_t *c = conn_new(&st);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    return c;
}

static void expect_change(int rc, const conn_change_t *ch, const char *text)
{
    CU_ASSERT_EQUAL(rc, text[0] != '\0' ? 1 : 0);
    CU_ASSERT_STRING_EQUAL(tc_change_text(ch), text);
}

/* ---- C1, C2, C3: configuration ---- */

static void test_new_connector_advertises_nothing(void)
{
    conn_t *c = conn_new(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(pfxset_count(conn_advertised(c)), 0);
    CU_ASSERT_EQUAL(conn_next_expiry(c), INT64_MAX);
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    CU_ASSERT(conn_memory(c) > 0);
    conn_free(c);
    conn_free(NULL);
}

static void test_routes_advertised_as_configured(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    int rc = CONFIGURE(c, "", "10.0.0.0/8 10.1.0.0/16", "192.168.0.0/16", &ch);
    expect_change(rc, &ch, "+10.0.0.0/8 +10.1.0.0/16 +192.168.0.0/16");
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "10.0.0.0/8 10.1.0.0/16 192.168.0.0/16");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_duplicates_collapse(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    int rc = CONFIGURE(c, "example.com example.com *.example.com EXAMPLE.com.",
                       "10.0.0.0/8 10.0.0.0/8", "10.0.0.0/8 2001:db8::/32 2001:db8::/32", &ch);
    expect_change(rc, &ch, "+10.0.0.0/8 +2001:db8::/32");
    /* The same sets in another order change nothing (N5, C4). */
    rc = CONFIGURE(c, "*.example.com example.com", "10.0.0.0/8", "2001:db8::/32 10.0.0.0/8", &ch);
    expect_change(rc, &ch, "");
    rc = OBSERVE(c, 1, &ch, "example.com. 60 IN A 192.0.2.1");
    expect_change(rc, &ch, "+192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "example.com 192.0.2.1@1");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_changes_sorted(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    int rc = CONFIGURE(c, "app.example.com", "", "2001:db8::/32 192.0.2.0/25 192.0.2.0/24 "
                                             "10.0.0.0/8 ::ffff:0:0/96 1.0.0.0/8",
                       &ch);
    expect_change(rc, &ch, "+1.0.0.0/8 +10.0.0.0/8 +192.0.2.0/24 +192.0.2.0/25 "
                           "+::ffff:0.0.0.0/96 +2001:db8::/32");
    rc = OBSERVE(c, 1, &ch, "app.example.com. 60 IN AAAA 2001:db9::1",
                 "app.example.com. 60 IN A 198.51.100.9", "app.example.com. 60 IN A 198.51.100.10",
                 "app.example.com. 60 IN AAAA 2001:db9::",
                 "app.example.com. 60 IN A 198.51.100.2");
    expect_change(rc, &ch, "+198.51.100.2/32 +198.51.100.9/32 +198.51.100.10/32 +2001:db9::/128 "
                           "+2001:db9::1/128");
    /* Removal lists are sorted too (manual routes leave together with the learned ones). */
    rc = tc_configure_at(c, true, "", "", "", &ch);
    expect_change(rc, &ch, "-1.0.0.0/8 -10.0.0.0/8 -192.0.2.0/24 -192.0.2.0/25 "
                           "-198.51.100.2/32 -198.51.100.9/32 -198.51.100.10/32 "
                           "-::ffff:0.0.0.0/96 -2001:db8::/32 -2001:db9::/128 -2001:db9::1/128");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_connector_off_withdraws(void)
{
    conn_t *c = conn_with(false, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com b.example.com", "10.0.0.0/8", "172.16.0.0/12", &ch);
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1", "b.example.com. 60 IN A 192.0.2.2");
    CONFIGURE(c, "a.example.com", "", "172.16.0.0/12", &ch); /* orphans 10/8 and 192.0.2.2 */
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "10.0.0.0/8 192.0.2.2/32");
    int rc = tc_configure_at(c, false, "a.example.com", "10.0.0.0/8", "172.16.0.0/12", &ch);
    expect_change(rc, &ch, "-10.0.0.0/8 -192.0.2.1/32 -192.0.2.2/32");
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "172.16.0.0/12");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "");
    /* A node that is no connector learns nothing. */
    rc = OBSERVE(c, 2, &ch, "a.example.com. 60 IN A 192.0.2.1");
    expect_change(rc, &ch, "");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    /* Back on: the control route returns, what was learned does not. */
    rc = CONFIGURE(c, "a.example.com", "10.0.0.0/8", "172.16.0.0/12", &ch);
    expect_change(rc, &ch, "+10.0.0.0/8");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_apply_same_config_emits_nothing(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "10.0.0.0/8", "", &ch);
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1");
    CU_ASSERT_EQUAL(ch.n_add, 1);
    int rc = CONFIGURE(c, "a.example.com", "10.0.0.0/8", "", &ch);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(ch.n_add, 0);
    CU_ASSERT_EQUAL(ch.n_remove, 0);
    CU_ASSERT_EQUAL(conn_restart(c, 5, &ch), 0);
    CU_ASSERT_EQUAL(ch.n_add + ch.n_remove, 0);
    CU_ASSERT_EQUAL(conn_expire(c, 1000, &ch), 0);
    CU_ASSERT_EQUAL(ch.n_add + ch.n_remove, 0);
    /* NULL is accepted where the caller does not want the change. */
    CU_ASSERT_EQUAL(CONFIGURE(c, "a.example.com", "", "", NULL), 1);
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "192.0.2.1/32");
    conn_change_clear(&ch);
    conn_free(c);
}

/* ---- L1-L4, N2-N4 through responses ---- */

static void test_learned_over_time(void)
{
    /* The documentation's example: a connector for example.com learns each new address the
     * first time an answer carries it, and nothing when the answer repeats. */
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "example.com", "", "", &ch);
    int rc = OBSERVE(c, 10, &ch, "example.com. 300 IN A 93.184.216.34");
    expect_change(rc, &ch, "+93.184.216.34/32");
    rc = OBSERVE(c, 20, &ch, "example.com. 300 IN A 93.184.216.34");
    expect_change(rc, &ch, "");
    rc = OBSERVE(c, 30, &ch, "example.com. 300 IN A 93.184.216.34",
                 "example.com. 300 IN A 93.184.216.35");
    expect_change(rc, &ch, "+93.184.216.35/32");
    rc = OBSERVE(c, 40, &ch, "example.com. 300 IN AAAA 2606:2800:220:1:248:1893:25c8:1946");
    expect_change(rc, &ch, "+2606:2800:220:1:248:1893:25c8:1946/128");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c),
                           "example.com 93.184.216.34@30, example.com 93.184.216.35@30, "
                           "example.com 2606:2800:220:1:248:1893:25c8:1946@40");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_cname_chain_target_addresses(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "app.example.com", "", "", &ch);
    int rc = OBSERVE(c, 1, &ch, "app.example.com. 60 IN CNAME app.cdn.example.net.",
                     "app.cdn.example.net. 60 IN CNAME edge.cdn.example.org.",
                     "edge.cdn.example.org. 60 IN A 203.0.113.10",
                     "edge.cdn.example.org. 60 IN A 203.0.113.11");
    expect_change(rc, &ch, "+203.0.113.10/32 +203.0.113.11/32");
    /* L3: recorded under the configured name, not under the unconfigured chain names. */
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "app.example.com 203.0.113.10@1, "
                                               "app.example.com 203.0.113.11@1");
    /* An answer for the CDN name alone teaches nothing. */
    rc = OBSERVE(c, 2, &ch, "edge.cdn.example.org. 60 IN A 203.0.113.12");
    expect_change(rc, &ch, "");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_records_under_every_matching_name(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com *.example.net", "", "", &ch);
    /* Records out of order; the chain a -> b.example.net -> c.other.org; plus a cycle. */
    int rc = OBSERVE(c, 1, &ch, "c.other.org. 60 IN A 192.0.2.1",
                     "b.example.net. 60 IN CNAME c.other.org.",
                     "a.example.com. 60 IN CNAME b.example.net.",
                     "c.other.org. 60 IN CNAME a.example.com.");
    expect_change(rc, &ch, "+192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "a.example.com 192.0.2.1@1, "
                                               "b.example.net 192.0.2.1@1");
    /* Fan-in: two configured aliases of one target both record it. */
    CONFIGURE(c, "x.example.com y.example.com", "", "", &ch);
    expect_change(1, &ch, "-192.0.2.1/32");
    rc = OBSERVE(c, 2, &ch, "x.example.com. 60 IN CNAME t.example.org.",
                 "y.example.com. 60 IN CNAME t.example.org.", "t.example.org. 60 IN A 192.0.2.9");
    expect_change(rc, &ch, "+192.0.2.9/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "x.example.com 192.0.2.9@2, "
                                               "y.example.com 192.0.2.9@2");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_wildcard_excludes_parent(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "*.example.com", "", "", &ch);
    int rc = OBSERVE(c, 1, &ch, "example.com. 60 IN A 192.0.2.1");
    expect_change(rc, &ch, "");
    rc = OBSERVE(c, 2, &ch, "xexample.com. 60 IN A 192.0.2.2");
    expect_change(rc, &ch, "");
    rc = OBSERVE(c, 3, &ch, "www.example.com. 60 IN A 192.0.2.3");
    expect_change(rc, &ch, "+192.0.2.3/32");
    rc = OBSERVE(c, 4, &ch, "a.b.example.com. 60 IN A 192.0.2.4");
    expect_change(rc, &ch, "+192.0.2.4/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "a.b.example.com 192.0.2.4@4, "
                                               "www.example.com 192.0.2.3@3");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_names_case_insensitive(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "www.example.com", "", "", &ch);
    int rc = OBSERVE(c, 1, &ch, "WWW.Example.COM. 60 IN A 192.0.2.1");
    expect_change(rc, &ch, "+192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "www.example.com 192.0.2.1@1");
    rc = OBSERVE(c, 2, &ch, "www.example.com. 60 IN A 192.0.2.1");
    expect_change(rc, &ch, "");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "www.example.com 192.0.2.1@2");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_disallowed_never_recorded(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "*.example.com", "", "", &ch);
    int rc = OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 127.0.0.1",
                     "a.example.com. 60 IN A 100.64.1.1", "a.example.com. 60 IN A 0.0.0.0",
                     "a.example.com. 60 IN A 169.254.169.254", "a.example.com. 60 IN A 224.0.0.1",
                     "a.example.com. 60 IN A 255.255.255.255", "a.example.com. 60 IN AAAA ::",
                     "a.example.com. 60 IN AAAA ::1", "a.example.com. 60 IN AAAA ::ffff:8.8.8.8",
                     "a.example.com. 60 IN AAAA fe80::1", "a.example.com. 60 IN AAAA ff02::1",
                     "a.example.com. 60 IN AAAA fd7a:115c:a1e0::1");
    expect_change(rc, &ch, "");
    /* A name whose only addresses are disallowed is not tracked (L3). */
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    rc = OBSERVE(c, 2, &ch, "b.example.com. 60 IN A 127.0.0.1", "b.example.com. 60 IN A 8.8.8.8");
    expect_change(rc, &ch, "+8.8.8.8/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "b.example.com 8.8.8.8@2");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_malformed_changes_nothing(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "", "", &ch);
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1");
    /* An A record whose RDATA is 3 bytes, after a good one for a new address. */
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 1, 2, 0, 0);
    dns_raw_question(&w, "a.example.com", 1);
    const uint8_t good[4] = {192, 0, 2, 2}, bad[3] = {192, 0, 2};
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, good, 4);
    dns_raw_rr(&w, "a.example.com", 1, 1, 60, bad, 3);
    errinfo_t err = {{0}};
    ch.n_add = 7; /* whatever was there is cleared */
    int rc = conn_observe_response(c, w.buf, w.len, 5, &ch, &err);
    CU_ASSERT_EQUAL(rc, CONN_OBSERVE_MALFORMED);
    CU_ASSERT_NOT_EQUAL(err.msg[0], '\0');
    CU_ASSERT_EQUAL(ch.n_add + ch.n_remove, 0);
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "a.example.com 192.0.2.1@1");
    dns_raw_free(&w);
    /* A response cut short in its answer section. */
    size_t len;
    uint8_t *wire = dns_response(&len, (const char *const[]){"a.example.com. 60 IN A 192.0.2.1",
                                                             "a.example.com. 60 IN A 192.0.2.3",
                                                             NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    rc = conn_observe_response(c, wire, len - 2, 9, &ch, &err);
    CU_ASSERT_EQUAL(rc, CONN_OBSERVE_MALFORMED);
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "a.example.com 192.0.2.1@1");
    /* Three bytes are no message at all. */
    rc = conn_observe_response(c, wire, 3, 9, &ch, &err);
    CU_ASSERT_EQUAL(rc, CONN_OBSERVE_MALFORMED);
    free(wire);
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "192.0.2.1/32");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_only_answer_section_counts(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "", "", &ch);
    const char *const auth[] = {"a.example.com. 60 IN A 192.0.2.5", NULL};
    const char *const add[] = {"a.example.com. 60 IN A 192.0.2.6", NULL};
    const char *const ans[] = {"a.example.com. 60 IN TXT \"192.0.2.7\"",
                               "a.example.com. 0 IN A 192.0.2.8", NULL};
    size_t len;
    uint8_t *wire = dns_response_full(&len, "a.example.com", 2 /* SERVFAIL */, ans, auth, add);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    errinfo_t err;
    int rc = conn_observe_response(c, wire, len, 1, &ch, &err);
    free(wire);
    /* L1: TTL 0 counts, the rcode plays no part, the other sections are ignored. */
    expect_change(rc, &ch, "+192.0.2.8/32");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_unanswered_names_not_tracked(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "*.example.com", "", "", &ch);
    size_t len;
    uint8_t *wire = dns_response_full(&len, "nx.example.com", 3 /* NXDOMAIN */, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    errinfo_t err;
    CU_ASSERT_EQUAL(conn_observe_response(c, wire, len, 1, &ch, &err), 0);
    free(wire);
    int rc = OBSERVE(c, 2, &ch, "a.example.com. 60 IN CNAME b.example.org.");
    expect_change(rc, &ch, "");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    conn_change_clear(&ch);
    conn_free(c);
}

/* ---- C3: coalescing ---- */

static void test_policy_routes_coalesce_learned(void)
{
    /* The documentation's example: routes preconfigured in the policy coalesce host routes
     * learned earlier, and give them back when they go. */
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "example.com", "", "", &ch);
    int rc = OBSERVE(c, 1, &ch, "example.com. 60 IN A 192.0.2.1", "example.com. 60 IN A 192.0.2.7");
    expect_change(rc, &ch, "+192.0.2.1/32 +192.0.2.7/32");
    rc = CONFIGURE(c, "example.com", "192.0.2.0/24", "", &ch);
    expect_change(rc, &ch, "+192.0.2.0/24 -192.0.2.1/32 -192.0.2.7/32");
    /* A new address inside the route is recorded, not advertised on its own. */
    rc = OBSERVE(c, 2, &ch, "example.com. 60 IN A 192.0.2.9");
    expect_change(rc, &ch, "");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "example.com 192.0.2.1@1, example.com 192.0.2.7@1, "
                                               "example.com 192.0.2.9@2");
    rc = CONFIGURE(c, "example.com", "", "", &ch);
    expect_change(rc, &ch, "+192.0.2.1/32 +192.0.2.7/32 +192.0.2.9/32 -192.0.2.0/24");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_manual_absorbs_zero_never(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "example.com", "", "0.0.0.0/0 ::/0 198.51.100.0/24", &ch);
    int rc = OBSERVE(c, 1, &ch, "example.com. 60 IN A 192.0.2.1",
                     "example.com. 60 IN AAAA 2001:db8::1", "example.com. 60 IN A 198.51.100.4");
    /* The /0 routes absorb nothing; the manual /24 absorbs its host. */
    expect_change(rc, &ch, "+192.0.2.1/32 +2001:db8::1/128");
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "0.0.0.0/0 192.0.2.1/32 198.51.100.0/24 ::/0 "
                                           "2001:db8::1/128");
    /* A manual host route equal to a learned address absorbs it: no duplicate, no change. */
    rc = CONFIGURE(c, "example.com", "", "0.0.0.0/0 ::/0 198.51.100.0/24 192.0.2.1/32", &ch);
    expect_change(rc, &ch, "");
    rc = CONFIGURE(c, "example.com", "", "", &ch);
    expect_change(rc, &ch, "+198.51.100.4/32 -0.0.0.0/0 -198.51.100.0/24 -::/0");
    conn_change_clear(&ch);
    conn_free(c);
}

/* ---- C5, L3: removing names ---- */

static void test_shared_address_survives(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com b.example.com", "", "", &ch);
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1", "a.example.com. 60 IN A 192.0.2.2");
    int rc = OBSERVE(c, 2, &ch, "b.example.com. 60 IN A 192.0.2.1");
    expect_change(rc, &ch, "");
    rc = CONFIGURE(c, "b.example.com", "", "", &ch);
    expect_change(rc, &ch, "-192.0.2.2/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "b.example.com 192.0.2.1@2");
    rc = CONFIGURE(c, "", "", "", &ch);
    expect_change(rc, &ch, "-192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_removing_wildcard_untracks(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "www.example.com *.example.com *.b.example.com", "", "", &ch);
    OBSERVE(c, 1, &ch, "www.example.com. 60 IN A 192.0.2.1", "api.example.com. 60 IN A 192.0.2.2",
            "x.b.example.com. 60 IN A 192.0.2.3");
    CU_ASSERT_EQUAL(ch.n_add, 3);
    /* *.example.com goes: www stays (exact), x.b stays (*.b.example.com), api goes. */
    int rc = CONFIGURE(c, "www.example.com *.b.example.com", "", "", &ch);
    expect_change(rc, &ch, "-192.0.2.2/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "www.example.com 192.0.2.1@1, "
                                               "x.b.example.com 192.0.2.3@1");
    /* The exact name goes but a wildcard keeps it. */
    rc = CONFIGURE(c, "*.example.com", "", "", &ch);
    expect_change(rc, &ch, "");
    /* A name that left is not tracked again until an address is recorded under it. */
    rc = CONFIGURE(c, "b.example.com", "", "", &ch);
    expect_change(rc, &ch, "-192.0.2.1/32 -192.0.2.3/32");
    rc = CONFIGURE(c, "*.example.com", "", "", &ch);
    expect_change(rc, &ch, "");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    conn_change_clear(&ch);
    conn_free(c);
}

/* ---- C6: stored routes ---- */

static void test_store_on_restart_keeps(void)
{
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "10.0.0.0/8", "", &ch);
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1");
    CU_ASSERT_EQUAL(conn_restart(c, 100, &ch), 0);
    CU_ASSERT_EQUAL(ch.n_add + ch.n_remove, 0);
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "10.0.0.0/8 192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "a.example.com 192.0.2.1@100");
    /* With store_routes on nothing becomes an orphan. */
    int rc = CONFIGURE(c, "", "", "", &ch);
    expect_change(rc, &ch, "-10.0.0.0/8 -192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_store_off_orphans(void)
{
    conn_t *c = conn_with(false, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com b.example.com", "10.0.0.0/8 10.1.0.0/16", "172.16.0.0/12", &ch);
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1", "b.example.com. 60 IN A 192.0.2.2",
            "a.example.com. 60 IN A 10.1.2.3");
    CU_ASSERT_STRING_EQUAL(tc_change_text(&ch), "+192.0.2.1/32 +192.0.2.2/32");
    /* A name leaves: its host route stays, as an orphan. */
    int rc = CONFIGURE(c, "b.example.com", "10.0.0.0/8 10.1.0.0/16", "172.16.0.0/12", &ch);
    expect_change(rc, &ch, "");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "b.example.com 192.0.2.2@1");
    /* A control route leaves: it stays as an orphan; a manual route that leaves is withdrawn. */
    rc = CONFIGURE(c, "b.example.com", "10.0.0.0/8", "", &ch);
    expect_change(rc, &ch, "-172.16.0.0/12");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "10.1.0.0/16 192.0.2.1/32");
    /* The absorbed 10.1.2.3 never was a route of its own: it did not become an orphan. */
    rc = CONFIGURE(c, "b.example.com", "", "", &ch);
    expect_change(rc, &ch, "");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "10.0.0.0/8 10.1.0.0/16 192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "10.0.0.0/8 10.1.0.0/16 192.0.2.1/32 192.0.2.2/32");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_store_off_absorbed_not_orphaned(void)
{
    conn_t *c = conn_with(false, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "example.com", "", "", &ch);
    OBSERVE(c, 1, &ch, "example.com. 60 IN A 192.0.2.1", "example.com. 60 IN A 192.0.2.7");
    /* Coalescing is not leaving: no orphans. */
    int rc = CONFIGURE(c, "example.com", "192.0.2.0/24", "", &ch);
    expect_change(rc, &ch, "+192.0.2.0/24 -192.0.2.1/32 -192.0.2.7/32");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "");
    /* The control route leaves (orphan) and the host routes come back. */
    rc = CONFIGURE(c, "example.com", "", "", &ch);
    expect_change(rc, &ch, "+192.0.2.1/32 +192.0.2.7/32");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "192.0.2.0/24");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_store_off_orphan_dropped_by_covering_route(void)
{
    conn_t *c = conn_with(false, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "", "", &ch);
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1", "a.example.com. 60 IN A 198.51.100.1");
    CONFIGURE(c, "", "", "", &ch);
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "192.0.2.1/32 198.51.100.1/32");
    /* A manual /0 drops no orphan, as it absorbs nothing (C3). */
    int rc = CONFIGURE(c, "", "", "0.0.0.0/0", &ch);
    expect_change(rc, &ch, "+0.0.0.0/0");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "192.0.2.1/32 198.51.100.1/32");
    rc = CONFIGURE(c, "", "192.0.2.0/24", "198.51.100.1/32", &ch);
    expect_change(rc, &ch, "+192.0.2.0/24 -0.0.0.0/0 -192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "");
    /* Dropped for good: when the routes go, the /24 stays as an orphan, the host does not come
     * back, and the manual host route is withdrawn. */
    rc = CONFIGURE(c, "", "", "", &ch);
    expect_change(rc, &ch, "-198.51.100.1/32");
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "192.0.2.0/24");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_store_off_restart(void)
{
    conn_t *c = conn_with(false, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "192.0.2.0/24", "", &ch);
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1", "a.example.com. 60 IN A 198.51.100.1");
    CU_ASSERT_EQUAL(conn_restart(c, 50, &ch), 0);
    CU_ASSERT_EQUAL(ch.n_add + ch.n_remove, 0);
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "192.0.2.0/24 198.51.100.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "198.51.100.1/32"); /* not the absorbed one */
    /* Learning it again changes nothing; forgetting the name again keeps the orphan. */
    int rc = OBSERVE(c, 60, &ch, "a.example.com. 60 IN A 198.51.100.1");
    expect_change(rc, &ch, "");
    rc = CONFIGURE(c, "", "192.0.2.0/24", "", &ch);
    expect_change(rc, &ch, "");
    rc = CONFIGURE(c, "", "", "", &ch);
    expect_change(rc, &ch, "");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "192.0.2.0/24 198.51.100.1/32");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_store_on_imported_orphans_stay(void)
{
    /* store_routes on creates no orphans, but orphans it was given (conn_import) are never
     * withdrawn while the node stays a connector (C6), and re-applying the same configuration
     * changes nothing (C4). */
    conn_t *c = conn_with(true, 0);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "", "", &ch);
    pfx_t orphan;
    errinfo_t err;
    CU_ASSERT_FATAL(pfx_parse("198.51.100.7/32", 15, false, &orphan, &err));
    conn_state_t st = {.orphans = &orphan, .n_orphans = 1};
    int rc = conn_import(c, &st, 0, &ch, &err);
    expect_change(rc, &ch, "+198.51.100.7/32");
    rc = CONFIGURE(c, "a.example.com", "", "", &ch);
    expect_change(rc, &ch, "");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "198.51.100.7/32");
    /* Another configuration: still kept; nothing new becomes an orphan. */
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1");
    rc = CONFIGURE(c, "b.example.com", "10.0.0.0/8", "", &ch);
    expect_change(rc, &ch, "+10.0.0.0/8 -192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "198.51.100.7/32");
    /* A route covering it drops it for good, as with store_routes off. */
    rc = CONFIGURE(c, "b.example.com", "198.51.100.0/24", "", &ch);
    expect_change(rc, &ch, "+198.51.100.0/24 -10.0.0.0/8 -198.51.100.7/32");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "");
    rc = CONFIGURE(c, "b.example.com", "", "", &ch);
    expect_change(rc, &ch, "-198.51.100.0/24");
    /* A node that stops being a connector forgets its orphans (C1). */
    CU_ASSERT_EQUAL(conn_import(c, &st, 0, &ch, &err), 1);
    rc = tc_configure_at(c, false, "", "", "", &ch);
    expect_change(rc, &ch, "-198.51.100.7/32");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "");
    conn_change_clear(&ch);
    conn_free(c);
}

/* ---- L5: expiry ---- */

#define TTL 10000000000LL /* 10 s */

static void test_expiry_off_by_default(void)
{
    conn_t *c = conn_new(NULL);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "", "", &ch);
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1");
    CU_ASSERT_EQUAL(conn_next_expiry(c), INT64_MAX);
    CU_ASSERT_EQUAL(conn_expire(c, INT64_MAX, &ch), 0);
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "192.0.2.1/32");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_expiry_at_exactly_ttl(void)
{
    conn_t *c = conn_with(true, TTL);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "", "", &ch);
    OBSERVE(c, 100, &ch, "a.example.com. 60 IN A 192.0.2.1");
    CU_ASSERT_EQUAL(conn_next_expiry(c), 100 + TTL);
    CU_ASSERT_EQUAL(conn_expire(c, 100 + TTL - 1, &ch), 0);
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "192.0.2.1/32");
    int rc = conn_expire(c, 100 + TTL, &ch);
    expect_change(rc, &ch, "-192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    CU_ASSERT_EQUAL(conn_next_expiry(c), INT64_MAX);
    /* Learned again afterwards, it is advertised again. */
    rc = OBSERVE(c, 200 + TTL, &ch, "a.example.com. 60 IN A 192.0.2.1");
    expect_change(rc, &ch, "+192.0.2.1/32");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_expiry_moves_with_routing(void)
{
    conn_t *c = conn_with(true, TTL);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com b.example.com", "", "", &ch);
    OBSERVE(c, 0, &ch, "a.example.com. 60 IN A 192.0.2.1");
    OBSERVE(c, 5, &ch, "b.example.com. 60 IN A 192.0.2.2", "b.example.com. 60 IN A 192.0.2.1");
    /* 192.0.2.1 was routed again at 5 (under b): both now expire at 5 + TTL. */
    CU_ASSERT_EQUAL(conn_next_expiry(c), 5 + TTL);
    OBSERVE(c, 8, &ch, "a.example.com. 60 IN A 192.0.2.1");
    CU_ASSERT_EQUAL(conn_next_expiry(c), 5 + TTL);
    int rc = conn_expire(c, 5 + TTL, &ch);
    expect_change(rc, &ch, "-192.0.2.2/32");
    CU_ASSERT_EQUAL(conn_next_expiry(c), 8 + TTL);
    /* 192.0.2.2 is removed from b, which keeps 192.0.2.1. */
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "a.example.com 192.0.2.1@8, "
                                               "b.example.com 192.0.2.1@8");
    rc = conn_expire(c, 8 + TTL, &ch);
    expect_change(rc, &ch, "-192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_expiry_restart_resets_clock(void)
{
    conn_t *c = conn_with(true, TTL);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "", "", &ch);
    OBSERVE(c, 0, &ch, "a.example.com. 60 IN A 192.0.2.1");
    OBSERVE(c, 3, &ch, "a.example.com. 60 IN A 192.0.2.2");
    CU_ASSERT_EQUAL(conn_restart(c, 50, &ch), 0);
    CU_ASSERT_EQUAL(conn_next_expiry(c), 50 + TTL);
    CU_ASSERT_EQUAL(conn_expire(c, TTL + 3, &ch), 0);
    int rc = conn_expire(c, 50 + TTL, &ch);
    expect_change(rc, &ch, "-192.0.2.1/32 -192.0.2.2/32");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_expiry_keeps_routes_held_otherwise(void)
{
    conn_t *c = conn_with(false, TTL);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com b.example.com", "198.51.100.0/24", "203.0.113.5/32", &ch);
    OBSERVE(c, 0, &ch, "b.example.com. 60 IN A 192.0.2.9");
    CONFIGURE(c, "a.example.com", "198.51.100.0/24", "203.0.113.5/32", &ch); /* orphan .9 */
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.9", "a.example.com. 60 IN A 198.51.100.7",
            "a.example.com. 60 IN A 203.0.113.5", "a.example.com. 60 IN A 192.0.2.10");
    expect_change(1, &ch, "+192.0.2.10/32");
    /* Expiry: only the host route that nothing else holds leaves; orphans stay. */
    int rc = conn_expire(c, 1 + TTL, &ch);
    expect_change(rc, &ch, "-192.0.2.10/32");
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "192.0.2.9/32 198.51.100.0/24 203.0.113.5/32");
    CU_ASSERT_STRING_EQUAL(orphans_text(c), "192.0.2.9/32");
    CU_ASSERT_EQUAL(conn_next_expiry(c), INT64_MAX);
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_expiry_far_future_saturates(void)
{
    conn_t *c = conn_with(true, INT64_MAX - 5);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "", "", &ch);
    OBSERVE(c, 10, &ch, "a.example.com. 60 IN A 192.0.2.1");
    CU_ASSERT_EQUAL(conn_next_expiry(c), INT64_MAX);
    CU_ASSERT_EQUAL(conn_expire(c, INT64_MAX, &ch), 0);
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_expiry_address_held_by_many_names(void)
{
    /* One address recorded under a chain of six names (L3), then under some of them only after
     * configuration changes (C5), then expired under all of them at once (L5). */
    conn_t *c = conn_with(true, TTL);
    conn_change_t ch = {0};
    CONFIGURE(c, "*.example.com", "", "", &ch);
    int rc = OBSERVE(c, 1, &ch, "n1.example.com. 60 IN CNAME n2.example.com.",
                     "n2.example.com. 60 IN CNAME n3.example.com.",
                     "n3.example.com. 60 IN CNAME n4.example.com.",
                     "n4.example.com. 60 IN CNAME n5.example.com.",
                     "n5.example.com. 60 IN CNAME n6.example.com.",
                     "n6.example.com. 60 IN A 192.0.2.1", "n6.example.com. 60 IN A 192.0.2.2",
                     "n3.example.com. 60 IN A 192.0.2.3");
    expect_change(rc, &ch, "+192.0.2.1/32 +192.0.2.2/32 +192.0.2.3/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c),
                           "n1.example.com 192.0.2.1@1, n1.example.com 192.0.2.2@1, "
                           "n1.example.com 192.0.2.3@1, n2.example.com 192.0.2.1@1, "
                           "n2.example.com 192.0.2.2@1, n2.example.com 192.0.2.3@1, "
                           "n3.example.com 192.0.2.1@1, n3.example.com 192.0.2.2@1, "
                           "n3.example.com 192.0.2.3@1, n4.example.com 192.0.2.1@1, "
                           "n4.example.com 192.0.2.2@1, n5.example.com 192.0.2.1@1, "
                           "n5.example.com 192.0.2.2@1, n6.example.com 192.0.2.1@1, "
                           "n6.example.com 192.0.2.2@1");
    /* 192.0.2.3 is routed again later, under n3 alone. */
    rc = OBSERVE(c, 5, &ch, "n3.example.com. 60 IN A 192.0.2.3");
    expect_change(rc, &ch, "");
    /* Names leave: 192.0.2.1 and .2 keep n2 and n5, 192.0.2.3 keeps n2 only. */
    rc = CONFIGURE(c, "n2.example.com n5.example.com", "", "", &ch);
    expect_change(rc, &ch, "");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c),
                           "n2.example.com 192.0.2.1@1, n2.example.com 192.0.2.2@1, "
                           "n2.example.com 192.0.2.3@5, n5.example.com 192.0.2.1@1, "
                           "n5.example.com 192.0.2.2@1");
    rc = CONFIGURE(c, "n2.example.com", "", "", &ch);
    expect_change(rc, &ch, "");
    /* Learned again under new names, they gain holders again. */
    CONFIGURE(c, "*.example.com", "", "", &ch);
    rc = OBSERVE(c, 3, &ch, "m1.example.com. 60 IN CNAME m2.example.com.",
                 "m2.example.com. 60 IN CNAME n2.example.com.",
                 "n2.example.com. 60 IN A 192.0.2.1");
    expect_change(rc, &ch, "");
    rc = conn_expire(c, 1 + TTL, &ch);
    expect_change(rc, &ch, "-192.0.2.2/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c),
                           "m1.example.com 192.0.2.1@3, m2.example.com 192.0.2.1@3, "
                           "n2.example.com 192.0.2.1@3, n2.example.com 192.0.2.3@5");
    rc = conn_expire(c, 5 + TTL, &ch);
    expect_change(rc, &ch, "-192.0.2.1/32 -192.0.2.3/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    CU_ASSERT_EQUAL(conn_next_expiry(c), INT64_MAX);
    /* Everything is gone: the same names and addresses are learned from scratch. */
    rc = OBSERVE(c, 10 + TTL, &ch, "n1.example.com. 60 IN CNAME n2.example.com.",
                 "n2.example.com. 60 IN A 192.0.2.1");
    expect_change(rc, &ch, "+192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "n1.example.com 192.0.2.1@10000000010, "
                                               "n2.example.com 192.0.2.1@10000000010");
    conn_change_clear(&ch);
    conn_free(c);
}

/* Staged expiries: n responses at distinct instants, each with one new address, then
 * conn_expire at every conn_next_expiry. Response i records its address under a name of its
 * own (n<i>.example.com) and, when shared, also under one of 7 names that many addresses share
 * (s<i%7>.example.com, through a CNAME). Returns the work conn_debug_work counts over all the
 * expiries, after checking that each removed exactly its address. */
static uint64_t staged_expiry_work(size_t n, bool shared)
{
    conn_t *c = conn_with(true, 1000);
    conn_change_t ch = {0};
    CONFIGURE(c, "*.example.com", "", "", &ch);
    for (size_t i = 0; i < n; i++) {
        char cname[128], a[128];
        snprintf(cname, sizeof cname, "n%zu.example.com. 60 IN CNAME s%zu.example.com.", i, i % 7);
        snprintf(a, sizeof a, "%s%zu.example.com. 60 IN A 10.%zu.%zu.%zu", shared ? "s" : "n",
                 shared ? i % 7 : i, (i >> 16) & 255, (i >> 8) & 255, i & 255);
        int rc = shared ? OBSERVE(c, (int64_t)i, &ch, cname, a) : OBSERVE(c, (int64_t)i, &ch, a);
        CU_ASSERT_EQUAL_FATAL(rc, 1);
    }
    uint64_t work = 0;
    size_t expiries = 0;
    for (int64_t t; (t = conn_next_expiry(c)) != INT64_MAX; expiries++) {
        uint64_t before = conn_debug_work(c);
        int rc = conn_expire(c, t, &ch);
        work += conn_debug_work(c) - before;
        CU_ASSERT_EQUAL_FATAL(rc, 1);
        CU_ASSERT_EQUAL_FATAL(ch.n_remove, 1);
        CU_ASSERT_EQUAL_FATAL(ch.remove[0].bits.hi >> 32,
                              (0x0a000000u | (uint32_t)(t - 1000)) & 0xffffffffu);
    }
    CU_ASSERT_EQUAL(expiries, n);
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    CU_ASSERT_EQUAL(pfxset_count(conn_advertised(c)), 0);
    conn_change_clear(&ch);
    conn_free(c);
    return work;
}

static void test_expiry_cost_linear(void)
{
    /* L5: an expiry costs what it removes, not what has been learned: with n staged expiries
     * the total work is a small multiple of n (a full scan per expiry would be about n^2/2).
     * Counted, not timed. */
    const size_t n = 5000;
    uint64_t own = staged_expiry_work(n, false);
    uint64_t shared = staged_expiry_work(n, true);
    CU_ASSERT(own <= 40 * n);
    CU_ASSERT(shared <= 60 * n);
    if (own > 40 * n || shared > 60 * n)
        fprintf(stderr, "expiry work for %zu staged expiries: %llu (own names), %llu (shared)\n",
                n, (unsigned long long)own, (unsigned long long)shared);
}

/* ---- export / import ---- */

static void test_export_import_round_trip(void)
{
    conn_t *c = conn_with(false, TTL);
    conn_change_t ch = {0};
    CONFIGURE(c, "b.example.com a.example.com *.example.net old.example.org", "", "", &ch);
    OBSERVE(c, 7, &ch, "old.example.org. 60 IN A 203.0.113.1");
    OBSERVE(c, 9, &ch, "b.example.com. 60 IN A 192.0.2.2", "b.example.com. 60 IN AAAA 2001:db8::2",
            "b.example.com. 60 IN A 192.0.2.1");
    OBSERVE(c, 11, &ch, "a.example.com. 60 IN A 192.0.2.2", "z.example.net. 60 IN A 198.51.100.1");
    CONFIGURE(c, "b.example.com a.example.com *.example.net", "", "", &ch);
    conn_state_t st;
    CU_ASSERT_EQUAL_FATAL(conn_export(c, &st), 0);
    CU_ASSERT_EQUAL_FATAL(st.n_records, 5);
    const char *names[] = {"a.example.com", "b.example.com", "b.example.com", "b.example.com",
                           "z.example.net"};
    const char *addrs[] = {"192.0.2.2", "192.0.2.1", "192.0.2.2", "2001:db8::2", "198.51.100.1"};
    const int64_t lasts[] = {11, 9, 11, 9, 11};
    for (size_t i = 0; i < 5; i++) {
        char t[PFX_ADDR_TEXT_MAX];
        pfx_addr_format(&st.records[i].addr, t);
        CU_ASSERT_STRING_EQUAL(st.records[i].name, names[i]);
        CU_ASSERT_STRING_EQUAL(t, addrs[i]);
        CU_ASSERT_EQUAL(st.records[i].last_routed, lasts[i]);
    }
    CU_ASSERT_EQUAL_FATAL(st.n_orphans, 1);
    char t[PFX_TEXT_MAX];
    pfx_format(&st.orphans[0], t);
    CU_ASSERT_STRING_EQUAL(t, "203.0.113.1/32");

    conn_t *d = conn_with(false, TTL);
    CONFIGURE(d, "b.example.com a.example.com *.example.net", "", "", &ch);
    errinfo_t err;
    int rc = conn_import(d, &st, 20, &ch, &err);
    expect_change(rc, &ch, "+192.0.2.1/32 +192.0.2.2/32 +198.51.100.1/32 +203.0.113.1/32 "
                           "+2001:db8::2/128");
    char recs_c[2048];
    snprintf(recs_c, sizeof recs_c, "%s", tc_records_text(c));
    CU_ASSERT_STRING_EQUAL(tc_records_text(d), recs_c);
    char adv_c[2048];
    snprintf(adv_c, sizeof adv_c, "%s", tc_adv_text(c));
    CU_ASSERT_STRING_EQUAL(tc_adv_text(d), adv_c);
    CU_ASSERT_EQUAL(conn_next_expiry(d), 9 + TTL);
    /* Importing the same state again changes nothing. */
    CU_ASSERT_EQUAL(conn_import(d, &st, 20, &ch, &err), 0);
    CU_ASSERT_EQUAL(ch.n_add + ch.n_remove, 0);
    conn_state_clear(&st);
    conn_change_clear(&ch);
    conn_free(c);
    conn_free(d);
}

static void test_import_filters_and_rejects(void)
{
    conn_t *c = conn_with(true, TTL);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com", "10.0.0.0/8", "", &ch);
    OBSERVE(c, 1, &ch, "a.example.com. 60 IN A 192.0.2.1");
    conn_state_record_t recs[4];
    recs[0] = (conn_state_record_t){"A.Example.com", pfx_addr_v4(0xc6336401), 30}; /* tracked */
    recs[1] = (conn_state_record_t){"b.example.com", pfx_addr_v4(0xc6336402), 30}; /* untracked */
    recs[2] = (conn_state_record_t){"a.example.com", pfx_addr_v4(0x0a000001), 30}; /* absorbed */
    recs[3] = (conn_state_record_t){"a.example.com", pfx_addr_v4(0xc6336403), 0};  /* due */
    conn_state_t st = {.records = recs, .n_records = 4};
    errinfo_t err;
    int rc = conn_import(c, &st, TTL, &ch, &err);
    expect_change(rc, &ch, "+198.51.100.1/32 -192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "a.example.com 10.0.0.1@30, "
                                               "a.example.com 198.51.100.1@30");
    /* Bad input fails whole and changes nothing. */
    recs[1] = (conn_state_record_t){"bad..name", pfx_addr_v4(0xc6336402), 30};
    err.msg[0] = '\0';
    CU_ASSERT_EQUAL(conn_import(c, &st, TTL, &ch, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "bad..name"));
    recs[1] = (conn_state_record_t){"a.example.com", pfx_addr_v4(0x7f000001), 30};
    CU_ASSERT_EQUAL(conn_import(c, &st, TTL, &ch, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "127.0.0.1"));
    recs[1] = (conn_state_record_t){NULL, pfx_addr_v4(0xc6336402), 30};
    CU_ASSERT_EQUAL(conn_import(c, &st, TTL, &ch, &err), -1);
    pfx_t bad_orphan = {{0xc000020100000000ULL, 0}, PFX_V4, 24}; /* host bits set */
    recs[1] = recs[0];
    st.orphans = &bad_orphan;
    st.n_orphans = 1;
    CU_ASSERT_EQUAL(conn_import(c, &st, TTL, &ch, &err), -1);
    CU_ASSERT_EQUAL(ch.n_add + ch.n_remove, 0);
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "a.example.com 10.0.0.1@30, "
                                               "a.example.com 198.51.100.1@30");
    CU_ASSERT_STRING_EQUAL(tc_adv_text(c), "10.0.0.0/8 198.51.100.1/32");
    conn_change_clear(&ch);
    conn_free(c);
}

static void test_import_due_per_address(void)
{
    /* L5 keeps one time per address: the latest of its records. At now = 120 with TTL 100,
     * 192.0.2.1 was last routed at 150, so it is not due and stays under both names; 192.0.2.2
     * (latest 10) is due under both. */
    conn_t *c = conn_with(true, 100);
    conn_change_t ch = {0};
    CONFIGURE(c, "a.example.com b.example.com", "", "", &ch);
    conn_state_record_t recs[5] = {
        {"a.example.com", pfx_addr_v4(0xc0000201), 0},
        {"a.example.com", pfx_addr_v4(0xc0000202), 10},
        {"b.example.com", pfx_addr_v4(0xc0000201), 150},
        {"b.example.com", pfx_addr_v4(0xc0000202), 5},
        {"c.example.com", pfx_addr_v4(0xc0000202), 200}, /* untracked: its time still counts */
    };
    conn_state_t st = {.records = recs, .n_records = 4};
    errinfo_t err;
    int rc = conn_import(c, &st, 120, &ch, &err);
    expect_change(rc, &ch, "+192.0.2.1/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "a.example.com 192.0.2.1@150, "
                                               "b.example.com 192.0.2.1@150");
    CU_ASSERT_EQUAL(conn_next_expiry(c), 250);
    /* A record under a name this configuration does not track still tells when the address
     * was last routed. */
    st.n_records = 5;
    rc = conn_import(c, &st, 120, &ch, &err);
    expect_change(rc, &ch, "+192.0.2.2/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "a.example.com 192.0.2.1@150, "
                                               "a.example.com 192.0.2.2@200, "
                                               "b.example.com 192.0.2.1@150, "
                                               "b.example.com 192.0.2.2@200");
    /* At 250 192.0.2.1 is due as a whole. */
    st.n_records = 4;
    rc = conn_import(c, &st, 250, &ch, &err);
    expect_change(rc, &ch, "-192.0.2.1/32 -192.0.2.2/32");
    CU_ASSERT_STRING_EQUAL(tc_records_text(c), "");
    conn_change_clear(&ch);
    conn_free(c);
}

/* ---- a brute-force reference, compared on seeded random operations ---- */

/* The reference keeps plain arrays and recomputes everything from RULES each time: C3 by
 * looping over every route, L2 by walking the CNAME edges backwards, C6 by comparing the
 * advertised sets before and after. */
#define REF_MAX 256

typedef struct {
    char name[64];
    pfx_addr_t addr;
} ref_record_t;

typedef struct {
    pfx_addr_t addr;
    int64_t last;
} ref_time_t;

typedef struct {
    bool store;
    int64_t ttl;
    bool connector;
    dn_matcher_t *m;
    pfx_t control[REF_MAX], manual[REF_MAX], orphans[REF_MAX];
    size_t n_control, n_manual, n_orphans;
    ref_record_t rec[REF_MAX];
    size_t n_rec;
    ref_time_t times[REF_MAX];
    size_t n_times;
} ref_t;

typedef struct {
    pfx_t p[REF_MAX];
    size_t n;
} ref_set_t;

static bool ref_set_has(const ref_set_t *s, const pfx_t *p)
{
    for (size_t i = 0; i < s->n; i++)
        if (pfx_equal(&s->p[i], p))
            return true;
    return false;
}

static void ref_set_add(ref_set_t *s, const pfx_t *p)
{
    if (!ref_set_has(s, p)) {
        CU_ASSERT_FATAL(s->n < REF_MAX);
        s->p[s->n++] = *p;
    }
}

static int ref_pfx_cmp(const void *a, const void *b)
{
    return pfx_compare(a, b);
}

static bool ref_absorbed(const ref_t *r, const pfx_t *host)
{
    for (size_t i = 0; i < r->n_control; i++)
        if (r->control[i].len > 0 && pfx_covers(&r->control[i], host))
            return true;
    for (size_t i = 0; i < r->n_manual; i++)
        if (r->manual[i].len > 0 && pfx_covers(&r->manual[i], host))
            return true;
    return false;
}

/* C3, with the records given (so C6 can ask about the next state). */
static void ref_adv(const ref_t *r, const ref_record_t *rec, size_t n_rec, bool with_orphans,
                    ref_set_t *out)
{
    out->n = 0;
    for (size_t i = 0; i < r->n_manual; i++)
        ref_set_add(out, &r->manual[i]);
    for (size_t i = 0; i < r->n_control; i++)
        ref_set_add(out, &r->control[i]);
    for (size_t i = 0; with_orphans && i < r->n_orphans; i++)
        ref_set_add(out, &r->orphans[i]);
    for (size_t i = 0; i < n_rec; i++) {
        pfx_t h = pfx_host(&rec[i].addr);
        if (!learn_addr_disallowed(&rec[i].addr) && !ref_absorbed(r, &h))
            ref_set_add(out, &h);
    }
    qsort(out->p, out->n, sizeof out->p[0], ref_pfx_cmp);
}

static const char *ref_diff_text(const ref_set_t *before, const ref_set_t *after)
{
    conn_change_t ch = {0};
    pfx_t add[REF_MAX], rem[REF_MAX];
    for (size_t i = 0; i < after->n; i++)
        if (!ref_set_has(before, &after->p[i]))
            add[ch.n_add++] = after->p[i];
    for (size_t i = 0; i < before->n; i++)
        if (!ref_set_has(after, &before->p[i]))
            rem[ch.n_remove++] = before->p[i];
    ch.add = add;
    ch.remove = rem;
    return tc_change_text(&ch);
}

static const char *ref_set_text(const ref_set_t *s)
{
    static char buf[8192];
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->n; i++) {
        char t[PFX_TEXT_MAX];
        pfx_format(&s->p[i], t);
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s", at ? " " : "", t);
    }
    return buf;
}

static int64_t *ref_time_of(ref_t *r, const pfx_addr_t *a)
{
    for (size_t i = 0; i < r->n_times; i++)
        if (pfx_addr_equal(&r->times[i].addr, a))
            return &r->times[i].last;
    return NULL;
}

/* Drops the times of addresses no record holds. */
static void ref_gc_times(ref_t *r)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n_times; i++) {
        bool held = false;
        for (size_t j = 0; j < r->n_rec && !held; j++)
            held = pfx_addr_equal(&r->rec[j].addr, &r->times[i].addr);
        if (held)
            r->times[k++] = r->times[i];
    }
    r->n_times = k;
}

static bool ref_has_record(const ref_t *r, const char *name, const pfx_addr_t *a)
{
    for (size_t i = 0; i < r->n_rec; i++)
        if (strcmp(r->rec[i].name, name) == 0 && pfx_addr_equal(&r->rec[i].addr, a))
            return true;
    return false;
}

static int ref_record_cmp(const void *pa, const void *pb)
{
    const ref_record_t *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c != 0 ? c : pfx_addr_compare(&a->addr, &b->addr);
}

static const char *ref_records_text(ref_t *r)
{
    static char buf[8192];
    ref_record_t sorted[REF_MAX];
    memcpy(sorted, r->rec, r->n_rec * sizeof sorted[0]);
    qsort(sorted, r->n_rec, sizeof sorted[0], ref_record_cmp);
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->n_rec; i++) {
        char t[PFX_ADDR_TEXT_MAX];
        pfx_addr_format(&sorted[i].addr, t);
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s %s@%lld", at ? ", " : "",
                               sorted[i].name, t, (long long)*ref_time_of(r, &sorted[i].addr));
    }
    return buf;
}

static int64_t ref_next_expiry(ref_t *r)
{
    int64_t best = INT64_MAX;
    for (size_t i = 0; r->ttl > 0 && i < r->n_times; i++)
        if (r->times[i].last <= INT64_MAX - r->ttl && r->times[i].last + r->ttl < best)
            best = r->times[i].last + r->ttl;
    return best;
}

/* A tiny deterministic generator (xorshift64*), seeded per run. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dULL;
}

static size_t rng_below(uint64_t *s, size_t n)
{
    return (size_t)(rng_next(s) % n);
}

static const char *const rnd_names[] = {"ex.com",   "a.ex.com",    "b.ex.com",    "c.a.ex.com",
                                        "d.ex.net", "e.ex.net",    "x.other.org", "y.other.org",
                                        "xex.com",  "deep.c.a.ex.com"};
static const char *const rnd_domains[] = {"ex.com",   "a.ex.com", "*.ex.com",    "*.a.ex.com",
                                          "*.ex.net", "d.ex.net", "x.other.org", "b.ex.com"};
static const char *const rnd_addrs[] = {"192.0.2.1",   "192.0.2.2",   "192.0.2.5",
                                        "192.0.2.200", "198.51.100.1", "198.51.100.9",
                                        "2001:db8::1", "2001:db8::2", "2001:db8:1::1",
                                        "127.0.0.1",   "10.0.0.1",     "fe80::1"};
static const char *const rnd_routes[] = {"192.0.2.0/24",   "192.0.2.0/30",  "192.0.2.5/32",
                                         "198.51.100.0/24", "2001:db8::/64", "10.0.0.0/8",
                                         "203.0.113.0/24", "2001:db8::1/128"};

/* Random words from pool into buf, space-separated. */
static void rnd_words(uint64_t *s, const char *const *pool, size_t n, size_t max, char *buf,
                      size_t cap)
{
    size_t at = 0, k = rng_below(s, max + 1);
    buf[0] = '\0';
    for (size_t i = 0; i < k; i++)
        at += (size_t)snprintf(buf + at, cap - at, "%s%s", at ? " " : "", pool[rng_below(s, n)]);
}

static void ref_load_routes(const char *text, pfx_t *out, size_t *n)
{
    *n = 0;
    for (const char *p = text; *p != '\0';) {
        size_t len = strcspn(p, " ");
        errinfo_t err;
        pfx_t q;
        CU_ASSERT_FATAL(pfx_parse(p, len, false, &q, &err));
        bool dup = false;
        for (size_t i = 0; i < *n; i++)
            dup |= pfx_equal(&out[i], &q);
        if (!dup)
            out[(*n)++] = q;
        p += len + (p[len] == ' ');
    }
}

static void ref_configure(ref_t *r, bool connector, const char *domains, const char *control,
                          const char *manual)
{
    ref_set_t before;
    ref_adv(r, r->rec, r->n_rec, true, &before);
    dn_matcher_t *m = dn_matcher_new();
    for (const char *p = domains; connector && *p != '\0';) {
        size_t len = strcspn(p, " ");
        dn_domain_t d;
        errinfo_t err;
        CU_ASSERT_FATAL(dn_domain_parse(p, len, &d, &err));
        CU_ASSERT_FATAL(dn_matcher_add(m, &d) >= 0);
        p += len + (p[len] == ' ');
    }
    ref_record_t kept[REF_MAX];
    size_t n_kept = 0;
    for (size_t i = 0; i < r->n_rec; i++)
        if (connector && dn_matcher_match(m, r->rec[i].name, strlen(r->rec[i].name)) != 0)
            kept[n_kept++] = r->rec[i];
    pfx_t old_control[REF_MAX];
    size_t n_old_control = r->n_control;
    memcpy(old_control, r->control, sizeof old_control);
    ref_load_routes(connector ? control : "", r->control, &r->n_control);
    ref_load_routes(manual, r->manual, &r->n_manual);
    if (!connector)
        r->n_orphans = 0;
    if (connector) {
        /* C6: orphans stay; with store_routes off, what leaves Adv because a control route or a
         * name left becomes one too. */
        ref_set_t base, orph = {.n = 0};
        ref_adv(r, kept, n_kept, false, &base);
        for (size_t i = 0; i < r->n_orphans; i++)
            ref_set_add(&orph, &r->orphans[i]);
        for (size_t i = 0; i < n_old_control && !r->store; i++)
            if (!ref_set_has(&base, &old_control[i]))
                ref_set_add(&orph, &old_control[i]);
        for (size_t i = 0; i < r->n_rec && !r->store; i++) {
            bool still = false;
            for (size_t j = 0; j < n_kept && !still; j++)
                still = pfx_addr_equal(&kept[j].addr, &r->rec[i].addr);
            pfx_t h = pfx_host(&r->rec[i].addr);
            if (!still && ref_set_has(&before, &h) && !ref_set_has(&base, &h))
                ref_set_add(&orph, &h);
        }
        r->n_orphans = 0;
        for (size_t i = 0; i < orph.n; i++)
            if (!(pfx_is_host(&orph.p[i]) && ref_absorbed(r, &orph.p[i])))
                r->orphans[r->n_orphans++] = orph.p[i];
    }
    memcpy(r->rec, kept, n_kept * sizeof kept[0]);
    r->n_rec = n_kept;
    ref_gc_times(r);
    dn_matcher_free(r->m);
    r->m = m;
    r->connector = connector;
}

/* L2, L3: every matching name from which the owner can be reached. */
static void ref_observe(ref_t *r, int64_t now, const size_t (*edges)[2], size_t n_edges,
                        const size_t *owners, const size_t *addrs, size_t n_addrs)
{
    for (size_t k = 0; k < n_addrs; k++) {
        pfx_addr_t a;
        const char *at = rnd_addrs[addrs[k]];
        CU_ASSERT_FATAL(pfx_addr_parse(at, strlen(at), &a));
        if (learn_addr_disallowed(&a))
            continue;
        bool reach[sizeof rnd_names / sizeof rnd_names[0]] = {false};
        reach[owners[k]] = true;
        for (bool grew = true; grew;) {
            grew = false;
            for (size_t e = 0; e < n_edges; e++)
                if (reach[edges[e][1]] && !reach[edges[e][0]])
                    reach[edges[e][0]] = grew = true;
        }
        for (size_t n = 0; n < sizeof rnd_names / sizeof rnd_names[0]; n++) {
            if (!reach[n] || dn_matcher_match(r->m, rnd_names[n], strlen(rnd_names[n])) == 0)
                continue;
            if (!ref_has_record(r, rnd_names[n], &a)) {
                CU_ASSERT_FATAL(r->n_rec < REF_MAX);
                snprintf(r->rec[r->n_rec].name, sizeof r->rec[0].name, "%s", rnd_names[n]);
                r->rec[r->n_rec++].addr = a;
            }
            int64_t *t = ref_time_of(r, &a);
            if (t == NULL) {
                r->times[r->n_times] = (ref_time_t){a, now};
                r->n_times++;
            } else if (*t < now) {
                *t = now;
            }
        }
    }
}

static void ref_restart(ref_t *r, int64_t now)
{
    if (r->store) {
        for (size_t i = 0; i < r->n_times; i++)
            r->times[i].last = now;
        return;
    }
    ref_set_t orph = {.n = 0};
    for (size_t i = 0; i < r->n_orphans; i++)
        ref_set_add(&orph, &r->orphans[i]);
    for (size_t i = 0; i < r->n_rec; i++) {
        pfx_t h = pfx_host(&r->rec[i].addr);
        if (!ref_absorbed(r, &h))
            ref_set_add(&orph, &h);
    }
    memcpy(r->orphans, orph.p, orph.n * sizeof orph.p[0]);
    r->n_orphans = orph.n;
    r->n_rec = 0;
    r->n_times = 0;
}

static void ref_expire(ref_t *r, int64_t now)
{
    if (r->ttl <= 0)
        return;
    size_t k = 0;
    for (size_t i = 0; i < r->n_rec; i++) {
        int64_t last = *ref_time_of(r, &r->rec[i].addr);
        if (!(last <= INT64_MAX - r->ttl && last + r->ttl <= now))
            r->rec[k++] = r->rec[i];
    }
    r->n_rec = k;
    ref_gc_times(r);
}

static void random_run(uint64_t seed, bool store, int64_t ttl, int steps)
{
    uint64_t s = seed;
    ref_t *r = calloc(1, sizeof *r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    r->store = store;
    r->ttl = ttl;
    r->m = dn_matcher_new();
    conn_t *c = conn_with(store, ttl);
    conn_change_t ch = {0};
    int64_t now = 0;
    char expect[8192];
    unsigned failures_before = CU_get_number_of_failures();
    for (int step = 0; step < steps; step++) {
        ref_set_t before, after;
        ref_adv(r, r->rec, r->n_rec, true, &before);
        int rc = 0;
        size_t op = rng_below(&s, 20);
        now += (int64_t)rng_below(&s, 30);
        if (op < 3) {
            char d[512], ctl[512], man[512];
            rnd_words(&s, rnd_domains, sizeof rnd_domains / sizeof rnd_domains[0], 5, d, sizeof d);
            rnd_words(&s, rnd_routes, sizeof rnd_routes / sizeof rnd_routes[0], 2, ctl, sizeof ctl);
            rnd_words(&s, rnd_routes, sizeof rnd_routes / sizeof rnd_routes[0], 1, man, sizeof man);
            if (rng_below(&s, 8) == 0)
                snprintf(man, sizeof man, "0.0.0.0/0");
            bool connector = rng_below(&s, 10) != 0;
            rc = tc_configure_at(c, connector, d, ctl, man, &ch);
            ref_configure(r, connector, d, ctl, man);
        } else if (op == 3) {
            rc = conn_restart(c, now, &ch);
            ref_restart(r, now);
        } else if (op < 7) {
            rc = conn_expire(c, now, &ch);
            ref_expire(r, now);
        } else if (op == 7) {
            /* Export and import into itself, sometimes with one more orphan (C6: taken as
             * given by a connector, whatever store_routes says). */
            conn_state_t st;
            errinfo_t err;
            CU_ASSERT_EQUAL_FATAL(conn_export(c, &st), 0);
            pfx_t orphans[REF_MAX + 1];
            CU_ASSERT_FATAL(st.n_orphans < REF_MAX);
            memcpy(orphans, st.orphans, st.n_orphans * sizeof orphans[0]);
            conn_state_t in = st;
            in.orphans = orphans;
            if (rng_below(&s, 3) == 0) {
                const char *t = rnd_routes[rng_below(&s, sizeof rnd_routes / sizeof rnd_routes[0])];
                errinfo_t perr;
                CU_ASSERT_FATAL(pfx_parse(t, strlen(t), false, &orphans[in.n_orphans], &perr));
                if (r->connector) {
                    ref_set_t orph = {.n = 0};
                    for (size_t i = 0; i < r->n_orphans; i++)
                        ref_set_add(&orph, &r->orphans[i]);
                    ref_set_add(&orph, &orphans[in.n_orphans]);
                    memcpy(r->orphans, orph.p, orph.n * sizeof orph.p[0]);
                    r->n_orphans = orph.n;
                }
                in.n_orphans++;
            }
            rc = conn_import(c, &in, now, &ch, &err);
            conn_state_clear(&st);
            ref_expire(r, now); /* import drops records already due */
        } else {
            size_t edges[4][2], owners[4], addrs[4];
            size_t n_edges = rng_below(&s, 4), n_addrs = 1 + rng_below(&s, 4);
            char rr[8][160];
            const char *rrs[9];
            size_t n_rr = 0, n_names = sizeof rnd_names / sizeof rnd_names[0];
            for (size_t e = 0; e < n_edges; e++) {
                edges[e][0] = rng_below(&s, n_names);
                edges[e][1] = rng_below(&s, n_names);
                snprintf(rr[n_rr], sizeof rr[0], "%s. 60 IN CNAME %s.", rnd_names[edges[e][0]],
                         rnd_names[edges[e][1]]);
                rrs[n_rr] = rr[n_rr];
                n_rr++;
            }
            for (size_t k = 0; k < n_addrs; k++) {
                owners[k] = rng_below(&s, n_names);
                addrs[k] = rng_below(&s, sizeof rnd_addrs / sizeof rnd_addrs[0]);
                const char *addr = rnd_addrs[addrs[k]];
                snprintf(rr[n_rr], sizeof rr[0], "%s. 60 IN %s %s", rnd_names[owners[k]],
                         strchr(addr, ':') ? "AAAA" : "A", addr);
                rrs[n_rr] = rr[n_rr];
                n_rr++;
            }
            rrs[n_rr] = NULL;
            rc = tc_observe(c, now, &ch, rrs);
            ref_observe(r, now, (const size_t(*)[2])edges, n_edges, owners, addrs, n_addrs);
        }
        ref_adv(r, r->rec, r->n_rec, true, &after);
        snprintf(expect, sizeof expect, "%s", ref_diff_text(&before, &after));
        CU_ASSERT_STRING_EQUAL(tc_change_text(&ch), expect);
        CU_ASSERT_EQUAL(rc, expect[0] != '\0');
        CU_ASSERT_STRING_EQUAL(tc_adv_text(c), ref_set_text(&after));
        snprintf(expect, sizeof expect, "%s", ref_records_text(r));
        CU_ASSERT_STRING_EQUAL(tc_records_text(c), expect);
        CU_ASSERT_EQUAL(conn_next_expiry(c), ref_next_expiry(r));
        if (CU_get_number_of_failures() != failures_before) {
            fprintf(stderr, "random run seed %llu failed at step %d (op %zu)\n",
                    (unsigned long long)seed, step, op);
            break;
        }
    }
    conn_change_clear(&ch);
    conn_free(c);
    dn_matcher_free(r->m);
    free(r);
}

static void test_random_store_on(void)
{
    for (uint64_t seed = 1; seed <= 40; seed++)
        random_run(seed * 0x9e3779b97f4a7c15ULL, true, 0, 150);
}

static void test_random_store_on_ttl(void)
{
    for (uint64_t seed = 1; seed <= 40; seed++)
        random_run(seed * 0x9e3779b97f4a7c15ULL + 7, true, 60, 150);
}

static void test_random_store_off(void)
{
    for (uint64_t seed = 1; seed <= 40; seed++)
        random_run(seed * 0x9e3779b97f4a7c15ULL + 11, false, 0, 150);
}

static void test_random_store_off_ttl(void)
{
    for (uint64_t seed = 1; seed <= 40; seed++)
        random_run(seed * 0x9e3779b97f4a7c15ULL + 13, false, 45, 150);
}

void suite_conn(void);
void suite_conn(void)
{
    static CU_TestInfo tests[] = {
        {"C3 a new connector advertises nothing", test_new_connector_advertises_nothing},
        {"C2 C3 control and manual routes are advertised as configured, nested ones included",
         test_routes_advertised_as_configured},
        {"N5 C4 duplicates in the configuration collapse; order changes nothing",
         test_duplicates_collapse},
        {"C7 changes are sorted: IPv4 before IPv6, then address, then length",
         test_changes_sorted},
        {"C1 turning the connector off withdraws everything it advertised as a connector",
         test_connector_off_withdraws},
        {"C4 operations that change nothing emit nothing", test_apply_same_config_emits_nothing},
        {"L1 L3 C3 C4 domains learned over time", test_learned_over_time},
        {"L2 L3 a CNAME chain's target addresses are advertised under the configured name",
         test_cname_chain_target_addresses},
        {"L2 L3 recorded under every matching name on the path; fan-in, cycles",
         test_records_under_every_matching_name},
        {"N4 L3 wildcards exclude the parent and match at any depth",
         test_wildcard_excludes_parent},
        {"N2 N3 names in responses are lower-cased before matching", test_names_case_insensitive},
        {"L4 C3 disallowed addresses are never recorded or advertised",
         test_disallowed_never_recorded},
        {"L1 C4 a malformed response changes nothing and returns CONN_OBSERVE_MALFORMED",
         test_malformed_changes_nothing},
        {"L1 only answer records of type A, AAAA and CNAME count; TTL 0 and rcode do not matter",
         test_only_answer_section_counts},
        {"L3 names without a recorded address are not tracked", test_unanswered_names_not_tracked},
        {"C3 routes preconfigured in the policy coalesce host routes learned earlier",
         test_policy_routes_coalesce_learned},
        {"C3 a /0 manual route never absorbs; other manual routes do",
         test_manual_absorbs_zero_never},
        {"C5 a shared address held by two names survives removing one",
         test_shared_address_survives},
        {"C5 L3 removing *.d untracks the names tracked only through it",
         test_removing_wildcard_untracks},
        {"C6 L5 store_routes on: a restart keeps everything and restarts the clock",
         test_store_on_restart_keeps},
        {"C6 store_routes off: names and control routes that leave become orphans",
         test_store_off_orphans},
        {"C6 C3 store_routes off: a host route absorbed by a new control route is no orphan",
         test_store_off_absorbed_not_orphaned},
        {"C6 store_routes off: an orphan host route inside an applied route is dropped for good",
         test_store_off_orphan_dropped_by_covering_route},
        {"C6 store_routes off: a restart keeps Adv and forgets every name",
         test_store_off_restart},
        {"C6 C4 store_routes on: imported orphans stay until a covering route is applied",
         test_store_on_imported_orphans_stay},
        {"L5 expiry is off by default", test_expiry_off_by_default},
        {"L5 expiry at exactly last routed + ttl, not 1 ns before", test_expiry_at_exactly_ttl},
        {"L5 L3 routing an address again moves its expiry; names left empty are dropped",
         test_expiry_moves_with_routing},
        {"L5 C6 a restart resets the expiry clock", test_expiry_restart_resets_clock},
        {"L5 C6 C3 expiry keeps routes Adv holds otherwise (orphans, control, manual)",
         test_expiry_keeps_routes_held_otherwise},
        {"L5 a deadline past the end of time never comes", test_expiry_far_future_saturates},
        {"L3 L5 C5 an address held by many names keeps and loses them one by one, then expires",
         test_expiry_address_held_by_many_names},
        {"L5 staged expiries cost what they remove (work counted, not timed)",
         test_expiry_cost_linear},
        {"L3 L5 C6 export/import round trip, records sorted by name then address",
         test_export_import_round_trip},
        {"L3 L4 L5 import drops untracked and due records and rejects bad ones whole",
         test_import_filters_and_rejects},
        {"L5 import decides what is due per address, from the latest of its records",
         test_import_due_per_address},
        {"C3 C4 C5 C6 C7 L2 L3 L5 random operations match a reference (store_routes on)",
         test_random_store_on},
        {"C3 C4 C5 C6 C7 L2 L3 L5 random operations match a reference (store_routes on, ttl)",
         test_random_store_on_ttl},
        {"C3 C4 C5 C6 C7 L2 L3 L5 random operations match a reference (store_routes off)",
         test_random_store_off},
        {"C3 C4 C5 C6 C7 L2 L3 L5 random operations match a reference (store_routes off, ttl)",
         test_random_store_off_ttl},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("conn", tests);
}
