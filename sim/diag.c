#include "diag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void diag_list_init(diag_list_t *l)
{
    memset(l, 0, sizeof *l);
    l->max = DIAG_MAX_DEFAULT;
}

static void item_free(diag_t *d)
{
    free(d->file);
    free(d->path);
    free(d->message);
}

void diag_list_clear(diag_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        item_free(&l->items[i]);
    l->n = 0;
    l->n_errors = l->n_warnings = l->dropped_errors = l->dropped_warnings = 0;
    l->rules = 0;
}

void diag_list_free(diag_list_t *l)
{
    diag_list_clear(l);
    free(l->items);
    l->items = NULL;
    l->cap = 0;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s != NULL ? s : "");
}

static bool push(diag_list_t *l, diag_severity_t sev, const char *file, unsigned line,
                 unsigned col, const char *path, char *message)
{
    if (l->n == l->cap) {
        size_t cap = l->cap != 0 ? l->cap * 2 : 16;
        diag_t *items = realloc(l->items, cap * sizeof *items);
        if (items == NULL)
            return false;
        l->items = items;
        l->cap = cap;
    }
    diag_t d = {sev, dup_or_empty(file), line, col, dup_or_empty(path), message};
    if (d.file == NULL || d.path == NULL) {
        free(d.file);
        free(d.path);
        return false;
    }
    l->items[l->n++] = d;
    return true;
}

static void count_dropped(diag_list_t *l, diag_severity_t sev)
{
    if (sev == DIAG_ERROR)
        l->dropped_errors++;
    else
        l->dropped_warnings++;
}

void diag_addv(diag_list_t *l, diag_severity_t sev, const char *file, unsigned line, unsigned col,
               const char *path, const char *fmt, va_list ap)
{
    if (sev == DIAG_ERROR)
        l->n_errors++;
    else
        l->n_warnings++;
    if (l->n >= l->max) {
        count_dropped(l, sev);
        return;
    }
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *message = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (message != NULL)
        vsnprintf(message, (size_t)len + 1, fmt, ap);
    if (message == NULL || !push(l, sev, file, line, col, path, message)) {
        free(message);
        count_dropped(l, sev);
    }
}

void diag_add(diag_list_t *l, diag_severity_t sev, const char *file, unsigned line, unsigned col,
              const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_addv(l, sev, file, line, col, path, fmt, ap);
    va_end(ap);
}

typedef struct {
    diag_t d;
    size_t file_rank, seq;
} sort_item_t;

static int compare_items(const void *pa, const void *pb)
{
    const sort_item_t *a = pa, *b = pb;
    if (a->file_rank != b->file_rank)
        return a->file_rank < b->file_rank ? -1 : 1;
    /* Unknown positions (0) go first: they concern the file as a whole. */
    if (a->d.line != b->d.line)
        return a->d.line < b->d.line ? -1 : 1;
    if (a->d.col != b->d.col)
        return a->d.col < b->d.col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diag_list_finish(diag_list_t *l)
{
    if (l->n < 2)
        return;
    sort_item_t *tmp = malloc(l->n * sizeof *tmp);
    if (tmp == NULL)
        return; /* unsorted is still correct */
    for (size_t i = 0; i < l->n; i++) {
        size_t rank = i;
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->items[j].file, l->items[i].file) == 0) {
                rank = tmp[j].file_rank;
                break;
            }
        tmp[i] = (sort_item_t){l->items[i], rank, i};
    }
    qsort(tmp, l->n, sizeof *tmp, compare_items);
    for (size_t i = 0; i < l->n; i++)
        l->items[i] = tmp[i].d;
    free(tmp);
}

bool diag_list_summary(const diag_list_t *l, char *buf, size_t cap)
{
    if (l->dropped_errors != 0 && l->dropped_warnings != 0)
        snprintf(buf, cap, "... and %zu more errors and %zu more warnings", l->dropped_errors,
                 l->dropped_warnings);
    else if (l->dropped_errors != 0)
        snprintf(buf, cap, "... and %zu more errors", l->dropped_errors);
    else if (l->dropped_warnings != 0)
        snprintf(buf, cap, "... and %zu more warnings", l->dropped_warnings);
    else
        return false;
    return true;
}

int diag_format(const diag_t *d, char *buf, size_t cap)
{
    char where[64] = "";
    if (d->line != 0 && d->col != 0)
        snprintf(where, sizeof where, ":%u:%u", d->line, d->col);
    else if (d->line != 0)
        snprintf(where, sizeof where, ":%u", d->line);
    const char *sev = d->severity == DIAG_ERROR ? "error" : "warning";
    if (d->file[0] == '\0')
        return snprintf(buf, cap, "%s: %s%s%s", sev, d->path, d->path[0] != '\0' ? ": " : "",
                        d->message);
    return snprintf(buf, cap, "%s%s: %s: %s%s%s", d->file, where, sev, d->path,
                    d->path[0] != '\0' ? ": " : "", d->message);
}

void diag_list_print(const diag_list_t *l, FILE *out)
{
    for (size_t i = 0; i < l->n; i++) {
        int len = diag_format(&l->items[i], NULL, 0);
        if (len < 0)
            continue;
        char *buf = malloc((size_t)len + 1);
        if (buf == NULL)
            continue;
        diag_format(&l->items[i], buf, (size_t)len + 1);
        fprintf(out, "%s\n", buf);
        free(buf);
    }
    char summary[128];
    if (diag_list_summary(l, summary, sizeof summary))
        fprintf(out, "%s\n", summary);
}
