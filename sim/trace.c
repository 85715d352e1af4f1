#include "trace.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x00000100000001b3ULL
#define MAX_DEPTH 16

typedef struct {
    bool is_array;
    bool has_items; /* a comma goes before the next item */
} level_t;

struct trace {
    char *buf;
    size_t len, cap;
    size_t committed; /* bytes of kept, completed records; the open record follows */
    size_t *starts;   /* start offset of each kept record */
    size_t n_starts, starts_cap;
    size_t count;
    bool keep;
    bool broken; /* the open record lost bytes to out-of-memory */
    FILE *stream;
    uint64_t hash;
    level_t levels[MAX_DEPTH];
    int depth; /* 0: no open record; 1: in the record's object */
    char error[256];
};

static void fail(trace_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(trace_t *t, const char *fmt, ...)
{
    if (t->error[0] != '\0')
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->error, sizeof t->error, fmt, ap);
    va_end(ap);
}

trace_t *trace_new(void)
{
    trace_t *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->keep = true;
    t->hash = FNV64_OFFSET;
    return t;
}

void trace_free(trace_t *t)
{
    if (t == NULL)
        return;
    free(t->buf);
    free(t->starts);
    free(t);
}

void trace_set_stream(trace_t *t, FILE *f)
{
    t->stream = f;
}

bool trace_set_keep(trace_t *t, bool keep)
{
    if (t->count > 0 || t->depth > 0)
        return false;
    t->keep = keep;
    return true;
}

static bool reserve(trace_t *t, size_t more)
{
    if (t->broken)
        return false;
    if (t->cap - t->len >= more)
        return true;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap - t->len < more) {
        if (cap > SIZE_MAX / 2) {
            cap = 0;
            break;
        }
        cap *= 2;
    }
    char *b = cap ? realloc(t->buf, cap) : NULL;
    if (b == NULL) {
        t->broken = true;
        fail(t, "out of memory writing the trace");
        return false;
    }
    t->buf = b;
    t->cap = cap;
    return true;
}

static void put(trace_t *t, const char *s, size_t n)
{
    if (!reserve(t, n))
        return;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

static void put_char(trace_t *t, char c)
{
    if (!reserve(t, 1))
        return;
    t->buf[t->len++] = c;
}

static void put_u64(trace_t *t, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    put(t, tmp + sizeof tmp - n, (size_t)n);
}

/* Length of the valid UTF-8 sequence starting at s (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

static void put_escaped(trace_t *t, const char *text, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)text;
    put_char(t, '"');
    size_t i = 0;
    while (i < n) {
        /* Copy the longest run that needs no escaping in one go. */
        size_t j = i;
        while (j < n && s[j] >= 0x20 && s[j] < 0x80 && s[j] != '"' && s[j] != '\\')
            j++;
        put(t, text + i, j - i);
        i = j;
        if (i == n)
            break;
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t len = utf8_sequence(s + i, n - i);
            if (len == 0) {
                put(t, "\\ufffd", 6);
                i++;
            } else {
                put(t, text + i, len);
                i += len;
            }
            continue;
        }
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t esc_len = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xf];
            esc_len = 6;
        }
        put(t, esc, esc_len);
        i++;
    }
    put_char(t, '"');
}

/* Writes the separator and key for a new item at the current level; false (nothing written)
 * when the call is misplaced. */
static bool item(trace_t *t, const char *key, const char *what)
{
    if (t->depth == 0) {
        fail(t, "trace %s outside a record", what);
        return false;
    }
    level_t *l = &t->levels[t->depth - 1];
    if (l->is_array && key != NULL) {
        fail(t, "trace %s with key \"%s\" inside an array", what, key);
        return false;
    }
    if (!l->is_array && key == NULL) {
        fail(t, "trace %s without a key inside an object", what);
        return false;
    }
    if (l->has_items)
        put_char(t, ',');
    l->has_items = true;
    if (key != NULL) {
        put_escaped(t, key, strlen(key));
        put_char(t, ':');
    }
    return true;
}

void trace_begin(trace_t *t, sim_time_t time, const char *node, const char *kind)
{
    if (t->depth != 0) {
        fail(t, "trace_begin inside an open record");
        return;
    }
    if (kind == NULL) {
        fail(t, "trace_begin without a kind");
        return;
    }
    t->len = t->committed;
    t->broken = false;
    t->depth = 1;
    t->levels[0] = (level_t){false, true};
    put(t, "{\"t\":", 5);
    if (time < 0) {
        put_char(t, '-');
        put_u64(t, (uint64_t)0 - (uint64_t)time);
    } else {
        put_u64(t, (uint64_t)time);
    }
    if (node != NULL) {
        put(t, ",\"node\":", 8);
        put_escaped(t, node, strlen(node));
    }
    put(t, ",\"kind\":", 8);
    put_escaped(t, kind, strlen(kind));
}

void trace_strn(trace_t *t, const char *key, const char *value, size_t len)
{
    if (!item(t, key, "string"))
        return;
    if (value == NULL)
        put(t, "null", 4);
    else
        put_escaped(t, value, len);
}

void trace_str(trace_t *t, const char *key, const char *value)
{
    trace_strn(t, key, value, value != NULL ? strlen(value) : 0);
}

void trace_int(trace_t *t, const char *key, int64_t value)
{
    if (!item(t, key, "integer"))
        return;
    if (value < 0) {
        put_char(t, '-');
        put_u64(t, (uint64_t)0 - (uint64_t)value);
    } else {
        put_u64(t, (uint64_t)value);
    }
}

void trace_uint(trace_t *t, const char *key, uint64_t value)
{
    if (item(t, key, "integer"))
        put_u64(t, value);
}

void trace_bool(trace_t *t, const char *key, bool value)
{
    if (item(t, key, "boolean"))
        put(t, value ? "true" : "false", value ? 4 : 5);
}

void trace_null(trace_t *t, const char *key)
{
    if (item(t, key, "null"))
        put(t, "null", 4);
}

void trace_raw(trace_t *t, const char *key, const char *json)
{
    if (json == NULL || json[0] == '\0' || strchr(json, '\n') != NULL) {
        fail(t, "trace_raw needs JSON text without a newline");
        return;
    }
    if (item(t, key, "raw value"))
        put(t, json, strlen(json));
}

static void open_level(trace_t *t, const char *key, bool is_array)
{
    const char *what = is_array ? "array" : "object";
    if (t->depth >= MAX_DEPTH) {
        fail(t, "trace %s nested deeper than %d levels", what, MAX_DEPTH);
        return;
    }
    if (!item(t, key, what))
        return;
    put_char(t, is_array ? '[' : '{');
    t->levels[t->depth++] = (level_t){is_array, false};
}

static void close_level(trace_t *t, bool is_array)
{
    if (t->depth <= 1 || t->levels[t->depth - 1].is_array != is_array) {
        fail(t, "trace_%s_end without a matching begin", is_array ? "array" : "object");
        return;
    }
    t->depth--;
    put_char(t, is_array ? ']' : '}');
}

void trace_array_begin(trace_t *t, const char *key)
{
    open_level(t, key, true);
}

void trace_array_end(trace_t *t)
{
    close_level(t, true);
}

void trace_object_begin(trace_t *t, const char *key)
{
    open_level(t, key, false);
}

void trace_object_end(trace_t *t)
{
    close_level(t, false);
}

void trace_str_array(trace_t *t, const char *key, const char *const *values, size_t n)
{
    int depth = t->depth;
    trace_array_begin(t, key);
    if (t->depth != depth + 1)
        return;
    for (size_t i = 0; i < n; i++)
        trace_str(t, NULL, values[i]);
    trace_array_end(t);
}

static bool push_start(trace_t *t, size_t start)
{
    if (t->n_starts == t->starts_cap) {
        size_t cap = t->starts_cap ? t->starts_cap * 2 : 1024;
        size_t *s = realloc(t->starts, cap * sizeof *s);
        if (s == NULL)
            return false;
        t->starts = s;
        t->starts_cap = cap;
    }
    t->starts[t->n_starts++] = start;
    return true;
}

void trace_end(trace_t *t)
{
    if (t->depth == 0) {
        fail(t, "trace_end without trace_begin");
        return;
    }
    if (t->depth > 1)
        fail(t, "trace_end with %d unclosed array or object", t->depth - 1);
    while (t->depth > 0) {
        t->depth--;
        put_char(t, t->levels[t->depth].is_array ? ']' : '}');
    }
    put_char(t, '\n');
    if (t->broken || (t->keep && !push_start(t, t->committed))) {
        fail(t, "out of memory writing the trace");
        t->len = t->committed;
        return;
    }
    const unsigned char *rec = (const unsigned char *)t->buf + t->committed;
    size_t n = t->len - t->committed;
    uint64_t h = t->hash;
    for (size_t i = 0; i < n; i++) {
        h ^= rec[i];
        h *= FNV64_PRIME;
    }
    t->hash = h;
    if (t->stream != NULL && fwrite(rec, 1, n, t->stream) != n)
        fail(t, "cannot write the trace stream");
    t->count++;
    if (t->keep)
        t->committed = t->len;
    else
        t->len = t->committed;
}

size_t trace_count(const trace_t *t)
{
    return t->count;
}

const char *trace_record(const trace_t *t, size_t i, size_t *len)
{
    if (!t->keep || i >= t->n_starts)
        return NULL;
    size_t start = t->starts[i];
    size_t end = i + 1 < t->n_starts ? t->starts[i + 1] : t->committed;
    *len = end - start - 1;
    return t->buf + start;
}

const char *trace_text(const trace_t *t, size_t *len)
{
    *len = t->committed;
    return t->buf != NULL ? t->buf : "";
}

uint64_t trace_hash(const trace_t *t)
{
    return t->hash;
}

const char *trace_fingerprint(const trace_t *t, char buf[17])
{
    snprintf(buf, 17, "%016" PRIx64, t->hash);
    return buf;
}

const char *trace_error(const trace_t *t)
{
    return t->error[0] != '\0' ? t->error : NULL;
}

sim_time_t trace_record_time(const char *rec, size_t len)
{
    static const char head[] = "{\"t\":";
    if (len < sizeof head || memcmp(rec, head, sizeof head - 1) != 0)
        return -1;
    sim_time_t t = 0;
    for (size_t i = sizeof head - 1; i < len && rec[i] >= '0' && rec[i] <= '9'; i++)
        t = t * 10 + (rec[i] - '0');
    return t;
}
