/* Helpers for the dns_* tests: answers are parsed back from their wire bytes with
 * ldns_wire2pkt and their sections rendered as short text, so that tests compare what a client
 * would really receive. */
#ifndef APPCSIM_DNS_TESTUTIL_H
#define APPCSIM_DNS_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns_cache.h"
#include "dns_db.h"
#include "dns_resolve.h"
#include "testutil.h"

#define DT_TEXT_MAX 4096

/* A parsed answer: rcode name, sections as "owner TYPE rdata" joined by " | ". */
typedef struct {
    int ok; /* 1 when the wire parsed */
    char rcode[32];
    char answer[DT_TEXT_MAX];
    char authority[DT_TEXT_MAX];
    char question[256];
    unsigned qdcount, ancount, nscount, arcount;
    uint16_t id;
    int qr, aa, rd, ra, tc;
    uint32_t ttl[64]; /* TTLs of the first answer records */
    uint32_t auth_ttl;
} dt_msg_t;

static inline void dt_append(char *buf, size_t cap, const char *s)
{
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "%s", s);
}

static inline void dt_rr_text(const ldns_rr *rr, char *buf, size_t cap)
{
    buf[0] = '\0';
    char *o = ldns_rdf2str(ldns_rr_owner(rr));
    char *t = ldns_rr_type2str(ldns_rr_get_type(rr));
    dt_append(buf, cap, o ? o : "?");
    dt_append(buf, cap, " ");
    dt_append(buf, cap, t ? t : "?");
    free(o);
    free(t);
    for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
        char *d = ldns_rdf2str(ldns_rr_rdf(rr, i));
        dt_append(buf, cap, " ");
        dt_append(buf, cap, d ? d : "?");
        free(d);
    }
}

static inline void dt_list_text(const ldns_rr_list *l, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++) {
        char one[1024];
        dt_rr_text(ldns_rr_list_rr(l, i), one, sizeof one);
        if (i > 0)
            dt_append(buf, cap, " | ");
        dt_append(buf, cap, one);
    }
}

static inline void dt_parse(const uint8_t *wire, size_t len, dt_msg_t *m)
{
    memset(m, 0, sizeof *m);
    ldns_pkt *p = NULL;
    if (ldns_wire2pkt(&p, wire, len) != LDNS_STATUS_OK)
        return;
    m->ok = 1;
    ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, ldns_pkt_get_rcode(p));
    snprintf(m->rcode, sizeof m->rcode, "%s", lt ? lt->name : "?");
    dt_list_text(ldns_pkt_answer(p), m->answer, sizeof m->answer);
    dt_list_text(ldns_pkt_authority(p), m->authority, sizeof m->authority);
    ldns_rr_list *q = ldns_pkt_question(p);
    if (q != NULL && ldns_rr_list_rr_count(q) > 0)
        dt_rr_text(ldns_rr_list_rr(q, 0), m->question, sizeof m->question);
    m->qdcount = ldns_pkt_qdcount(p);
    m->ancount = ldns_pkt_ancount(p);
    m->nscount = ldns_pkt_nscount(p);
    m->arcount = ldns_pkt_arcount(p);
    m->id = ldns_pkt_id(p);
    m->qr = ldns_pkt_qr(p);
    m->aa = ldns_pkt_aa(p);
    m->rd = ldns_pkt_rd(p);
    m->ra = ldns_pkt_ra(p);
    m->tc = ldns_pkt_tc(p);
    for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(p)) && i < 64; i++)
        m->ttl[i] = ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(p), i));
    if (ldns_pkt_nscount(p) > 0)
        m->auth_ttl = ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_authority(p), 0));
    ldns_pkt_free(p);
}

/* Resolves and parses; the test fails when resolution or parsing fails. */
static inline void dt_query(const dns_db_t *db, const char *qname, uint16_t qtype,
                            const char *region, dt_msg_t *m)
{
    dns_answer_t a;
    errinfo_t err = {{0}};
    memset(m, 0, sizeof *m);
    int rc = dns_resolve(db, qname, qtype, 4242, region, &a, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "dns_resolve(%s): %s\n", qname, err.msg);
        return;
    }
    dt_parse(a.wire, a.len, m);
    CU_ASSERT_TRUE(m->ok);
    dns_answer_clear(&a);
}

/* Builds a db from inline records of one zone; the test fails if loading fails. */
static inline dns_db_t *dt_db(const char *origin, const char *const *rrs, size_t n)
{
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    int rc = dns_db_add_records(db, origin, NULL, rrs, n, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "dt_db: %s\n", err.msg);
    return db;
}

#define DT_N(a) (sizeof(a) / sizeof((a)[0]))

#endif
