#include "elect.h"

#include "thash.h"

/* Both elections read ctrl_candidate_t records laid out in an array of some stride: the plain
 * array, or the .node member of each ctrl_rcandidate_t. One walker serves both. */
typedef struct {
    const unsigned char *base;
    size_t stride;
    size_t n;
} cand_view_t;

static const ctrl_candidate_t *at(const cand_view_t *v, size_t i)
{
    return (const ctrl_candidate_t *)(const void *)(v->base + i * v->stride);
}

/* The P3 order: older first (created), then the lower id; equal nodes keep index order. */
static bool older(const ctrl_candidate_t *a, const ctrl_candidate_t *b)
{
    if (a->created != b->created)
        return a->created < b->created;
    return a->id < b->id;
}

static bool eligible(const ctrl_candidate_t *c)
{
    return c->online && c->approved;
}

static bool valid_index(ptrdiff_t i, size_t n)
{
    return i >= 0 && (size_t)i < n;
}

/* P3 and P5 over every candidate of the view. */
static ptrdiff_t elect_p3(const cand_view_t *v, ptrdiff_t current, bool sticky)
{
    ptrdiff_t best_eligible = -1, best_approved = -1;
    for (size_t i = 0; i < v->n; i++) {
        const ctrl_candidate_t *c = at(v, i);
        if (!c->approved)
            continue;
        if (best_approved < 0 || older(c, at(v, (size_t)best_approved)))
            best_approved = (ptrdiff_t)i;
        if (eligible(c) && (best_eligible < 0 || older(c, at(v, (size_t)best_eligible))))
            best_eligible = (ptrdiff_t)i;
    }
    bool have_current = valid_index(current, v->n);
    if (best_eligible >= 0) {
        if (sticky && have_current && eligible(at(v, (size_t)current)))
            return current;
        return best_eligible;
    }
    /* P5: no fallback. The last server keeps P while it still advertises it approved. */
    if (have_current && at(v, (size_t)current)->approved)
        return current;
    return best_approved;
}

ptrdiff_t ctrl_elect_primary(const ctrl_candidate_t *cands, size_t n, ptrdiff_t current,
                             bool sticky)
{
    cand_view_t v = {(const unsigned char *)cands, sizeof *cands, n};
    return elect_p3(&v, current, sticky);
}

/* The order in which a client tries region groups (P6): its own region, regions it has a
 * latency for by latency then id, regions it has none for by id, then nodes without a region.
 * Compared field by field; lower is tried first. */
typedef struct {
    int group;
    int64_t latency;
    int region; /* -1 for the group of nodes without a region */
} region_key_t;

enum { GROUP_OWN = 0, GROUP_MEASURED = 1, GROUP_UNMEASURED = 2, GROUP_NONE = 3 };

static region_key_t region_key(int region, int client_region, const int64_t *client_latency,
                               size_t n_regions)
{
    region_key_t k = {GROUP_NONE, 0, -1};
    if (region < 0)
        return k;
    k.region = region;
    if (region == client_region) {
        k.group = GROUP_OWN;
    } else if ((size_t)region < n_regions && client_latency[region] >= 0) {
        k.group = GROUP_MEASURED;
        k.latency = client_latency[region];
    } else {
        k.group = GROUP_UNMEASURED;
    }
    return k;
}

static int region_key_compare(const region_key_t *a, const region_key_t *b)
{
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->latency != b->latency)
        return a->latency < b->latency ? -1 : 1;
    if (a->region != b->region)
        return a->region < b->region ? -1 : 1;
    return 0;
}

static bool in_group(const ctrl_rcandidate_t *c, int group_region)
{
    return (c->region < 0 ? -1 : c->region) == group_region;
}

/* Load balancing inside one group: descending h(client, node), ties to the higher id; the
 * first eligible node in that order is the eligible node with the greatest (hash, id). */
static ptrdiff_t pick_balanced(uint64_t client_id, const ctrl_rcandidate_t *cands, size_t n,
                               int group_region)
{
    ptrdiff_t best = -1;
    uint64_t best_h = 0;
    for (size_t i = 0; i < n; i++) {
        const ctrl_rcandidate_t *c = &cands[i];
        if (!in_group(c, group_region) || !eligible(&c->node))
            continue;
        uint64_t h = thash(client_id, c->node.id);
        if (best < 0 || h > best_h || (h == best_h && c->node.id > cands[best].node.id)) {
            best = (ptrdiff_t)i;
            best_h = h;
        }
    }
    return best;
}

/* The P3 order inside one group, a sticky current node of that group keeping P. */
static ptrdiff_t pick_oldest(const ctrl_rcandidate_t *cands, size_t n, int group_region,
                             ptrdiff_t current, bool sticky)
{
    if (sticky && valid_index(current, n) && in_group(&cands[current], group_region) &&
        eligible(&cands[current].node))
        return current;
    ptrdiff_t best = -1;
    for (size_t i = 0; i < n; i++) {
        const ctrl_rcandidate_t *c = &cands[i];
        if (!in_group(c, group_region) || !eligible(&c->node))
            continue;
        if (best < 0 || older(&c->node, &cands[best].node))
            best = (ptrdiff_t)i;
    }
    return best;
}

ptrdiff_t ctrl_elect_regional(uint64_t client_id, int client_region, const int64_t *client_latency,
                              size_t n_regions, const ctrl_rcandidate_t *cands, size_t n,
                              ptrdiff_t current, bool in_region_failover, bool sticky)
{
    cand_view_t all = {n > 0 ? (const unsigned char *)&cands[0].node : NULL, sizeof *cands, n};
    if (client_region < 0)
        return elect_p3(&all, current, sticky);
    /* The first group, in the client's order, that holds an eligible node. */
    bool found = false;
    region_key_t best = {GROUP_NONE, 0, -1};
    for (size_t i = 0; i < n; i++) {
        const ctrl_rcandidate_t *c = &cands[i];
        if (!eligible(&c->node))
            continue;
        region_key_t k = region_key(c->region, client_region, client_latency, n_regions);
        if (!found || region_key_compare(&k, &best) < 0) {
            best = k;
            found = true;
        }
    }
    if (!found)
        return elect_p3(&all, current, sticky); /* P5 is the same with or without regions */
    if (in_region_failover)
        return pick_oldest(cands, n, best.region, current, sticky);
    return pick_balanced(client_id, cands, n, best.region);
}
