/* bench_dns: dns_resolve on a repeated mix of query names, as the large world asks them (every
 * client query resolved once per connector of its app, so the same question comes again and
 * again).
 *
 * Setup: three zones. app.example: 60 names with A records (two each), 40 aliases whose CNAME
 * chains (one to three links) end in cdn.example, and a wildcard *.w.app.example with A and
 * AAAA; a region view "eu" of app.example gives other addresses. cdn.example: the chain
 * targets, each with A and AAAA records, and its own wildcard. A script (D5) answers one name.
 * The mix (200 questions): 60 direct A, 40 aliases (A), 40 wildcard matches (A and AAAA),
 * 20 NXDOMAIN, 20 NODATA (TXT), 20 questions at cdn.example; each asked from no region and from
 * "eu" in turn, with a new id every time.
 *
 * Prints:
 *   bench dns_resolve_per_s VALUE queries/s       the mix repeated, memo on (all hits after
 *                                                 the first round)
 *   bench dns_resolve_miss_per_s VALUE queries/s  memo on but bounded to 1 entry, so that every
 *                                                 query misses, resolves and is stored
 *   bench dns_resolve_nomemo_per_s VALUE queries/s memo off: plain resolution
 * Rates are per second of CPU time. The benchmark alone reads a clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns_db.h"
#include "dns_memo.h"
#include "dns_resolve.h"

#define N_MIX 200
#define NAME_MAX_TEXT 64

/* CPU time of this process: the machine may be shared, and waiting is not the resolver's cost. */
static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_dns: %s: %s\n", what, detail);
    exit(1);
}

static void add(dns_db_t *db, const char *origin, const char *view, const char *text)
{
    errinfo_t err = {{0}};
    const char *rrs[] = {text};
    if (dns_db_add_records(db, origin, view, rrs, 1, &err) != 0)
        die(text, err.msg);
}

static dns_db_t *bench_db(void)
{
    dns_db_t *db = dns_db_new();
    if (db == NULL)
        die("dns_db_new", "out of memory");
    char rr[256];
    add(db, "app.example", NULL, "@ 3600 IN SOA ns hostmaster 1 3600 600 86400 300");
    add(db, "app.example", "eu", "@ 3600 IN SOA ns hostmaster 1 3600 600 86400 300");
    add(db, "cdn.example", NULL, "@ 3600 IN SOA ns hostmaster 1 3600 600 86400 60");
    for (int i = 0; i < 60; i++) {
        for (int k = 0; k < 2; k++) {
            snprintf(rr, sizeof rr, "host%d 300 IN A 192.0.%d.%d", i, k, i + 1);
            add(db, "app.example", NULL, rr);
            snprintf(rr, sizeof rr, "host%d 300 IN A 198.51.%d.%d", i, k, i + 1);
            add(db, "app.example", "eu", rr);
        }
    }
    for (int i = 0; i < 40; i++) {
        int links = 1 + i % 3;
        for (int l = 0; l < links; l++) {
            const char *next_zone = l + 1 < links ? "app.example." : "cdn.example.";
            snprintf(rr, sizeof rr, "%s%d 300 IN CNAME %s%d.%s", l == 0 ? "alias" : "hop", i * 3 + l,
                     l + 1 < links ? "hop" : "edge", i * 3 + l + 1, next_zone);
            add(db, "app.example", NULL, rr);
            add(db, "app.example", "eu", rr);
        }
        for (int k = 0; k < 3; k++) {
            snprintf(rr, sizeof rr, "edge%d 60 IN A 203.0.113.%d", i * 3 + links, k + 1);
            add(db, "cdn.example", NULL, rr);
        }
        snprintf(rr, sizeof rr, "edge%d 60 IN AAAA 2001:db8::%x", i * 3 + links, i + 1);
        add(db, "cdn.example", NULL, rr);
    }
    add(db, "app.example", NULL, "*.w 300 IN A 192.0.2.200");
    add(db, "app.example", NULL, "*.w 300 IN AAAA 2001:db8::200");
    add(db, "app.example", "eu", "*.w 300 IN CNAME any.cdn.example.");
    add(db, "cdn.example", NULL, "*.cdn.example. 60 IN A 203.0.113.250");
    add(db, "cdn.example", NULL, "*.cdn.example. 60 IN AAAA 2001:db8::250");
    const char *script_rrs[] = {"scripted.app.example. 30 IN A 192.0.2.99"};
    dns_script_t s = {script_rrs, 1, 0, NULL};
    errinfo_t err = {{0}};
    if (dns_db_script(db, "scripted.app.example", LDNS_RR_TYPE_A, &s, &err) != 0)
        die("script", err.msg);
    return db;
}

typedef struct {
    char name[NAME_MAX_TEXT];
    uint16_t type;
} question_t;

static void bench_mix(question_t *q)
{
    size_t n = 0;
    for (int i = 0; i < 60; i++, n++)
        snprintf(q[n].name, NAME_MAX_TEXT, "host%d.app.example", i), q[n].type = LDNS_RR_TYPE_A;
    for (int i = 0; i < 40; i++, n++)
        snprintf(q[n].name, NAME_MAX_TEXT, "alias%d.app.example", i * 3), q[n].type = LDNS_RR_TYPE_A;
    for (int i = 0; i < 40; i++, n++)
        snprintf(q[n].name, NAME_MAX_TEXT, "x%d.w.app.example", i),
            q[n].type = i % 2 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
    for (int i = 0; i < 20; i++, n++)
        snprintf(q[n].name, NAME_MAX_TEXT, "missing%d.app.example", i), q[n].type = LDNS_RR_TYPE_A;
    for (int i = 0; i < 20; i++, n++)
        snprintf(q[n].name, NAME_MAX_TEXT, "host%d.app.example", i), q[n].type = LDNS_RR_TYPE_TXT;
    for (int i = 0; i < 19; i++, n++)
        snprintf(q[n].name, NAME_MAX_TEXT, "edge%d.cdn.example", i), q[n].type = LDNS_RR_TYPE_AAAA;
    snprintf(q[n].name, NAME_MAX_TEXT, "scripted.app.example"), q[n++].type = LDNS_RR_TYPE_A;
    if (n != N_MIX)
        die("mix", "wrong size");
}

/* Resolves the mix round after round for about `seconds`; returns queries per second. */
static double run(const dns_db_t *db, const question_t *q, double seconds)
{
    static const char *const regions[] = {NULL, "eu"};
    size_t done = 0;
    uint64_t check = 0;
    double t0 = seconds_now(), t = t0;
    while (t - t0 < seconds) {
        for (size_t round = 0; round < 10; round++)
            for (size_t i = 0; i < N_MIX; i++, done++) {
                dns_answer_t a;
                errinfo_t err = {{0}};
                if (dns_resolve(db, q[i].name, q[i].type, (uint16_t)done, regions[round % 2], &a,
                                &err) != 0)
                    die(q[i].name, err.msg);
                check += a.len;
                dns_answer_clear(&a);
            }
        t = seconds_now();
    }
    if (check == 0)
        die("run", "no bytes answered");
    return (double)done / (t - t0);
}

int main(void)
{
    question_t q[N_MIX];
    bench_mix(q);
    dns_db_t *db = bench_db();
    dns_memo_t *memo = dns_db_memo(db);
    if (memo == NULL)
        die("dns_db_memo", "no memo");

    run(db, q, 0.05); /* warm: fills the memo */
    printf("bench dns_resolve_per_s %.0f queries/s\n", run(db, q, 0.8));

    dns_memo_set_limits(memo, 1, DNS_MEMO_DEFAULT_MAX_BYTES);
    printf("bench dns_resolve_miss_per_s %.0f queries/s\n", run(db, q, 0.8));

    dns_memo_set_limits(memo, 0, 0);
    printf("bench dns_resolve_nomemo_per_s %.0f queries/s\n", run(db, q, 0.8));

    dns_memo_stats_t st = dns_memo_stats(memo);
    fprintf(stderr, "bench_dns: memo hits %llu misses %llu evictions %llu\n",
            (unsigned long long)st.hits, (unsigned long long)st.misses,
            (unsigned long long)st.evictions);
    dns_db_free(db);
    return 0;
}
