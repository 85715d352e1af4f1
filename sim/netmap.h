/* netmap: what control sends nodes, and when it arrives (P7).
 *
 * A delivery holds everything control sent one node at one instant: shared batches (changes
 * for every node), the node's own route changes (regional routing), a full netmap, its split
 * DNS and app configuration. It arrives at ctrl_propagation_at(sent, seed, node id,
 * propagation_delay, propagation_jitter); since that offset is fixed per node, deliveries reach
 * a node in the order they were sent. A delivery of an older control session is dropped on
 * arrival. While the world converges at start, deliveries are not scheduled: world_start
 * applies them at once. */
#ifndef APPCSIM_NETMAP_H
#define APPCSIM_NETMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "world_priv.h"

/* The node's delivery of this instant (created and scheduled on first use), or NULL when its
 * session is down. */
nm_delivery_t *netmap_open(world_t *w, uint32_t node);
/* Returns a delivery to the world's pool (its references are released). */
void netmap_delivery_release(world_t *w, nm_delivery_t *d);
/* Frees every delivery, pending ones included (world_free). */
void netmap_pool_free(world_t *w);

nm_batch_t *netmap_batch_new(void);
void netmap_batch_unref(nm_batch_t *b);
bool netmap_batch_empty(const nm_batch_t *b);
/* Attaches a batch (adds a reference). */
int netmap_attach(nm_delivery_t *d, nm_batch_t *b);
int netmap_add_route(nm_delivery_t *d, const pfx_t *p, uint32_t node);
void netmap_set_sdns(nm_delivery_t *d, wsdns_t *s);
void netmap_set_config(nm_delivery_t *d, wconfig_t *c);

/* Makes sure control's flush runs at the current instant. */
void netmap_schedule_flush(world_t *w);

#endif
