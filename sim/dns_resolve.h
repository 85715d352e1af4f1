/* dns_resolve: answers one query from a dns_db into DNS wire bytes (RULES D1, D2, D3, D5).
 *
 * Resolution (D1, D2):
 *   - A script for (qname, qtype) or (qname, any type) answers first (D5), as it is.
 *   - qtype ANY gives NOTIMP, and so do the other meta types AXFR, IXFR, MAILB and MAILA.
 *   - The name is looked up in the view (D3, dns_db_view_for) of the zone with the longest
 *     origin equal to or enclosing it; under no zone: REFUSED (after a CNAME, the chain so far
 *     stays in the answer).
 *   - In the zone: a name with data answers from its RRset of qtype; a name with a CNAME and no
 *     RRset of qtype follows it (unless qtype is CNAME, which returns the CNAME itself); a name
 *     with data but neither is NODATA; an empty non-terminal is NODATA; otherwise the closest
 *     encloser decides (RFC 4592): if "*.<closest encloser>" exists it answers as if it were
 *     the name (records copied with their owner set to the name asked, a wildcard CNAME is
 *     followed), an empty "*" node gives NODATA, and with no "*" node the answer is NXDOMAIN.
 *     NS records below an apex are plain data: no referrals.
 *   - CNAME chains cross zones, each link resolved as above (each zone's view chosen for the
 *     same region). At most 16 CNAME records: a 17th, or a name met twice (the query name
 *     included), gives SERVFAIL with empty sections. The answer lists the chain in order, then
 *     the final RRset in insertion (zone-file) order.
 *   - NXDOMAIN and NODATA carry, in the authority section, the SOA of the zone that answered
 *     the last name, with its TTL lowered to the SOA minimum when that is smaller (RFC 2308).
 *
 * The response: id as given, QR and AA set, opcode QUERY, RD and RA set (the simulator's
 * askers are stub resolvers, which always ask for recursion, and the resolver offers it), the
 * question echoing the name as asked (case kept) with class IN. ldns compresses names without
 * regard to case, so a name equal to an earlier one (the question's, say) may come out in that
 * one's case; names are case-insensitive and N2 lower-cases them anyway. No EDNS, no additional section.
 * UDP's 512-byte limit is not modelled (askers are taken to retry over TCP), but no message
 * exceeds 65535 bytes: a longer answer keeps the longest prefix of its answer section that
 * fits, drops the authority section and sets TC. Raw scripted bytes are returned as given. */
#ifndef APPCSIM_DNS_RESOLVE_H
#define APPCSIM_DNS_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "dns_db.h"
#include "errinfo.h"
#include "rules.h"

#define DNS_MAX_CHAIN 16
#define DNS_MAX_MESSAGE 65535 /* bytes: the most any DNS transport carries */
#define DNS_ADDR_TEXT_MAX 46 /* INET6_ADDRSTRLEN */

/* An answer: the wire bytes, and a summary for traces. */
typedef struct {
    uint8_t *wire; /* owned (malloc); free with dns_answer_clear */
    size_t len;
    int rcode;         /* LDNS_RCODE_*; raw scripted bytes: the header's rcode, -1 when ldns
                        * cannot parse them (ldns_wire2pkt fails): unparseable */
    bool scripted;     /* D5: a script answered */
    bool from_cache;   /* dns_cache: some of the answer came from the cache */
    bool truncated;    /* TC: the answer section was cut to fit 65535 bytes */
    unsigned ancount;  /* records in the answer section (0 for raw scripted bytes) */
    unsigned chain_len; /* CNAME records followed (a qtype CNAME answer's record not counted) */
    char first_addr[DNS_ADDR_TEXT_MAX]; /* first A or AAAA of the answer section, "" if none */
    /* Rule coverage: the D rules that decided this answer (see dns_result_t), one bit each,
     * D1 in bit 0 (dns_answer_rules). Packed into a byte the struct's padding holds: answers
     * are copied on every memo hit (dns_memo.h), and a bigger struct costs there. */
    uint8_t d_rules;
} dns_answer_t;

/* The rules of an answer (D1-D5), and an answer's byte for a set (only its D rules kept). */
static inline rules_t dns_answer_rules(const dns_answer_t *a)
{
    return (rules_t)a->d_rules << RULE_D1;
}
static inline uint8_t dns_rules_pack(rules_t r)
{
    return (uint8_t)(r >> RULE_D1 & 0x1f);
}
_Static_assert(RULE_D5 - RULE_D1 == 4, "the D rules fit in d_rules");

/* Frees the wire bytes and zeroes the answer (NULL allowed). */
void dns_answer_clear(dns_answer_t *a);

/* Answers (qname, qtype) with query id `id` for a node in `region` (NULL: default views).
 * qname is presentation text; a trailing dot is optional. Answers are remembered in the db's
 * memo (dns_memo.h, keyed by qname exactly as written, qtype and region, forgotten on any
 * change to the db): a question asked again gets the same bytes for a copy, with its own id. Returns 0 and fills out (which the
 * caller clears), or -1 with err filled and out zeroed: qname not a valid name, out of memory,
 * or ldns unable to build the message. A DNS failure (REFUSED, SERVFAIL...) is a success of
 * this function: it is an answer. */
int dns_resolve(const dns_db_t *db, const char *qname, uint16_t qtype, uint16_t id,
                const char *region, dns_answer_t *out, errinfo_t *err);

/* ---- The layer below, shared with dns_cache ---- */

/* The outcome of a resolution before it becomes a message. When a script answered, only
 * `script` is set (answer and soa are NULL; rcode is the script's, -1 for raw bytes). */
typedef struct {
    int rcode;
    ldns_rr_list *answer; /* owned: the chain, then the final records */
    size_t chain_len;     /* leading CNAME records of answer that were followed */
    ldns_rr *soa;         /* owned: negative answers' authority record, else NULL */
    const dns_scripted_t *script; /* D5: non-NULL when a script answered (owned by the db) */
    /* Rule coverage (rules.h), the rules whose logic decided this result:
     *   D1  REFUSED under no zone; a zone picked over another that also encloses the name
     *       (longest origin); a wildcard synthesised; NXDOMAIN or an empty non-terminal's NODATA
     *       decided by the closest encloser;
     *   D2  a CNAME followed; a chain ended in SERVFAIL (17th CNAME, or a loop); a qtype CNAME
     *       answered with the CNAME itself (not followed); a meta qtype answered NOTIMP; an
     *       RRset of two or more records listed in zone-file order;
     *   D3  a region's view answered, not the default one;
     *   D4  (dns_cache) some of the answer came from a node's cache;
     *   D5  a script answered. */
    rules_t rules;
} dns_result_t;

/* Resolves qname (as asked; its case is kept in synthesised owners) per the rules above.
 * use_scripts false skips D5 (dns_cache uses it for CNAME targets). Returns 0 with *out
 * filled (clear it with dns_result_clear), or -1 on out-of-memory. */
int dns_resolve_result(const dns_db_t *db, const ldns_rdf *qname, uint16_t qtype,
                       const char *region, bool use_scripts, dns_result_t *out, errinfo_t *err);
void dns_result_clear(dns_result_t *r);

/* True for the meta types answered with NOTIMP. */
bool dns_qtype_is_meta(uint16_t qtype);

/* Builds the message for a result (a script's raw bytes are copied with the id patched in).
 * Returns 0 and fills out, or -1 with err. */
int dns_answer_build(const ldns_rdf *qname, uint16_t qtype, uint16_t id, const dns_result_t *r,
                     dns_answer_t *out, errinfo_t *err);

#endif
