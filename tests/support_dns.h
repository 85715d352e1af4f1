/* Test support: DNS response wire bytes.
 *
 * Well-formed responses are built with ldns from records in presentation format, fully
 * qualified ("www.example.com. 300 IN CNAME web.example.net."); ldns compresses the names.
 * Malformed ones are written byte by byte with the dns_raw_* builder. Everything returned is
 * malloc'd and freed with free() (dns_raw_free for a builder). */
#ifndef APPCSIM_SUPPORT_DNS_H
#define APPCSIM_SUPPORT_DNS_H

#include <stddef.h>
#include <stdint.h>

/* A NOERROR response whose answer section holds answer_rrs (NULL-terminated; NULL for none).
 * The question asks type A for the first record's owner ("example." when there is none).
 * Returns NULL (after printing why) when a record string does not parse. */
uint8_t *dns_response(size_t *len, const char *const *answer_rrs);

/* The same with everything chosen: qname (NULL: no question; the question type is A), the
 * rcode, and each section (NULL-terminated lists; NULL for an empty section). */
uint8_t *dns_response_full(size_t *len, const char *qname, uint8_t rcode,
                           const char *const *answer, const char *const *authority,
                           const char *const *additional);

/* Byte-by-byte builder for malformed messages. Integers are written big-endian. */
typedef struct {
    uint8_t *buf;
    size_t len, cap;
} dns_raw_t;

void dns_raw_init(dns_raw_t *w);
void dns_raw_free(dns_raw_t *w);
void dns_raw_bytes(dns_raw_t *w, const void *data, size_t n);
void dns_raw_u8(dns_raw_t *w, uint8_t v);
void dns_raw_u16(dns_raw_t *w, uint16_t v);
void dns_raw_u32(dns_raw_t *w, uint32_t v);
/* Header of a NOERROR response (id 0x1234) with the given section counts. */
void dns_raw_header(dns_raw_t *w, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar);
/* An uncompressed name from dotted text ("www.example.com"; "" or "." is the root). Labels
 * are copied byte for byte: no escapes, so any byte but '.' can go in. */
void dns_raw_name(dns_raw_t *w, const char *name);
/* A compression pointer to offset. */
void dns_raw_pointer(dns_raw_t *w, uint16_t offset);
/* A question: name, type, class IN. */
void dns_raw_question(dns_raw_t *w, const char *name, uint16_t type);
/* An answer record with an uncompressed owner and rdlen bytes of rdata. */
void dns_raw_rr(dns_raw_t *w, const char *owner, uint16_t type, uint16_t cls, uint32_t ttl,
                const void *rdata, uint16_t rdlen);

#endif
