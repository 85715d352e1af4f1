/* dns_db: the simulator's authoritative DNS data (RULES D1, D3, D4, D5).
 *
 * A db holds zones. A zone is named by its origin and has a default view and any number of
 * per-region views (D3); each view is an independent set of records. Records are kept per owner
 * name, found through a hash index (O(1) exact lookups) and a red-black tree in DNS canonical
 * order (O(log n) "does anything exist below this name"), and per owner as RRsets in insertion
 * (zone-file) order.
 *
 * Every loading or change function is all-or-nothing: it returns 0 on success, or -1 with a
 * message in err (may be NULL) and the db exactly as before. The db has no notion of time: the
 * simulator calls the change functions (D4) at the instants it schedules.
 *
 * Load rules (D1), checked on load and on every change:
 *   - only class IN; every owner equal to or below the zone's origin;
 *   - no two records with the same name, type, class and RDATA (TTL ignored, names in RDATA
 *     compared case-insensitively, as ldns_rr_compare does);
 *   - a CNAME is alone at its name: no second CNAME and no other type beside it, except
 *     RRSIG and NSEC (RFC 2181 10.1, RFC 4035), which are accepted as data;
 *   - SOA only at the apex, at most one.
 * NS records below the apex, DNAME and all other types are plain data: no referrals, no DNAME
 * substitution. A view without an SOA answers negatives with a synthetic one:
 *   "<origin> 60 IN SOA invalid. hostmaster.invalid. 1 3600 600 86400 60"
 * (TTL 60, minimum 60; RFC 6761 reserves "invalid."). Records without a TTL get $TTL, else the
 * previous record's TTL, else 3600.
 *
 * Views (D3): view NULL is the zone's default view; otherwise a region name (non-empty). A
 * query from region R uses, for each zone, that zone's view for R if it has one, else its
 * default view; a zone with neither is skipped for R (the next enclosing zone answers).
 *
 * Scripted answers (D5) bind a query name (and a type, or every type) to a fixed response that
 * the resolver returns as is; see dns_db_script. */
#ifndef APPCSIM_DNS_DB_H
#define APPCSIM_DNS_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "errinfo.h"

#define DNS_SYNTH_SOA_TTL 60
#define DNS_SYNTH_SOA_MINIMUM 60
#define DNS_DEFAULT_TTL 3600

typedef struct dns_db dns_db_t;

/* A new, empty db; NULL on out-of-memory. Free with dns_db_free (NULL is allowed). */
dns_db_t *dns_db_new(void);
void dns_db_free(dns_db_t *db);

/* Loads an RFC 1035 master file into the zone `origin`, view `view` (NULL: default view),
 * creating the zone or view when absent, adding to it otherwise.
 * origin NULL: the origin is the file's first $ORIGIN, when it comes before every record, else
 * the owner of the SOA record, which must then be the first record (the root is never inferred;
 * pass "." for a root zone). $INCLUDE is refused. A file with no records is an error.
 * Errors are "path:line: message" for ldns syntax errors and D1 violations (line is the line on
 * which the record ends), "path: message" for files that cannot be opened or read. */
int dns_db_add_zone_file(dns_db_t *db, const char *path, const char *origin, const char *view,
                         errinfo_t *err);

/* Adds inline records (presentation format; relative names are relative to origin) to the zone
 * `origin` (required), view `view`, creating it when absent. n = 0 just creates the zone.
 * Errors name the record: "record 2 ('www 300 IN A 1.2.3'): message". */
int dns_db_add_records(dns_db_t *db, const char *origin, const char *view,
                       const char *const *rr_texts, size_t n, errinfo_t *err);
/* The same; on error *bad (may be NULL) gets the index of the record at fault, or n when the
 * fault is no single record's (a bad origin or view, out of memory). */
int dns_db_add_records_at(dns_db_t *db, const char *origin, const char *view,
                          const char *const *rr_texts, size_t n, size_t *bad, errinfo_t *err);

/* Parses one record in presentation format the way every function of this module does: TTL
 * DNS_DEFAULT_TTL when absent, relative names relative to origin (NULL: none). Text that ldns
 * reads as a record of type 0 ("garbage here": owner "garbage", type "here") is refused: it is
 * no record. 0 and *out (the caller's, free with ldns_rr_free; out may be NULL to check only),
 * or -1 with a bare message in err (the caller names the record). */
int dns_db_rr_parse(const char *text, const ldns_rdf *origin, ldns_rr **out, errinfo_t *err);
/* dns_db_rr_parse with the origin as text (NULL or "." for none / the root). */
int dns_db_rr_check(const char *text, const char *origin, errinfo_t *err);

/* D4 changes. The zone `origin` and view `view` must exist already. */

/* Replaces the RRset (owner, type) with the n records given (n = 0 removes it); each record
 * must have that owner and type. D1 is re-checked: a CNAME beside other data, a duplicate, an
 * SOA off the apex or more than one SOA are rejected and nothing changes. Removing the SOA
 * leaves the synthetic one in use. */
int dns_db_set_rrs(dns_db_t *db, const char *origin, const char *view, const char *owner,
                   uint16_t type, const char *const *rr_texts, size_t n, errinfo_t *err);
/* Adds one record (D1 re-checked, as for loading). */
int dns_db_add_rr(dns_db_t *db, const char *origin, const char *view, const char *rr_text,
                  errinfo_t *err);
/* Removes one record equal to rr_text (TTL ignored); an absent record is an error. */
int dns_db_remove_rr(dns_db_t *db, const char *origin, const char *view, const char *rr_text,
                     errinfo_t *err);

/* D5 scripted answers. Either records (rr_texts, n, rcode) or raw bytes (hex non-NULL, then n
 * must be 0 and rcode is ignored). Records are parsed without an origin (write absolute names)
 * and are not checked against D1: duplicates, cycles and fan-in are the point. rcode 0..15.
 * hex: pairs of hex digits, ASCII whitespace allowed between pairs, at most 65535 bytes (an
 * empty string gives an empty message). The raw bytes are returned as they are, except that the
 * query's id is written into the first two bytes when there are at least two. */
typedef struct {
    const char *const *rr_texts;
    size_t n;
    uint8_t rcode;
    const char *hex;
} dns_script_t;

/* Binds the query (qname, qtype) to a script, replacing any earlier script for the same pair.
 * qtype 0 binds every type of qname; a script for the exact type wins over the one for 0.
 * Scripts apply to the name asked, before any zone (so also outside every zone) and in every
 * region; they do not apply to CNAME targets met while following a chain. */
int dns_db_script(dns_db_t *db, const char *qname, uint16_t qtype, const dns_script_t *script,
                  errinfo_t *err);
/* Removes the script of (qname, qtype); an absent one is an error. */
int dns_db_unscript(dns_db_t *db, const char *qname, uint16_t qtype, errinfo_t *err);

/* ---- Memoized answers (dns_memo.h) ---- */

typedef struct dns_memo dns_memo_t;

/* A counter bumped by every call of a change function above (zones, records, D4 changes,
 * scripts), failed ones included: equal generations mean equal contents. */
uint64_t dns_db_generation(const dns_db_t *db);
/* The db's memo of finished answers, used by dns_resolve (on by default, with the default
 * limits). A cache, not contents: it may be changed (limits, clearing) through a const db. */
dns_memo_t *dns_db_memo(const dns_db_t *db);

/* ---- Read access, for dns_resolve and dns_cache. Everything returned is owned by the db
 * and stays valid until the next change to the db. ---- */

typedef struct dns_view dns_view_t;
typedef struct dns_node dns_node_t;
typedef struct dns_rrset dns_rrset_t;

/* A stored script: either raw wire bytes or records plus an rcode. */
typedef struct {
    bool raw;
    uint8_t *wire; /* raw: the bytes (NULL when wire_len is 0) */
    size_t wire_len;
    uint8_t rcode;      /* records: the rcode */
    ldns_rr_list *rrs;  /* records: in order */
} dns_scripted_t;

/* The script for (qname, qtype), else for (qname, any type), else NULL. */
const dns_scripted_t *dns_db_script_find(const dns_db_t *db, const ldns_rdf *qname,
                                         uint16_t qtype);

/* D1 + D3: the view answering `name` for `region` (NULL: default views only): the view of
 * the zone with the longest origin equal to or enclosing name that has a view for region or a
 * default view. NULL when no zone applies (REFUSED). */
const dns_view_t *dns_db_view_for(const dns_db_t *db, const ldns_rdf *name, const char *region);
/* The same, and *how (may be NULL) tells how the view was picked, for rule coverage:
 * DNS_PICK_REGIONAL when it is a region's view, not the default (D3); DNS_PICK_NESTED when
 * another zone with a shorter origin also encloses name, so the longest origin decided (D1). */
enum { DNS_PICK_REGIONAL = 1, DNS_PICK_NESTED = 2 };
const dns_view_t *dns_db_view_pick(const dns_db_t *db, const ldns_rdf *name, const char *region,
                                   unsigned *how);

const ldns_rdf *dns_view_origin(const dns_view_t *view);
/* The apex SOA record, or the synthetic one. */
const ldns_rr *dns_view_soa(const dns_view_t *view);
/* The node owning data at exactly name, or NULL. */
const dns_node_t *dns_view_node(const dns_view_t *view, const ldns_rdf *name);
/* True when some owner in the view lies strictly below name (name is then an empty
 * non-terminal if it has no node of its own). */
bool dns_view_has_below(const dns_view_t *view, const ldns_rdf *name);
/* Number of records in the view. */
size_t dns_view_record_count(const dns_view_t *view);

/* The RRset of type at the node, or NULL. */
const dns_rrset_t *dns_node_rrset(const dns_node_t *node, uint16_t type);
size_t dns_rrset_count(const dns_rrset_t *set);
/* Record i (0 <= i < count) in insertion order. */
const ldns_rr *dns_rrset_rr(const dns_rrset_t *set, size_t i);

#endif
