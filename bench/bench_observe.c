/* bench_observe: the connector's hot path (conn_observe_response) and its memory per learned
 * address.
 *
 * Setup: a connector with 1,000 exact names (www.appN.example.com) and 100 wildcards
 * (*.wN.example.net). A typical answer: question www.app7.example.com A, answer
 * www.app7.example.com CNAME edge.cdn.example.org and four A records for edge.cdn.example.org.
 * It is observed again and again (every address already known after the first) for about one
 * second; then 100,000 distinct addresses are learned, four per response, under exact and
 * wildcard-matched names, and conn_memory() is divided by that count.
 *
 * Prints `bench observe_responses_per_s VALUE responses/s` and
 * `bench bytes_per_learned_address VALUE bytes`. The benchmark alone reads a clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "conn.h"

#define N_NAMES 1000
#define N_WILDCARDS 100
#define N_LEARN 100000
#define PER_RESPONSE 4

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_observe: %s\n", what);
    exit(1);
}

static void push_rr(ldns_pkt *pkt, ldns_pkt_section section, const char *text)
{
    ldns_rr *rr = NULL;
    ldns_status st = section == LDNS_SECTION_QUESTION
                         ? ldns_rr_new_question_frm_str(&rr, text, NULL, NULL)
                         : ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL);
    if (st != LDNS_STATUS_OK)
        die(text);
    ldns_pkt_push_rr(pkt, section, rr);
}

/* A response in wire form: question qname A, then the answer records given as text. */
static uint8_t *response_wire(const char *qname, const char *const *answers, size_t n,
                              size_t *len)
{
    ldns_pkt *pkt = ldns_pkt_new();
    if (pkt == NULL)
        die("out of memory");
    ldns_pkt_set_qr(pkt, true);
    ldns_pkt_set_rd(pkt, true);
    ldns_pkt_set_ra(pkt, true);
    char q[300];
    snprintf(q, sizeof q, "%s. IN A", qname);
    push_rr(pkt, LDNS_SECTION_QUESTION, q);
    for (size_t i = 0; i < n; i++)
        push_rr(pkt, LDNS_SECTION_ANSWER, answers[i]);
    uint8_t *wire = NULL;
    if (ldns_pkt2wire(&wire, pkt, len) != LDNS_STATUS_OK)
        die("cannot build a response");
    ldns_pkt_free(pkt);
    return wire;
}

static conn_t *connector_new(void)
{
    conn_settings_t st = {.store_routes = true, .learned_route_ttl = 0};
    conn_t *c = conn_new(&st);
    dn_domain_t *doms = calloc(N_NAMES + N_WILDCARDS, sizeof *doms);
    if (c == NULL || doms == NULL)
        die("out of memory");
    for (size_t i = 0; i < N_NAMES + N_WILDCARDS; i++) {
        char text[64];
        if (i < N_NAMES)
            snprintf(text, sizeof text, "www.app%zu.example.com", i);
        else
            snprintf(text, sizeof text, "*.w%zu.example.net", i - N_NAMES);
        errinfo_t err;
        if (!dn_domain_parse(text, strlen(text), &doms[i], &err))
            die(err.msg);
    }
    conn_config_t cfg = {.connector = true, .domains = doms, .n_domains = N_NAMES + N_WILDCARDS};
    conn_change_t ch = {0};
    if (conn_apply_config(c, &cfg, 0, &ch) < 0)
        die("cannot apply the configuration");
    conn_change_clear(&ch);
    free(doms);
    return c;
}

static double bench_repeated(void)
{
    conn_t *c = connector_new();
    const char *answers[] = {
        "www.app7.example.com. 300 IN CNAME edge.cdn.example.org.",
        "edge.cdn.example.org. 60 IN A 203.0.113.10",
        "edge.cdn.example.org. 60 IN A 203.0.113.11",
        "edge.cdn.example.org. 60 IN A 203.0.113.12",
        "edge.cdn.example.org. 60 IN A 203.0.113.13",
    };
    size_t len;
    uint8_t *wire = response_wire("www.app7.example.com", answers, 5, &len);
    conn_change_t ch = {0};
    errinfo_t err;
    if (conn_observe_response(c, wire, len, 1, &ch, &err) != 1 || ch.n_add != 4)
        die("the first observation did not learn four routes");
    int64_t now = 2;
    long long count = 0;
    double start = seconds_now(), elapsed = 0;
    do {
        for (int i = 0; i < 4096; i++) {
            if (conn_observe_response(c, wire, len, now++, &ch, &err) != 0)
                die("a repeated observation changed the advertised set");
        }
        count += 4096;
        elapsed = seconds_now() - start;
    } while (elapsed < 1.0);
    conn_change_clear(&ch);
    free(wire);
    conn_free(c);
    return (double)count / elapsed;
}

static double bench_memory(void)
{
    conn_t *c = connector_new();
    conn_change_t ch = {0};
    errinfo_t err;
    size_t learned = 0;
    for (size_t r = 0; learned < N_LEARN; r++) {
        /* Alternate exact names and names under the wildcards. */
        char owner[80];
        if (r % 2 == 0)
            snprintf(owner, sizeof owner, "www.app%zu.example.com", (r / 2) % N_NAMES);
        else
            snprintf(owner, sizeof owner, "h%zu.w%zu.example.net", (r / 2) % 50,
                     (r / 2) % N_WILDCARDS);
        char rr[PER_RESPONSE][128];
        const char *answers[PER_RESPONSE];
        for (size_t k = 0; k < PER_RESPONSE; k++) {
            size_t i = learned + k + 1; /* 10.0.0.1 onwards: never disallowed (L4) */
            snprintf(rr[k], sizeof rr[k], "%s. 60 IN A 10.%zu.%zu.%zu", owner, (i >> 16) & 255,
                     (i >> 8) & 255, i & 255);
            answers[k] = rr[k];
        }
        size_t len;
        uint8_t *wire = response_wire(owner, answers, PER_RESPONSE, &len);
        if (conn_observe_response(c, wire, len, (int64_t)r, &ch, &err) != 1 ||
            ch.n_add != PER_RESPONSE)
            die("a learning response did not add its four routes");
        free(wire);
        learned += PER_RESPONSE;
    }
    if (pfxset_count(conn_advertised(c)) != learned)
        die("the advertised set does not hold every learned address");
    size_t bytes = conn_memory(c);
    size_t adv_bytes = pfxset_memory(conn_advertised(c));
    fprintf(stderr,
            "bench_observe: %zu addresses learned, conn_memory %zu bytes (advertised set %zu, "
            "the rest %zu)\n",
            learned, bytes, adv_bytes, bytes - adv_bytes);
    conn_change_clear(&ch);
    conn_free(c);
    return (double)bytes / (double)learned;
}

int main(void)
{
    double rate = bench_repeated();
    printf("bench observe_responses_per_s %.0f responses/s\n", rate);
    double per = bench_memory();
    printf("bench bytes_per_learned_address %.1f bytes\n", per);
    return 0;
}
