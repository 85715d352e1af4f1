/* dns_db_load: zone data from RFC 1035 master files and from inline records (D1).
 *
 * Master files are read one record at a time with ldns_rr_new_frm_fp_l (the reader that
 * ldns_zone_new_frm_fp_l itself loops over), so that each record keeps the line it came from:
 * D1 errors found after parsing (a duplicate, a CNAME beside other data) can then name
 * file:line, which ldns_zone_new_frm_fp_l cannot. */
#include "dns_db_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    ldns_rr **rrs;
    int *lines;
    size_t n, cap;
} rr_vec_t;

static void vec_free(rr_vec_t *v)
{
    for (size_t i = 0; i < v->n; i++)
        ldns_rr_free(v->rrs[i]);
    free(v->rrs);
    free(v->lines);
}

static int vec_push(rr_vec_t *v, ldns_rr *rr, int line)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        ldns_rr **r = realloc(v->rrs, cap * sizeof *r);
        if (r == NULL)
            return -1;
        v->rrs = r;
        int *l = realloc(v->lines, cap * sizeof *l);
        if (l == NULL)
            return -1;
        v->lines = l;
        v->cap = cap;
    }
    v->rrs[v->n] = rr;
    v->lines[v->n] = line;
    v->n++;
    return 0;
}

/* A master file being read: the state ldns_rr_new_frm_fp_l carries from record to record. */
typedef struct {
    FILE *fp;
    const char *path;
    bool ends_nl;         /* the file's last byte is a newline (or the file is empty) */
    ldns_rdf *origin;     /* current $ORIGIN, owned, may be NULL */
    ldns_rdf *prev;       /* previous owner, owned, may be NULL */
    uint32_t dollar_ttl;  /* value of the last $TTL */
    bool dollar_ttl_seen;
    uint32_t prev_ttl;    /* TTL of the previous record */
    int line;
} reader_t;

static void reader_start(reader_t *r, const ldns_rdf *origin)
{
    ldns_rdf_deep_free(r->origin);
    ldns_rdf_deep_free(r->prev);
    r->origin = origin ? ldns_rdf_clone(origin) : NULL;
    r->prev = origin ? ldns_rdf_clone(origin) : NULL;
    r->dollar_ttl_seen = false;
    r->prev_ttl = DNS_DEFAULT_TTL;
    r->line = 0;
    rewind(r->fp);
}

static void reader_end(reader_t *r)
{
    ldns_rdf_deep_free(r->origin);
    ldns_rdf_deep_free(r->prev);
    if (r->fp != NULL)
        fclose(r->fp);
}

enum { READ_RECORD, READ_DIRECTIVE, READ_EOF, READ_ERROR };

/* Reads the next entry. READ_RECORD gives *rr (owned by the caller) and *line, the line on
 * which the record ends. READ_ERROR fills err with "path:line: message". */
static int reader_next(reader_t *r, ldns_rr **rr, int *line, errinfo_t *err)
{
    *rr = NULL;
    if (feof(r->fp))
        return READ_EOF;
    uint32_t ttl = r->dollar_ttl_seen ? r->dollar_ttl : r->prev_ttl;
    ldns_status s = ldns_rr_new_frm_fp_l(rr, r->fp, &ttl, &r->origin, &r->prev, &r->line);
    /* ldns counts the newlines it consumed: a last line without one is one further. */
    *line = r->line + (feof(r->fp) && !r->ends_nl ? 1 : 0);
    if (ferror(r->fp)) {
        ldns_rr_free(*rr);
        *rr = NULL;
        errinfo_set(err, "%s: read error", r->path);
        return READ_ERROR;
    }
    switch (s) {
    case LDNS_STATUS_OK:
        if (ldns_rr_get_type(*rr) == 0) { /* see dns_db_rr_parse */
            ldns_rr_free(*rr);
            *rr = NULL;
            errinfo_set(err, "%s:%d: no known record type after the owner", r->path,
                        *line);
            return READ_ERROR;
        }
        r->prev_ttl = ldns_rr_ttl(*rr);
        return READ_RECORD;
    case LDNS_STATUS_SYNTAX_TTL:
        r->dollar_ttl = ttl;
        r->dollar_ttl_seen = true;
        return READ_DIRECTIVE;
    case LDNS_STATUS_SYNTAX_EMPTY:
    case LDNS_STATUS_SYNTAX_ORIGIN:
        return READ_DIRECTIVE;
    case LDNS_STATUS_SYNTAX_INCLUDE:
        ldns_rr_free(*rr);
        *rr = NULL;
        errinfo_set(err, "%s:%d: $INCLUDE is not supported", r->path, *line);
        return READ_ERROR;
    default:
        ldns_rr_free(*rr);
        *rr = NULL;
        errinfo_set(err, "%s:%d: %s", r->path, *line, ldns_get_errorstr_by_id(s));
        return READ_ERROR;
    }
}

static int reader_open(reader_t *r, const char *path, errinfo_t *err)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->fp = fopen(path, "r");
    if (r->fp == NULL) {
        errinfo_set(err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(r->fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        errinfo_set(err, "%s: not a regular file", path);
        return -1;
    }
    r->ends_nl = true;
    if (st.st_size > 0 && fseek(r->fp, -1, SEEK_END) == 0)
        r->ends_nl = fgetc(r->fp) == '\n';
    return 0;
}

/* origin NULL: the first $ORIGIN before any record, else the owner of a leading SOA. */
static ldns_rdf *infer_origin(reader_t *r, errinfo_t *err)
{
    reader_start(r, NULL);
    for (;;) {
        ldns_rr *rr;
        int line;
        int what = reader_next(r, &rr, &line, err);
        if (what == READ_ERROR)
            return NULL;
        if (what == READ_EOF) {
            errinfo_set(err, "%s: the zone file has no records", r->path);
            return NULL;
        }
        ldns_rdf *found = NULL;
        if (what == READ_DIRECTIVE && r->origin != NULL) {
            found = ldns_rdf_clone(r->origin);
        } else if (what == READ_RECORD) {
            bool soa = ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA;
            found = soa ? ldns_rdf_clone(ldns_rr_owner(rr)) : NULL;
            ldns_rr_free(rr);
            if (!soa) {
                errinfo_set(err,
                            "%s:%d: cannot tell the zone's origin: start the file with $ORIGIN "
                            "or its SOA record, or give the origin",
                            r->path, line);
                return NULL;
            }
        } else {
            continue;
        }
        if (found == NULL) {
            errinfo_set(err, "out of memory");
            return NULL;
        }
        if (ldns_dname_label_count(found) == 0) {
            errinfo_set(err,
                        "%s:%d: the origin would be the root: give the origin (\".\" for a "
                        "root zone)",
                        r->path, line);
            ldns_rdf_deep_free(found);
            return NULL;
        }
        ldns_dname2canonical(found);
        return found;
    }
}

int dns_db_add_zone_file(dns_db_t *db, const char *path, const char *origin, const char *view,
                         errinfo_t *err)
{
    dns_db_changed(db);
    if (path == NULL) {
        errinfo_set(err, "no zone file path given");
        return -1;
    }
    if (dns_db_check_view(view, err) != 0)
        return -1;
    ldns_rdf *o = NULL;
    if (origin != NULL && (o = dns_db_name_new(origin, "origin", err)) == NULL)
        return -1;
    reader_t r;
    rr_vec_t vec = {0};
    int rc = -1;
    if (reader_open(&r, path, err) != 0)
        goto out;
    if (o == NULL && (o = infer_origin(&r, err)) == NULL)
        goto out;
    reader_start(&r, o);
    for (;;) {
        ldns_rr *rr;
        int line;
        int what = reader_next(&r, &rr, &line, err);
        if (what == READ_ERROR)
            goto out;
        if (what == READ_EOF)
            break;
        if (what == READ_RECORD && vec_push(&vec, rr, line) != 0) {
            ldns_rr_free(rr);
            errinfo_set(err, "out of memory");
            goto out;
        }
    }
    if (vec.n == 0) {
        errinfo_set(err, "%s: the zone file has no records", path);
        goto out;
    }
    size_t bad = 0;
    errinfo_t why;
    /* The batch takes every record, whatever happens. */
    size_t n = vec.n;
    vec.n = 0;
    if (dns_db_apply_batch(db, o, view, vec.rrs, n, &bad, &why) != 0) {
        errinfo_set(err, "%s:%d: %s", path, bad < n ? vec.lines[bad] : 0, why.msg);
        goto out;
    }
    rc = 0;
out:
    reader_end(&r);
    vec_free(&vec);
    ldns_rdf_deep_free(o);
    return rc;
}

int dns_db_add_records(dns_db_t *db, const char *origin, const char *view,
                       const char *const *rr_texts, size_t n, errinfo_t *err)
{
    return dns_db_add_records_at(db, origin, view, rr_texts, n, NULL, err);
}

int dns_db_add_records_at(dns_db_t *db, const char *origin, const char *view,
                          const char *const *rr_texts, size_t n, size_t *bad_out, errinfo_t *err)
{
    size_t unused;
    size_t *bad_at = bad_out != NULL ? bad_out : &unused;
    *bad_at = n;
    dns_db_changed(db);
    if (dns_db_check_view(view, err) != 0)
        return -1;
    if (origin == NULL) {
        errinfo_set(err, "inline records need the zone's origin");
        return -1;
    }
    ldns_rdf *o = dns_db_name_new(origin, "origin", err);
    if (o == NULL)
        return -1;
    ldns_rr **rrs = calloc(n ? n : 1, sizeof *rrs);
    if (rrs == NULL) {
        errinfo_set(err, "out of memory");
        ldns_rdf_deep_free(o);
        return -1;
    }
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        const char *text = rr_texts[i] ? rr_texts[i] : "";
        errinfo_t why;
        if (dns_db_rr_parse(text, o, &rrs[i], &why) != 0) {
            errinfo_set(err, "record %zu ('%s'): %s", i, text, why.msg);
            *bad_at = i;
            for (size_t j = 0; j < i; j++)
                ldns_rr_free(rrs[j]);
            goto out;
        }
    }
    size_t bad = 0;
    errinfo_t why;
    if (dns_db_apply_batch(db, o, view, rrs, n, &bad, &why) != 0) {
        errinfo_set(err, "record %zu ('%s'): %s", bad, bad < n ? rr_texts[bad] : "", why.msg);
        *bad_at = bad < n ? bad : n;
    } else {
        rc = 0;
    }
out:
    free(rrs);
    ldns_rdf_deep_free(o);
    return rc;
}
