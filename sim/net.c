/* net: T2 message timing and network faults (see net.h). */
#include "net.h"

sim_time_t net_leg(const world_t *w, uint32_t asker, uint32_t server)
{
    const wnode_t *a = &w->nodes[asker];
    int r = w->nodes[server].region;
    sim_time_t rtt = w->set.default_rtt;
    if (r >= 0 && (size_t)r < w->n_regions && a->lat && a->lat[r] >= 0)
        rtt = a->lat[r];
    return rtt / 2;
}

static bool rule_matches(const world_t *w, const world_net_rule_t *r, uint32_t x, uint32_t y)
{
    if (r->b != WORLD_NONE)
        return (r->a == x && r->b == y) || (r->a == y && r->b == x);
    int rx = w->nodes[x].region, ry = w->nodes[y].region;
    return (r->a == x && ry >= 0 && (size_t)ry == r->region) ||
           (r->a == y && rx >= 0 && (size_t)rx == r->region);
}

bool net_pass(world_t *w, uint32_t from, uint32_t to, sim_time_t *extra)
{
    *extra = 0;
    bool pass = true;
    for (size_t i = 0; i < w->n_net; i++) {
        const wnetrule_t *n = &w->net[i];
        if (!n->active || !rule_matches(w, &n->rule, from, to))
            continue;
        if (n->rule.loss_ppm >= 1000000u)
            pass = false;
        else if (n->rule.loss_ppm > 0 &&
                 rng_below(&w->nodes[from].rng, 1000000u) < n->rule.loss_ppm)
            pass = false;
        *extra = simtime_add_sat(*extra, n->rule.add_delay);
    }
    return pass;
}

size_t net_rule_add(world_t *w, const world_net_rule_t *rule)
{
    if (w_grow((void **)&w->net, &w->cap_net, w->n_net + 1, sizeof *w->net) < 0)
        return WORLD_NONE;
    w->net[w->n_net].rule = *rule;
    w->net[w->n_net].active = false;
    return w->n_net++;
}

void net_rule_set_active(world_t *w, size_t rule, bool active)
{
    if (rule < w->n_net)
        w->net[rule].active = active;
}
