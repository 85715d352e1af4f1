/* report_view: a run's trace (JSON Lines text, sim/trace.h) read into what the HTML report
 * draws: lanes (one per node, plus "control" for records without a node), point events with
 * their colour class, spans (down, offline, control lost, egress broken) and each connector's
 * advertised prefixes as intervals. Built from the trace text alone (the report never sees a
 * world). Compact: an event is a few numbers plus the index of its record, whose text is read
 * again only for the events actually drawn (their tooltips).
 *
 * Lane order: "control" first when some record has no node, then connectors (nodes with
 * route_change or learn records, or named as a DNS query's target), then the other nodes, each
 * group in order of first appearance in the trace, so the same trace gives the same picture. */
#ifndef APPCSIM_REPORT_VIEW_H
#define APPCSIM_REPORT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "check.h"
#include "simtime.h"

#define RV_NONE UINT32_MAX

typedef enum {
    RV_NETMAP,
    RV_QUERY,   /* dns_query: targets[] lanes; t2/other: its answer (time, winning lane) */
    RV_ANSWER,  /* dns_answer: style = rcode class; other: the winning connector's lane */
    RV_LEARN,
    RV_ROUTE,   /* route_change: n_add, n_remove */
    RV_REPORT,
    RV_APPROVAL, /* style: 1 approved, 0 not */
    RV_PRIMARY,  /* other: the new primary's lane (RV_NONE: none) */
    RV_FLOW,     /* style = outcome class; other: via/exit lane */
    RV_POLICY,
    RV_RESTART,
    RV_OTHER,
    RV_KIND_COUNT
} rv_kind_t;

/* style of RV_ANSWER */
enum { RV_RCODE_OK, RV_RCODE_NX, RV_RCODE_FAIL };
/* style of RV_FLOW */
enum { RV_FLOW_VIA, RV_FLOW_DIRECT, RV_FLOW_EXIT, RV_FLOW_DROPPED };

typedef enum {
    RV_SPAN_DOWN,
    RV_SPAN_OFFLINE,
    RV_SPAN_CTRL,
    RV_SPAN_EGRESS,
    RV_SPAN_COUNT
} rv_span_kind_t;

typedef struct {
    sim_time_t t;
    sim_time_t t2;  /* RV_QUERY: the answer's time, or -1 */
    uint32_t lane;
    uint32_t rec;   /* record index */
    uint32_t other; /* see rv_kind_t, else RV_NONE */
    uint32_t n_add, n_remove;
    uint32_t targets, n_targets; /* RV_QUERY: first index in targets[] and count */
    uint8_t kind;
    uint8_t style;
} rv_event_t;

typedef struct {
    sim_time_t from, to; /* to == -1: still open at the end */
    uint32_t lane;
    uint32_t rec;        /* the record that opened it */
    uint8_t kind;        /* rv_span_kind_t */
} rv_span_t;

typedef struct {
    sim_time_t from, to; /* to == -1: still advertised at the end */
    uint32_t lane;
    uint32_t prefix;     /* index in prefixes */
} rv_interval_t;

typedef struct {
    const char *text; /* the trace text (not owned) */
    struct {
        size_t off, len;
    } *recs;            /* where each record is in text */
    size_t n_recs;
    size_t bad_records; /* lines that are not trace records (skipped) */
    char **lanes;       /* names; NULL for the control lane */
    size_t n_lanes;
    bool *lane_connector;
    size_t *lane_events; /* point events per lane */
    rv_event_t *ev;
    size_t n_ev;
    uint32_t *targets;
    size_t n_targets;
    rv_span_t *spans;
    size_t n_spans;
    char **prefixes;
    size_t n_prefixes;
    rv_interval_t *iv; /* by lane, then prefix order of first appearance, then time */
    size_t n_iv;
    sim_time_t last;   /* the last record's time */
} report_view_t;

/* Reads the trace text (len bytes; may be NULL/0). 0, or -1 when memory ran out (v cleared). */
int report_view_build(const char *text, size_t len, report_view_t *v);
void report_view_clear(report_view_t *v);

/* One record read back: its time, node (NULL: none), kind and the whole object (owned: free
 * with json_decref(rec->j)). 0, or -1 when the text is not a trace record. */
typedef struct {
    json_t *j;
    sim_time_t t;
    const char *node;
    const char *kind;
} rv_record_t;
int report_view_parse(const char *text, size_t len, rv_record_t *out);
/* Record rec of the view, parsed. */
int report_view_record(const report_view_t *v, size_t rec, rv_record_t *out);

/* The record's fields other than t, node and kind, for people ("key: value", a string as is,
 * an array of strings joined by ", ", anything else as compact JSON), separated by sep;
 * escaped for XML text and attributes. */
void report_view_write_details(FILE *f, const rv_record_t *r, const char *sep);

/* "12s", "1.5s", "11.300000001s": exact seconds with trailing zeros trimmed. */
void report_view_time(sim_time_t t, char buf[40]);
/* Rounded for summaries: milliseconds under 100 s, tenths above ("2274.9s", "12.6s"). */
void report_view_time_short(sim_time_t t, char buf[40]);

/* ---- SVG (report_svg.c) ---- */

typedef struct {
    size_t lanes_shown;
    size_t lanes_hidden;     /* beyond the lane limit: not drawn */
    size_t lanes_aggregated; /* drawn as a density histogram (over the glyph limit) */
    size_t glyph_cap;        /* the per-lane limit used */
    size_t spans_omitted;    /* down/offline/... spans beyond the limit, not drawn */
} rv_svg_notes_t;

/* The timeline of a run: a lane per node with its events, spans shaded, expectations at the
 * bottom (each linking to #exp-INDEX), on a time axis from 0 to the end of the run. checks and
 * n_checks: the run's expectation results (may be 0); end: the run's end time. */
void report_svg_timeline(FILE *f, const report_view_t *v, const check_result_t *checks,
                         size_t n_checks, sim_time_t end, rv_svg_notes_t *notes);

/* Each connector's advertised prefixes over time as bars on the same time axis (at most
 * max_rows prefixes per connector; *omitted counts the others). Nothing is written when no
 * connector ever advertised. */
void report_svg_routes(FILE *f, const report_view_t *v, sim_time_t end, size_t max_rows,
                       size_t *omitted);

#endif
