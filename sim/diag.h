/* diag: a list of diagnostics (errors and warnings) about input files, each naming
 * file:line:col and the offending field's path.
 *
 * Loaders add every problem they find instead of stopping at the first. The list keeps at most
 * `max` diagnostics (DIAG_MAX_DEFAULT); the rest are only counted, and printing ends with one
 * "... and N more errors" line (diag_list_summary). Ownership: the list owns every string of its items
 * (copied in); diag_list_free releases them. Adding never fails loudly: out of memory drops the
 * item and counts it. */
#ifndef APPCSIM_DIAG_H
#define APPCSIM_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rules.h"

#define DIAG_MAX_DEFAULT 100

typedef enum { DIAG_ERROR, DIAG_WARNING } diag_severity_t;

typedef struct {
    diag_severity_t severity;
    char *file;    /* the file as named to the loader; "" when none */
    unsigned line; /* 1-based; 0 when unknown */
    unsigned col;  /* 1-based, in characters (UTF-8 code points); 0 when unknown */
    char *path;    /* the field's path ("nodes[2].tags[0]"); "" for the whole file */
    char *message;
} diag_t;

typedef struct {
    diag_t *items;
    size_t n, cap;
    size_t max;          /* items kept at most */
    size_t n_errors;     /* all errors added, kept or not */
    size_t n_warnings;   /* all warnings added, kept or not */
    size_t dropped_errors, dropped_warnings; /* not kept (over max or out of memory) */
    /* Rule coverage (model/rules.h) of the load that filled the list: the rules whose load-time
     * checks decided something (the scenario loader marks N1, N4, N5, S3, S5; see
     * scenario_internal.h). Kept here because a failed load has no scenario to hold them. */
    rules_t rules;
} diag_list_t;

void diag_list_init(diag_list_t *l);
void diag_list_free(diag_list_t *l);
/* Drops every item and resets the counts (max is kept). */
void diag_list_clear(diag_list_t *l);

void diag_add(diag_list_t *l, diag_severity_t sev, const char *file, unsigned line, unsigned col,
              const char *path, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void diag_addv(diag_list_t *l, diag_severity_t sev, const char *file, unsigned line, unsigned col,
               const char *path, const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));

/* Sorts the kept items by file (in order of first appearance), line and column; items at equal
 * places keep the order they were added in. */
void diag_list_finish(diag_list_t *l);
/* "... and N more errors" (and/or warnings) when some were not kept: true and buf filled. */
bool diag_list_summary(const diag_list_t *l, char *buf, size_t cap);

/* "FILE:LINE:COL: error: PATH: MESSAGE" (parts that are unknown are left out). Returns the
 * length snprintf would write. */
int diag_format(const diag_t *d, char *buf, size_t cap);
/* Writes every item, one per line, then the summary line if any. */
void diag_list_print(const diag_list_t *l, FILE *out);

#endif
