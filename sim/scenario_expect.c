/* scenario_expect: the "expect" section: what the run must show, and when. */
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "suggest.h"

void scenario_expect_clear(scenario_expect_t *ex)
{
    ld_free_strings(ex->rules, ex->n_rules);
    free(ex->id);
    switch (ex->kind) {
    case SCENARIO_EXP_ADVERTISED:
        free(ex->u.advertised.prefixes);
        break;
    case SCENARIO_EXP_FLOW:
        free(ex->u.flow.reason);
        break;
    case SCENARIO_EXP_DNS:
        free(ex->u.dns.addresses);
        break;
    case SCENARIO_EXP_INVARIANT:
        free(ex->u.invariant.prefixes);
        break;
    default:
        break;
    }
    memset(ex, 0, sizeof *ex);
}

/* A keyword among names (its index), or an error with a suggestion. */
static bool keyword(ld_t *ld, const jv_t *v, const char *const *names, size_t n, const char *what,
                    size_t *out)
{
    const char *s;
    if (!ld_str_view(ld, v, 64, false, &s))
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return true;
        }
    char list[256] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(list, i == 0 ? "\"" : ", \"", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
        strncat(list, "\"", sizeof list - strlen(list) - 1);
    }
    const char *near = suggest_nearest(s, names, n, 2, false);
    if (near != NULL)
        ld_err(ld, v, "unknown %s '%s'; did you mean '%s'?", what, s, near);
    else
        ld_err(ld, v, "unknown %s '%s' (one of %s)", what, s, list);
    return false;
}

/* An event id of the given kind that runs no later than the expectation's time. */
static bool event_ref(ld_t *ld, const jv_t *v, scenario_event_kind_t kind, sim_time_t at,
                      size_t *out)
{
    const char *id;
    if (!ld_str_view(ld, v, SCENARIO_MAX_STRING, false, &id))
        return false;
    uint64_t *slot = strmap_find(ld->event_ids, id, strlen(id));
    if (slot == NULL) {
        ld_err(ld, v, "no %s event has the id '%s'", scenario_event_kind_name(kind), id);
        return false;
    }
    const scenario_event_t *ev = &ld->s->events[*slot];
    if (ev->kind != kind) {
        ld_err(ld, v, "'%s' is a %s event, not a %s", id, scenario_event_kind_name(ev->kind),
               scenario_event_kind_name(kind));
        return false;
    }
    if (ev->at > at) {
        char a[SIMTIME_BUF], b[SIMTIME_BUF];
        ld_err(ld, v, "the %s '%s' runs at %s, after this expectation's time %s",
               scenario_event_kind_name(kind), id, simtime_format(ev->at, a),
               simtime_format(at, b));
        return false;
    }
    *out = (size_t)*slot;
    return true;
}

/* ---- the kinds ---- */

static void load_advertised(ld_t *ld, scenario_expect_t *ex, const jv_t *v)
{
    enum { K_NODE, K_EXACTLY, K_INCLUDES, K_EXCLUDES, K_COUNT };
    static const char *const keys[K_COUNT] = {"node", "exactly", "includes", "excludes"};
    jv_t f[K_COUNT];
    ex->u.advertised.node = SCENARIO_NONE;
    if (!ld_object(ld, v, keys, K_COUNT, f, 0, NULL, NULL))
        return;
    if (ld_required(ld, v, &f[K_NODE], "node"))
        ld_node_ref(ld, &f[K_NODE], &ex->u.advertised.node);
    int present = (f[K_EXACTLY].j != NULL) + (f[K_INCLUDES].j != NULL) + (f[K_EXCLUDES].j != NULL);
    if (present != 1) {
        ld_err(ld, v, "give exactly one of \"exactly\", \"includes\" and \"excludes\"");
        return;
    }
    int k = f[K_EXACTLY].j != NULL ? K_EXACTLY : f[K_INCLUDES].j != NULL ? K_INCLUDES : K_EXCLUDES;
    ex->u.advertised.mode = k == K_EXACTLY    ? SCENARIO_SET_EXACTLY
                            : k == K_INCLUDES ? SCENARIO_SET_INCLUDES
                                              : SCENARIO_SET_EXCLUDES;
    ld_prefix_list(ld, &f[k], NULL, &ex->u.advertised.prefixes, &ex->u.advertised.n_prefixes);
}

static void load_route(ld_t *ld, scenario_expect_t *ex, const jv_t *v)
{
    enum { K_NODE, K_ADDRESS, K_VIA, K_COUNT };
    static const char *const keys[K_COUNT] = {"node", "address", "via"};
    jv_t f[K_COUNT];
    ex->u.route.node = ex->u.route.via = SCENARIO_NONE;
    if (!ld_object(ld, v, keys, K_COUNT, f, 0, NULL, NULL))
        return;
    if (ld_required(ld, v, &f[K_NODE], "node"))
        ld_node_ref(ld, &f[K_NODE], &ex->u.route.node);
    if (ld_required(ld, v, &f[K_ADDRESS], "address"))
        ld_addr(ld, &f[K_ADDRESS], &ex->u.route.address);
    if (ld_required(ld, v, &f[K_VIA], "via") && !json_is_null(f[K_VIA].j)) {
        if (!json_is_string(f[K_VIA].j))
            ld_err(ld, &f[K_VIA], "must be a node name or null (no route), not %s",
                   ld_type_name(f[K_VIA].j));
        else
            ld_node_ref(ld, &f[K_VIA], &ex->u.route.via);
    }
}

static void load_flow(ld_t *ld, scenario_expect_t *ex, const jv_t *v)
{
    enum { K_FLOW, K_OUTCOME, K_NODE, K_EGRESS, K_REASON, K_COUNT };
    static const char *const keys[K_COUNT] = {"flow", "outcome", "node", "egress", "reason"};
    static const char *const outcomes[] = {"via", "exit", "direct", "dropped"};
    jv_t f[K_COUNT];
    ex->u.flow.event = ex->u.flow.node = SCENARIO_NONE;
    if (!ld_object(ld, v, keys, K_COUNT, f, 0, NULL, NULL))
        return;
    if (ld_required(ld, v, &f[K_FLOW], "flow"))
        event_ref(ld, &f[K_FLOW], SCENARIO_EV_FLOW, ex->at, &ex->u.flow.event);
    size_t outcome;
    if (!ld_required(ld, v, &f[K_OUTCOME], "outcome") ||
        !keyword(ld, &f[K_OUTCOME], outcomes, 4, "outcome", &outcome))
        return;
    ex->u.flow.outcome = (scenario_outcome_t)outcome;
    bool through = outcome == SCENARIO_OUTCOME_VIA || outcome == SCENARIO_OUTCOME_EXIT;
    bool dropped = outcome == SCENARIO_OUTCOME_DROPPED;
    if (f[K_NODE].j != NULL) {
        if (!through)
            ld_err_key(ld, &f[K_NODE], "\"node\" goes with the outcomes \"via\" and \"exit\"");
        else
            ld_node_ref(ld, &f[K_NODE], &ex->u.flow.node);
    }
    if (f[K_EGRESS].j != NULL) {
        if (dropped)
            ld_err_key(ld, &f[K_EGRESS], "a dropped flow has no egress address");
        else
            ex->u.flow.has_egress = ld_addr(ld, &f[K_EGRESS], &ex->u.flow.egress);
    }
    if (f[K_REASON].j != NULL) {
        if (!dropped)
            ld_err_key(ld, &f[K_REASON], "\"reason\" goes with the outcome \"dropped\"");
        else
            ld_str(ld, &f[K_REASON], SCENARIO_MAX_STRING, false, &ex->u.flow.reason);
    }
}

static void load_dns(ld_t *ld, scenario_expect_t *ex, const jv_t *v)
{
    enum { K_QUERY, K_RCODE, K_ADDRESSES, K_COUNT };
    static const char *const keys[K_COUNT] = {"query", "rcode", "addresses"};
    jv_t f[K_COUNT];
    ex->u.dns.event = SCENARIO_NONE;
    if (!ld_object(ld, v, keys, K_COUNT, f, 0, NULL, NULL))
        return;
    if (ld_required(ld, v, &f[K_QUERY], "query"))
        event_ref(ld, &f[K_QUERY], SCENARIO_EV_QUERY, ex->at, &ex->u.dns.event);
    if (f[K_RCODE].j == NULL && f[K_ADDRESSES].j == NULL)
        ld_err(ld, v, "give \"rcode\", \"addresses\" or both");
    if (f[K_RCODE].j != NULL)
        ex->u.dns.has_rcode = ld_rcode(ld, &f[K_RCODE], &ex->u.dns.rcode);
    size_t n;
    if (f[K_ADDRESSES].j != NULL && ld_array(ld, &f[K_ADDRESSES], 0, &n) &&
        (ex->u.dns.addresses = ld_calloc(ld, n, sizeof *ex->u.dns.addresses)) != NULL) {
        ex->u.dns.has_addresses = true;
        jv_iter_t it;
        jv_t el;
        jv_iter_init(&it, &f[K_ADDRESSES]);
        while (jv_iter_next(&it, &el))
            if (ld_addr(ld, &el, &ex->u.dns.addresses[ex->u.dns.n_addresses]))
                ex->u.dns.n_addresses++;
    }
}

static bool count_field(ld_t *ld, const jv_t *v, uint64_t *out)
{
    if (!json_is_integer(v->j)) {
        ld_err(ld, v, "must be an integer from 0, not %s", ld_type_name(v->j));
        return false;
    }
    if (json_integer_value(v->j) < 0) {
        ld_err(ld, v, "must not be negative (%lld)", (long long)json_integer_value(v->j));
        return false;
    }
    *out = (uint64_t)json_integer_value(v->j);
    return true;
}

static void load_route_changes(ld_t *ld, scenario_expect_t *ex, const jv_t *v)
{
    enum { K_NODE, K_COUNT_, K_MIN, K_MAX, K_COUNT };
    static const char *const keys[K_COUNT] = {"node", "count", "min", "max"};
    jv_t f[K_COUNT];
    ex->u.route_changes.node = SCENARIO_NONE;
    if (!ld_object(ld, v, keys, K_COUNT, f, 0, NULL, NULL))
        return;
    if (ld_required(ld, v, &f[K_NODE], "node"))
        ld_node_ref(ld, &f[K_NODE], &ex->u.route_changes.node);
    bool count = f[K_COUNT_].j != NULL, min = f[K_MIN].j != NULL, max = f[K_MAX].j != NULL;
    if (count && (min || max)) {
        ld_err_key(ld, &f[K_COUNT_], "\"count\" goes without \"min\" and \"max\"");
        return;
    }
    if (!count && !min && !max) {
        ld_err(ld, v, "give \"count\", or \"min\" and/or \"max\"");
        return;
    }
    if (count) {
        uint64_t n;
        if (count_field(ld, &f[K_COUNT_], &n)) {
            ex->u.route_changes.has_min = ex->u.route_changes.has_max = true;
            ex->u.route_changes.min = ex->u.route_changes.max = n;
        }
        return;
    }
    if (min)
        ex->u.route_changes.has_min = count_field(ld, &f[K_MIN], &ex->u.route_changes.min);
    if (max)
        ex->u.route_changes.has_max = count_field(ld, &f[K_MAX], &ex->u.route_changes.max);
    if (ex->u.route_changes.has_min && ex->u.route_changes.has_max &&
        ex->u.route_changes.min > ex->u.route_changes.max)
        ld_err(ld, &f[K_MAX], "\"max\" (%llu) is below \"min\" (%llu)",
               (unsigned long long)ex->u.route_changes.max,
               (unsigned long long)ex->u.route_changes.min);
}

static void load_invariant(ld_t *ld, scenario_expect_t *ex, const jv_t *v)
{
    enum { K_ALWAYS, K_EVENTUALLY, K_FROM, K_NODE, K_PREFIXES, K_COUNT };
    static const char *const keys[K_COUNT] = {"always", "eventually", "from", "node", "prefixes"};
    static const char *const names[] = {"no_dropped_flows", "no_dns_failures",
                                        "advertised_includes", "advertised_excludes"};
    jv_t f[K_COUNT];
    ex->u.invariant.node = SCENARIO_NONE;
    if (!ld_object(ld, v, keys, K_COUNT, f, 0, NULL, NULL))
        return;
    if ((f[K_ALWAYS].j != NULL) == (f[K_EVENTUALLY].j != NULL)) {
        ld_err(ld, v, "give exactly one of \"always\" and \"eventually\"");
        return;
    }
    ex->u.invariant.always = f[K_ALWAYS].j != NULL;
    const jv_t *which = ex->u.invariant.always ? &f[K_ALWAYS] : &f[K_EVENTUALLY];
    size_t what;
    if (!keyword(ld, which, names, 4, "invariant", &what))
        return;
    ex->u.invariant.what = (scenario_invariant_t)what;
    if (f[K_FROM].j != NULL && ld_duration(ld, &f[K_FROM], &ex->u.invariant.from) &&
        ex->u.invariant.from > ex->at)
        ld_err(ld, &f[K_FROM], "\"from\" is after the expectation's time");
    bool on_node = what == SCENARIO_INV_ADVERTISED_INCLUDES ||
                   what == SCENARIO_INV_ADVERTISED_EXCLUDES;
    if (!on_node) {
        if (!ex->u.invariant.always)
            ld_err(ld, which, "'%s' is checked over the whole window: use \"always\"", names[what]);
        if (f[K_NODE].j != NULL)
            ld_err_key(ld, &f[K_NODE], "'%s' takes no \"node\"", names[what]);
        if (f[K_PREFIXES].j != NULL)
            ld_err_key(ld, &f[K_PREFIXES], "'%s' takes no \"prefixes\"", names[what]);
        return;
    }
    if (ld_required(ld, v, &f[K_NODE], "node"))
        ld_node_ref(ld, &f[K_NODE], &ex->u.invariant.node);
    if (ld_required(ld, v, &f[K_PREFIXES], "prefixes"))
        ld_prefix_list(ld, &f[K_PREFIXES], NULL, &ex->u.invariant.prefixes,
                       &ex->u.invariant.n_prefixes);
}

/* ---- one expectation ---- */

enum { E_AT, E_RULES, E_ID, E_ADVERTISED, E_ROUTE, E_FLOW, E_DNS, E_ROUTE_CHANGES, E_INVARIANT,
       E_COUNT };
static const char *const expect_keys[E_COUNT] = {"at", "rules", "id", "advertised", "route",
                                                 "flow", "dns", "route_changes", "invariant"};

static void load_one(ld_t *ld, scenario_expect_t *ex, size_t index, const jv_t *obj)
{
    jv_t f[E_COUNT];
    ex->at = SCENARIO_END;
    ld_line_col(obj, false, &ex->line, &ex->col);
    if (!ld_object(ld, obj, expect_keys, E_COUNT, f, 0, NULL, NULL))
        return;
    if (f[E_AT].j != NULL) {
        if (json_is_string(f[E_AT].j) && strcmp(json_string_value(f[E_AT].j), "end") == 0)
            ex->at = SCENARIO_END;
        else if (ld_duration(ld, &f[E_AT], &ex->at) && ex->at > ld->s->settings.max_time) {
            char t[SIMTIME_BUF];
            ld_err(ld, &f[E_AT], "is after settings.max_time (%s), where the run stops: it "
                                 "could never be checked",
                   simtime_format(ld->s->settings.max_time, t));
        }
    }
    if (f[E_RULES].j != NULL)
        ld_rule_list(ld, &f[E_RULES], &ex->rules, &ex->n_rules);
    const char *id;
    if (f[E_ID].j != NULL && ld_str_view(ld, &f[E_ID], SCENARIO_MAX_STRING, false, &id)) {
        bool added = false;
        uint64_t *slot = strmap_insert(ld->expect_ids, id, strlen(id), &added);
        if (slot == NULL)
            ld_oom(ld);
        else if (!added)
            ld_err(ld, &f[E_ID], "id '%s' is already used by expect[%llu]", id,
                   (unsigned long long)*slot);
        else {
            *slot = index;
            ex->id = ld_strdup(ld, id);
        }
    }
    size_t kind = E_COUNT, present = 0;
    for (size_t k = E_ADVERTISED; k < E_COUNT; k++)
        if (f[k].j != NULL) {
            present++;
            if (kind == E_COUNT)
                kind = k;
        }
    if (present != 1) {
        ld_err(ld, obj, present == 0 ? "an expectation needs one of \"advertised\", \"route\", "
                                       "\"flow\", \"dns\", \"route_changes\", \"invariant\""
                                     : "an expectation checks one thing: give only one of "
                                       "\"advertised\", \"route\", \"flow\", \"dns\", "
                                       "\"route_changes\", \"invariant\"");
        return;
    }
    ex->kind = (scenario_expect_kind_t)(kind - E_ADVERTISED);
    const jv_t *body = &f[kind];
    switch (ex->kind) {
    case SCENARIO_EXP_ADVERTISED: load_advertised(ld, ex, body); break;
    case SCENARIO_EXP_ROUTE: load_route(ld, ex, body); break;
    case SCENARIO_EXP_FLOW: load_flow(ld, ex, body); break;
    case SCENARIO_EXP_DNS: load_dns(ld, ex, body); break;
    case SCENARIO_EXP_ROUTE_CHANGES: load_route_changes(ld, ex, body); break;
    case SCENARIO_EXP_INVARIANT: load_invariant(ld, ex, body); break;
    }
}

void ld_expect(ld_t *ld, const jv_t *expect)
{
    scenario_t *s = ld->s;
    size_t n;
    if (!ld_array(ld, expect, 0, &n) || (s->expects = ld_calloc(ld, n, sizeof *s->expects)) == NULL)
        return;
    s->n_expects = n;
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, expect);
    for (size_t i = 0; jv_iter_next(&it, &el) && !ld->oom; i++)
        load_one(ld, &s->expects[i], i, &el);
}
