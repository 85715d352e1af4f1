#include "simtime.h"

#include <stdbool.h>
#include <string.h>

typedef struct {
    const char *name;
    uint64_t ns;
} unit_t;

/* Longer names first, so that "ms" is not read as "m" followed by garbage. */
static const unit_t units[] = {
    {"ns", 1},
    {"us", 1000},
    {"ms", 1000000},
    {"s", 1000000000},
    {"m", 60000000000ULL},
    {"h", 3600000000000ULL},
    {"d", 86400000000000ULL},
};

#define UNITS_TEXT "ns, us, ms, s, m, h or d"

static const unit_t *find_unit(const char *s)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(s, units[i].name) == 0)
            return &units[i];
    return NULL;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

int simtime_parse(const char *text, sim_time_t *out, errinfo_t *err)
{
    if (text == NULL || text[0] == '\0') {
        errinfo_set(err, "empty duration: expected a number and a unit such as \"2.5s\"");
        return -1;
    }
    const char *p = text;
    if (*p == '-') {
        errinfo_set(err, "duration \"%s\" is negative", text);
        return -1;
    }
    if (!is_digit(*p)) {
        errinfo_set(err, "duration \"%s\" does not start with a digit", text);
        return -1;
    }

    /* Integer part, saturating: an overflow is reported after the unit is known to be valid. */
    bool overflow = false;
    uint64_t whole = 0;
    for (; is_digit(*p); p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (whole > (UINT64_MAX - d) / 10)
            overflow = true;
        else
            whole = whole * 10 + d;
    }

    /* Fraction: keep the digits up to the last non-zero one (trailing zeros change nothing). */
    const char *frac = NULL;
    size_t frac_len = 0;
    if (*p == '.') {
        p++;
        frac = p;
        while (is_digit(*p))
            p++;
        frac_len = (size_t)(p - frac);
        if (frac_len == 0) {
            errinfo_set(err, "duration \"%s\" has no digit after the decimal point", text);
            return -1;
        }
        while (frac_len > 0 && frac[frac_len - 1] == '0')
            frac_len--;
    }

    if (*p == '\0') {
        if (whole == 0 && frac_len == 0 && !overflow) {
            *out = 0;
            return 0;
        }
        errinfo_set(err, "duration \"%s\" has no unit (use " UNITS_TEXT ")", text);
        return -1;
    }
    const unit_t *unit = find_unit(p);
    if (unit == NULL) {
        errinfo_set(err, "duration \"%s\" has an unknown unit \"%s\" (use " UNITS_TEXT ")", text, p);
        return -1;
    }

    /* The fraction f / 10^k must give a whole number of nanoseconds: f * ns / 10^k. With
     * g = gcd(ns, 10^k), that needs (10^k / g) | f, and then the value is (f / (10^k / g)) *
     * (ns / g), which is below ns and cannot overflow. After trimming trailing zeros f is not a
     * multiple of 10, so 10^k can only divide f * ns when k is at most the largest power of 2
     * or 5 in any unit (16): longer fractions are rejected before they could overflow. */
    uint64_t frac_ns = 0;
    if (frac_len > 0) {
        if (frac_len > 18) {
            errinfo_set(err, "duration \"%s\" is not a whole number of nanoseconds", text);
            return -1;
        }
        uint64_t f = 0, pow10 = 1;
        for (size_t i = 0; i < frac_len; i++) {
            f = f * 10 + (uint64_t)(frac[i] - '0');
            pow10 *= 10;
        }
        uint64_t g = gcd_u64(unit->ns, pow10);
        uint64_t need = pow10 / g;
        if (f % need != 0) {
            errinfo_set(err, "duration \"%s\" is not a whole number of nanoseconds", text);
            return -1;
        }
        frac_ns = (f / need) * (unit->ns / g);
    }

    if (overflow || whole > ((uint64_t)SIMTIME_MAX - frac_ns) / unit->ns) {
        errinfo_set(err, "duration \"%s\" is too large (the largest is %lld ns, about 292 years)",
                    text, (long long)SIMTIME_MAX);
        return -1;
    }
    *out = (sim_time_t)(whole * unit->ns + frac_ns);
    return 0;
}

/* Writes v / scale with the fractional digits it needs (none when exact), then the unit. */
static char *put_scaled(char *o, uint64_t v, uint64_t scale, int digits, const char *unit)
{
    char tmp[24];
    int n = 0;
    uint64_t w = v / scale;
    do {
        tmp[n++] = (char)('0' + w % 10);
        w /= 10;
    } while (w != 0);
    while (n > 0)
        *o++ = tmp[--n];
    uint64_t rem = v % scale;
    if (rem != 0) {
        *o++ = '.';
        char fd[24];
        for (int i = digits - 1; i >= 0; i--) {
            fd[i] = (char)('0' + rem % 10);
            rem /= 10;
        }
        int last = digits;
        while (last > 0 && fd[last - 1] == '0')
            last--;
        memcpy(o, fd, (size_t)last);
        o += last;
    }
    size_t ul = strlen(unit);
    memcpy(o, unit, ul);
    o += ul;
    *o = '\0';
    return o;
}

const char *simtime_format(sim_time_t t, char buf[SIMTIME_BUF])
{
    char *o = buf;
    uint64_t v;
    if (t < 0) {
        *o++ = '-';
        v = (uint64_t)0 - (uint64_t)t; /* exact for INT64_MIN too */
    } else {
        v = (uint64_t)t;
    }
    if (v == 0)
        put_scaled(o, 0, 1, 0, "s");
    else if (v >= 1000000000ULL)
        put_scaled(o, v, 1000000000ULL, 9, "s");
    else if (v >= 1000000ULL)
        put_scaled(o, v, 1000000ULL, 6, "ms");
    else if (v >= 1000ULL)
        put_scaled(o, v, 1000ULL, 3, "us");
    else
        put_scaled(o, v, 1, 0, "ns");
    return buf;
}
