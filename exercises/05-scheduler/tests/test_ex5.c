/* test_ex5.c — the visible tests of exercise 5 (a mini scheduler).
 *
 * The judge's side: every test describes a scenario of small generator
 * tasks, the subject (probe_ex5.c) runs it on the student's scheduler and
 * logs what happened, and the test checks *when* things happened on the
 * virtual clock, to the microsecond: concurrency is graded by timing, and
 * virtual time makes timing exact. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "al_kit.h"
#include "al_test.h"
#include "ex5_probe.h"

#define SEC 1000000

static ex5_scenario sc;
static ex5_seen seen;

static void reset(void) {
    memset(&sc, 0, sizeof sc);
    sc.timeout = -1;
}

static void add_sleeper(int id, int64_t us) {
    if (sc.nsleepers < EX5_MAX_SLEEPERS) sc.sleepers[sc.nsleepers++] = (ex5_sleeper_spec){id, 0, us};
}

/* Run the scenario in the subject; the answer is in `seen`. */
static void run(const char *what) {
    AL_CALL(scenario, sc, seen, -1, what);
    AL_REQUIRE_MSG(seen.new_rc == 0, "ex5_sched_new: expected 0, got %d", seen.new_rc);
    AL_CHECK_MSG(seen.run_rc == 0, "ex5_run: expected 0, got %d", seen.run_rc);
    if (seen.nevents < 0 || seen.nevents > EX5_MAX_EVENTS) seen.nevents = 0;
}

/* The finish time of a task id, -1 if it never finished. */
static int64_t finished_at(int id) {
    for (int i = 0; i < seen.nevents; i++)
        if (seen.ev[i].id == id && seen.ev[i].what == 'f') return seen.ev[i].at;
    return -1;
}

static void finish_order(char *order, size_t len) {
    order[0] = 0;
    for (int i = 0; i < seen.nevents; i++)
        if (seen.ev[i].what == 'f' && strlen(order) < len - 1)
            order[strlen(order)] = (char)('0' + seen.ev[i].id % 10);
}

AL_TEST(one_task_sleeps) {
    reset();
    add_sleeper(1, 1500000);
    run("one task sleeping 1.5 s");
    AL_CHECK_INT(seen.spawn_rc, ==, 0);
    AL_CHECK_MSG(seen.events_after_spawn == 0, "ex5_spawn must not run the task (it starts in ex5_run)");
    AL_CHECK_MSG(finished_at(1) == 1500000, "a task sleeping 1.5 s: expected it to finish at "
                 "1500000 us, got %lld", (long long)finished_at(1));
    AL_CHECK_MSG(seen.now == 1500000, "expected the clock at 1500000 us after the run, got %lld",
                 (long long)seen.now);
    AL_CHECK_MSG(seen.top_done[0] == 1, "expected the task to be done");
    AL_CHECK_MSG(seen.top_result[0] == 0, "expected its result 0, got %d", seen.top_result[0]);
}

AL_TEST(three_finish_together) {
    reset();
    for (int i = 0; i < 3; i++) add_sleeper(i + 1, SEC);
    run("three tasks sleeping 1 s");
    for (int i = 0; i < 3; i++)
        AL_CHECK_MSG(finished_at(i + 1) == SEC, "three tasks sleeping 1 s each must finish "
                     "together at 1000000 us; task %d finished at %lld (do they sleep one after "
                     "another?)", i + 1, (long long)finished_at(i + 1));
    AL_CHECK_MSG(seen.now == SEC, "expected the whole run to take 1000000 us of virtual time, "
                 "took %lld", (long long)seen.now);
}

AL_TEST(wake_order) {
    reset();
    static const int64_t secs[3] = {3, 1, 2};
    for (int i = 0; i < 3; i++) add_sleeper(i + 1, secs[i] * SEC);
    run("tasks sleeping 3, 1 and 2 s");
    for (int i = 0; i < 3; i++)
        AL_CHECK_MSG(finished_at(i + 1) == secs[i] * SEC, "task %d sleeping %lld s: expected "
                     "it to finish at %lld us, got %lld", i + 1, (long long)secs[i],
                     (long long)(secs[i] * SEC), (long long)finished_at(i + 1));
    char order[8];
    finish_order(order, sizeof order);
    AL_CHECK_STR(order, "231");
}

AL_TEST(fifo_ties) {
    reset();
    for (int i = 0; i < 5; i++) add_sleeper(i + 1, SEC);
    run("five tasks sleeping the same 1 s");
    char order[8];
    finish_order(order, sizeof order);
    AL_CHECK_MSG(strcmp(order, "12345") == 0, "five tasks sleeping the same 1 s must wake in the "
                 "order they went to sleep (12345), woke %s", order);
    for (int i = 0; i < 5; i++) AL_CHECK_INT(finished_at(i + 1), ==, SEC);
}

AL_TEST(sleep_zero_interleaves) {
    reset();
    sc.steppers = 1;
    run("two tasks taking three steps with sleep(0) between");
    char got[64] = "";
    for (int i = 0; i < seen.nevents && strlen(got) < 56; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%c%d", i ? " " : "",
                 seen.ev[i].id / 10 == 1 ? 'A' : 'B', seen.ev[i].id % 10);
    AL_CHECK_MSG(strcmp(got, "A1 B1 A2 B2 A3 B3") == 0, "two tasks that each sleep(0) between "
                 "steps must take turns: expected \"A1 B1 A2 B2 A3 B3\", got \"%s\"", got);
    AL_CHECK_MSG(seen.now == 0, "sleep(0) takes no time: expected the clock at 0, got %lld",
                 (long long)seen.now);
}

/* A parent gathering `n` sleepers of the given lengths (and failures). */
static void gather_case(const int64_t *us, const int *fail, int n, int64_t timeout, const char *what) {
    reset();
    sc.parent = 1;
    sc.nkids = n;
    sc.timeout = timeout;
    for (int i = 0; i < n; i++) sc.kids[i] = (ex5_sleeper_spec){i + 1, fail ? fail[i] : 0, us[i]};
    run(what);
}

AL_TEST(gather_waits_for_all) {
    static const int64_t us[3] = {1 * SEC, 2 * SEC, 3 * SEC};
    gather_case(us, NULL, 3, -1, "a parent gathering tasks of 1, 2 and 3 s");
    AL_CHECK_MSG(seen.parent_resumed_at == 3 * SEC, "gathering tasks of 1, 2 and 3 s: expected the "
                 "parent to resume at 3000000 us, got %lld", (long long)seen.parent_resumed_at);
    AL_CHECK_MSG(seen.parent_result == 0, "expected the gather's result 0, got %d", seen.parent_result);
    for (int i = 0; i < 3; i++) AL_CHECK_MSG(seen.kid_done[i] == 1, "child %d is not done", i + 1);
}

AL_TEST(gather_first_error) {
    static const int64_t us[3] = {1 * SEC, 2 * SEC, 3 * SEC};
    static const int fail[3] = {0, -EIO, -EPIPE};
    gather_case(us, fail, 3, -1, "a parent gathering three tasks, two of which fail");
    AL_CHECK_MSG(seen.parent_result == -EIO, "children fail with -EIO (2nd) and -EPIPE (3rd): "
                 "expected the first error in list order, -EIO (%d), got %d", -EIO, seen.parent_result);
    for (int i = 0; i < 3; i++)
        AL_CHECK_MSG(seen.kid_done[i] == 1, "child %d is not done: gather waits for all, even after "
                     "an error", i + 1);
    int64_t last = finished_at(3);
    AL_CHECK_MSG(seen.parent_resumed_at == last, "the parent must resume when the last child is done "
                 "(%lld us), resumed at %lld", (long long)last, (long long)seen.parent_resumed_at);
    AL_CHECK_INT(seen.kid_result[1], ==, -EIO);
}

AL_TEST(timeout_cancels) {
    static const int64_t us[1] = {5 * SEC};
    gather_case(us, NULL, 1, 2 * SEC, "waiting 2 s for a 5 s task");
    AL_CHECK_MSG(seen.parent_result == -ETIMEDOUT, "waiting 2 s for a 5 s task: expected -ETIMEDOUT "
                 "(%d), got %d", -ETIMEDOUT, seen.parent_result);
    AL_CHECK_MSG(seen.parent_resumed_at == 2 * SEC, "expected the waiter to resume at 2000000 us, "
                 "got %lld", (long long)seen.parent_resumed_at);
    int64_t cancelled = -1;
    for (int i = 0; i < seen.nevents; i++)
        if (seen.ev[i].id == 1 && seen.ev[i].what == 'c') cancelled = seen.ev[i].at;
    AL_CHECK_MSG(cancelled == 2 * SEC, "the 5 s task must be cancelled at 2000000 us (al_gen_close "
                 "runs its FINALLY), %s %lld", cancelled < 0 ? "it was not; it finished at"
                 : "it was at", (long long)(cancelled < 0 ? finished_at(1) : cancelled));
    AL_CHECK_INT(seen.kid_result[0], ==, -ECANCELED);
    AL_CHECK_MSG(seen.now == 2 * SEC, "after the run the clock must be at 2000000 us (the "
                 "cancelled task's timer removed), it is at %lld", (long long)seen.now);
}

AL_TEST(timeout_not_needed) {
    static const int64_t us[1] = {1 * SEC};
    gather_case(us, NULL, 1, 2 * SEC, "waiting 2 s for a 1 s task");
    AL_CHECK_MSG(seen.parent_result == 0, "waiting 2 s for a 1 s task: expected 0, got %d",
                 seen.parent_result);
    AL_CHECK_MSG(seen.parent_resumed_at == SEC, "expected the waiter to resume at 1000000 us, got "
                 "%lld", (long long)seen.parent_resumed_at);
    AL_CHECK_MSG(seen.now == SEC, "after the run the clock must be at 1000000 us: a timeout that "
                 "was not needed must leave the heap (the clock jumped to %lld)", (long long)seen.now);
}

AL_TEST(timeout_after_early_finish) {
    /* The first gather's kid is done at 1 s, before its 2 s timeout; the
     * second gather (a 3 s kid, timeout 5 s) must not be cut short at 2 s by
     * the first gather's timer. */
    static const int64_t us[1] = {1 * SEC};
    reset();
    sc.parent = 1;
    sc.nkids = 1;
    sc.kids[0] = (ex5_sleeper_spec){1, 0, us[0]};
    sc.timeout = 2 * SEC;
    sc.second = 1;
    sc.kid2 = (ex5_sleeper_spec){100, 0, 3 * SEC};
    sc.timeout2 = 5 * SEC;
    run("two gathers in a row, each with a timeout");
    AL_CHECK_MSG(seen.parent_result == 0 && seen.parent_resumed_at == SEC, "first gather: expected "
                 "0 at 1000000 us, got %d at %lld", seen.parent_result, (long long)seen.parent_resumed_at);
    AL_CHECK_MSG(seen.parent_result2 == 0 && seen.parent_resumed_at2 == 4 * SEC, "second gather (a "
                 "3 s task, timeout 5 s, from 1 s on): expected 0 at 4000000 us, got %d at %lld (the "
                 "first gather's timeout timer still in the heap?)", seen.parent_result2,
                 (long long)seen.parent_resumed_at2);
}

AL_TEST(many_timers_in_order) {
    reset();
    enum { N = 200 };
    for (int i = 0; i < N; i++) add_sleeper(i, (int64_t)((i * 37) % 50) * 10000);
    run("200 tasks with 50 different deadlines");
    /* Expected: by deadline, then by spawn order among equal deadlines. */
    int expect[N], n = 0;
    for (int d = 0; d < 50; d++)
        for (int i = 0; i < N; i++)
            if ((i * 37) % 50 == d) expect[n++] = i;
    int k2 = 0, bad = 0;
    for (int i = 0; i < seen.nevents && !bad; i++) {
        if (seen.ev[i].what != 'f') continue;
        int id = seen.ev[i].id;
        int64_t want = id >= 0 && id < N ? (int64_t)((id * 37) % 50) * 10000 : -1;
        if (k2 >= N || id != expect[k2]) {
            AL_CHECK_MSG(0, "wake-up number %d: expected task %d (deadline %lld us), got task %d",
                         k2 + 1, k2 < N ? expect[k2] : -1,
                         k2 < N ? (long long)((expect[k2] * 37) % 50) * 10000 : -1LL, id);
            bad = 1;
        } else if (seen.ev[i].at != want) {
            AL_CHECK_MSG(0, "task %d should wake at %lld us, woke at %lld", id, (long long)want,
                         (long long)seen.ev[i].at);
            bad = 1;
        }
        k2++;
    }
    AL_CHECK_MSG(bad || k2 == N, "expected %d wake-ups, got %d", N, k2);
}

/* Top-level sleepers (ids 10, 11, ...) beside a parent gathering kids with a
 * timeout: every sleeper must finish at its own length. The scenarios were
 * found by simulating a heap whose removal only sifts down: they take a
 * timer out of the middle of the heap where the last timer, moved into the
 * hole, belongs above it. */
static void check_beside_gather(const int64_t *sleep_s, int n, const int64_t *kid_s, int nkids,
                                int64_t timeout_s, const char *what) {
    reset();
    for (int i = 0; i < n; i++) add_sleeper(10 + i, sleep_s[i] * SEC);
    sc.parent = 1;
    sc.nkids = nkids;
    for (int i = 0; i < nkids; i++) sc.kids[i] = (ex5_sleeper_spec){1 + i, 0, kid_s[i] * SEC};
    sc.timeout = timeout_s * SEC;
    run(what);
    for (int i = 0; i < n; i++) {
        int64_t at = finished_at(10 + i);
        AL_CHECK_MSG(at == sleep_s[i] * SEC, "%s: task %d sleeping %lld s finished at %lld us (when "
                     "a timer leaves the middle of the heap, the one moved into its place may need "
                     "to go up, not only down)", what, 10 + i, (long long)sleep_s[i],
                     (long long)at);
    }
}

AL_TEST(timer_removed_from_middle) {
    /* The 5 s timeout cancels the 13 s kid: its timer leaves the middle. */
    static const int64_t cut[] = {8, 13, 14, 1, 16, 8, 8}, cut_kid[] = {13};
    check_beside_gather(cut, 7, cut_kid, 1, 5, "seven sleepers beside a 13 s task cut at 5 s");
    /* The kids are done at 3 s: the 10 s timeout's timer leaves the middle. */
    static const int64_t early[] = {2, 5, 12, 4, 14, 4, 4, 2}, early_kids[] = {3, 1};
    check_beside_gather(early, 8, early_kids, 2, 10, "eight sleepers beside a gather done before "
                        "its 10 s timeout");
}

/* ---- hidden twins: the same checks on scenarios drawn at run time ---------- */

/* Top-level sleepers of the given lengths: each must finish at its own
 * length, in order of length and, on ties, of spawning; the clock must end
 * at the longest. */
static void check_sleepers(int n, const int64_t *us, const char *what) {
    reset();
    for (int i = 0; i < n; i++) add_sleeper(i, us[i]);
    run(what);
    int order[EX5_MAX_SLEEPERS], k = 0;
    int64_t longest = 0;
    for (int i = 0; i < n; i++) {
        if (us[i] > longest) longest = us[i];
        int j = k++;
        while (j > 0 && us[order[j - 1]] > us[i]) {   /* stable insertion: ties keep spawn order */
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    int seen_f = 0;
    for (int e = 0; e < seen.nevents; e++) {
        if (seen.ev[e].what != 'f') continue;
        int id = seen.ev[e].id;
        AL_REQUIRE_MSG(seen_f < n && id == order[seen_f], "%s: wake-up %d: expected task %d (sleeping "
                       "%lld us), got task %d", what, seen_f + 1, seen_f < n ? order[seen_f] : -1,
                       seen_f < n ? (long long)us[order[seen_f]] : -1LL, id);
        AL_REQUIRE_MSG(seen.ev[e].at == us[id], "%s: task %d sleeping %lld us finished at %lld", what,
                       id, (long long)us[id], (long long)seen.ev[e].at);
        seen_f++;
    }
    AL_CHECK_MSG(seen_f == n, "%s: expected %d tasks to finish, %d did", what, n, seen_f);
    AL_CHECK_MSG(seen.now == longest, "%s: expected the clock at %lld us after the run, got %lld",
                 what, (long long)longest, (long long)seen.now);
}

AL_TEST(one_task_sleeps_twin) {
    int64_t us = al_kit_rand(1, 5 * SEC);
    check_sleepers(1, &us, "one task sleeping a drawn time");
    AL_CHECK_MSG(seen.events_after_spawn == 0, "ex5_spawn must not run the task (it starts in ex5_run)");
    AL_CHECK_MSG(seen.top_done[0] == 1 && seen.top_result[0] == 0, "expected the task done with "
                 "result 0, got done %d, result %d", seen.top_done[0], seen.top_result[0]);
}

AL_TEST(three_finish_together_twin) {
    int n = (int)al_kit_rand(2, 8);
    int64_t us[8], t = al_kit_rand(1, 4 * SEC);
    for (int i = 0; i < n; i++) us[i] = t;
    check_sleepers(n, us, "tasks sleeping the same drawn time");
}

AL_TEST(wake_order_twin) {
    int n = (int)al_kit_rand(3, 9);
    int64_t us[9];
    for (int i = 0; i < n; i++) us[i] = al_kit_rand(1, 9) * SEC / 2 + al_kit_rand(0, 999);
    check_sleepers(n, us, "tasks sleeping drawn times");
}

AL_TEST(fifo_ties_twin) {
    int n = (int)al_kit_rand(3, 9);
    int64_t us[9];
    for (int i = 0; i < n; i++) us[i] = al_kit_rand(1, 3) * SEC;
    check_sleepers(n, us, "tasks sleeping one of three drawn times (ties)");
}

AL_TEST(many_timers_in_order_twin) {
    enum { N = 200 };
    static int64_t us[N];
    for (int i = 0; i < N; i++) us[i] = al_kit_rand(0, 60) * 10000;
    check_sleepers(N, us, "200 tasks with drawn deadlines");
}

/* A parent gathering drawn kids: resumes when the last is done, with the
 * first error in list order, or at the timeout (cancelling the rest). */
static void gather_twin(int with_errors, int timeout_kind) {
    /* At least three kids; with errors, two fail with different errors, so
     * "the first in list order" is a real question. */
    int n = (int)al_kit_rand(3, EX5_MAX_KIDS);
    int64_t us[EX5_MAX_KIDS], longest = 0;
    int fail[EX5_MAX_KIDS], first_error = 0;
    static const int errs[] = {-EIO, -EPIPE, -ENOENT, -EBADMSG};
    int a = (int)al_kit_rand(0, n - 2), b = (int)al_kit_rand(a + 1, n - 1);
    for (int i = 0; i < n; i++) {
        us[i] = al_kit_rand(1, 40) * SEC / 10;
        fail[i] = !with_errors ? 0 : i == a ? errs[al_kit_rand(0, 1)] : i == b ? errs[al_kit_rand(2, 3)] : 0;
        if (us[i] > longest) longest = us[i];
        if (fail[i] && !first_error) first_error = fail[i];
    }
    /* timeout_kind: 0 none, 1 shorter than the longest kid, 2 longer. */
    int64_t timeout = timeout_kind == 0 ? -1
                      : timeout_kind == 1 ? al_kit_rand(0, longest - 1)
                                          : longest + al_kit_rand(1, 3 * SEC);
    char what[96];
    snprintf(what, sizeof what, "a parent gathering %d drawn tasks%s", n,
             timeout_kind == 1 ? " with a timeout that fires" : timeout_kind == 2 ? " with a timeout" : "");
    gather_case(us, fail, n, timeout, what);
    if (timeout_kind == 1) {
        AL_CHECK_MSG(seen.parent_result == -ETIMEDOUT && seen.parent_resumed_at == timeout, "%s: "
                     "expected -ETIMEDOUT at %lld us, got %d at %lld", what, (long long)timeout,
                     seen.parent_result, (long long)seen.parent_resumed_at);
        for (int i = 0; i < n; i++) {
            int late = us[i] > timeout;
            AL_CHECK_MSG(!late || seen.kid_result[i] == -ECANCELED, "%s: task %d (%lld us) must be "
                         "cancelled at %lld us, its result is %d", what, i + 1, (long long)us[i],
                         (long long)timeout, seen.kid_result[i]);
        }
        AL_CHECK_MSG(seen.now == timeout, "%s: expected the clock at %lld us (the cancelled tasks' "
                     "timers removed), it is at %lld", what, (long long)timeout, (long long)seen.now);
        return;
    }
    AL_CHECK_MSG(seen.parent_resumed_at == longest, "%s: expected the parent to resume at %lld us, "
                 "got %lld", what, (long long)longest, (long long)seen.parent_resumed_at);
    AL_CHECK_MSG(seen.parent_result == first_error, "%s: expected the gather's result %d, got %d",
                 what, first_error, seen.parent_result);
    for (int i = 0; i < n; i++)
        AL_CHECK_MSG(seen.kid_done[i] == 1 && seen.kid_result[i] == fail[i], "%s: child %d: expected "
                     "done with %d, got done %d with %d", what, i + 1, fail[i], seen.kid_done[i],
                     seen.kid_result[i]);
    AL_CHECK_MSG(seen.now == longest, "%s: expected the clock at %lld us after the run, it is at "
                 "%lld", what, (long long)longest, (long long)seen.now);
}

AL_TEST(gather_waits_for_all_twin) {
    gather_twin(0, 0);
}

AL_TEST(gather_first_error_twin) {
    gather_twin(1, 0);
}

AL_TEST(timeout_cancels_twin) {
    gather_twin(0, 1);
}

AL_TEST(timeout_not_needed_twin) {
    gather_twin(0, 2);
}
