/* resolver_memo: remembered answers of the DNS data, so that a million lookups of a few
 * thousand names build each message once.
 *
 * dns_resolve is a function of the data, the name, the type and the region's view, and the
 * query id appears only in the message's first two bytes (a script's raw bytes included). A
 * held answer is therefore the answer: it is copied out with the new id written in. The world
 * clears the memo whenever the data change (a zone change), and the memo clears itself when it
 * holds too much. Answers through a node's cache (D4) depend on time and are never held. */
#ifndef APPCSIM_RESOLVER_MEMO_H
#define APPCSIM_RESOLVER_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "dns_resolve.h"

typedef struct wmemo wmemo_t;

wmemo_t *wmemo_new(void);
void wmemo_free(wmemo_t *m);
void wmemo_clear(wmemo_t *m);

/* Fills out (wire malloc'd; dns_answer_clear frees it) when the answer is held. False when it
 * is not, or when memory runs out (out is then zeroed). */
bool wmemo_get(wmemo_t *m, int region, uint16_t qtype, const char *qname, uint16_t id,
               dns_answer_t *out);
/* Remembers a (copy of the) answer; failures only mean it is not remembered. */
void wmemo_put(wmemo_t *m, int region, uint16_t qtype, const char *qname,
               const dns_answer_t *a);

#endif
