/* dns_memo: remembers finished answers of dns_resolve, so that a question asked again costs a
 * copy instead of a resolution and an ldns message build.
 *
 * Why this is exact: dns_resolve's output is a function of the db's contents, the query name
 * as written (the question echoes it, case and all, and wildcard owners copy it), the type, the
 * region (it picks the views, D3) and the id. The id only fills the first two bytes of the
 * message: of every built message (at least 12 bytes), and of raw scripted bytes (D5) when
 * there are at least two of them, exactly as dns_resolve writes it; shorter raw bytes carry no
 * id. So an entry is keyed by (query name bytes, type, region or none), holds the message and
 * its summary, and a hit copies the bytes and writes the new id under that same rule. Nothing
 * depends on time: dns_cache's answers (which do) are not memoized.
 *
 * Contents belong to one generation of the db (dns_db_generation, bumped by every change); a
 * lookup or store under another generation first drops everything. Bounded: at most
 * max_entries entries and max_bytes bytes (each entry counts its key, message and bookkeeping);
 * when full, the least recently used entries go first. An answer bigger than max_bytes on its
 * own is not remembered. Every choice depends only on the sequence of calls: no clock, no
 * randomness. Single-threaded, like the simulator. */
#ifndef APPCSIM_DNS_MEMO_H
#define APPCSIM_DNS_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_resolve.h"

#define DNS_MEMO_DEFAULT_MAX_ENTRIES ((size_t)65536)
#define DNS_MEMO_DEFAULT_MAX_BYTES ((size_t)64 << 20)

typedef struct dns_memo dns_memo_t;

typedef struct {
    uint64_t hits, misses, stores, evictions;
    uint64_t clears; /* times the contents were dropped (generation change, new limits) */
    size_t entries, bytes;
} dns_memo_stats_t;

/* A new, empty memo with the default limits; NULL on out-of-memory. Free with dns_memo_free
 * (NULL allowed). */
dns_memo_t *dns_memo_new(void);
void dns_memo_free(dns_memo_t *memo);

/* Drops every entry and sets new limits; max_entries 0 or max_bytes 0 turns the memo off
 * (every lookup misses, nothing is stored). */
void dns_memo_set_limits(dns_memo_t *memo, size_t max_entries, size_t max_bytes);
/* Drops every entry. */
void dns_memo_clear(dns_memo_t *memo);
dns_memo_stats_t dns_memo_stats(const dns_memo_t *memo);

/* The answer remembered for (qname, qtype, region) under `generation`: true with out filled
 * (a fresh copy the caller clears, the id written in), false on a miss with out untouched.
 * memo NULL or off: false. A copy that cannot be allocated counts as a miss. */
bool dns_memo_get(dns_memo_t *memo, uint64_t generation, const char *qname, uint16_t qtype,
                  const char *region, uint16_t id, dns_answer_t *out);
/* Remembers a copy of the answer dns_resolve gave to (qname, qtype, region) under
 * `generation`, replacing any earlier one. Best effort: out of memory, an answer too big, or a
 * memo that is off leaves it unremembered, which is never wrong. */
void dns_memo_put(dns_memo_t *memo, uint64_t generation, const char *qname, uint16_t qtype,
                  const char *region, const dns_answer_t *answer);

#endif
