/* dns_cache: a node's DNS cache (RULES D4), off by default: a node without one resolves
 * straight from the db with dns_resolve.
 *
 * What is held, keyed by lower-cased owner name and type:
 *   - record sets, for their TTL: the smallest TTL of the set's records (RFC 2181 5.2 wants
 *     them equal; the smallest is the safe reading). A CNAME is held as the set (name, CNAME).
 *     TTL 0 is never held.
 *   - negative answers: NXDOMAIN for a name, whatever the type asked, and NODATA for
 *     (name, type), for the SOA minimum (D4: the MINIMUM field of the SOA in the answer's
 *     authority section, whatever that record's own TTL; RFC 2308 would take the smaller of
 *     the two, RULES does not). A minimum of 0 is never held.
 * An entry stored at t with TTL s expires at exactly t + s * 1e9 ns: at that instant it is
 * expired. Entries served from the cache carry their remaining TTL, rounded down to seconds.
 *
 * A lookup walks the cache first: a held set of the type asked answers; else a held CNAME is
 * appended to the answer and its target looked up as a new query (so the answer still lists
 * the chain, and D2's limits of 16 CNAMEs and no name twice apply to the whole chain); else a
 * held negative answer answers; else the db answers the rest and what it returned is stored.
 * SERVFAIL, REFUSED and NOTIMP answers are never stored (REFUSED's CNAME records are).
 * Scripted answers (D5) are never cached and always win: a query with a script goes straight to
 * dns_resolve. Scripts apply to the name asked only, as in dns_resolve.
 * The cache knows nothing of regions: a node that moves keeps what it learned elsewhere. */
#ifndef APPCSIM_DNS_CACHE_H
#define APPCSIM_DNS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dns_db.h"
#include "dns_resolve.h"
#include "errinfo.h"

typedef struct dns_cache dns_cache_t;

/* A new, empty cache; NULL on out-of-memory. Free with dns_cache_free (NULL allowed). */
dns_cache_t *dns_cache_new(void);
void dns_cache_free(dns_cache_t *cache);

/* Entries held, expired ones included until they are met or purged. */
size_t dns_cache_count(const dns_cache_t *cache);
/* Drops every entry expired at now_ns. */
void dns_cache_purge(dns_cache_t *cache, int64_t now_ns);
/* Drops everything. */
void dns_cache_flush(dns_cache_t *cache);

/* As dns_resolve, through the cache at simulated time now_ns (out->from_cache tells whether
 * any part came from the cache). Returns 0 with out filled, -1 with err (bad qname, out of
 * memory, message not buildable) and out zeroed. */
int dns_cache_resolve(dns_cache_t *cache, const dns_db_t *db, const char *qname, uint16_t qtype,
                      uint16_t id, const char *region, int64_t now_ns, dns_answer_t *out,
                      errinfo_t *err);

#endif
