/* scenario_internal: what the scenario_*.c files share while loading; not for other modules.
 *
 * A source is one file's text, pre-passed (jsonc), parsed (jansson) and indexed (jsonpos). A jv_t
 * is a jansson value together with its position entry and the way it was reached (parent and key
 * or index), so that any diagnostic can name file:line:col and the field's path without building
 * paths for values that are fine. jv_t values live on the stack of the functions walking the
 * tree; a child points at its parent, which outlives it.
 *
 * Every ld_* reader checks one value, reports what is wrong (as many errors as it finds) and
 * returns false; the caller keeps the default and carries on, so that all errors of a file are
 * found in one load. Allocation goes into the scenario being built, which stays consistent (every
 * count matches its array) so that scenario_free can release a half-built one. */
#ifndef APPCSIM_SCENARIO_INTERNAL_H
#define APPCSIM_SCENARIO_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "jsonpos.h"
#include "scenario.h"
#include "strmap.h"

typedef struct {
    char *file;     /* the name used in diagnostics */
    char *original; /* the text as read */
    char *json;     /* after jsonc_prepare */
    size_t len;
    jsonpos_t *pos;
    json_t *root;
} ld_src_t;

typedef struct jv {
    json_t *j; /* NULL when the member is absent */
    const ld_src_t *src;
    uint32_t e; /* jsonpos entry, JSONPOS_NONE when unknown */
    const struct jv *parent;
    const char *key; /* the member's key in parent (an object), or NULL */
    size_t index;    /* the element's index in parent (an array) */
} jv_t;

typedef struct {
    scenario_t *s;
    diag_list_t *diags;
    size_t errors; /* errors this load reported */
    bool oom;
    const char *base_dir;
    strmap_t *node_names, *node_ids, *region_names, *event_ids, *expect_ids, *policy_files;
    strmap_t *zone_keys; /* ld_pair_key(origin, view) -> zone index */
    size_t policies_cap;
} ld_t;

/* Rule coverage of the load (diag.h), marked where a load-time check decides something:
 *   N1  scenario_policy.c:app_domains    a configured domain was checked (and normalised)
 *   N4  scenario_policy.c:app_domains    a configured domain was rejected for its '*'
 *   N5  scenario_policy.c:app_domains, load_route_approvers; scenario_read.c:ld_prefix_list
 *       a duplicate domain, approver prefix or route collapsed
 *   S3  scenario_policy.c:load_body, load_nodeattr, check_target   a policy section, key,
 *       capability or target selector ignored with a warning
 *   S5  scenario_policy.c:app_domains    more than 250 domains
 * S4 (a load error) is the runner's: any error in the list. */
static inline void ld_mark(ld_t *ld, int r)
{
    rules_mark(&ld->diags->rules, r);
}

/* ---- sources (scenario_json.c) ---- */

/* Reads path (at most SCENARIO_MAX_FILE_BYTES) into a new source named `name`. NULL after
 * reporting the error (at `from` when given, else at the file). */
ld_src_t *ld_src_read(ld_t *ld, const char *path, const char *name, const jv_t *from);
/* Takes a copy of text. NULL after reporting. */
ld_src_t *ld_src_from_text(ld_t *ld, const char *text, size_t len, const char *name);
/* Pre-pass, parse and index; false after reporting. */
bool ld_src_parse(ld_t *ld, ld_src_t *src);
void ld_src_free(ld_src_t *src);
/* The root value of a parsed source. */
jv_t ld_src_root(const ld_src_t *src);

/* ---- diagnostics ---- */

void ld_err(ld_t *ld, const jv_t *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ld_warn(ld_t *ld, const jv_t *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* At the member's key; the path is the enclosing object's. */
void ld_err_key(ld_t *ld, const jv_t *member, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ld_warn_key(ld_t *ld, const jv_t *member, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports out-of-memory once; further work is pointless but must stay safe. */
void ld_oom(ld_t *ld);
/* True while diagnostics are still being kept (worth computing a costly suggestion). */
bool ld_keeping(const ld_t *ld);
/* Writes v's path ("nodes[2].tags[0]") into buf. */
void ld_path(const jv_t *v, char *buf, size_t cap);
/* v's line and column (0, 0 when unknown); at_key: of its key. */
void ld_line_col(const jv_t *v, bool at_key, unsigned *line, unsigned *col);

/* ---- allocation into the scenario ---- */

void *ld_calloc(ld_t *ld, size_t n, size_t size);
char *ld_strdup(ld_t *ld, const char *s);
/* Grows *arr (of *cap elements of size) to hold at least need; new elements are zeroed. */
bool ld_reserve(ld_t *ld, void **arr, size_t *cap, size_t need, size_t size);
/* Frees n strings and the array; v may be NULL (then n is ignored). */
void ld_free_strings(char **v, size_t n);

/* ---- walking values ---- */

/* "an object", "a string", "an integer", ... */
const char *ld_type_name(const json_t *j);
/* Reports "FIELD must be WHAT, not TYPE" unless v has type t. */
bool ld_is(ld_t *ld, const jv_t *v, json_type t, const char *what);

enum { LD_ICASE = 1 }; /* keys match regardless of ASCII case (policy files) */

/* Reads obj (which must be an object) into fields[i] for keys[i] (fields[i].j NULL when absent).
 * Unknown keys are errors suggesting the nearest of keys, unless `ignored` (NULL-terminated,
 * may be NULL) lists them: those get the warning `ignored_why` instead. */
bool ld_object(ld_t *ld, const jv_t *obj, const char *const *keys, size_t n_keys, jv_t *fields,
               unsigned flags, const char *const *ignored, const char *ignored_why);
/* Reports "missing required field KEY" at obj unless field is present. */
bool ld_required(ld_t *ld, const jv_t *obj, const jv_t *field, const char *key);
/* The member of obj named key (case-sensitive), or a jv with j NULL. */
jv_t ld_member(const jv_t *obj, const char *key);

typedef struct {
    const jv_t *parent;
    size_t i, n;
    uint32_t e;
    void *oiter;
} jv_iter_t;
/* Iterates the elements of an array or the members of an object, in file order. */
void jv_iter_init(jv_iter_t *it, const jv_t *container);
bool jv_iter_next(jv_iter_t *it, jv_t *out);

/* Checks v is an array of at most max elements (SCENARIO_MAX_LIST when 0). */
bool ld_array(ld_t *ld, const jv_t *v, size_t max, size_t *n);

/* ---- typed readers: each reports its own errors and returns false ---- */

/* A string of 1..max bytes (allow_empty: 0..max). view points into jansson's value. */
bool ld_str_view(ld_t *ld, const jv_t *v, size_t max, bool allow_empty, const char **view);
bool ld_str(ld_t *ld, const jv_t *v, size_t max, bool allow_empty, char **out);
bool ld_bool(ld_t *ld, const jv_t *v, bool *out);
/* A JSON integer >= 0 or a string of decimal digits (above INT64_MAX). */
bool ld_u64(ld_t *ld, const jv_t *v, uint64_t *out);
/* A duration string (simtime) or a JSON integer of nanoseconds, >= 0. */
bool ld_duration(ld_t *ld, const jv_t *v, sim_time_t *out);
bool ld_prefix(ld_t *ld, const jv_t *v, pfx_t *out);
bool ld_addr(ld_t *ld, const jv_t *v, pfx_addr_t *out);
/* A DNS name: canonical text (lower case, no trailing dot) into a new string. "." is the root
 * ("") when allow_root; "*.d" only when allow_wildcard. */
bool ld_dns_name(ld_t *ld, const jv_t *v, bool allow_wildcard, bool allow_root, char **out);
/* An RR type name ("A", "AAAA", "TYPE65") into its number. */
bool ld_rr_type(ld_t *ld, const jv_t *v, uint16_t *out);
/* An rcode name ("NOERROR", "SERVFAIL") into its number. */
bool ld_rcode(ld_t *ld, const jv_t *v, uint8_t *out);
/* A "tag:x" string (x: letters, digits, '-', '_'). */
bool ld_tag(ld_t *ld, const jv_t *v, const char **view);
bool ld_is_tag(const char *s);
/* A list of strings (each 1..max bytes; max 0 means SCENARIO_MAX_STRING); with dedupe, later
 * duplicates are dropped (N5). check (may be NULL) validates each element. */
bool ld_str_list(ld_t *ld, const jv_t *v, size_t max, bool dedupe,
                 bool (*check)(ld_t *, const jv_t *, const char *), char ***out, size_t *n);
/* A list of rule IDs, each known (scenario_rule_known). */
bool ld_rule_list(ld_t *ld, const jv_t *v, char ***out, size_t *n);
/* A list of prefixes, duplicates dropped (N5); check (may be NULL) validates each one. */
bool ld_prefix_list(ld_t *ld, const jv_t *v, bool (*check)(ld_t *, const jv_t *, const pfx_t *),
                    pfx_t **out, size_t *n);
/* Checks that a name (of a node or region) is 1-63 letters, digits, '-', '_', '.'. */
bool ld_check_name(ld_t *ld, const jv_t *v, const char *s);

/* ---- references ---- */

bool ld_node_ref(ld_t *ld, const jv_t *v, size_t *out);
bool ld_region_ref(ld_t *ld, const jv_t *v, size_t *out);
/* Joins base_dir and a relative path (absolute paths are kept). NULL on out-of-memory. */
char *ld_resolve_path(ld_t *ld, const char *rel);

/* A map key for "one per (text, number)": text, a NUL, the number's 8 bytes; returns its size. */
#define LD_PAIR_KEY_MAX (DN_TEXT_MAX + 9)
size_t ld_pair_key(const char *text, uint64_t x, char key[LD_PAIR_KEY_MAX]);

/* ---- the sections (one file each) ---- */

/* Loads a policy version from an inline object or a policy_file string (exactly one non-NULL j)
 * and appends it to s->policies (a file named again gives its earlier version). */
bool ld_policy(ld_t *ld, const jv_t *inline_policy, const jv_t *policy_file, size_t *version);
void ld_dns(ld_t *ld, const jv_t *dns);
/* S4: checks that text (one RR line; relative names relative to origin, NULL for none) parses
 * as a record, reporting the error at `at`. */
bool ld_rr_line(ld_t *ld, const jv_t *at, const char *text, const char *origin);
void ld_timeline(ld_t *ld, const jv_t *timeline);
void ld_expect(ld_t *ld, const jv_t *expect);

void scenario_policy_clear(scenario_policy_t *p);
void scenario_zone_clear(scenario_zone_t *z);
void scenario_script_clear(scenario_script_t *sc);
void scenario_event_clear(scenario_event_t *ev);
void scenario_expect_clear(scenario_expect_t *ex);

#endif
