/* strmap: dense entry array (iteration order) plus an open-addressing index of entry numbers
 * (linear probing, backward-shift deletion, so no tombstones ever accumulate). */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t hash;
    uint64_t value;
    char *key; /* n bytes plus a NUL, owned */
    size_t n;
} strmap_entry_t;

struct strmap {
    strmap_entry_t *entries;
    size_t count, cap_entries;
    uint32_t *slots; /* entry index + 1; 0 = empty */
    size_t n_slots;  /* power of two, or 0 before the first insert */
    size_t key_bytes;
};

#define STRMAP_MIN_SLOTS 16

uint64_t strmap_hash(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

strmap_t *strmap_new(void)
{
    return calloc(1, sizeof(strmap_t));
}

void strmap_free(strmap_t *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->count; i++)
        free(m->entries[i].key);
    free(m->entries);
    free(m->slots);
    free(m);
}

size_t strmap_count(const strmap_t *m)
{
    return m->count;
}

size_t strmap_memory(const strmap_t *m)
{
    return sizeof *m + m->cap_entries * sizeof *m->entries + m->n_slots * sizeof *m->slots +
           m->key_bytes;
}

static size_t home_slot(const strmap_t *m, uint64_t hash)
{
    return (size_t)hash & (m->n_slots - 1);
}

/* The slot holding key, or the empty slot where it would go; *found tells which. */
static size_t probe(const strmap_t *m, const char *key, size_t n, uint64_t hash, bool *found)
{
    size_t mask = m->n_slots - 1;
    for (size_t s = home_slot(m, hash);; s = (s + 1) & mask) {
        uint32_t e = m->slots[s];
        if (e == 0) {
            *found = false;
            return s;
        }
        const strmap_entry_t *ent = &m->entries[e - 1];
        if (ent->hash == hash && ent->n == n && (n == 0 || memcmp(ent->key, key, n) == 0)) {
            *found = true;
            return s;
        }
    }
}

/* The slot that refers to entry index i (which must be in the index). */
static size_t slot_of_entry(const strmap_t *m, size_t i)
{
    size_t mask = m->n_slots - 1;
    size_t s = home_slot(m, m->entries[i].hash);
    while (m->slots[s] != i + 1)
        s = (s + 1) & mask;
    return s;
}

static bool rehash(strmap_t *m, size_t n_slots)
{
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (slots == NULL)
        return false;
    free(m->slots);
    m->slots = slots;
    m->n_slots = n_slots;
    size_t mask = n_slots - 1;
    for (size_t i = 0; i < m->count; i++) {
        size_t s = home_slot(m, m->entries[i].hash);
        while (slots[s] != 0)
            s = (s + 1) & mask;
        slots[s] = (uint32_t)(i + 1);
    }
    return true;
}

uint64_t *strmap_find(const strmap_t *m, const char *key, size_t n)
{
    if (m->count == 0)
        return NULL;
    bool found;
    size_t s = probe(m, key, n, strmap_hash(key, n), &found);
    return found ? &m->entries[m->slots[s] - 1].value : NULL;
}

uint64_t *strmap_insert(strmap_t *m, const char *key, size_t n, bool *added)
{
    uint64_t hash = strmap_hash(key, n);
    bool found = false;
    size_t s = 0;
    if (m->n_slots > 0) {
        s = probe(m, key, n, hash, &found);
        if (found) {
            if (added != NULL)
                *added = false;
            return &m->entries[m->slots[s] - 1].value;
        }
    }
    if (m->count >= UINT32_MAX - 1)
        return NULL;
    /* Keep the load at or under 70%: longer probe runs cost more than the slots. */
    if (m->n_slots == 0 || (m->count + 1) * 10 > m->n_slots * 7) {
        size_t want = m->n_slots == 0 ? STRMAP_MIN_SLOTS : m->n_slots * 2;
        if (!rehash(m, want))
            return NULL;
        s = probe(m, key, n, hash, &found);
    }
    if (m->count == m->cap_entries) {
        size_t cap = m->cap_entries == 0 ? 8 : m->cap_entries * 2;
        strmap_entry_t *e = realloc(m->entries, cap * sizeof *e);
        if (e == NULL)
            return NULL;
        m->entries = e;
        m->cap_entries = cap;
    }
    char *copy = malloc(n + 1);
    if (copy == NULL)
        return NULL;
    if (n > 0)
        memcpy(copy, key, n);
    copy[n] = '\0';
    strmap_entry_t *ent = &m->entries[m->count];
    ent->hash = hash;
    ent->value = 0;
    ent->key = copy;
    ent->n = n;
    m->slots[s] = (uint32_t)(m->count + 1);
    m->count++;
    m->key_bytes += n + 1;
    if (added != NULL)
        *added = true;
    return &ent->value;
}

/* Empties slot s and shifts later members of its probe run back, so that every remaining key
 * stays reachable from its home slot without tombstones. */
static void delete_slot(strmap_t *m, size_t s)
{
    size_t mask = m->n_slots - 1;
    size_t hole = s;
    for (size_t j = (hole + 1) & mask; m->slots[j] != 0; j = (j + 1) & mask) {
        size_t home = home_slot(m, m->entries[m->slots[j] - 1].hash);
        /* The entry at j may move to the hole only if its home is not cyclically in (hole, j]. */
        bool home_after_hole = ((j - home) & mask) < ((j - hole) & mask);
        if (!home_after_hole) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole] = 0;
}

bool strmap_remove(strmap_t *m, const char *key, size_t n)
{
    if (m->count == 0)
        return false;
    bool found;
    size_t s = probe(m, key, n, strmap_hash(key, n), &found);
    if (!found)
        return false;
    size_t i = m->slots[s] - 1;
    delete_slot(m, s);
    m->key_bytes -= m->entries[i].n + 1;
    free(m->entries[i].key);
    size_t last = m->count - 1;
    if (i != last) {
        m->slots[slot_of_entry(m, last)] = (uint32_t)(i + 1);
        m->entries[i] = m->entries[last];
    }
    m->count--;
    return true;
}

const char *strmap_key_at(const strmap_t *m, size_t i, size_t *n)
{
    if (n != NULL)
        *n = m->entries[i].n;
    return m->entries[i].key;
}

uint64_t *strmap_value_at(const strmap_t *m, size_t i)
{
    return &m->entries[i].value;
}
