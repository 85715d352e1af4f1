/* jsonpos: where each value of a JSON text starts, since jansson keeps no positions.
 *
 * jsonpos_build scans a text that jansson has already parsed successfully (so it is valid
 * JSON) and records every value in document order (pre-order): its byte offset, the offset of
 * its key when it is an object member, and the size of its subtree. Because jansson keeps
 * object members in insertion order and the loader rejects duplicate keys, the k-th member of a
 * jansson object and the k-th child entry here are the same value; callers walk both trees in
 * step. Entries are 12 bytes each.
 *
 * Line and column: lines are counted by '\n', columns in characters (UTF-8 lead bytes), both
 * 1-based, as jansson counts them. They are computed on the original text given to
 * jsonpos_build (the one before jsonc_prepare, which has the same byte offsets), from checkpoints
 * every 256 bytes so that a position costs little even on one very long line.
 *
 * Ownership: the index keeps a pointer to `original`, which must outlive it. */
#ifndef APPCSIM_JSONPOS_H
#define APPCSIM_JSONPOS_H

#include <stddef.h>
#include <stdint.h>

#define JSONPOS_NONE UINT32_MAX

typedef struct jsonpos jsonpos_t;

/* Scans `json` (valid JSON of len bytes, at most UINT32_MAX - 1); line and column come from
 * `original` (same length). NULL on out-of-memory. */
jsonpos_t *jsonpos_build(const char *json, const char *original, size_t len);
void jsonpos_free(jsonpos_t *p);

/* Number of entries (values). Entry 0 is the top-level value. */
uint32_t jsonpos_count(const jsonpos_t *p);
/* The first child of entry e (JSONPOS_NONE when it has none or e is NONE). */
uint32_t jsonpos_first_child(const jsonpos_t *p, uint32_t e);
/* The sibling after child e of parent (JSONPOS_NONE after the last one or on NONE). */
uint32_t jsonpos_next_sibling(const jsonpos_t *p, uint32_t parent, uint32_t e);
/* The k-th child (0-based) of parent, walking siblings: O(k). */
uint32_t jsonpos_child(const jsonpos_t *p, uint32_t parent, size_t k);
/* Byte offsets of the value and of its key (JSONPOS_NONE when not an object member). */
uint32_t jsonpos_value_offset(const jsonpos_t *p, uint32_t e);
uint32_t jsonpos_key_offset(const jsonpos_t *p, uint32_t e);

/* Line and column of a byte offset (offset == len gives the position just past the end). */
void jsonpos_line_col(const jsonpos_t *p, size_t offset, unsigned *line, unsigned *col);
/* The same for any text, without an index (a linear scan). */
void jsonpos_text_line_col(const char *text, size_t len, size_t offset, unsigned *line,
                           unsigned *col);

#endif
