/* bench_world: a large generated world run for one simulated hour.
 *
 * 10,000 clients, 50 connectors in 5 regions (pairs in neighbouring regions share a tag), 100
 * apps of 2 domains each (d and *.d: 200 app domains) whose zones hold a CNAME into a CDN zone
 * and a DNS wildcard, 1,000,000 DNS queries (60 % app names, the rest elsewhere) and 1,000,000
 * flows (to app addresses, learned or not yet, and to the internet), spread over the hour.
 * Timeline events are added a minute ahead of the clock, as a scenario loader streaming a
 * long timeline would. The trace is hashed, not kept. Prints
 *   bench large_world_seconds V s
 *   bench large_world_peak_rss_mib V MiB
 *   bench large_world_events_per_s V events/s
 * and, on standard error, the run's fingerprint and counts. The wall clock is read here only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <ldns/ldns.h>

#include "rng.h"
#include "world.h"

#define N_REGIONS 5
#define N_CONNECTORS 50
#define N_CLIENTS 10000
#define N_APPS 100
#define N_QUERIES 1000000
#define N_FLOWS 1000000
#define HOUR (3600 * SIMTIME_S)

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const errinfo_t *e)
{
    fprintf(stderr, "bench_world: %s: %s\n", what, e ? e->msg : "failed");
    exit(1);
}

static pfx_addr_t v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return pfx_addr_v4((uint32_t)(a << 24 | b << 16 | c << 8 | d));
}

static void add_zone(dns_db_t *db, const char *origin, char **rrs, size_t n)
{
    errinfo_t e;
    if (dns_db_add_records(db, origin, NULL, (const char *const *)rrs, n, &e) < 0)
        die("zone", &e);
    for (size_t i = 0; i < n; i++)
        free(rrs[i]);
}

static char *fmt(const char *f, unsigned a, unsigned b)
{
    char *s = malloc(160);
    if (!s)
        die("out of memory", NULL);
    snprintf(s, 160, f, a, b);
    return s;
}

static dns_db_t *make_db(void)
{
    dns_db_t *db = dns_db_new();
    if (!db)
        die("out of memory", NULL);
    char *rrs[8];
    char origin[64];
    for (unsigned k = 0; k < N_APPS; k++) {
        snprintf(origin, sizeof origin, "app%u.com", k);
        size_t n = 0;
        rrs[n++] = fmt("app%u.com. 300 IN SOA ns. h. 1 2 3 4 5", k, 0);
        rrs[n++] = fmt("app%u.com. 300 IN A 172.16.%u.1", k, k);
        rrs[n++] = fmt("www.app%u.com. 300 IN CNAME edge%u.cdn.net.", k, k);
        rrs[n++] = fmt("api.app%u.com. 300 IN A 172.19.%u.1", k, k);
        rrs[n++] = fmt("api.app%u.com. 300 IN A 172.19.%u.2", k, k);
        rrs[n++] = fmt("*.app%u.com. 60 IN A 172.18.%u.1", k, k);
        add_zone(db, origin, rrs, n);
    }
    char **cdn = malloc((N_APPS + 1) * sizeof *cdn);
    cdn[0] = fmt("cdn.net. 300 IN SOA ns. h. 1 2 3 4 5", 0, 0);
    for (unsigned k = 0; k < N_APPS; k++)
        cdn[k + 1] = fmt("edge%u.cdn.net. 300 IN A 172.17.%u.1", k, k);
    add_zone(db, "cdn.net", cdn, N_APPS + 1);
    free(cdn);
    rrs[0] = fmt("example.org. 300 IN SOA ns. h. 1 2 3 4 5", 0, 0);
    rrs[1] = fmt("*.example.org. 300 IN A 192.0.2.%u", 80, 0);
    add_zone(db, "example.org", rrs, 2);
    return db;
}

static void make_policy(world_t *w)
{
    static world_app_t apps[N_APPS];
    static dn_domain_t doms[N_APPS][2];
    static char conn[N_APPS][32], name[N_APPS][32];
    static const char *conns[N_APPS][1];
    static const char *star[1] = {"*"};
    errinfo_t e;
    for (unsigned k = 0; k < N_APPS; k++) {
        char d[64];
        snprintf(d, sizeof d, "app%u.com", k);
        if (!dn_domain_parse(d, strlen(d), &doms[k][0], &e))
            die("domain", &e);
        snprintf(d, sizeof d, "*.app%u.com", k);
        if (!dn_domain_parse(d, strlen(d), &doms[k][1], &e))
            die("domain", &e);
        snprintf(conn[k], sizeof conn[k], "tag:pair%u", k % (N_CONNECTORS / 2));
        snprintf(name[k], sizeof name[k], "app%u", k);
        conns[k][0] = conn[k];
        apps[k].app = (app_t){name[k], conns[k], 1, doms[k], 2, NULL, 0};
        apps[k].targets = star;
        apps[k].n_targets = 1;
    }
    static const char *approvers[1] = {"tag:connector"};
    static ctrl_approver_t rules[1];
    rules[0].prefix = pfx_make(&(pfx_addr_t){v4(172, 16, 0, 0).bits, PFX_V4}, 12);
    rules[0].approvers = approvers;
    rules[0].n = 1;
    world_policy_t p = {apps, N_APPS, {rules, 1, NULL, 0}};
    if (world_add_policy(w, &p, &e) == WORLD_NONE)
        die("policy", &e);
}

static void make_nodes(world_t *w, rng_t *r)
{
    errinfo_t e;
    char name[32], tag[32];
    for (unsigned i = 0; i < N_CONNECTORS; i++) {
        snprintf(name, sizeof name, "conn%u", i);
        snprintf(tag, sizeof tag, "tag:pair%u", i / 2);
        const char *tags[2] = {tag, "tag:connector"};
        world_latency_t lat[1] = {{i % N_REGIONS, 2 * SIMTIME_MS}};
        world_node_t n = world_node_default(1 + i, name);
        n.tags = tags;
        n.n_tags = 2;
        n.latency = lat;
        n.n_latency = 1;
        n.advertise_connector = true;
        n.created = (sim_time_t)i * SIMTIME_S;
        n.has_egress4 = true;
        n.egress4 = v4(203, 0, 113, 1 + i);
        if (world_add_node(w, &n, &e) == WORLD_NONE)
            die("connector", &e);
    }
    for (unsigned i = 0; i < N_CLIENTS; i++) {
        snprintf(name, sizeof name, "client%u", i);
        world_latency_t lat[2] = {
            {i % N_REGIONS, (sim_time_t)(10 + rng_below(r, 60)) * SIMTIME_MS},
            {(i + 1) % N_REGIONS, (sim_time_t)(80 + rng_below(r, 120)) * SIMTIME_MS}};
        world_node_t n = world_node_default(100000 + i, name);
        n.latency = lat;
        n.n_latency = 2;
        n.has_egress4 = true;
        n.egress4 = v4(100 + i / 65536 % 100, i / 256 % 256, i % 256, 7);
        n.cache = i % 10 == 0;
        if (world_add_node(w, &n, &e) == WORLD_NONE)
            die("client", &e);
    }
}

/* One minute of the timeline: queries and flows at random instants inside it. */
static void schedule_minute(world_t *w, rng_t *r, sim_time_t from, size_t nq, size_t nf)
{
    errinfo_t e;
    char name[64];
    for (size_t i = 0; i < nq; i++) {
        sim_time_t at = from + (sim_time_t)rng_below(r, 60 * SIMTIME_S);
        size_t client = N_CONNECTORS + rng_below(r, N_CLIENTS);
        unsigned k = (unsigned)rng_below(r, N_APPS), pick = (unsigned)rng_below(r, 10);
        if (pick < 2)
            snprintf(name, sizeof name, "app%u.com", k);
        else if (pick < 3)
            snprintf(name, sizeof name, "www.app%u.com", k);
        else if (pick < 4)
            snprintf(name, sizeof name, "api.app%u.com", k);
        else if (pick < 6)
            snprintf(name, sizeof name, "h%u.app%u.com", (unsigned)rng_below(r, 1000), k);
        else
            snprintf(name, sizeof name, "site%u.example.org", (unsigned)rng_below(r, 5000));
        if (world_ev_query(w, at, client, name, LDNS_RR_TYPE_A, NULL, &e) == WORLD_NONE)
            die("query", &e);
    }
    for (size_t i = 0; i < nf; i++) {
        sim_time_t at = from + (sim_time_t)rng_below(r, 60 * SIMTIME_S);
        size_t client = N_CONNECTORS + rng_below(r, N_CLIENTS);
        unsigned k = (unsigned)rng_below(r, N_APPS), pick = (unsigned)rng_below(r, 5);
        pfx_addr_t to = pick == 0   ? v4(172, 16, k, 1)
                        : pick == 1 ? v4(172, 17, k, 1)
                        : pick == 2 ? v4(172, 19, k, 1 + (unsigned)rng_below(r, 2))
                        : pick == 3 ? v4(172, 18, k, 1)
                                    : v4(8, 8, (unsigned)rng_below(r, 256), 8);
        if (world_ev_flow_addr(w, at, client, &to, NULL, &e) == WORLD_NONE)
            die("flow", &e);
    }
}

int main(int argc, char **argv)
{
    /* An optional argument scales the number of queries and flows (for profiling). */
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    if (!(scale > 0 && scale <= 10))
        scale = 1.0;
    double t0 = seconds();
    errinfo_t e;
    engine_limits_t lim = {.max_events = 200000000ULL, .max_time = 2 * HOUR};
    world_t *w = world_new(NULL, 2024, &lim, &e);
    if (!w)
        die("world", &e);
    trace_set_keep(world_trace(w), false);
    /* BENCH_WORLD_TRACE=path streams the trace there (for looking into a run). */
    FILE *stream = getenv("BENCH_WORLD_TRACE") ? fopen(getenv("BENCH_WORLD_TRACE"), "w") : NULL;
    if (stream)
        trace_set_stream(world_trace(w), stream);
    for (unsigned r = 0; r < N_REGIONS; r++) {
        char name[16];
        snprintf(name, sizeof name, "region%u", r);
        if (world_add_region(w, name, &e) == WORLD_NONE)
            die("region", &e);
    }
    rng_t r;
    rng_init(&r, 2024, 0);
    make_nodes(w, &r);
    make_policy(w);
    world_set_dns(w, make_db());
    if (world_start(w, &e) < 0)
        die("start", &e);
    double t_built = seconds();
    const int minutes = 60;
    for (int m = 0; m < minutes; m++) {
        size_t nq = (size_t)(N_QUERIES * scale) / minutes;
        size_t nf = (size_t)(N_FLOWS * scale) / minutes;
        nq += (size_t)m < (size_t)(N_QUERIES * scale) % minutes;
        nf += (size_t)m < (size_t)(N_FLOWS * scale) % minutes;
        schedule_minute(w, &r, (sim_time_t)m * 60 * SIMTIME_S, nq, nf);
        if (world_run_until(w, (sim_time_t)(m + 1) * 60 * SIMTIME_S, &e) < 0)
            die("run", &e);
    }
    if (world_run(w, &e) < 0)
        die("run", &e);
    double t1 = seconds();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    uint64_t events = world_events_run(w);
    char fp[17];
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    fprintf(stderr,
            "bench_world: %.2f s of CPU; built in %.2f s, ran %llu events to t=%.1f s, %zu trace "
            "records, fingerprint %s\n",
            cpu, t_built - t0, (unsigned long long)events, (double)world_now(w) / 1e9,
            trace_count(world_trace(w)), trace_fingerprint(world_trace(w), fp));
    printf("bench large_world_seconds %.2f s\n", t1 - t0);
    printf("bench large_world_peak_rss_mib %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    printf("bench large_world_events_per_s %.0f events/s\n", (double)events / (t1 - t0));
    world_free(w);
    if (stream)
        fclose(stream);
    return 0;
}
