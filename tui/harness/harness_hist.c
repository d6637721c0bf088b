/* harness_hist.c — the log-linear latency histogram (see harness_hist.h). */
#include "harness_hist.h"

#include <math.h>
#include <string.h>

#define DIRECT (2 * AL_HIST_SUB)          /* values below this have a bucket each */
#define MAX_VALUE (((uint64_t)1 << 40) - 1)

void al_hist_init(al_hist *h) {
    memset(h, 0, sizeof *h);
}

static int highest_bit(uint64_t v) { return 63 - __builtin_clzll(v); }

/* Above DIRECT: the value's top 7 bits pick the sub-bucket (64..127 of its
 * power of two), the rest is the precision we give up. */
static int bucket_of(uint64_t v) {
    if (v > MAX_VALUE) v = MAX_VALUE;
    if (v < DIRECT) return (int)v;
    int shift = highest_bit(v) - 6;                   /* v >> shift is in [64, 127] */
    return DIRECT + (shift - 1) * AL_HIST_SUB + (int)((v >> shift) - AL_HIST_SUB);
}

static uint64_t bucket_upper(int i) {
    if (i < DIRECT) return (uint64_t)i;
    int shift = (i - DIRECT) / AL_HIST_SUB + 1;
    uint64_t top = (uint64_t)((i - DIRECT) % AL_HIST_SUB + AL_HIST_SUB);
    return ((top + 1) << shift) - 1;
}

void al_hist_add(al_hist *h, uint64_t us) {
    if (h->count == 0 || us < h->min) h->min = us;
    if (us > h->max) h->max = us;
    h->count++;
    h->sum += (double)us;
    h->counts[bucket_of(us)]++;
}

uint64_t al_hist_percentile(const al_hist *h, double p) {
    if (h->count == 0) return 0;
    if (p <= 0) return h->min;
    uint64_t rank = (uint64_t)ceil(p / 100.0 * (double)h->count);
    if (rank < 1) rank = 1;
    if (rank > h->count) rank = h->count;
    uint64_t seen = 0;
    for (int i = 0; i < AL_HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            /* The last bucket also holds every value past the range: its
             * edge could be below them, the maximum is not. */
            if (i == AL_HIST_BUCKETS - 1) return h->max;
            uint64_t v = bucket_upper(i);
            return v > h->max ? h->max : v;
        }
    }
    return h->max;
}

double al_hist_mean(const al_hist *h) {
    return h->count ? h->sum / (double)h->count : 0.0;
}
