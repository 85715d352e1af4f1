#include "suggest.h"

#include <stdint.h>
#include <string.h>

static unsigned char fold(unsigned char c, bool ignore_case)
{
    return ignore_case && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

size_t suggest_distance(const char *a, const char *b, bool ignore_case)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > SUGGEST_WORD_MAX || m > SUGGEST_WORD_MAX)
        return SIZE_MAX;
    /* Three rolling rows suffice: the transposition looks two rows back. */
    size_t rows[3][SUGGEST_WORD_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        unsigned char ai = fold((unsigned char)a[i - 1], ignore_case);
        for (size_t j = 1; j <= m; j++) {
            unsigned char bj = fold((unsigned char)b[j - 1], ignore_case);
            size_t cost = ai == bj ? 0 : 1;
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ai == fold((unsigned char)b[j - 2], ignore_case) &&
                fold((unsigned char)a[i - 2], ignore_case) == bj && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* Lower-case, without '_' and '-': "exitNode" and "exit_node" become the same word. */
static bool squash(const char *in, char out[SUGGEST_WORD_MAX + 1])
{
    size_t o = 0;
    for (; *in != '\0'; in++) {
        if (*in == '_' || *in == '-')
            continue;
        if (o == SUGGEST_WORD_MAX)
            return false;
        out[o++] = (char)fold((unsigned char)*in, true);
    }
    out[o] = '\0';
    return true;
}

const char *suggest_nearest(const char *word, const char *const *candidates, size_t n,
                            size_t max_dist, bool ignore_case)
{
    if (strlen(word) <= 4 && max_dist > 1)
        max_dist = 1;
    const char *best = NULL;
    size_t best_dist = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t d = suggest_distance(word, candidates[i], ignore_case);
        if (d <= max_dist && d < best_dist) {
            best = candidates[i];
            best_dist = d;
        }
    }
    if (best != NULL)
        return best;
    /* Second chance: the same word in another spelling convention (camelCase, snake_case,
     * kebab-case), give or take one typo. */
    char w[SUGGEST_WORD_MAX + 1], c[SUGGEST_WORD_MAX + 1];
    if (!squash(word, w) || strlen(w) <= 4)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (squash(candidates[i], c)) {
            size_t d = suggest_distance(w, c, false);
            if (d <= 1 && d < best_dist) {
                best = candidates[i];
                best_dist = d;
            }
        }
    return best;
}
