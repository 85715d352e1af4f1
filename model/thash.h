/* thash: the deterministic hash h(a, b) of RULES T3.
 *
 * Rules that need a stable pseudo-random choice (P6 in-region order, P7 jitter, the simulator's
 * random streams) use this function, so its output is part of the specification: FNV-1a-64 over
 * the 16 bytes of a then b, each big-endian, followed by the finaliser
 *   v ^= v >> 30; v *= 0xbf58476d1ce4e5b9; v ^= v >> 27; v *= 0x94d049bb133111eb; v ^= v >> 31
 * (all arithmetic mod 2^64). The FNV-1a only mixes poorly in its high bits; the finaliser
 * spreads every input bit over the whole word. Pure: no state, no allocation. */
#ifndef APPCSIM_THASH_H
#define APPCSIM_THASH_H

#include <stdint.h>

uint64_t thash(uint64_t a, uint64_t b);

#endif
