/* scenario_timeline: the "timeline" section, the S2 events. Events keep file order; the
 * simulator runs them by time, file order among equal times (T1). */
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "suggest.h"

#define MAX_EVENT_KEYS 8

static const struct {
    const char *name;
    const char *keys[MAX_EVENT_KEYS]; /* besides "at" and "event" */
} kinds[SCENARIO_EV_COUNT] = {
    [SCENARIO_EV_DOWN] = {"down", {"node"}},
    [SCENARIO_EV_UP] = {"up", {"node"}},
    [SCENARIO_EV_CTRL_LOST] = {"ctrl_lost", {"node"}},
    [SCENARIO_EV_CTRL_BACK] = {"ctrl_back", {"node"}},
    [SCENARIO_EV_EGRESS_BREAK] = {"egress_break", {"node"}},
    [SCENARIO_EV_EGRESS_MEND] = {"egress_mend", {"node"}},
    [SCENARIO_EV_RESTART] = {"restart", {"node"}},
    [SCENARIO_EV_LATENCY] = {"latency", {"node", "region", "rtt"}},
    [SCENARIO_EV_EXIT_SELECT] = {"exit_select", {"node", "exit"}},
    [SCENARIO_EV_POLICY] = {"policy", {"policy", "policy_file"}},
    [SCENARIO_EV_APPROVE] = {"approve", {"node", "prefix"}},
    [SCENARIO_EV_UNAPPROVE] = {"unapprove", {"node", "prefix"}},
    [SCENARIO_EV_ZONE_CHANGE] = {"zone_change", {"origin", "view", "owner", "type", "ttl", "records"}},
    [SCENARIO_EV_QUERY] = {"query", {"node", "name", "type", "id"}},
    [SCENARIO_EV_FLOW] = {"flow", {"node", "to", "id"}},
    [SCENARIO_EV_ADVERTISE_CONNECTOR] = {"advertise_connector", {"node", "value"}},
};

const char *scenario_event_kind_name(scenario_event_kind_t k)
{
    return (unsigned)k < SCENARIO_EV_COUNT ? kinds[k].name : "?";
}

void scenario_event_clear(scenario_event_t *ev)
{
    free(ev->id);
    switch (ev->kind) {
    case SCENARIO_EV_ZONE_CHANGE:
        free(ev->u.zone_change.owner);
        ld_free_strings(ev->u.zone_change.rdata, ev->u.zone_change.n_rdata);
        ld_free_strings(ev->u.zone_change.rr_texts, ev->u.zone_change.n_rdata);
        break;
    case SCENARIO_EV_QUERY:
        free(ev->u.query.name);
        break;
    case SCENARIO_EV_FLOW:
        free(ev->u.flow.name);
        break;
    default:
        break;
    }
    memset(ev, 0, sizeof *ev);
}

/* The fields of one event, by key name. */
typedef struct {
    const char *keys[MAX_EVENT_KEYS + 2];
    jv_t f[MAX_EVENT_KEYS + 2];
    size_t n;
} fields_t;

static const jv_t *get(const fields_t *fs, const char *key)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->keys[i], key) == 0)
            return &fs->f[i];
    return NULL; /* not a key of this kind: a bug in the table above */
}

/* The field when present, else an error at the event and NULL. */
static const jv_t *need(ld_t *ld, const jv_t *obj, const fields_t *fs, const char *key)
{
    const jv_t *v = get(fs, key);
    return v != NULL && ld_required(ld, obj, v, key) ? v : NULL;
}

static bool at_or_below(const char *name, const char *origin)
{
    size_t n = strlen(name), o = strlen(origin);
    if (o == 0)
        return true; /* the root encloses every name */
    return n == o ? strcmp(name, origin) == 0
                  : n > o && name[n - o - 1] == '.' && strcmp(name + n - o, origin) == 0;
}

/* Whole RR lines for the DNS module, which takes master-file text; each is parsed now (S4),
 * relative names relative to the zone's origin as the change will be, its error at
 * records[k]. */
static void compose_rr_texts(ld_t *ld, scenario_event_t *ev, const jv_t *records,
                             const char *origin)
{
    size_t n = ev->u.zone_change.n_rdata;
    if (n == 0 || ev->u.zone_change.owner == NULL || ev->u.zone_change.type == 0)
        return;
    char **texts = ld_calloc(ld, n, sizeof *texts);
    char *type = ldns_rr_type2str((ldns_rr_type)ev->u.zone_change.type);
    if (texts == NULL || type == NULL) {
        free(texts);
        free(type);
        ld_oom(ld);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *rdata = ev->u.zone_change.rdata[i];
        size_t len = strlen(ev->u.zone_change.owner) + strlen(type) + strlen(rdata) + 32;
        if ((texts[i] = malloc(len)) == NULL) {
            ld_free_strings(texts, n);
            free(type);
            ld_oom(ld);
            return;
        }
        snprintf(texts[i], len, "%s. %u IN %s %s", ev->u.zone_change.owner,
                 (unsigned)ev->u.zone_change.ttl, type, rdata);
    }
    free(type);
    ev->u.zone_change.rr_texts = texts;
    if (origin == NULL)
        return; /* the origin is in error already */
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, records);
    for (size_t i = 0; i < n && jv_iter_next(&it, &el); i++)
        ld_rr_line(ld, &el, texts[i], origin);
}

static void load_zone_change(ld_t *ld, scenario_event_t *ev, const jv_t *obj, const fields_t *fs)
{
    const jv_t *origin = need(ld, obj, fs, "origin"), *owner = need(ld, obj, fs, "owner"),
               *type = need(ld, obj, fs, "type"), *records = need(ld, obj, fs, "records"),
               *view = get(fs, "view"), *ttl = get(fs, "ttl");
    char *origin_name = NULL;
    size_t view_index = SCENARIO_NONE;
    bool view_ok = view->j == NULL || ld_region_ref(ld, view, &view_index);
    ev->u.zone_change.zone = SCENARIO_NONE;
    ev->u.zone_change.ttl = 300;
    if (origin != NULL && ld_dns_name(ld, origin, false, true, &origin_name) && view_ok) {
        char key[LD_PAIR_KEY_MAX];
        size_t n = ld_pair_key(origin_name, view_index, key);
        uint64_t *slot = strmap_find(ld->zone_keys, key, n);
        if (slot == NULL)
            ld_err(ld, origin, "there is no zone '%s' for the %s view in dns.zones",
                   json_string_value(origin->j),
                   view_index == SCENARIO_NONE ? "default" : ld->s->regions[view_index]);
        else
            ev->u.zone_change.zone = (size_t)*slot;
    }
    if (owner != NULL && ld_dns_name(ld, owner, true, false, &ev->u.zone_change.owner) &&
        origin_name != NULL && !at_or_below(ev->u.zone_change.owner, origin_name))
        ld_err(ld, owner, "'%s' is not in the zone '%s'", ev->u.zone_change.owner,
               origin_name[0] != '\0' ? origin_name : ".");
    if (type != NULL)
        ld_rr_type(ld, type, &ev->u.zone_change.type);
    if (ttl->j != NULL) {
        if (!json_is_integer(ttl->j) || json_integer_value(ttl->j) < 0 ||
            json_integer_value(ttl->j) > INT32_MAX)
            ld_err(ld, ttl, "must be an integer number of seconds from 0 to 2147483647");
        else
            ev->u.zone_change.ttl = (uint32_t)json_integer_value(ttl->j);
    }
    if (records != NULL &&
        ld_str_list(ld, records, SCENARIO_MAX_RECORD, false, NULL, &ev->u.zone_change.rdata,
                    &ev->u.zone_change.n_rdata))
        compose_rr_texts(ld, ev, records, ev->u.zone_change.zone != SCENARIO_NONE ? origin_name
                                                                                 : NULL);
    free(origin_name);
}

static void load_flow_target(ld_t *ld, scenario_event_t *ev, const jv_t *to)
{
    const char *text;
    if (!ld_str_view(ld, to, SCENARIO_MAX_STRING, false, &text))
        return;
    if (pfx_addr_parse(text, strlen(text), &ev->u.flow.addr)) {
        ev->u.flow.to_is_addr = true;
        return;
    }
    dn_domain_t d;
    errinfo_t e;
    if (!dn_domain_parse(text, strlen(text), &d, &e))
        ld_err(ld, to, "'%s' is neither an address nor a DNS name (%s)", text, e.msg);
    else if (d.wildcard)
        ld_err(ld, to, "'%s' is a wildcard; a flow goes to an address or a DNS name", text);
    else
        ev->u.flow.name = ld_strdup(ld, d.name);
}

static void load_id(ld_t *ld, scenario_event_t *ev, size_t index, const jv_t *v)
{
    const char *id;
    if (v->j == NULL || !ld_str_view(ld, v, SCENARIO_MAX_STRING, false, &id))
        return;
    bool added = false;
    uint64_t *slot = strmap_insert(ld->event_ids, id, strlen(id), &added);
    if (slot == NULL)
        ld_oom(ld);
    else if (!added)
        ld_err(ld, v, "id '%s' is already used by timeline[%llu]", id, (unsigned long long)*slot);
    else {
        *slot = index;
        ev->id = ld_strdup(ld, id);
    }
}

static void load_exit(ld_t *ld, scenario_event_t *ev, const jv_t *exit)
{
    ev->u.exit_select.exit = SCENARIO_NONE;
    if (json_is_null(exit->j))
        return;
    size_t e;
    if (!json_is_string(exit->j)) {
        ld_err(ld, exit, "must be a node name or null, not %s", ld_type_name(exit->j));
        return;
    }
    if (!ld_node_ref(ld, exit, &e))
        return;
    if (e == ev->node)
        ld_err(ld, exit, "a node cannot select itself as its exit node");
    else if (!ld->s->nodes[e].offers_exit)
        ld_err(ld, exit, "node '%s' does not offer exit (\"offers_exit\": true)",
               ld->s->nodes[e].name);
    else
        ev->u.exit_select.exit = e;
}

static void load_event(ld_t *ld, scenario_event_t *ev, size_t index, const jv_t *obj)
{
    ev->seq = index;
    ev->node = SCENARIO_NONE;
    ld_line_col(obj, false, &ev->line, &ev->col);
    if (!ld_is(ld, obj, JSON_OBJECT, "an object (an event)"))
        return;
    jv_t kind_v = ld_member(obj, "event");
    const char *kind_name;
    if (!ld_required(ld, obj, &kind_v, "event") ||
        !ld_str_view(ld, &kind_v, 64, false, &kind_name))
        return;
    size_t k = 0;
    while (k < SCENARIO_EV_COUNT && strcmp(kinds[k].name, kind_name) != 0)
        k++;
    if (k == SCENARIO_EV_COUNT) {
        const char *names[SCENARIO_EV_COUNT];
        for (size_t i = 0; i < SCENARIO_EV_COUNT; i++)
            names[i] = kinds[i].name;
        const char *near = suggest_nearest(kind_name, names, SCENARIO_EV_COUNT, 2, false);
        if (near != NULL)
            ld_err(ld, &kind_v, "unknown event '%s'; did you mean '%s'?", kind_name, near);
        else
            ld_err(ld, &kind_v, "unknown event '%s' (see scenarios/FORMAT.md, \"timeline\")",
                   kind_name);
        return;
    }
    ev->kind = (scenario_event_kind_t)k;
    fields_t fs = {{"at", "event"}, {{0}}, 2};
    for (size_t i = 0; i < MAX_EVENT_KEYS && kinds[k].keys[i] != NULL; i++)
        fs.keys[fs.n++] = kinds[k].keys[i];
    ld_object(ld, obj, fs.keys, fs.n, fs.f, 0, NULL, NULL);

    const jv_t *at = need(ld, obj, &fs, "at");
    if (at != NULL && ld_duration(ld, at, &ev->at) && ev->at > ld->s->settings.max_time) {
        char t[SIMTIME_BUF];
        ld_err(ld, at, "runs after settings.max_time (%s), where the run stops",
               simtime_format(ld->s->settings.max_time, t));
    }
    const jv_t *node = get(&fs, "node");
    if (node != NULL && ld_required(ld, obj, node, "node"))
        ld_node_ref(ld, node, &ev->node);
    const jv_t *v;
    switch (ev->kind) {
    case SCENARIO_EV_LATENCY:
        if ((v = need(ld, obj, &fs, "region")) != NULL)
            ld_region_ref(ld, v, &ev->u.latency.region);
        if ((v = need(ld, obj, &fs, "rtt")) != NULL) {
            if (json_is_null(v->j))
                ev->u.latency.remove = true;
            else
                ld_duration(ld, v, &ev->u.latency.rtt);
        }
        break;
    case SCENARIO_EV_EXIT_SELECT:
        if ((v = need(ld, obj, &fs, "exit")) != NULL)
            load_exit(ld, ev, v);
        break;
    case SCENARIO_EV_POLICY: {
        const jv_t *pol = get(&fs, "policy"), *file = get(&fs, "policy_file");
        if (pol->j != NULL && file->j != NULL)
            ld_err_key(ld, file, "give either \"policy\" or \"policy_file\", not both");
        else if (pol->j == NULL && file->j == NULL)
            ld_err(ld, obj, "a policy event needs \"policy\" (inline) or \"policy_file\"");
        else
            ld_policy(ld, pol->j != NULL ? pol : NULL, file->j != NULL ? file : NULL,
                      &ev->u.policy.version);
        break;
    }
    case SCENARIO_EV_APPROVE:
    case SCENARIO_EV_UNAPPROVE:
        if ((v = need(ld, obj, &fs, "prefix")) != NULL)
            ld_prefix(ld, v, &ev->u.approve.prefix);
        break;
    case SCENARIO_EV_ZONE_CHANGE:
        load_zone_change(ld, ev, obj, &fs);
        break;
    case SCENARIO_EV_QUERY:
        ev->u.query.type = 1; /* A */
        if ((v = need(ld, obj, &fs, "name")) != NULL)
            ld_dns_name(ld, v, false, false, &ev->u.query.name);
        if ((v = get(&fs, "type"))->j != NULL)
            ld_rr_type(ld, v, &ev->u.query.type);
        load_id(ld, ev, index, get(&fs, "id"));
        break;
    case SCENARIO_EV_FLOW:
        if ((v = need(ld, obj, &fs, "to")) != NULL)
            load_flow_target(ld, ev, v);
        load_id(ld, ev, index, get(&fs, "id"));
        break;
    case SCENARIO_EV_ADVERTISE_CONNECTOR:
        if ((v = need(ld, obj, &fs, "value")) != NULL)
            ld_bool(ld, v, &ev->u.advertise_connector.value);
        break;
    default:
        break;
    }
}

void ld_timeline(ld_t *ld, const jv_t *timeline)
{
    scenario_t *s = ld->s;
    size_t n;
    if (!ld_array(ld, timeline, 0, &n) || (s->events = ld_calloc(ld, n, sizeof *s->events)) == NULL)
        return;
    s->n_events = n;
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, timeline);
    for (size_t i = 0; jv_iter_next(&it, &el) && !ld->oom; i++)
        load_event(ld, &s->events[i], i, &el);
}
