/* scenario_json: reading files into parsed, position-indexed sources; diagnostics with
 * file:line:col and path; allocation into the scenario; and walking objects and arrays with
 * their positions (see scenario_internal.h). */
#include <errno.h>
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
    if (v == NULL)
        return; /* a list never built (its count may still be set: rr_texts follows rdata) */
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
