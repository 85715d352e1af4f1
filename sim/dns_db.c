/* dns_db: storage of zones, views and RRsets, and the D1 checks made on every addition.
 * Loading from text lives in dns_db_load.c, D4 changes in dns_db_change.c, scripts (D5) in
 * dns_db_script.c. */
#include "dns_db_priv.h"
#include "dns_memo.h"
#include "strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ldns_rdf *dns_db_name_new(const char *text, const char *what, errinfo_t *err)
{
    ldns_rdf *name = text != NULL ? ldns_dname_new_frm_str(text) : NULL;
    if (name == NULL) {
        errinfo_set(err, "%s '%s' is not a valid domain name", what, text ? text : "(null)");
        return NULL;
    }
    ldns_dname2canonical(name);
    return name;
}

int dns_db_rr_parse(const char *text, const ldns_rdf *origin, ldns_rr **out, errinfo_t *err)
{
    ldns_rr *rr = NULL;
    if (out != NULL)
        *out = NULL;
    ldns_status s = ldns_rr_new_frm_str(&rr, text != NULL ? text : "", DNS_DEFAULT_TTL, origin,
                                        NULL);
    if (s != LDNS_STATUS_OK) {
        errinfo_set(err, "%s", ldns_get_errorstr_by_id(s));
        return -1;
    }
    if (ldns_rr_get_type(rr) == 0) {
        /* ldns takes the second word for a type name it does not know and makes it type 0 */
        errinfo_set(err, "no known record type after the owner (want e.g. "
                         "'www.example.com. 300 IN A 192.0.2.1')");
        ldns_rr_free(rr);
        return -1;
    }
    if (out != NULL)
        *out = rr;
    else
        ldns_rr_free(rr);
    return 0;
}

int dns_db_rr_check(const char *text, const char *origin, errinfo_t *err)
{
    ldns_rdf *o = NULL;
    if (origin != NULL && origin[0] == '\0')
        origin = ".";
    if (origin != NULL && (o = dns_db_name_new(origin, "origin", err)) == NULL)
        return -1;
    int rc = dns_db_rr_parse(text, o, NULL, err);
    ldns_rdf_deep_free(o);
    return rc;
}

int dns_db_check_view(const char *view, errinfo_t *err)
{
    if (view != NULL && view[0] == '\0') {
        errinfo_set(err, "a view's region name must not be empty (NULL is the default view)");
        return -1;
    }
    return 0;
}

/* Text of a record on one line (tabs to spaces, no newline), for messages. */
static void rr_text(const ldns_rr *rr, char *buf, size_t cap)
{
    char *s = ldns_rr2str(rr);
    snprintf(buf, cap, "%s", s ? s : "(unprintable record)");
    free(s);
    size_t len = strlen(buf);
    while (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
    for (char *p = buf; *p; p++)
        if (*p == '\t' || *p == '\n')
            *p = ' ';
}

void dns_db_name_text(const ldns_rdf *name, char *buf, size_t cap)
{
    char *s = ldns_rdf2str(name);
    snprintf(buf, cap, "%s", s ? s : "(unprintable name)");
    free(s);
}

/* ---- storage ---- */

static void rrset_free_records(dns_rrset_t *set)
{
    for (size_t i = 0; i < set->n; i++)
        ldns_rr_free(set->rrs[i]);
    free(set->rrs);
    free(set->hash);
}

static void node_free(dns_node_t *node)
{
    for (size_t i = 0; i < node->nsets; i++)
        rrset_free_records(&node->sets[i]);
    free(node->sets);
    ldns_rdf_deep_free(node->owner);
    free(node);
}

static void node_free_v(ldns_rbnode_t *rb, void *arg)
{
    (void)arg;
    node_free((dns_node_t *)rb);
}

static void view_free(dns_view_t *v)
{
    if (v == NULL)
        return;
    if (v->names != NULL) {
        ldns_traverse_postorder(v->names, node_free_v, NULL);
        ldns_rbtree_free(v->names);
    }
    dns_namemap_clear(&v->index);
    ldns_rr_free(v->synth_soa);
    ldns_rdf_deep_free(v->origin);
    free(v);
}

static dns_view_t *view_new(const ldns_rdf *origin)
{
    dns_view_t *v = calloc(1, sizeof *v);
    if (v == NULL)
        return NULL;
    v->origin = ldns_rdf_clone(origin);
    v->names = ldns_rbtree_create(ldns_dname_compare_v);
    char *otext = ldns_rdf2str(origin);
    char soa[1200];
    if (otext != NULL)
        snprintf(soa, sizeof soa, "%s %d IN SOA invalid. hostmaster.invalid. 1 3600 600 86400 %d",
                 otext, DNS_SYNTH_SOA_TTL, DNS_SYNTH_SOA_MINIMUM);
    free(otext);
    if (v->origin == NULL || v->names == NULL || otext == NULL ||
        ldns_rr_new_frm_str(&v->synth_soa, soa, 0, NULL, NULL) != LDNS_STATUS_OK) {
        v->synth_soa = NULL;
        view_free(v);
        return NULL;
    }
    return v;
}

static void zone_free(dns_zone_t *z)
{
    view_free(z->deflt);
    for (size_t i = 0; i < z->nregions; i++) {
        free(z->regions[i].region);
        view_free(z->regions[i].view);
    }
    free(z->regions);
    ldns_rdf_deep_free(z->origin);
    free(z);
}

static void zone_free_v(ldns_rbnode_t *rb, void *arg)
{
    (void)arg;
    zone_free((dns_zone_t *)rb);
}

dns_db_t *dns_db_new(void)
{
    dns_db_t *db = calloc(1, sizeof *db);
    if (db == NULL)
        return NULL;
    db->zones = ldns_rbtree_create(ldns_dname_compare_v);
    db->scripts = dns_db_scripts_new();
    db->memo = dns_memo_new();
    if (db->zones == NULL || db->scripts == NULL || db->memo == NULL) {
        dns_db_free(db);
        return NULL;
    }
    return db;
}

void dns_db_free(dns_db_t *db)
{
    if (db == NULL)
        return;
    if (db->zones != NULL) {
        ldns_traverse_postorder(db->zones, zone_free_v, NULL);
        ldns_rbtree_free(db->zones);
    }
    dns_namemap_clear(&db->zone_index);
    dns_db_scripts_free(db->scripts);
    dns_memo_free(db->memo);
    free(db);
}

void dns_db_changed(dns_db_t *db)
{
    db->generation++;
}

uint64_t dns_db_generation(const dns_db_t *db)
{
    return db->generation;
}

dns_memo_t *dns_db_memo(const dns_db_t *db)
{
    return db->memo;
}

static dns_zone_t *zone_find(const dns_db_t *db, const ldns_rdf *origin)
{
    return dns_namemap_get(&db->zone_index, origin);
}

static void zone_unlink_free(dns_db_t *db, dns_zone_t *z)
{
    dns_namemap_del(&db->zone_index, z->origin);
    ldns_rbtree_delete(db->zones, z->origin);
    zone_free(z);
}

static dns_view_t **zone_view_slot(dns_zone_t *z, const char *view)
{
    if (view == NULL)
        return &z->deflt;
    for (size_t i = 0; i < z->nregions; i++)
        if (strcmp(z->regions[i].region, view) == 0)
            return &z->regions[i].view;
    return NULL;
}

static bool zone_is_empty(const dns_zone_t *z)
{
    return z->deflt == NULL && z->nregions == 0;
}

/* Adds the view of a region to the zone (v passes to the zone on success). */
static int zone_add_region(dns_zone_t *z, const char *region, dns_view_t *v)
{
    if (z->nregions == z->cap) {
        size_t cap = z->cap ? 2 * z->cap : 4;
        dns_region_view_t *r = realloc(z->regions, cap * sizeof *r);
        if (r == NULL)
            return -1;
        z->regions = r;
        z->cap = cap;
    }
    char *name = strdup(region);
    if (name == NULL)
        return -1;
    z->regions[z->nregions++] = (dns_region_view_t){name, v};
    return 0;
}

/* Finds or creates the zone and its view; *created_zone / *created_view say what was new. */
static dns_view_t *view_get_or_create(dns_db_t *db, const ldns_rdf *origin, const char *view,
                                      bool *created_zone, bool *created_view)
{
    *created_zone = *created_view = false;
    dns_zone_t *z = zone_find(db, origin);
    if (z == NULL) {
        z = calloc(1, sizeof *z);
        if (z == NULL)
            return NULL;
        z->origin = ldns_rdf_clone(origin);
        if (z->origin == NULL) {
            free(z);
            return NULL;
        }
        ldns_dname2canonical(z->origin);
        z->rb.key = z->origin;
        if (dns_namemap_put(&db->zone_index, z->origin, z) != 0) {
            zone_free(z);
            return NULL;
        }
        ldns_rbtree_insert(db->zones, &z->rb);
        *created_zone = true;
    }
    dns_view_t **slot = zone_view_slot(z, view);
    if (slot != NULL && *slot != NULL)
        return *slot;
    dns_view_t *v = view_new(z->origin);
    if (v != NULL && slot != NULL) {
        *slot = v;
    } else if (v != NULL && zone_add_region(z, view, v) != 0) {
        view_free(v);
        v = NULL;
    }
    if (v == NULL) {
        if (*created_zone)
            zone_unlink_free(db, z);
        return NULL;
    }
    *created_view = true;
    return v;
}

/* Undoes view_get_or_create after a failed load. */
static void view_drop(dns_db_t *db, const ldns_rdf *origin, const char *view)
{
    dns_zone_t *z = zone_find(db, origin);
    if (z == NULL)
        return;
    if (view == NULL) {
        view_free(z->deflt);
        z->deflt = NULL;
    } else {
        for (size_t i = 0; i < z->nregions; i++) {
            if (strcmp(z->regions[i].region, view) == 0) {
                free(z->regions[i].region);
                view_free(z->regions[i].view);
                z->regions[i] = z->regions[--z->nregions];
                break;
            }
        }
    }
    if (zone_is_empty(z))
        zone_unlink_free(db, z);
}

dns_view_t *dns_db_view_find(const dns_db_t *db, const ldns_rdf *origin, const char *view)
{
    dns_zone_t *z = zone_find(db, origin);
    if (z == NULL)
        return NULL;
    dns_view_t **slot = zone_view_slot(z, view);
    return slot != NULL ? *slot : NULL;
}

/* ---- read access ---- */

/* The suffix of name's wire form that starts at off (a wire name itself). */
static ldns_rdf suffix_at(const ldns_rdf *name, size_t off)
{
    ldns_rdf suffix = {._size = ldns_rdf_size(name) - off, ._type = LDNS_RDF_TYPE_DNAME,
                       ._data = (void *)((const uint8_t *)ldns_rdf_data(name) + off)};
    return suffix;
}

/* True when a zone's origin is a proper suffix of name starting after off (its next label). */
static bool zone_above(const dns_db_t *db, const ldns_rdf *name, size_t off)
{
    const uint8_t *wire = ldns_rdf_data(name);
    size_t size = ldns_rdf_size(name);
    while (off < size && wire[off] != 0) {
        off += (size_t)wire[off] + 1;
        ldns_rdf suffix = suffix_at(name, off);
        if (off < size && zone_find(db, &suffix) != NULL)
            return true;
    }
    return false;
}

const dns_view_t *dns_db_view_pick(const dns_db_t *db, const ldns_rdf *name, const char *region,
                                   unsigned *how)
{
    if (how != NULL)
        *how = 0;
    if (name == NULL || ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME)
        return NULL;
    const uint8_t *wire = ldns_rdf_data(name);
    size_t size = ldns_rdf_size(name);
    /* Each suffix of the wire name is itself a wire name: look them up longest first without
     * copying, through a stack rdf pointing into name. */
    for (size_t off = 0; off < size;) {
        ldns_rdf suffix = suffix_at(name, off);
        dns_zone_t *z = zone_find(db, &suffix);
        if (z != NULL) {
            dns_view_t **slot = region != NULL ? zone_view_slot(z, region) : NULL;
            const dns_view_t *v = slot != NULL && *slot != NULL ? *slot : z->deflt;
            if (v != NULL) {
                if (how != NULL && v != z->deflt)
                    *how |= DNS_PICK_REGIONAL;
                if (how != NULL && zone_above(db, name, off))
                    *how |= DNS_PICK_NESTED;
                return v;
            }
        }
        if (wire[off] == 0)
            break;
        off += (size_t)wire[off] + 1;
    }
    return NULL;
}

const dns_view_t *dns_db_view_for(const dns_db_t *db, const ldns_rdf *name, const char *region)
{
    return dns_db_view_pick(db, name, region, NULL);
}

const ldns_rdf *dns_view_origin(const dns_view_t *view)
{
    return view->origin;
}

const dns_node_t *dns_view_node(const dns_view_t *view, const ldns_rdf *name)
{
    return dns_namemap_get(&view->index, name);
}

const ldns_rr *dns_view_soa(const dns_view_t *view)
{
    const dns_node_t *apex = dns_view_node(view, view->origin);
    const dns_rrset_t *set = apex ? dns_node_rrset(apex, LDNS_RR_TYPE_SOA) : NULL;
    return set != NULL ? set->rrs[0] : view->synth_soa;
}

bool dns_view_has_below(const dns_view_t *view, const ldns_rdf *name)
{
    /* In canonical order every name below N sorts right after N and before anything else
     * greater than N, so N has descendants exactly when its successor is one of them. */
    ldns_rbnode_t *le = NULL;
    ldns_rbtree_find_less_equal(view->names, name, &le);
    ldns_rbnode_t *next = le != NULL && le != LDNS_RBTREE_NULL ? ldns_rbtree_next(le)
                                                                : ldns_rbtree_first(view->names);
    if (next == NULL || next == LDNS_RBTREE_NULL)
        return false;
    /* Cheap rejections first (ldns_dname_is_subdomain allocates per label): a descendant is
     * longer and ends with the name's bytes (owners are stored lower-cased). */
    const ldns_rdf *succ = next->key;
    size_t ns = ldns_rdf_size(name), ss = ldns_rdf_size(succ);
    if (ss <= ns)
        return false;
    const uint8_t *a = ldns_rdf_data(name), *b = ldns_rdf_data(succ) + (ss - ns);
    for (size_t i = 0; i < ns; i++)
        if (LDNS_DNAME_NORMALIZE(a[i]) != b[i])
            return false;
    ldns_rdf *lc = ldns_rdf_clone(name);
    if (lc == NULL)
        return false;
    ldns_dname2canonical(lc);
    bool below = ldns_dname_is_subdomain((const ldns_rdf *)next->key, lc);
    ldns_rdf_deep_free(lc);
    return below;
}

size_t dns_view_record_count(const dns_view_t *view)
{
    return view->nrecords;
}

const dns_rrset_t *dns_node_rrset(const dns_node_t *node, uint16_t type)
{
    for (size_t i = 0; i < node->nsets; i++)
        if (node->sets[i].type == type)
            return &node->sets[i];
    return NULL;
}

size_t dns_rrset_count(const dns_rrset_t *set)
{
    return set->n;
}

const ldns_rr *dns_rrset_rr(const dns_rrset_t *set, size_t i)
{
    return i < set->n ? set->rrs[i] : NULL;
}

/* ---- D1 checks and mutation ---- */

/* Hash of the record's RDATA in canonical form (names lower-cased per RFC 4034 6.2), so that
 * records equal under ldns_rr_compare hash equally. */
int dns_db_rdata_hash(const ldns_rr *rr, uint64_t *out)
{
    ldns_rr *c = ldns_rr_clone(rr);
    ldns_buffer *buf = ldns_buffer_new(128);
    int rc = -1;
    if (c != NULL && buf != NULL) {
        ldns_rr2canonical(c);
        if (ldns_rr_rdata2buffer_wire(buf, c) == LDNS_STATUS_OK) {
            *out = strmap_hash(ldns_buffer_begin(buf), ldns_buffer_position(buf));
            rc = 0;
        }
    }
    ldns_rr_free(c);
    ldns_buffer_free(buf);
    return rc;
}

bool dns_db_beside_cname_ok(uint16_t type)
{
    return type == LDNS_RR_TYPE_CNAME || type == LDNS_RR_TYPE_RRSIG ||
           type == LDNS_RR_TYPE_NSEC;
}

static bool in_zone(const ldns_rdf *owner_lc, const ldns_rdf *origin)
{
    return ldns_dname_compare(owner_lc, origin) == 0 || ldns_dname_is_subdomain(owner_lc, origin);
}

/* Checks the parts of D1 that concern one record on its own. */
int dns_view_check_record(const dns_view_t *v, const ldns_rr *rr, const ldns_rdf *owner_lc,
                              errinfo_t *err)
{
    char name[600], origin[600];
    if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
        errinfo_set(err, "only class IN is supported");
        return -1;
    }
    if (ldns_rr_rd_count(rr) == 0) {
        errinfo_set(err, "the record has no data");
        return -1;
    }
    if (!in_zone(owner_lc, v->origin)) {
        dns_db_name_text(ldns_rr_owner(rr), name, sizeof name);
        dns_db_name_text(v->origin, origin, sizeof origin);
        errinfo_set(err, "%s is outside the zone %s", name, origin);
        return -1;
    }
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_dname_compare(owner_lc, v->origin)) {
        dns_db_name_text(ldns_rr_owner(rr), name, sizeof name);
        errinfo_set(err, "SOA record at %s, which is not the zone's apex", name);
        return -1;
    }
    return 0;
}

/* Checks that adding rr (RDATA hash h) to the view keeps D1. */
static int check_add(const dns_view_t *v, const ldns_rr *rr, const ldns_rdf *owner_lc,
                     uint64_t h, errinfo_t *err)
{
    if (dns_view_check_record(v, rr, owner_lc, err) != 0)
        return -1;
    const dns_node_t *node = dns_view_node(v, owner_lc);
    if (node == NULL)
        return 0;
    uint16_t type = ldns_rr_get_type(rr);
    char text[600];
    const dns_rrset_t *set = dns_node_rrset(node, type);
    for (size_t i = 0; set != NULL && i < set->n; i++) {
        if (set->hash[i] == h && ldns_rr_compare(set->rrs[i], rr) == 0) {
            rr_text(rr, text, sizeof text);
            errinfo_set(err, "duplicate record: %s", text);
            return -1;
        }
    }
    dns_db_name_text(ldns_rr_owner(rr), text, sizeof text);
    if (type == LDNS_RR_TYPE_SOA && set != NULL) {
        errinfo_set(err, "a second SOA record at %s", text);
        return -1;
    }
    if (type == LDNS_RR_TYPE_CNAME && set != NULL) {
        errinfo_set(err, "%s has a CNAME and other data (a second CNAME)", text);
        return -1;
    }
    for (size_t i = 0; i < node->nsets; i++) {
        uint16_t other = node->sets[i].type;
        if ((type == LDNS_RR_TYPE_CNAME && !dns_db_beside_cname_ok(other)) ||
            (other == LDNS_RR_TYPE_CNAME && !dns_db_beside_cname_ok(type))) {
            errinfo_set(err, "%s has a CNAME and other data", text);
            return -1;
        }
    }
    return 0;
}

/* Inserts rr (ownership passes on success) after the checks have passed. */
int dns_view_insert_rr(dns_view_t *v, ldns_rr *rr, const ldns_rdf *owner_lc, uint64_t h)
{
    dns_node_t *node = (dns_node_t *)dns_view_node(v, owner_lc);
    bool new_node = node == NULL;
    if (new_node) {
        node = calloc(1, sizeof *node);
        if (node == NULL || (node->owner = ldns_rdf_clone(owner_lc)) == NULL) {
            free(node);
            return -1;
        }
        node->rb.key = node->owner;
    }
    uint16_t type = ldns_rr_get_type(rr);
    dns_rrset_t *set = (dns_rrset_t *)dns_node_rrset(node, type);
    bool new_set = set == NULL;
    if (new_set) {
        if (node->nsets == node->cap) {
            size_t cap = node->cap ? 2 * node->cap : 2;
            dns_rrset_t *s = realloc(node->sets, cap * sizeof *s);
            if (s == NULL)
                goto fail;
            node->sets = s;
            node->cap = cap;
        }
        set = &node->sets[node->nsets]; /* counted only once everything is in place */
        *set = (dns_rrset_t){.type = type};
    }
    if (set->n == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 2;
        ldns_rr **r = realloc(set->rrs, cap * sizeof *r);
        if (r == NULL)
            goto fail;
        set->rrs = r;
        uint64_t *hs = realloc(set->hash, cap * sizeof *hs);
        if (hs == NULL)
            goto fail;
        set->hash = hs;
        set->cap = cap;
    }
    if (new_node && dns_namemap_put(&v->index, node->owner, node) != 0)
        goto fail;
    if (new_set)
        node->nsets++;
    set->rrs[set->n] = rr;
    set->hash[set->n] = h;
    set->n++;
    if (new_node)
        ldns_rbtree_insert(v->names, &node->rb);
    v->nrecords++;
    return 0;
fail:
    if (new_set && set != NULL) { /* NULL when growing node->sets failed */
        free(set->rrs);
        free(set->hash);
    }
    if (new_node)
        node_free(node);
    return -1;
}

/* Removes (and frees) the records of set i of node; drops the node when it becomes empty. */
void dns_view_remove_set(dns_view_t *v, dns_node_t *node, size_t i)
{
    v->nrecords -= node->sets[i].n;
    rrset_free_records(&node->sets[i]);
    memmove(&node->sets[i], &node->sets[i + 1], (node->nsets - i - 1) * sizeof node->sets[0]);
    node->nsets--;
    if (node->nsets == 0) {
        dns_namemap_del(&v->index, node->owner);
        ldns_rbtree_delete(v->names, node->owner);
        node_free(node);
    }
}

int dns_view_replace_set(dns_view_t *v, dns_node_t *node, size_t i, ldns_rr *const *rrs,
                         const uint64_t *hs, size_t n)
{
    ldns_rr **r = malloc(n * sizeof *r);
    uint64_t *h = malloc(n * sizeof *h);
    if (r == NULL || h == NULL) {
        free(r);
        free(h);
        return -1;
    }
    memcpy(r, rrs, n * sizeof *r);
    memcpy(h, hs, n * sizeof *h);
    uint16_t type = node->sets[i].type;
    v->nrecords -= node->sets[i].n;
    rrset_free_records(&node->sets[i]);
    memmove(&node->sets[i], &node->sets[i + 1], (node->nsets - i - 1) * sizeof node->sets[0]);
    node->sets[node->nsets - 1] = (dns_rrset_t){.type = type, .n = n, .cap = n, .rrs = r, .hash = h};
    v->nrecords += n;
    return 0;
}

/* Removes the record at index j of set i (freeing it). */
void dns_view_remove_record(dns_view_t *v, dns_node_t *node, size_t i, size_t j)
{
    dns_rrset_t *set = &node->sets[i];
    if (set->n == 1) {
        dns_view_remove_set(v, node, i);
        return;
    }
    ldns_rr_free(set->rrs[j]);
    memmove(&set->rrs[j], &set->rrs[j + 1], (set->n - j - 1) * sizeof set->rrs[0]);
    memmove(&set->hash[j], &set->hash[j + 1], (set->n - j - 1) * sizeof set->hash[0]);
    set->n--;
    v->nrecords--;
}

/* Finds the record equal to rr (by pointer when same_ptr, else by ldns_rr_compare). */
bool dns_view_find_record(const dns_view_t *v, const ldns_rr *rr, bool same_ptr,
                        dns_node_t **node_out, size_t *set_out, size_t *rec_out)
{
    ldns_rdf *lc = ldns_rdf_clone(ldns_rr_owner(rr));
    if (lc == NULL)
        return false;
    ldns_dname2canonical(lc);
    dns_node_t *node = (dns_node_t *)dns_view_node(v, lc);
    ldns_rdf_deep_free(lc);
    for (size_t i = 0; node != NULL && i < node->nsets; i++) {
        if (node->sets[i].type != ldns_rr_get_type(rr))
            continue;
        for (size_t j = 0; j < node->sets[i].n; j++) {
            const ldns_rr *have = node->sets[i].rrs[j];
            if (same_ptr ? have == rr : ldns_rr_compare(have, rr) == 0) {
                *node_out = node;
                *set_out = i;
                *rec_out = j;
                return true;
            }
        }
    }
    return false;
}

/* Checks and adds one record (ownership passes on success). */
int dns_view_add_rr(dns_view_t *v, ldns_rr *rr, errinfo_t *err)
{
    ldns_rdf *lc = ldns_rdf_clone(ldns_rr_owner(rr));
    uint64_t h = 0;
    int rc = -1;
    if (lc == NULL || dns_db_rdata_hash(rr, &h) != 0) {
        errinfo_set(err, "out of memory");
    } else {
        ldns_dname2canonical(lc);
        if (check_add(v, rr, lc, h, err) == 0) {
            rc = dns_view_insert_rr(v, rr, lc, h);
            if (rc != 0)
                errinfo_set(err, "out of memory");
        }
    }
    ldns_rdf_deep_free(lc);
    return rc;
}

int dns_db_apply_batch(dns_db_t *db, const ldns_rdf *origin, const char *view, ldns_rr **rrs,
                       size_t n, size_t *bad, errinfo_t *err)
{
    dns_db_changed(db);
    bool created_zone, created_view;
    dns_view_t *v = view_get_or_create(db, origin, view, &created_zone, &created_view);
    size_t i = 0;
    if (v == NULL) {
        errinfo_set(err, "out of memory");
    } else {
        for (; i < n; i++)
            if (dns_view_add_rr(v, rrs[i], err) != 0)
                break;
        if (i == n)
            return 0;
        if (created_view) {
            view_drop(db, origin, view);
        } else {
            for (size_t j = i; j-- > 0;) {
                dns_node_t *node;
                size_t si, ri;
                if (dns_view_find_record(v, rrs[j], true, &node, &si, &ri))
                    dns_view_remove_record(v, node, si, ri);
            }
        }
    }
    *bad = i;
    for (; i < n; i++)
        ldns_rr_free(rrs[i]);
    return -1;
}

