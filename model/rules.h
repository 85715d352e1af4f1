/* rules: the rule IDs of RULES.md as a small enum and a bit set, for rule coverage.
 *
 * The model (learn_msg_t, conn_t) and the simulator (the world, the DNS resolver, the loader)
 * mark a rule in a rules_t where that rule's logic actually decided something on the code path
 * taken; a run's result lists the union (runner.h, "rules_reached" in results.json). What each
 * mark means, and where it is placed, is written beside each mark and summed up in
 * model/conn.h, model/learn.h and sim/world.h.
 *
 * The enum lists the IDs in RULES order (T, S, N, L, C, P, K, D, then by number), so iterating
 * over the ids from 0 up is RULES order. A rules_t has one bit per id (43 of the 64).
 * Pure: no globals, no allocation. */
#ifndef APPCSIM_RULES_H
#define APPCSIM_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    RULE_T1, RULE_T2, RULE_T3,
    RULE_S1, RULE_S2, RULE_S3, RULE_S4, RULE_S5,
    RULE_N1, RULE_N2, RULE_N3, RULE_N4, RULE_N5,
    RULE_L1, RULE_L2, RULE_L3, RULE_L4, RULE_L5,
    RULE_C1, RULE_C2, RULE_C3, RULE_C4, RULE_C5, RULE_C6, RULE_C7,
    RULE_P1, RULE_P2, RULE_P3, RULE_P4, RULE_P5, RULE_P6, RULE_P7, RULE_P8,
    RULE_K1, RULE_K2, RULE_K3, RULE_K4, RULE_K5,
    RULE_D1, RULE_D2, RULE_D3, RULE_D4, RULE_D5,
    RULE_COUNT /* 43 */
} rule_id_t;

#define RULE_NONE (-1)

typedef uint64_t rules_t;

/* The set holding only r (the empty set for an id out of range). */
static inline rules_t rules_of(int r)
{
    return r >= 0 && r < RULE_COUNT ? (rules_t)1 << r : 0;
}
/* Adds r to *set (ids out of range are ignored). */
static inline void rules_mark(rules_t *set, int r)
{
    *set |= rules_of(r);
}
static inline bool rules_has(rules_t set, int r)
{
    return (set & rules_of(r)) != 0;
}
static inline rules_t rules_union(rules_t a, rules_t b)
{
    return a | b;
}
/* Every id of RULES.md. */
#define RULES_ALL ((((rules_t)1) << RULE_COUNT) - 1)

/* The number of rules in the set (bits beyond RULE_COUNT are not counted). */
size_t rules_count(rules_t set);
/* Iteration in RULES order: the first id >= from in the set, or RULE_NONE.
 *   for (int r = rules_next(s, 0); r != RULE_NONE; r = rules_next(s, r + 1)) ... */
int rules_next(rules_t set, int from);
/* "C3" for RULE_C3; NULL for an id out of range. */
const char *rule_name(int r);
/* The id of "C3" (exactly: upper-case family letter, number without leading zeros), or
 * RULE_NONE for anything else (NULL included). */
int rule_parse(const char *text);
/* The ids of the set in RULES order, space-separated ("C3 K5"; "" for none), written to buf
 * (cap bytes, always NUL-terminated when cap > 0). Returns the length the whole text needs,
 * like snprintf: at most 3 * RULE_COUNT bytes. */
size_t rules_format(rules_t set, char *buf, size_t cap);

#endif
