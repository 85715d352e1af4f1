/* Test support: DNS responses as wire bytes, through ldns or byte by byte. */
#include "support_dns.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

static bool push_section(ldns_pkt *pkt, ldns_pkt_section section, const char *const *rrs)
{
    for (size_t i = 0; rrs != NULL && rrs[i] != NULL; i++) {
        ldns_rr *rr = NULL;
        ldns_status st = ldns_rr_new_frm_str(&rr, rrs[i], 0, NULL, NULL);
        if (st != LDNS_STATUS_OK) {
            fprintf(stderr, "support_dns: bad record '%s': %s\n", rrs[i],
                    ldns_get_errorstr_by_id(st));
            return false;
        }
        ldns_pkt_push_rr(pkt, section, rr);
    }
    return true;
}

uint8_t *dns_response_full(size_t *len, const char *qname, uint8_t rcode,
                           const char *const *answer, const char *const *authority,
                           const char *const *additional)
{
    ldns_pkt *pkt = ldns_pkt_new();
    if (pkt == NULL)
        abort();
    ldns_pkt_set_id(pkt, 0x1234);
    ldns_pkt_set_qr(pkt, true);
    ldns_pkt_set_rd(pkt, true);
    ldns_pkt_set_ra(pkt, true);
    ldns_pkt_set_rcode(pkt, rcode);
    uint8_t *wire = NULL;
    bool ok = true;
    if (qname != NULL) {
        ldns_rdf *name = ldns_dname_new_frm_str(qname);
        ldns_rr *q = ldns_rr_new();
        if (name == NULL || q == NULL) {
            fprintf(stderr, "support_dns: bad question name '%s'\n", qname);
            ldns_rdf_deep_free(name);
            ldns_rr_free(q);
            ok = false;
        } else {
            ldns_rr_set_owner(q, name);
            ldns_rr_set_type(q, LDNS_RR_TYPE_A);
            ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
            ldns_rr_set_question(q, true);
            ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q);
        }
    }
    ok = ok && push_section(pkt, LDNS_SECTION_ANSWER, answer) &&
         push_section(pkt, LDNS_SECTION_AUTHORITY, authority) &&
         push_section(pkt, LDNS_SECTION_ADDITIONAL, additional);
    if (ok) {
        ldns_status st = ldns_pkt2wire(&wire, pkt, len);
        if (st != LDNS_STATUS_OK) {
            fprintf(stderr, "support_dns: cannot write the packet: %s\n",
                    ldns_get_errorstr_by_id(st));
            free(wire);
            wire = NULL;
        }
    }
    ldns_pkt_free(pkt);
    return wire;
}

uint8_t *dns_response(size_t *len, const char *const *answer_rrs)
{
    /* The owner of the first record: everything before the first blank. */
    char qname[1100] = "example.";
    if (answer_rrs != NULL && answer_rrs[0] != NULL) {
        size_t n = strcspn(answer_rrs[0], " \t");
        if (n > 0 && n < sizeof qname) {
            memcpy(qname, answer_rrs[0], n);
            qname[n] = '\0';
        }
    }
    return dns_response_full(len, qname, LDNS_RCODE_NOERROR, answer_rrs, NULL, NULL);
}

void dns_raw_init(dns_raw_t *w)
{
    w->buf = NULL;
    w->len = w->cap = 0;
}

void dns_raw_free(dns_raw_t *w)
{
    free(w->buf);
    dns_raw_init(w);
}

void dns_raw_bytes(dns_raw_t *w, const void *data, size_t n)
{
    if (w->len + n > w->cap) {
        size_t cap = w->cap == 0 ? 512 : w->cap;
        while (cap < w->len + n)
            cap *= 2;
        uint8_t *buf = realloc(w->buf, cap);
        if (buf == NULL)
            abort();
        w->buf = buf;
        w->cap = cap;
    }
    if (n > 0)
        memcpy(w->buf + w->len, data, n);
    w->len += n;
}

void dns_raw_u8(dns_raw_t *w, uint8_t v)
{
    dns_raw_bytes(w, &v, 1);
}

void dns_raw_u16(dns_raw_t *w, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    dns_raw_bytes(w, b, 2);
}

void dns_raw_u32(dns_raw_t *w, uint32_t v)
{
    dns_raw_u16(w, (uint16_t)(v >> 16));
    dns_raw_u16(w, (uint16_t)v);
}

void dns_raw_header(dns_raw_t *w, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar)
{
    dns_raw_u16(w, 0x1234);
    dns_raw_u16(w, 0x8180); /* QR, RD, RA, NOERROR */
    dns_raw_u16(w, qd);
    dns_raw_u16(w, an);
    dns_raw_u16(w, ns);
    dns_raw_u16(w, ar);
}

void dns_raw_name(dns_raw_t *w, const char *name)
{
    const char *p = name;
    while (*p != '\0') {
        size_t n = strcspn(p, ".");
        if (n > 0) {
            dns_raw_u8(w, (uint8_t)n);
            dns_raw_bytes(w, p, n);
        }
        p += n;
        if (*p == '.')
            p++;
    }
    dns_raw_u8(w, 0);
}

void dns_raw_pointer(dns_raw_t *w, uint16_t offset)
{
    dns_raw_u16(w, (uint16_t)(0xc000 | offset));
}

void dns_raw_question(dns_raw_t *w, const char *name, uint16_t type)
{
    dns_raw_name(w, name);
    dns_raw_u16(w, type);
    dns_raw_u16(w, 1);
}

void dns_raw_rr(dns_raw_t *w, const char *owner, uint16_t type, uint16_t cls, uint32_t ttl,
                const void *rdata, uint16_t rdlen)
{
    dns_raw_name(w, owner);
    dns_raw_u16(w, type);
    dns_raw_u16(w, cls);
    dns_raw_u32(w, ttl);
    dns_raw_u16(w, rdlen);
    dns_raw_bytes(w, rdata, rdlen);
}
