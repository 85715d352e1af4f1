/* rules: rule IDs and sets of them (see rules.h). */
#include "rules.h"

#include <string.h>

/* The families of RULES.md in order, with how many rules each has. */
static const struct {
    char letter;
    int count;
} families[] = {{'T', 3}, {'S', 5}, {'N', 5}, {'L', 5}, {'C', 7},
                {'P', 8}, {'K', 5}, {'D', 5}};
#define N_FAMILIES (sizeof families / sizeof families[0])
_Static_assert(RULE_COUNT == 3 + 5 + 5 + 5 + 7 + 8 + 5 + 5, "the families of RULES.md");
_Static_assert(RULE_COUNT <= 64, "a rules_t has 64 bits");

/* "T1".."D5", indexed by id: every name is one letter and one digit. */
static const char names[RULE_COUNT][3] = {
    "T1", "T2", "T3",
    "S1", "S2", "S3", "S4", "S5",
    "N1", "N2", "N3", "N4", "N5",
    "L1", "L2", "L3", "L4", "L5",
    "C1", "C2", "C3", "C4", "C5", "C6", "C7",
    "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8",
    "K1", "K2", "K3", "K4", "K5",
    "D1", "D2", "D3", "D4", "D5",
};

size_t rules_count(rules_t set)
{
    set &= RULES_ALL;
    size_t n = 0;
    for (; set != 0; set &= set - 1)
        n++;
    return n;
}

int rules_next(rules_t set, int from)
{
    if (from < 0)
        from = 0;
    for (int r = from; r < RULE_COUNT; r++)
        if (set >> r & 1)
            return r;
    return RULE_NONE;
}

const char *rule_name(int r)
{
    return r >= 0 && r < RULE_COUNT ? names[r] : NULL;
}

int rule_parse(const char *text)
{
    if (text == NULL || text[0] == '\0' || text[1] < '1' || text[1] > '9' || text[2] != '\0')
        return RULE_NONE;
    int base = 0;
    for (size_t f = 0; f < N_FAMILIES; f++) {
        if (families[f].letter == text[0])
            return text[1] - '0' <= families[f].count ? base + (text[1] - '1') : RULE_NONE;
        base += families[f].count;
    }
    return RULE_NONE;
}

size_t rules_format(rules_t set, char *buf, size_t cap)
{
    size_t need = 0;
    if (cap > 0)
        buf[0] = '\0';
    for (int r = rules_next(set, 0); r != RULE_NONE; r = rules_next(set, r + 1)) {
        const char *name = names[r];
        size_t len = strlen(name) + (need > 0);
        if (need + len < cap) {
            if (need > 0)
                buf[need] = ' ';
            memcpy(buf + need + (need > 0), name, strlen(name) + 1);
        }
        need += len;
    }
    return need;
}
