/* gen_prefixes: writes N lines of random IPv4 prefixes for the coalesce benchmark: 10% /24
 * (printed as a.b.c.0/24), 90% host addresses (printed bare). Deterministic: splitmix64 from a
 * fixed seed, so every machine gets the same file.
 * usage: gen_prefixes N [SEED] > FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: gen_prefixes N [SEED]\n");
        return 2;
    }
    unsigned long n = strtoul(argv[1], NULL, 10);
    uint64_t rng = argc == 3 ? strtoull(argv[2], NULL, 0) : 20240601u;
    for (unsigned long i = 0; i < n; i++) {
        uint64_t r = splitmix64(&rng);
        uint32_t a = (uint32_t)(r >> 32);
        if (r % 10 == 0)
            printf("%u.%u.%u.0/24\n", a >> 24, a >> 16 & 255, a >> 8 & 255);
        else
            printf("%u.%u.%u.%u\n", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
    }
    return ferror(stdout) ? 1 : 0;
}
