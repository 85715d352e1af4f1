/* dns_namemap: a hash map from domain names (ldns dname rdfs, compared without regard to
 * ASCII case) to pointers, for O(1) exact lookups of owners and zone origins. Open addressing
 * with linear probing; nothing is iterated, so its order never shows. Keys are borrowed: each
 * must stay alive, unchanged, while its entry is in the map. */
#ifndef APPCSIM_DNS_NAMEMAP_H
#define APPCSIM_DNS_NAMEMAP_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

typedef struct {
    const ldns_rdf *key; /* NULL: empty slot */
    void *value;
    uint64_t hash;
} dns_namemap_slot_t;

typedef struct {
    dns_namemap_slot_t *slots;
    size_t cap;   /* 0 or a power of two */
    size_t count;
} dns_namemap_t;

/* An empty map needs no allocation: zero it or call init. clear frees the slots (not keys or
 * values) and leaves the map empty. */
void dns_namemap_init(dns_namemap_t *m);
void dns_namemap_clear(dns_namemap_t *m);

/* The value for name, or NULL. */
void *dns_namemap_get(const dns_namemap_t *m, const ldns_rdf *name);
/* Sets key -> value (replacing the value of an equal key, which keeps its old key pointer).
 * -1 on out-of-memory, the map unchanged. */
int dns_namemap_put(dns_namemap_t *m, const ldns_rdf *key, void *value);
/* Removes name's entry if present. */
void dns_namemap_del(dns_namemap_t *m, const ldns_rdf *name);

#endif
