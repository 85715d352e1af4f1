/* dns_db_change: the D4 changes (add, remove, replace records) with D1 re-checked. */
#include "dns_db_priv.h"

#include <stdlib.h>

/* The existing view (origin, view) for a change, or NULL with an error. */
static dns_view_t *change_view(dns_db_t *db, const char *origin, const char *view,
                               errinfo_t *err)
{
    if (dns_db_check_view(view, err) != 0)
        return NULL;
    ldns_rdf *o = dns_db_name_new(origin, "origin", err);
    if (o == NULL)
        return NULL;
    dns_view_t *v = dns_db_view_find(db, o, view);
    if (v == NULL)
        errinfo_set(err, "no zone %s%s%s to change", origin, view ? " in view " : "",
                    view ? view : "");
    ldns_rdf_deep_free(o);
    return v;
}

static ldns_rr *parse_change_rr(const dns_view_t *v, const char *text, errinfo_t *err)
{
    ldns_rr *rr = NULL;
    errinfo_t why;
    if (dns_db_rr_parse(text, v->origin, &rr, &why) != 0) {
        errinfo_set(err, "record '%s': %s", text ? text : "(null)", why.msg);
        return NULL;
    }
    return rr;
}

int dns_db_add_rr(dns_db_t *db, const char *origin, const char *view, const char *rr_text,
                  errinfo_t *err)
{
    dns_db_changed(db);
    dns_view_t *v = change_view(db, origin, view, err);
    ldns_rr *rr = v ? parse_change_rr(v, rr_text, err) : NULL;
    if (rr == NULL)
        return -1;
    errinfo_t why;
    if (dns_view_add_rr(v, rr, &why) != 0) {
        errinfo_set(err, "record '%s': %s", rr_text, why.msg);
        ldns_rr_free(rr);
        return -1;
    }
    return 0;
}

int dns_db_remove_rr(dns_db_t *db, const char *origin, const char *view, const char *rr_text,
                     errinfo_t *err)
{
    dns_db_changed(db);
    dns_view_t *v = change_view(db, origin, view, err);
    ldns_rr *rr = v ? parse_change_rr(v, rr_text, err) : NULL;
    if (rr == NULL)
        return -1;
    dns_node_t *node;
    size_t si, ri;
    bool found = dns_view_find_record(v, rr, false, &node, &si, &ri);
    ldns_rr_free(rr);
    if (!found) {
        errinfo_set(err, "record '%s' is not in the zone %s", rr_text, origin);
        return -1;
    }
    dns_view_remove_record(v, node, si, ri);
    return 0;
}

/* Validates the replacement RRset of dns_db_set_rrs against the view and itself. */
static int check_replacement(const dns_view_t *v, const ldns_rdf *owner, uint16_t type,
                             ldns_rr **rrs, uint64_t *hs, const char *const *texts, size_t n,
                             errinfo_t *err)
{
    errinfo_t why;
    char name[600];
    dns_db_name_text(owner, name, sizeof name);
    for (size_t i = 0; i < n; i++) {
        if (ldns_dname_compare(ldns_rr_owner(rrs[i]), owner) != 0 ||
            ldns_rr_get_type(rrs[i]) != type) {
            char *t = ldns_rr_type2str(type);
            errinfo_set(err, "record %zu ('%s') must have owner %s and type %s", i, texts[i],
                        name, t ? t : "?");
            free(t);
            return -1;
        }
        if (dns_view_check_record(v, rrs[i], owner, &why) != 0) {
            errinfo_set(err, "record %zu ('%s'): %s", i, texts[i], why.msg);
            return -1;
        }
        if (dns_db_rdata_hash(rrs[i], &hs[i]) != 0) {
            errinfo_set(err, "out of memory");
            return -1;
        }
        for (size_t j = 0; j < i; j++) {
            if (hs[j] == hs[i] && ldns_rr_compare(rrs[j], rrs[i]) == 0) {
                errinfo_set(err, "record %zu ('%s'): duplicate record", i, texts[i]);
                return -1;
            }
        }
    }
    if (n > 1 && (type == LDNS_RR_TYPE_CNAME || type == LDNS_RR_TYPE_SOA)) {
        errinfo_set(err, "%s: at most one %s record", name,
                    type == LDNS_RR_TYPE_SOA ? "SOA" : "CNAME");
        return -1;
    }
    const dns_node_t *node = dns_view_node(v, owner);
    for (size_t i = 0; n > 0 && node != NULL && i < node->nsets; i++) {
        uint16_t other = node->sets[i].type;
        if (other == type)
            continue;
        if ((type == LDNS_RR_TYPE_CNAME && !dns_db_beside_cname_ok(other)) ||
            (other == LDNS_RR_TYPE_CNAME && !dns_db_beside_cname_ok(type))) {
            errinfo_set(err, "%s would have a CNAME and other data", name);
            return -1;
        }
    }
    return 0;
}

int dns_db_set_rrs(dns_db_t *db, const char *origin, const char *view, const char *owner,
                   uint16_t type, const char *const *rr_texts, size_t n, errinfo_t *err)
{
    dns_db_changed(db);
    dns_view_t *v = change_view(db, origin, view, err);
    if (v == NULL)
        return -1;
    ldns_rdf *own = dns_db_name_new(owner, "owner", err);
    if (own == NULL)
        return -1;
    ldns_rr **rrs = calloc(n ? n : 1, sizeof *rrs);
    uint64_t *hs = calloc(n ? n : 1, sizeof *hs);
    int rc = -1;
    size_t parsed = 0;
    if (rrs == NULL || hs == NULL) {
        errinfo_set(err, "out of memory");
        goto out;
    }
    for (; parsed < n; parsed++) {
        errinfo_t why;
        rrs[parsed] = parse_change_rr(v, rr_texts[parsed], &why);
        if (rrs[parsed] == NULL) {
            errinfo_set(err, "record %zu: %s", parsed, why.msg);
            goto out;
        }
    }
    if (check_replacement(v, own, type, rrs, hs, rr_texts, n, err) != 0)
        goto out;
    /* All or nothing: an existing set is replaced in one step that allocates before it
     * changes anything; a new one is inserted record by record and taken back on failure. */
    dns_node_t *node = (dns_node_t *)dns_view_node(v, own);
    for (size_t i = 0; node != NULL && i < node->nsets; i++) {
        if (node->sets[i].type != type)
            continue;
        if (n == 0) {
            dns_view_remove_set(v, node, i);
        } else if (dns_view_replace_set(v, node, i, rrs, hs, n) != 0) {
            errinfo_set(err, "out of memory while replacing %s", owner);
            goto out;
        }
        parsed = 0; /* the records belong to the db now */
        rc = 0;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (dns_view_insert_rr(v, rrs[i], own, hs[i]) == 0)
            continue;
        for (size_t j = i; j-- > 0;) {
            dns_node_t *at;
            size_t si, ri;
            if (dns_view_find_record(v, rrs[j], true, &at, &si, &ri))
                dns_view_remove_record(v, at, si, ri); /* frees rrs[j] */
            rrs[j] = NULL;
        }
        errinfo_set(err, "out of memory while replacing %s", owner);
        goto out;
    }
    parsed = 0; /* the records belong to the db now */
    rc = 0;
out:
    for (size_t i = 0; rrs != NULL && i < parsed; i++)
        ldns_rr_free(rrs[i]);
    free(rrs);
    free(hs);
    ldns_rdf_deep_free(own);
    return rc;
}
