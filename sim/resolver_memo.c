/* resolver_memo: see resolver_memo.h. */
#include <stdlib.h>
#include <string.h>

#include "resolver_memo.h"
#include "strmap.h"

/* Beyond this many answers the memo starts afresh (a bound on memory, not on correctness). */
#define WMEMO_MAX 200000

typedef struct {
    dns_answer_t a; /* wire owned */
} entry_t;

struct wmemo {
    strmap_t *index; /* key -> entry */
    entry_t *e;
    size_t n, cap;
    char *key;
    size_t key_cap;
};

wmemo_t *wmemo_new(void)
{
    wmemo_t *m = calloc(1, sizeof *m);
    if (m && !(m->index = strmap_new())) {
        free(m);
        return NULL;
    }
    return m;
}

void wmemo_clear(wmemo_t *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->e[i].a.wire);
    m->n = 0;
    strmap_free(m->index);
    m->index = strmap_new();
}

void wmemo_free(wmemo_t *m)
{
    if (!m)
        return;
    wmemo_clear(m);
    strmap_free(m->index);
    free(m->e);
    free(m->key);
    free(m);
}

/* The key: region (2 bytes), type (2 bytes), then the name. */
static size_t make_key(wmemo_t *m, int region, uint16_t qtype, const char *qname)
{
    size_t n = strlen(qname) + 4;
    if (n > m->key_cap) {
        char *k = realloc(m->key, n);
        if (!k)
            return 0;
        m->key = k;
        m->key_cap = n;
    }
    uint16_t r = (uint16_t)(region + 1);
    m->key[0] = (char)(r >> 8);
    m->key[1] = (char)r;
    m->key[2] = (char)(qtype >> 8);
    m->key[3] = (char)qtype;
    memcpy(m->key + 4, qname, n - 4);
    return n;
}

bool wmemo_get(wmemo_t *m, int region, uint16_t qtype, const char *qname, uint16_t id,
               dns_answer_t *out)
{
    memset(out, 0, sizeof *out);
    if (!m || !m->index)
        return false;
    size_t n = make_key(m, region, qtype, qname);
    uint64_t *v = n ? strmap_find(m->index, m->key, n) : NULL;
    if (!v)
        return false;
    const dns_answer_t *a = &m->e[*v].a;
    *out = *a;
    out->wire = NULL;
    if (a->len) {
        if (!(out->wire = malloc(a->len))) {
            memset(out, 0, sizeof *out);
            return false;
        }
        memcpy(out->wire, a->wire, a->len);
        if (a->len >= 2) {
            out->wire[0] = (uint8_t)(id >> 8);
            out->wire[1] = (uint8_t)id;
        }
    }
    return true;
}

void wmemo_put(wmemo_t *m, int region, uint16_t qtype, const char *qname, const dns_answer_t *a)
{
    if (!m)
        return;
    if (m->n >= WMEMO_MAX)
        wmemo_clear(m);
    if (!m->index)
        return;
    size_t n = make_key(m, region, qtype, qname);
    if (!n)
        return;
    if (m->n == m->cap) {
        size_t c = m->cap ? m->cap * 2 : 1024;
        entry_t *e = realloc(m->e, c * sizeof *e);
        if (!e)
            return;
        m->e = e;
        m->cap = c;
    }
    entry_t *e = &m->e[m->n];
    e->a = *a;
    e->a.wire = NULL;
    if (a->len && !(e->a.wire = malloc(a->len)))
        return;
    if (a->len)
        memcpy(e->a.wire, a->wire, a->len);
    bool added;
    uint64_t *v = strmap_insert(m->index, m->key, n, &added);
    if (!v || !added) {
        free(e->a.wire);
        return;
    }
    *v = m->n++;
}
