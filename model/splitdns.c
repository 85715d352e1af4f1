#include "splitdns.h"

#include <stdlib.h>
#include <string.h>

struct ctrl_splitdns {
    ctrl_splitdns_entry_t *entries; /* sorted by suffix */
    size_t n_entries;
    uint64_t *ids;                  /* every entry's connectors, back to back */
    char *text;                     /* every entry's suffix, NUL-terminated, back to back */
};

/* One (suffix, connector) fact of the input; an app without connectors gives (suffix, none) so
 * that its suffix still gets an entry. */
typedef struct {
    const char *suffix;
    size_t len;
    bool has_id;
    uint64_t id;
} pair_t;

/* strcmp order on counted text (suffixes never hold a NUL). */
static int text_compare(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c != 0)
        return c;
    return na < nb ? -1 : na > nb ? 1 : 0;
}

static int pair_compare(const void *pa, const void *pb)
{
    const pair_t *a = pa, *b = pb;
    int c = text_compare(a->suffix, a->len, b->suffix, b->len);
    if (c != 0)
        return c;
    if (a->has_id != b->has_id)
        return a->has_id ? 1 : -1;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return 0;
}

static bool same_suffix(const pair_t *a, const pair_t *b)
{
    return text_compare(a->suffix, a->len, b->suffix, b->len) == 0;
}

/* Collects every pair of the input; NULL with *n = 0 when there is none, NULL with *n != 0 on
 * out-of-memory (or a count too large to allocate). */
static pair_t *collect_pairs(const ctrl_splitdns_app_t *apps, size_t n_apps, size_t *n)
{
    size_t total = 0;
    for (size_t a = 0; a < n_apps; a++) {
        size_t per_domain = apps[a].n_connectors > 0 ? apps[a].n_connectors : 1;
        size_t add;
        if (__builtin_mul_overflow(per_domain, apps[a].n_domains, &add) ||
            __builtin_add_overflow(total, add, &total)) {
            *n = SIZE_MAX;
            return NULL;
        }
    }
    *n = total;
    if (total == 0)
        return NULL;
    pair_t *pairs = calloc(total, sizeof *pairs);
    if (pairs == NULL)
        return NULL;
    size_t k = 0;
    for (size_t a = 0; a < n_apps; a++) {
        const ctrl_splitdns_app_t *app = &apps[a];
        for (size_t d = 0; d < app->n_domains; d++) {
            const dn_domain_t *dom = &app->domains[d];
            /* P2: "*.d" and "d" both give the suffix "d". */
            size_t off = dom->base_off <= dom->len ? dom->base_off : dom->len;
            pair_t base = {dom->name + off, (size_t)dom->len - off, false, 0};
            if (app->n_connectors == 0) {
                pairs[k++] = base;
                continue;
            }
            for (size_t c = 0; c < app->n_connectors; c++) {
                pairs[k] = base;
                pairs[k].has_id = true;
                pairs[k].id = app->connectors[c];
                k++;
            }
        }
    }
    return pairs;
}

ctrl_splitdns_t *ctrl_splitdns_new(const ctrl_splitdns_app_t *apps, size_t n_apps)
{
    ctrl_splitdns_t *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    size_t n_pairs;
    pair_t *pairs = collect_pairs(apps, n_apps, &n_pairs);
    if (pairs == NULL) {
        if (n_pairs == 0)
            return t;
        free(t);
        return NULL;
    }
    qsort(pairs, n_pairs, sizeof *pairs, pair_compare);

    /* Sizes after merging equal suffixes and dropping repeated (suffix, id) facts. */
    size_t n_entries = 0, n_ids = 0, n_text = 0;
    for (size_t i = 0; i < n_pairs; i++) {
        bool new_suffix = i == 0 || !same_suffix(&pairs[i - 1], &pairs[i]);
        if (new_suffix) {
            n_entries++;
            n_text += pairs[i].len + 1;
        }
        if (pairs[i].has_id && (new_suffix || pair_compare(&pairs[i - 1], &pairs[i]) != 0))
            n_ids++;
    }
    t->entries = calloc(n_entries, sizeof *t->entries);
    t->ids = n_ids > 0 ? calloc(n_ids, sizeof *t->ids) : NULL;
    t->text = malloc(n_text);
    if (t->entries == NULL || (n_ids > 0 && t->ids == NULL) || t->text == NULL) {
        free(pairs);
        ctrl_splitdns_free(t);
        return NULL;
    }

    size_t ids_used = 0, text_used = 0;
    ctrl_splitdns_entry_t *e = NULL;
    for (size_t i = 0; i < n_pairs; i++) {
        bool new_suffix = i == 0 || !same_suffix(&pairs[i - 1], &pairs[i]);
        if (new_suffix) {
            e = &t->entries[t->n_entries++];
            char *s = t->text + text_used;
            memcpy(s, pairs[i].suffix, pairs[i].len);
            s[pairs[i].len] = '\0';
            text_used += pairs[i].len + 1;
            e->suffix = s;
            e->suffix_len = pairs[i].len;
            e->connectors = t->ids + ids_used;
            e->n_connectors = 0;
        }
        if (pairs[i].has_id && (new_suffix || pair_compare(&pairs[i - 1], &pairs[i]) != 0)) {
            t->ids[ids_used++] = pairs[i].id;
            e->n_connectors++;
        }
    }
    /* Entries without connectors point at an empty stretch; give them NULL instead of a
     * pointer that may lie one past the array. */
    for (size_t i = 0; i < t->n_entries; i++)
        if (t->entries[i].n_connectors == 0)
            t->entries[i].connectors = NULL;
    free(pairs);
    return t;
}

void ctrl_splitdns_free(ctrl_splitdns_t *t)
{
    if (t == NULL)
        return;
    free(t->entries);
    free(t->ids);
    free(t->text);
    free(t);
}

size_t ctrl_splitdns_count(const ctrl_splitdns_t *t)
{
    return t == NULL ? 0 : t->n_entries;
}

const ctrl_splitdns_entry_t *ctrl_splitdns_entry_at(const ctrl_splitdns_t *t, size_t i)
{
    return t != NULL && i < t->n_entries ? &t->entries[i] : NULL;
}

static const ctrl_splitdns_entry_t *find_exact(const ctrl_splitdns_t *t, const char *s, size_t n)
{
    size_t lo = 0, hi = t->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const ctrl_splitdns_entry_t *e = &t->entries[mid];
        int c = text_compare(s, n, e->suffix, e->suffix_len);
        if (c == 0)
            return e;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const ctrl_splitdns_entry_t *ctrl_splitdns_lookup(const ctrl_splitdns_t *t, const char *name,
                                                  size_t n)
{
    if (t == NULL || t->n_entries == 0 || n == 0)
        return NULL;
    /* Try the name itself, then each enclosing name (longest first), cutting only after an
     * unescaped '.': "\." and "\DDD" belong to their label. */
    size_t start = 0;
    while (start < n) {
        const ctrl_splitdns_entry_t *e = find_exact(t, name + start, n - start);
        if (e != NULL)
            return e;
        size_t i = start;
        while (i < n && name[i] != '.') {
            if (name[i] == '\\')
                i += (i + 1 < n && name[i + 1] >= '0' && name[i + 1] <= '9') ? 4 : 2;
            else
                i++;
        }
        start = i + 1;
    }
    return NULL;
}

bool ctrl_splitdns_equal(const ctrl_splitdns_t *a, const ctrl_splitdns_t *b)
{
    size_t n = ctrl_splitdns_count(a);
    if (n != ctrl_splitdns_count(b))
        return false;
    for (size_t i = 0; i < n; i++) {
        const ctrl_splitdns_entry_t *x = &a->entries[i], *y = &b->entries[i];
        if (text_compare(x->suffix, x->suffix_len, y->suffix, y->suffix_len) != 0 ||
            x->n_connectors != y->n_connectors)
            return false;
        for (size_t c = 0; c < x->n_connectors; c++)
            if (x->connectors[c] != y->connectors[c])
                return false;
    }
    return true;
}
