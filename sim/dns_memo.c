/* dns_memo: a bounded map (query name, type, region) -> finished answer, least recently used
 * entries evicted first; see dns_memo.h for why it is exact. */
#include "dns_memo.h"

#include <stdlib.h>
#include <string.h>

#define MIN_BUCKETS 256

typedef struct memo_entry memo_entry_t;
struct memo_entry {
    memo_entry_t *chain;        /* next in the bucket */
    memo_entry_t *newer, *older; /* recency list */
    uint64_t hash;
    dns_answer_t answer; /* the summary; answer.wire is unused (the bytes are in data) */
    size_t qname_len, region_len, size;
    uint16_t qtype;
    bool has_region;
    uint8_t data[]; /* message bytes, then query name, then region (no terminators) */
};

struct dns_memo {
    memo_entry_t **buckets;
    size_t nbuckets; /* 0 or a power of two */
    memo_entry_t *newest, *oldest;
    size_t max_entries, max_bytes;
    uint64_t generation;
    dns_memo_stats_t st;
};

/* The key of a lookup, measured once. */
typedef struct {
    const char *qname;
    size_t qname_len;
    const char *region;
    size_t region_len;
    uint16_t qtype;
    uint64_t hash;
} memo_key_t;

/* Hashes n bytes eight at a time (the key's hash is computed on every lookup, so it must be
 * cheap; any fixed function will do, as every hit is confirmed by comparing the key). */
static uint64_t hash_bytes(uint64_t h, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)p[i] << (8 * i);
    h = (h ^ w ^ ((uint64_t)n << 56)) * 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 32);
}

static memo_key_t make_key(const char *qname, uint16_t qtype, const char *region)
{
    memo_key_t k = {qname, strlen(qname), region, region != NULL ? strlen(region) : 0, qtype, 0};
    uint64_t h = hash_bytes(0xcbf29ce484222325ULL ^ qtype ^ ((uint64_t)(region != NULL) << 16),
                            qname, k.qname_len);
    k.hash = region != NULL ? hash_bytes(h, region, k.region_len) : h;
    return k;
}

static bool key_matches(const memo_entry_t *e, const memo_key_t *k)
{
    return e->hash == k->hash && e->qtype == k->qtype && e->qname_len == k->qname_len &&
           e->has_region == (k->region != NULL) && e->region_len == k->region_len &&
           memcmp(e->data + e->answer.len, k->qname, k->qname_len) == 0 &&
           memcmp(e->data + e->answer.len + e->qname_len, k->region != NULL ? k->region : "",
                  k->region_len) == 0;
}

dns_memo_t *dns_memo_new(void)
{
    dns_memo_t *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->max_entries = DNS_MEMO_DEFAULT_MAX_ENTRIES;
    m->max_bytes = DNS_MEMO_DEFAULT_MAX_BYTES;
    return m;
}

void dns_memo_clear(dns_memo_t *memo)
{
    if (memo == NULL)
        return;
    memo_entry_t *e = memo->newest;
    while (e != NULL) {
        memo_entry_t *next = e->older;
        free(e);
        e = next;
    }
    free(memo->buckets);
    memo->buckets = NULL;
    memo->nbuckets = 0;
    memo->newest = memo->oldest = NULL;
    if (memo->st.entries > 0)
        memo->st.clears++;
    memo->st.entries = 0;
    memo->st.bytes = 0;
}

void dns_memo_free(dns_memo_t *memo)
{
    dns_memo_clear(memo);
    free(memo);
}

void dns_memo_set_limits(dns_memo_t *memo, size_t max_entries, size_t max_bytes)
{
    if (memo == NULL)
        return;
    dns_memo_clear(memo);
    memo->max_entries = max_entries;
    memo->max_bytes = max_bytes;
}

dns_memo_stats_t dns_memo_stats(const dns_memo_t *memo)
{
    dns_memo_stats_t none = {0};
    return memo != NULL ? memo->st : none;
}

static bool memo_on(const dns_memo_t *memo)
{
    return memo != NULL && memo->max_entries > 0 && memo->max_bytes > 0;
}

/* Contents computed under another generation of the db are stale: all of them go. */
static void adopt_generation(dns_memo_t *memo, uint64_t generation)
{
    if (memo->generation != generation) {
        dns_memo_clear(memo);
        memo->generation = generation;
    }
}

static memo_entry_t **bucket_of(const dns_memo_t *memo, uint64_t hash)
{
    return &memo->buckets[hash & (memo->nbuckets - 1)];
}

static void unlink_recency(dns_memo_t *memo, memo_entry_t *e)
{
    if (e->newer != NULL)
        e->newer->older = e->older;
    else
        memo->newest = e->older;
    if (e->older != NULL)
        e->older->newer = e->newer;
    else
        memo->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(dns_memo_t *memo, memo_entry_t *e)
{
    e->newer = NULL;
    e->older = memo->newest;
    if (memo->newest != NULL)
        memo->newest->newer = e;
    else
        memo->oldest = e;
    memo->newest = e;
}

static memo_entry_t *find(const dns_memo_t *memo, const memo_key_t *k)
{
    if (memo->nbuckets == 0)
        return NULL;
    for (memo_entry_t *e = *bucket_of(memo, k->hash); e != NULL; e = e->chain)
        if (key_matches(e, k))
            return e;
    return NULL;
}

static void remove_entry(dns_memo_t *memo, memo_entry_t *e)
{
    memo_entry_t **p = bucket_of(memo, e->hash);
    while (*p != e)
        p = &(*p)->chain;
    *p = e->chain;
    unlink_recency(memo, e);
    memo->st.entries--;
    memo->st.bytes -= e->size;
    free(e);
}

/* Doubles the bucket array (from MIN_BUCKETS) when entries outnumber buckets; on
 * out-of-memory the table keeps its size (longer chains, still correct). */
static bool grow_buckets(dns_memo_t *memo)
{
    if (memo->nbuckets > 0 && memo->st.entries < memo->nbuckets)
        return true;
    size_t n = memo->nbuckets ? memo->nbuckets * 2 : MIN_BUCKETS;
    memo_entry_t **b = calloc(n, sizeof *b);
    if (b == NULL)
        return memo->nbuckets > 0;
    for (memo_entry_t *e = memo->newest; e != NULL; e = e->older) {
        memo_entry_t **slot = &b[e->hash & (n - 1)];
        e->chain = *slot;
        *slot = e;
    }
    free(memo->buckets);
    memo->buckets = b;
    memo->nbuckets = n;
    return true;
}

bool dns_memo_get(dns_memo_t *memo, uint64_t generation, const char *qname, uint16_t qtype,
                  const char *region, uint16_t id, dns_answer_t *out)
{
    if (!memo_on(memo) || qname == NULL)
        return false;
    adopt_generation(memo, generation);
    memo_key_t k = make_key(qname, qtype, region);
    memo_entry_t *e = find(memo, &k);
    uint8_t *wire = NULL;
    if (e != NULL && e->answer.len > 0 && (wire = malloc(e->answer.len)) == NULL)
        e = NULL;
    if (e == NULL) {
        memo->st.misses++;
        return false;
    }
    memo->st.hits++;
    if (memo->newest != e) {
        unlink_recency(memo, e);
        push_newest(memo, e);
    }
    *out = e->answer;
    out->wire = wire;
    if (wire != NULL) {
        memcpy(wire, e->data, e->answer.len);
        /* dns_resolve's id rule, for built messages and raw scripted bytes alike. */
        if (out->len >= 2) {
            wire[0] = (uint8_t)(id >> 8);
            wire[1] = (uint8_t)id;
        }
    }
    return true;
}

void dns_memo_put(dns_memo_t *memo, uint64_t generation, const char *qname, uint16_t qtype,
                  const char *region, const dns_answer_t *answer)
{
    if (!memo_on(memo) || qname == NULL || answer == NULL || (answer->len > 0 && !answer->wire))
        return;
    adopt_generation(memo, generation);
    memo_key_t k = make_key(qname, qtype, region);
    memo_entry_t *old = find(memo, &k);
    if (old != NULL)
        remove_entry(memo, old);
    size_t payload = answer->len + k.qname_len + k.region_len;
    if (payload > memo->max_bytes || sizeof(memo_entry_t) > memo->max_bytes - payload)
        return; /* on its own bigger than the whole memo */
    size_t size = sizeof(memo_entry_t) + payload;
    while (memo->st.entries >= memo->max_entries || size > memo->max_bytes - memo->st.bytes) {
        remove_entry(memo, memo->oldest);
        memo->st.evictions++;
    }
    if (!grow_buckets(memo))
        return;
    memo_entry_t *e = malloc(size);
    if (e == NULL)
        return;
    e->hash = k.hash;
    e->answer = *answer;
    e->answer.wire = NULL;
    e->qname_len = k.qname_len;
    e->region_len = k.region_len;
    e->size = size;
    e->qtype = qtype;
    e->has_region = region != NULL;
    if (answer->len > 0)
        memcpy(e->data, answer->wire, answer->len);
    memcpy(e->data + answer->len, qname, k.qname_len);
    if (k.region_len > 0)
        memcpy(e->data + answer->len + k.qname_len, region, k.region_len);
    memo_entry_t **slot = bucket_of(memo, k.hash);
    e->chain = *slot;
    *slot = e;
    push_newest(memo, e);
    memo->st.entries++;
    memo->st.bytes += size;
    memo->st.stores++;
}
