/* test_ex4.c — the visible tests of exercise 4 (generators).
 *
 * The judge's side: every test asks the subject (probe_ex4.c) to drive the
 * student's generators through the core's al_gen_next / al_gen_send /
 * al_gen_close, and compares each value it reports with the one Python
 * would produce. The expected values live here only. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "al_kit.h"
#include "al_test.h"
#include "ex4_probe.h"

#define AL_GEN_YIELDED 1

/* Run `nops` ops on frame 0 (all next, or as given) and get the answer. */
static void drive(ex4_drive_in *in, ex4_drive_out *out, const char *what) {
    AL_CALL(drive, *in, *out, -1, what);
}

static void add_op(ex4_drive_in *in, int frame, int op, long value) {
    if (in->nops < EX4_MAX_OPS) {
        in->ops[in->nops].frame = frame;
        in->ops[in->nops].op = op;
        in->ops[in->nops].value = value;
        in->nops++;
    }
}

static void check_range(long start, long stop, long step, const long *want, int nwant) {
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_RANGE;
    in.start = start;
    in.stop = stop;
    in.step = step;
    for (int i = 0; i < 65; i++) add_op(&in, 0, EX4_NEXT, 0);
    char what[96];
    snprintf(what, sizeof what, "range(%ld, %ld, %ld)", start, stop, step);
    drive(&in, &out, what);
    int n = 0;
    while (n < 64 && out.res[n].rc == AL_GEN_YIELDED) n++;
    int end = out.res[n].rc;
    AL_CHECK_MSG(n == nwant, "range(%ld, %ld, %ld): expected %d values, got %d%s", start, stop, step,
                 nwant, n, n == 64 ? " or more" : "");
    for (int i = 0; i < n && i < nwant; i++)
        AL_CHECK_MSG(out.res[i].value == want[i], "range(%ld, %ld, %ld): value %d: expected %ld, got %ld",
                     start, stop, step, i, want[i], out.res[i].value);
    if (n < 64)
        AL_CHECK_MSG(end == 0, "range(%ld, %ld, %ld): expected to finish normally (al_gen_next "
                     "returns 0), got %d", start, stop, step, end);
}

AL_TEST(range_basic) {
    static const long want[] = {0, 1, 2, 3, 4};
    check_range(0, 5, 1, want, 5);
    check_range(3, 3, 1, NULL, 0);
    check_range(5, 2, 1, NULL, 0);
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_RANGE;
    in.stop = 2;
    in.step = 1;
    for (int i = 0; i < 4; i++) add_op(&in, 0, EX4_NEXT, 0);
    drive(&in, &out, "range(0, 2, 1), next four times");
    AL_CHECK_INT(out.res[0].rc, ==, AL_GEN_YIELDED);
    AL_CHECK_INT(out.res[1].rc, ==, AL_GEN_YIELDED);
    AL_CHECK_INT(out.res[2].rc, ==, 0);
    AL_CHECK_MSG(out.res[3].rc == -ENODATA,
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
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_RANGE;
    in.stop = 5;
    add_op(&in, 0, EX4_NEXT, 0);
    drive(&in, &out, "range(0, 5, 0)");
    int rc = out.res[0].rc;
    AL_CHECK_MSG(rc == -EINVAL, "range(0, 5, 0): expected the first next to fail with -EINVAL "
                 "(%d), got %d", -EINVAL, rc);
    AL_CHECK_MSG(out.finished[0], "after failing, the generator must be finished");
}

static const long fib[] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377};

AL_TEST(fib_first_ten) {
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_FIB;
    for (int i = 0; i < 10; i++) add_op(&in, 0, EX4_NEXT, 0);
    drive(&in, &out, "fib, next ten times");
    for (int i = 0; i < 10; i++) {
        AL_REQUIRE_MSG(out.res[i].rc == AL_GEN_YIELDED, "F(%d): expected a value, al_gen_next "
                       "returned %d", i, out.res[i].rc);
        AL_CHECK_MSG(out.res[i].value == fib[i], "F(%d): expected %ld, got %ld", i, fib[i],
                     out.res[i].value);
    }
}

AL_TEST(fib_until_overflow) {
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_FIB;
    for (int i = 0; i < 201; i++) add_op(&in, 0, EX4_NEXT, 0);
    drive(&in, &out, "fib, next until it ends");
    long last = -1, n = 0;
    int rc = 0;
    while (n < 200 && (rc = out.res[n].rc) == AL_GEN_YIELDED) {
        long v = out.res[n].value;
        if (n >= 3) AL_REQUIRE_MSG(v > last, "F(%ld) = %ld is not larger than F(%ld) = %ld: overflow?",
                                   n, v, n - 1, last);
        last = v;
        n++;
    }
    AL_CHECK_MSG(n == 93, "expected 93 numbers (F(0) to F(92)), got %ld", n);
    AL_CHECK_MSG(last == 7540113804746346429L, "expected the last to be F(92) = "
                 "7540113804746346429, got %ld", last);
    AL_CHECK_MSG(rc == 0, "expected the generator to finish (al_gen_next returns 0), got %d", rc);
    AL_CHECK_MSG(out.retval[0] == 93, "expected the return value (AL_GEN_RETURN) to be the count, "
                 "93; got %ld", out.retval[0]);
}

AL_TEST(fib_frames_independent) {
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_FIB;
    /* a runs ahead by 5, then both advance in turn: each frame has its own state. */
    for (int i = 0; i < 5; i++) add_op(&in, 0, EX4_NEXT, 0);
    for (int i = 0; i < 10; i++) {
        add_op(&in, 0, EX4_NEXT, 0);
        add_op(&in, 1, EX4_NEXT, 0);
    }
    drive(&in, &out, "two fib frames in turn");
    for (int i = 0; i < 10; i++) {
        int ka = 5 + 2 * i, kb = ka + 1;
        AL_REQUIRE_INT(out.res[ka].rc, ==, AL_GEN_YIELDED);
        AL_REQUIRE_INT(out.res[kb].rc, ==, AL_GEN_YIELDED);
        AL_CHECK_MSG(out.res[ka].value == fib[i + 5], "generator a, F(%d): expected %ld, got %ld "
                     "(state shared between frames? keep it in the frame, not in static variables)",
                     i + 5, fib[i + 5], out.res[ka].value);
        AL_CHECK_MSG(out.res[kb].value == fib[i], "generator b, F(%d): expected %ld, got %ld", i,
                     fib[i], out.res[kb].value);
    }
}

AL_TEST(average_by_send) {
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_AVERAGE;
    static const long sent[] = {10, 20, 30, -60, 7};
    static const long want[] = {10, 15, 20, 0, 1};
    add_op(&in, 0, EX4_NEXT, 0);
    for (int i = 0; i < 5; i++) add_op(&in, 0, EX4_SEND, sent[i]);
    drive(&in, &out, "average: next, then five sends");
    AL_REQUIRE_MSG(out.res[0].rc == AL_GEN_YIELDED, "starting with al_gen_next must yield");
    AL_CHECK_MSG(out.res[0].value == 0, "the first yield (before any send) must be 0, got %ld",
                 out.res[0].value);
    for (int i = 0; i < 5; i++) {
        AL_REQUIRE_MSG(out.res[i + 1].rc == AL_GEN_YIELDED, "send(%ld): expected a yield, got %d",
                       sent[i], out.res[i + 1].rc);
        AL_CHECK_MSG(out.res[i + 1].value == want[i], "after sending %ld: expected the average "
                     "%ld, got %ld", sent[i], want[i], out.res[i + 1].value);
    }
}

static const char *const log_lines[] = {
    "INFO starting", "ERROR disk full", "INFO retrying", "WARN slow", "ERROR gave up",
};

static void pipe_run(ex4_pipe_in *in, ex4_pipe_out *out, const char *pattern,
                     const char *const *lines, int n, int close_after) {
    memset(in, 0, sizeof *in);
    snprintf(in->pattern, sizeof in->pattern, "%s", pattern);
    in->nlines = n;
    for (int i = 0; i < n; i++) snprintf(in->lines[i], sizeof in->lines[i], "%s", lines[i]);
    in->close_after = close_after;
    char what[96];
    snprintf(what, sizeof what, "grep \"%s\" fed %d lines%s", pattern, n, close_after ? ", then closed" : "");
    AL_CALL(pipeline, *in, *out, -1, what);
    out->got[15][EX4_LINE - 1] = 0;
    for (int i = 0; i < 16; i++) out->got[i][EX4_LINE - 1] = 0;
    AL_REQUIRE_INT(out->sink_start_rc, ==, AL_GEN_YIELDED);
    AL_REQUIRE_MSG(out->start_rc == AL_GEN_YIELDED, "starting grep with al_gen_next must yield (it "
                   "then waits for the first line)");
}

AL_TEST(pipeline_filters) {
    static ex4_pipe_in in;
    static ex4_pipe_out out;
    pipe_run(&in, &out, "ERROR", log_lines, 5, 0);
    for (int i = 0; i < 5; i++)
        AL_REQUIRE_MSG(out.send_rc[i] == AL_GEN_YIELDED, "sending \"%s\" to grep: expected it to "
                       "yield, got %d", log_lines[i], out.send_rc[i]);
    AL_CHECK_MSG(out.count == 2, "expected the 2 ERROR lines to reach the end of the pipeline, "
                 "got %d lines", out.count);
    if (out.count >= 1) AL_CHECK_STR(out.got[0], "ERROR disk full");
    if (out.count >= 2) AL_CHECK_STR(out.got[1], "ERROR gave up");
}

AL_TEST(pipeline_close) {
    static ex4_pipe_in in;
    static ex4_pipe_out out;
    static const char *const hot[] = {"WARN hot"};
    pipe_run(&in, &out, "WARN", hot, 1, 1);
    AL_REQUIRE_INT(out.send_rc[0], ==, AL_GEN_YIELDED);
    AL_CHECK_INT(out.close_rc, ==, 0);
    AL_CHECK_MSG(out.finished, "after al_gen_close, grep must be finished");
    AL_CHECK_MSG(out.closed == 1, "closing grep must close its target (al_gen_close in "
                 "AL_GEN_FINALLY): the collector's FINALLY did not run");
    AL_CHECK_INT(out.count, ==, 1);
}

/* ---- hidden twins: the same checks on inputs drawn at run time -------------- */

/* range(start, stop, step) as Python computes it. */
static int python_range(long start, long stop, long step, long *out, int max) {
    int n = 0;
    for (long i = start; (step > 0 ? i < stop : i > stop) && n < max; i += step) out[n++] = i;
    return n;
}

static void range_twin(long step_lo, long step_hi) {
    for (int k = 0; k < 3; k++) {
        long step = al_kit_rand(step_lo, step_hi);
        long start = al_kit_rand(-40, 40);
        /* The first range always has values; the others may be empty. */
        long stop = start + step * al_kit_rand(k == 0 ? 2 : -2, 12) + al_kit_rand(-1, 1);
        long want[64];
        int n = python_range(start, stop, step, want, 64);
        check_range(start, stop, step, want, n);
    }
}

AL_TEST(range_basic_twin) {
    range_twin(1, 1);
}

AL_TEST(range_step_twin) {
    range_twin(2, 9);
}

AL_TEST(range_negative_step_twin) {
    range_twin(-9, -1);
}

AL_TEST(range_step_zero_twin) {
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_RANGE;
    in.start = al_kit_rand(-40, 40);
    in.stop = in.start + al_kit_rand(1, 40);
    add_op(&in, 0, EX4_NEXT, 0);
    char what[96];
    snprintf(what, sizeof what, "range(%ld, %ld, 0)", in.start, in.stop);
    drive(&in, &out, what);
    AL_CHECK_MSG(out.res[0].rc == -EINVAL, "%s: expected the first next to fail with -EINVAL (%d), "
                 "got %d", what, -EINVAL, out.res[0].rc);
    AL_CHECK_MSG(out.finished[0], "%s: after failing, the generator must be finished", what);
}

AL_TEST(fib_first_ten_twin) {
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_FIB;
    int n = (int)al_kit_rand(11, 90);
    for (int i = 0; i < n; i++) add_op(&in, 0, EX4_NEXT, 0);
    char what[64];
    snprintf(what, sizeof what, "fib, next %d times", n);
    drive(&in, &out, what);
    long a = 0, b = 1;
    for (int i = 0; i < n; i++) {
        AL_REQUIRE_MSG(out.res[i].rc == AL_GEN_YIELDED, "F(%d): expected a value, al_gen_next "
                       "returned %d", i, out.res[i].rc);
        AL_REQUIRE_MSG(out.res[i].value == a, "F(%d): expected %ld, got %ld", i, a, out.res[i].value);
        long next = a + b;
        a = b;
        b = next;
    }
}

AL_TEST(fib_frames_independent_twin) {
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_FIB;
    int lead = (int)al_kit_rand(1, 20);
    for (int i = 0; i < lead; i++) add_op(&in, 0, EX4_NEXT, 0);
    for (int i = 0; i < 10; i++) {
        add_op(&in, 1, EX4_NEXT, 0);
        add_op(&in, 0, EX4_NEXT, 0);
    }
    drive(&in, &out, "two fib frames, one ahead");
    long f[40] = {0, 1};
    for (int i = 2; i < 40; i++) f[i] = f[i - 1] + f[i - 2];
    for (int i = 0; i < 10; i++) {
        int kb = lead + 2 * i, ka = kb + 1;
        AL_REQUIRE_MSG(out.res[ka].value == f[lead + i] && out.res[kb].value == f[i],
                       "a %d ahead of b, step %d: expected a = F(%d) = %ld and b = F(%d) = %ld, got "
                       "%ld and %ld (state shared between frames?)", lead, i, lead + i, f[lead + i],
                       i, f[i], out.res[ka].value, out.res[kb].value);
    }
}

AL_TEST(average_by_send_twin) {
    static ex4_drive_in in;
    static ex4_drive_out out;
    memset(&in, 0, sizeof in);
    in.kind = EX4_AVERAGE;
    int n = (int)al_kit_rand(3, 12);
    long sent[12];
    add_op(&in, 0, EX4_NEXT, 0);
    /* At least one negative number, somewhere, as the visible test has one. */
    int neg = (int)al_kit_rand(0, n - 1);
    for (int i = 0; i < n; i++) {
        sent[i] = i == neg ? al_kit_rand(-1000, -1) : al_kit_rand(-1000, 1000);
        add_op(&in, 0, EX4_SEND, sent[i]);
    }
    drive(&in, &out, "average: next, then sends");
    AL_REQUIRE_MSG(out.res[0].rc == AL_GEN_YIELDED && out.res[0].value == 0, "starting with "
                   "al_gen_next must yield 0");
    long sum = 0;
    for (int i = 0; i < n; i++) {
        sum += sent[i];
        long want = sum / (i + 1);
        AL_REQUIRE_MSG(out.res[i + 1].rc == AL_GEN_YIELDED && out.res[i + 1].value == want,
                       "after sending %ld (value %d): expected the average %ld, got %ld (rc %d)",
                       sent[i], i + 1, want, out.res[i + 1].value, out.res[i + 1].rc);
    }
}

/* Lines made of words drawn at run time; some hold the pattern. */
static void random_lines(char lines[][EX4_LINE], int n, char *pattern, size_t plen) {
    static const char *const words[] = {"disk", "net", "cpu", "fan", "log", "db", "cache", "job"};
    static const char *const levels[] = {"INFO", "WARN", "ERROR", "DEBUG"};
    snprintf(pattern, plen, "%s", levels[al_kit_rand(0, 3)]);
    for (int i = 0; i < n; i++)
        snprintf(lines[i], EX4_LINE, "%s %s %ld", levels[al_kit_rand(0, 3)], words[al_kit_rand(0, 7)],
                 al_kit_rand(0, 999));
}

AL_TEST(pipeline_filters_twin) {
    static ex4_pipe_in in;
    static ex4_pipe_out out;
    char lines[EX4_LINES][EX4_LINE], pattern[16];
    random_lines(lines, EX4_LINES, pattern, sizeof pattern);
    const char *ptrs[EX4_LINES];
    for (int i = 0; i < EX4_LINES; i++) ptrs[i] = lines[i];
    pipe_run(&in, &out, pattern, ptrs, EX4_LINES, 0);
    int want = 0;
    for (int i = 0; i < EX4_LINES; i++) {
        AL_REQUIRE_INT(out.send_rc[i], ==, AL_GEN_YIELDED);
        if (!strstr(lines[i], pattern)) continue;
        AL_CHECK_MSG(want < out.count && strcmp(out.got[want], lines[i]) == 0, "grep \"%s\": line "
                     "%d of the output: expected \"%s\", got \"%s\"", pattern, want + 1, lines[i],
                     want < out.count ? out.got[want] : "(nothing)");
        want++;
    }
    AL_CHECK_MSG(out.count == want, "grep \"%s\": expected %d lines through, got %d", pattern, want,
                 out.count);
}

AL_TEST(pipeline_close_twin) {
    static ex4_pipe_in in;
    static ex4_pipe_out out;
    char lines[1][EX4_LINE], pattern[16];
    random_lines(lines, 1, pattern, sizeof pattern);
    snprintf(lines[0], EX4_LINE, "%s %ld", pattern, al_kit_rand(0, 999));
    const char *ptrs[1] = {lines[0]};
    pipe_run(&in, &out, pattern, ptrs, 1, 1);
    AL_CHECK_INT(out.close_rc, ==, 0);
    AL_CHECK_MSG(out.finished, "after al_gen_close, grep must be finished");
    AL_CHECK_MSG(out.closed == 1, "closing grep must close its target");
    AL_CHECK_MSG(out.count == 1 && strcmp(out.got[0], lines[0]) == 0, "grep \"%s\": expected "
                 "\"%s\" through, got %d lines", pattern, lines[0], out.count);
}
