/* netmap: deliveries and batches of netmap changes (see netmap.h). */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "control.h"
#include "netmap.h"

nm_batch_t *netmap_batch_new(void)
{
    nm_batch_t *b = calloc(1, sizeof *b);
    if (b)
        b->refs = 1;
    return b;
}

void netmap_batch_unref(nm_batch_t *b)
{
    if (!b || --b->refs > 0)
        return;
    free(b->peers);
    free(b->exits);
    free(b);
}

bool netmap_batch_empty(const nm_batch_t *b)
{
    return b->log_hi == b->log_lo && b->n_peers == 0 && b->n_exits == 0;
}

#define SLAB_SIZE 1024

struct nm_slab {
    struct nm_slab *next;
    nm_delivery_t d[SLAB_SIZE];
};

/* Drops what a delivery refers to; its arrays keep their capacity for the next use. */
static void clear_delivery(nm_delivery_t *d)
{
    for (size_t i = 0; i < d->n_batches; i++)
        netmap_batch_unref(d->batches[i]);
    d->n_batches = 0;
    d->n_routes = 0;
    pfxset_free(d->full_routes);
    d->full_routes = NULL;
    free(d->full_exit);
    d->full_exit = NULL;
    w_sdns_unref(d->sdns);
    d->sdns = NULL;
    w_config_unref(d->config);
    d->config = NULL;
    d->full = d->has_sdns = d->has_config = false;
    d->full_after = d->full_k = 0;
}

void netmap_delivery_release(world_t *w, nm_delivery_t *d)
{
    clear_delivery(d);
    d->in_use = false;
    d->next_free = w->free_deliveries;
    w->free_deliveries = d;
}

void netmap_pool_free(world_t *w)
{
    while (w->slabs) {
        struct nm_slab *s = w->slabs;
        w->slabs = s->next;
        for (size_t i = 0; i < SLAB_SIZE; i++) {
            clear_delivery(&s->d[i]);
            free(s->d[i].batches);
            free(s->d[i].routes);
        }
        free(s);
    }
    w->free_deliveries = NULL;
}

static nm_delivery_t *take_delivery(world_t *w)
{
    if (!w->free_deliveries) {
        struct nm_slab *s = calloc(1, sizeof *s);
        if (!s)
            return NULL;
        s->next = w->slabs;
        w->slabs = s;
        for (size_t i = SLAB_SIZE; i-- > 0;) {
            s->d[i].next_free = w->free_deliveries;
            w->free_deliveries = &s->d[i];
        }
    }
    nm_delivery_t *d = w->free_deliveries;
    w->free_deliveries = d->next_free;
    d->next_free = NULL;
    d->in_use = true;
    return d;
}

static void deliver_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    world_t *w = ctx;
    nm_delivery_t *d = (nm_delivery_t *)(uintptr_t)arg;
    client_apply_delivery(w, d);
    netmap_delivery_release(w, d);
}

nm_delivery_t *netmap_open(world_t *w, uint32_t node)
{
    wnode_t *n = &w->nodes[node];
    if (!n->session_up)
        return NULL;
    sim_time_t now = engine_now(w->eng);
    nm_delivery_t *d = n->open_delivery;
    if (d && d->sent_at == now && d->epoch == n->epoch)
        return d;
    d = take_delivery(w);
    if (!d) {
        w_fail(w, "out of memory (netmap)");
        return NULL;
    }
    d->node = node;
    d->epoch = n->epoch;
    d->sent_at = now;
    if (!w->converging) {
        sim_time_t at = ctrl_propagation_at(now, w->seed, n->id, w->set.propagation_delay,
                                            w->set.propagation_jitter);
        if (w_never(at)) { /* saturated: never arrives */
            netmap_delivery_release(w, d);
            return NULL;
        }
        if (w->set.propagation_jitter > 0)
            w_mark(w, RULE_T3); /* coverage: j(n) is a T3 hash */
        if (!engine_timer_is_set(engine_schedule(w->eng, at, ENGINE_GENERATED, deliver_cb, w,
                                                 (uint64_t)(uintptr_t)d))) {
            netmap_delivery_release(w, d);
            w_fail(w, "cannot schedule a netmap delivery");
            return NULL;
        }
    }
    n->open_delivery = d;
    return d;
}

int netmap_attach(nm_delivery_t *d, nm_batch_t *b)
{
    /* Most deliveries carry one batch: grow from one slot, not from w_grow's eight. */
    if (d->n_batches == d->cap_batches) {
        size_t cap = d->cap_batches ? 2 * d->cap_batches : 1;
        nm_batch_t **p = realloc(d->batches, cap * sizeof *p);
        if (!p)
            return -1;
        d->batches = p;
        d->cap_batches = cap;
    }
    b->refs++;
    d->batches[d->n_batches++] = b;
    return 0;
}

int netmap_add_route(nm_delivery_t *d, const pfx_t *p, uint32_t node)
{
    if (w_grow((void **)&d->routes, &d->cap_routes, d->n_routes + 1, sizeof *d->routes) < 0)
        return -1;
    d->routes[d->n_routes++] = (nm_route_t){*p, node};
    return 0;
}

void netmap_set_sdns(nm_delivery_t *d, wsdns_t *s)
{
    w_sdns_unref(d->sdns);
    d->sdns = w_sdns_ref(s);
    d->has_sdns = true;
}

void netmap_set_config(nm_delivery_t *d, wconfig_t *c)
{
    w_config_unref(d->config);
    d->config = w_config_ref(c);
    d->has_config = true;
}

static void flush_cb(engine_t *e, void *ctx, uint64_t arg)
{
    (void)e;
    (void)arg;
    world_t *w = ctx;
    w->flush_pending = false;
    control_flush(w);
}

void netmap_schedule_flush(world_t *w)
{
    sim_time_t now = engine_now(w->eng);
    if (w->converging || (w->flush_pending && w->flush_at == now))
        return;
    if (!engine_timer_is_set(engine_schedule(w->eng, now, ENGINE_GENERATED, flush_cb, w, 0))) {
        w_fail(w, "cannot schedule control's flush");
        return;
    }
    w->flush_pending = true;
    w->flush_at = now;
}
