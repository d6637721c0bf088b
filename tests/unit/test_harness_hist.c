/* test_harness_hist.c — the load harness's latency histogram
 * (tui/harness/harness_hist.h): exact below 128 µs, within 1/64 above,
 * never below the true value, p100 the exact maximum, any number of values
 * in fixed memory. */
#include <stdint.h>

#include "al_test.h"
#include "harness_hist.h"

AL_TEST(hist_small_values_are_exact) {
    al_hist h;
    al_hist_init(&h);
    for (uint64_t v = 1; v <= 100; v++) al_hist_add(&h, v);
    AL_CHECK_INT(h.count, ==, 100);
    AL_CHECK_INT(al_hist_percentile(&h, 50), ==, 50);
    AL_CHECK_INT(al_hist_percentile(&h, 99), ==, 99);
    AL_CHECK_INT(al_hist_percentile(&h, 100), ==, 100);
    AL_CHECK_MSG(al_hist_mean(&h) > 50.49 && al_hist_mean(&h) < 50.51, "mean %f, expected 50.5",
                 al_hist_mean(&h));
}

AL_TEST(hist_large_values_within_one_64th_never_below) {
    al_hist h;
    al_hist_init(&h);
    static const uint64_t vals[] = {129, 1000, 4097, 65536 + 1, 1000000, 123456789};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        al_hist_init(&h);
        al_hist_add(&h, vals[i]);
        al_hist_add(&h, vals[i] * 10);   /* so p50 is not capped at the maximum */
        uint64_t p = al_hist_percentile(&h, 50);
        AL_CHECK_MSG(p >= vals[i] && p <= vals[i] + vals[i] / 64 + 1, "value %llu reported as %llu "
                     "(expected within 1/64 above)", (unsigned long long)vals[i], (unsigned long long)p);
    }
}

AL_TEST(hist_p100_is_the_exact_maximum_and_empty_is_zero) {
    al_hist h;
    al_hist_init(&h);
    AL_CHECK_INT(al_hist_percentile(&h, 50), ==, 0);
    al_hist_add(&h, 7);
    al_hist_add(&h, 987654);
    AL_CHECK_INT(al_hist_percentile(&h, 100), ==, 987654);
    AL_CHECK_INT(h.min, ==, 7);
    AL_CHECK_INT(h.max, ==, 987654);
}

AL_TEST(hist_values_past_the_range_land_in_the_last_bucket) {
    al_hist h;
    al_hist_init(&h);
    al_hist_add(&h, UINT64_MAX);
    al_hist_add(&h, (uint64_t)1 << 50);
    AL_CHECK_INT(h.count, ==, 2);
    AL_CHECK_INT(al_hist_percentile(&h, 100), ==, UINT64_MAX);
    AL_CHECK_MSG(al_hist_percentile(&h, 50) >= ((uint64_t)1 << 40), "a value past 2^40 us must not "
                 "be reported below the range");
}
