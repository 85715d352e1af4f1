#include "rng.h"

#include "thash.h"

static uint64_t splitmix64_next(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_init(rng_t *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = thash(seed, stream);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64_next(&x);
}

uint64_t rng_next_u64(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* The 128-bit product of a and b: one instruction where the compiler has a 128-bit type,
 * else from 32-bit halves (RNG_PORTABLE_MUL forces that form, to test it). */
#if defined(__SIZEOF_INT128__) && !defined(RNG_PORTABLE_MUL)
static inline void mul_64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    __extension__ typedef unsigned __int128 u128;
    u128 m = (u128)a * b;
    *hi = (uint64_t)(m >> 64);
    *lo = (uint64_t)m;
}
#else
static void mul_64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a_lo = a & 0xffffffffULL, a_hi = a >> 32;
    uint64_t b_lo = b & 0xffffffffULL, b_hi = b >> 32;
    uint64_t ll = a_lo * b_lo;
    uint64_t lh = a_lo * b_hi;
    uint64_t hl = a_hi * b_lo;
    uint64_t hh = a_hi * b_hi;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffULL) + (hl & 0xffffffffULL);
    *lo = (mid << 32) | (ll & 0xffffffffULL);
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}
#endif

uint64_t rng_below(rng_t *r, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t hi, lo;
    mul_64x64(rng_next_u64(r), n, &hi, &lo);
    if (lo < n) {
        uint64_t threshold = (0 - n) % n;
        while (lo < threshold)
            mul_64x64(rng_next_u64(r), n, &hi, &lo);
    }
    return hi;
}

/* Two's complement conversion without implementation-defined behaviour. */
static int64_t u64_to_i64(uint64_t u)
{
    if (u <= (uint64_t)INT64_MAX)
        return (int64_t)u;
    return -(int64_t)(UINT64_MAX - u) - 1;
}

int64_t rng_range(rng_t *r, int64_t lo, int64_t hi)
{
    if (hi < lo)
        return lo;
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    uint64_t off = span == 0 ? rng_next_u64(r) : rng_below(r, span);
    return u64_to_i64((uint64_t)lo + off);
}
