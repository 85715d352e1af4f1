/* control_policy: what the policy in force gives each node: its app configuration as a
 * connector (C1, C2) and its split DNS as a client (P2, S3). Nodes given the same apps share
 * one reference-counted object, so ten thousand clients of one policy hold a handful of
 * tables. See control.h. */
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "netmap.h"

static const wpolicy_t *policy(const world_t *w)
{
    static const wpolicy_t none;
    return w->n_policies ? &w->policies[w->policy] : &none;
}

static int cmp_domain(const void *a, const void *b)
{
    return strcmp(((const dn_domain_t *)a)->name, ((const dn_domain_t *)b)->name);
}

/* The union of the apps' domains and routes, sorted, without duplicates (N5). *dups is set
 * when some collapsed (coverage). */
static wconfig_t *config_of(const wpolicy_t *pol, const uint32_t *apps, size_t k, bool *dups)
{
    size_t nd = 0, nr = 0;
    for (size_t i = 0; i < k; i++) {
        nd += pol->apps[apps[i]].n_domains;
        nr += pol->apps[apps[i]].n_routes;
    }
    wconfig_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->refs = 1;
    c->domains = nd ? malloc(nd * sizeof *c->domains) : NULL;
    c->routes = nr ? malloc(nr * sizeof *c->routes) : NULL;
    if ((nd && !c->domains) || (nr && !c->routes)) {
        w_config_unref(c);
        return NULL;
    }
    for (size_t i = 0; i < k; i++) {
        const wapp_t *a = &pol->apps[apps[i]];
        if (a->n_domains)
            memcpy(c->domains + c->n_domains, a->domains, a->n_domains * sizeof *c->domains);
        c->n_domains += a->n_domains;
        if (a->n_routes)
            memcpy(c->routes + c->n_routes, a->routes, a->n_routes * sizeof *c->routes);
        c->n_routes += a->n_routes;
    }
    if (c->n_domains > 1)
        qsort(c->domains, c->n_domains, sizeof *c->domains, cmp_domain);
    pfx_sort(c->routes, c->n_routes);
    size_t o = 0;
    for (size_t i = 0; i < c->n_domains; i++)
        if (o == 0 || strcmp(c->domains[o - 1].name, c->domains[i].name) != 0)
            c->domains[o++] = c->domains[i];
    *dups = o < c->n_domains;
    c->n_domains = o;
    o = 0;
    for (size_t i = 0; i < c->n_routes; i++)
        if (o == 0 || !pfx_equal(&c->routes[o - 1], &c->routes[i]))
            c->routes[o++] = c->routes[i];
    *dups = o < c->n_routes || *dups;
    c->n_routes = o;
    return c;
}

int control_compute_configs(world_t *w, bool send)
{
    const wpolicy_t *pol = policy(w);
    strmap_t *m = strmap_new();
    uint32_t *apps = malloc((pol->n_apps ? pol->n_apps : 1) * sizeof *apps);
    wconfig_t **made = NULL;
    size_t n_made = 0, cap_made = 0;
    int rc = m && apps ? 0 : -1;
    for (uint32_t node = 0; rc == 0 && node < w->n_nodes; node++) {
        wnode_t *n = &w->nodes[node];
        size_t k = 0;
        for (size_t a = 0; a < pol->n_apps; a++)
            if (app_serves(&pol->apps[a].view, (const char *const *)n->tags, n->n_tags, true))
                apps[k++] = (uint32_t)a;
        wconfig_t *c = NULL;
        if (k > 0) {
            bool added;
            uint64_t *slot = strmap_insert(m, (const char *)apps, k * sizeof *apps, &added);
            if (!slot) {
                rc = -1;
                break;
            }
            if (added) {
                bool dups = false;
                if (w_grow((void **)&made, &cap_made, n_made + 1, sizeof *made) < 0 ||
                    !(c = config_of(pol, apps, k, &dups))) {
                    strmap_remove(m, (const char *)apps, k * sizeof *apps);
                    rc = -1;
                    break;
                }
                *slot = n_made;
                made[n_made++] = c;
                if (dups)
                    w_mark(w, RULE_N5); /* coverage: the apps' union collapsed duplicates */
            }
            c = made[*slot];
        }
        if (w_config_equal(n->c_config, c))
            continue;
        w_config_unref(n->c_config);
        n->c_config = w_config_ref(c);
        if (send) {
            nm_delivery_t *d = netmap_open(w, node);
            if (d)
                netmap_set_config(d, c);
        }
    }
    for (size_t i = 0; i < n_made; i++)
        w_config_unref(made[i]);
    free(made);
    free(apps);
    strmap_free(m);
    return rc;
}

void control_free_groups(world_t *w)
{
    for (size_t i = 0; i < w->n_groups; i++) {
        w_sdns_unref(w->groups[i]);
        free(w->group_apps[i]);
    }
    free(w->groups);
    free(w->group_apps);
    free(w->group_n_apps);
    w->groups = NULL;
    w->group_apps = NULL;
    w->group_n_apps = NULL;
    w->n_groups = 0;
}

int control_compute_groups(world_t *w)
{
    const wpolicy_t *pol = policy(w);
    control_free_groups(w);
    strmap_t *m = strmap_new();
    uint32_t *apps = malloc((pol->n_apps ? pol->n_apps : 1) * sizeof *apps);
    size_t cap = 0;
    int rc = m && apps ? 0 : -1;
    for (uint32_t node = 0; rc == 0 && node < w->n_nodes; node++) {
        wnode_t *n = &w->nodes[node];
        size_t k = 0;
        for (size_t a = 0; a < pol->n_apps; a++) {
            if (ctrl_selectors_match_any((const char *const *)pol->apps[a].targets,
                                         pol->apps[a].n_targets, n->name,
                                         (const char *const *)n->tags, n->n_tags))
                apps[k++] = (uint32_t)a;
            else
                w_mark(w, RULE_S3); /* coverage: the app's targets leave this node out */
        }
        bool added;
        /* An empty key is legal for strmap; it stands for "no app targets the node". */
        uint64_t *slot = strmap_insert(m, (const char *)apps, k * sizeof *apps, &added);
        if (!slot) {
            rc = -1;
            break;
        }
        if (added) {
            size_t g = w->n_groups;
            if (g + 1 > cap) {
                size_t nc = cap ? cap * 2 : 8;
                void *p1 = realloc(w->groups, nc * sizeof *w->groups);
                if (p1)
                    w->groups = p1;
                void *p2 = realloc(w->group_apps, nc * sizeof *w->group_apps);
                if (p2)
                    w->group_apps = p2;
                void *p3 = realloc(w->group_n_apps, nc * sizeof *w->group_n_apps);
                if (p3)
                    w->group_n_apps = p3;
                if (!p1 || !p2 || !p3) {
                    rc = -1;
                    break;
                }
                cap = nc;
            }
            w->groups[g] = NULL;
            w->group_apps[g] = malloc((k ? k : 1) * sizeof **w->group_apps);
            if (!w->group_apps[g]) {
                rc = -1;
                break;
            }
            if (k)
                memcpy(w->group_apps[g], apps, k * sizeof *apps);
            w->group_n_apps[g] = k;
            w->n_groups++;
            *slot = g;
        }
        n->c_group = (uint32_t)*slot;
    }
    free(apps);
    strmap_free(m);
    return rc;
}

int control_compute_sdns(world_t *w, bool send)
{
    const wpolicy_t *pol = policy(w);
    size_t na = pol->n_apps;
    /* C1 as control knows it: the nodes whose switch is on and whose tags the app lists. */
    uint64_t **conns = calloc(na ? na : 1, sizeof *conns);
    size_t *n_conns = calloc(na ? na : 1, sizeof *n_conns);
    ctrl_splitdns_app_t *sa = malloc((na ? na : 1) * sizeof *sa);
    int rc = conns && n_conns && sa ? 0 : -1;
    for (size_t a = 0; rc == 0 && a < na; a++) {
        for (uint32_t node = 0; node < w->n_nodes; node++) {
            const wnode_t *n = &w->nodes[node];
            if (!n->c_flag ||
                !app_serves(&pol->apps[a].view, (const char *const *)n->tags, n->n_tags, true))
                continue;
            uint64_t *p = realloc(conns[a], (n_conns[a] + 1) * sizeof *p);
            if (!p) {
                rc = -1;
                break;
            }
            conns[a] = p;
            p[n_conns[a]++] = n->id;
        }
    }
    for (size_t g = 0; rc == 0 && g < w->n_groups; g++) {
        for (size_t i = 0; i < w->group_n_apps[g]; i++) {
            const wapp_t *app = &pol->apps[w->group_apps[g][i]];
            sa[i] = (ctrl_splitdns_app_t){app->domains, app->n_domains,
                                          conns[w->group_apps[g][i]],
                                          n_conns[w->group_apps[g][i]]};
        }
        ctrl_splitdns_t *t = ctrl_splitdns_new(sa, w->group_n_apps[g]);
        if (!t) {
            rc = -1;
            break;
        }
        if (w->groups[g] && ctrl_splitdns_equal(w->groups[g]->table, t)) {
            ctrl_splitdns_free(t);
            continue;
        }
        wsdns_t *s = malloc(sizeof *s);
        if (!s) {
            ctrl_splitdns_free(t);
            rc = -1;
            break;
        }
        s->refs = 1;
        s->table = t;
        w_sdns_unref(w->groups[g]);
        w->groups[g] = s;
    }
    for (uint32_t node = 0; rc == 0 && node < w->n_nodes; node++) {
        wnode_t *n = &w->nodes[node];
        wsdns_t *s = w->groups[n->c_group];
        if (n->c_sdns == s)
            continue;
        bool same = n->c_sdns && ctrl_splitdns_equal(n->c_sdns->table, s->table);
        w_sdns_unref(n->c_sdns);
        n->c_sdns = w_sdns_ref(s);
        if (send && !same) {
            nm_delivery_t *d = netmap_open(w, node);
            if (d)
                netmap_set_sdns(d, s);
        }
    }
    for (size_t a = 0; a < na; a++)
        free(conns ? conns[a] : NULL);
    free(conns);
    free(n_conns);
    free(sa);
    return rc;
}
