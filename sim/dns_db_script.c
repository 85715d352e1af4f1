/* dns_db_script: scripted answers (D5), kept in a tree keyed by (query name, type). */
#include "dns_db_priv.h"
#include "hex.h"

#include <stdlib.h>
#include <string.h>

#define SCRIPT_MAX_WIRE 65535

typedef struct {
    ldns_rdf *name; /* owned, lower-cased */
    uint16_t type;  /* 0: every type */
} script_key_t;

typedef struct {
    ldns_rbnode_t rb; /* rb.key = &key */
    script_key_t key;
    dns_scripted_t s;
} script_entry_t;

static int script_key_cmp(const void *a, const void *b)
{
    const script_key_t *x = a, *y = b;
    int c = ldns_dname_compare(x->name, y->name);
    if (c != 0)
        return c;
    return (x->type > y->type) - (x->type < y->type);
}

static void scripted_clear(dns_scripted_t *s)
{
    free(s->wire);
    ldns_rr_list_deep_free(s->rrs);
    memset(s, 0, sizeof *s);
}

static void entry_free(script_entry_t *e)
{
    scripted_clear(&e->s);
    ldns_rdf_deep_free(e->key.name);
    free(e);
}

static void entry_free_v(ldns_rbnode_t *rb, void *arg)
{
    (void)arg;
    entry_free((script_entry_t *)rb);
}

ldns_rbtree_t *dns_db_scripts_new(void)
{
    return ldns_rbtree_create(script_key_cmp);
}

void dns_db_scripts_free(ldns_rbtree_t *scripts)
{
    if (scripts == NULL)
        return;
    ldns_traverse_postorder(scripts, entry_free_v, NULL);
    ldns_rbtree_free(scripts);
}

static int scripted_build(const dns_script_t *script, dns_scripted_t *out, errinfo_t *err)
{
    memset(out, 0, sizeof *out);
    if (script->hex != NULL) {
        if (script->n != 0) {
            errinfo_set(err, "a script gives either records or hex bytes, not both");
            return -1;
        }
        out->raw = true;
        errinfo_t why;
        if (hex_decode(script->hex, SCRIPT_MAX_WIRE, &out->wire, &out->wire_len, &why) != 0) {
            errinfo_set(err, "hex: %s", why.msg);
            return -1;
        }
        return 0;
    }
    if (script->rcode > 15) {
        errinfo_set(err, "rcode %u is out of range (0..15)", script->rcode);
        return -1;
    }
    out->rcode = script->rcode;
    out->rrs = ldns_rr_list_new();
    if (out->rrs == NULL) {
        errinfo_set(err, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < script->n; i++) {
        const char *text = script->rr_texts[i] ? script->rr_texts[i] : "";
        ldns_rr *rr = NULL;
        errinfo_t why;
        int parsed = dns_db_rr_parse(text, NULL, &rr, &why);
        if (parsed != 0 || !ldns_rr_list_push_rr(out->rrs, rr)) {
            if (parsed == 0)
                ldns_rr_free(rr);
            errinfo_set(err, "script record %zu ('%s'): %s", i, text,
                        parsed == 0 ? "out of memory" : why.msg);
            scripted_clear(out);
            return -1;
        }
    }
    return 0;
}

int dns_db_script(dns_db_t *db, const char *qname, uint16_t qtype, const dns_script_t *script,
                  errinfo_t *err)
{
    dns_db_changed(db);
    if (script == NULL) {
        errinfo_set(err, "no script given");
        return -1;
    }
    ldns_rdf *name = dns_db_name_new(qname, "scripted name", err);
    if (name == NULL)
        return -1;
    dns_scripted_t built;
    if (scripted_build(script, &built, err) != 0) {
        ldns_rdf_deep_free(name);
        return -1;
    }
    script_key_t key = {name, qtype};
    ldns_rbnode_t *rb = ldns_rbtree_search(db->scripts, &key);
    if (rb != NULL && rb != LDNS_RBTREE_NULL) {
        script_entry_t *e = (script_entry_t *)rb;
        scripted_clear(&e->s);
        e->s = built;
        ldns_rdf_deep_free(name);
        return 0;
    }
    script_entry_t *e = calloc(1, sizeof *e);
    if (e == NULL) {
        errinfo_set(err, "out of memory");
        scripted_clear(&built);
        ldns_rdf_deep_free(name);
        return -1;
    }
    e->key = key;
    e->s = built;
    e->rb.key = &e->key;
    ldns_rbtree_insert(db->scripts, &e->rb);
    return 0;
}

int dns_db_unscript(dns_db_t *db, const char *qname, uint16_t qtype, errinfo_t *err)
{
    dns_db_changed(db);
    ldns_rdf *name = dns_db_name_new(qname, "scripted name", err);
    if (name == NULL)
        return -1;
    script_key_t key = {name, qtype};
    ldns_rbnode_t *rb = ldns_rbtree_delete(db->scripts, &key);
    ldns_rdf_deep_free(name);
    if (rb == NULL || rb == LDNS_RBTREE_NULL) {
        errinfo_set(err, "no script for %s type %u", qname, qtype);
        return -1;
    }
    entry_free((script_entry_t *)rb);
    return 0;
}

const dns_scripted_t *dns_db_script_find(const dns_db_t *db, const ldns_rdf *qname,
                                         uint16_t qtype)
{
    if (db->scripts->count == 0)
        return NULL;
    script_key_t key = {(ldns_rdf *)qname, qtype};
    for (int pass = 0; pass < 2; pass++) {
        ldns_rbnode_t *rb = ldns_rbtree_search(db->scripts, &key);
        if (rb != NULL && rb != LDNS_RBTREE_NULL)
            return &((script_entry_t *)rb)->s;
        if (qtype == 0)
            break;
        key.type = 0;
    }
    return NULL;
}
