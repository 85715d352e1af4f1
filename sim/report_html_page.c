/* report_html_page: one scenario's page: what it is (name, file, description, status, seed,
 * fingerprint), its expectations (a failure with what was expected, what came and the trace
 * records around it), its timeline and its connectors' advertised routes over time. Everything
 * comes from the result and its trace text (report_view.c reads it, report_svg.c draws it). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_html_priv.h"
#include "report_view.h"

#define ROUTE_ROWS_MAX 40      /* prefixes per connector in the routes chart */
#define INTERVAL_ROWS_MAX 1000 /* rows of the intervals table, all connectors together */

static void meta_row(FILE *f, const char *label, const char *value, bool mono)
{
    fprintf(f, "<tr><th>%s</th><td%s>", label, mono ? " class=\"mono\"" : "");
    html_text(f, value);
    fputs("</td></tr>\n", f);
}

static void write_rules_inline(FILE *f, char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputs("<span class=\"rule\">", f);
        html_text(f, ids[i]);
        fputs("</span>", f);
    }
}

static void write_meta(FILE *f, const run_result_t *r)
{
    fputs("<table class=\"meta\">\n", f);
    meta_row(f, "File", r->file, true);
    fputs("<tr><th>Status</th><td>", f);
    html_badge(f, run_status_name(r->status));
    fputs("</td></tr>\n", f);
    char b[64];
    snprintf(b, sizeof b, "%" PRIu64, r->seed);
    meta_row(f, "Seed", b, true);
    meta_row(f, "Fingerprint", r->fingerprint[0] ? r->fingerprint : "\xe2\x80\x94", true);
    if (r->status != RUN_INVALID) {
        report_view_time(r->end_time, b);
        meta_row(f, "Simulated time", b, false);
        snprintf(b, sizeof b, "%" PRIu64 " events, %" PRIu64 " trace records", r->events,
                 r->records);
        meta_row(f, "Run", b, false);
    }
    const html_rules_source_t *sources[] = {&html_rules_claimed, &html_rules_source};
    for (size_t k = 0; k < sizeof sources / sizeof sources[0]; k++) {
        size_t n = 0;
        const char **rules = sources[k]->list(r, &n);
        fprintf(f, "<tr><th>Rules (%s)</th><td>", sources[k]->label);
        write_rules_inline(f, (char *const *)rules, n);
        if (n == 0)
            fputs("<span class=\"muted\">none</span>", f);
        fputs("</td></tr>\n", f);
        free(rules);
    }
    if (r->error)
        meta_row(f, "Error", r->error, false);
    fputs("</table>\n", f);
}

static void write_list(FILE *f, const char *heading, char *const *items, size_t n)
{
    if (n == 0)
        return;
    fprintf(f, "<h2>%s</h2>\n<ul class=\"diag\">\n", heading);
    for (size_t i = 0; i < n; i++) {
        fputs("<li><code>", f);
        html_text(f, items[i]);
        fputs("</code></li>\n", f);
    }
    fputs("</ul>\n", f);
}

/* The trace records around a failed expectation, as a table (time, node, kind, details). */
static void write_context(FILE *f, const check_result_t *c)
{
    char b[40];
    report_view_time(c->context_time, b);
    fputs("<tr class=\"ctx\"><td></td><td colspan=\"6\"><span class=\"muted\">Trace records", f);
    if (c->context_node) {
        fputs(" of <strong>", f);
        html_text(f, c->context_node);
        fputs("</strong>", f);
    }
    fprintf(f, " around %s:</span>\n", b);
    if (c->n_context == 0) {
        fputs(" <span class=\"muted\">none</span></td></tr>\n", f);
        return;
    }
    fputs("<table class=\"trace\"><tbody>\n", f);
    for (size_t i = 0; i < c->n_context; i++) {
        rv_record_t rec;
        if (report_view_parse(c->context[i], strlen(c->context[i]), &rec) != 0) {
            fputs("<tr><td colspan=\"4\" class=\"mono\">", f);
            html_text(f, c->context[i]);
            fputs("</td></tr>\n", f);
            continue;
        }
        report_view_time(rec.t, b);
        fprintf(f, "<tr%s><td class=\"num mono\">%s</td><td>",
                rec.t == c->context_time ? " class=\"here\"" : "", b);
        html_text(f, rec.node ? rec.node : "control");
        fputs("</td><td class=\"mono\">", f);
        html_text(f, rec.kind);
        fputs("</td><td class=\"mono\">", f);
        report_view_write_details(f, &rec, "; ");
        fputs("</td></tr>\n", f);
        json_decref(rec.j);
    }
    fputs("</tbody></table></td></tr>\n", f);
}

static void write_checks(FILE *f, const run_result_t *r)
{
    fputs("<h2>Expectations</h2>\n", f);
    if (r->n_checks == 0) {
        fputs("<p class=\"note\">None.</p>\n", f);
        return;
    }
    fputs("<table class=\"checks\">\n<thead><tr><th>#</th><th>Status</th><th>At</th>"
          "<th>Kind</th><th>Rules</th><th>Expected</th><th>Got</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < r->n_checks; i++) {
        const check_result_t *c = &r->checks[i];
        bool bad = c->status != CHECK_PASS;
        char at[64];
        if (c->at == SCENARIO_END) {
            char b[40];
            report_view_time(c->at_time, b);
            snprintf(at, sizeof at, "end (%s)", b);
        } else {
            report_view_time(c->at, at);
        }
        fprintf(f, "<tr id=\"exp-%zu\"%s><td class=\"num\">%zu</td><td>", c->index,
                bad ? " class=\"bad\"" : "", c->index + 1);
        html_badge(f, check_status_name(c->status));
        fprintf(f, "</td><td class=\"nowrap\">%s</td><td>", at);
        html_text(f, c->kind);
        if (c->id) {
            fputs("<br/><span class=\"muted mono\">", f);
            html_text(f, c->id);
            fputs("</span>", f);
        }
        fputs("</td><td class=\"nowrap\">", f);
        write_rules_inline(f, c->rules, c->n_rules);
        fputs("</td><td class=\"exp\">", f);
        html_text(f, c->expected);
        fprintf(f, "</td><td class=\"exp%s\">", bad ? " got" : "");
        html_text(f, c->got);
        fprintf(f, " <span class=\"muted\">(line %u)</span></td></tr>\n", c->line);
        if (bad && (c->status == CHECK_FAIL || c->status == CHECK_ERROR))
            write_context(f, c);
    }
    fputs("</tbody>\n</table>\n", f);
}

/* colour: a CSS background (a colour or a gradient). */
static void legend_item(FILE *f, const char *colour, bool dot, const char *text)
{
    fprintf(f, "<span><span class=\"sw%s\" style=\"background:%s\"></span>%s</span>\n",
            dot ? " dot" : "", colour, text);
}

static void write_legend(FILE *f)
{
    fputs("<div class=\"legend\">\n", f);
    legend_item(f, "#0891b2", false, "DNS query (lines to the connectors asked)");
    legend_item(f, "#059669", true, "answer with an address");
    legend_item(f, "#d97706", true, "NXDOMAIN / no address");
    legend_item(f, "#dc2626", true, "failed answer");
    legend_item(f, "#0f766e", false, "route change (+added \xe2\x88\x92removed)");
    legend_item(f, "#16a34a", false, "approval");
    legend_item(f, "#f59e0b", false, "primary change");
    legend_item(f, "#94a3b8", false, "netmap delivered (tick)");
    legend_item(f, "#2563eb", true, "flow via a connector");
    legend_item(f, "#6b7280", true, "flow direct");
    legend_item(f, "#7c3aed", true, "flow via exit node");
    legend_item(f, "#dc2626", true, "flow dropped");
    legend_item(f, "#4f46e5", false, "policy");
    legend_item(f, "#fecaca", false, "down");
    legend_item(f, "repeating-linear-gradient(45deg,#a3acb9 0 2px,#fff 2px 5px)", false,
                "offline");
    legend_item(f, "#fde68a", false, "control lost");
    legend_item(f, "repeating-linear-gradient(-45deg,#f0a070 0 2px,#fff 2px 5px)", false,
                "no egress");
    legend_item(f, "#dc2626", false, "failed expectation (\xe2\x96\xb2 row below)");
    fputs("</div>\n", f);
}

static void write_intervals(FILE *f, const report_view_t *v, sim_time_t end)
{
    fputs("<table class=\"intervals\"><thead><tr><th>Connector</th><th>Prefix</th>"
          "<th>From</th><th>To</th><th class=\"num\">For</th></tr></thead><tbody>\n",
          f);
    uint32_t lane = RV_NONE;
    for (size_t i = 0; i < v->n_iv; i++) {
        const rv_interval_t *iv = &v->iv[i];
        if (i == INTERVAL_ROWS_MAX) {
            fprintf(f, "<tr><td colspan=\"5\" class=\"muted\">%zu more intervals not "
                       "listed</td></tr>\n",
                    v->n_iv - i);
            break;
        }
        char b1[40], b2[40], b3[40];
        report_view_time(iv->from, b1);
        report_view_time(iv->to, b2);
        report_view_time(iv->to < 0 ? end - iv->from : iv->to - iv->from, b3);
        fputs("<tr><td>", f);
        if (iv->lane != lane) {
            lane = iv->lane;
            fputs("<strong>", f);
            html_text(f, v->lanes[lane] ? v->lanes[lane] : "control");
            fputs("</strong>", f);
        }
        fputs("</td><td class=\"mono\">", f);
        html_text(f, v->prefixes[iv->prefix]);
        fprintf(f, "</td><td class=\"mono\">%s</td><td class=\"mono\">%s</td>"
                   "<td class=\"num mono\">%s%s</td></tr>\n",
                b1, iv->to < 0 ? "end (still advertised)" : b2,
                iv->to < 0 ? "\xe2\x89\xa5 " : "", b3);
    }
    fputs("</tbody></table>\n", f);
}

static void write_pictures(FILE *f, const run_result_t *r)
{
    fputs("<h2>Timeline</h2>\n", f);
    if (r->status == RUN_INVALID) {
        fputs("<p class=\"note\">Nothing ran: the file did not load or its world did not "
              "build.</p>\n",
              f);
        return;
    }
    if (r->trace == NULL) {
        fputs("<p class=\"note\">The trace was not kept for this run.</p>\n", f);
        return;
    }
    report_view_t v;
    if (report_view_build(r->trace, r->trace_len, &v) != 0) {
        fputs("<p class=\"note\">Out of memory reading the trace.</p>\n", f);
        return;
    }
    write_legend(f);
    fputs("<div class=\"chart\">\n", f);
    rv_svg_notes_t notes;
    report_svg_timeline(f, &v, r->checks, r->n_checks, r->end_time, &notes);
    fputs("</div>\n", f);
    fprintf(f, "<p class=\"note\">%zu lane%s, time in simulated seconds; hover a mark for the "
               "trace record behind it.",
            notes.lanes_shown, notes.lanes_shown == 1 ? "" : "s");
    if (notes.lanes_aggregated)
        fprintf(f, " %zu lane%s with more than %zu events %s drawn as a histogram of event "
                   "counts.",
                notes.lanes_aggregated, notes.lanes_aggregated == 1 ? "" : "s", notes.glyph_cap,
                notes.lanes_aggregated == 1 ? "is" : "are");
    if (notes.spans_omitted)
        fprintf(f, " %zu more down, offline, control-lost or no-egress spans not drawn.",
                notes.spans_omitted);
    if (notes.lanes_hidden)
        fprintf(f, " %zu more node%s not drawn.", notes.lanes_hidden,
                notes.lanes_hidden == 1 ? "" : "s");
    if (v.bad_records)
        fprintf(f, " %zu trace line%s could not be read.", v.bad_records,
                v.bad_records == 1 ? "" : "s");
    fputs("</p>\n", f);

    fputs("<h2>Advertised routes</h2>\n", f);
    if (v.n_iv == 0) {
        fputs("<p class=\"note\">No connector advertised a route.</p>\n", f);
    } else {
        size_t omitted = 0;
        fputs("<div class=\"chart\">\n", f);
        report_svg_routes(f, &v, r->end_time, ROUTE_ROWS_MAX, &omitted);
        fputs("</div>\n", f);
        if (omitted)
            fprintf(f, "<p class=\"note\">%zu prefix%s beyond %d per connector %s only in the "
                       "table.</p>\n",
                    omitted, omitted == 1 ? "" : "es", ROUTE_ROWS_MAX,
                    omitted == 1 ? "is" : "are");
        write_intervals(f, &v, r->end_time > v.last ? r->end_time : v.last);
    }
    report_view_clear(&v);
}

int html_write_scenario_page(const char *path, const run_result_t *r, errinfo_t *err)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        errinfo_set(err, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    const char *name = r->name && r->name[0] ? r->name : r->file;
    html_begin(f, name);
    fputs("<nav><a href=\"../index.html\">\xe2\x86\x90 All scenarios</a></nav>\n<h1>", f);
    html_text(f, name);
    fputs(" ", f);
    html_badge(f, run_status_name(r->status));
    fputs("</h1>\n", f);
    if (r->description) {
        fputs("<p class=\"sub\">", f);
        html_text(f, r->description);
        fputs("</p>\n", f);
    }
    write_meta(f, r);
    write_list(f, "Diagnostics", r->diags, r->n_diags);
    write_list(f, "Warnings", r->warnings, r->n_warnings);
    if (r->status != RUN_INVALID)
        write_checks(f, r);
    write_pictures(f, r);
    html_end(f);
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        errinfo_set(err, "%s: cannot write", path);
    return ok ? 0 : -1;
}
