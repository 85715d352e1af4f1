/* scenario_json: reading files into parsed sources, and the typed, position-aware readers that
 * every section of the loader uses (see scenario_internal.h). */
#include <errno.h>
#include <ldns/ldns.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "jsonc.h"
#include "scenario_internal.h"
#include "suggest.h"

/* ---- sources ---- */

void ld_src_free(ld_src_t *src)
{
    if (src == NULL)
        return;
    json_decref(src->root);
    jsonpos_free(src->pos);
    free(src->file);
    free(src->original);
    free(src->json);
    free(src);
}

static void file_error(ld_t *ld, const char *name, const jv_t *from, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void file_error(ld_t *ld, const char *name, const jv_t *from, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (from != NULL)
        ld_err(ld, from, "%s", msg);
    else {
        ld->errors++;
        diag_add(ld->diags, DIAG_ERROR, name, 0, 0, "", "%s", msg);
    }
}

ld_src_t *ld_src_from_text(ld_t *ld, const char *text, size_t len, const char *name)
{
    if (len > SCENARIO_MAX_FILE_BYTES) {
        file_error(ld, name, NULL, "the text is %zu bytes; at most %u are accepted", len,
                   SCENARIO_MAX_FILE_BYTES);
        return NULL;
    }
    ld_src_t *src = calloc(1, sizeof *src);
    if (src == NULL || (src->file = strdup(name)) == NULL ||
        (src->original = malloc(len + 1)) == NULL) {
        ld_src_free(src);
        ld_oom(ld);
        return NULL;
    }
    memcpy(src->original, text, len);
    src->original[len] = '\0';
    src->len = len;
    return src;
}

ld_src_t *ld_src_read(ld_t *ld, const char *path, const char *name, const jv_t *from)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        file_error(ld, name, from, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        file_error(ld, name, from, "'%s' is not a regular file", path);
        fclose(f);
        return NULL;
    }
    if (st.st_size > (off_t)SCENARIO_MAX_FILE_BYTES) {
        file_error(ld, name, from, "'%s' is %lld bytes; at most %u are accepted", path,
                   (long long)st.st_size, SCENARIO_MAX_FILE_BYTES);
        fclose(f);
        return NULL;
    }
    /* Read one byte more than allowed, in case the file grew since fstat. */
    size_t cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        fclose(f);
        ld_oom(ld);
        return NULL;
    }
    size_t len = fread(buf, 1, cap, f);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed || len == cap) {
        file_error(ld, name, from, failed ? "cannot read '%s'" : "'%s' changed while being read",
                   path);
        free(buf);
        return NULL;
    }
    ld_src_t *src = ld_src_from_text(ld, buf, len, name);
    free(buf);
    return src;
}

bool ld_src_parse(ld_t *ld, ld_src_t *src)
{
    src->json = malloc(src->len + 1);
    if (src->json == NULL) {
        ld_oom(ld);
        return false;
    }
    memcpy(src->json, src->original, src->len + 1);
    size_t off = 0;
    errinfo_t e;
    unsigned line, col;
    if (jsonc_prepare(src->json, src->len, SCENARIO_MAX_DEPTH, &off, &e) != 0) {
        jsonpos_text_line_col(src->original, src->len, off, &line, &col);
        ld->errors++;
        diag_add(ld->diags, DIAG_ERROR, src->file, line, col, "", "%s", e.msg);
        return false;
    }
    json_error_t je;
    src->root = json_loadb(src->json, src->len, JSON_REJECT_DUPLICATES, &je);
    if (src->root == NULL) {
        /* jansson's position is just past the offending byte; report that byte, or the start of
         * the next line when it was a newline (an unexpected end of file). */
        size_t pos = je.position > 0 ? (size_t)je.position : 0;
        if (pos > src->len)
            pos = src->len;
        off = pos == 0 || src->original[pos - 1] == '\n' ? pos : pos - 1;
        jsonpos_text_line_col(src->original, src->len, off, &line, &col);
        const char *hint = strncmp(je.text, "too big integer", 15) == 0
                               ? " (write integers above 9223372036854775807, such as large node "
                                 "ids or seeds, as strings: \"18446744073709551615\")"
                               : "";
        ld->errors++;
        diag_add(ld->diags, DIAG_ERROR, src->file, line, col, "", "invalid JSON: %s%s", je.text,
                 hint);
        return false;
    }
    src->pos = jsonpos_build(src->json, src->original, src->len);
    if (src->pos == NULL) {
        ld_oom(ld);
        return false;
    }
    return true;
}

jv_t ld_src_root(const ld_src_t *src)
{
    return (jv_t){src->root, src, 0, NULL, NULL, 0};
}

/* ---- diagnostics ---- */

static bool is_identifier(const char *k)
{
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_'))
        return false;
    for (; *k != '\0'; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '_'))
            return false;
    return true;
}

static void append(char *buf, size_t cap, size_t *o, const char *s)
{
    for (; *s != '\0' && *o + 1 < cap; s++)
        buf[(*o)++] = *s;
    buf[*o < cap ? *o : cap - 1] = '\0';
}

void ld_path(const jv_t *v, char *buf, size_t cap)
{
    const jv_t *chain[SCENARIO_MAX_DEPTH + 8];
    size_t n = 0;
    for (const jv_t *p = v; p != NULL && p->parent != NULL && n < sizeof chain / sizeof chain[0];
         p = p->parent)
        chain[n++] = p;
    size_t o = 0;
    buf[0] = '\0';
    while (n > 0) {
        const jv_t *p = chain[--n];
        char seg[64];
        if (p->key == NULL) {
            snprintf(seg, sizeof seg, "[%zu]", p->index);
            append(buf, cap, &o, seg);
        } else if (is_identifier(p->key)) {
            if (o != 0)
                append(buf, cap, &o, ".");
            append(buf, cap, &o, p->key);
        } else {
            append(buf, cap, &o, "[\"");
            for (const char *k = p->key; *k != '\0'; k++) {
                char ch[8] = {*k, '\0'};
                if (*k == '"' || *k == '\\')
                    snprintf(ch, sizeof ch, "\\%c", *k);
                else if ((unsigned char)*k < 0x20)
                    snprintf(ch, sizeof ch, "\\u%04x", (unsigned)*k);
                append(buf, cap, &o, ch);
            }
            append(buf, cap, &o, "\"]");
        }
    }
}

void ld_line_col(const jv_t *v, bool at_key, unsigned *line, unsigned *col)
{
    *line = *col = 0;
    if (v == NULL || v->src == NULL || v->src->pos == NULL || v->e == JSONPOS_NONE)
        return;
    uint32_t off = at_key ? jsonpos_key_offset(v->src->pos, v->e) : JSONPOS_NONE;
    if (off == JSONPOS_NONE)
        off = jsonpos_value_offset(v->src->pos, v->e);
    if (off == JSONPOS_NONE)
        return;
    jsonpos_line_col(v->src->pos, off, line, col);
}

bool ld_keeping(const ld_t *ld)
{
    return ld->diags->n < ld->diags->max;
}

static void report(ld_t *ld, diag_severity_t sev, const jv_t *at, bool at_key, const char *fmt,
                   va_list ap) __attribute__((format(printf, 5, 0)));
static void report(ld_t *ld, diag_severity_t sev, const jv_t *at, bool at_key, const char *fmt,
                   va_list ap)
{
    if (sev == DIAG_ERROR)
        ld->errors++;
    unsigned line = 0, col = 0;
    char path[512] = "";
    if (ld_keeping(ld)) {
        /* Positions and paths cost a little: only for diagnostics that are kept. */
        ld_line_col(at, at_key, &line, &col);
        ld_path(at_key && at->parent != NULL ? at->parent : at, path, sizeof path);
    }
    diag_addv(ld->diags, sev, at != NULL && at->src != NULL ? at->src->file : "", line, col, path,
              fmt, ap);
}

void ld_err(ld_t *ld, const jv_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(ld, DIAG_ERROR, at, false, fmt, ap);
    va_end(ap);
}

void ld_warn(ld_t *ld, const jv_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(ld, DIAG_WARNING, at, false, fmt, ap);
    va_end(ap);
}

void ld_err_key(ld_t *ld, const jv_t *member, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(ld, DIAG_ERROR, member, true, fmt, ap);
    va_end(ap);
}

void ld_warn_key(ld_t *ld, const jv_t *member, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(ld, DIAG_WARNING, member, true, fmt, ap);
    va_end(ap);
}

void ld_oom(ld_t *ld)
{
    if (ld->oom)
        return;
    ld->oom = true;
    ld->errors++;
    diag_add(ld->diags, DIAG_ERROR, ld->s != NULL && ld->s->path != NULL ? ld->s->path : "", 0,
             0, "", "out of memory");
}

/* ---- allocation ---- */

void *ld_calloc(ld_t *ld, size_t n, size_t size)
{
    void *p = calloc(n != 0 ? n : 1, size);
    if (p == NULL)
        ld_oom(ld);
    return p;
}

char *ld_strdup(ld_t *ld, const char *s)
{
    char *d = strdup(s);
    if (d == NULL)
        ld_oom(ld);
    return d;
}

bool ld_reserve(ld_t *ld, void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t c = *cap != 0 ? *cap : 4;
    while (c < need)
        c *= 2;
    void *a = realloc(*arr, c * size);
    if (a == NULL) {
        ld_oom(ld);
        return false;
    }
    memset((char *)a + *cap * size, 0, (c - *cap) * size);
    *arr = a;
    *cap = c;
    return true;
}

void ld_free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- walking values ---- */

const char *ld_type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "a value";
}

bool ld_is(ld_t *ld, const jv_t *v, json_type t, const char *what)
{
    if (json_typeof(v->j) == t)
        return true;
    ld_err(ld, v, "must be %s, not %s", what, ld_type_name(v->j));
    return false;
}

void jv_iter_init(jv_iter_t *it, const jv_t *c)
{
    it->parent = c;
    it->i = 0;
    it->n = json_is_array(c->j) ? json_array_size(c->j) : json_is_object(c->j) ? json_object_size(c->j) : 0;
    it->e = c->src->pos != NULL ? jsonpos_first_child(c->src->pos, c->e) : JSONPOS_NONE;
    it->oiter = json_is_object(c->j) ? json_object_iter(c->j) : NULL;
}

bool jv_iter_next(jv_iter_t *it, jv_t *out)
{
    if (it->i >= it->n)
        return false;
    const jv_t *c = it->parent;
    *out = (jv_t){NULL, c->src, it->e, c, NULL, it->i};
    if (json_is_array(c->j)) {
        out->j = json_array_get(c->j, it->i);
    } else {
        if (it->oiter == NULL)
            return false;
        out->key = json_object_iter_key(it->oiter);
        out->j = json_object_iter_value(it->oiter);
        it->oiter = json_object_iter_next(c->j, it->oiter);
    }
    it->i++;
    if (c->src->pos != NULL && it->e != JSONPOS_NONE)
        it->e = jsonpos_next_sibling(c->src->pos, c->e, it->e);
    return true;
}

jv_t ld_member(const jv_t *obj, const char *key)
{
    jv_iter_t it;
    jv_t m;
    if (json_is_object(obj->j)) {
        jv_iter_init(&it, obj);
        while (jv_iter_next(&it, &m))
            if (strcmp(m.key, key) == 0)
                return m;
    }
    return (jv_t){NULL, obj->src, JSONPOS_NONE, obj, key, 0};
}

bool ld_object(ld_t *ld, const jv_t *obj, const char *const *keys, size_t n_keys, jv_t *fields,
               unsigned flags, const char *const *ignored, const char *ignored_why)
{
    for (size_t i = 0; i < n_keys; i++)
        fields[i] = (jv_t){NULL, obj->src, JSONPOS_NONE, obj, keys[i], 0};
    if (!ld_is(ld, obj, JSON_OBJECT, "an object"))
        return false;
    bool icase = (flags & LD_ICASE) != 0;
    jv_iter_t it;
    jv_t m;
    jv_iter_init(&it, obj);
    while (jv_iter_next(&it, &m)) {
        size_t i = 0;
        while (i < n_keys && (icase ? strcasecmp(m.key, keys[i]) : strcmp(m.key, keys[i])) != 0)
            i++;
        if (i < n_keys) {
            if (fields[i].j != NULL)
                ld_err_key(ld, &m, "key '%s' repeats '%s' (keys match regardless of case here)",
                           m.key, fields[i].key);
            else
                fields[i] = m;
            continue;
        }
        bool is_ignored = false;
        for (size_t k = 0; ignored != NULL && ignored[k] != NULL && !is_ignored; k++)
            is_ignored = (icase ? strcasecmp(m.key, ignored[k]) : strcmp(m.key, ignored[k])) == 0;
        if (is_ignored) {
            ld_warn_key(ld, &m, "'%s' is ignored: %s", m.key, ignored_why);
            continue;
        }
        if (!ld_keeping(ld)) {
            ld_err_key(ld, &m, "unknown key '%s'", m.key); /* counted, not kept */
            continue;
        }
        const char *near = suggest_nearest(m.key, keys, n_keys, 2, icase);
        if (near != NULL) {
            ld_err_key(ld, &m, "unknown key '%s'; did you mean '%s'?", m.key, near);
        } else {
            char list[512] = "";
            size_t o = 0;
            for (size_t k = 0; k < n_keys; k++) {
                append(list, sizeof list, &o, k == 0 ? "'" : ", '");
                append(list, sizeof list, &o, keys[k]);
                append(list, sizeof list, &o, "'");
            }
            ld_err_key(ld, &m, "unknown key '%s' (the keys here are %s)", m.key, list);
        }
    }
    return true;
}

bool ld_required(ld_t *ld, const jv_t *obj, const jv_t *field, const char *key)
{
    if (field->j != NULL)
        return true;
    ld_err(ld, obj, "missing required key '%s'", key);
    return false;
}

bool ld_array(ld_t *ld, const jv_t *v, size_t max, size_t *n)
{
    *n = 0;
    if (!ld_is(ld, v, JSON_ARRAY, "an array"))
        return false;
    if (max == 0)
        max = SCENARIO_MAX_LIST;
    size_t size = json_array_size(v->j);
    if (size > max) {
        ld_err(ld, v, "has %zu entries; at most %zu are accepted", size, max);
        return false;
    }
    *n = size;
    return true;
}

/* ---- typed readers ---- */

bool ld_str_view(ld_t *ld, const jv_t *v, size_t max, bool allow_empty, const char **view)
{
    if (!ld_is(ld, v, JSON_STRING, "a string"))
        return false;
    size_t len = json_string_length(v->j);
    if (len > max) {
        ld_err(ld, v, "the string is %zu bytes long; at most %zu are accepted", len, max);
        return false;
    }
    if (len == 0 && !allow_empty) {
        ld_err(ld, v, "must not be empty");
        return false;
    }
    *view = json_string_value(v->j);
    return true;
}

bool ld_str(ld_t *ld, const jv_t *v, size_t max, bool allow_empty, char **out)
{
    const char *view;
    if (!ld_str_view(ld, v, max, allow_empty, &view))
        return false;
    char *d = ld_strdup(ld, view);
    if (d == NULL)
        return false;
    free(*out);
    *out = d;
    return true;
}

bool ld_bool(ld_t *ld, const jv_t *v, bool *out)
{
    if (!json_is_boolean(v->j)) {
        ld_err(ld, v, "must be true or false, not %s", ld_type_name(v->j));
        return false;
    }
    *out = json_is_true(v->j);
    return true;
}

bool ld_u64(ld_t *ld, const jv_t *v, uint64_t *out)
{
    if (json_is_integer(v->j)) {
        json_int_t i = json_integer_value(v->j);
        if (i < 0) {
            ld_err(ld, v, "must not be negative (%lld)", (long long)i);
            return false;
        }
        *out = (uint64_t)i;
        return true;
    }
    if (json_is_string(v->j)) {
        const char *s = json_string_value(v->j);
        uint64_t x = 0;
        bool ok = *s != '\0';
        for (const char *p = s; ok && *p != '\0'; p++) {
            unsigned d = (unsigned)(*p - '0');
            ok = d <= 9 && x <= (UINT64_MAX - d) / 10;
            x = x * 10 + d;
        }
        if (ok) {
            *out = x;
            return true;
        }
        ld_err(ld, v, "'%.64s' is not an unsigned 64-bit integer (decimal digits, at most "
                      "18446744073709551615)", s);
        return false;
    }
    ld_err(ld, v, "must be an unsigned integer (or a string of decimal digits), not %s",
           ld_type_name(v->j));
    return false;
}

bool ld_duration(ld_t *ld, const jv_t *v, sim_time_t *out)
{
    if (json_is_integer(v->j)) {
        json_int_t i = json_integer_value(v->j);
        if (i < 0) {
            ld_err(ld, v, "a duration must not be negative (%lld ns)", (long long)i);
            return false;
        }
        *out = (sim_time_t)i;
        return true;
    }
    if (json_is_string(v->j)) {
        const char *view;
        errinfo_t e;
        if (!ld_str_view(ld, v, 64, false, &view))
            return false;
        if (simtime_parse(view, out, &e) != 0) {
            ld_err(ld, v, "%s", e.msg);
            return false;
        }
        return true;
    }
    if (json_is_real(v->j)) {
        ld_err(ld, v, "a duration is a string with a unit (\"1.5s\", \"150ms\") or an integer of "
                      "nanoseconds, not a real number");
        return false;
    }
    ld_err(ld, v, "must be a duration (\"2.5s\", \"150ms\", or integer nanoseconds), not %s",
           ld_type_name(v->j));
    return false;
}

bool ld_prefix(ld_t *ld, const jv_t *v, pfx_t *out)
{
    const char *view;
    if (!ld_str_view(ld, v, 128, false, &view))
        return false;
    errinfo_t e;
    if (!pfx_parse(view, strlen(view), false, out, &e)) {
        ld_err(ld, v, "%s", e.msg);
        return false;
    }
    return true;
}

bool ld_addr(ld_t *ld, const jv_t *v, pfx_addr_t *out)
{
    const char *view;
    if (!ld_str_view(ld, v, 128, false, &view))
        return false;
    if (!pfx_addr_parse(view, strlen(view), out)) {
        ld_err(ld, v, "'%s' is not an IPv4 or IPv6 address", view);
        return false;
    }
    return true;
}

bool ld_dns_name(ld_t *ld, const jv_t *v, bool allow_wildcard, bool allow_root, char **out)
{
    const char *view;
    if (!ld_str_view(ld, v, 1024, false, &view))
        return false;
    if (allow_root && strcmp(view, ".") == 0) {
        char *d = ld_strdup(ld, "");
        if (d != NULL) {
            free(*out);
            *out = d;
        }
        return d != NULL;
    }
    dn_domain_t d;
    errinfo_t e;
    if (!dn_domain_parse(view, strlen(view), &d, &e)) {
        ld_err(ld, v, "%s", e.msg);
        return false;
    }
    if (d.wildcard && !allow_wildcard) {
        ld_err(ld, v, "'%s' is a wildcard; a DNS name is needed here", view);
        return false;
    }
    char *c = ld_strdup(ld, d.name);
    if (c == NULL)
        return false;
    free(*out);
    *out = c;
    return true;
}

bool ld_rr_type(ld_t *ld, const jv_t *v, uint16_t *out)
{
    const char *view;
    if (!ld_str_view(ld, v, 32, false, &view))
        return false;
    ldns_rr_type t = ldns_get_rr_type_by_name(view);
    if (t == 0) {
        ld_err(ld, v, "'%s' is not a DNS record type (\"A\", \"AAAA\", \"CNAME\", \"TYPE65\", ...)",
               view);
        return false;
    }
    *out = (uint16_t)t;
    return true;
}

/* RFC 1035 and RFC 2136 response codes (the 4-bit header field). */
static const char *const rcode_names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                          "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                          "NXRRSET", "NOTAUTH", "NOTZONE"};

bool ld_rcode(ld_t *ld, const jv_t *v, uint8_t *out)
{
    const char *view;
    if (!ld_str_view(ld, v, 32, false, &view))
        return false;
    size_t n = sizeof rcode_names / sizeof rcode_names[0];
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(view, rcode_names[i]) == 0) {
            *out = (uint8_t)i;
            return true;
        }
    if (strcasecmp(view, "NOTIMPL") == 0) {
        *out = 4;
        return true;
    }
    const char *near = suggest_nearest(view, rcode_names, n, 2, true);
    if (near != NULL)
        ld_err(ld, v, "'%s' is not an rcode; did you mean '%s'?", view, near);
    else
        ld_err(ld, v, "'%s' is not an rcode (NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...)", view);
    return false;
}

bool ld_is_tag(const char *s)
{
    bool ok = strncmp(s, "tag:", 4) == 0 && s[4] != '\0';
    for (const char *p = s + 4; ok && *p != '\0'; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '-' || *p == '_';
    return ok;
}

bool ld_tag(ld_t *ld, const jv_t *v, const char **view)
{
    if (!ld_str_view(ld, v, SCENARIO_MAX_STRING, false, view))
        return false;
    const char *s = *view;
    bool ok = ld_is_tag(s);
    if (!ok)
        ld_err(ld, v, "'%s' is not a tag: tags look like 'tag:name' (letters, digits, '-', '_')",
               s);
    return ok;
}

bool ld_str_list(ld_t *ld, const jv_t *v, size_t max, bool dedupe,
                 bool (*check)(ld_t *, const jv_t *, const char *), char ***out, size_t *n_out)
{
    size_t n;
    if (!ld_array(ld, v, 0, &n))
        return false;
    char **list = ld_calloc(ld, n, sizeof *list);
    strmap_t *seen = dedupe ? strmap_new() : NULL;
    if (list == NULL || (dedupe && seen == NULL)) {
        free(list);
        ld_oom(ld);
        return false;
    }
    size_t k = 0;
    bool ok = true;
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, v);
    while (jv_iter_next(&it, &el)) {
        const char *s;
        if (!ld_str_view(ld, &el, max != 0 ? max : SCENARIO_MAX_STRING, false, &s) ||
            (check != NULL && !check(ld, &el, s))) {
            ok = false;
            continue;
        }
        if (seen != NULL) {
            bool added = false;
            if (strmap_insert(seen, s, strlen(s), &added) == NULL) {
                ld_oom(ld);
                ok = false;
                break;
            }
            if (!added)
                continue; /* N5: a set */
        }
        if ((list[k] = ld_strdup(ld, s)) == NULL) {
            ok = false;
            break;
        }
        k++;
    }
    strmap_free(seen);
    ld_free_strings(*out, *n_out);
    *out = list;
    *n_out = k;
    return ok;
}

static bool check_rule(ld_t *ld, const jv_t *v, const char *s)
{
    if (scenario_rule_known(s))
        return true;
    static const char *const families = "T1-T3, S1-S5, N1-N5, L1-L5, C1-C7, P1-P8, K1-K5, D1-D5";
    ld_err(ld, v, "'%s' is not a rule ID of RULES.md (%s)", s, families);
    return false;
}

bool ld_rule_list(ld_t *ld, const jv_t *v, char ***out, size_t *n)
{
    return ld_str_list(ld, v, 0, true, check_rule, out, n);
}

bool ld_prefix_list(ld_t *ld, const jv_t *v, bool (*check)(ld_t *, const jv_t *, const pfx_t *),
                    pfx_t **out, size_t *n_out)
{
    size_t n;
    if (!ld_array(ld, v, 0, &n))
        return false;
    pfx_t *list = ld_calloc(ld, n, sizeof *list);
    strmap_t *seen = strmap_new();
    if (list == NULL || seen == NULL) {
        free(list);
        strmap_free(seen);
        ld_oom(ld);
        return false;
    }
    size_t k = 0;
    bool ok = true;
    jv_iter_t it;
    jv_t el;
    jv_iter_init(&it, v);
    while (jv_iter_next(&it, &el)) {
        pfx_t p;
        if (!ld_prefix(ld, &el, &p) || (check != NULL && !check(ld, &el, &p))) {
            ok = false;
            continue;
        }
        char text[PFX_TEXT_MAX];
        size_t len = pfx_format(&p, text);
        bool added = false;
        if (strmap_insert(seen, text, len, &added) == NULL) {
            ld_oom(ld);
            ok = false;
            break;
        }
        if (added)
            list[k++] = p;
    }
    strmap_free(seen);
    free(*out);
    *out = list;
    *n_out = k;
    return ok;
}

bool ld_check_name(ld_t *ld, const jv_t *v, const char *s)
{
    size_t n = strlen(s);
    bool ok = n >= 1 && n <= 63;
    for (const char *p = s; ok && *p != '\0'; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '-' || *p == '_' || *p == '.';
    if (!ok)
        ld_err(ld, v, "'%.80s' is not a valid name (1-63 letters, digits, '-', '_', '.')", s);
    return ok;
}

/* ---- references ---- */

static bool lookup_ref(ld_t *ld, const jv_t *v, strmap_t *map, const char *what,
                       char *const *names, size_t stride, size_t n_names, size_t *out)
{
    const char *s;
    if (!ld_str_view(ld, v, SCENARIO_MAX_STRING, false, &s))
        return false;
    uint64_t *slot = map != NULL ? strmap_find(map, s, strlen(s)) : NULL;
    if (slot != NULL) {
        *out = (size_t)*slot;
        return true;
    }
    /* A suggestion compares against every name: only while messages are kept, and not for
     * huge scenarios. */
    const char *near = NULL;
    if (ld_keeping(ld) && n_names <= 10000) {
        const char **cands = malloc((n_names != 0 ? n_names : 1) * sizeof *cands);
        if (cands != NULL) {
            size_t k = 0;
            for (size_t i = 0; i < n_names; i++) {
                const char *name = *(char *const *)((const char *)names + i * stride);
                if (name != NULL) /* an entry whose own name was rejected */
                    cands[k++] = name;
            }
            near = suggest_nearest(s, cands, k, 2, false);
            free(cands);
        }
    }
    if (near != NULL)
        ld_err(ld, v, "there is no %s named '%s'; did you mean '%s'?", what, s, near);
    else
        ld_err(ld, v, "there is no %s named '%s'", what, s);
    return false;
}

bool ld_node_ref(ld_t *ld, const jv_t *v, size_t *out)
{
    scenario_t *s = ld->s;
    return lookup_ref(ld, v, ld->node_names, "node",
                      s->n_nodes != 0 ? &s->nodes[0].name : NULL, sizeof(scenario_node_t),
                      s->n_nodes, out);
}

bool ld_region_ref(ld_t *ld, const jv_t *v, size_t *out)
{
    scenario_t *s = ld->s;
    return lookup_ref(ld, v, ld->region_names, "region", s->regions, sizeof(char *), s->n_regions,
                      out);
}

char *ld_resolve_path(ld_t *ld, const char *rel)
{
    if (rel[0] == '/' || ld->base_dir == NULL || ld->base_dir[0] == '\0')
        return ld_strdup(ld, rel);
    size_t a = strlen(ld->base_dir), b = strlen(rel);
    char *p = malloc(a + b + 2);
    if (p == NULL) {
        ld_oom(ld);
        return NULL;
    }
    memcpy(p, ld->base_dir, a);
    p[a] = '/';
    memcpy(p + a + 1, rel, b + 1);
    return p;
}
