/* report_view: a trace read into lanes, events, spans and route intervals (see report_view.h).
 *
 * One pass over the records with provisional lane numbers (0 is the control lane, nodes follow
 * in order of first appearance), then the lanes are put in their final order and every lane
 * number is mapped once. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_view.h"
#include "strmap.h"

/* ---- growing arrays ---- */

static int grow(void *pp, size_t *cap, size_t need, size_t size)
{
    void **p = pp;
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *np = realloc(*p, n * size);
    if (np == NULL)
        return -1;
    *p = np;
    *cap = n;
    return 0;
}

/* ---- records ---- */

int report_view_parse(const char *text, size_t len, rv_record_t *out)
{
    memset(out, 0, sizeof *out);
    json_error_t e;
    json_t *j = json_loadb(text, len, JSON_ALLOW_NUL, &e);
    json_t *t = json_object_get(j, "t"), *kind = json_object_get(j, "kind");
    if (!json_is_integer(t) || !json_is_string(kind)) {
        json_decref(j);
        return -1;
    }
    out->j = j;
    out->t = json_integer_value(t);
    out->kind = json_string_value(kind);
    out->node = json_string_value(json_object_get(j, "node"));
    return 0;
}

int report_view_record(const report_view_t *v, size_t rec, rv_record_t *out)
{
    if (rec >= v->n_recs) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    return report_view_parse(v->text + v->recs[rec].off, v->recs[rec].len, out);
}

static bool strings_only(const json_t *a)
{
    size_t i;
    const json_t *x;
    json_array_foreach(a, i, x) if (!json_is_string(x)) return false;
    return true;
}

void report_view_write_details(FILE *f, const rv_record_t *r, const char *sep)
{
    const char *key;
    json_t *val;
    bool first = true;
    json_object_foreach(r->j, key, val)
    {
        if (strcmp(key, "t") == 0 || strcmp(key, "node") == 0 || strcmp(key, "kind") == 0)
            continue;
        if (!first)
            report_xml_escape(f, sep);
        first = false;
        report_xml_escape(f, key);
        fputs(": ", f);
        if (json_is_string(val)) {
            report_xml_escape(f, json_string_value(val));
        } else if (json_is_array(val) && strings_only(val)) {
            size_t i;
            json_t *x;
            if (json_array_size(val) == 0)
                fputs("[]", f);
            json_array_foreach(val, i, x)
            {
                if (i > 0)
                    fputs(", ", f);
                report_xml_escape(f, json_string_value(x));
            }
        } else {
            char *s = json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
            report_xml_escape(f, s ? s : "?");
            free(s);
        }
    }
}

void report_view_time(sim_time_t t, char buf[40])
{
    bool neg = t < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    uint64_t s = u / 1000000000u, ns = u % 1000000000u;
    if (ns == 0) {
        snprintf(buf, 40, "%s%" PRIu64 "s", neg ? "-" : "", s);
        return;
    }
    char frac[16];
    snprintf(frac, sizeof frac, "%09" PRIu64, ns);
    for (size_t n = strlen(frac); n > 0 && frac[n - 1] == '0'; n--)
        frac[n - 1] = '\0';
    snprintf(buf, 40, "%s%" PRIu64 ".%ss", neg ? "-" : "", s, frac);
}

void report_view_time_short(sim_time_t t, char buf[40])
{
    sim_time_t unit = t >= 100 * SIMTIME_S ? 100 * SIMTIME_MS : SIMTIME_MS;
    sim_time_t r = t < 0 ? t : (t / unit + (t % unit >= unit / 2)) * unit;
    report_view_time(r, buf);
}

/* ---- building ---- */

typedef struct {
    bool connector;
    bool used;
    size_t events;
    size_t open_span[RV_SPAN_COUNT]; /* span index + 1, 0: none open */
} lane_info_t;

typedef struct {
    report_view_t *v;
    strmap_t *lanes_by_name; /* name -> provisional lane */
    strmap_t *prefix_ids;    /* prefix -> index */
    strmap_t *open_iv;       /* "lane prefix" -> interval index + 1 */
    strmap_t *pending;       /* "node\0id\0name" of a query -> event index + 1 */
    lane_info_t *info;
    size_t cap_lanes, cap_recs, cap_ev, cap_targets, cap_spans, cap_prefixes, cap_iv;
    bool oom;
} builder_t;

static uint32_t lane_of(builder_t *b, const char *name)
{
    report_view_t *v = b->v;
    if (name == NULL) {
        b->info[0].used = true;
        return 0;
    }
    bool added = false;
    uint64_t *slot = strmap_insert(b->lanes_by_name, name, strlen(name), &added);
    if (slot == NULL)
        goto oom;
    if (!added)
        return (uint32_t)*slot;
    if (grow(&v->lanes, &b->cap_lanes, v->n_lanes + 1, sizeof *v->lanes) != 0)
        goto oom;
    size_t info_cap = b->cap_lanes;
    lane_info_t *ni = realloc(b->info, info_cap * sizeof *ni);
    if (ni == NULL)
        goto oom;
    b->info = ni;
    if ((v->lanes[v->n_lanes] = strdup(name)) == NULL)
        goto oom;
    memset(&b->info[v->n_lanes], 0, sizeof *b->info);
    b->info[v->n_lanes].used = true;
    *slot = v->n_lanes;
    return (uint32_t)v->n_lanes++;
oom:
    b->oom = true;
    return 0;
}

static rv_event_t *push_event(builder_t *b, const rv_record_t *r, uint32_t lane, rv_kind_t kind)
{
    report_view_t *v = b->v;
    if (grow(&v->ev, &b->cap_ev, v->n_ev + 1, sizeof *v->ev) != 0) {
        b->oom = true;
        return NULL;
    }
    rv_event_t *e = &v->ev[v->n_ev++];
    memset(e, 0, sizeof *e);
    e->t = r->t;
    e->t2 = -1;
    e->lane = lane;
    e->rec = (uint32_t)(v->n_recs - 1);
    e->other = RV_NONE;
    e->kind = (uint8_t)kind;
    b->info[lane].events++;
    return e;
}

static void span_edge(builder_t *b, const rv_record_t *r, uint32_t lane, rv_span_kind_t kind,
                      bool opens)
{
    report_view_t *v = b->v;
    size_t *open = &b->info[lane].open_span[kind];
    if (opens && *open == 0) {
        if (grow(&v->spans, &b->cap_spans, v->n_spans + 1, sizeof *v->spans) != 0) {
            b->oom = true;
            return;
        }
        v->spans[v->n_spans] = (rv_span_t){r->t, -1, lane, (uint32_t)(v->n_recs - 1),
                                           (uint8_t)kind};
        *open = ++v->n_spans;
    } else if (!opens && *open != 0) {
        v->spans[*open - 1].to = r->t;
        *open = 0;
    }
}

static char *iv_key(uint32_t lane, uint32_t prefix, char buf[32])
{
    snprintf(buf, 32, "%" PRIu32 " %" PRIu32, lane, prefix);
    return buf;
}

static void route_edge(builder_t *b, sim_time_t t, uint32_t lane, const char *prefix, bool add)
{
    report_view_t *v = b->v;
    bool added = false;
    uint64_t *pid = strmap_insert(b->prefix_ids, prefix, strlen(prefix), &added);
    if (pid == NULL) {
        b->oom = true;
        return;
    }
    if (added) {
        if (grow(&v->prefixes, &b->cap_prefixes, v->n_prefixes + 1, sizeof *v->prefixes) != 0 ||
            (v->prefixes[v->n_prefixes] = strdup(prefix)) == NULL) {
            strmap_remove(b->prefix_ids, prefix, strlen(prefix));
            b->oom = true;
            return;
        }
        *pid = v->n_prefixes++;
    }
    uint32_t p = (uint32_t)*pid;
    char key[32];
    iv_key(lane, p, key);
    uint64_t *open = strmap_find(b->open_iv, key, strlen(key));
    if (add && open == NULL) {
        if (grow(&v->iv, &b->cap_iv, v->n_iv + 1, sizeof *v->iv) != 0 ||
            (open = strmap_insert(b->open_iv, key, strlen(key), NULL)) == NULL) {
            b->oom = true;
            return;
        }
        v->iv[v->n_iv] = (rv_interval_t){t, -1, lane, p};
        *open = ++v->n_iv;
    } else if (!add && open != NULL) {
        v->iv[*open - 1].to = t;
        strmap_remove(b->open_iv, key, strlen(key));
    }
}

static void route_list(builder_t *b, const rv_record_t *r, uint32_t lane, const char *key,
                       bool add, uint32_t *count)
{
    size_t i;
    json_t *x;
    json_t *a = json_object_get(r->j, key);
    json_array_foreach(a, i, x)
    {
        if (!json_is_string(x))
            continue;
        (*count)++;
        route_edge(b, r->t, lane, json_string_value(x), add);
    }
}

static char *pending_key(const rv_record_t *r, size_t *n)
{
    const char *id = json_string_value(json_object_get(r->j, "id"));
    const char *name = json_string_value(json_object_get(r->j, "name"));
    size_t a = strlen(r->node ? r->node : ""), b = strlen(id ? id : ""),
           c = strlen(name ? name : "");
    char *k = malloc(a + b + c + 3);
    if (k == NULL)
        return NULL;
    memcpy(k, r->node ? r->node : "", a);
    k[a] = '\0';
    memcpy(k + a + 1, id ? id : "", b);
    k[a + 1 + b] = '\0';
    memcpy(k + a + b + 2, name ? name : "", c + 1);
    *n = a + b + c + 2;
    return k;
}

static void on_query(builder_t *b, const rv_record_t *r, uint32_t lane)
{
    report_view_t *v = b->v;
    rv_event_t *e = push_event(b, r, lane, RV_QUERY);
    if (e == NULL)
        return;
    size_t i;
    json_t *x;
    size_t first = v->n_targets, count = 0;
    json_array_foreach(json_object_get(r->j, "to"), i, x)
    {
        if (!json_is_string(x))
            continue;
        uint32_t to = lane_of(b, json_string_value(x));
        if (b->oom || grow(&v->targets, &b->cap_targets, v->n_targets + 1,
                           sizeof *v->targets) != 0) {
            b->oom = true;
            return;
        }
        b->info[to].connector = true;
        v->targets[v->n_targets++] = to;
        count++;
    }
    e = &v->ev[v->n_ev - 1]; /* lane_of never moves events, but stay explicit */
    e->targets = (uint32_t)first;
    e->n_targets = (uint32_t)count;
    size_t n;
    char *k = pending_key(r, &n);
    uint64_t *slot = k ? strmap_insert(b->pending, k, n, NULL) : NULL;
    if (slot == NULL)
        b->oom = true;
    else
        *slot = v->n_ev;
    free(k);
}

static void on_answer(builder_t *b, const rv_record_t *r, uint32_t lane)
{
    report_view_t *v = b->v;
    const char *rcode = json_string_value(json_object_get(r->j, "rcode"));
    const char *by = json_string_value(json_object_get(r->j, "by"));
    bool has_first = json_is_string(json_object_get(r->j, "first"));
    uint32_t by_lane = by ? lane_of(b, by) : RV_NONE;
    rv_event_t *e = push_event(b, r, lane, RV_ANSWER);
    if (e == NULL)
        return;
    e->other = by_lane;
    e->style = rcode && strcmp(rcode, "NOERROR") == 0 && has_first ? RV_RCODE_OK
               : rcode && (strcmp(rcode, "NOERROR") == 0 || strcmp(rcode, "NXDOMAIN") == 0)
                   ? RV_RCODE_NX
                   : RV_RCODE_FAIL;
    size_t n;
    char *k = pending_key(r, &n);
    uint64_t *slot = k ? strmap_find(b->pending, k, n) : NULL;
    if (slot != NULL) {
        rv_event_t *q = &v->ev[*slot - 1];
        q->t2 = r->t;
        q->other = by_lane;
        strmap_remove(b->pending, k, n);
    }
    free(k);
}

static void on_flow(builder_t *b, const rv_record_t *r, uint32_t lane)
{
    const char *oc = json_string_value(json_object_get(r->j, "outcome"));
    const char *via = json_string_value(json_object_get(r->j, "via"));
    uint32_t via_lane = via ? lane_of(b, via) : RV_NONE;
    rv_event_t *e = push_event(b, r, lane, RV_FLOW);
    if (e == NULL)
        return;
    e->other = via_lane;
    e->style = oc == NULL                        ? RV_FLOW_DROPPED
               : strcmp(oc, "via") == 0          ? RV_FLOW_VIA
               : strcmp(oc, "direct") == 0       ? RV_FLOW_DIRECT
               : strcmp(oc, "exit") == 0         ? RV_FLOW_EXIT
                                                 : RV_FLOW_DROPPED;
}

static const struct {
    const char *kind;
    rv_span_kind_t span;
    bool opens;
} span_kinds[] = {
    {"node_down", RV_SPAN_DOWN, true},       {"node_up", RV_SPAN_DOWN, false},
    {"offline", RV_SPAN_OFFLINE, true},      {"online", RV_SPAN_OFFLINE, false},
    {"ctrl_lost", RV_SPAN_CTRL, true},       {"ctrl_back", RV_SPAN_CTRL, false},
    {"egress_break", RV_SPAN_EGRESS, true},  {"egress_mend", RV_SPAN_EGRESS, false},
};

static const struct {
    const char *kind;
    rv_kind_t ev;
} simple_kinds[] = {
    {"netmap", RV_NETMAP}, {"learn", RV_LEARN},   {"report", RV_REPORT},
    {"policy", RV_POLICY}, {"restart", RV_RESTART},
};

static void on_record(builder_t *b, const rv_record_t *r)
{
    uint32_t lane = lane_of(b, r->node);
    if (b->oom)
        return;
    const char *k = r->kind;
    for (size_t i = 0; i < sizeof span_kinds / sizeof span_kinds[0]; i++)
        if (strcmp(k, span_kinds[i].kind) == 0) {
            span_edge(b, r, lane, span_kinds[i].span, span_kinds[i].opens);
            return;
        }
    for (size_t i = 0; i < sizeof simple_kinds / sizeof simple_kinds[0]; i++)
        if (strcmp(k, simple_kinds[i].kind) == 0) {
            if (simple_kinds[i].ev == RV_LEARN)
                b->info[lane].connector = true;
            push_event(b, r, lane, simple_kinds[i].ev);
            return;
        }
    if (strcmp(k, "dns_query") == 0) {
        on_query(b, r, lane);
    } else if (strcmp(k, "dns_answer") == 0) {
        on_answer(b, r, lane);
    } else if (strcmp(k, "flow") == 0) {
        on_flow(b, r, lane);
    } else if (strcmp(k, "route_change") == 0) {
        b->info[lane].connector = true;
        uint32_t add = 0, rem = 0;
        /* Removals first: a change never removes what it adds. */
        route_list(b, r, lane, "remove", false, &rem);
        route_list(b, r, lane, "add", true, &add);
        rv_event_t *e = push_event(b, r, lane, RV_ROUTE);
        if (e != NULL) {
            e->n_add = add;
            e->n_remove = rem;
        }
    } else if (strcmp(k, "approval") == 0) {
        rv_event_t *e = push_event(b, r, lane, RV_APPROVAL);
        if (e != NULL)
            e->style = json_is_true(json_object_get(r->j, "approved"));
    } else if (strcmp(k, "primary") == 0) {
        const char *to = json_string_value(json_object_get(r->j, "to"));
        uint32_t to_lane = to ? lane_of(b, to) : RV_NONE;
        rv_event_t *e = push_event(b, r, lane, RV_PRIMARY);
        if (e != NULL)
            e->other = to_lane;
    } else {
        push_event(b, r, lane, RV_OTHER);
    }
}

static int cmp_iv(const void *a, const void *b)
{
    const rv_interval_t *x = a, *y = b;
    if (x->lane != y->lane)
        return x->lane < y->lane ? -1 : 1;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return (x->to > y->to) - (x->to < y->to);
}

static uint32_t remap(const uint32_t *map, uint32_t lane)
{
    return lane == RV_NONE ? RV_NONE : map[lane];
}

/* Final lane order: control, connectors, others (each in order of first appearance). */
static int order_lanes(builder_t *b)
{
    report_view_t *v = b->v;
    size_t n = v->n_lanes;
    uint32_t *map = calloc(n ? n : 1, sizeof *map);
    char **names = calloc(n ? n : 1, sizeof *names);
    bool *conn = calloc(n ? n : 1, sizeof *conn);
    size_t *events = calloc(n ? n : 1, sizeof *events);
    if (map == NULL || names == NULL || conn == NULL || events == NULL) {
        free(map);
        free(names);
        free(conn);
        free(events);
        return -1;
    }
    size_t k = 0;
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < n; i++) {
            bool take = pass == 0   ? i == 0 && b->info[0].used
                        : pass == 1 ? i > 0 && b->info[i].connector
                                    : i > 0 && !b->info[i].connector;
            if (!take)
                continue;
            map[i] = (uint32_t)k;
            names[k] = v->lanes[i];
            conn[k] = b->info[i].connector;
            events[k] = b->info[i].events;
            k++;
        }
    if (!b->info[0].used)
        map[0] = RV_NONE;
    free(v->lanes);
    v->lanes = names;
    v->n_lanes = k;
    v->lane_connector = conn;
    v->lane_events = events;
    for (size_t i = 0; i < v->n_ev; i++) {
        v->ev[i].lane = remap(map, v->ev[i].lane);
        v->ev[i].other = remap(map, v->ev[i].other);
    }
    for (size_t i = 0; i < v->n_targets; i++)
        v->targets[i] = remap(map, v->targets[i]);
    for (size_t i = 0; i < v->n_spans; i++)
        v->spans[i].lane = remap(map, v->spans[i].lane);
    for (size_t i = 0; i < v->n_iv; i++)
        v->iv[i].lane = remap(map, v->iv[i].lane);
    if (v->n_iv > 1)
        qsort(v->iv, v->n_iv, sizeof *v->iv, cmp_iv);
    free(map);
    return 0;
}

int report_view_build(const char *text, size_t len, report_view_t *v)
{
    memset(v, 0, sizeof *v);
    v->text = text ? text : "";
    builder_t b;
    memset(&b, 0, sizeof b);
    b.v = v;
    b.lanes_by_name = strmap_new();
    b.prefix_ids = strmap_new();
    b.open_iv = strmap_new();
    b.pending = strmap_new();
    /* Provisional lane 0 is the control lane (kept only when used). */
    if (b.lanes_by_name == NULL || b.prefix_ids == NULL || b.open_iv == NULL ||
        b.pending == NULL || grow(&v->lanes, &b.cap_lanes, 1, sizeof *v->lanes) != 0 ||
        (b.info = calloc(b.cap_lanes, sizeof *b.info)) == NULL)
        b.oom = true;
    if (!b.oom) {
        v->lanes[0] = NULL;
        v->n_lanes = 1;
    }
    for (size_t off = 0; !b.oom && off < len;) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
        rv_record_t r;
        if (n > 0 && report_view_parse(text + off, n, &r) == 0) {
            if (grow(&v->recs, &b.cap_recs, v->n_recs + 1, sizeof *v->recs) != 0) {
                b.oom = true;
            } else {
                v->recs[v->n_recs].off = off;
                v->recs[v->n_recs++].len = n;
                if (r.t > v->last)
                    v->last = r.t;
                on_record(&b, &r);
            }
            json_decref(r.j);
        } else if (n > 0) {
            v->bad_records++;
        }
        off += n + 1;
    }
    if (!b.oom && order_lanes(&b) != 0)
        b.oom = true;
    strmap_free(b.lanes_by_name);
    strmap_free(b.prefix_ids);
    strmap_free(b.open_iv);
    strmap_free(b.pending);
    free(b.info);
    if (b.oom) {
        report_view_clear(v);
        return -1;
    }
    return 0;
}

void report_view_clear(report_view_t *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->n_lanes; i++)
        free(v->lanes[i]);
    free(v->lanes);
    for (size_t i = 0; i < v->n_prefixes; i++)
        free(v->prefixes[i]);
    free(v->prefixes);
    free(v->lane_connector);
    free(v->lane_events);
    free(v->recs);
    free(v->ev);
    free(v->targets);
    free(v->spans);
    free(v->iv);
    memset(v, 0, sizeof *v);
}
