/* explain: the run as a story (see explain.h). Records are read back with jansson; each kind
 * has one sentence. Besides the sentences, the route table each node's netmaps gave it is
 * followed from the netmap records, so that a flow's path comes with its reason: the route that
 * matched (and since when), or why none did. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "explain.h"
#include "pfx.h"

/* ---- a tiny text builder over a fixed buffer ---- */

typedef struct {
    char *buf;
    size_t cap, len;
} out_t;

static void put(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out_t *o, const char *fmt, ...)
{
    if (o->len + 1 >= o->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

static const char *str(const json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

static const char *str_or(const json_t *j, const char *key, const char *dflt)
{
    const char *s = str(j, key);
    return s ? s : dflt;
}

/* ["a","b"] -> "a, b" (or "none"). */
static void put_list(out_t *o, const json_t *arr)
{
    size_t n = json_array_size(arr);
    if (n == 0) {
        put(o, "none");
        return;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (i >= 16) {
            put(o, ", ... %zu more", n - 16);
            break;
        }
        const char *s = json_string_value(v);
        put(o, "%s%s", i ? ", " : "", s ? s : "?");
    }
}

static void put_change(out_t *o, const json_t *j)
{
    const json_t *add = json_object_get(j, "add"), *rem = json_object_get(j, "remove");
    if (json_array_size(add) > 0) {
        put(o, "adds ");
        put_list(o, add);
    }
    if (json_array_size(rem) > 0) {
        put(o, "%sremoves ", json_array_size(add) ? " and " : "");
        put_list(o, rem);
    }
    if (json_array_size(add) == 0 && json_array_size(rem) == 0)
        put(o, "changes nothing");
}

static const char *path_text(const char *path)
{
    if (path == NULL)
        return "?";
    if (strcmp(path, "split") == 0)
        return "by split DNS to the app's connectors";
    if (strcmp(path, "local") == 0)
        return "to its own resolver";
    if (strcmp(path, "exit") == 0)
        return "through its exit node";
    return path;
}

static const char *cause_text(const char *cause)
{
    if (cause == NULL)
        return "";
    if (strcmp(cause, "response") == 0)
        return "after a DNS answer it produced";
    if (strcmp(cause, "config") == 0)
        return "after a configuration change";
    if (strcmp(cause, "restart") == 0)
        return "after its restart";
    if (strcmp(cause, "expiry") == 0)
        return "as learned routes expired";
    if (strcmp(cause, "connector") == 0)
        return "as its connector switch changed";
    return cause;
}

static const char *approval_text(bool approved, const char *by)
{
    if (by == NULL)
        return approved ? "approved" : "not approved";
    if (approved) {
        if (strcmp(by, "autoApprovers") == 0)
            return "approved by autoApprovers";
        if (strcmp(by, "control route") == 0)
            return "approved as a control route of the app";
        if (strcmp(by, "event") == 0)
            return "approved by an approve event";
        return "approved";
    }
    if (strcmp(by, "none") == 0)
        return "waits for approval (no autoApprovers entry covers it)";
    if (strcmp(by, "left") == 0)
        return "loses its approval (it left the node's set)";
    if (strcmp(by, "unapprove") == 0)
        return "is unapproved by an event";
    return "not approved";
}

/* One record, without state. */
static void sentence(out_t *o, const json_t *j)
{
    const char *kind = str_or(j, "kind", "?");
    const char *node = str_or(j, "node", "control");
    if (strcmp(kind, "dns_query") == 0) {
        put(o, "%s asks for %s %s", node, str_or(j, "name", "?"), str_or(j, "type", "A"));
        if (str(j, "id"))
            put(o, " (query '%s')", str(j, "id"));
        put(o, ", %s: ", path_text(str(j, "path")));
        put_list(o, json_object_get(j, "to"));
    } else if (strcmp(kind, "dns_answer") == 0) {
        put(o, "%s gets %s for %s", node, str_or(j, "rcode", "?"), str_or(j, "name", "?"));
        if (str(j, "id"))
            put(o, " (query '%s')", str(j, "id"));
        if (str(j, "first"))
            put(o, ", first address %s", str(j, "first"));
        if (str(j, "by"))
            put(o, ", answered by %s", str(j, "by"));
    } else if (strcmp(kind, "learn") == 0) {
        if (str(j, "malformed")) {
            put(o, "%s rejects its %s answer for %s for learning: malformed (%s)", node,
                str_or(j, "rcode", "?"), str_or(j, "name", "?"), str(j, "malformed"));
        } else {
            const json_t *recs = json_object_get(j, "records");
            put(o, "%s answers %s for %s and learns ", node, str_or(j, "rcode", "?"),
                str_or(j, "name", "?"));
            if (json_array_size(recs) == 0)
                put(o, "nothing (no routed address)");
            size_t i;
            json_t *r;
            json_array_foreach(recs, i, r) {
                if (i >= 16) {
                    put(o, ", ... %zu more", json_array_size(recs) - 16);
                    break;
                }
                const char *nm = json_string_value(json_array_get(r, 0));
                const char *ad = json_string_value(json_array_get(r, 1));
                put(o, "%s%s under %s", i ? ", " : "", ad ? ad : "?", nm ? nm : "?");
            }
        }
    } else if (strcmp(kind, "route_change") == 0) {
        put(o, "%s's advertised set ", node);
        put_change(o, j);
        put(o, " %s", cause_text(str(j, "cause")));
    } else if (strcmp(kind, "report") == 0) {
        put(o, "control receives %s's %s: ", node,
            json_is_true(json_object_get(j, "full")) ? "full set" : "route change");
        put_change(o, j);
    } else if (strcmp(kind, "approval") == 0) {
        put(o, "control: %s on %s %s", str_or(j, "prefix", "?"), node,
            approval_text(json_is_true(json_object_get(j, "approved")), str(j, "by")));
    } else if (strcmp(kind, "primary") == 0) {
        if (str(j, "to"))
            put(o, "control elects %s to serve %s", str(j, "to"), str_or(j, "prefix", "?"));
        else
            put(o, "control: no node serves %s any more", str_or(j, "prefix", "?"));
        if (str(j, "client"))
            put(o, " for %s", str(j, "client"));
    } else if (strcmp(kind, "netmap") == 0) {
        bool full = json_is_true(json_object_get(j, "full"));
        put(o, "%s receives %s netmap", node, full ? "a full" : "a");
        const json_t *routes = json_object_get(j, "routes");
        if (json_array_size(routes) > 0) {
            put(o, "; routes:");
            size_t i;
            json_t *r;
            json_array_foreach(routes, i, r) {
                if (i >= 16) {
                    put(o, " ... %zu more", json_array_size(routes) - 16);
                    break;
                }
                const char *p = json_string_value(json_array_get(r, 0));
                const char *via = json_string_value(json_array_get(r, 1));
                put(o, " %s %s%s", p ? p : "?", via ? "-> " : "withdrawn", via ? via : "");
                put(o, "%s", i + 1 < json_array_size(routes) ? "," : "");
            }
        }
        const json_t *peers = json_object_get(j, "peers");
        size_t i;
        json_t *p;
        json_array_foreach(peers, i, p) {
            const char *pn = json_string_value(json_array_get(p, 0));
            put(o, "%s%s %s", i ? ", " : "; peers: ", pn ? pn : "?",
                json_is_true(json_array_get(p, 1)) ? "online" : "offline");
        }
        if (json_object_get(j, "splitdns"))
            put(o, "; split DNS: %lld entries",
                (long long)json_integer_value(json_object_get(j, "splitdns")));
        const json_t *cfg = json_object_get(j, "config");
        if (cfg)
            put(o, "; app configuration: %lld domains, %lld routes",
                (long long)json_integer_value(json_object_get(cfg, "domains")),
                (long long)json_integer_value(json_object_get(cfg, "routes")));
    } else if (strcmp(kind, "flow") == 0) {
        put(o, "%s's flow", node);
        if (str(j, "id"))
            put(o, " '%s'", str(j, "id"));
        put(o, " to %s", str_or(j, "to", "?"));
        if (str(j, "name"))
            put(o, " (%s)", str(j, "name"));
        const char *oc = str_or(j, "outcome", "?");
        if (strcmp(oc, "via") == 0)
            put(o, " goes via %s, egress %s", str_or(j, "via", "?"), str_or(j, "egress", "-"));
        else if (strcmp(oc, "exit") == 0)
            put(o, " goes through exit node %s, egress %s", str_or(j, "via", "?"),
                str_or(j, "egress", "-"));
        else if (strcmp(oc, "direct") == 0)
            put(o, " goes direct, egress %s", str_or(j, "egress", "-"));
        else
            put(o, " is %s (%s)", oc, str_or(j, "reason", "?"));
    } else if (strcmp(kind, "node_down") == 0) {
        put(o, "%s goes down", node);
    } else if (strcmp(kind, "node_up") == 0) {
        put(o, "%s comes up", node);
    } else if (strcmp(kind, "ctrl_lost") == 0) {
        put(o, "%s loses its control session", node);
    } else if (strcmp(kind, "ctrl_back") == 0) {
        put(o, "%s's control session is back", node);
    } else if (strcmp(kind, "offline") == 0) {
        put(o, "control now sees %s offline", node);
    } else if (strcmp(kind, "online") == 0) {
        put(o, "control sees %s online", node);
    } else if (strcmp(kind, "restart") == 0) {
        put(o, "%s restarts", node);
    } else if (strcmp(kind, "policy") == 0) {
        put(o, "control installs policy version %lld",
            (long long)json_integer_value(json_object_get(j, "version")));
    } else if (strcmp(kind, "egress_break") == 0) {
        put(o, "%s's egress breaks", node);
    } else if (strcmp(kind, "egress_mend") == 0) {
        put(o, "%s's egress is mended", node);
    } else if (strcmp(kind, "latency") == 0) {
        put(o, "%s's latency to %s changes", node, str_or(j, "region", "?"));
        if (str(j, "now_region"))
            put(o, "; its region is %s", str(j, "now_region"));
    } else if (strcmp(kind, "exit_select") == 0) {
        if (str(j, "exit"))
            put(o, "%s selects exit node %s", node, str(j, "exit"));
        else
            put(o, "%s deselects its exit node", node);
    } else if (strcmp(kind, "advertise_connector") == 0) {
        put(o, "%s turns advertise_connector %s", node,
            json_is_true(json_object_get(j, "value")) ? "on" : "off");
    } else if (strcmp(kind, "zone_change") == 0) {
        put(o, "zone %s%s%s: %s type %lld gets %lld record(s)", str_or(j, "origin", "?"),
            str(j, "view") ? " view " : "", str_or(j, "view", ""), str_or(j, "owner", "?"),
            (long long)json_integer_value(json_object_get(j, "type")),
            (long long)json_integer_value(json_object_get(j, "records")));
    } else if (strcmp(kind, "warning") == 0) {
        put(o, "warning%s%s: %s", str(j, "node") ? " on " : "", str_or(j, "node", ""),
            str_or(j, "reason", "?"));
    } else if (strcmp(kind, "rejected") == 0) {
        put(o, "%s event rejected for %s: %s", str_or(j, "event", "?"), node,
            str_or(j, "reason", "?"));
    } else {
        char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        put(o, "%s: %s", kind, text ? text : "?");
        free(text);
    }
}

const char *explain_record(const char *record, size_t len, char *buf, size_t cap)
{
    out_t o = {buf, cap, 0};
    if (cap > 0)
        buf[0] = '\0';
    json_t *j = json_loadb(record, len, JSON_ALLOW_NUL, NULL);
    if (j == NULL) {
        put(&o, "(unreadable record)");
        return buf;
    }
    sentence(&o, j);
    json_decref(j);
    return buf;
}

/* ---- the route tables the netmaps built ---- */

typedef struct {
    pfx_t p;
    size_t via; /* scenario node */
    sim_time_t since;
} route_t;

typedef struct {
    route_t *v;
    size_t n, cap;
} table_t;

static void table_set(table_t *t, const pfx_t *p, size_t via, sim_time_t at)
{
    for (size_t i = 0; i < t->n; i++) {
        if (pfx_equal(&t->v[i].p, p)) {
            if (via == SCENARIO_NONE) {
                t->v[i] = t->v[--t->n];
            } else if (t->v[i].via != via) {
                t->v[i].via = via;
                t->v[i].since = at;
            }
            return;
        }
    }
    if (via == SCENARIO_NONE)
        return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        route_t *nv = realloc(t->v, cap * sizeof *nv);
        if (nv == NULL)
            return;
        t->v = nv;
        t->cap = cap;
    }
    t->v[t->n++] = (route_t){*p, via, at};
}

static const route_t *table_lookup(const table_t *t, const pfx_addr_t *a)
{
    const route_t *best = NULL;
    for (size_t i = 0; i < t->n; i++)
        if (pfx_contains(&t->v[i].p, a) && (best == NULL || t->v[i].p.len > best->p.len))
            best = &t->v[i];
    return best;
}

static void netmap_apply(const scenario_t *s, table_t *tables, size_t node, const json_t *j,
                         sim_time_t at)
{
    table_t *t = &tables[node];
    if (json_is_true(json_object_get(j, "full")))
        t->n = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j, "routes"), i, r) {
        const char *ptext = json_string_value(json_array_get(r, 0));
        const char *via = json_string_value(json_array_get(r, 1));
        pfx_t p;
        if (ptext == NULL || !pfx_parse(ptext, strlen(ptext), false, &p, NULL))
            continue;
        table_set(t, &p, via ? scenario_find_node(s, via) : SCENARIO_NONE, at);
    }
}

static void flow_reason(FILE *out, const scenario_t *s, const table_t *tables, size_t node,
                        const json_t *j)
{
    const char *to = str(j, "to");
    const char *oc = str_or(j, "outcome", "");
    pfx_addr_t a;
    if (to == NULL || node >= s->n_nodes || !pfx_addr_parse(to, strlen(to), &a))
        return;
    const route_t *r = table_lookup(&tables[node], &a);
    char b[PFX_TEXT_MAX], since[SIMTIME_BUF];
    if (r != NULL) {
        pfx_format(&r->p, b);
        simtime_format(r->since, since);
    }
    if (r != NULL && s->nodes[node].accept_routes)
        fprintf(out, "             why: its route table maps %s to %s (since %s)\n", b,
                s->nodes[r->via].name, since);
    else if (r != NULL)
        fprintf(out,
                "             why: its netmap lists %s -> %s, but it does not accept routes\n",
                b, s->nodes[r->via].name);
    else if (strcmp(oc, "exit") == 0)
        fprintf(out, "             why: no route covers %s; it uses its exit node\n", to);
    else if (strcmp(oc, "direct") == 0)
        fprintf(out, "             why: no route in its table covers %s\n", to);
}

/* ---- the story ---- */

static void setting_line(FILE *out, const char *name, sim_time_t v)
{
    char b[SIMTIME_BUF];
    fprintf(out, " %s %s", name, simtime_format(v, b));
}

static void prologue(FILE *out, const scenario_t *s, const run_result_t *r)
{
    fprintf(out, "Scenario: %s  [%s]\n", s->name ? s->name : "", s->path ? s->path : "");
    if (s->description && s->description[0])
        fprintf(out, "%s\n", s->description);
    fprintf(out, "Seed %llu.", (unsigned long long)r->seed);
    setting_line(out, "propagation_delay", s->settings.propagation_delay);
    setting_line(out, "propagation_jitter", s->settings.propagation_jitter);
    setting_line(out, "detection_delay", s->settings.detection_delay);
    fputs("\n\nNodes:\n", out);
    for (size_t i = 0; i < s->n_nodes; i++) {
        const scenario_node_t *n = &s->nodes[i];
        fprintf(out, "  %s (id %llu)", n->name, (unsigned long long)n->id);
        for (size_t k = 0; k < n->n_tags; k++)
            fprintf(out, "%s%s", k ? " " : " tags ", n->tags[k]);
        if (n->advertise_connector)
            fputs(", connector", out);
        if (n->offers_exit)
            fputs(", offers exit", out);
        if (n->exit_node != SCENARIO_NONE)
            fprintf(out, ", uses exit %s", s->nodes[n->exit_node].name);
        if (!n->accept_routes)
            fputs(", does not accept routes", out);
        if (!n->accept_dns)
            fputs(", does not accept DNS", out);
        fputc('\n', out);
    }
    const scenario_policy_t *p = s->n_policies ? &s->policies[0] : NULL;
    if (p && p->n_apps) {
        fputs("Apps:\n", out);
        for (size_t i = 0; i < p->n_apps; i++) {
            const scenario_app_t *a = &p->apps[i];
            fprintf(out, "  %s: connectors", a->name);
            for (size_t k = 0; k < a->n_connectors; k++)
                fprintf(out, " %s", a->connectors[k]);
            fputs("; domains", out);
            for (size_t k = 0; k < a->n_domains; k++)
                fprintf(out, " %s", a->domains[k].name);
            if (a->n_routes)
                fprintf(out, "; %zu control route%s", a->n_routes, a->n_routes == 1 ? "" : "s");
            fputc('\n', out);
        }
    }
    fputc('\n', out);
}

static void epilogue(FILE *out, const run_result_t *r)
{
    char b[SIMTIME_BUF];
    fprintf(out, "\nThe run ends at %s after %llu events (fingerprint %s).\n",
            simtime_format(r->end_time, b), (unsigned long long)r->events, r->fingerprint);
    if (r->error)
        fprintf(out, "It stopped early: %s\n", r->error);
    if (r->n_checks == 0)
        return;
    fputs("\nExpectations:\n", out);
    for (size_t i = 0; i < r->n_checks; i++) {
        const check_result_t *c = &r->checks[i];
        fprintf(out, "  %-7s %s at %s: %s\n", c->status == CHECK_PASS ? "ok" : "FAILED",
                c->kind ? c->kind : "?",
                c->at == SCENARIO_END ? "end" : simtime_format(c->at, b),
                c->expected ? c->expected : "");
        if (c->status != CHECK_PASS)
            fprintf(out, "          got: %s\n", c->got ? c->got : "");
    }
}

int explain_write(FILE *out, const scenario_t *s, const run_result_t *r)
{
    prologue(out, s, r);
    if (r->trace == NULL) {
        fputs("(no trace was kept)\n", out);
        epilogue(out, r);
        return -1;
    }
    table_t *tables = calloc(s->n_nodes ? s->n_nodes : 1, sizeof *tables);
    if (tables == NULL)
        return -1;
    int rc = 0;
    sim_time_t last = -1;
    char line[4096];
    const char *p = r->trace, *end = r->trace + r->trace_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        json_t *j = json_loadb(p, len, JSON_ALLOW_NUL, NULL);
        p += len + 1;
        if (j == NULL) {
            rc = -1;
            continue;
        }
        sim_time_t t = json_integer_value(json_object_get(j, "t"));
        if (t != last) {
            char b[SIMTIME_BUF];
            fprintf(out, "at %s:\n", simtime_format(t, b));
            last = t;
        }
        out_t o = {line, sizeof line, 0};
        line[0] = '\0';
        sentence(&o, j);
        fprintf(out, "  %s\n", line);
        const char *kind = str_or(j, "kind", "");
        const char *node = str(j, "node");
        size_t ni = node ? scenario_find_node(s, node) : SCENARIO_NONE;
        if (ni != SCENARIO_NONE && strcmp(kind, "netmap") == 0)
            netmap_apply(s, tables, ni, j, t);
        else if (ni != SCENARIO_NONE && strcmp(kind, "flow") == 0)
            flow_reason(out, s, tables, ni, j);
        json_decref(j);
    }
    for (size_t i = 0; i < s->n_nodes; i++)
        free(tables[i].v);
    free(tables);
    epilogue(out, r);
    return rc;
}
