/* world_trace: small helpers that write the world's values into trace records (C7 text). */
#include <string.h>

#include "world_priv.h"

void wt_prefix(trace_t *t, const char *key, const pfx_t *p)
{
    char buf[PFX_TEXT_MAX];
    pfx_format(p, buf);
    trace_str(t, key, buf);
}

void wt_prefixes(trace_t *t, const char *key, const pfx_t *p, size_t n)
{
    trace_array_begin(t, key);
    for (size_t i = 0; i < n; i++)
        wt_prefix(t, NULL, &p[i]);
    trace_array_end(t);
}

void wt_addr(trace_t *t, const char *key, const pfx_addr_t *a)
{
    if (!a) {
        trace_null(t, key);
        return;
    }
    char buf[PFX_ADDR_TEXT_MAX];
    pfx_addr_format(a, buf);
    trace_str(t, key, buf);
}

void wt_node(trace_t *t, const char *key, const world_t *w, uint32_t node)
{
    if (node == W_NONE32 || node >= w->n_nodes)
        trace_null(t, key);
    else
        trace_str(t, key, w->nodes[node].name);
}

void wt_begin(world_t *w, uint32_t node, const char *kind)
{
    const char *name = node < w->n_nodes ? w->nodes[node].name : NULL;
    trace_begin(w->tr, engine_now(w->eng), name, kind);
}

void wt_rejected(world_t *w, uint32_t node, const char *event, const char *reason)
{
    w_mark(w, RULE_S4); /* coverage: a rejection at run time is a trace record */
    wt_begin(w, node, "rejected");
    trace_str(w->tr, "event", event);
    trace_str(w->tr, "reason", reason);
    trace_end(w->tr);
}
