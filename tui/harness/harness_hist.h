/* harness_hist.h — latencies in a fixed histogram (HdrHistogram's log-linear buckets).
 *
 * A load run may time millions of requests. Keeping every latency to sort
 * them at the end would cost memory per request; instead each value lands in
 * a bucket. Buckets are exact below 128 µs; above, every power of two is cut
 * into 64 equal sub-buckets, so a value is known to within 1/64 (1.6 %) of
 * itself, from 128 µs to 2^40 µs (12 days), in 2240 counters (18 KiB),
 * whatever the number of requests. Percentiles read the buckets in order.
 *
 * Contract: plain struct, no allocation; values in µs; values past the range
 * are counted in the last bucket. A percentile reports its bucket's upper
 * edge (never below the true value), capped at the largest value seen, so
 * p100 is the exact maximum.
 */
#ifndef AL_HARNESS_HIST_H
#define AL_HARNESS_HIST_H

#include <stdint.h>

#define AL_HIST_SUB 64
#define AL_HIST_BUCKETS (2 * AL_HIST_SUB + 33 * AL_HIST_SUB)

typedef struct al_hist {
    uint64_t count;
    uint64_t min, max;      /* exact */
    double sum;             /* for the mean */
    uint64_t counts[AL_HIST_BUCKETS];
} al_hist;

void al_hist_init(al_hist *h);
void al_hist_add(al_hist *h, uint64_t us);
/* The p-th percentile (0 < p <= 100) in µs; 0 for an empty histogram. */
uint64_t al_hist_percentile(const al_hist *h, double p);
double al_hist_mean(const al_hist *h);

#endif
