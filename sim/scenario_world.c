/* scenario_world: scenario_t -> world_t (see scenario_world.h). */
#include <stdlib.h>
#include <string.h>

#include "ctrl.h"
#include "scenario_world.h"

/* dns_db names the root "."; the scenario keeps canonical names without the final dot. */
static const char *dns_name(const char *canonical)
{
    return canonical == NULL || canonical[0] == '\0' ? "." : canonical;
}

scenario_world_opts_t scenario_world_opts_default(const scenario_t *s)
{
    scenario_world_opts_t o = {s ? s->seed : 1, NULL, true};
    return o;
}

static void build_error(diag_list_t *diags, const scenario_t *s, unsigned line, unsigned col,
                        const char *path, const char *msg)
{
    diag_add(diags, DIAG_ERROR, s->path ? s->path : "", line, col, path, "%s", msg);
}

/* ---- DNS ---- */

static const char *view_name(const scenario_t *s, size_t view)
{
    return view == SCENARIO_NONE || view >= s->n_regions ? NULL : s->regions[view];
}

static int add_zone(dns_db_t *db, const scenario_t *s, size_t i, diag_list_t *diags)
{
    const scenario_zone_t *z = &s->zones[i];
    const char *origin = dns_name(z->origin), *view = view_name(s, z->view);
    char path[64];
    snprintf(path, sizeof path, "dns.zones[%zu]", i);
    errinfo_t err = {{0}};
    if (z->file != NULL)
        rules_mark(&diags->rules, RULE_D1); /* coverage: an RFC 1035 master file is read */
    if (z->file != NULL && dns_db_add_zone_file(db, z->file, origin, view, &err) != 0) {
        build_error(diags, s, z->line, z->col, path, err.msg);
        return -1;
    }
    size_t bad = 0;
    if ((z->n_records > 0 || z->file == NULL) &&
        dns_db_add_records_at(db, origin, view, (const char *const *)z->records, z->n_records,
                              &bad, &err) != 0) {
        /* A D1 fault of one record is reported where that record was written. */
        unsigned line = z->line, col = z->col;
        if (bad < z->n_records && z->record_pos != NULL && z->record_pos[bad].line != 0) {
            line = z->record_pos[bad].line;
            col = z->record_pos[bad].col;
            snprintf(path, sizeof path, "dns.zones[%zu].records[%zu]", i, bad);
        } else {
            snprintf(path, sizeof path, "dns.zones[%zu].records", i);
        }
        build_error(diags, s, line, col, path, err.msg);
        return -1;
    }
    return 0;
}

static int add_script(dns_db_t *db, const scenario_t *s, size_t i, diag_list_t *diags)
{
    const scenario_script_t *sc = &s->scripts[i];
    dns_script_t d = {NULL, 0, 0, NULL};
    switch (sc->kind) {
    case SCENARIO_SCRIPT_RECORDS:
        d.rr_texts = (const char *const *)sc->records;
        d.n = sc->n_records;
        d.rcode = sc->rcode;
        break;
    case SCENARIO_SCRIPT_RCODE:
        d.rcode = sc->rcode;
        break;
    case SCENARIO_SCRIPT_WIRE:
        d.hex = sc->wire_hex ? sc->wire_hex : "";
        break;
    }
    errinfo_t err = {{0}};
    if (dns_db_script(db, dns_name(sc->name), sc->type, &d, &err) != 0) {
        char path[64];
        snprintf(path, sizeof path, "dns.scripts[%zu]", i);
        build_error(diags, s, sc->line, sc->col, path, err.msg);
        return -1;
    }
    return 0;
}

dns_db_t *scenario_world_dns_new(const scenario_t *s, diag_list_t *diags)
{
    dns_db_t *db = dns_db_new();
    if (db == NULL) {
        build_error(diags, s, 0, 0, "dns", "out of memory");
        return NULL;
    }
    int bad = 0;
    /* Every zone and script is tried, so that one check reports all of them. */
    for (size_t i = 0; i < s->n_zones; i++)
        bad |= add_zone(db, s, i, diags);
    for (size_t i = 0; i < s->n_scripts; i++)
        bad |= add_script(db, s, i, diags);
    if (bad) {
        dns_db_free(db);
        return NULL;
    }
    return db;
}

/* ---- settings, nodes, policies ---- */

static world_settings_t settings_of(const scenario_settings_t *ss)
{
    world_settings_t ws = world_settings_default();
    ws.store_routes = ss->store_routes;
    ws.regional_routing = ss->regional_routing;
    ws.in_region_failover = ss->in_region_failover;
    ws.sticky_primary = ss->sticky_primary;
    ws.use_with_exit_node = ss->use_with_exit_node;
    ws.detection_delay = ss->detection_delay;
    ws.propagation_delay = ss->propagation_delay;
    ws.propagation_jitter = ss->propagation_jitter;
    ws.dns_timeout = ss->dns_timeout;
    ws.learned_route_ttl = ss->learned_route_ttl_on ? ss->learned_route_ttl : 0;
    ws.default_rtt = ss->default_rtt;
    ws.upstream_rtt = ss->upstream_rtt;
    ws.advertise_delay = ss->advertise_delay;
    return ws;
}

static int add_node(world_t *w, const scenario_t *s, size_t i, diag_list_t *diags)
{
    const scenario_node_t *sn = &s->nodes[i];
    world_latency_t *lat = NULL;
    if (sn->n_latency > 0 && (lat = calloc(sn->n_latency, sizeof *lat)) == NULL) {
        build_error(diags, s, sn->line, sn->col, "nodes", "out of memory");
        return -1;
    }
    for (size_t k = 0; k < sn->n_latency; k++)
        lat[k] = (world_latency_t){sn->latency[k].region, sn->latency[k].rtt};
    world_node_t n = world_node_default(sn->id, sn->name);
    n.created = sn->created;
    n.tags = (const char *const *)sn->tags;
    n.n_tags = sn->n_tags;
    n.latency = lat;
    n.n_latency = sn->n_latency;
    n.region = sn->region == SCENARIO_NONE ? WORLD_NONE : sn->region;
    n.has_egress4 = sn->has_egress4;
    n.has_egress6 = sn->has_egress6;
    n.egress4 = sn->egress4;
    n.egress6 = sn->egress6;
    n.accept_routes = sn->accept_routes;
    n.accept_dns = sn->accept_dns;
    n.advertise_connector = sn->advertise_connector;
    n.routes = sn->routes;
    n.n_routes = sn->n_routes;
    n.offers_exit = sn->offers_exit;
    n.exit_node = sn->exit_node == SCENARIO_NONE ? WORLD_NONE : sn->exit_node;
    n.cache = sn->cache;
    errinfo_t err = {{0}};
    size_t h = world_add_node(w, &n, &err);
    free(lat);
    if (h != i) {
        char path[32];
        snprintf(path, sizeof path, "nodes[%zu]", i);
        build_error(diags, s, sn->line, sn->col, path,
                    h == WORLD_NONE ? err.msg : "node handle out of order");
        return -1;
    }
    return 0;
}

static int add_policy(world_t *w, const scenario_t *s, size_t i, diag_list_t *diags)
{
    const scenario_policy_t *p = &s->policies[i];
    world_app_t *apps = p->n_apps ? calloc(p->n_apps, sizeof *apps) : NULL;
    ctrl_approver_t *rules =
        p->n_route_approvers ? calloc(p->n_route_approvers, sizeof *rules) : NULL;
    const char **targets = NULL;
    int rc = -1;
    char path[48];
    snprintf(path, sizeof path, i == 0 ? "policy" : "policy version %zu", i);
    if ((p->n_apps && apps == NULL) || (p->n_route_approvers && rules == NULL)) {
        build_error(diags, s, p->line, p->col, path, "out of memory");
        goto out;
    }
    size_t n_targets = 0;
    for (size_t k = 0; k < p->n_apps; k++)
        n_targets += p->apps[k].n_targets;
    if (n_targets > 0 && (targets = calloc(n_targets, sizeof *targets)) == NULL) {
        build_error(diags, s, p->line, p->col, path, "out of memory");
        goto out;
    }
    n_targets = 0;
    for (size_t k = 0; k < p->n_apps; k++) {
        apps[k].app = scenario_app_view(&p->apps[k]);
        apps[k].targets = (const char *const *)targets + n_targets;
        /* FORMAT.md: selectors other than "*", tags and node names (group:, autogroup:, ...)
         * are kept by the loader with a warning and match no node; the model's selector check
         * refuses them, so they are left out here, which means the same. */
        for (size_t t = 0; t < p->apps[k].n_targets; t++)
            if (ctrl_selector_check(p->apps[k].targets[t], NULL))
                targets[n_targets + apps[k].n_targets++] = p->apps[k].targets[t];
        n_targets += apps[k].n_targets;
    }
    for (size_t k = 0; k < p->n_route_approvers; k++)
        rules[k] = (ctrl_approver_t){p->route_approvers[k].prefix,
                                     (const char *const *)p->route_approvers[k].approvers,
                                     p->route_approvers[k].n_approvers};
    world_policy_t wp = {apps, p->n_apps,
                         {rules, p->n_route_approvers, (const char *const *)p->exit_approvers,
                          p->n_exit_approvers}};
    errinfo_t err = {{0}};
    size_t h = world_add_policy(w, &wp, &err);
    if (h != i) {
        /* Errors in a policy file name that file, as the loader's do. */
        diag_add(diags, DIAG_ERROR, p->source ? p->source : (s->path ? s->path : ""), p->line,
                 p->col, path, "%s", h == WORLD_NONE ? err.msg : "policy handle out of order");
        goto out;
    }
    rc = 0;
out:
    free(apps);
    free(rules);
    free(targets);
    return rc;
}

/* ---- timeline ---- */

static size_t opt_node(size_t n)
{
    return n == SCENARIO_NONE ? WORLD_NONE : n;
}

static int schedule(world_t *w, const scenario_t *s, const scenario_event_t *e, size_t *handle,
                    errinfo_t *err)
{
    *handle = WORLD_NONE;
    switch (e->kind) {
    case SCENARIO_EV_DOWN:
        return world_ev_down(w, e->at, e->node, err);
    case SCENARIO_EV_UP:
        return world_ev_up(w, e->at, e->node, err);
    case SCENARIO_EV_CTRL_LOST:
        return world_ev_ctrl_lost(w, e->at, e->node, err);
    case SCENARIO_EV_CTRL_BACK:
        return world_ev_ctrl_back(w, e->at, e->node, err);
    case SCENARIO_EV_EGRESS_BREAK:
        return world_ev_egress_break(w, e->at, e->node, err);
    case SCENARIO_EV_EGRESS_MEND:
        return world_ev_egress_mend(w, e->at, e->node, err);
    case SCENARIO_EV_RESTART:
        return world_ev_restart(w, e->at, e->node, err);
    case SCENARIO_EV_LATENCY:
        return world_ev_latency(w, e->at, e->node, e->u.latency.region,
                                e->u.latency.remove ? -1 : e->u.latency.rtt, err);
    case SCENARIO_EV_EXIT_SELECT:
        return world_ev_exit_select(w, e->at, e->node, opt_node(e->u.exit_select.exit), err);
    case SCENARIO_EV_POLICY:
        return world_ev_policy(w, e->at, e->u.policy.version, err);
    case SCENARIO_EV_APPROVE:
        return world_ev_approve(w, e->at, e->node, &e->u.approve.prefix, err);
    case SCENARIO_EV_UNAPPROVE:
        return world_ev_unapprove(w, e->at, e->node, &e->u.approve.prefix, err);
    case SCENARIO_EV_ADVERTISE_CONNECTOR:
        return world_ev_advertise_connector(w, e->at, e->node, e->u.advertise_connector.value,
                                            err);
    case SCENARIO_EV_ZONE_CHANGE: {
        size_t zi = e->u.zone_change.zone;
        if (zi >= s->n_zones) {
            errinfo_set(err, "zone_change names no zone");
            return -1;
        }
        const scenario_zone_t *z = &s->zones[zi];
        return world_ev_zone_set(w, e->at, dns_name(z->origin), view_name(s, z->view),
                                 dns_name(e->u.zone_change.owner), e->u.zone_change.type,
                                 (const char *const *)e->u.zone_change.rr_texts,
                                 e->u.zone_change.n_rdata, err);
    }
    case SCENARIO_EV_QUERY:
        *handle = world_ev_query(w, e->at, e->node, dns_name(e->u.query.name), e->u.query.type,
                                 e->id, err);
        return *handle == WORLD_NONE ? -1 : 0;
    case SCENARIO_EV_FLOW:
        *handle = e->u.flow.to_is_addr
                      ? world_ev_flow_addr(w, e->at, e->node, &e->u.flow.addr, e->id, err)
                      : world_ev_flow_name(w, e->at, e->node, dns_name(e->u.flow.name), e->id,
                                           err);
        return *handle == WORLD_NONE ? -1 : 0;
    case SCENARIO_EV_COUNT:
        break;
    }
    errinfo_set(err, "unknown event kind %d", (int)e->kind);
    return -1;
}

static int schedule_timeline(scenario_world_t *sw, const scenario_t *s, diag_list_t *diags)
{
    if (s->n_events == 0)
        return 0;
    size_t *order = scenario_event_order_new(s);
    if (order == NULL) {
        build_error(diags, s, 0, 0, "timeline", "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t k = 0; k < s->n_events && rc == 0; k++) {
        size_t i = order[k];
        const scenario_event_t *e = &s->events[i];
        errinfo_t err = {{0}};
        if (schedule(sw->world, s, e, &sw->handle[i], &err) != 0) {
            char path[32];
            snprintf(path, sizeof path, "timeline[%zu]", i);
            build_error(diags, s, e->line, e->col, path, err.msg);
            rc = -1;
        }
    }
    free(order);
    return rc;
}

/* ---- the whole ---- */

int scenario_world_build(const scenario_t *s, const scenario_world_opts_t *opts,
                         scenario_world_t *out, diag_list_t *diags)
{
    memset(out, 0, sizeof *out);
    scenario_world_opts_t o = opts ? *opts : scenario_world_opts_default(s);
    world_settings_t ws = settings_of(&s->settings);
    engine_limits_t lim = {s->settings.max_events, s->settings.max_time};
    errinfo_t err = {{0}};
    world_t *w = world_new(&ws, o.seed, &lim, &err);
    if (w == NULL) {
        build_error(diags, s, 0, 0, "settings", err.msg);
        return -1;
    }
    out->world = w;
    out->n_events = s->n_events;
    if (s->n_events > 0 && (out->handle = malloc(s->n_events * sizeof *out->handle)) == NULL) {
        build_error(diags, s, 0, 0, "timeline", "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < s->n_events; i++)
        out->handle[i] = WORLD_NONE;
    if (!trace_set_keep(world_trace(w), o.keep_trace)) {
        build_error(diags, s, 0, 0, "", "the trace was written to before the build");
        goto fail;
    }
    trace_set_stream(world_trace(w), o.trace_stream);

    int bad = 0;
    for (size_t i = 0; i < s->n_regions; i++) {
        if (world_add_region(w, s->regions[i], &err) != i) {
            char path[32];
            snprintf(path, sizeof path, "regions[%zu]", i);
            build_error(diags, s, 0, 0, path, err.msg);
            bad = 1;
        }
    }
    if (bad)
        goto fail;
    for (size_t i = 0; i < s->n_nodes && !bad; i++)
        bad |= add_node(w, s, i, diags);
    for (size_t i = 0; i < s->n_policies && !bad; i++)
        bad |= add_policy(w, s, i, diags);
    if (bad)
        goto fail;
    dns_db_t *db = scenario_world_dns_new(s, diags);
    if (db == NULL)
        goto fail;
    world_set_dns(w, db);
    if (world_start(w, &err) != 0) {
        build_error(diags, s, 0, 0, "", err.msg);
        goto fail;
    }
    if (schedule_timeline(out, s, diags) != 0)
        goto fail;
    return 0;
fail:
    /* Streaming stops here so that nothing is written after a failed build. */
    trace_set_stream(world_trace(w), NULL);
    scenario_world_free(out);
    if (diags->n_errors == 0)
        build_error(diags, s, 0, 0, "", "the world could not be built");
    diag_list_finish(diags);
    return -1;
}

void scenario_world_free(scenario_world_t *sw)
{
    if (sw == NULL)
        return;
    world_free(sw->world);
    free(sw->handle);
    memset(sw, 0, sizeof *sw);
}
