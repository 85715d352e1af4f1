/* dns_db_priv: the db's internals, shared by dns_db.c (storage, D1 checks), dns_db_load.c
 * (zone files and inline records), dns_db_change.c (D4) and dns_db_script.c (D5). Not for
 * other modules: they use dns_db.h. */
#ifndef APPCSIM_DNS_DB_PRIV_H
#define APPCSIM_DNS_DB_PRIV_H

#include "dns_db.h"
#include "dns_namemap.h"

struct dns_rrset {
    uint16_t type;
    size_t n, cap;
    ldns_rr **rrs;   /* owned, insertion order */
    uint64_t *hash;  /* hash of each record's canonical RDATA, to find duplicates quickly */
};

struct dns_node {
    ldns_rbnode_t rb; /* rb.key = owner */
    ldns_rdf *owner;  /* owned, lower-cased */
    dns_rrset_t *sets;
    size_t nsets, cap; /* never 0 sets while in the tree */
};

struct dns_view {
    ldns_rdf *origin;      /* owned, lower-cased */
    ldns_rbtree_t *names;  /* dns_node_t by owner, canonical order: owns the nodes */
    dns_namemap_t index;   /* the same nodes by owner, for exact lookups */
    ldns_rr *synth_soa;    /* owned */
    size_t nrecords;
};

typedef struct {
    char *region; /* owned */
    dns_view_t *view;
} dns_region_view_t;

typedef struct {
    ldns_rbnode_t rb; /* rb.key = origin */
    ldns_rdf *origin; /* owned, lower-cased */
    dns_view_t *deflt; /* NULL when the zone has region views only */
    dns_region_view_t *regions;
    size_t nregions, cap;
} dns_zone_t;

struct dns_db {
    ldns_rbtree_t *zones;   /* dns_zone_t by origin: owns the zones */
    dns_namemap_t zone_index; /* the same zones by origin, for exact lookups */
    ldns_rbtree_t *scripts; /* script entries, see dns_db_script.c */
    uint64_t generation;    /* bumped by every change: see dns_db_generation */
    dns_memo_t *memo;       /* owned; answers of this generation, see dns_memo.h */
};

/* Called first by every public function that may change the db, whatever its outcome (a
 * failed change leaves the db as it was, so the bump is only ever one too many). */
void dns_db_changed(dns_db_t *db);

/* A lower-cased copy of the name in text, or NULL with an error naming what the text is
 * (`what`, e.g. "origin"). */
ldns_rdf *dns_db_name_new(const char *text, const char *what, errinfo_t *err);
/* 0 when view is NULL or a non-empty string, else -1 with an error. */
int dns_db_check_view(const char *view, errinfo_t *err);

/* Adds the n records (ownership of all of them passes to the db, whatever happens) to the
 * view (origin, view), creating it if absent. On a D1 violation nothing changes, *bad gets the
 * index of the offending record and err the bare message (the caller adds where it was). */
int dns_db_apply_batch(dns_db_t *db, const ldns_rdf *origin, const char *view, ldns_rr **rrs,
                       size_t n, size_t *bad, errinfo_t *err);

/* Scripts: tree setup and teardown, called by dns_db_new/free. */
ldns_rbtree_t *dns_db_scripts_new(void);
void dns_db_scripts_free(ldns_rbtree_t *scripts);

/* Storage primitives shared with dns_db_change.c. Names passed as owner_lc are lower-cased. */

/* The view (origin, view) or NULL. */
dns_view_t *dns_db_view_find(const dns_db_t *db, const ldns_rdf *origin, const char *view);
/* The name's text into buf (for messages). */
void dns_db_name_text(const ldns_rdf *name, char *buf, size_t cap);
/* Hash of the record's canonical RDATA (equal under ldns_rr_compare => equal hash); -1 on
 * out-of-memory. */
int dns_db_rdata_hash(const ldns_rr *rr, uint64_t *out);
/* Types allowed beside a CNAME (CNAME itself, RRSIG, NSEC). */
bool dns_db_beside_cname_ok(uint16_t type);
/* D1 checks of one record on its own: class IN, has data, inside the zone, SOA at the apex. */
int dns_view_check_record(const dns_view_t *v, const ldns_rr *rr, const ldns_rdf *owner_lc,
                          errinfo_t *err);
/* Checks a record against D1 and the view's data and adds it (ownership passes on success). */
int dns_view_add_rr(dns_view_t *v, ldns_rr *rr, errinfo_t *err);
/* Adds a checked record (ownership passes on success); -1 on out-of-memory. */
int dns_view_insert_rr(dns_view_t *v, ldns_rr *rr, const ldns_rdf *owner_lc, uint64_t h);
/* Finds the record equal to rr (the same pointer when same_ptr, else by ldns_rr_compare). */
bool dns_view_find_record(const dns_view_t *v, const ldns_rr *rr, bool same_ptr,
                          dns_node_t **node_out, size_t *set_out, size_t *rec_out);
/* Frees set i of node, or record j of it; a node left empty leaves the view. */
void dns_view_remove_set(dns_view_t *v, dns_node_t *node, size_t i);
/* Replaces the records of set i of node with the n > 0 records rrs (hashes hs; ownership passes
 * on success), the set moving last among the node's sets as a removal and an insertion would.
 * -1 on out-of-memory, nothing changed. */
int dns_view_replace_set(dns_view_t *v, dns_node_t *node, size_t i, ldns_rr *const *rrs,
                         const uint64_t *hs, size_t n);
void dns_view_remove_record(dns_view_t *v, dns_node_t *node, size_t i, size_t j);


#endif
