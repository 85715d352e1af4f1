/* suggest: "did you mean ...?" for misspelt keys, names and keywords.
 *
 * The distance is the optimal string alignment variant of Damerau-Levenshtein (insertions,
 * deletions, substitutions and transpositions of two adjacent bytes each cost 1), optionally
 * ignoring ASCII case. Nothing is allocated for words up to SUGGEST_WORD_MAX bytes; longer words
 * never get a suggestion. */
#ifndef APPCSIM_SUGGEST_H
#define APPCSIM_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#define SUGGEST_WORD_MAX 64

/* The distance between a and b, or SIZE_MAX when either is longer than SUGGEST_WORD_MAX. */
size_t suggest_distance(const char *a, const char *b, bool ignore_case);

/* The candidate nearest to word within max_dist (ties: the earlier candidate), or NULL. An
 * exact match (distance 0) is returned too. Words of up to 4 bytes accept distance 1 only, so
 * that short words do not attract unrelated suggestions. When nothing is that near, a candidate
 * equal to word up to case, '_' and '-' (give or take one edit) is returned: "exitNode" finds
 * "exit_node". */
const char *suggest_nearest(const char *word, const char *const *candidates, size_t n,
                            size_t max_dist, bool ignore_case);

#endif
