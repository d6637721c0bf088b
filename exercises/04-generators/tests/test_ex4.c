/* test_ex4.c — the visible tests of exercise 4 (generators).
 *
 * Every test drives the student's generators through the core's
 * al_gen_next / al_gen_send / al_gen_close and compares each value with the
 * one Python would produce. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "al_test.h"
#include "ex4.h"

/* Collect up to max values; returns how many, and the final return code of
 * the generator (0 finished, < 0 failed, 1 still yielding at max) in *end. */
static int collect(al_gen *g, intptr_t *out, int max, int *end) {
    int n = 0;
    intptr_t v;
    int rc;
    while ((rc = al_gen_next(g, &v)) == AL_GEN_YIELDED) {
        if (n == max) break;
        out[n++] = v;
    }
    *end = rc;
    return n;
}

static void check_range(long start, long stop, long step, const long *want, int nwant) {
    struct ex4_range r = {.start = start, .stop = stop, .step = step};
    al_gen_init(&r.gen, ex4_range);
    intptr_t got[64];
    int end;
    int n = collect(&r.gen, got, 64, &end);
    AL_CHECK_MSG(n == nwant, "range(%ld, %ld, %ld): expected %d values, got %d", start, stop, step,
                 nwant, n);
    for (int i = 0; i < n && i < nwant; i++)
        AL_CHECK_MSG(got[i] == want[i], "range(%ld, %ld, %ld): value %d: expected %ld, got %ld",
                     start, stop, step, i, want[i], (long)got[i]);
    AL_CHECK_MSG(end == 0, "range(%ld, %ld, %ld): expected to finish normally (al_gen_next "
                 "returns 0), got %d", start, stop, step, end);
}

AL_TEST(range_basic) {
    static const long want[] = {0, 1, 2, 3, 4};
    check_range(0, 5, 1, want, 5);
    check_range(3, 3, 1, NULL, 0);
    check_range(5, 2, 1, NULL, 0);
    struct ex4_range r = {.start = 0, .stop = 2, .step = 1};
    al_gen_init(&r.gen, ex4_range);
    intptr_t v;
    AL_CHECK_INT(al_gen_next(&r.gen, &v), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(al_gen_next(&r.gen, &v), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(al_gen_next(&r.gen, &v), ==, 0);
    AL_CHECK_MSG(al_gen_next(&r.gen, &v) == -ENODATA,
                 "a finished generator must stay finished (the core says -ENODATA)");
}

AL_TEST(range_step) {
    static const long want[] = {1, 4, 7};
    check_range(1, 10, 3, want, 3);
    static const long want2[] = {-5, 0, 5};
    check_range(-5, 6, 5, want2, 3);
}

AL_TEST(range_negative_step) {
    static const long want[] = {5, 3, 1};
    check_range(5, 0, -2, want, 3);
    static const long want2[] = {2, 1, 0, -1};
    check_range(2, -2, -1, want2, 4);
    check_range(0, 5, -1, NULL, 0);
}

AL_TEST(range_step_zero) {
    struct ex4_range r = {.start = 0, .stop = 5, .step = 0};
    al_gen_init(&r.gen, ex4_range);
    intptr_t v = 0;
    int rc = al_gen_next(&r.gen, &v);
    AL_CHECK_MSG(rc == -EINVAL, "range(0, 5, 0): expected the first next to fail with -EINVAL "
                 "(%d), got %d", -EINVAL, rc);
    AL_CHECK_MSG(al_gen_finished(&r.gen), "after failing, the generator must be finished");
}

AL_TEST(fib_first_ten) {
    struct ex4_fib f = {0};
    al_gen_init(&f.gen, ex4_fib);
    static const long want[] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34};
    for (int i = 0; i < 10; i++) {
        intptr_t v = -1;
        int rc = al_gen_next(&f.gen, &v);
        AL_REQUIRE_MSG(rc == AL_GEN_YIELDED, "F(%d): expected a value, al_gen_next returned %d", i, rc);
        AL_CHECK_MSG(v == want[i], "F(%d): expected %ld, got %ld", i, want[i], (long)v);
    }
}

AL_TEST(fib_until_overflow) {
    struct ex4_fib f = {0};
    al_gen_init(&f.gen, ex4_fib);
    intptr_t last = -1, v;
    long n = 0;
    int rc;
    while ((rc = al_gen_next(&f.gen, &v)) == AL_GEN_YIELDED && n < 200) {
        if (n >= 3) AL_REQUIRE_MSG(v > last, "F(%ld) = %ld is not larger than F(%ld) = %ld: overflow?",
                                   n, (long)v, n - 1, (long)last);
        last = v;
        n++;
    }
    AL_CHECK_MSG(n == 93, "expected 93 numbers (F(0) to F(92)), got %ld", n);
    AL_CHECK_MSG(last == (intptr_t)7540113804746346429LL, "expected the last to be F(92) = "
                 "7540113804746346429, got %ld", (long)last);
    AL_CHECK_MSG(rc == 0, "expected the generator to finish (al_gen_next returns 0), got %d", rc);
    AL_CHECK_MSG(f.gen.value == 93, "expected the return value (AL_GEN_RETURN) to be the count, 93; "
                 "got %ld", (long)f.gen.value);
}

AL_TEST(fib_frames_independent) {
    struct ex4_fib a = {0}, b = {0};
    al_gen_init(&a.gen, ex4_fib);
    al_gen_init(&b.gen, ex4_fib);
    intptr_t va, vb;
    /* a runs ahead by 5, then both advance in turn: each frame has its own state. */
    for (int i = 0; i < 5; i++) al_gen_next(&a.gen, &va);
    static const long fib[] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377};
    for (int i = 0; i < 10; i++) {
        AL_REQUIRE_INT(al_gen_next(&a.gen, &va), ==, AL_GEN_YIELDED);
        AL_REQUIRE_INT(al_gen_next(&b.gen, &vb), ==, AL_GEN_YIELDED);
        AL_CHECK_MSG(va == fib[i + 5], "generator a, F(%d): expected %ld, got %ld (state shared "
                     "between frames? keep it in the frame, not in static variables)", i + 5,
                     fib[i + 5], (long)va);
        AL_CHECK_MSG(vb == fib[i], "generator b, F(%d): expected %ld, got %ld", i, fib[i], (long)vb);
    }
}

AL_TEST(average_by_send) {
    struct ex4_average avg = {0};
    al_gen_init(&avg.gen, ex4_average);
    intptr_t v = -1;
    AL_REQUIRE_MSG(al_gen_next(&avg.gen, &v) == AL_GEN_YIELDED, "starting with al_gen_next must yield");
    AL_CHECK_MSG(v == 0, "the first yield (before any send) must be 0, got %ld", (long)v);
    static const long sent[] = {10, 20, 30, -60, 7};
    static const long want[] = {10, 15, 20, 0, 1};
    for (int i = 0; i < 5; i++) {
        int rc = al_gen_send(&avg.gen, sent[i], &v);
        AL_REQUIRE_MSG(rc == AL_GEN_YIELDED, "send(%ld): expected a yield, got %d", sent[i], rc);
        AL_CHECK_MSG(v == want[i], "after sending %ld: expected the average %ld, got %ld", sent[i],
                     want[i], (long)v);
    }
}

/* The end of the pipeline, written here: keeps every line it is sent, and
 * notes when it is closed. */
struct collector {
    al_gen gen;
    const char *lines[16];
    int count;
    int closed;
};

static int collector(al_gen *g) {
    struct collector *c = (struct collector *)g;
    AL_GEN_BEGIN(g);
    for (;;) {
        AL_GEN_YIELD(g, 0);
        if (c->count < 16) c->lines[c->count++] = (const char *)AL_GEN_SENT(g);
    }
    AL_GEN_FINALLY(g);
    c->closed = 1;
    AL_GEN_END(g);
}

static const char *const log_lines[] = {
    "INFO starting", "ERROR disk full", "INFO retrying", "WARN slow", "ERROR gave up",
};

AL_TEST(pipeline_filters) {
    struct collector sink = {0};
    al_gen_init(&sink.gen, collector);
    intptr_t v;
    AL_REQUIRE_INT(al_gen_next(&sink.gen, &v), ==, AL_GEN_YIELDED);
    struct ex4_grep grep = {.pattern = "ERROR", .target = &sink.gen};
    al_gen_init(&grep.gen, ex4_grep);
    AL_REQUIRE_MSG(al_gen_next(&grep.gen, NULL) == AL_GEN_YIELDED, "starting grep with al_gen_next "
                   "must yield (it then waits for the first line)");
    for (int i = 0; i < 5; i++) {
        int rc = al_gen_send(&grep.gen, (intptr_t)log_lines[i], NULL);
        AL_REQUIRE_MSG(rc == AL_GEN_YIELDED, "sending \"%s\" to grep: expected it to yield, got %d",
                       log_lines[i], rc);
    }
    AL_CHECK_MSG(sink.count == 2, "expected the 2 ERROR lines to reach the end of the pipeline, "
                 "got %d lines", sink.count);
    if (sink.count >= 1) AL_CHECK_STR(sink.lines[0], "ERROR disk full");
    if (sink.count >= 2) AL_CHECK_STR(sink.lines[1], "ERROR gave up");
}

AL_TEST(pipeline_close) {
    struct collector sink = {0};
    al_gen_init(&sink.gen, collector);
    intptr_t v;
    AL_REQUIRE_INT(al_gen_next(&sink.gen, &v), ==, AL_GEN_YIELDED);
    struct ex4_grep grep = {.pattern = "WARN", .target = &sink.gen};
    al_gen_init(&grep.gen, ex4_grep);
    intptr_t ignored;
    AL_REQUIRE_INT(al_gen_next(&grep.gen, &ignored), ==, AL_GEN_YIELDED);
    AL_REQUIRE_INT(al_gen_send(&grep.gen, (intptr_t)"WARN hot", &ignored), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(al_gen_close(&grep.gen), ==, 0);
    AL_CHECK_MSG(al_gen_finished(&grep.gen), "after al_gen_close, grep must be finished");
    AL_CHECK_MSG(sink.closed == 1, "closing grep must close its target (al_gen_close in "
                 "AL_GEN_FINALLY): the collector's FINALLY did not run");
    AL_CHECK_INT(sink.count, ==, 1);
}
