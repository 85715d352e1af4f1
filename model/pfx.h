/* pfx: IPv4 and IPv6 addresses and prefixes: parse, print, compare, contain, cover, overlap.
 *
 * Both families share one 128-bit representation so that one trie and one comparison serve
 * both: an address is a big-endian bit string left-aligned in {hi, lo}. An IPv4 address a.b.c.d
 * sits in bits 63..32 of `hi` (a is the top byte of hi); every bit past the family's width is
 * zero. A prefix keeps the same layout with every bit past `len` zero (canonical form).
 *
 * Text: IPv4 is dotted decimal with no leading zeros ("01.2.3.4" is rejected); IPv6 is parsed
 * in any RFC 4291 form (embedded IPv4 included) and printed per RFC 5952 (lower case, longest
 * run of two or more zero groups compressed, the first on ties; ::ffff:a.b.c.d for IPv4-mapped
 * addresses). No zone ids ("%eth0"), no surrounding spaces.
 *
 * Order (C7): IPv4 before IPv6, then by address, then by prefix length.
 * Nothing here allocates. */
#ifndef APPCSIM_PFX_H
#define APPCSIM_PFX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errinfo.h"

typedef enum { PFX_V4 = 4, PFX_V6 = 6 } pfx_family_t;

typedef struct {
    uint64_t hi, lo;
} pfx_bits_t;

typedef struct {
    pfx_bits_t bits;
    uint8_t family; /* PFX_V4 or PFX_V6 */
} pfx_addr_t;

typedef struct {
    pfx_bits_t bits; /* canonical: bits past len are zero */
    uint8_t family;  /* PFX_V4 or PFX_V6 */
    uint8_t len;     /* 0..32 or 0..128 */
} pfx_t;

#define PFX_ADDR_TEXT_MAX 46 /* longest address text plus NUL */
#define PFX_TEXT_MAX 50      /* longest prefix text plus NUL */

/* 32 for PFX_V4, 128 for PFX_V6. */
unsigned pfx_family_width(uint8_t family);

pfx_addr_t pfx_addr_v4(uint32_t host_order);
pfx_addr_t pfx_addr_v6(const uint8_t bytes[16]);
/* Writes the address in network byte order; returns 4 or 16. */
size_t pfx_addr_bytes(const pfx_addr_t *a, uint8_t out[16]);

/* Parses exactly n bytes of text (no NUL needed). Returns false when it is not an address. */
bool pfx_addr_parse(const char *text, size_t n, pfx_addr_t *out);
/* Writes canonical text and a NUL; returns the text's length. */
size_t pfx_addr_format(const pfx_addr_t *a, char out[PFX_ADDR_TEXT_MAX]);
int pfx_addr_compare(const pfx_addr_t *a, const pfx_addr_t *b);
bool pfx_addr_equal(const pfx_addr_t *a, const pfx_addr_t *b);

/* Parses "ADDR/LEN" (exactly n bytes). With allow_bare, a bare ADDR means its host prefix.
 * Fails with a message naming the text when it is malformed, when LEN is out of range or has
 * leading zeros, or when host bits are set ("10.1.2.3/8 has host bits set; the prefix is
 * 10.0.0.0/8"). */
bool pfx_parse(const char *text, size_t n, bool allow_bare, pfx_t *out, errinfo_t *err);
/* Writes canonical "ADDR/LEN" and a NUL; returns the text's length. */
size_t pfx_format(const pfx_t *p, char out[PFX_TEXT_MAX]);

/* The /32 or /128 of a. */
pfx_t pfx_host(const pfx_addr_t *a);
bool pfx_is_host(const pfx_t *p);
/* The prefix of length len containing a (host bits cleared); len is clamped to the width. */
pfx_t pfx_make(const pfx_addr_t *a, unsigned len);
/* The first address of p. */
pfx_addr_t pfx_first(const pfx_t *p);

/* Bit i (0 = most significant) of bits. */
static inline unsigned pfx_bit(const pfx_bits_t *b, unsigned i)
{
    return i < 64 ? (unsigned)(b->hi >> (63 - i)) & 1u : (unsigned)(b->lo >> (127 - i)) & 1u;
}

bool pfx_contains(const pfx_t *p, const pfx_addr_t *a);
/* True when inner is equal to or inside outer (same family). */
bool pfx_covers(const pfx_t *outer, const pfx_t *inner);
/* True when a and b share at least one address. */
bool pfx_overlaps(const pfx_t *a, const pfx_t *b);
bool pfx_equal(const pfx_t *a, const pfx_t *b);
/* C7 order; negative, zero or positive. */
int pfx_compare(const pfx_t *a, const pfx_t *b);
/* Sorts n prefixes in C7 order (duplicates are kept). */
void pfx_sort(pfx_t *p, size_t n);

#endif
