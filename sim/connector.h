/* connector: a node's DNS proxy and resolver, and its advertised set (C1-C7, L1-L5, T2).
 *
 * Every node that has something to advertise (manual routes, exit routes, or an app
 * configuration while advertise_connector is on) holds a conn_t. Each operation on it (a
 * configuration delivered, a response produced, a restart, an expiry) that changes the set is
 * one route change (C4): traced, counted, and reported to control after advertise_delay while
 * the control session is up (T2, P4). L5 expiry is one engine timer per node, re-armed after
 * every operation. */
#ifndef APPCSIM_CONNECTOR_H
#define APPCSIM_CONNECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "dns_resolve.h"
#include "world_priv.h"

/* C1: recomputes the node's configuration (its delivered apps while advertise_connector is on,
 * its manual routes) and applies it now; cause names it in the trace. */
void connector_refresh(world_t *w, uint32_t node, const char *cause);

/* D3, D4: the node's resolver answers (qname, qtype) from its region's view, through its cache
 * when it has one. A failure to build an answer gives SERVFAIL with no wire. */
void connector_resolve(world_t *w, uint32_t node, const char *qname, uint16_t qtype, uint16_t id,
                       dns_answer_t *out);

/* K1, L1: the node answers a query received over the tailnet and, acting as a connector,
 * learns from the answer it produced. */
void connector_answer(world_t *w, uint32_t node, const char *qname, uint16_t qtype, uint16_t id,
                      dns_answer_t *out);

/* C6: restart (the DNS cache is flushed too). */
void connector_restart(world_t *w, uint32_t node);
/* C1: the node's advertise_connector switch, applied at once and reported to control. */
void connector_set_flag(world_t *w, uint32_t node, bool value);
/* P4: the node reports its whole set (after its control session came back). */
void connector_full_report(world_t *w, uint32_t node);

/* C3: the node's advertised set now (an empty set when it has none). */
const pfxset_t *connector_advertised(const world_t *w, uint32_t node);

#endif
