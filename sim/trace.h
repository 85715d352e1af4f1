/* trace: the record of every observable change of a run, as JSON Lines.
 *
 * One record per change, one line each, keys in the order written (so the same run writes the
 * same bytes):
 *   {"t":1300000000,"node":"c1","kind":"route_change","add":["1.2.3.4/32"],"remove":[]}
 * "t" is the time in nanoseconds (T1), "node" the node's name (left out when NULL), "kind"
 * what happened; the rest is the kind's details. Records appear in execution order (T1).
 *
 * Writing a record: trace_begin, then any fields, then trace_end. Field functions take a key;
 * inside an array (trace_array_begin ... trace_array_end) the key must be NULL and each call
 * adds an element. Objects nest the same way (trace_object_begin/end), up to 16 levels.
 * Strings are escaped per RFC 8259: '"', '\\' and control characters are escaped, valid UTF-8
 * passes through unchanged, and each byte that is not part of valid UTF-8 becomes \ufffd, so
 * every record is valid JSON whatever bytes a name carried. A NULL string value writes null.
 * trace_raw inserts caller-made JSON text as is (it must be valid and contain no newline).
 * Readers: jansson reads every record, with two caveats of jansson's own: a string holding a
 * NUL byte (written as \u0000) needs JSON_ALLOW_NUL, and integers above INT64_MAX do not fit
 * json_int_t, so write 64-bit identifiers (node ids, S1) as decimal strings, not trace_uint.
 *
 * Where records go: kept in memory (the default; read back with trace_record / trace_text, for
 * the checker and the reports), streamed to a FILE* (trace_set_stream), or both. Every record's
 * bytes plus its newline are hashed as written, FNV-1a-64 over the whole text: the fingerprint,
 * printed as 16 lowercase hex digits. A run that keeps nothing still hashes and streams.
 *
 * Misuse (a NULL kind, a field outside a record, a key missing or extra, trace_begin inside a
 * record, unbalanced nesting) and failures (out of memory, a failed stream write) never crash:
 * the first message is kept in trace_error, misplaced calls are ignored, and trace_end closes
 * what is still open so the line stays valid JSON. A record that ran out of memory is dropped. */
#ifndef APPCSIM_TRACE_H
#define APPCSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "simtime.h"

typedef struct trace trace_t;

/* NULL when out of memory. trace_free(NULL) is allowed; it never closes the stream. */
trace_t *trace_new(void);
void trace_free(trace_t *t);

/* Streams every later record (and its newline) to f, or stops streaming when f is NULL. */
void trace_set_stream(trace_t *t, FILE *f);
/* Keep records in memory (true, the default) or not. Only before the first record: returns
 * false and changes nothing afterwards. */
bool trace_set_keep(trace_t *t, bool keep);

void trace_begin(trace_t *t, sim_time_t time, const char *node, const char *kind);
void trace_str(trace_t *t, const char *key, const char *value);
/* A string of len bytes that need not be NUL-terminated (NUL bytes are escaped). */
void trace_strn(trace_t *t, const char *key, const char *value, size_t len);
void trace_int(trace_t *t, const char *key, int64_t value);
void trace_uint(trace_t *t, const char *key, uint64_t value);
void trace_bool(trace_t *t, const char *key, bool value);
void trace_null(trace_t *t, const char *key);
void trace_raw(trace_t *t, const char *key, const char *json);
/* An array of n strings in one call (NULL elements write null). */
void trace_str_array(trace_t *t, const char *key, const char *const *values, size_t n);
void trace_array_begin(trace_t *t, const char *key);
void trace_array_end(trace_t *t);
void trace_object_begin(trace_t *t, const char *key);
void trace_object_end(trace_t *t);
void trace_end(trace_t *t);

/* Records completed so far (kept or not). */
size_t trace_count(const trace_t *t);
/* Record i (0-based) without its newline, *len bytes, not NUL-terminated; NULL when records
 * are not kept or i is out of range. Valid until the next write to t. */
const char *trace_record(const trace_t *t, size_t i, size_t *len);
/* Every kept record with its newline, in order (*len bytes, not NUL-terminated). */
const char *trace_text(const trace_t *t, size_t *len);

/* The time of a record as written by this module ({"t":DIGITS,...} comes first), read without
 * parsing; -1 when the record does not start that way. */
sim_time_t trace_record_time(const char *rec, size_t len);

/* FNV-1a-64 of every completed record and its newline (0xcbf29ce484222325 when empty). */
uint64_t trace_hash(const trace_t *t);
/* trace_hash as 16 lowercase hex digits; returns buf. */
const char *trace_fingerprint(const trace_t *t, char buf[17]);
/* The first misuse or failure message, or NULL. */
const char *trace_error(const trace_t *t);

#endif
