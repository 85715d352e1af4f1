/* report_json: results as JSON (results.json, and worker -> parent messages). Field order is
 * fixed (JSON_PRESERVE_ORDER) so that the same results give the same bytes.
 *
 * 64-bit values that may exceed jansson's signed integers (the seed) are decimal strings;
 * times are nanoseconds (json integers) beside their text ("2.5s", "end"). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *strings(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(v[i] ? v[i] : ""));
    return a;
}

/* Rule IDs in RULES order (rules.h). */
static json_t *rule_names(rules_t set)
{
    json_t *a = json_array();
    for (int r = rules_next(set, 0); a && r != RULE_NONE; r = rules_next(set, r + 1))
        json_array_append_new(a, json_string(rule_name(r)));
    return a;
}

static json_t *time_text(sim_time_t t)
{
    char b[SIMTIME_BUF];
    return json_string(t == SCENARIO_END ? "end" : simtime_format(t, b));
}

static json_t *check_json(const check_result_t *c)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    json_object_set_new(o, "index", json_integer((json_int_t)c->index));
    json_object_set_new(o, "id", str_or_null(c->id));
    json_object_set_new(o, "kind", json_string(c->kind ? c->kind : ""));
    json_object_set_new(o, "at", time_text(c->at));
    json_object_set_new(o, "at_ns", c->at == SCENARIO_END ? json_null() : json_integer(c->at));
    json_object_set_new(o, "checked_at_ns", json_integer(c->at_time));
    json_object_set_new(o, "rules", strings(c->rules, c->n_rules));
    json_object_set_new(o, "status", json_string(check_status_name(c->status)));
    json_object_set_new(o, "expected", json_string(c->expected ? c->expected : ""));
    json_object_set_new(o, "got", json_string(c->got ? c->got : ""));
    json_object_set_new(o, "line", json_integer(c->line));
    json_object_set_new(o, "col", json_integer(c->col));
    json_object_set_new(o, "context_ns", json_integer(c->context_time));
    json_object_set_new(o, "context_node", str_or_null(c->context_node));
    json_object_set_new(o, "trace", strings(c->context, c->n_context));
    return o;
}

json_t *report_json_result(const run_result_t *r, bool with_trace)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    char seed[24];
    snprintf(seed, sizeof seed, "%" PRIu64, r->seed);
    json_object_set_new(o, "name", json_string(r->name ? r->name : ""));
    json_object_set_new(o, "file", json_string(r->file ? r->file : ""));
    json_object_set_new(o, "description", str_or_null(r->description));
    json_object_set_new(o, "status", json_string(run_status_name(r->status)));
    json_object_set_new(o, "seed", json_string(seed));
    json_object_set_new(o, "fingerprint", json_string(r->fingerprint));
    json_object_set_new(o, "end", time_text(r->end_time));
    json_object_set_new(o, "end_ns", json_integer(r->end_time));
    json_object_set_new(o, "events", json_integer((json_int_t)r->events));
    json_object_set_new(o, "records", json_integer((json_int_t)r->records));
    json_object_set_new(o, "error", str_or_null(r->error));
    json_object_set_new(o, "diagnostics", strings(r->diags, r->n_diags));
    json_object_set_new(o, "diagnostic_errors", json_integer((json_int_t)r->n_diag_errors));
    json_object_set_new(o, "warnings", strings(r->warnings, r->n_warnings));
    json_object_set_new(o, "rules_reached", rule_names(r->rules_reached));
    json_t *checks = json_array();
    for (size_t i = 0; checks && i < r->n_checks; i++)
        json_array_append_new(checks, check_json(&r->checks[i]));
    json_object_set_new(o, "expectations", checks);
    if (with_trace)
        json_object_set_new(o, "trace", r->trace ? json_stringn(r->trace, r->trace_len)
                                                  : json_null());
    return o;
}

/* ---- reading back ---- */

static int get_str(const json_t *o, const char *key, bool nullable, char **out, errinfo_t *err)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (nullable && (v == NULL || json_is_null(v)))
        return 0;
    if (!json_is_string(v)) {
        errinfo_set(err, "result field '%s' is not a string", key);
        return -1;
    }
    *out = strndup(json_string_value(v), json_string_length(v));
    return *out ? 0 : -1;
}

static int get_int(const json_t *o, const char *key, int64_t *out, errinfo_t *err)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v)) {
        errinfo_set(err, "result field '%s' is not an integer", key);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

static int get_strings(const json_t *o, const char *key, char ***out, size_t *n,
                       errinfo_t *err)
{
    json_t *a = json_object_get(o, key);
    *out = NULL;
    *n = 0;
    if (!json_is_array(a)) {
        errinfo_set(err, "result field '%s' is not an array", key);
        return -1;
    }
    size_t len = json_array_size(a);
    if (len == 0)
        return 0;
    if ((*out = calloc(len, sizeof **out)) == NULL)
        return -1;
    for (size_t i = 0; i < len; i++) {
        const char *s = json_string_value(json_array_get(a, i));
        if (s == NULL) {
            errinfo_set(err, "result field '%s[%zu]' is not a string", key, i);
            return -1;
        }
        if (((*out)[i] = strdup(s)) == NULL)
            return -1;
        (*n)++;
    }
    return 0;
}

/* "rules_reached": rule IDs; absent reads as none (results written before it existed). */
static int get_rules(const json_t *o, const char *key, rules_t *out, errinfo_t *err)
{
    json_t *a = json_object_get(o, key);
    *out = 0;
    if (a == NULL)
        return 0;
    if (!json_is_array(a)) {
        errinfo_set(err, "result field '%s' is not an array", key);
        return -1;
    }
    for (size_t i = 0; i < json_array_size(a); i++) {
        int r = rule_parse(json_string_value(json_array_get(a, i)));
        if (r == RULE_NONE) {
            errinfo_set(err, "result field '%s[%zu]' is not a rule ID", key, i);
            return -1;
        }
        rules_mark(out, r);
    }
    return 0;
}

static int parse_check(const json_t *o, check_result_t *c, errinfo_t *err)
{
    int64_t v;
    char *kind = NULL, *status = NULL, *at = NULL;
    int rc = -1;
    if (!json_is_object(o)) {
        errinfo_set(err, "an expectation result is not an object");
        return -1;
    }
    if (get_int(o, "index", &v, err) != 0)
        goto out;
    c->index = (size_t)v;
    if (get_str(o, "id", true, &c->id, err) != 0 || get_str(o, "kind", false, &kind, err) != 0 ||
        get_str(o, "at", false, &at, err) != 0 ||
        get_str(o, "status", false, &status, err) != 0 ||
        get_strings(o, "rules", &c->rules, &c->n_rules, err) != 0 ||
        get_str(o, "expected", false, &c->expected, err) != 0 ||
        get_str(o, "got", false, &c->got, err) != 0 ||
        get_str(o, "context_node", true, &c->context_node, err) != 0 ||
        get_strings(o, "trace", &c->context, &c->n_context, err) != 0)
        goto out;
    c->kind = NULL;
    for (int k = SCENARIO_EXP_ADVERTISED; k <= SCENARIO_EXP_INVARIANT; k++)
        if (strcmp(kind, check_kind_name((scenario_expect_kind_t)k)) == 0)
            c->kind = check_kind_name((scenario_expect_kind_t)k); /* a static string */
    if (c->kind == NULL) {
        errinfo_set(err, "unknown expectation kind '%s'", kind);
        goto out;
    }
    json_t *at_ns = json_object_get(o, "at_ns");
    c->at = json_is_integer(at_ns) ? json_integer_value(at_ns) : SCENARIO_END;
    if (get_int(o, "checked_at_ns", &c->at_time, err) != 0 ||
        get_int(o, "context_ns", &c->context_time, err) != 0)
        goto out;
    if (get_int(o, "line", &v, err) != 0)
        goto out;
    c->line = (unsigned)v;
    if (get_int(o, "col", &v, err) != 0)
        goto out;
    c->col = (unsigned)v;
    static const check_status_t sts[] = {CHECK_PASS, CHECK_FAIL, CHECK_ERROR, CHECK_NOT_RUN};
    bool found = false;
    for (size_t i = 0; i < 4; i++)
        if (strcmp(status, check_status_name(sts[i])) == 0) {
            c->status = sts[i];
            found = true;
        }
    if (!found) {
        errinfo_set(err, "unknown expectation status '%s'", status);
        goto out;
    }
    rc = 0;
out:
    free(kind);
    free(status);
    free(at);
    return rc;
}

int report_json_parse_result(const json_t *j, run_result_t *out, errinfo_t *err)
{
    memset(out, 0, sizeof *out);
    char *status = NULL, *seed = NULL, *fp = NULL;
    int64_t v;
    if (!json_is_object(j)) {
        errinfo_set(err, "a result is not an object");
        return -1;
    }
    if (get_str(j, "name", false, &out->name, err) != 0 ||
        get_str(j, "file", false, &out->file, err) != 0 ||
        get_str(j, "description", true, &out->description, err) != 0 ||
        get_str(j, "status", false, &status, err) != 0 ||
        get_str(j, "seed", false, &seed, err) != 0 ||
        get_str(j, "fingerprint", false, &fp, err) != 0 ||
        get_int(j, "end_ns", &out->end_time, err) != 0 ||
        get_str(j, "error", true, &out->error, err) != 0 ||
        get_strings(j, "diagnostics", &out->diags, &out->n_diags, err) != 0 ||
        get_strings(j, "warnings", &out->warnings, &out->n_warnings, err) != 0 ||
        get_rules(j, "rules_reached", &out->rules_reached, err) != 0)
        goto fail;
    if (get_int(j, "events", &v, err) != 0)
        goto fail;
    out->events = (uint64_t)v;
    if (get_int(j, "records", &v, err) != 0)
        goto fail;
    out->records = (uint64_t)v;
    if (get_int(j, "diagnostic_errors", &v, err) != 0)
        goto fail;
    out->n_diag_errors = (size_t)v;
    out->seed = strtoull(seed, NULL, 10);
    snprintf(out->fingerprint, sizeof out->fingerprint, "%s", fp);
    static const run_status_t sts[] = {RUN_PASS, RUN_FAIL, RUN_ERROR, RUN_INVALID};
    bool found = false;
    for (size_t i = 0; i < 4; i++)
        if (strcmp(status, run_status_name(sts[i])) == 0) {
            out->status = sts[i];
            found = true;
        }
    if (!found) {
        errinfo_set(err, "unknown scenario status '%s'", status);
        goto fail;
    }
    json_t *checks = json_object_get(j, "expectations");
    if (!json_is_array(checks)) {
        errinfo_set(err, "result field 'expectations' is not an array");
        goto fail;
    }
    size_t n = json_array_size(checks);
    if (n > 0) {
        if ((out->checks = calloc(n, sizeof *out->checks)) == NULL)
            goto fail;
        for (size_t i = 0; i < n; i++) {
            out->n_checks++;
            if (parse_check(json_array_get(checks, i), &out->checks[i], err) != 0)
                goto fail;
        }
    }
    json_t *trace = json_object_get(j, "trace");
    if (json_is_string(trace)) {
        out->trace_len = json_string_length(trace);
        if ((out->trace = malloc(out->trace_len + 1)) == NULL)
            goto fail;
        memcpy(out->trace, json_string_value(trace), out->trace_len);
        out->trace[out->trace_len] = '\0';
    }
    free(status);
    free(seed);
    free(fp);
    return 0;
fail:
    free(status);
    free(seed);
    free(fp);
    run_result_clear(out);
    return -1;
}

/* ---- results.json ---- */

int report_json_write(const char *path, const run_result_t *rs, size_t n, errinfo_t *err)
{
    size_t count[4] = {0};
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        count[rs[i].status]++;
        json_array_append_new(list, report_json_result(&rs[i], false));
    }
    json_t *summary = json_pack("{s:I,s:I,s:I,s:I,s:I}", "total", (json_int_t)n, "passed",
                                (json_int_t)count[RUN_PASS], "failed",
                                (json_int_t)count[RUN_FAIL], "errors",
                                (json_int_t)count[RUN_ERROR], "invalid",
                                (json_int_t)count[RUN_INVALID]);
    json_t *root = json_pack("{s:s,s:s,s:o,s:o}", "tool", "appcsim", "version", APPCSIM_VERSION,
                             "summary", summary, "scenarios", list);
    if (root == NULL) {
        errinfo_set(err, "%s: out of memory", path);
        return -1;
    }
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(root);
    if (text == NULL) {
        errinfo_set(err, "%s: out of memory", path);
        return -1;
    }
    FILE *f = fopen(path, "w");
    bool ok = f != NULL && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    if (f != NULL && fclose(f) != 0)
        ok = false;
    free(text);
    if (!ok) {
        errinfo_set(err, "%s: cannot write", path);
        return -1;
    }
    return 0;
}
