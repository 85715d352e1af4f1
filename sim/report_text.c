/* report_text: the human summary of a run (see report.h). Only what the results hold: the same
 * results print the same text, whatever the number of worker processes. */
#include <string.h>

#include "report.h"

#define C_RESET "\033[0m"
#define C_GREEN "\033[32m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"

static const char *status_word(run_status_t st)
{
    switch (st) {
    case RUN_PASS:
        return "PASS";
    case RUN_FAIL:
        return "FAIL";
    case RUN_ERROR:
        return "ERROR";
    case RUN_INVALID:
        return "INVALID";
    }
    return "ERROR";
}

static const char *status_color(run_status_t st)
{
    return st == RUN_PASS ? C_GREEN : st == RUN_FAIL ? C_RED : C_YELLOW;
}

static void colored(FILE *out, const report_text_opts_t *o, const char *color, const char *text)
{
    if (o->color && color[0] != '\0')
        fprintf(out, "%s%s%s", color, text, C_RESET);
    else
        fputs(text, out);
}

static void put_time(FILE *out, sim_time_t t)
{
    char b[SIMTIME_BUF];
    fputs(t == SCENARIO_END ? "end" : simtime_format(t, b), out);
}

static void check_head(FILE *out, const run_result_t *r, const check_result_t *c)
{
    fprintf(out, "      expect[%zu]", c->index);
    if (c->id)
        fprintf(out, " '%s'", c->id);
    fprintf(out, " %s at ", c->kind ? c->kind : "?");
    put_time(out, c->at);
    if (c->n_rules > 0) {
        fputs(" (", out);
        for (size_t i = 0; i < c->n_rules; i++)
            fprintf(out, "%s%s", i ? " " : "", c->rules[i]);
        fputs(")", out);
    }
    if (c->line > 0)
        fprintf(out, ", %s:%u:%u", r->file, c->line, c->col);
}

static void check_block(FILE *out, const run_result_t *r, const check_result_t *c,
                        const report_text_opts_t *o)
{
    check_head(out, r, c);
    fputc('\n', out);
    if (c->status != CHECK_FAIL && c->status != CHECK_ERROR) {
        if (c->status == CHECK_NOT_RUN)
            fprintf(out, "        not run: %s\n", c->got ? c->got : "");
        return;
    }
    if (c->status == CHECK_ERROR)
        colored(out, o, C_YELLOW, "        could not be checked\n");
    fprintf(out, "        expected: %s\n", c->expected ? c->expected : "");
    fprintf(out, "        got:      %s\n", c->got ? c->got : "");
    if (c->n_context > 0) {
        fputs("        trace", out);
        if (c->context_node)
            fprintf(out, " of %s", c->context_node);
        fputs(" around ", out);
        put_time(out, c->context_time);
        fputs(":\n", out);
        for (size_t i = 0; i < c->n_context; i++) {
            fputs("          ", out);
            if (o->color)
                fprintf(out, "%s%s%s\n", C_DIM, c->context[i], C_RESET);
            else
                fprintf(out, "%s\n", c->context[i]);
        }
    }
}

void report_text_scenario(FILE *out, const run_result_t *r, const report_text_opts_t *o)
{
    if (o->quiet && r->status == RUN_PASS)
        return;
    char word[16];
    snprintf(word, sizeof word, "%-7s",
             o->validate && r->status == RUN_PASS ? "VALID" : status_word(r->status));
    colored(out, o, status_color(r->status), word);
    fprintf(out, " %s  [%s]", r->name ? r->name : "", r->file ? r->file : "");
    if (r->status == RUN_INVALID) {
        /* The diagnostics themselves go to standard error (cmd_run). */
        fprintf(out, ": %zu error%s\n", r->n_diag_errors, r->n_diag_errors == 1 ? "" : "s");
        return;
    }
    if (o->validate) {
        fputc('\n', out);
        if (o->verbose)
            for (size_t i = 0; i < r->n_diags; i++)
                fprintf(out, "      %s\n", r->diags[i]);
        return;
    }
    fputs("  sim ", out);
    put_time(out, r->end_time);
    if (o->wall)
        fprintf(out, ", %.3f s", r->wall_seconds);
    fputc('\n', out);
    if (o->verbose) {
        fprintf(out, "      seed %llu, fingerprint %s, %llu events, %llu trace records\n",
                (unsigned long long)r->seed, r->fingerprint, (unsigned long long)r->events,
                (unsigned long long)r->records);
        char rules[3 * RULE_COUNT + 1];
        rules_format(r->rules_reached, rules, sizeof rules);
        fprintf(out, "      rules reached: %s\n", rules[0] ? rules : "none");
    }
    if (r->status == RUN_ERROR)
        fprintf(out, "      the run stopped: %s\n", r->error ? r->error : "");
    for (size_t i = 0; i < r->n_checks; i++) {
        const check_result_t *c = &r->checks[i];
        if (c->status == CHECK_PASS) {
            if (o->verbose) {
                check_head(out, r, c);
                fprintf(out, "\n        ok: %s\n", c->expected ? c->expected : "");
            }
            continue;
        }
        check_block(out, r, c, o);
    }
    if (o->verbose) {
        for (size_t i = 0; i < r->n_warnings; i++)
            fprintf(out, "      warning: %s\n", r->warnings[i]);
        for (size_t i = 0; i < r->n_diags; i++)
            fprintf(out, "      %s\n", r->diags[i]);
    } else if (r->n_warnings > 0) {
        fprintf(out, "      %zu warning record%s in the trace (S5); --verbose shows them\n",
                r->n_warnings, r->n_warnings == 1 ? "" : "s");
    }
}

void report_text_totals(FILE *out, const run_result_t *rs, size_t n, const report_text_opts_t *o)
{
    size_t count[4] = {0}, checks = 0, passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        count[rs[i].status]++;
        checks += rs[i].n_checks;
        passed += run_result_count(&rs[i], CHECK_PASS);
        failed += run_result_count(&rs[i], CHECK_FAIL) + run_result_count(&rs[i], CHECK_ERROR);
    }
    if (o->validate) {
        fprintf(out, "%zu file%s: %zu valid, %zu invalid\n", n, n == 1 ? "" : "s",
                n - count[RUN_INVALID], count[RUN_INVALID]);
        return;
    }
    fprintf(out, "%zu scenario%s: ", n, n == 1 ? "" : "s");
    char part[64];
    snprintf(part, sizeof part, "%zu passed", count[RUN_PASS]);
    colored(out, o, count[RUN_PASS] == n && n > 0 ? C_GREEN : "", part);
    snprintf(part, sizeof part, "%zu failed", count[RUN_FAIL]);
    fputs(", ", out);
    colored(out, o, count[RUN_FAIL] ? C_RED : "", part);
    if (count[RUN_ERROR]) {
        snprintf(part, sizeof part, "%zu stopped", count[RUN_ERROR]);
        fputs(", ", out);
        colored(out, o, C_YELLOW, part);
    }
    if (count[RUN_INVALID]) {
        snprintf(part, sizeof part, "%zu invalid", count[RUN_INVALID]);
        fputs(", ", out);
        colored(out, o, C_YELLOW, part);
    }
    fprintf(out, "; %zu expectation%s: %zu passed, %zu failed\n", checks, checks == 1 ? "" : "s",
            passed, failed);
}
