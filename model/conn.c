/* conn: one connector's state and its advertised set (L3, L5, C1-C7). See conn.h for the
 * contract and conn_internal.h for the representation.
 *
 * Decisions where RULES leaves room (each follows from a rule's intent):
 * - Tracking (L3, C5): an entry exists only for a name with recorded addresses, and it stays
 *   while dn_matcher_match() says the name matches the current domains (exact while configured,
 *   wildcard-matched while a matching wildcard remains). A configuration change drops every
 *   other entry with its addresses; an address another tracked name holds stays (a count of
 *   holders per address).
 * - C3: a learned address is advertised as its host route unless disallowed (L4) or equal to
 *   or inside a Manual or Control route of length > 0 (a /0 never absorbs).
 * - C1: with connector false everything learned and every orphan is forgotten and the domains
 *   and control routes are ignored: Adv = Manual.
 * - C6, store_routes off: on a configuration change a prefix leaving Adv because a control
 *   route left, or because a learned address lost its last holder, becomes an orphan; a manual
 *   route that leaves is withdrawn; a host route that only becomes absorbed is not an orphan.
 *   A restart turns the learned host routes in Adv into orphans and forgets every name and
 *   address. With store_routes on no orphans are ever created, and a restart only resets every
 *   address's last routed time to the restart (L5).
 * - C6, either setting: the orphans a connector has (with store_routes on, only from
 *   conn_import) stay across every configuration change; the one exception is that an orphan
 *   host route equal to or inside a non-/0 Control or Manual route being applied is dropped for
 *   good. RULES says "a control or manual route"; a manual /0 drops nothing, because a /0
 *   absorbs nothing under C3 either: dropping would withdraw a host route that the /0 does not
 *   stand in for (an exit route is never elected for a single address, P8).
 * - L5: an address's last routed time is the latest `now` of a response that routed it; it is
 *   removed from every name once last + TTL <= now (never when that sum overflows).
 * - L3 cost: a response records every routed address under every matching name on a path to
 *   its owner, so a chain of K matching names each owning an address gives about K^2/2 records
 *   (around 10^6 for the largest, 64 KB, message). This is the rule's product, kept as a known
 *   cost rather than capped: dropping any record would change which addresses survive when a
 *   name leaves (C5).
 * - Observing never removes anything, and does not recompute Adv: only addresses that gain
 *   their first holder can enter it. The other operations build the next Adv beside the current
 *   one and report the difference, so a failure (out of memory) leaves the state as it was. */
#include <stdlib.h>
#include <string.h>

#include "conn_internal.h"

/* Frees a set that may not exist (partly built state). */
static void pfxset_free_maybe(pfxset_t *s)
{
    if (s != NULL)
        pfxset_free(s);
}

/* ---- changes ---- */

void conn_change_clear(conn_change_t *ch)
{
    if (ch == NULL)
        return;
    free(ch->add);
    free(ch->remove);
    memset(ch, 0, sizeof *ch);
}

void conn_change_reset(conn_change_t *out)
{
    out->n_add = 0;
    out->n_remove = 0;
}

int conn_prefixes_reserve(pfx_t **arr, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap < 8 ? 8 : *cap * 2;
    if (n < need)
        n = need;
    pfx_t *p = realloc(*arr, n * sizeof *p);
    if (p == NULL)
        return -1;
    *arr = p;
    *cap = n;
    return 0;
}

typedef struct {
    conn_change_t *ch;
    bool counting;
    size_t n_add, n_remove;
} diff_ctx_t;

static bool diff_on_add(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    diff_ctx_t *d = ctx;
    if (d->counting)
        d->n_add++;
    else
        d->ch->add[d->ch->n_add++] = *p;
    return true;
}

static bool diff_on_remove(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    diff_ctx_t *d = ctx;
    if (d->counting)
        d->n_remove++;
    else
        d->ch->remove[d->ch->n_remove++] = *p;
    return true;
}

int conn_diff_into(const pfxset_t *before, const pfxset_t *after, conn_change_t *out)
{
    conn_change_reset(out);
    diff_ctx_t d = {.ch = out, .counting = true};
    pfxset_diff(before, after, diff_on_add, diff_on_remove, &d);
    if (conn_prefixes_reserve(&out->add, &out->cap_add, d.n_add) != 0 ||
        conn_prefixes_reserve(&out->remove, &out->cap_remove, d.n_remove) != 0)
        return -1;
    d.counting = false;
    pfxset_diff(before, after, diff_on_add, diff_on_remove, &d); /* already in C7 order */
    return 0;
}

/* ---- configuration ---- */

typedef struct {
    dn_matcher_t *matcher;
    pfxset_t *manual, *control, *absorbers;
} config_sets_t;

static void config_sets_free(config_sets_t *s)
{
    if (s->matcher != NULL)
        dn_matcher_free(s->matcher);
    pfxset_free_maybe(s->manual);
    pfxset_free_maybe(s->control);
    pfxset_free_maybe(s->absorbers);
    memset(s, 0, sizeof *s);
}

/* Routes are taken in canonical form (host bits cleared) so that a careless caller cannot put
 * a non-canonical prefix into a set. */
static int add_routes(pfxset_t *set, pfxset_t *absorbers, const pfx_t *routes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pfx_addr_t a = {.bits = routes[i].bits, .family = routes[i].family};
        pfx_t p = pfx_make(&a, routes[i].len);
        if (pfxset_insert(set, &p, 0) < 0)
            return -1;
        if (p.len > 0 && pfxset_insert(absorbers, &p, 0) < 0)
            return -1;
    }
    return 0;
}

static int config_sets_build(const conn_config_t *cfg, config_sets_t *s)
{
    memset(s, 0, sizeof *s);
    s->matcher = dn_matcher_new();
    s->manual = pfxset_new();
    s->control = pfxset_new();
    s->absorbers = pfxset_new();
    if (s->matcher == NULL || s->manual == NULL || s->control == NULL || s->absorbers == NULL)
        goto fail;
    if (add_routes(s->manual, s->absorbers, cfg->manual_routes, cfg->n_manual) != 0)
        goto fail;
    if (cfg->connector) { /* C1: a node that is no connector has no domains, no control routes */
        for (size_t i = 0; i < cfg->n_domains; i++)
            if (dn_matcher_add(s->matcher, &cfg->domains[i]) < 0)
                goto fail;
        if (add_routes(s->control, s->absorbers, cfg->control_routes, cfg->n_control) != 0)
            goto fail;
    }
    return 0;
fail:
    config_sets_free(s);
    return -1;
}

/* ---- the advertised set ---- */

bool conn_host_advertised(const pfxset_t *absorbers, const conn_addr_t *s, pfx_t *host)
{
    pfx_addr_t a = conn_addr_of(s);
    *host = pfx_host(&a);
    return !learn_addr_disallowed(&a) && !pfxset_covering(absorbers, host, NULL, NULL);
}

typedef struct {
    pfxset_t *dst;
    bool failed;
} copy_ctx_t;

static bool copy_into(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    copy_ctx_t *cc = ctx;
    if (pfxset_insert(cc->dst, p, 0) < 0) {
        cc->failed = true;
        return false;
    }
    return true;
}

static int insert_all(pfxset_t *dst, const pfxset_t *src)
{
    copy_ctx_t cc = {dst, false};
    pfxset_foreach(src, copy_into, &cc);
    return cc.failed ? -1 : 0;
}

/* Fills adv (empty) with Manual ∪ Control ∪ the host routes of the addresses with a holder
 * (left[] when given, else the slots' own counts). Orphans are the caller's. rules (may be
 * NULL) gets C3 when a held address is absorbed by a Manual or Control route. */
static int adv_fill(pfxset_t *adv, const pfxset_t *manual, const pfxset_t *control,
                    const pfxset_t *absorbers, const conn_addrtab_t *t, const uint32_t *left,
                    rules_t *rules)
{
    if (insert_all(adv, manual) != 0 || insert_all(adv, control) != 0)
        return -1;
    for (uint32_t s = 0; s < t->n_slots; s++) {
        const conn_addr_t *e = &t->slots[s];
        bool held = left != NULL ? left[s] != 0 : conn_addr_held(e);
        pfx_t host;
        if (e->family == 0 || !held)
            continue;
        if (!conn_host_advertised(absorbers, e, &host)) {
            pfx_addr_t a = conn_addr_of(e);
            if (rules != NULL && !learn_addr_disallowed(&a))
                rules_mark(rules, RULE_C3); /* coverage: absorbed, not disallowed */
            continue;
        }
        if (pfxset_insert(adv, &host, 0) < 0)
            return -1;
    }
    return 0;
}

int conn_adv_build(const conn_t *c, const conn_addrtab_t *t, const pfxset_t *orphans,
                   pfxset_t *adv, rules_t *rules)
{
    if (adv_fill(adv, c->manual, c->control, c->absorbers, t, NULL, rules) != 0)
        return -1;
    if (rules != NULL && pfxset_count(orphans) > 0)
        rules_mark(rules, RULE_C3); /* coverage: Orphans are part of Adv */
    return insert_all(adv, orphans);
}

/* ---- lifecycle ---- */

conn_t *conn_new(const conn_settings_t *settings)
{
    conn_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->settings.store_routes = true;
    if (settings != NULL)
        c->settings = *settings;
    if (c->settings.learned_route_ttl < 0)
        c->settings.learned_route_ttl = 0;
    learn_msg_init(&c->msg);
    conn_config_t none = {0};
    config_sets_t cs;
    if (config_sets_build(&none, &cs) != 0) {
        conn_free(c);
        return NULL;
    }
    c->matcher = cs.matcher;
    c->manual = cs.manual;
    c->control = cs.control;
    c->absorbers = cs.absorbers;
    c->orphans = pfxset_new();
    c->adv = pfxset_new();
    if (conn_learned_init(&c->learned) != 0 || c->orphans == NULL || c->adv == NULL) {
        conn_free(c);
        return NULL;
    }
    return c;
}

void conn_free(conn_t *c)
{
    if (c == NULL)
        return;
    config_sets_t cs = {c->matcher, c->manual, c->control, c->absorbers};
    config_sets_free(&cs);
    conn_learned_free(&c->learned);
    pfxset_free_maybe(c->orphans);
    pfxset_free_maybe(c->adv);
    learn_msg_free(&c->msg);
    free(c->scratch);
    free(c);
}

const pfxset_t *conn_advertised(const conn_t *c)
{
    return c->adv;
}

rules_t conn_rules(const conn_t *c)
{
    return c->rules | c->msg.rules;
}

size_t conn_memory(const conn_t *c)
{
    size_t m = sizeof *c;
    m += dn_matcher_memory(c->matcher);
    m += pfxset_memory(c->manual) + pfxset_memory(c->control) + pfxset_memory(c->absorbers);
    m += pfxset_memory(c->orphans) + pfxset_memory(c->adv);
    m += conn_learned_memory(&c->learned);
    m += learn_msg_memory(&c->msg); /* learn's buffers and working memory */
    m += c->scratch_cap * sizeof *c->scratch;
    return m;
}

/* ---- C1-C6: applying a configuration ---- */

typedef struct {
    const uint8_t *drop; /* per name slot */
    conn_learned_t *l;
} drop_names_ctx_t;

static bool pair_of_dropped_name(uint64_t key, void *ctx)
{
    drop_names_ctx_t *d = ctx;
    uint32_t name = (uint32_t)(key >> 32);
    if (!d->drop[name])
        return false;
    d->l->name_slots[name].n_addrs--;
    return true;
}

typedef struct {
    const pfxset_t *absorbers;
    pfx_t *list;
    size_t n, cap;
    bool failed;
} covered_ctx_t;

static bool collect_covered_host(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    covered_ctx_t *cc = ctx;
    if (!pfx_is_host(p) || !pfxset_covering(cc->absorbers, p, NULL, NULL))
        return true;
    if (conn_prefixes_reserve(&cc->list, &cc->cap, cc->n + 1) != 0) {
        cc->failed = true;
        return false;
    }
    cc->list[cc->n++] = *p;
    return true;
}

typedef struct {
    const pfxset_t *old_adv, *next_base;
    pfxset_t *orphans;
    bool failed;
} leave_ctx_t;

static bool orphan_if_leaving(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    leave_ctx_t *lc = ctx;
    if (!pfxset_contains(lc->old_adv, p, NULL) || pfxset_contains(lc->next_base, p, NULL))
        return true;
    if (pfxset_insert(lc->orphans, p, 0) < 0) {
        lc->failed = true;
        return false;
    }
    return true;
}

/* C6, store_routes off: a prefix leaving Adv because a control route or a name left the
 * configuration becomes an orphan (added to orph). */
static int orphans_add_leaving(const conn_t *c, const uint32_t *left, const pfxset_t *base,
                               pfxset_t *orph)
{
    leave_ctx_t lc = {c->adv, base, orph, false};
    pfxset_foreach(c->control, orphan_if_leaving, &lc); /* a control route left */
    if (lc.failed)
        return -1;
    const conn_addrtab_t *t = &c->learned.addrs;
    for (uint32_t s = 0; s < t->n_slots && !lc.failed; s++) { /* a name left */
        const conn_addr_t *e = &t->slots[s];
        if (e->family == 0 || !conn_addr_held(e) || left[s] != 0)
            continue;
        pfx_addr_t a = conn_addr_of(e);
        pfx_t host = pfx_host(&a);
        orphan_if_leaving(&host, 0, &lc);
    }
    return lc.failed ? -1 : 0;
}

/* C6: an orphan host route inside a (non-/0) route being applied is dropped for good. */
static int orphans_drop_covered(const config_sets_t *ns, pfxset_t *orph)
{
    covered_ctx_t cc = {.absorbers = ns->absorbers};
    pfxset_foreach(orph, collect_covered_host, &cc);
    if (cc.failed) {
        free(cc.list);
        return -1;
    }
    for (size_t i = 0; i < cc.n; i++)
        pfxset_remove(orph, &cc.list[i]);
    free(cc.list);
    return 0;
}

int conn_apply_config(conn_t *c, const conn_config_t *cfg, int64_t now, conn_change_t *out)
{
    (void)now; /* a configuration change does not touch last routed times */
    conn_change_t scratch_change = {0};
    if (out == NULL)
        out = &scratch_change;
    conn_change_reset(out);
    conn_learned_t *l = &c->learned;
    /* C6: orphans are never withdrawn while the node stays a connector, whatever store_routes
     * says; store_routes only decides whether new ones are created. C1: a node that is no
     * connector keeps none. */
    bool keeps_orphans = cfg->connector;
    bool new_orphans = cfg->connector && !c->settings.store_routes;
    config_sets_t ns = {0};
    uint8_t *drop = NULL;
    uint32_t *left = NULL;
    pfxset_t *orph = NULL, *adv = NULL;
    int rc = -1;

    if (config_sets_build(cfg, &ns) != 0)
        goto done;
    drop = calloc((size_t)l->n_name_slots + 1, 1);
    left = malloc(((size_t)l->addrs.n_slots + 1) * sizeof *left);
    if (drop == NULL || left == NULL)
        goto done;
    /* L3, C5: which tracked names the new configuration no longer tracks. */
    bool any_drop = false;
    size_t n_names = strmap_count(l->names);
    unsigned how_seen = 0; /* coverage: DN_MATCH_* bits of the names kept */
    bool kept_by_wildcard = false, left_but_kept = false;
    for (size_t i = 0; i < n_names; i++) {
        size_t n;
        const char *name = strmap_key_at(l->names, i, &n);
        uint32_t slot = (uint32_t)*strmap_value_at(l->names, i);
        unsigned how = cfg->connector ? dn_matcher_match(ns.matcher, name, n) : 0;
        drop[slot] = how == 0;
        any_drop |= drop[slot];
        how_seen |= how;
        if (how == DN_MATCH_WILDCARD) {
            kept_by_wildcard = true;
            /* C5 decided too when the name itself left the configuration. */
            if (!rules_has(c->rules, RULE_C5) &&
                (dn_matcher_match(c->matcher, name, n) & DN_MATCH_EXACT))
                left_but_kept = true;
        }
    }
    for (uint32_t s = 0; s < l->addrs.n_slots; s++) { /* how many holders stay */
        uint32_t n;
        const uint32_t *names = conn_holders(&l->addrs, &l->addrs.slots[s], &n);
        left[s] = any_drop ? 0 : n;
        for (uint32_t i = 0; any_drop && i < n; i++)
            left[s] += !drop[names[i]];
    }
    adv = pfxset_new();
    orph = keeps_orphans ? pfxset_clone(c->orphans) : pfxset_new();
    rules_t marks = 0;
    if (adv == NULL || orph == NULL ||
        adv_fill(adv, ns.manual, ns.control, ns.absorbers, &l->addrs, left, &marks) != 0)
        goto done;
    size_t n_orph = pfxset_count(orph);
    if (new_orphans && orphans_add_leaving(c, left, adv, orph) != 0)
        goto done;
    if (pfxset_count(orph) > n_orph)
        rules_mark(&marks, RULE_C6); /* coverage: orphans created */
    n_orph = pfxset_count(orph);
    if (keeps_orphans && orphans_drop_covered(&ns, orph) != 0)
        goto done;
    if (pfxset_count(orph) < n_orph)
        rules_mark(&marks, RULE_C6); /* coverage: covered orphans dropped for good */
    if (pfxset_count(orph) > 0)
        rules_mark(&marks, RULE_C3); /* coverage: Orphans are part of Adv */
    if (insert_all(adv, orph) != 0 || conn_diff_into(c->adv, adv, out) != 0)
        goto done;

    /* Commit: nothing below can fail. */
    if (any_drop) {
        drop_names_ctx_t d = {drop, l};
        conn_pairs_remove_if(&l->pairs, pair_of_dropped_name, &d);
        for (uint32_t s = 0; s < l->addrs.n_slots; s++)
            if (l->addrs.slots[s].family != 0)
                conn_holders_keep(&l->addrs, s, drop);
        conn_addrs_sweep(&l->addrs, c->settings.learned_route_ttl > 0);
        conn_names_drop_empty(l);
    }
    dn_matcher_free(c->matcher);
    pfxset_free(c->manual);
    pfxset_free(c->control);
    pfxset_free(c->absorbers);
    c->matcher = ns.matcher;
    c->manual = ns.manual;
    c->control = ns.control;
    c->absorbers = ns.absorbers;
    memset(&ns, 0, sizeof ns);
    pfxset_free(c->orphans);
    c->orphans = orph;
    orph = NULL;
    pfxset_free(c->adv);
    c->adv = adv;
    adv = NULL;
    /* Coverage of what this configuration decided. */
    if (how_seen & DN_MATCH_EXACT)
        rules_mark(&marks, RULE_N3);
    if (how_seen & DN_MATCH_WILDCARD)
        rules_mark(&marks, RULE_N4);
    if (kept_by_wildcard)
        rules_mark(&marks, RULE_L3); /* a name stays tracked through a wildcard */
    if ((any_drop && cfg->connector) || left_but_kept)
        rules_mark(&marks, RULE_C5); /* names left the configuration: untracked, or kept by a
                                        wildcard */
    if (c->connector != cfg->connector)
        rules_mark(&marks, RULE_C1); /* the node became, or stopped being, a connector */
    if (cfg->connector && cfg->n_control > 0)
        rules_mark(&marks, RULE_C2); /* control routes applied */
    c->rules |= marks;
    c->connector = cfg->connector;
    rc = out->n_add + out->n_remove > 0;
    conn_mark_change(c, out);
done:
    if (rc < 0)
        conn_change_reset(out);
    config_sets_free(&ns);
    free(drop);
    free(left);
    pfxset_free_maybe(orph);
    pfxset_free_maybe(adv);
    conn_change_clear(&scratch_change);
    return rc;
}

/* ---- C6: restart ---- */

int conn_restart(conn_t *c, int64_t now, conn_change_t *out)
{
    if (out != NULL)
        conn_change_reset(out);
    conn_learned_t *l = &c->learned;
    rules_mark(&c->rules, RULE_C6); /* coverage: a restart, store_routes on or off */
    if (c->settings.store_routes && c->settings.learned_route_ttl > 0 && l->addrs.n_live > 0)
        rules_mark(&c->rules, RULE_L5); /* the clocks start again at the restart */
    if (c->settings.store_routes) {
        /* L5: after a restart the clock starts at the restart; the order stays valid. */
        for (uint32_t s = 0; s < l->addrs.n_slots; s++)
            if (l->addrs.slots[s].family != 0)
                l->addrs.slots[s].last_routed = now;
        return 0;
    }
    /* Adv stays: the learned host routes in it become orphans, and everything else learned
     * is forgotten. */
    pfxset_t *orph = pfxset_clone(c->orphans);
    conn_learned_t fresh;
    if (orph == NULL || conn_learned_init(&fresh) != 0) {
        pfxset_free_maybe(orph);
        return -1;
    }
    for (uint32_t s = 0; s < l->addrs.n_slots; s++) {
        const conn_addr_t *e = &l->addrs.slots[s];
        pfx_t host;
        if (e->family == 0 || !conn_addr_held(e) || !conn_host_advertised(c->absorbers, e, &host))
            continue;
        if (pfxset_insert(orph, &host, 0) < 0) {
            pfxset_free(orph);
            conn_learned_free(&fresh);
            return -1;
        }
    }
    conn_learned_free(l);
    *l = fresh;
    pfxset_free(c->orphans);
    c->orphans = orph;
    return 0;
}
