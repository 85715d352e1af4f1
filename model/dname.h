/* dname: domain names, as configured (N1, N4) and as read from DNS messages (N2), and the
 * matcher that decides whether a name matches a configured domain (N3, N4).
 *
 * Configured domains (N1): lower-cased (ASCII), one trailing dot removed, then checked: labels of
 * 1..63 octets, at most 253 octets in all (the "*." of a wildcard included), only letters,
 * digits, '-' and '_', the last label not all digits, non-ASCII only as xn-- A-labels (any byte
 * >= 0x80 is an error). "*" only as the whole first label, once, and never bare (N4).
 *
 * Names in messages (N2): lower-cased A-Z only, trailing dot removed, compared as text. A name
 * that would fail N1 (the root, a '*' label, odd bytes, too long) is still a name (it can sit on
 * a CNAME path) but matches no configured domain. Its text escapes odd bytes as \DDD and a
 * literal '.' or '\' inside a label with a backslash, so distinct wire names stay distinct. */
#ifndef APPCSIM_DNAME_H
#define APPCSIM_DNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errinfo.h"

#define DN_TEXT_MAX 254       /* a valid name's text plus NUL */
#define DN_WIRE_TEXT_MAX 1024 /* any wire name's escaped text plus NUL */

/* A configured domain: `name` is the canonical text, "*.d" for a wildcard; `base` points into
 * name at d. */
typedef struct {
    char name[DN_TEXT_MAX];
    uint8_t len;       /* strlen(name) */
    bool wildcard;     /* name is "*." + base */
    uint8_t base_off;  /* 2 for a wildcard, 0 otherwise */
} dn_domain_t;

/* N1/N4: parses n bytes of configured text. Fails with a message that quotes the text and says
 * what is wrong ("label 2 of 'a..b' is empty"). */
bool dn_domain_parse(const char *text, size_t n, dn_domain_t *out, errinfo_t *err);

/* N2: converts an uncompressed wire name (length-prefixed labels ending in the root label, as
 * ldns_rdf_data() of an LDNS_RDF_TYPE_DNAME gives) of n bytes to text in out (capacity cap >=
 * DN_WIRE_TEXT_MAX), NUL-terminated; *out_len gets the length. Returns true when the name is
 * valid under N1 (and may match a domain), false when it can match nothing. The root gives "". */
bool dn_name_from_wire(const uint8_t *wire, size_t n, char *out, size_t cap, size_t *out_len);

/* N1 check on a name given as text (no wildcard allowed): true when valid. */
bool dn_name_is_valid(const char *text, size_t n);

/* The set of configured domains (N5: duplicates collapse), exact and wildcard. */
typedef struct dn_matcher dn_matcher_t;

dn_matcher_t *dn_matcher_new(void);
void dn_matcher_free(dn_matcher_t *m);
/* Adds a domain; returns 1 when new, 0 when already present, -1 on out-of-memory. */
int dn_matcher_add(dn_matcher_t *m, const dn_domain_t *d);
size_t dn_matcher_count(const dn_matcher_t *m);
size_t dn_matcher_memory(const dn_matcher_t *m);

enum {
    DN_MATCH_EXACT = 1,    /* N3: the name itself is configured */
    DN_MATCH_WILDCARD = 2, /* N4: some "*.d" is configured with the name strictly below d */
};
/* How a name's text (as given by dn_name_from_wire, or any valid name) matches: a bit set of
 * DN_MATCH_*, 0 for no match. Invalid names (N1) match nothing. */
unsigned dn_matcher_match(const dn_matcher_t *m, const char *name, size_t n);

#endif
