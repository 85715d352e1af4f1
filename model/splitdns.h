/* splitdns: a client's split-DNS table (P2).
 *
 * Every domain of an app gives a suffix: "d" for "d" and for "*.d". A client gets an entry for
 * each suffix of every app whose `target` matches it (S3; the caller picks those apps with
 * ctrl_selector_matches), listing every connector of the app (C1), online or not. Entries with
 * the same suffix merge their connectors. A name uses the entry with the longest suffix equal to
 * or enclosing it, on label boundaries ("xexample.com" is not under "example.com").
 *
 * An app with no connector still gives its suffixes an entry, with an empty connector list, as
 * P2 reads (a query under it finds no connector to ask); the caller can skip such apps if it
 * wants them to have no entry.
 *
 * Names are text as dname.h gives them: lower case, no trailing dot, odd bytes escaped as \DDD
 * and a '.' inside a label as "\." (never a label boundary). Suffixes are compared as text.
 *
 * Ownership: the table owns its entries, suffix texts and id lists; entries and the pointers in
 * them stay valid until ctrl_splitdns_free. The table does not keep the apps given to it. */
#ifndef APPCSIM_SPLITDNS_H
#define APPCSIM_SPLITDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"

/* One app as the client's table needs it: its domains and the node ids of its connectors
 * (any order, duplicates allowed). */
typedef struct {
    const dn_domain_t *domains;
    size_t n_domains;
    const uint64_t *connectors;
    size_t n_connectors;
} ctrl_splitdns_app_t;

typedef struct {
    const char *suffix; /* NUL-terminated */
    size_t suffix_len;
    const uint64_t *connectors; /* ascending, distinct */
    size_t n_connectors;
} ctrl_splitdns_entry_t;

typedef struct ctrl_splitdns ctrl_splitdns_t;

/* Builds the table from the apps that target the client (in any order: the result does not
 * depend on it, N5). NULL on out-of-memory. */
ctrl_splitdns_t *ctrl_splitdns_new(const ctrl_splitdns_app_t *apps, size_t n_apps);
void ctrl_splitdns_free(ctrl_splitdns_t *t);

/* The entries, sorted by suffix text (strcmp order). */
size_t ctrl_splitdns_count(const ctrl_splitdns_t *t);
const ctrl_splitdns_entry_t *ctrl_splitdns_entry_at(const ctrl_splitdns_t *t, size_t i);

/* The entry whose suffix is the longest equal to or enclosing the n-byte name, or NULL. */
const ctrl_splitdns_entry_t *ctrl_splitdns_lookup(const ctrl_splitdns_t *t, const char *name,
                                                  size_t n);

/* True when both tables have the same entries with the same connectors (a client's split DNS
 * changed, P7, exactly when this is false for its old and new tables). NULL is an empty table. */
bool ctrl_splitdns_equal(const ctrl_splitdns_t *a, const ctrl_splitdns_t *b);

#endif
