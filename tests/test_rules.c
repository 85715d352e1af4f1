/* Tests of model/rules (rule IDs and sets) and of the rule-coverage marks of the model: learn
 * (L1, N2, N3, N4, L2, L4) and conn (C1-C7, L3, L5). Each mark is shown to appear for a small
 * input that exercises its rule and to stay away for one that does not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "learn.h"
#include "rules.h"
#include "support_dns.h"
#include "testutil.h"

/* ---- the rules API ---- */

static void test_ids_names_and_order(void)
{
    static const char *const all[] = {
        "T1", "T2", "T3", "S1", "S2", "S3", "S4", "S5", "N1", "N2", "N3", "N4", "N5",
        "L1", "L2", "L3", "L4", "L5", "C1", "C2", "C3", "C4", "C5", "C6", "C7",
        "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "K1", "K2", "K3", "K4", "K5",
        "D1", "D2", "D3", "D4", "D5",
    };
    CU_ASSERT_EQUAL(sizeof all / sizeof all[0], RULE_COUNT);
    for (int r = 0; r < RULE_COUNT; r++) {
        CU_ASSERT_STRING_EQUAL(rule_name(r), all[r]);
        CU_ASSERT_EQUAL(rule_parse(all[r]), r);
    }
    CU_ASSERT_EQUAL(rule_parse("C3"), RULE_C3);
    CU_ASSERT_EQUAL(rule_parse("K5"), RULE_K5);
    CU_ASSERT_PTR_NULL(rule_name(-1));
    CU_ASSERT_PTR_NULL(rule_name(RULE_COUNT));
}

static void test_parse_rejects_bad_text(void)
{
    static const char *const bad[] = {"", "C", "C0", "C8", "T4", "D6", "P9", "K10", "c3",
                                      "C03", "X1", "Q1", "C3 ", " C3", "CC", "3C", "C-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(rule_parse(bad[i]), RULE_NONE);
        if (rule_parse(bad[i]) != RULE_NONE)
            fprintf(stderr, "\n'%s' parsed as a rule\n", bad[i]);
    }
    CU_ASSERT_EQUAL(rule_parse(NULL), RULE_NONE);
}

static void test_sets(void)
{
    rules_t s = 0;
    CU_ASSERT_EQUAL(rules_count(s), 0);
    CU_ASSERT_EQUAL(rules_next(s, 0), RULE_NONE);
    rules_mark(&s, RULE_K5);
    rules_mark(&s, RULE_T1);
    rules_mark(&s, RULE_C3);
    rules_mark(&s, RULE_C3);
    rules_mark(&s, -1);         /* ignored */
    rules_mark(&s, RULE_COUNT); /* ignored */
    CU_ASSERT_EQUAL(rules_count(s), 3);
    CU_ASSERT(rules_has(s, RULE_C3));
    CU_ASSERT(!rules_has(s, RULE_C4));
    CU_ASSERT(!rules_has(s, -1));
    CU_ASSERT(!rules_has(s, 64));
    /* Iteration is RULES order, whatever the marking order. */
    int seen[4], n = 0;
    for (int r = rules_next(s, 0); r != RULE_NONE && n < 4; r = rules_next(s, r + 1))
        seen[n++] = r;
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(seen[0], RULE_T1);
    CU_ASSERT_EQUAL(seen[1], RULE_C3);
    CU_ASSERT_EQUAL(seen[2], RULE_K5);
    CU_ASSERT_EQUAL(rules_next(s, -5), RULE_T1);
    CU_ASSERT_EQUAL(rules_next(s, RULE_COUNT), RULE_NONE);
    CU_ASSERT_EQUAL(rules_next(~(rules_t)0, RULE_D5 + 1), RULE_NONE);

    rules_t u = rules_union(s, rules_of(RULE_D2));
    CU_ASSERT_EQUAL(rules_count(u), 4);
    CU_ASSERT_EQUAL(rules_count(s), 3);
    CU_ASSERT_EQUAL(rules_count(RULES_ALL), RULE_COUNT);
    CU_ASSERT_EQUAL(rules_count(~(rules_t)0), RULE_COUNT); /* bits past D5 are not rules */
    CU_ASSERT_EQUAL(rules_of(-1), 0);

    char buf[200];
    CU_ASSERT_EQUAL(rules_format(u, buf, sizeof buf), strlen("T1 C3 K5 D2"));
    CU_ASSERT_STRING_EQUAL(buf, "T1 C3 K5 D2");
    CU_ASSERT_EQUAL(rules_format(0, buf, sizeof buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
    /* Too small: whole names only, NUL-terminated, and the needed length returned. */
    char small[7];
    CU_ASSERT_EQUAL(rules_format(u, small, sizeof small), 11);
    CU_ASSERT_STRING_EQUAL(small, "T1 C3");
    CU_ASSERT_EQUAL(rules_format(u, NULL, 0), 11);
    CU_ASSERT(rules_format(RULES_ALL, buf, sizeof buf) < 3 * RULE_COUNT);
    CU_ASSERT_EQUAL(rule_parse("D5"), RULE_COUNT - 1);
}

/* ---- learn ---- */

static dn_matcher_t *matcher_of(const char *const *domains)
{
    dn_matcher_t *m = dn_matcher_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    for (size_t i = 0; domains[i] != NULL; i++) {
        dn_domain_t d;
        errinfo_t err;
        CU_ASSERT_FATAL(dn_domain_parse(domains[i], strlen(domains[i]), &d, &err));
        CU_ASSERT_FATAL(dn_matcher_add(m, &d) >= 0);
    }
    return m;
}

/* The marks one response leaves in a fresh learn_msg_t, parsed and (when m) routed. */
static rules_t learn_marks(const dn_matcher_t *m, const char *const *rrs)
{
    size_t len;
    uint8_t *wire = dns_response(&len, rrs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    learn_msg_t msg;
    learn_msg_init(&msg);
    errinfo_t err;
    if (learn_parse(wire, len, &msg, &err) && m != NULL) {
        const learn_record_t *rec;
        CU_ASSERT(learn_route(&msg, m, &rec) >= 0);
    }
    rules_t r = msg.rules;
    learn_msg_free(&msg);
    CU_ASSERT_EQUAL(msg.rules, 0); /* learn_msg_free leaves an empty message */
    free(wire);
    return r;
}

static void test_learn_l1(void)
{
    static const char *const a[] = {"www.example.com. 300 IN A 192.0.2.1", NULL};
    CU_ASSERT(rules_has(learn_marks(NULL, a), RULE_L1));
    /* No answer record: nothing of L1 decided anything. */
    CU_ASSERT(!rules_has(learn_marks(NULL, NULL), RULE_L1));
    /* Malformed: a truncated header, and an A record with 3 bytes of RDATA. */
    learn_msg_t msg;
    learn_msg_init(&msg);
    errinfo_t err;
    static const uint8_t short_header[5] = {0};
    CU_ASSERT(!learn_parse(short_header, sizeof short_header, &msg, &err));
    CU_ASSERT(rules_has(msg.rules, RULE_L1));
    learn_msg_free(&msg);
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    static const uint8_t three[3] = {192, 0, 2};
    dns_raw_rr(&w, "www.example.com", 1, 1, 300, three, 3);
    CU_ASSERT(!learn_parse(w.buf, w.len, &msg, &err));
    CU_ASSERT(rules_has(msg.rules, RULE_L1));
    dns_raw_free(&w);
    learn_msg_free(&msg);
}

static void test_learn_n2(void)
{
    static const char *const upper[] = {"WWW.Example.com. 300 IN A 192.0.2.1", NULL};
    static const char *const lower[] = {"www.example.com. 300 IN A 192.0.2.1", NULL};
    CU_ASSERT(rules_has(learn_marks(NULL, upper), RULE_N2));
    CU_ASSERT(!rules_has(learn_marks(NULL, lower), RULE_N2));
    /* A name invalid under N1 (an all-digit last label) is still a name, and marks N2. */
    dns_raw_t w;
    dns_raw_init(&w);
    dns_raw_header(&w, 0, 1, 0, 0);
    static const uint8_t addr[4] = {192, 0, 2, 1};
    dns_raw_rr(&w, "host.123", 1, 1, 300, addr, 4);
    learn_msg_t msg;
    learn_msg_init(&msg);
    errinfo_t err;
    CU_ASSERT(learn_parse(w.buf, w.len, &msg, &err));
    CU_ASSERT(rules_has(msg.rules, RULE_N2));
    dns_raw_free(&w);
    learn_msg_free(&msg);
}

static void test_learn_n3_n4_l2_l4(void)
{
    static const char *const doms[] = {"www.example.com", "*.example.net", NULL};
    dn_matcher_t *m = matcher_of(doms);
    static const char *const exact[] = {"www.example.com. 300 IN A 192.0.2.1", NULL};
    rules_t r = learn_marks(m, exact);
    CU_ASSERT(rules_has(r, RULE_N3));
    CU_ASSERT(!rules_has(r, RULE_N4));
    CU_ASSERT(rules_has(r, RULE_L2));
    CU_ASSERT(!rules_has(r, RULE_L4));

    static const char *const wild[] = {"a.b.example.net. 300 IN A 192.0.2.2", NULL};
    r = learn_marks(m, wild);
    CU_ASSERT(rules_has(r, RULE_N4));
    CU_ASSERT(!rules_has(r, RULE_N3));
    CU_ASSERT(rules_has(r, RULE_L2));

    /* The parent of a wildcard, and an unconfigured name: no match, nothing routed. */
    static const char *const none[] = {"example.net. 300 IN A 192.0.2.3",
                                       "other.org. 300 IN A 192.0.2.4", NULL};
    r = learn_marks(m, none);
    CU_ASSERT(!rules_has(r, RULE_N3));
    CU_ASSERT(!rules_has(r, RULE_N4));
    CU_ASSERT(!rules_has(r, RULE_L2));

    /* Through a CNAME edge: the configured alias routes the target's address. */
    static const char *const chain[] = {"www.example.com. 300 IN CNAME edge.cdn.org.",
                                        "edge.cdn.org. 300 IN A 192.0.2.5", NULL};
    r = learn_marks(m, chain);
    CU_ASSERT(rules_has(r, RULE_L2));
    CU_ASSERT(rules_has(r, RULE_N3));

    /* L4: a disallowed address that would have been routed; not one that would not. */
    static const char *const loop[] = {"www.example.com. 300 IN A 127.0.0.1", NULL};
    r = learn_marks(m, loop);
    CU_ASSERT(rules_has(r, RULE_L4));
    CU_ASSERT(!rules_has(r, RULE_L2));
    static const char *const loop_other[] = {"www.example.com. 300 IN A 192.0.2.1",
                                             "other.org. 300 IN A 127.0.0.1", NULL};
    r = learn_marks(m, loop_other);
    CU_ASSERT(!rules_has(r, RULE_L4));
    CU_ASSERT(rules_has(r, RULE_L2));
    dn_matcher_free(m);
}

/* ---- conn ---- */

#define MAX_ITEMS 8

/* Applies a configuration: domains, control and manual routes space-separated (or NULL). */
static int configure(conn_t *c, bool connector, const char *domains, const char *control,
                     const char *manual, int64_t now)
{
    dn_domain_t doms[MAX_ITEMS];
    pfx_t ctl[MAX_ITEMS], man[MAX_ITEMS];
    size_t nd = 0, nc = 0, nm = 0;
    const char *lists[3] = {domains, control, manual};
    for (int k = 0; k < 3; k++)
        for (const char *p = lists[k]; p != NULL && *p != '\0';) {
            size_t n = strcspn(p, " ");
            errinfo_t err;
            if (k == 0) {
                CU_ASSERT_FATAL(nd < MAX_ITEMS && dn_domain_parse(p, n, &doms[nd++], &err));
            } else {
                pfx_t *arr = k == 1 ? ctl : man;
                size_t *cnt = k == 1 ? &nc : &nm;
                CU_ASSERT_FATAL(*cnt < MAX_ITEMS && pfx_parse(p, n, false, &arr[(*cnt)++], &err));
            }
            p += n + (p[n] == ' ');
        }
    conn_config_t cfg = {connector, doms, nd, ctl, nc, man, nm};
    return conn_apply_config(c, &cfg, now, NULL);
}

static int observe(conn_t *c, int64_t now, const char *const *rrs)
{
    size_t len;
    uint8_t *wire = dns_response(&len, rrs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    errinfo_t err;
    int rc = conn_observe_response(c, wire, len, now, NULL, &err);
    free(wire);
    return rc;
}

static conn_t *new_conn(bool store_routes, int64_t ttl)
{
    conn_settings_t s = {store_routes, ttl};
    conn_t *c = conn_new(&s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(conn_rules(c), 0);
    return c;
}

static const char *const WWW1[] = {"www.example.com. 300 IN A 192.0.2.1", NULL};
static const char *const WWW2[] = {"www.example.com. 300 IN A 192.0.2.1",
                                   "www.example.com. 300 IN A 192.0.2.2", NULL};

static void test_conn_c1_c2_c4_l3(void)
{
    /* Manual routes only: the node is no connector; its one route is a change (C4). */
    conn_t *c = new_conn(true, 0);
    CU_ASSERT_EQUAL(configure(c, false, NULL, NULL, "198.51.100.0/24", 0), 1);
    rules_t r = conn_rules(c);
    CU_ASSERT(rules_has(r, RULE_C4));
    CU_ASSERT(!rules_has(r, RULE_C1));
    CU_ASSERT(!rules_has(r, RULE_C2));
    CU_ASSERT(!rules_has(r, RULE_C7));
    conn_free(c);

    c = new_conn(true, 0);
    CU_ASSERT_EQUAL(configure(c, true, "www.example.com", NULL, NULL, 0), 0);
    r = conn_rules(c);
    CU_ASSERT(rules_has(r, RULE_C1));
    CU_ASSERT(!rules_has(r, RULE_C2));
    CU_ASSERT(!rules_has(r, RULE_C4)); /* nothing changed, nothing emitted */
    CU_ASSERT(!rules_has(r, RULE_L3));
    CU_ASSERT_EQUAL(observe(c, 1, WWW1), 1);
    r = conn_rules(c);
    CU_ASSERT(rules_has(r, RULE_L1));
    CU_ASSERT(rules_has(r, RULE_L2));
    CU_ASSERT(rules_has(r, RULE_L3));
    CU_ASSERT(rules_has(r, RULE_C4));
    CU_ASSERT(!rules_has(r, RULE_C7)); /* one prefix: nothing to sort */
    CU_ASSERT(!rules_has(r, RULE_C3));
    CU_ASSERT(!rules_has(r, RULE_L5)); /* no TTL */
    conn_free(c);

    /* Two new prefixes in one change: sorted (C7). A control route: C2. */
    c = new_conn(true, 0);
    configure(c, true, "www.example.com", "203.0.113.0/24", NULL, 0);
    CU_ASSERT(rules_has(conn_rules(c), RULE_C2));
    CU_ASSERT(!rules_has(conn_rules(c), RULE_C7));
    CU_ASSERT_EQUAL(observe(c, 1, WWW2), 1);
    CU_ASSERT(rules_has(conn_rules(c), RULE_C7));
    conn_free(c);
}

static void test_conn_c3_c5_c6(void)
{
    conn_t *c = new_conn(true, 0);
    configure(c, true, "www.example.com", NULL, NULL, 0);
    observe(c, 1, WWW1);
    CU_ASSERT(!rules_has(conn_rules(c), RULE_C3));
    /* A control route over the learned host route absorbs it (C3). */
    CU_ASSERT_EQUAL(configure(c, true, "www.example.com", "192.0.2.0/24", NULL, 2), 1);
    CU_ASSERT(rules_has(conn_rules(c), RULE_C3));
    CU_ASSERT(!rules_has(conn_rules(c), RULE_C5));
    /* The name leaves (C5); store_routes on: no orphan, no C6. */
    configure(c, true, "other.example.com", NULL, NULL, 3);
    CU_ASSERT(rules_has(conn_rules(c), RULE_C5));
    CU_ASSERT(!rules_has(conn_rules(c), RULE_C6));
    conn_free(c);

    /* A learned address that arrives under an existing control route is absorbed at once. */
    c = new_conn(true, 0);
    configure(c, true, "www.example.com", "192.0.2.0/24", NULL, 0);
    CU_ASSERT(!rules_has(conn_rules(c), RULE_C3));
    CU_ASSERT_EQUAL(observe(c, 1, WWW1), 0);
    CU_ASSERT(rules_has(conn_rules(c), RULE_C3));
    conn_free(c);

    /* store_routes off: the leaving host route becomes an orphan (C6), which is in Adv (C3). */
    c = new_conn(false, 0);
    configure(c, true, "www.example.com", NULL, NULL, 0);
    observe(c, 1, WWW1);
    CU_ASSERT(!rules_has(conn_rules(c), RULE_C6));
    CU_ASSERT_EQUAL(configure(c, true, "other.example.com", NULL, NULL, 2), 0);
    CU_ASSERT(rules_has(conn_rules(c), RULE_C6));
    CU_ASSERT(rules_has(conn_rules(c), RULE_C5));
    CU_ASSERT(rules_has(conn_rules(c), RULE_C3));
    conn_free(c);

    /* A restart is C6 whatever store_routes says. */
    c = new_conn(true, 0);
    configure(c, true, "www.example.com", NULL, NULL, 0);
    CU_ASSERT_EQUAL(conn_restart(c, 5, NULL), 0);
    CU_ASSERT(rules_has(conn_rules(c), RULE_C6));
    CU_ASSERT(!rules_has(conn_rules(c), RULE_L5));
    conn_free(c);
}

static void test_conn_l5(void)
{
    conn_t *c = new_conn(true, 100);
    configure(c, true, "www.example.com", NULL, NULL, 0);
    CU_ASSERT(!rules_has(conn_rules(c), RULE_L5));
    CU_ASSERT_EQUAL(conn_expire(c, 50, NULL), 0); /* nothing learned, nothing due */
    CU_ASSERT(!rules_has(conn_rules(c), RULE_L5));
    observe(c, 1, WWW1);
    CU_ASSERT(rules_has(conn_rules(c), RULE_L5));
    conn_free(c);

    c = new_conn(true, 100);
    configure(c, true, "www.example.com", NULL, NULL, 0);
    conn_restart(c, 5, NULL); /* nothing learned yet: no clock to restart */
    CU_ASSERT(!rules_has(conn_rules(c), RULE_L5));
    conn_free(c);

    /* Without a TTL nothing of L5 ever happens, expiries included. */
    c = new_conn(true, 0);
    configure(c, true, "www.example.com", NULL, NULL, 0);
    observe(c, 1, WWW1);
    conn_expire(c, 1000000, NULL);
    CU_ASSERT(!rules_has(conn_rules(c), RULE_L5));
    conn_free(c);

    /* An expiry that removes a route (and returns 1 even when no change is wanted back). */
    c = new_conn(true, 100);
    configure(c, true, "www.example.com", NULL, NULL, 0);
    observe(c, 1, WWW1);
    CU_ASSERT_EQUAL(conn_expire(c, 101, NULL), 1);
    CU_ASSERT(rules_has(conn_rules(c), RULE_L5));
    conn_free(c);
}

static void test_conn_n3_n4_on_reconfiguration(void)
{
    /* A name tracked through a wildcard stays tracked through it (L3, N4). */
    conn_t *c = new_conn(true, 0);
    configure(c, true, "*.example.com", NULL, NULL, 0);
    observe(c, 1, WWW1);
    CU_ASSERT(rules_has(conn_rules(c), RULE_N4));
    CU_ASSERT(!rules_has(conn_rules(c), RULE_N3));
    configure(c, true, "*.example.com www.example.com", NULL, NULL, 2);
    CU_ASSERT(rules_has(conn_rules(c), RULE_N3)); /* the tracked name now matches exactly */
    CU_ASSERT(!rules_has(conn_rules(c), RULE_C5));
    conn_free(c);
}

void suite_rules(void);
void suite_rules(void)
{
    static CU_TestInfo tests[] = {
        {"rule IDs: names, parsing, RULES order", test_ids_names_and_order},
        {"rule IDs: bad text parses as none", test_parse_rejects_bad_text},
        {"rule sets: mark, has, union, count, iteration, format", test_sets},
        {"L1 marked for answer records and malformed messages only", test_learn_l1},
        {"N2 marked for upper-case or invalid names in messages only", test_learn_n2},
        {"N3 N4 L2 L4 marked where learn_route decides", test_learn_n3_n4_l2_l4},
        {"C1 C2 C4 C7 L3 marked by conn operations", test_conn_c1_c2_c4_l3},
        {"C3 C5 C6 marked by absorption, removal, orphans, restart", test_conn_c3_c5_c6},
        {"L5 marked only with a TTL", test_conn_l5},
        {"N3 N4 marked when a configuration re-matches tracked names",
         test_conn_n3_n4_on_reconfiguration},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("rules", tests);
}
