/* client: a node as a client of the tailnet: the netmap it holds (K3), its DNS queries (K1,
 * K2) and its flows (K4). K5 is not written anywhere: a route reaches the client when its
 * netmap delivery arrives (T2, P7), and flows before that instant go the way they went.
 *
 * client.c applies deliveries and decides flows; client_dns.c runs queries. */
#ifndef APPCSIM_CLIENT_H
#define APPCSIM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "world_priv.h"

/* P7: a delivery arrives at its node (dropped when it belongs to an older control session). */
void client_apply_delivery(world_t *w, nm_delivery_t *d);

/* K3: the node serving addr in the client's table (longest prefix match), or W_NONE32;
 * match (may be NULL) gets the prefix. None when the client does not accept routes. */
uint32_t client_route(const world_t *w, uint32_t client, const pfx_addr_t *addr, pfx_t *match);
size_t client_route_count(const world_t *w, uint32_t client);

/* K1, K2: query `q` (an index into w->queries) starts now at its client. */
void client_query_start(world_t *w, size_t q);

/* K4: flow `f` starts now (a flow to a name queries first). */
void client_flow_start(world_t *w, size_t f);
/* K4: decides flow f now, to addr; addr NULL means the name had no address (rcode says why). */
void client_flow_decide(world_t *w, size_t f, const pfx_addr_t *addr, int rcode);

#endif
