/* Out-of-memory sweeps of model/learn (tests/support_oom): learn_parse_status reports
 * LEARN_NOMEM (never LEARN_MALFORMED: the message is well formed) and leaves the message empty;
 * learn_route reports -1; each retried without injection gives what a run that never failed
 * gives (L1-L4), whatever the buffers reused from earlier messages. ldns's own allocations (the
 * name decoding) are not injected (see support_oom.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn.h"
#include "support_dns.h"
#include "support_oom.h"
#include "testutil.h"

/* A response with everything learn allocates for: more than 16 names (the hashed interning),
 * a CNAME chain with fan-in and a cycle, more than 8 address records with a repeated address
 * (the pair set), AAAA, and a disallowed address (L4). */
static uint8_t *rich_response(size_t *len)
{
    enum { CHAIN = 24, MAX_RRS = 64 };
    static char text[MAX_RRS][128];
    const char *rrs[MAX_RRS + 1];
    size_t n = 0;
    for (int i = 0; i < CHAIN; i++)
        snprintf(text[n++], sizeof text[0], "n%d.example.com. 60 IN CNAME n%d.example.com.", i,
                 i + 1);
    snprintf(text[n++], sizeof text[0], "alias.example.net. 60 IN CNAME n7.example.com.");
    snprintf(text[n++], sizeof text[0], "loop-a.example.org. 60 IN CNAME loop-b.example.org.");
    snprintf(text[n++], sizeof text[0], "loop-b.example.org. 60 IN CNAME loop-a.example.org.");
    snprintf(text[n++], sizeof text[0], "loop-b.example.org. 60 IN A 203.0.113.9");
    for (int i = 0; i < 12; i++)
        snprintf(text[n++], sizeof text[0], "n%d.example.com. 60 IN A 198.51.100.%d", CHAIN,
                 i + 1);
    snprintf(text[n++], sizeof text[0], "n3.example.com. 60 IN A 198.51.100.1");
    snprintf(text[n++], sizeof text[0], "n%d.example.com. 60 IN AAAA 2001:db8::5", CHAIN);
    snprintf(text[n++], sizeof text[0], "n%d.example.com. 60 IN A 127.0.0.1", CHAIN);
    for (size_t i = 0; i < n; i++)
        rrs[i] = text[i];
    rrs[n] = NULL;
    return dns_response(len, rrs);
}

static dn_matcher_t *rich_matcher(void)
{
    static const char *const domains[] = {"*.example.com", "alias.example.net", "n2.example.com",
                                          "loop-a.example.org"};
    dn_matcher_t *m = dn_matcher_new();
    for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++) {
        dn_domain_t d;
        errinfo_t err;
        CU_ASSERT_FATAL(dn_domain_parse(domains[i], strlen(domains[i]), &d, &err));
        CU_ASSERT_FATAL(dn_matcher_add(m, &d) >= 0);
    }
    return m;
}

/* How a message was prepared before the operation. */
enum { FRESH, WARMED_SMALL, PARSED };

typedef struct {
    int kind;
    bool route; /* the operation is learn_route (on the parsed message), else learn_parse */
} lcase_t;

typedef struct {
    learn_msg_t msg;
    dn_matcher_t *m;
    uint8_t *wire;
    size_t len;
    char *records; /* learn_route's output as text, once it succeeded */
    int parse_rc;
    char err[ERRINFO_MSG_MAX];
} lstate_t;

static void *l_prepare(const void *arg)
{
    const lcase_t *lc = arg;
    lstate_t *st = calloc(1, sizeof *st);
    learn_msg_init(&st->msg);
    st->m = rich_matcher();
    st->wire = rich_response(&st->len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st->wire);
    errinfo_t err;
    if (lc->kind == WARMED_SMALL) {
        /* Small buffers from an earlier message, then emptied by a rejected one. */
        size_t n;
        uint8_t *small = dns_response(&n, (const char *const[]){
                                                "a.example.com. 60 IN CNAME b.example.com.",
                                                "b.example.com. 60 IN A 192.0.2.1", NULL});
        CU_ASSERT_FATAL(learn_parse(small, n, &st->msg, &err));
        const learn_record_t *recs;
        CU_ASSERT_FATAL(learn_route(&st->msg, st->m, &recs) == 2);
        CU_ASSERT_FATAL(!learn_parse(small, 5, &st->msg, &err));
        free(small);
    }
    if (lc->kind == PARSED)
        CU_ASSERT_FATAL(learn_parse(st->wire, st->len, &st->msg, &err));
    return st;
}

static char *l_snapshot(void *state)
{
    lstate_t *st = state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const learn_msg_t *msg = &st->msg;
    fprintf(f, "parse %d names %zu:", st->parse_rc, msg->n_names);
    for (size_t i = 0; i < msg->n_names; i++)
        fprintf(f, " %s%s", learn_name_text(msg, (uint32_t)i), msg->names[i].valid ? "" : "!");
    fprintf(f, "\nedges %zu:", msg->n_edges);
    for (size_t i = 0; i < msg->n_edges; i++)
        fprintf(f, " %u>%u", msg->edges[i].owner, msg->edges[i].target);
    fprintf(f, "\naddrs %zu:", msg->n_addrs);
    for (size_t i = 0; i < msg->n_addrs; i++) {
        char t[PFX_ADDR_TEXT_MAX];
        pfx_addr_format(&msg->addrs[i].addr, t);
        fprintf(f, " %u:%s", msg->addrs[i].owner, t);
    }
    fprintf(f, "\nrecords: %s\n", st->records != NULL ? st->records : "(none)");
    fclose(f);
    return buf;
}

static char *records_text(const learn_msg_t *msg, const learn_record_t *recs, long n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    for (long i = 0; i < n; i++) {
        char t[PFX_ADDR_TEXT_MAX];
        pfx_addr_format(&recs[i].addr, t);
        fprintf(f, "%s%s/%u %s", i > 0 ? ", " : "", learn_name_text(msg, recs[i].name),
                recs[i].how, t);
    }
    fclose(f);
    return buf;
}

static oom_outcome_t l_run(void *state, const void *arg)
{
    const lcase_t *lc = arg;
    lstate_t *st = state;
    errinfo_t err = {{0}};
    if (!lc->route) {
        int r = learn_parse_status(st->wire, st->len, &st->msg, &err);
        if (r == LEARN_PARSED) {
            st->parse_rc = 1;
            return OOM_OK;
        }
        /* LEARN_NOMEM, with a message; LEARN_MALFORMED would be wrong: the message is fine. */
        return r == LEARN_NOMEM && strstr(err.msg, "out of memory") != NULL ? OOM_FAILED
                                                                            : OOM_WRONG;
    }
    const learn_record_t *recs;
    long n = learn_route(&st->msg, st->m, &recs);
    if (n < 0)
        return n == -1 ? OOM_FAILED : OOM_WRONG;
    oom_disarm(); /* the test's own text, not the operation's */
    free(st->records);
    st->records = records_text(&st->msg, recs, n);
    return n > 0 ? OOM_OK : OOM_WRONG;
}

/* The next messages, on buffers that saw a failure: parse and route twice more. */
static void l_follow(void *state)
{
    lstate_t *st = state;
    errinfo_t err;
    for (int round = 0; round < 2; round++) {
        CU_ASSERT_FATAL(learn_parse(st->wire, st->len, &st->msg, &err));
        const learn_record_t *recs;
        long n = learn_route(&st->msg, st->m, &recs);
        CU_ASSERT(n > 0);
        free(st->records);
        st->records = records_text(&st->msg, recs, n);
    }
}

static void l_release(void *state)
{
    lstate_t *st = state;
    learn_msg_free(&st->msg);
    dn_matcher_free(st->m);
    free(st->wire);
    free(st->records);
    free(st);
}

static void test_parse(void)
{
    for (int kind = FRESH; kind <= WARMED_SMALL; kind++) {
        lcase_t lc = {kind, false};
        oom_case_t c = {kind == FRESH ? "learn_parse (fresh message)"
                                      : "learn_parse (small buffers)",
                        &lc, l_prepare, l_snapshot, l_run, l_follow, l_release, false};
        oom_sweep_both(&c);
    }
}

static void test_route(void)
{
    lcase_t lc = {PARSED, true};
    oom_case_t c = {"learn_route", &lc, l_prepare, l_snapshot, l_run, l_follow, l_release,
                    false};
    oom_sweep_both(&c);
}

/* A well-formed message is never called malformed for lack of memory; a malformed one still
 * is, when memory suffices to find out. */
static void test_nomem_is_not_malformed(void)
{
    size_t len;
    uint8_t *wire = rich_response(&len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    learn_msg_t msg;
    learn_msg_init(&msg);
    errinfo_t err = {{0}};
    oom_fail_from(0);
    int r = learn_parse_status(wire, len, &msg, &err);
    bool ok = learn_parse(wire, len, &msg, &err);
    oom_disarm();
    CU_ASSERT_EQUAL(r, LEARN_NOMEM);
    CU_ASSERT_FALSE(ok);
    CU_ASSERT_EQUAL(msg.n_names + msg.n_edges + msg.n_addrs, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "out of memory"));
    CU_ASSERT_EQUAL(learn_parse_status(wire, 5, &msg, &err), LEARN_MALFORMED);
    CU_ASSERT_EQUAL(learn_parse_status(wire, len, &msg, &err), LEARN_PARSED);
    free(wire);
    learn_msg_free(&msg);
}

/* learn.h: "buffers are kept, so the hot path does not allocate after warm-up": parsing and
 * routing a message again, or a smaller one, makes no allocation at all. */
static void test_warm_allocates_nothing(void)
{
    size_t len;
    uint8_t *wire = rich_response(&len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    size_t small_len;
    uint8_t *small = dns_response(&small_len, (const char *const[]){
                                                  "x.example.com. 60 IN CNAME n2.example.com.",
                                                  "n2.example.com. 60 IN A 192.0.2.7", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(small);
    dn_matcher_t *m = rich_matcher();
    learn_msg_t msg;
    learn_msg_init(&msg);
    errinfo_t err;
    const learn_record_t *recs;
    CU_ASSERT_FATAL(learn_parse(wire, len, &msg, &err));
    long first = learn_route(&msg, m, &recs);
    CU_ASSERT(first > 0);
    size_t memory = learn_msg_memory(&msg);
    oom_fail_from(0);
    bool parsed = learn_parse(wire, len, &msg, &err);
    long again = learn_route(&msg, m, &recs);
    bool parsed_small = learn_parse(small, small_len, &msg, &err);
    long routed_small = learn_route(&msg, m, &recs);
    bool allocated = oom_triggered();
    oom_disarm();
    CU_ASSERT_TRUE(parsed);
    CU_ASSERT_EQUAL(again, first);
    CU_ASSERT_TRUE(parsed_small);
    CU_ASSERT_EQUAL(routed_small, 2); /* 192.0.2.7 under n2.example.com and x.example.com */
    CU_ASSERT_FALSE(allocated);
    CU_ASSERT_EQUAL(learn_msg_memory(&msg), memory);
    learn_msg_free(&msg);
    dn_matcher_free(m);
    free(wire);
    free(small);
}

/* Routing a message never parsed needs its working memory first: -1 when that fails. */
static void test_route_unparsed(void)
{
    dn_matcher_t *m = rich_matcher();
    learn_msg_t msg;
    learn_msg_init(&msg);
    const learn_record_t *recs = NULL;
    oom_fail_after(0);
    long n = learn_route(&msg, m, &recs);
    oom_disarm();
    CU_ASSERT_EQUAL(n, -1);
    CU_ASSERT_EQUAL(learn_route(&msg, m, &recs), 0); /* nothing to route */
    learn_msg_free(&msg);
    dn_matcher_free(m);
}

void suite_oom_learn(void);
void suite_oom_learn(void)
{
    static CU_TestInfo tests[] = {
        {"OOM L1: parse reports LEARN_NOMEM, the message empty, and then parses as usual",
         test_parse},
        {"OOM L2 L3 L4: route reports -1, and then routes as usual", test_route},
        {"OOM L1: running out of memory is not a malformed message",
         test_nomem_is_not_malformed},
        {"OOM L1: parsing and routing again, or a smaller message, allocates nothing",
         test_warm_allocates_nothing},
        {"OOM L2: routing a never parsed message reports -1 when its memory fails",
         test_route_unparsed},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("oom_learn", tests);
}
