/* simtime: the simulator's time type, and durations written as text.
 *
 * T1: time is an integer number of nanoseconds from the start of the run. The same type holds
 * instants and durations. Text forms are a decimal number and a unit, with no space:
 *   "20ns" "10us" "150ms" "2.5s" "1.5m" "1h" "2d", and "0" (the one value that needs no unit).
 * Units: ns, us (microseconds), ms, s, m (minutes), h (hours), d (days of 86400 s). Parsing is
 * exact integer arithmetic: the value must be a whole number of nanoseconds ("1.5ns" and
 * "0.0000000001s" are errors), not negative, and at most SIMTIME_MAX. No sign, exponent,
 * space or leading '.' is accepted. */
#ifndef APPCSIM_SIMTIME_H
#define APPCSIM_SIMTIME_H

#include <stdint.h>

#include "errinfo.h"

typedef int64_t sim_time_t;

#define SIMTIME_NS ((sim_time_t)1)
#define SIMTIME_US ((sim_time_t)1000)
#define SIMTIME_MS ((sim_time_t)1000000)
#define SIMTIME_S ((sim_time_t)1000000000)
#define SIMTIME_MIN (60 * SIMTIME_S)
#define SIMTIME_HOUR (3600 * SIMTIME_S)
#define SIMTIME_DAY (86400 * SIMTIME_S)
#define SIMTIME_MAX INT64_MAX

/* Size of the buffer simtime_format needs (the longest output is 22 bytes with the NUL). */
#define SIMTIME_BUF 32

/* a + b saturated to [INT64_MIN, SIMTIME_MAX]: an instant plus a delay that would pass the end of
 * time is the end of time ("never"), not a signed overflow. Every sum of times in sim/ goes
 * through it. */
static inline sim_time_t simtime_add_sat(sim_time_t a, sim_time_t b)
{
    sim_time_t sum;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? SIMTIME_MAX : INT64_MIN;
    return sum;
}

/* Parses a duration or instant (see above) into *out. Returns 0, or -1 with err quoting the
 * text and saying what is wrong; *out is untouched on error. */
int simtime_parse(const char *text, sim_time_t *out, errinfo_t *err);

/* Writes the shortest exact text of t that simtime_parse reads back to t: "0s" for zero;
 * seconds with as few decimals as needed from 1 s up ("2.5s", "3600s", "1.000000001s"); below
 * that ms, us or ns ("150ms", "1.5ms", "10us", "20ns"). Negative values (differences) get a
 * leading '-', which the parser does not accept. Returns buf. */
const char *simtime_format(sim_time_t t, char buf[SIMTIME_BUF]);

#endif
