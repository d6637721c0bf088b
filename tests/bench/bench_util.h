/* bench_util.h — what the benchmark programs share: a monotonic clock in
 * seconds and a whole-number option checked against its range (a bad one
 * names the flag and exits 2). Header-only: each benchmark is one file. */
#ifndef AL_BENCH_UTIL_H
#define AL_BENCH_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline long bench_arg_long(const char *prog, const char *flag, const char *value, long min,
                                  long max) {
    char *end;
    errno = 0;
    long v = value ? strtol(value, &end, 10) : 0;
    if (!value || errno || *end || v < min || v > max) {
        fprintf(stderr, "%s: %s wants a number from %ld to %ld\n", prog, flag, min, max);
        exit(2);
    }
    return v;
}

#endif
