/* dns_namemap: see dns_namemap.h. */
#include "dns_namemap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void dns_namemap_init(dns_namemap_t *m)
{
    memset(m, 0, sizeof *m);
}

void dns_namemap_clear(dns_namemap_t *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* FNV-1a-64 over the wire bytes folded to lower case (label lengths are below 64, so folding
 * never changes them): names equal under ldns_dname_compare hash equally. */
static uint64_t name_hash(const ldns_rdf *name)
{
    const uint8_t *p = ldns_rdf_data(name);
    size_t n = ldns_rdf_size(name);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)LDNS_DNAME_NORMALIZE(p[i]);
        h *= 0x100000001b3ULL;
    }
    return h;
}

static size_t find_slot(const dns_namemap_t *m, const ldns_rdf *name, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        const dns_namemap_slot_t *s = &m->slots[i];
        if (s->key == NULL)
            return i;
        if (s->hash == h && ldns_rdf_size(s->key) == ldns_rdf_size(name) &&
            ldns_dname_compare(s->key, name) == 0)
            return i;
    }
}

void *dns_namemap_get(const dns_namemap_t *m, const ldns_rdf *name)
{
    if (m->count == 0)
        return NULL;
    const dns_namemap_slot_t *s = &m->slots[find_slot(m, name, name_hash(name))];
    return s->key != NULL ? s->value : NULL;
}

static int grow(dns_namemap_t *m)
{
    size_t cap = m->cap ? 2 * m->cap : 16;
    dns_namemap_slot_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return -1;
    dns_namemap_t bigger = {slots, cap, 0};
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key != NULL) {
            size_t j = find_slot(&bigger, m->slots[i].key, m->slots[i].hash);
            bigger.slots[j] = m->slots[i];
            bigger.count++;
        }
    }
    free(m->slots);
    *m = bigger;
    return 0;
}

int dns_namemap_put(dns_namemap_t *m, const ldns_rdf *key, void *value)
{
    if ((m->count + 1) * 2 > m->cap && grow(m) != 0)
        return -1;
    uint64_t h = name_hash(key);
    dns_namemap_slot_t *s = &m->slots[find_slot(m, key, h)];
    if (s->key == NULL) {
        *s = (dns_namemap_slot_t){key, value, h};
        m->count++;
    } else {
        s->value = value;
    }
    return 0;
}

void dns_namemap_del(dns_namemap_t *m, const ldns_rdf *name)
{
    if (m->count == 0)
        return;
    size_t mask = m->cap - 1;
    size_t i = find_slot(m, name, name_hash(name));
    if (m->slots[i].key == NULL)
        return;
    /* Backward-shift deletion: move later members of the probe run into the hole when their
     * home slot does not lie between the hole and them, so lookups never meet a false gap. */
    for (size_t j = (i + 1) & mask; m->slots[j].key != NULL; j = (j + 1) & mask) {
        size_t home = (size_t)m->slots[j].hash & mask;
        bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i] = (dns_namemap_slot_t){0};
    m->count--;
}
