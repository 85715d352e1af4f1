/* report_svg: the SVG pictures of a scenario page, drawn from a report_view_t (the trace read
 * back): the timeline (a lane per node) and the connectors' advertised routes over time.
 *
 * Self-contained: the <svg> carries its own <style>, so it reads the same inline or saved on
 * its own, and every text goes through report_xml_escape. Details are in <title> elements
 * (the browser's tooltip). A lane with more events than the glyph limit is drawn as a density
 * histogram, so that a long run still gives a page a browser opens at once. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_view.h"

#define W 1160.0
#define LABEL_W 150.0
#define PAD_R 18.0
#define PLOT_W (W - LABEL_W - PAD_R)
#define AXIS_H 26.0
#define LANE_H 32.0
#define EXP_H 26.0
#define MAX_LANES 150
#define GLYPH_CAP 2000
#define GLYPH_TOTAL 24000
#define BINS 200
#define SPAN_CAP 5000
#define ROW_H 15.0

static const char svg_style[] =
    "text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:11px;"
    "fill:#1f2937}"
    ".lbl{text-anchor:end}.lbl-conn{font-weight:600;fill:#0f766e}.lbl-ctl{font-style:italic;"
    "fill:#6b7280}.tick{fill:#6b7280;font-size:10px;text-anchor:middle}"
    ".grid{stroke:#e5e7eb;stroke-width:1}.lane0{fill:#ffffff}.lane1{fill:#f8fafc}"
    ".sep{stroke:#e2e8f0;stroke-width:1}.axis{stroke:#94a3b8;stroke-width:1}"
    ".sp-down{fill:#fecaca}.sp-offline{fill:url(#hatch-off)}.sp-ctrl{fill:#fde68a}"
    ".sp-egress{fill:url(#hatch-eg)}"
    ".nm{stroke:#94a3b8;stroke-width:1.2}"
    ".ql{stroke:#0891b2;stroke-width:1;fill:none;stroke-dasharray:3 2}"
    ".qr{stroke:#0891b2;stroke-width:1;fill:none}.qw{stroke:#67e8f9;stroke-width:2}"
    ".q{fill:#0891b2}.a0{fill:#059669}.a1{fill:#d97706}.a2{fill:#dc2626}"
    ".learn{fill:#0f766e}.rt{fill:#0f766e;stroke:#fff;stroke-width:.8}"
    ".radd{fill:#047857;font-size:10px;font-weight:600}.rrem{fill:#b91c1c;font-size:10px;"
    "font-weight:600}.rep{fill:none;stroke:#64748b;stroke-width:1}"
    ".ap1{fill:#16a34a}.ap0{fill:#9ca3af}.prim{fill:#f59e0b;stroke:#92400e;stroke-width:.8}"
    ".primtx{fill:#92400e;font-size:10px}.pol{fill:#4f46e5}"
    ".poltx{fill:#fff;font-size:8px;font-weight:700;text-anchor:middle}"
    ".rs{stroke:#7c3aed;stroke-width:2.5}.oth{fill:#94a3b8}"
    ".f0{fill:#2563eb}.f1{fill:#6b7280}.f2{fill:#7c3aed}.f3{fill:#dc2626}"
    ".fl0{stroke:#2563eb;stroke-width:1.2;opacity:.6}.fl2{stroke:#7c3aed;stroke-width:1.2;"
    "opacity:.6}.fo{stroke:#fff;stroke-width:1}"
    ".bin{fill:#64748b;opacity:.75}"
    ".ex0{fill:#16a34a}.ex1{fill:#dc2626}.ex2{fill:#ea580c}.ex3{fill:#9ca3af}"
    ".exl{stroke:#dc2626;stroke-width:1;stroke-dasharray:4 3}"
    ".rb{fill:#14b8a6}.rb-open{fill:#0d9488}.pfx{font-family:ui-monospace,SFMono-Regular,Menlo,"
    "Consolas,monospace;font-size:10px}.conn-h{font-weight:600;fill:#0f766e}";

/* ---- the time scale ---- */

typedef struct {
    sim_time_t span; /* the axis runs from 0 to span */
    sim_time_t step; /* between ticks */
} scale_t;

static scale_t scale_for(sim_time_t end)
{
    scale_t s;
    if (end <= 0)
        end = SIMTIME_S;
    /* A little room after the end, so that the last marks are not on the frame. */
    end = simtime_add_sat(end, end / 40);
    /* The smallest 1, 2, 5 x 10^k ns step giving at most 10 intervals. */
    sim_time_t step = 1;
    for (;;) {
        sim_time_t m[3] = {step, 2 * step, 5 * step};
        bool found = false;
        for (size_t i = 0; i < 3; i++)
            if (end / m[i] + (end % m[i] != 0) <= 10) {
                step = m[i];
                found = true;
                break;
            }
        if (found || step > INT64_MAX / 100)
            break;
        step *= 10;
    }
    s.step = step;
    sim_time_t n = end / step + (end % step != 0);
    s.span = n > INT64_MAX / step ? end : n * step;
    return s;
}

static double sx(const scale_t *s, sim_time_t t)
{
    if (t < 0)
        t = 0;
    return LABEL_W + (double)t / (double)s->span * PLOT_W;
}

/* <line class="cls" .../> */
static void line(FILE *f, const char *cls, double x1, double y1, double x2, double y2)
{
    fprintf(f, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", cls, x1, y1,
            x2, y2);
}

static void axis_ticks(FILE *f, const scale_t *s, double top, double bottom)
{
    for (sim_time_t t = 0; t <= s->span; t += s->step) {
        double x = sx(s, t);
        char b[40];
        report_view_time(t, b);
        line(f, "grid", x, top - 4, x, bottom);
        fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%s</text>\n", x, top - 8, b);
        if (t > INT64_MAX - s->step)
            break;
    }
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", LABEL_W,
            top, LABEL_W + PLOT_W, top);
}

/* ---- tooltips ---- */

/* <title>TIME  NODE  KIND, then the record's fields, one a line</title> */
static void title_rec(FILE *f, const report_view_t *v, uint32_t rec, const char *extra)
{
    rv_record_t r;
    fputs("<title>", f);
    if (report_view_record(v, rec, &r) == 0) {
        char b[40];
        report_view_time(r.t, b);
        fprintf(f, "%s  ", b);
        if (r.node) {
            report_xml_escape(f, r.node);
            fputs("  ", f);
        }
        report_xml_escape(f, r.kind);
        if (extra) {
            fputs(" ", f);
            report_xml_escape(f, extra);
        }
        fputs("\n", f);
        report_view_write_details(f, &r, "\n");
        json_decref(r.j);
    }
    fputs("</title>", f);
}

static void lane_label(FILE *f, const report_view_t *v, size_t i, double yc)
{
    const char *name = v->lanes[i];
    const char *cls = name == NULL ? "lbl lbl-ctl" : v->lane_connector[i] ? "lbl lbl-conn" : "lbl";
    fprintf(f, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\">", cls, LABEL_W - 8, yc + 4);
    if (name == NULL) {
        fputs("control", f);
    } else {
        /* Long names are cut (whole UTF-8 characters); the full name is in the tooltip. */
        size_t n = strlen(name), cut = n;
        if (n > 22) {
            cut = 20;
            while (cut > 0 && ((unsigned char)name[cut] & 0xc0) == 0x80)
                cut--;
        }
        char *s = strndup(name, cut);
        fputs("<title>", f);
        report_xml_escape(f, name);
        fputs(v->lane_connector[i] ? " (connector)" : "", f);
        fputs("</title>", f);
        report_xml_escape(f, s ? s : "");
        if (cut < n)
            fputs("\xe2\x80\xa6", f);
        free(s);
    }
    fputs("</text>\n", f);
}

/* ---- the timeline ---- */

typedef struct {
    FILE *f;
    const report_view_t *v;
    scale_t s;
    size_t n_lanes;       /* drawn */
    const bool *aggregated;
    double top;
    double *label_end;    /* per lane: where the last route label ended */
    rv_svg_notes_t *notes;
} tl_t;

static double lane_y(const tl_t *t, uint32_t lane)
{
    return t->top + LANE_H * lane;
}

static double lane_c(const tl_t *t, uint32_t lane)
{
    return lane_y(t, lane) + LANE_H / 2;
}

static bool drawn(const tl_t *t, uint32_t lane)
{
    return lane != RV_NONE && lane < t->n_lanes;
}

static bool detailed(const tl_t *t, uint32_t lane)
{
    return drawn(t, lane) && !t->aggregated[lane];
}

static void draw_span(const tl_t *t, const rv_span_t *sp, sim_time_t end)
{
    static const char *const cls[RV_SPAN_COUNT] = {"sp-down", "sp-offline", "sp-ctrl",
                                                    "sp-egress"};
    static const char *const what[RV_SPAN_COUNT] = {"down", "offline", "control session lost",
                                                     "no egress"};
    if (!drawn(t, sp->lane))
        return;
    double x1 = sx(&t->s, sp->from), x2 = sx(&t->s, sp->to < 0 ? end : sp->to);
    if (x2 - x1 < 2)
        x2 = x1 + 2;
    char b1[40], b2[40];
    report_view_time(sp->from, b1);
    report_view_time(sp->to, b2);
    fprintf(t->f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
            cls[sp->kind], x1, lane_y(t, sp->lane) + 2, x2 - x1, LANE_H - 4);
    fputs("<title>", t->f);
    report_xml_escape(t->f, t->v->lanes[sp->lane]);
    fprintf(t->f, " %s from %s %s%s</title></rect>\n", what[sp->kind], b1,
            sp->to < 0 ? "until the end" : "to ", sp->to < 0 ? "" : b2);
}

static void draw_spans(const tl_t *t, sim_time_t end)
{
    /* Solid fills first (control lost, then down), hatches over them (offline, no egress), so
     * that overlapping states all show. */
    static const rv_span_kind_t order[RV_SPAN_COUNT] = {RV_SPAN_CTRL, RV_SPAN_DOWN,
                                                        RV_SPAN_OFFLINE, RV_SPAN_EGRESS};
    size_t shown = 0;
    for (size_t k = 0; k < RV_SPAN_COUNT; k++)
        for (size_t i = 0; i < t->v->n_spans; i++)
            if (t->v->spans[i].kind == order[k] && drawn(t, t->v->spans[i].lane)) {
                if (shown++ < SPAN_CAP)
                    draw_span(t, &t->v->spans[i], end);
                else
                    t->notes->spans_omitted++;
            }
}

/* Lines between lanes (queries to connectors, flows through a node), under the glyphs. */
static void draw_links(const tl_t *t)
{
    const report_view_t *v = t->v;
    for (size_t i = 0; i < v->n_ev; i++) {
        const rv_event_t *e = &v->ev[i];
        if (!detailed(t, e->lane))
            continue;
        double x = sx(&t->s, e->t), yc = lane_c(t, e->lane);
        if (e->kind == RV_QUERY) {
            double xa = e->t2 >= 0 ? sx(&t->s, e->t2) : x;
            double xm = e->t2 >= 0 ? sx(&t->s, e->t + (e->t2 - e->t) / 2) : x;
            if (e->t2 >= 0 && xa - x >= 1)
                line(t->f, "qw", x, yc, xa, yc);
            for (uint32_t k = 0; k < e->n_targets; k++) {
                uint32_t to = v->targets[e->targets + k];
                if (!drawn(t, to) || to == e->lane)
                    continue;
                double yt = lane_c(t, to);
                if (to == e->other)
                    fprintf(t->f,
                            "<polyline class=\"qr\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>", x,
                            yc, xm, yt, xa, yc);
                else
                    line(t->f, "ql", x, yc, xm, yt);
            }
            fputc('\n', t->f);
        } else if (e->kind == RV_FLOW && drawn(t, e->other) && e->other != e->lane &&
                   (e->style == RV_FLOW_VIA || e->style == RV_FLOW_EXIT)) {
            line(t->f, e->style == RV_FLOW_VIA ? "fl0" : "fl2", x, yc, x, lane_c(t, e->other));
            fputc('\n', t->f);
        }
    }
}

static void draw_route_label(const tl_t *t, const rv_event_t *e, double x, double yc)
{
    char add[24] = "", rem[24] = "";
    if (e->n_add)
        snprintf(add, sizeof add, "+%" PRIu32, e->n_add);
    if (e->n_remove)
        snprintf(rem, sizeof rem, "\xe2\x88\x92%" PRIu32, e->n_remove);
    /* About 6 px a character; a label that would overlap the previous one is left out (the
     * marker's tooltip still tells). */
    size_t chars = strlen(add) + (rem[0] ? strlen(rem) - 2 : 0) + (add[0] && rem[0]);
    double width = 6.0 * (double)chars;
    double x0 = x - width / 2;
    if (width == 0 || x0 < t->label_end[e->lane] + 3)
        return;
    t->label_end[e->lane] = x0 + width;
    fprintf(t->f, "<text x=\"%.1f\" y=\"%.1f\">", x0, yc - 6);
    if (add[0])
        fprintf(t->f, "<tspan class=\"radd\">%s</tspan>", add);
    if (add[0] && rem[0])
        fputs(" ", t->f);
    if (rem[0])
        fprintf(t->f, "<tspan class=\"rrem\">%s</tspan>", rem);
    fputs("</text>", t->f);
}

/* "→ NODE" right of a primary change, when there is room (the name cut to 12 bytes). */
static void draw_primary_label(const tl_t *t, const rv_event_t *e, double x, double yc)
{
    const char *to = e->other == RV_NONE ? "none" : t->v->lanes[e->other];
    size_t n = strlen(to ? to : "");
    if (n > 12) {
        n = 12;
        while (n > 0 && ((unsigned char)to[n] & 0xc0) == 0x80)
            n--;
    }
    double x0 = x + 7, width = 6.0 * (double)(n + 2);
    if (to == NULL || x0 < t->label_end[e->lane] + 3)
        return;
    t->label_end[e->lane] = x0 + width;
    char *cut = strndup(to, n);
    fprintf(t->f, "<text class=\"primtx\" x=\"%.1f\" y=\"%.1f\">\xe2\x86\x92 ", x0, yc + 4);
    report_xml_escape(t->f, cut ? cut : "");
    fputs("</text>", t->f);
    free(cut);
}

static void draw_event(const tl_t *t, const rv_event_t *e)
{
    FILE *f = t->f;
    const report_view_t *v = t->v;
    double x = sx(&t->s, e->t), y = lane_y(t, e->lane), yc = lane_c(t, e->lane);
    switch ((rv_kind_t)e->kind) {
    case RV_NETMAP:
        fprintf(f, "<line class=\"nm\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\">", x,
                yc + 6, x, yc + 12);
        title_rec(f, v, e->rec, NULL);
        fputs("</line>", f);
        break;
    case RV_QUERY:
        fprintf(f, "<path class=\"q\" d=\"M%.1f %.1fl-4 -4v8z\">", x + 2, yc);
        title_rec(f, v, e->rec, NULL);
        fputs("</path>", f);
        break;
    case RV_ANSWER:
        fprintf(f, "<circle class=\"a%d\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\">", e->style, x, yc);
        title_rec(f, v, e->rec, NULL);
        fputs("</circle>", f);
        break;
    case RV_LEARN:
        fprintf(f, "<circle class=\"learn\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\">", x, yc + 8);
        title_rec(f, v, e->rec, NULL);
        fputs("</circle>", f);
        break;
    case RV_ROUTE:
        draw_route_label(t, e, x, yc);
        fprintf(f, "<rect class=\"rt\" x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\">", x - 3.5,
                yc - 3.5);
        title_rec(f, v, e->rec, NULL);
        fputs("</rect>", f);
        break;
    case RV_REPORT:
        fprintf(f, "<rect class=\"rep\" x=\"%.1f\" y=\"%.1f\" width=\"5\" height=\"5\">", x - 2.5,
                yc + 5);
        title_rec(f, v, e->rec, NULL);
        fputs("</rect>", f);
        break;
    case RV_APPROVAL:
        fprintf(f, "<path class=\"ap%d\" d=\"M%.1f %.1fl4.5 4.5l-4.5 4.5l-4.5 -4.5z\">", e->style,
                x, yc - 4.5);
        title_rec(f, v, e->rec, NULL);
        fputs("</path>", f);
        break;
    case RV_PRIMARY:
        draw_primary_label(t, e, x, yc);
        fprintf(f, "<path class=\"prim\" d=\"M%.1f %.1fl5 9h-10z\">", x, yc - 5);
        title_rec(f, v, e->rec, NULL);
        fputs("</path>", f);
        break;
    case RV_FLOW:
        fprintf(f, "<circle class=\"f%d fo\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\">", e->style, x, yc);
        title_rec(f, v, e->rec, NULL);
        fputs("</circle>", f);
        break;
    case RV_POLICY:
        fprintf(f, "<g><rect class=\"pol\" x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" "
                   "rx=\"2\"/><text class=\"poltx\" x=\"%.1f\" y=\"%.1f\">P</text>",
                x - 5, yc - 5, x, yc + 3);
        title_rec(f, v, e->rec, NULL);
        fputs("</g>", f);
        break;
    case RV_RESTART:
        fprintf(f, "<line class=\"rs\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\">", x, y + 3,
                x, y + LANE_H - 3);
        title_rec(f, v, e->rec, NULL);
        fputs("</line>", f);
        break;
    case RV_OTHER:
    case RV_KIND_COUNT:
        fprintf(f, "<rect class=\"oth\" x=\"%.1f\" y=\"%.1f\" width=\"5\" height=\"5\">", x - 2.5,
                yc - 12);
        title_rec(f, v, e->rec, NULL);
        fputs("</rect>", f);
        break;
    }
    fputc('\n', f);
}

static const char *const kind_names[RV_KIND_COUNT] = {
    "netmap", "dns_query", "dns_answer", "learn",  "route_change", "report",
    "approval", "primary", "flow",       "policy", "restart",      "other"};

/* A lane over the glyph limit: its events counted in BINS columns, drawn as bars. */
static void draw_bins(const tl_t *t, uint32_t lane, size_t (*bins)[RV_KIND_COUNT])
{
    memset(bins, 0, BINS * sizeof *bins);
    const report_view_t *v = t->v;
    for (size_t i = 0; i < v->n_ev; i++) {
        if (v->ev[i].lane != lane)
            continue;
        double pos = (double)v->ev[i].t / (double)t->s.span * BINS;
        size_t b = pos < 0 ? 0 : pos >= BINS ? BINS - 1 : (size_t)pos;
        bins[b][v->ev[i].kind]++;
    }
    size_t max = 1;
    for (size_t b = 0; b < BINS; b++) {
        size_t sum = 0;
        for (size_t k = 0; k < RV_KIND_COUNT; k++)
            sum += bins[b][k];
        if (sum > max)
            max = sum;
    }
    double y = lane_y(t, lane), bw = PLOT_W / BINS;
    for (size_t b = 0; b < BINS; b++) {
        size_t sum = 0;
        for (size_t k = 0; k < RV_KIND_COUNT; k++)
            sum += bins[b][k];
        if (sum == 0)
            continue;
        double h = (LANE_H - 6) * (double)sum / (double)max;
        if (h < 1.5)
            h = 1.5;
        sim_time_t t0 = (sim_time_t)((double)t->s.span * (double)b / BINS);
        sim_time_t t1 = (sim_time_t)((double)t->s.span * (double)(b + 1) / BINS);
        char b0[40], b1[40];
        report_view_time(t0, b0);
        report_view_time(t1, b1);
        fprintf(t->f, "<rect class=\"bin\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
                      "<title>%s to %s: %zu records",
                LABEL_W + bw * (double)b, y + LANE_H - 3 - h, bw, h, b0, b1, sum);
        for (size_t k = 0; k < RV_KIND_COUNT; k++)
            if (bins[b][k])
                fprintf(t->f, "\n%s: %zu", kind_names[k], bins[b][k]);
        fputs("</title></rect>\n", t->f);
    }
}

static void draw_expectations(const tl_t *t, const check_result_t *checks, size_t n,
                              double y, double lanes_bottom)
{
    FILE *f = t->f;
    fprintf(f, "<text class=\"lbl lbl-ctl\" x=\"%.1f\" y=\"%.1f\">expectations</text>\n",
            LABEL_W - 8, y + EXP_H / 2 + 4);
    for (size_t i = 0; i < n; i++) {
        const check_result_t *c = &checks[i];
        if (c->status != CHECK_FAIL && c->status != CHECK_ERROR)
            continue;
        double x = sx(&t->s, c->at_time);
        fprintf(f, "<line class=\"exl\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x,
                t->top, x, lanes_bottom);
    }
    /* Passes first, so that a failure at the same instant is drawn on top. */
    for (size_t k = 0; k < 2 * n; k++) {
        const check_result_t *c = &checks[k % n];
        if ((c->status == CHECK_PASS) != (k < n))
            continue;
        double x = sx(&t->s, c->at_time), yc = y + EXP_H / 2;
        char b[40];
        report_view_time(c->at_time, b);
        fprintf(f, "<a href=\"#exp-%zu\"><path class=\"ex%d\" d=\"M%.1f %.1fl6 10h-12z\">"
                   "<title>expectation %zu",
                c->index, (int)c->status, x, yc - 6, c->index + 1);
        if (c->id) {
            fputs(" (", f);
            report_xml_escape(f, c->id);
            fputs(")", f);
        }
        fprintf(f, ", %s at %s: %s\n", c->kind ? c->kind : "?", b, check_status_name(c->status));
        report_xml_escape(f, c->expected);
        if (c->status != CHECK_PASS) {
            fputs("\ngot: ", f);
            report_xml_escape(f, c->got);
        }
        fputs("</title></path></a>\n", f);
    }
}

static sim_time_t run_end(const report_view_t *v, const check_result_t *checks, size_t n,
                          sim_time_t end)
{
    if (v->last > end)
        end = v->last;
    for (size_t i = 0; i < n; i++)
        if (checks[i].at_time > end)
            end = checks[i].at_time;
    return end;
}

void report_svg_timeline(FILE *f, const report_view_t *v, const check_result_t *checks,
                         size_t n_checks, sim_time_t end, rv_svg_notes_t *notes)
{
    memset(notes, 0, sizeof *notes);
    end = run_end(v, checks, n_checks, end);
    tl_t t;
    memset(&t, 0, sizeof t);
    t.f = f;
    t.v = v;
    t.s = scale_for(end);
    t.top = AXIS_H;
    t.n_lanes = v->n_lanes > MAX_LANES ? MAX_LANES : v->n_lanes;
    notes->lanes_shown = t.n_lanes;
    notes->lanes_hidden = v->n_lanes - t.n_lanes;
    /* Every lane gets the glyph limit, lowered when many lanes would make the page heavy. */
    size_t cap = GLYPH_CAP;
    if (t.n_lanes > 0 && cap * t.n_lanes > GLYPH_TOTAL)
        cap = GLYPH_TOTAL / t.n_lanes < 200 ? 200 : GLYPH_TOTAL / t.n_lanes;
    notes->glyph_cap = cap;
    bool *agg = calloc(t.n_lanes + 1, sizeof *agg);
    double *label_end = calloc(t.n_lanes + 1, sizeof *label_end);
    size_t(*bins)[RV_KIND_COUNT] = calloc(BINS, sizeof *bins);
    if (agg == NULL || label_end == NULL || bins == NULL) {
        free(agg);
        free(label_end);
        free(bins);
        return;
    }
    for (size_t i = 0; i < t.n_lanes; i++) {
        agg[i] = v->lane_events[i] > cap;
        notes->lanes_aggregated += agg[i];
        label_end[i] = -1e9;
    }
    t.aggregated = agg;
    t.label_end = label_end;
    t.notes = notes;

    double lanes_bottom = t.top + LANE_H * (double)t.n_lanes;
    double height = lanes_bottom + EXP_H + 6;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 %.0f "
               "%.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"timeline\">\n",
            W, height, W, height);
    fprintf(f, "<style>%s</style>\n", svg_style);
    /* Hatches for the offline and no-egress spans. */
    fputs("<defs>", f);
    static const struct {
        const char *id, *angle, *colour, *opacity;
    } hatches[] = {{"hatch-off", "45", "#64748b", ".45"}, {"hatch-eg", "-45", "#ea580c", ".55"}};
    for (size_t i = 0; i < 2; i++)
        fprintf(f, "<pattern id=\"%s\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                   "patternTransform=\"rotate(%s)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
                   "stroke=\"%s\" stroke-width=\"2\" stroke-opacity=\"%s\"/></pattern>",
                hatches[i].id, hatches[i].angle, hatches[i].colour, hatches[i].opacity);
    fputs("</defs>\n", f);
    for (size_t i = 0; i < t.n_lanes; i++)
        fprintf(f, "<rect class=\"lane%zu\" x=\"0\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\"/>\n",
                i % 2, lane_y(&t, (uint32_t)i), W, LANE_H);
    axis_ticks(f, &t.s, t.top, lanes_bottom + EXP_H);
    for (size_t i = 0; i < t.n_lanes; i++) {
        double y = lane_y(&t, (uint32_t)i) + LANE_H;
        fprintf(f, "<line class=\"sep\" x1=\"0\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/>\n", y, W, y);
    }
    draw_spans(&t, end);
    draw_links(&t);
    for (size_t i = 0; i < v->n_ev; i++)
        if (detailed(&t, v->ev[i].lane))
            draw_event(&t, &v->ev[i]);
    for (size_t i = 0; i < t.n_lanes; i++)
        if (agg[i])
            draw_bins(&t, (uint32_t)i, bins);
    for (size_t i = 0; i < t.n_lanes; i++)
        lane_label(f, v, i, lane_c(&t, (uint32_t)i));
    draw_expectations(&t, checks, n_checks, lanes_bottom, lanes_bottom);
    fputs("</svg>\n", f);
    free(agg);
    free(label_end);
    free(bins);
}

/* ---- routes over time ---- */

void report_svg_routes(FILE *f, const report_view_t *v, sim_time_t end, size_t max_rows,
                       size_t *omitted)
{
    *omitted = 0;
    if (v->n_iv == 0)
        return;
    end = run_end(v, NULL, 0, end);
    scale_t s = scale_for(end);
    /* Rows: a heading per connector, then one per prefix (up to max_rows each). */
    size_t rows = 0;
    for (size_t i = 0; i < v->n_iv;) {
        uint32_t lane = v->iv[i].lane;
        size_t shown = 0;
        rows++;
        for (; i < v->n_iv && v->iv[i].lane == lane; i++)
            if (i == 0 || v->iv[i - 1].lane != lane || v->iv[i - 1].prefix != v->iv[i].prefix) {
                if (shown < max_rows) {
                    shown++;
                    rows++;
                } else {
                    (*omitted)++;
                }
            }
    }
    double top = AXIS_H, height = top + ROW_H * (double)rows + 8;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"routes\" viewBox=\"0 0 %.0f "
               "%.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
               "aria-label=\"advertised routes\">\n",
            W, height, W, height);
    fprintf(f, "<style>%s</style>\n", svg_style);
    axis_ticks(f, &s, top, height - 4);
    double y = top;
    for (size_t i = 0; i < v->n_iv;) {
        uint32_t lane = v->iv[i].lane;
        fprintf(f, "<text class=\"conn-h\" x=\"6\" y=\"%.1f\">", y + ROW_H - 3);
        report_xml_escape(f, v->lanes[lane] ? v->lanes[lane] : "control");
        fputs("</text>\n", f);
        y += ROW_H;
        size_t shown = 0;
        bool skip = false;
        for (; i < v->n_iv && v->iv[i].lane == lane; i++) {
            const rv_interval_t *iv = &v->iv[i];
            bool new_prefix = i == 0 || v->iv[i - 1].lane != lane ||
                              v->iv[i - 1].prefix != iv->prefix;
            if (new_prefix) {
                skip = shown >= max_rows;
                if (!skip) {
                    shown++;
                    y += ROW_H;
                    fprintf(f, "<text class=\"pfx lbl\" x=\"%.1f\" y=\"%.1f\">", LABEL_W - 8,
                            y - 4);
                    report_xml_escape(f, v->prefixes[iv->prefix]);
                    fputs("</text>\n", f);
                }
            }
            if (skip)
                continue;
            double x1 = sx(&s, iv->from), x2 = sx(&s, iv->to < 0 ? end : iv->to);
            if (x2 - x1 < 2)
                x2 = x1 + 2;
            char b1[40], b2[40];
            report_view_time(iv->from, b1);
            report_view_time(iv->to, b2);
            fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                       "rx=\"2\"><title>",
                    iv->to < 0 ? "rb-open" : "rb", x1, y - ROW_H + 3, x2 - x1, ROW_H - 5);
            report_xml_escape(f, v->prefixes[iv->prefix]);
            fputs(" advertised by ", f);
            report_xml_escape(f, v->lanes[lane] ? v->lanes[lane] : "control");
            fprintf(f, " from %s %s%s</title></rect>\n", b1, iv->to < 0 ? "until the end" : "to ",
                    iv->to < 0 ? "" : b2);
        }
    }
    fputs("</svg>\n", f);
}
