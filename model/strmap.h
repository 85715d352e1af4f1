/* strmap: a hash map from byte strings to 64-bit values.
 *
 * Open addressing over a dense entry array, so iteration is in insertion order (removals
 * compact the array by moving the last entry into the hole, which is also deterministic): the
 * same sequence of operations always iterates the same way. Keys are copied in and owned.
 * The hash is FNV-1a-64; nothing is random. */
#ifndef APPCSIM_STRMAP_H
#define APPCSIM_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct strmap strmap_t;

strmap_t *strmap_new(void);
void strmap_free(strmap_t *m);
size_t strmap_count(const strmap_t *m);
size_t strmap_memory(const strmap_t *m);

/* The value slot of key, or NULL when absent. The pointer stays valid until the next insert or
 * remove. */
uint64_t *strmap_find(const strmap_t *m, const char *key, size_t n);
/* The value slot of key, adding it with value 0 when absent (*added tells which; may be NULL).
 * NULL on out-of-memory (nothing changed). */
uint64_t *strmap_insert(strmap_t *m, const char *key, size_t n, bool *added);
/* Removes key; returns true when it was present. */
bool strmap_remove(strmap_t *m, const char *key, size_t n);

/* Entry i (0 <= i < count) in iteration order. */
const char *strmap_key_at(const strmap_t *m, size_t i, size_t *n);
uint64_t *strmap_value_at(const strmap_t *m, size_t i);

/* FNV-1a-64 of n bytes (exposed for other hash tables of model/). */
uint64_t strmap_hash(const void *data, size_t n);

#endif
