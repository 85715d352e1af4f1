#include "region.h"

int ctrl_region_initial(const int64_t *latency, size_t n_regions)
{
    int best = -1;
    for (size_t r = 0; r < n_regions; r++) {
        if (latency[r] < 0)
            continue;
        /* Strictly lower only: on a tie the earlier (lower) region id stays. */
        if (best < 0 || latency[r] < latency[best])
            best = (int)r;
    }
    return best;
}

int ctrl_region_update(int current, const int64_t *latency, size_t n_regions)
{
    int best = ctrl_region_initial(latency, n_regions);
    if (current < 0 || (size_t)current >= n_regions || latency[current] < 0)
        return best;
    if (best == current)
        return current;
    /* best >= 0 here: current itself has a latency. Both values are >= 0, so nothing overflows. */
    int64_t old = latency[current];
    int64_t new = latency[best];
    if (old - new >= CTRL_REGION_MIN_GAIN_NS && new <= (old / 3) * 2)
        return best;
    return current;
}
