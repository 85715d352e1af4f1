/* runner: one scenario from file to result (see runner.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runner.h"
#include "scenario_world.h"

run_opts_t run_opts_default(void)
{
    run_opts_t o;
    memset(&o, 0, sizeof o);
    o.context = 5;
    return o;
}

const char *run_status_name(run_status_t st)
{
    switch (st) {
    case RUN_PASS:
        return "pass";
    case RUN_FAIL:
        return "fail";
    case RUN_ERROR:
        return "error";
    case RUN_INVALID:
        return "invalid";
    }
    return "error";
}

size_t run_result_count(const run_result_t *r, check_status_t st)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_checks; i++)
        n += r->checks[i].status == st;
    return n;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void run_result_clear(run_result_t *r)
{
    if (r == NULL)
        return;
    free(r->name);
    free(r->file);
    free(r->description);
    free(r->error);
    free_strings(r->diags, r->n_diags);
    free_strings(r->warnings, r->n_warnings);
    for (size_t i = 0; i < r->n_checks; i++)
        check_result_clear(&r->checks[i]);
    free(r->checks);
    free(r->trace);
    memset(r, 0, sizeof *r);
}

/* ---- small helpers ---- */

static int push_string(char ***v, size_t *n, const char *s)
{
    char *copy = strdup(s);
    char **nv = copy ? realloc(*v, (*n + 1) * sizeof **v) : NULL;
    if (nv == NULL) {
        free(copy);
        return -1;
    }
    nv[(*n)++] = copy;
    *v = nv;
    return 0;
}

/* "dir/name.json" -> "name": what the loader names a scenario without a name. */
static char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    return strndup(b, n);
}

static void take_diags(run_result_t *out, const diag_list_t *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++) {
        char buf[2048];
        diag_format(&d->items[i], buf, sizeof buf);
        push_string(&out->diags, &out->n_diags, buf);
    }
    char sum[128];
    if (diag_list_summary(d, sum, sizeof sum))
        push_string(&out->diags, &out->n_diags, sum);
    out->n_diag_errors += d->n_errors;
    /* Rule coverage: what the load's checks decided, and S4 when one rejected the file. */
    out->rules_reached |= d->rules | (d->n_errors > 0 ? rules_of(RULE_S4) : 0);
}

/* ---- trace context ---- */

static bool record_of_node(const char *rec, size_t len, const char *node)
{
    if (node == NULL)
        return true;
    char pat[300];
    int n = snprintf(pat, sizeof pat, "\"node\":\"%s\"", node);
    if (n <= 0 || (size_t)n >= sizeof pat || (size_t)n > len)
        return false;
    /* Records start {"t":N,"node":"x": the node key is near the front. */
    for (size_t i = 0; i + (size_t)n <= len && i < 40; i++)
        if (memcmp(rec + i, pat, (size_t)n) == 0)
            return true;
    return false;
}

/* Records are in time order (T1): the first record after `t` is found by bisection, then the
 * node's records are gathered walking back and forth from there. */
static size_t first_after(const trace_t *tr, sim_time_t t)
{
    size_t lo = 0, hi = trace_count(tr);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, len;
        const char *rec = trace_record(tr, mid, &len);
        if (rec != NULL && trace_record_time(rec, len) <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void add_context(const trace_t *tr, check_result_t *c, size_t k)
{
    if (k == 0)
        return;
    size_t count = trace_count(tr), split = first_after(tr, c->context_time);
    size_t *idx = calloc(2 * k, sizeof *idx);
    if (idx == NULL)
        return;
    /* Before: walking back, stored from the end of the first half. */
    size_t nb = 0, na = 0;
    for (size_t i = split; i > 0 && nb < k; i--) {
        size_t len;
        const char *rec = trace_record(tr, i - 1, &len);
        if (rec != NULL && record_of_node(rec, len, c->context_node))
            idx[k - 1 - nb++] = i - 1;
    }
    for (size_t i = split; i < count && na < k; i++) {
        size_t len;
        const char *rec = trace_record(tr, i, &len);
        if (rec != NULL && record_of_node(rec, len, c->context_node))
            idx[k + na++] = i;
    }
    if ((c->context = calloc(nb + na + 1, sizeof *c->context)) != NULL) {
        for (size_t j = k - nb; j < k + na; j++) {
            size_t len;
            const char *rec = trace_record(tr, idx[j], &len);
            if ((c->context[c->n_context] = strndup(rec, len)) != NULL)
                c->n_context++;
        }
    }
    free(idx);
}

static void collect_warnings(const trace_t *tr, run_result_t *out)
{
    static const char pat[] = "\"kind\":\"warning\"";
    size_t count = trace_count(tr);
    for (size_t i = 0; i < count; i++) {
        size_t len;
        const char *rec = trace_record(tr, i, &len);
        if (rec == NULL || len < sizeof pat - 1)
            continue;
        for (size_t j = 0; j + sizeof pat - 1 <= len; j++) {
            if (memcmp(rec + j, pat, sizeof pat - 1) == 0) {
                char *copy = strndup(rec, len);
                if (copy)
                    push_string(&out->warnings, &out->n_warnings, copy);
                free(copy);
                break;
            }
        }
    }
}

/* ---- the schedule of checks ---- */

typedef struct {
    sim_time_t t;
    int phase; /* 0: open an invariant's window; 1: check or close */
    size_t index;
} step_t;

static int step_cmp(const void *a, const void *b)
{
    const step_t *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (x->phase != y->phase)
        return x->phase - y->phase;
    return x->index < y->index ? -1 : x->index > y->index;
}

static step_t *plan_new(const scenario_t *s, size_t *n)
{
    step_t *steps = calloc(2 * s->n_expects + 1, sizeof *steps);
    if (steps == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < s->n_expects; i++) {
        const scenario_expect_t *e = &s->expects[i];
        if (e->kind == SCENARIO_EXP_INVARIANT)
            steps[k++] = (step_t){e->u.invariant.from, 0, i};
        steps[k++] = (step_t){e->at, 1, i};
    }
    qsort(steps, k, sizeof *steps, step_cmp);
    *n = k;
    return steps;
}

static void do_step(const scenario_t *s, const scenario_world_t *sw, const step_t *st,
                    check_window_t *wins, run_result_t *out)
{
    const scenario_expect_t *e = &s->expects[st->index];
    check_result_t *c = &out->checks[st->index];
    if (e->kind != SCENARIO_EXP_INVARIANT) {
        check_state(s, sw, st->index, c);
    } else if (st->phase == 0) {
        if (check_window_open(s, sw, st->index, &wins[st->index]) != 0)
            check_window_clear(&wins[st->index]);
    } else {
        wins[st->index].index = st->index;
        check_window_close(s, sw, &wins[st->index], c);
    }
}

static void run_world(const scenario_t *s, scenario_world_t *sw, run_result_t *out)
{
    size_t n_steps = 0;
    step_t *steps = plan_new(s, &n_steps);
    check_window_t *wins = calloc(s->n_expects + 1, sizeof *wins);
    if (steps == NULL || wins == NULL) {
        out->error = strdup("out of memory");
        goto out;
    }
    errinfo_t err = {{0}};
    bool stopped = false, ended = false;
    for (size_t i = 0; i < n_steps; i++) {
        if (!stopped && steps[i].t == SCENARIO_END && !ended) {
            ended = true;
            if (world_run(sw->world, &err) != 0)
                stopped = true;
        } else if (!stopped && steps[i].t != SCENARIO_END) {
            if (world_run_until(sw->world, steps[i].t, &err) != 0)
                stopped = true;
        }
        if (stopped) {
            if (out->error == NULL)
                out->error = strdup(err.msg[0] ? err.msg : "the run stopped");
            if (steps[i].phase == 1)
                check_not_run(s, steps[i].index, "the run stopped before its time",
                              &out->checks[steps[i].index]);
            continue;
        }
        do_step(s, sw, &steps[i], wins, out);
    }
    if (!stopped && !ended && world_run(sw->world, &err) != 0)
        out->error = strdup(err.msg[0] ? err.msg : "the run stopped");
out:
    if (wins != NULL)
        for (size_t i = 0; i < s->n_expects; i++)
            check_window_clear(&wins[i]);
    free(wins);
    free(steps);
}

void runner_run_scenario(const scenario_t *s, const diag_list_t *load_diags,
                         const run_opts_t *opts, run_result_t *out)
{
    run_opts_t o = opts ? *opts : run_opts_default();
    memset(out, 0, sizeof *out);
    out->name = strdup(s->name ? s->name : "");
    out->file = strdup(s->path ? s->path : "");
    out->description = s->description ? strdup(s->description) : NULL;
    out->seed = o.has_seed ? o.seed : s->seed;
    take_diags(out, load_diags);

    diag_list_t d;
    diag_list_init(&d);
    scenario_world_opts_t wo = {out->seed, o.trace_stream, true};
    scenario_world_t sw;
    if (scenario_world_build(s, &wo, &sw, &d) != 0) {
        take_diags(out, &d);
        diag_list_free(&d);
        out->status = RUN_INVALID;
        return;
    }
    take_diags(out, &d);
    diag_list_free(&d);
    out->n_checks = s->n_expects;
    out->checks = calloc(s->n_expects ? s->n_expects : 1, sizeof *out->checks);
    if (out->checks == NULL) {
        out->n_checks = 0;
        out->status = RUN_ERROR;
        out->error = strdup("out of memory");
        scenario_world_free(&sw);
        return;
    }
    if (o.validate_only) {
        for (size_t i = 0; i < s->n_expects; i++)
            check_not_run(s, i, "validated only", &out->checks[i]);
        out->rules_reached |= world_rules(sw.world); /* the converged start ran */
        out->status = RUN_PASS;
        scenario_world_free(&sw);
        return;
    }
    run_world(s, &sw, out);
    out->rules_reached |= world_rules(sw.world);

    trace_t *tr = world_trace(sw.world);
    trace_fingerprint(tr, out->fingerprint);
    out->end_time = world_now(sw.world);
    out->events = world_events_run(sw.world);
    out->records = trace_count(tr);
    if (trace_error(tr) != NULL && out->error == NULL) {
        size_t n = strlen(trace_error(tr)) + 32;
        if ((out->error = malloc(n)) != NULL)
            snprintf(out->error, n, "trace: %s", trace_error(tr));
    }
    collect_warnings(tr, out);
    bool failed = false;
    for (size_t i = 0; i < out->n_checks; i++) {
        check_result_t *c = &out->checks[i];
        if (c->kind == NULL) /* not reached by the plan: cannot happen, but never unset */
            check_not_run(s, i, "not evaluated", c);
        if (c->status == CHECK_FAIL || c->status == CHECK_ERROR) {
            failed = true;
            add_context(tr, c, o.context);
        }
        /* An expectation left unchecked is never a pass. */
        failed |= c->status == CHECK_NOT_RUN;
    }
    if (o.keep_trace) {
        size_t len;
        const char *text = trace_text(tr, &len);
        if (text != NULL && (out->trace = malloc(len + 1)) != NULL) {
            memcpy(out->trace, text, len);
            out->trace[len] = '\0';
            out->trace_len = len;
        }
    }
    out->status = out->error ? RUN_ERROR : failed ? RUN_FAIL : RUN_PASS;
    scenario_world_free(&sw);
}

void runner_result_invalid(const char *path, const diag_list_t *diags, const run_opts_t *opts,
                           run_result_t *out)
{
    memset(out, 0, sizeof *out);
    out->name = base_name(path);
    out->file = strdup(path);
    out->seed = opts && opts->has_seed ? opts->seed : 0;
    out->status = RUN_INVALID;
    take_diags(out, diags);
}

void runner_run_file(const char *path, const run_opts_t *opts, run_result_t *out)
{
    diag_list_t d;
    diag_list_init(&d);
    scenario_t *s = NULL;
    if (scenario_load(path, &s, &d) != 0 || s == NULL) {
        runner_result_invalid(path, &d, opts, out);
        diag_list_free(&d);
        return;
    }
    runner_run_scenario(s, &d, opts, out);
    diag_list_free(&d);
    scenario_free(s);
}
