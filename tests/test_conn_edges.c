/* Edge cases of model/conn's contract that tests/test_conn.c leaves out: a negative TTL, changes
 * left out (NULL), a record walk stopped early, malformed imports, memory accounting, and the
 * hot path's promise not to allocate once warm (checked with tests/support_oom). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "support_dns.h"
#include "support_oom.h"
#include "testutil.h"

#define RRS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void configure(conn_t *c, const char *domain, const char *control)
{
    dn_domain_t d;
    pfx_t ctl;
    errinfo_t err;
    CU_ASSERT_FATAL(dn_domain_parse(domain, strlen(domain), &d, &err));
    size_t n_ctl = control != NULL;
    if (control != NULL)
        CU_ASSERT_FATAL(pfx_parse(control, strlen(control), false, &ctl, &err));
    conn_config_t cfg = {true, &d, 1, &ctl, n_ctl, NULL, 0};
    CU_ASSERT_FATAL(conn_apply_config(c, &cfg, 0, NULL) >= 0);
}

static int observe(conn_t *c, int64_t now, conn_change_t *ch, const char *const *rrs)
{
    size_t len;
    uint8_t *wire = dns_response(&len, rrs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    errinfo_t err;
    int rc = conn_observe_response(c, wire, len, now, ch, &err);
    free(wire);
    return rc;
}

static bool count_record(const char *name, const pfx_addr_t *addr, int64_t last, void *ctx)
{
    (void)name, (void)addr, (void)last;
    ++*(int *)ctx;
    return true;
}

static int records(const conn_t *c)
{
    int n = 0;
    conn_foreach_record(c, count_record, &n);
    return n;
}

static void test_negative_ttl_is_off(void)
{
    conn_settings_t s = {.store_routes = true, .learned_route_ttl = -5};
    conn_t *c = conn_new(&s);
    configure(c, "*.example.com", NULL);
    CU_ASSERT_EQUAL(observe(c, 10, NULL, RRS("a.example.com. 60 IN A 192.0.2.1")), 1);
    CU_ASSERT_EQUAL(conn_next_expiry(c), INT64_MAX);
    CU_ASSERT_EQUAL(conn_expire(c, INT64_MAX, NULL), 0);
    CU_ASSERT_EQUAL(records(c), 1);
    CU_ASSERT_EQUAL(pfxset_count(conn_advertised(c)), 1);
    conn_free(c);
}

static void test_changes_may_be_left_out(void)
{
    conn_change_clear(NULL); /* accepted */
    conn_settings_t s = {.store_routes = true, .learned_route_ttl = 100};
    conn_t *c = conn_new(&s);
    configure(c, "*.example.com", NULL);
    CU_ASSERT_EQUAL(observe(c, 10, NULL, RRS("a.example.com. 60 IN A 192.0.2.1")), 1);
    CU_ASSERT_EQUAL(observe(c, 50, NULL, RRS("b.example.com. 60 IN A 192.0.2.2")), 1);
    /* Expiry without a change record still removes, and reports that Adv changed. */
    CU_ASSERT_EQUAL(conn_expire(c, 110, NULL), 1);
    CU_ASSERT_EQUAL(records(c), 1);
    pfx_t host;
    errinfo_t err;
    CU_ASSERT_FATAL(pfx_parse("192.0.2.2/32", 12, false, &host, &err));
    CU_ASSERT_EQUAL(pfxset_count(conn_advertised(c)), 1);
    CU_ASSERT_TRUE(pfxset_contains(conn_advertised(c), &host, NULL));
    CU_ASSERT_EQUAL(conn_next_expiry(c), 150);
    conn_free(c);
}

typedef struct {
    int seen, stop_after;
    char text[256];
} stop_ctx_t;

static bool stop_early(const char *name, const pfx_addr_t *addr, int64_t last, void *ctx)
{
    (void)last;
    stop_ctx_t *s = ctx;
    char t[PFX_ADDR_TEXT_MAX];
    pfx_addr_format(addr, t);
    size_t at = strlen(s->text);
    snprintf(s->text + at, sizeof s->text - at, "%s%s=%s", at > 0 ? " " : "", name, t);
    return ++s->seen < s->stop_after;
}

/* C7: the walk is in (name, address) order and stops when the callback says so, also on the
 * path taken when memory runs out. */
static void test_foreach_stops_early(void)
{
    conn_t *c = conn_new(NULL);
    configure(c, "*.example.com", NULL);
    CU_ASSERT_EQUAL(observe(c, 1, NULL,
                            RRS("c.example.com. 60 IN A 192.0.2.3",
                                "a.example.com. 60 IN A 192.0.2.9",
                                "a.example.com. 60 IN A 192.0.2.1",
                                "b.example.com. 60 IN A 192.0.2.2")),
                    1);
    for (int oom = 0; oom <= 1; oom++) {
        stop_ctx_t s = {0, 2, ""};
        if (oom)
            oom_fail_from(0);
        conn_foreach_record(c, stop_early, &s);
        bool triggered = oom_triggered();
        oom_disarm();
        CU_ASSERT_EQUAL(triggered, oom == 1);
        CU_ASSERT_EQUAL(s.seen, 2);
        CU_ASSERT_STRING_EQUAL(s.text, "a.example.com=192.0.2.1 a.example.com=192.0.2.9");
    }
    conn_free(c);
}

/* Malformed state is rejected whole with a message, and nothing changes. */
static void test_import_rejects_malformed(void)
{
    conn_t *c = conn_new(NULL);
    configure(c, "*.example.com", NULL);
    CU_ASSERT_EQUAL(observe(c, 1, NULL, RRS("a.example.com. 60 IN A 192.0.2.1")), 1);
    char long_name[300];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    pfx_addr_t good = pfx_addr_v4(0xc6336401);
    pfx_addr_t bad_family = good, v4_low_bits = good;
    bad_family.family = 0;
    v4_low_bits.bits.lo = 1; /* past the 32 bits of an IPv4 address */
    struct {
        conn_state_record_t rec;
        pfx_t orphan;
        const char *why;
    } cases[] = {
        {{"", good, 1}, {{0, 0}, PFX_V4, 0}, "not a valid name"},
        {{long_name, good, 1}, {{0, 0}, PFX_V4, 0}, "not a valid name"},
        {{"b.example.com", bad_family, 1}, {{0, 0}, PFX_V4, 0}, "not a valid IPv4 or IPv6"},
        {{"b.example.com", v4_low_bits, 1}, {{0, 0}, PFX_V4, 0}, "not a valid IPv4 or IPv6"},
        {{"b.example.com", good, 1}, {{0, 0}, 0, 8}, "orphan 1 is not a valid prefix"},
        {{"b.example.com", good, 1}, {{0, 0}, PFX_V4, 33}, "orphan 1 is not a valid prefix"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        conn_state_t st = {&cases[i].rec, 1, &cases[i].orphan, 1, NULL};
        conn_change_t ch = {0};
        errinfo_t err = {{0}};
        CU_ASSERT_EQUAL(conn_import(c, &st, 2, &ch, &err), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cases[i].why));
        CU_ASSERT_EQUAL(ch.n_add + ch.n_remove, 0);
        conn_change_clear(&ch);
    }
    CU_ASSERT_EQUAL(records(c), 1);
    CU_ASSERT_EQUAL(pfxset_count(conn_advertised(c)), 1);
    conn_free(c);
}

/* learn.h: "the hot path does not allocate after warm-up". A response whose every record is
 * known costs no allocation at all; conn_memory grows with what is learned and only then. */
static void test_hot_path_allocates_nothing(void)
{
    conn_settings_t s = {.store_routes = true, .learned_route_ttl = 1000};
    conn_t *c = conn_new(&s);
    configure(c, "*.example.com", NULL);
    size_t empty = conn_memory(c);
    static char text[64][64];
    const char *rrs[65];
    for (int i = 0; i < 64; i++) {
        snprintf(text[i], sizeof text[i], "n%d.example.com. 60 IN A 198.51.100.%d", i, i + 1);
        rrs[i] = text[i];
    }
    rrs[64] = NULL;
    size_t len;
    uint8_t *wire = dns_response(&len, rrs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wire);
    conn_change_t ch = {0};
    errinfo_t err;
    CU_ASSERT_EQUAL(conn_observe_response(c, wire, len, 1, &ch, &err), 1);
    size_t learned = conn_memory(c);
    CU_ASSERT(learned > empty + 64 * sizeof(pfx_addr_t));
    oom_fail_from(0);
    int rc = conn_observe_response(c, wire, len, 2, &ch, &err);
    bool allocated = oom_triggered();
    oom_disarm();
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_FALSE(allocated);
    CU_ASSERT_EQUAL(conn_memory(c), learned);
    CU_ASSERT_EQUAL(conn_next_expiry(c), 2 + 1000); /* n0 .. n63 were all routed again (L5) */
    free(wire);
    conn_change_clear(&ch);
    conn_free(c);
}

void suite_conn_edges(void);
void suite_conn_edges(void)
{
    static CU_TestInfo tests[] = {
        {"L5 a negative TTL means no expiry", test_negative_ttl_is_off},
        {"L5 C4 the change may be left out (NULL)", test_changes_may_be_left_out},
        {"C7 foreach_record stops when the callback says so, also out of memory",
         test_foreach_stops_early},
        {"N1 L4 C6 import rejects empty and long names, bad addresses, bad orphans",
         test_import_rejects_malformed},
        {"L1 L5 the hot path allocates nothing once warm; memory grows with learning",
         test_hot_path_allocates_nothing},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("conn_edges", tests);
}
