#include "jsonpos.h"

#include <stdbool.h>
#include <stdlib.h>

#define CHECKPOINT_BYTES 256 /* 8 bytes per 256: a position costs a short scan */

typedef struct {
    uint32_t value_off, key_off, size;
} entry_t;

typedef struct {
    unsigned line, leads; /* line, and characters since that line's start, at the checkpoint */
} checkpoint_t;

struct jsonpos {
    entry_t *e;
    uint32_t n, cap;
    const char *original;
    size_t len;
    checkpoint_t *cp;
};

static bool push_entry(jsonpos_t *p, uint32_t value_off, uint32_t key_off)
{
    if (p->n == p->cap) {
        uint32_t cap = p->cap != 0 ? p->cap * 2 : 64;
        entry_t *e = realloc(p->e, (size_t)cap * sizeof *e);
        if (e == NULL)
            return false;
        p->e = e;
        p->cap = cap;
    }
    p->e[p->n++] = (entry_t){value_off, key_off, 1};
    return true;
}

static bool is_lead(unsigned char c)
{
    return c < 0x80 || c >= 0xC0;
}

static bool build_checkpoints(jsonpos_t *p)
{
    size_t n = p->len / CHECKPOINT_BYTES + 1;
    p->cp = malloc(n * sizeof *p->cp);
    if (p->cp == NULL)
        return false;
    unsigned line = 1, leads = 0;
    for (size_t i = 0; i < p->len; i++) {
        if (i % CHECKPOINT_BYTES == 0)
            p->cp[i / CHECKPOINT_BYTES] = (checkpoint_t){line, leads};
        unsigned char c = (unsigned char)p->original[i];
        if (c == '\n') {
            line++;
            leads = 0;
        } else if (is_lead(c)) {
            leads++;
        }
    }
    if (p->len % CHECKPOINT_BYTES == 0)
        p->cp[p->len / CHECKPOINT_BYTES] = (checkpoint_t){line, leads};
    return true;
}

/* One value's extent in valid JSON: a string, or a run of number/literal bytes. */
static size_t skip_scalar(const char *s, size_t i, size_t len)
{
    if (s[i] == '"') {
        i++;
        while (i < len && s[i] != '"')
            i += s[i] == '\\' ? 2 : 1;
        return i + 1;
    }
    while (i < len && s[i] != ',' && s[i] != ']' && s[i] != '}' && s[i] != ' ' && s[i] != '\n' &&
           s[i] != '\t' && s[i] != '\r' && s[i] != ':')
        i++;
    return i;
}

jsonpos_t *jsonpos_build(const char *json, const char *original, size_t len)
{
    if (len >= UINT32_MAX)
        return NULL;
    jsonpos_t *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->original = original;
    p->len = len;
    /* The open containers: entry index, and whether it is an object. Depth is bounded by the
     * pre-pass, but the stack grows anyway so that no input can overrun it. */
    struct frame {
        uint32_t entry;
        bool object;
    } *stack = NULL;
    size_t depth = 0, stack_cap = 0;
    bool want_key = false; /* inside an object, before a member's key */
    uint32_t key_off = JSONPOS_NONE;
    bool ok = build_checkpoints(p);
    for (size_t i = 0; ok && i < len;) {
        char c = json[i];
        switch (c) {
        case ' ': case '\t': case '\n': case '\r': case ':':
            i++;
            break;
        case ',':
            want_key = depth > 0 && stack[depth - 1].object;
            key_off = JSONPOS_NONE;
            i++;
            break;
        case '{': case '[':
            if (depth == stack_cap) {
                size_t cap = stack_cap != 0 ? stack_cap * 2 : 16;
                struct frame *s = realloc(stack, cap * sizeof *s);
                if (s == NULL) {
                    ok = false;
                    break;
                }
                stack = s;
                stack_cap = cap;
            }
            ok = push_entry(p, (uint32_t)i, key_off);
            stack[depth++] = (struct frame){p->n - 1, c == '{'};
            want_key = c == '{';
            key_off = JSONPOS_NONE;
            i++;
            break;
        case '}': case ']':
            if (depth > 0) {
                uint32_t e = stack[--depth].entry;
                p->e[e].size = p->n - e;
            }
            want_key = false;
            i++;
            break;
        default:
            if (c == '"' && want_key) {
                key_off = (uint32_t)i;
                want_key = false;
            } else {
                ok = push_entry(p, (uint32_t)i, key_off);
                key_off = JSONPOS_NONE;
            }
            i = skip_scalar(json, i, len);
            break;
        }
    }
    free(stack);
    if (!ok) {
        jsonpos_free(p);
        return NULL;
    }
    return p;
}

void jsonpos_free(jsonpos_t *p)
{
    if (p == NULL)
        return;
    free(p->e);
    free(p->cp);
    free(p);
}

uint32_t jsonpos_count(const jsonpos_t *p)
{
    return p->n;
}

uint32_t jsonpos_first_child(const jsonpos_t *p, uint32_t e)
{
    if (e >= p->n || p->e[e].size < 2)
        return JSONPOS_NONE;
    return e + 1;
}

uint32_t jsonpos_next_sibling(const jsonpos_t *p, uint32_t parent, uint32_t e)
{
    if (parent >= p->n || e >= p->n || e <= parent)
        return JSONPOS_NONE;
    uint64_t next = (uint64_t)e + p->e[e].size;
    if (next >= (uint64_t)parent + p->e[parent].size)
        return JSONPOS_NONE;
    return (uint32_t)next;
}

uint32_t jsonpos_child(const jsonpos_t *p, uint32_t parent, size_t k)
{
    uint32_t e = jsonpos_first_child(p, parent);
    for (size_t i = 0; i < k && e != JSONPOS_NONE; i++)
        e = jsonpos_next_sibling(p, parent, e);
    return e;
}

uint32_t jsonpos_value_offset(const jsonpos_t *p, uint32_t e)
{
    return e < p->n ? p->e[e].value_off : JSONPOS_NONE;
}

uint32_t jsonpos_key_offset(const jsonpos_t *p, uint32_t e)
{
    return e < p->n ? p->e[e].key_off : JSONPOS_NONE;
}

static void scan_line_col(const char *text, size_t from, size_t to, unsigned line, unsigned leads,
                          unsigned *out_line, unsigned *out_col)
{
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            line++;
            leads = 0;
        } else if (is_lead(c)) {
            leads++;
        }
    }
    *out_line = line;
    *out_col = leads + 1;
}

void jsonpos_line_col(const jsonpos_t *p, size_t offset, unsigned *line, unsigned *col)
{
    if (offset > p->len)
        offset = p->len;
    const checkpoint_t *cp = &p->cp[offset / CHECKPOINT_BYTES];
    scan_line_col(p->original, offset - offset % CHECKPOINT_BYTES, offset, cp->line, cp->leads,
                  line, col);
}

void jsonpos_text_line_col(const char *text, size_t len, size_t offset, unsigned *line,
                           unsigned *col)
{
    if (offset > len)
        offset = len;
    scan_line_col(text, 0, offset, 1, 0, line, col);
}
