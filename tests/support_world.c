/* Test support for world tests (see support_world.h). */
#include "support_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

pfx_addr_t tw_addr(const char *text)
{
    pfx_addr_t a;
    memset(&a, 0, sizeof a);
    if (!pfx_addr_parse(text, strlen(text), &a)) {
        fprintf(stderr, "bad test address %s\n", text);
        CU_FAIL_FATAL("bad test address");
    }
    return a;
}

pfx_t tw_pfx(const char *text)
{
    pfx_t p;
    errinfo_t e;
    memset(&p, 0, sizeof p);
    if (!pfx_parse(text, strlen(text), true, &p, &e)) {
        fprintf(stderr, "bad test prefix %s: %s\n", text, e.msg);
        CU_FAIL_FATAL("bad test prefix");
    }
    return p;
}

void tw_spec(tw_spec_t *s, uint64_t id, const char *name, const char *tags, const char *egress4)
{
    memset(s, 0, sizeof *s);
    s->n = world_node_default(id, name);
    if (tags && *tags) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", tags);
        for (char *tok = strtok(buf, ","); tok && s->n.n_tags < 8; tok = strtok(NULL, ",")) {
            snprintf(s->tagbuf[s->n.n_tags], sizeof s->tagbuf[0], "tag:%s", tok);
            s->tags[s->n.n_tags] = s->tagbuf[s->n.n_tags];
            s->n.n_tags++;
        }
        s->n.tags = s->tags;
    }
    if (egress4) {
        s->n.has_egress4 = true;
        s->n.egress4 = tw_addr(egress4);
    }
}

void tw_spec_lat(tw_spec_t *s, size_t region, sim_time_t rtt)
{
    s->lat[s->n.n_latency] = (world_latency_t){region, rtt};
    s->n.n_latency++;
    s->n.latency = s->lat;
}

void tw_spec_route(tw_spec_t *s, const char *prefix)
{
    s->routes[s->n.n_routes++] = tw_pfx(prefix);
    s->n.routes = s->routes;
}

size_t tw_add(world_t *w, tw_spec_t *s)
{
    errinfo_t e;
    size_t i = world_add_node(w, &s->n, &e);
    if (i == WORLD_NONE) {
        fprintf(stderr, "world_add_node: %s\n", e.msg);
        CU_FAIL_FATAL("world_add_node");
    }
    return i;
}

/* Splits text at sep into a malloc'd array of malloc'd strings. */
static char **split(const char *text, char sep, size_t *n)
{
    *n = 0;
    if (!text || !*text)
        return NULL;
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == sep;
    char **v = calloc(cap, sizeof *v);
    const char *start = text;
    for (const char *p = text;; p++) {
        if (*p == sep || *p == '\0') {
            size_t len = (size_t)(p - start);
            v[*n] = malloc(len + 1);
            memcpy(v[*n], start, len);
            v[*n][len] = '\0';
            (*n)++;
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    return v;
}

static void free_split(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

size_t tw_policy(world_t *w, const tw_app_t *apps, size_t n_apps, const char *approvers,
                 const char *exit_approvers)
{
    world_app_t wa[16];
    char **conns[16], **targets[16], **doms[16], **routes[16];
    size_t nc[16], nt[16], nd[16], nr[16];
    dn_domain_t *dd[16];
    pfx_t *rr[16];
    errinfo_t e;
    CU_ASSERT_FATAL(n_apps <= 16);
    for (size_t i = 0; i < n_apps; i++) {
        conns[i] = split(apps[i].connectors, ',', &nc[i]);
        targets[i] = split(apps[i].targets, ',', &nt[i]);
        doms[i] = split(apps[i].domains, ',', &nd[i]);
        routes[i] = split(apps[i].routes, ',', &nr[i]);
        dd[i] = calloc(nd[i] + 1, sizeof *dd[i]);
        for (size_t k = 0; k < nd[i]; k++)
            if (!dn_domain_parse(doms[i][k], strlen(doms[i][k]), &dd[i][k], &e)) {
                fprintf(stderr, "bad test domain: %s\n", e.msg);
                CU_FAIL_FATAL("bad test domain");
            }
        rr[i] = calloc(nr[i] + 1, sizeof *rr[i]);
        for (size_t k = 0; k < nr[i]; k++)
            rr[i][k] = tw_pfx(routes[i][k]);
        memset(&wa[i], 0, sizeof wa[i]);
        wa[i].app = (app_t){apps[i].name, (const char *const *)conns[i], nc[i], dd[i], nd[i],
                            rr[i], nr[i]};
        wa[i].targets = (const char *const *)targets[i];
        wa[i].n_targets = nt[i];
    }
    size_t n_rules = 0, n_exit = 0;
    char **rules = split(approvers, ';', &n_rules);
    char **exits = split(exit_approvers, ',', &n_exit);
    ctrl_approver_t ap[16];
    char **ap_names[16];
    size_t ap_n[16];
    CU_ASSERT_FATAL(n_rules <= 16);
    for (size_t i = 0; i < n_rules; i++) {
        char *eq = strchr(rules[i], '=');
        CU_ASSERT_FATAL(eq != NULL);
        *eq = '\0';
        ap[i].prefix = tw_pfx(rules[i]);
        ap_names[i] = split(eq + 1, ',', &ap_n[i]);
        ap[i].approvers = (const char *const *)ap_names[i];
        ap[i].n = ap_n[i];
    }
    world_policy_t pol = {wa, n_apps, {ap, n_rules, (const char *const *)exits, n_exit}};
    size_t v = world_add_policy(w, &pol, &e);
    if (v == WORLD_NONE) {
        fprintf(stderr, "world_add_policy: %s\n", e.msg);
        CU_FAIL_FATAL("world_add_policy");
    }
    for (size_t i = 0; i < n_apps; i++) {
        free_split(conns[i], nc[i]);
        free_split(targets[i], nt[i]);
        free_split(doms[i], nd[i]);
        free_split(routes[i], nr[i]);
        free(dd[i]);
        free(rr[i]);
    }
    for (size_t i = 0; i < n_rules; i++)
        free_split(ap_names[i], ap_n[i]);
    free_split(rules, n_rules);
    free_split(exits, n_exit);
    return v;
}

void tw_db_add(dns_db_t *db, const char *origin, const char *view, const char *const *records)
{
    size_t n = 0;
    while (records && records[n])
        n++;
    errinfo_t e;
    if (dns_db_add_records(db, origin, view, records, n, &e) < 0) {
        fprintf(stderr, "dns_db_add_records: %s\n", e.msg);
        CU_FAIL_FATAL("dns_db_add_records");
    }
}

dns_db_t *tw_db(const char *origin, const char *const *records)
{
    dns_db_t *db = dns_db_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    tw_db_add(db, origin, NULL, records);
    return db;
}

world_t *tw_world(const world_settings_t *s, uint64_t seed)
{
    errinfo_t e;
    world_t *w = world_new(s, seed, NULL, &e);
    if (!w) {
        fprintf(stderr, "world_new: %s\n", e.msg);
        CU_FAIL_FATAL("world_new");
    }
    return w;
}

void tw_start(world_t *w)
{
    errinfo_t e;
    if (world_start(w, &e) < 0) {
        fprintf(stderr, "world_start: %s\n", e.msg);
        CU_FAIL_FATAL("world_start");
    }
}

void tw_run(world_t *w, sim_time_t t)
{
    errinfo_t e;
    if (world_run_until(w, t, &e) < 0) {
        fprintf(stderr, "world_run_until: %s\n", e.msg);
        CU_FAIL_FATAL("world_run_until");
    }
}

static bool matches(const char *rec, size_t len, const char *kind, const char *node)
{
    char want[128];
    snprintf(want, sizeof want, "\"kind\":\"%s\"", kind);
    char *r = strndup(rec, len);
    bool ok = strstr(r, want) != NULL;
    if (ok && node) {
        snprintf(want, sizeof want, "\"node\":\"%s\",", node);
        ok = strstr(r, want) != NULL;
    }
    free(r);
    return ok;
}

const char *tw_find(world_t *w, const char *kind, const char *node, size_t nth, size_t *len)
{
    trace_t *t = world_trace(w);
    size_t seen = 0;
    for (size_t i = 0; i < trace_count(t); i++) {
        size_t l;
        const char *r = trace_record(t, i, &l);
        if (r && matches(r, l, kind, node) && seen++ == nth) {
            if (len)
                *len = l;
            return r;
        }
    }
    return NULL;
}

size_t tw_count(world_t *w, const char *kind, const char *node)
{
    trace_t *t = world_trace(w);
    size_t n = 0;
    for (size_t i = 0; i < trace_count(t); i++) {
        size_t l;
        const char *r = trace_record(t, i, &l);
        n += r && matches(r, l, kind, node);
    }
    return n;
}

bool tw_has(world_t *w, const char *kind, const char *node, size_t nth, const char *text)
{
    size_t l;
    const char *r = tw_find(w, kind, node, nth, &l);
    if (!r)
        return false;
    char *s = strndup(r, l);
    bool ok = strstr(s, text) != NULL;
    if (!ok)
        fprintf(stderr, "\n  record %s lacks %s\n", s, text);
    free(s);
    return ok;
}

sim_time_t tw_time(world_t *w, const char *kind, const char *node, size_t nth)
{
    const char *r = tw_find(w, kind, node, nth, NULL);
    if (!r)
        return -1;
    return strtoll(r + 5, NULL, 10); /* {"t":N */
}

bool tw_advertises(world_t *w, size_t node, const char *prefix)
{
    pfx_t p = tw_pfx(prefix);
    return pfxset_contains(world_advertised(w, node), &p, NULL);
}
