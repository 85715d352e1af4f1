/* dns_cache: per-node TTL cache in front of dns_resolve_result (D4). */
#include "dns_cache.h"
#include "simtime.h"

#include <stdlib.h>
#include <string.h>

#define NS_PER_S 1000000000LL
#define KEY_NXDOMAIN 0x10000u /* beyond every RR type: "this name does not exist" */

typedef struct {
    ldns_rdf *name; /* owned, lower-cased */
    uint32_t type;  /* an RR type, or KEY_NXDOMAIN */
} ckey_t;

typedef struct {
    ldns_rbnode_t rb; /* rb.key = &key */
    ckey_t key;
    int64_t expires;   /* expired when now >= expires */
    ldns_rr_list *rrs; /* positive: the set */
    ldns_rr *soa;      /* negative: the authority record */
} centry_t;

struct dns_cache {
    ldns_rbtree_t *tree;
};

static int ckey_cmp(const void *a, const void *b)
{
    const ckey_t *x = a, *y = b;
    int c = ldns_dname_compare(x->name, y->name);
    if (c != 0)
        return c;
    return (x->type > y->type) - (x->type < y->type);
}

static void entry_free(centry_t *e)
{
    ldns_rr_list_deep_free(e->rrs);
    ldns_rr_free(e->soa);
    ldns_rdf_deep_free(e->key.name);
    free(e);
}

static void entry_free_v(ldns_rbnode_t *rb, void *arg)
{
    (void)arg;
    entry_free((centry_t *)rb);
}

dns_cache_t *dns_cache_new(void)
{
    dns_cache_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    if ((c->tree = ldns_rbtree_create(ckey_cmp)) == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

void dns_cache_flush(dns_cache_t *cache)
{
    ldns_traverse_postorder(cache->tree, entry_free_v, NULL);
    ldns_rbtree_init(cache->tree, ckey_cmp);
}

void dns_cache_free(dns_cache_t *cache)
{
    if (cache == NULL)
        return;
    dns_cache_flush(cache);
    ldns_rbtree_free(cache->tree);
    free(cache);
}

size_t dns_cache_count(const dns_cache_t *cache)
{
    return cache->tree->count;
}

void dns_cache_purge(dns_cache_t *cache, int64_t now_ns)
{
    ldns_rbnode_t *rb = ldns_rbtree_first(cache->tree);
    while (rb != LDNS_RBTREE_NULL) {
        ldns_rbnode_t *next = ldns_rbtree_next(rb);
        centry_t *e = (centry_t *)rb;
        if (now_ns >= e->expires) {
            ldns_rbtree_delete(cache->tree, &e->key);
            entry_free(e);
        }
        rb = next;
    }
}

static int64_t expiry(int64_t now_ns, uint32_t ttl)
{
    int64_t span = (int64_t)ttl * NS_PER_S; /* < 2^63: ttl < 2^32 */
    return simtime_add_sat(now_ns, span);
}

/* The live entry for (name, type), or NULL; an expired one met here is dropped. */
static centry_t *find(dns_cache_t *cache, const ldns_rdf *lc, uint32_t type, int64_t now_ns)
{
    ckey_t key = {(ldns_rdf *)lc, type};
    ldns_rbnode_t *rb = ldns_rbtree_search(cache->tree, &key);
    if (rb == NULL || rb == LDNS_RBTREE_NULL)
        return NULL;
    centry_t *e = (centry_t *)rb;
    if (now_ns < e->expires)
        return e;
    ldns_rbtree_delete(cache->tree, &e->key);
    entry_free(e);
    return NULL;
}

/* Stores an entry (taking rrs or soa), replacing any for the same key. */
static int store(dns_cache_t *cache, const ldns_rdf *name, uint32_t type, int64_t expires,
                 ldns_rr_list *rrs, ldns_rr *soa)
{
    centry_t *e = calloc(1, sizeof *e);
    if (e == NULL || (e->key.name = ldns_rdf_clone(name)) == NULL) {
        free(e);
        ldns_rr_list_deep_free(rrs);
        ldns_rr_free(soa);
        return -1;
    }
    ldns_dname2canonical(e->key.name);
    e->key.type = type;
    e->expires = expires;
    e->rrs = rrs;
    e->soa = soa;
    e->rb.key = &e->key;
    ldns_rbnode_t *old = ldns_rbtree_delete(cache->tree, &e->key);
    if (old != NULL && old != LDNS_RBTREE_NULL)
        entry_free((centry_t *)old);
    ldns_rbtree_insert(cache->tree, &e->rb);
    return 0;
}

/* Stores records answer[from, to) as one set under (owner of the first, type), for their
 * smallest TTL; TTL 0 is not stored. */
static int store_set(dns_cache_t *cache, const ldns_rr_list *answer, size_t from, size_t to,
                     uint32_t type, int64_t now_ns)
{
    if (from >= to)
        return 0;
    uint32_t ttl = UINT32_MAX;
    for (size_t i = from; i < to; i++)
        if (ldns_rr_ttl(ldns_rr_list_rr(answer, i)) < ttl)
            ttl = ldns_rr_ttl(ldns_rr_list_rr(answer, i));
    if (ttl == 0)
        return 0;
    ldns_rr_list *set = ldns_rr_list_new();
    for (size_t i = from; set != NULL && i < to; i++) {
        ldns_rr *c = ldns_rr_clone(ldns_rr_list_rr(answer, i));
        if (c == NULL || !ldns_rr_list_push_rr(set, c)) {
            ldns_rr_free(c);
            ldns_rr_list_deep_free(set);
            set = NULL;
        }
    }
    if (set == NULL)
        return -1;
    return store(cache, ldns_rr_owner(ldns_rr_list_rr(answer, from)), type, expiry(now_ns, ttl),
                 set, NULL);
}

/* Stores what the db answered for (name, qtype). */
static int store_result(dns_cache_t *cache, const ldns_rdf *name, uint16_t qtype,
                        const dns_result_t *r, int64_t now_ns)
{
    if (r->rcode == LDNS_RCODE_SERVFAIL || r->rcode == LDNS_RCODE_NOTIMPL)
        return 0;
    size_t count = ldns_rr_list_rr_count(r->answer);
    for (size_t i = 0; i < r->chain_len; i++)
        if (store_set(cache, r->answer, i, i + 1, LDNS_RR_TYPE_CNAME, now_ns) != 0)
            return -1;
    if (r->rcode == LDNS_RCODE_NOERROR && count > r->chain_len)
        return store_set(cache, r->answer, r->chain_len, count, qtype, now_ns);
    if ((r->rcode != LDNS_RCODE_NOERROR && r->rcode != LDNS_RCODE_NXDOMAIN) || r->soa == NULL ||
        ldns_rr_rd_count(r->soa) < 7)
        return 0;
    /* D4: held for the SOA minimum, not for the SOA record's TTL (dns_resolve caps that at the
     * minimum for the wire, so a TTL of 0 would otherwise disable negative caching). */
    uint32_t minimum = ldns_rdf2native_int32(ldns_rr_rdf(r->soa, 6));
    if (minimum == 0)
        return 0;
    const ldns_rdf *tail =
        r->chain_len > 0 ? ldns_rr_rdf(ldns_rr_list_rr(r->answer, r->chain_len - 1), 0) : name;
    ldns_rr *soa = ldns_rr_clone(r->soa);
    if (soa == NULL)
        return -1;
    uint32_t type = r->rcode == LDNS_RCODE_NXDOMAIN ? KEY_NXDOMAIN : qtype;
    return store(cache, tail, type, expiry(now_ns, minimum), NULL, soa);
}

/* Appends a copy of rr with the remaining TTL of an entry expiring at `expires`. */
static int push_aged(ldns_rr_list *list, const ldns_rr *rr, int64_t expires, int64_t now_ns)
{
    ldns_rr *c = ldns_rr_clone(rr);
    if (c == NULL)
        return -1;
    ldns_rr_set_ttl(c, (uint32_t)((expires - now_ns) / NS_PER_S));
    if (!ldns_rr_list_push_rr(list, c)) {
        ldns_rr_free(c);
        return -1;
    }
    return 0;
}

static bool seen(const ldns_rdf *const *visited, size_t n, const ldns_rdf *name)
{
    for (size_t i = 0; i < n; i++)
        if (ldns_dname_compare(visited[i], name) == 0)
            return true;
    return false;
}

static void servfail(dns_result_t *r)
{
    while (ldns_rr_list_rr_count(r->answer) > 0)
        ldns_rr_free(ldns_rr_list_pop_rr(r->answer));
    ldns_rr_free(r->soa);
    r->soa = NULL;
    r->chain_len = 0;
    r->rcode = LDNS_RCODE_SERVFAIL;
}

/* Appends the db's answer for the rest of the chain to res, applying D2's limits to the
 * whole chain. */
static int append_db_part(dns_result_t *res, dns_result_t *part, const ldns_rdf *const *visited,
                          size_t nvisited)
{
    if (part->rcode == LDNS_RCODE_SERVFAIL || res->chain_len + part->chain_len > DNS_MAX_CHAIN) {
        servfail(res);
        return 0;
    }
    for (size_t i = 0; i < part->chain_len; i++) {
        if (seen(visited, nvisited, ldns_rr_rdf(ldns_rr_list_rr(part->answer, i), 0))) {
            servfail(res);
            return 0;
        }
    }
    for (size_t i = 0; i < ldns_rr_list_rr_count(part->answer); i++) {
        ldns_rr *c = ldns_rr_clone(ldns_rr_list_rr(part->answer, i));
        if (c == NULL || !ldns_rr_list_push_rr(res->answer, c)) {
            ldns_rr_free(c);
            return -1;
        }
    }
    res->chain_len += part->chain_len;
    res->rcode = part->rcode;
    res->soa = part->soa;
    part->soa = NULL;
    return 0;
}

/* Walks the cache from qname, then asks the db for what is missing. */
static int cached_result(dns_cache_t *cache, const dns_db_t *db, const ldns_rdf *qname,
                         uint16_t qtype, const char *region, int64_t now_ns, dns_result_t *res,
                         bool *from_cache, errinfo_t *err)
{
    const ldns_rdf *visited[DNS_MAX_CHAIN + 1];
    size_t nvisited = 0;
    visited[nvisited++] = qname;
    const ldns_rdf *cur = qname;
    ldns_rdf *lc = NULL;
    memset(res, 0, sizeof *res);
    if ((res->answer = ldns_rr_list_new()) == NULL)
        goto oom;
    for (;;) {
        ldns_rdf_deep_free(lc);
        if ((lc = ldns_rdf_clone(cur)) == NULL)
            goto oom;
        ldns_dname2canonical(lc);
        centry_t *e = find(cache, lc, qtype, now_ns);
        if (e != NULL && e->rrs != NULL) {
            *from_cache = true;
            for (size_t i = 0; i < ldns_rr_list_rr_count(e->rrs); i++)
                if (push_aged(res->answer, ldns_rr_list_rr(e->rrs, i), e->expires, now_ns) != 0)
                    goto oom;
            res->rcode = LDNS_RCODE_NOERROR;
            break;
        }
        centry_t *cn = qtype != LDNS_RR_TYPE_CNAME && e == NULL
                           ? find(cache, lc, LDNS_RR_TYPE_CNAME, now_ns)
                           : NULL;
        if (cn != NULL) {
            *from_cache = true;
            rules_mark(&res->rules, RULE_D2); /* a cached CNAME continues as a new query */
            if (res->chain_len == DNS_MAX_CHAIN) {
                servfail(res);
                break;
            }
            if (push_aged(res->answer, ldns_rr_list_rr(cn->rrs, 0), cn->expires, now_ns) != 0)
                goto oom;
            res->chain_len++;
            /* The target is read from our own copy: cache entries may go while we walk. */
            const ldns_rdf *target =
                ldns_rr_rdf(ldns_rr_list_rr(res->answer, res->chain_len - 1), 0);
            if (seen(visited, nvisited, target)) {
                servfail(res);
                break;
            }
            visited[nvisited++] = target;
            cur = target;
            continue;
        }
        centry_t *neg = e != NULL ? e : find(cache, lc, KEY_NXDOMAIN, now_ns);
        if (neg != NULL) {
            *from_cache = true;
            res->rcode = neg == e ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN;
            if ((res->soa = ldns_rr_clone(neg->soa)) == NULL)
                goto oom;
            ldns_rr_set_ttl(res->soa, (uint32_t)((neg->expires - now_ns) / NS_PER_S));
            break;
        }
        dns_result_t part;
        if (dns_resolve_result(db, cur, qtype, region, false, &part, err) != 0)
            goto fail;
        res->rules |= part.rules;
        int rc = store_result(cache, cur, qtype, &part, now_ns);
        if (rc == 0)
            rc = append_db_part(res, &part, visited, nvisited);
        dns_result_clear(&part);
        if (rc != 0)
            goto oom;
        break;
    }
    ldns_rdf_deep_free(lc);
    return 0;
oom:
    errinfo_set(err, "out of memory");
fail:
    ldns_rdf_deep_free(lc);
    dns_result_clear(res);
    return -1;
}

int dns_cache_resolve(dns_cache_t *cache, const dns_db_t *db, const char *qname, uint16_t qtype,
                      uint16_t id, const char *region, int64_t now_ns, dns_answer_t *out,
                      errinfo_t *err)
{
    memset(out, 0, sizeof *out);
    ldns_rdf *name = qname != NULL ? ldns_dname_new_frm_str(qname) : NULL;
    if (name == NULL) {
        errinfo_set(err, "query name '%s' is not a valid domain name", qname ? qname : "(null)");
        return -1;
    }
    dns_result_t r;
    bool from_cache = false;
    int rc;
    if (dns_db_script_find(db, name, qtype) != NULL || dns_qtype_is_meta(qtype))
        rc = dns_resolve_result(db, name, qtype, region, true, &r, err);
    else
        rc = cached_result(cache, db, name, qtype, region, now_ns, &r, &from_cache, err);
    if (rc == 0 && from_cache)
        rules_mark(&r.rules, RULE_D4); /* coverage: a cache hit */
    if (rc == 0)
        rc = dns_answer_build(name, qtype, id, &r, out, err);
    if (rc == 0)
        out->from_cache = from_cache;
    dns_result_clear(&r);
    ldns_rdf_deep_free(name);
    return rc;
}
