/* What report_html.c (the writer, the index) and report_html_page.c (a scenario's page) share:
 * the page frame, the status badges and the rule lists. */
#ifndef APPCSIM_REPORT_HTML_PRIV_H
#define APPCSIM_REPORT_HTML_PRIV_H

#include <stdio.h>

#include "report.h"

/* The rule IDs of RULES.md in their order (T1..T3, S1.., ..., D5), as scenario_rule_known
 * accepts them. Returns the count; ids[i] are static strings. */
size_t html_rule_ids(const char *const **ids);
/* Position of id in that order (unknown IDs after every known one). */
size_t html_rule_rank(const char *id);

/* Which rules a scenario counts for in the coverage table, and what to call that. */
typedef struct {
    const char *label;       /* "claimed" or "reached": the column's word */
    const char *explanation; /* a sentence for the page */
    /* The scenario's rule IDs, unique, in rule order (pointers into r); *n set. NULL when
     * there are none or memory ran out. The caller frees the array (not the strings). */
    const char **(*list)(const run_result_t *r, size_t *n);
} html_rules_source_t;

extern const html_rules_source_t html_rules_source;  /* the coverage table: reached */
extern const html_rules_source_t html_rules_claimed; /* what the expectations name */

/* <!DOCTYPE html> ... <body><main>: title is escaped. */
void html_begin(FILE *f, const char *title);
void html_end(FILE *f);
/* <span class="badge STATUS">STATUS</span> */
void html_badge(FILE *f, const char *status);
/* text escaped; NULL writes nothing */
void html_text(FILE *f, const char *s);

/* Writes one scenario page to path (report_html_page.c). 0, or -1 with err. */
int html_write_scenario_page(const char *path, const run_result_t *r, errinfo_t *err);

#endif
