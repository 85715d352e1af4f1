#include "thash.h"

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x00000100000001b3ULL

static uint64_t fnv1a_u64_be(uint64_t h, uint64_t x)
{
    for (int shift = 56; shift >= 0; shift -= 8) {
        h ^= (x >> shift) & 0xff;
        h *= FNV64_PRIME;
    }
    return h;
}

uint64_t thash(uint64_t a, uint64_t b)
{
    uint64_t v = fnv1a_u64_be(fnv1a_u64_be(FNV64_OFFSET, a), b);
    v ^= v >> 30;
    v *= 0xbf58476d1ce4e5b9ULL;
    v ^= v >> 27;
    v *= 0x94d049bb133111ebULL;
    v ^= v >> 31;
    return v;
}
