/* rng: seeded pseudo-random streams, one per node (or per purpose), derived from the seed.
 *
 * The generator is part of the simulator's contract (the same scenario and seed give the same
 * run on every machine), so it is specified here exactly; all arithmetic is mod 2^64.
 *
 *   Seeding, rng_init(r, seed, stream):
 *     x = thash(seed, stream)                          (RULES T3, model/thash.h)
 *     s[0], s[1], s[2], s[3] = four successive splitmix64(x) outputs, where each step is
 *       x += 0x9e3779b97f4a7c15; z = x;
 *       z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
 *       z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
 *       output z ^ (z >> 31)
 *     (the four outputs are distinct, so the state is never all zero).
 *
 *   rng_next_u64, xoshiro256** (Blackman and Vigna, 2018):
 *     result = rotl(s[1] * 5, 7) * 9;
 *     t = s[1] << 17;
 *     s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
 *     s[2] ^= t; s[3] = rotl(s[3], 45);
 *     return result
 *
 *   rng_below(r, n), n > 0, Lemire's multiply-and-reject method (2019):
 *     m = x * n as a 128-bit product of x = rng_next_u64(r); lo = low 64 bits of m;
 *     if lo < n: threshold = (2^64 - n) mod n; while lo < threshold: draw x again, recompute;
 *     return the high 64 bits of m.
 *   It is exactly uniform on [0, n) and usually costs one draw. rng_below(r, 0) returns 0 and
 *   draws nothing.
 *
 *   rng_range(r, lo, hi): lo + rng_below(r, hi - lo + 1), inclusive of both ends; the full
 *   int64 range takes one rng_next_u64 as is; hi < lo returns lo and draws nothing.
 *
 * Streams: give each node its id (or any fixed number) as stream; streams of one seed are
 * independent for every practical purpose, and adding a node never shifts another's draws.
 * rng_t is a plain value: copy it to fork a stream's future. Never use rand(). */
#ifndef APPCSIM_RNG_H
#define APPCSIM_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} rng_t;

void rng_init(rng_t *r, uint64_t seed, uint64_t stream);
uint64_t rng_next_u64(rng_t *r);
uint64_t rng_below(rng_t *r, uint64_t n);
int64_t rng_range(rng_t *r, int64_t lo, int64_t hi);

#endif
