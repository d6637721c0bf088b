/* test_ex5.c — the visible tests of exercise 5 (a mini scheduler).
 *
 * Every test runs small generator tasks on the student's scheduler and
 * checks *when* things happened on its virtual clock, to the microsecond:
 * concurrency is graded by timing, and virtual time makes timing exact. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "al_test.h"
#include "sched.h"

#define SEC 1000000

/* ---- a log of what happened, shared by the tasks of a test ---------------- */

typedef struct event {
    int id;
    char what;        /* 's' started, 'f' finished, 'c' cancelled (FINALLY), 'y' step */
    int64_t at;
} event;

typedef struct tlog {
    event ev[512];
    int n;
} tlog;

static void note(tlog *l, int id, char what, int64_t at) {
    if (l->n < 512) l->ev[l->n++] = (event){id, what, at};
}

/* The finish times by task id, -1 if a task never finished. */
static int64_t finished_at(const tlog *l, int id) {
    for (int i = 0; i < l->n; i++)
        if (l->ev[i].id == id && l->ev[i].what == 'f') return l->ev[i].at;
    return -1;
}

static int run(ex5_sched *s) {
    int rc = ex5_run(s);
    AL_CHECK_MSG(rc == 0, "ex5_run: expected 0, got %d", rc);
    return rc;
}

/* ---- tasks ------------------------------------------------------------------ */

/* Sleeps `us`, noting start and finish; its FINALLY notes a cancellation.
 * Fails with `fail` (a negative errno) after the sleep if that is set. */
struct sleeper {
    al_gen gen;
    ex5_sched *s;
    tlog *log;
    int id;
    int64_t us;
    int fail;
    ex5_request req;
    int rc;
};

static int sleeper(al_gen *g) {
    struct sleeper *f = (struct sleeper *)g;
    AL_GEN_BEGIN(g);
    note(f->log, f->id, 's', ex5_now(f->s));
    EX5_SLEEP(g, f->req, f->rc, f->us);
    note(f->log, f->id, 'f', ex5_now(f->s));
    if (f->fail) AL_GEN_FAIL(g, f->fail);
    AL_GEN_FINALLY(g);
    if (finished_at(f->log, f->id) < 0) note(f->log, f->id, 'c', ex5_now(f->s));
    AL_GEN_END(g);
}

static void sleeper_init(struct sleeper *f, ex5_sched *s, tlog *l, int id, int64_t us) {
    memset(f, 0, sizeof *f);
    f->s = s;
    f->log = l;
    f->id = id;
    f->us = us;
    al_gen_init(&f->gen, sleeper);
}

/* Spawns the sleepers it is given, gathers them with a timeout, notes the
 * result and the time. */
struct parent {
    al_gen gen;
    ex5_sched *s;
    struct sleeper *kids;
    int nkids;
    int64_t timeout;
    ex5_task *tasks[8];
    ex5_request req;
    int rc;
    int i;
    int result;
    int64_t resumed_at;
};

static int parent(al_gen *g) {
    struct parent *f = (struct parent *)g;
    AL_GEN_BEGIN(g);
    for (f->i = 0; f->i < f->nkids; f->i++) ex5_spawn(f->s, &f->kids[f->i].gen, &f->tasks[f->i]);
    EX5_GATHER(g, f->req, f->rc, f->tasks, (size_t)f->nkids, f->timeout);
    f->result = f->rc;
    f->resumed_at = ex5_now(f->s);
    AL_GEN_END(g);
}

/* ---- the tests ------------------------------------------------------------- */

AL_TEST(one_task_sleeps) {
    ex5_sched *s;
    AL_REQUIRE_INT(ex5_sched_new(&s), ==, 0);
    tlog l = {0};
    struct sleeper a;
    sleeper_init(&a, s, &l, 1, 1500000);
    ex5_task *t = NULL;
    AL_REQUIRE_INT(ex5_spawn(s, &a.gen, &t), ==, 0);
    AL_CHECK_MSG(l.n == 0, "ex5_spawn must not run the task (it starts in ex5_run)");
    run(s);
    AL_CHECK_MSG(finished_at(&l, 1) == 1500000, "a task sleeping 1.5 s: expected it to finish at "
                 "1500000 us, got %lld", (long long)finished_at(&l, 1));
    AL_CHECK_MSG(ex5_now(s) == 1500000, "expected the clock at 1500000 us after the run, got %lld",
                 (long long)ex5_now(s));
    AL_CHECK_MSG(t && ex5_task_done(t), "expected the task to be done");
    AL_CHECK_MSG(t && ex5_task_result(t) == 0, "expected its result 0, got %d", t ? ex5_task_result(t) : -1);
    ex5_sched_free(s);
}

AL_TEST(three_finish_together) {
    ex5_sched *s;
    AL_REQUIRE_INT(ex5_sched_new(&s), ==, 0);
    tlog l = {0};
    struct sleeper k[3];
    for (int i = 0; i < 3; i++) {
        sleeper_init(&k[i], s, &l, i + 1, SEC);
        ex5_spawn(s, &k[i].gen, NULL);
    }
    run(s);
    for (int i = 0; i < 3; i++)
        AL_CHECK_MSG(finished_at(&l, i + 1) == SEC, "three tasks sleeping 1 s each must finish "
                     "together at 1000000 us; task %d finished at %lld (do they sleep one after "
                     "another?)", i + 1, (long long)finished_at(&l, i + 1));
    AL_CHECK_MSG(ex5_now(s) == SEC, "expected the whole run to take 1000000 us of virtual time, "
                 "took %lld", (long long)ex5_now(s));
    ex5_sched_free(s);
}

AL_TEST(wake_order) {
    ex5_sched *s;
    AL_REQUIRE_INT(ex5_sched_new(&s), ==, 0);
    tlog l = {0};
    struct sleeper k[3];
    static const int64_t secs[3] = {3, 1, 2};
    for (int i = 0; i < 3; i++) {
        sleeper_init(&k[i], s, &l, i + 1, secs[i] * SEC);
        ex5_spawn(s, &k[i].gen, NULL);
    }
    run(s);
    for (int i = 0; i < 3; i++)
        AL_CHECK_MSG(finished_at(&l, i + 1) == secs[i] * SEC, "task %d sleeping %lld s: expected "
                     "it to finish at %lld us, got %lld", i + 1, (long long)secs[i],
                     (long long)(secs[i] * SEC), (long long)finished_at(&l, i + 1));
    char order[8] = "";
    for (int i = 0; i < l.n; i++)
        if (l.ev[i].what == 'f' && strlen(order) < 7) order[strlen(order)] = (char)('0' + l.ev[i].id);
    AL_CHECK_STR(order, "231");
    ex5_sched_free(s);
}

AL_TEST(fifo_ties) {
    ex5_sched *s;
    AL_REQUIRE_INT(ex5_sched_new(&s), ==, 0);
    tlog l = {0};
    struct sleeper k[5];
    for (int i = 0; i < 5; i++) {
        sleeper_init(&k[i], s, &l, i + 1, SEC);
        ex5_spawn(s, &k[i].gen, NULL);
    }
    run(s);
    char order[8] = "";
    for (int i = 0; i < l.n; i++)
        if (l.ev[i].what == 'f' && strlen(order) < 7) order[strlen(order)] = (char)('0' + l.ev[i].id);
    AL_CHECK_MSG(strcmp(order, "12345") == 0, "five tasks sleeping the same 1 s must wake in the "
                 "order they went to sleep (12345), woke %s", order);
    for (int i = 0; i < 5; i++) AL_CHECK_INT(finished_at(&l, i + 1), ==, SEC);
    ex5_sched_free(s);
}

/* Takes three steps, yielding with a sleep of 0 between them. */
struct stepper {
    al_gen gen;
    ex5_sched *s;
    tlog *log;
    int id;
    int i;
    ex5_request req;
    int rc;
};

static int stepper(al_gen *g) {
    struct stepper *f = (struct stepper *)g;
    AL_GEN_BEGIN(g);
    for (f->i = 1; f->i <= 3; f->i++) {
        note(f->log, f->id * 10 + f->i, 'y', ex5_now(f->s));
        EX5_SLEEP(g, f->req, f->rc, 0);
    }
    AL_GEN_END(g);
}

AL_TEST(sleep_zero_interleaves) {
    ex5_sched *s;
    AL_REQUIRE_INT(ex5_sched_new(&s), ==, 0);
    tlog l = {0};
    struct stepper a = {.s = s, .log = &l, .id = 1}, b = {.s = s, .log = &l, .id = 2};
    al_gen_init(&a.gen, stepper);
    al_gen_init(&b.gen, stepper);
    ex5_spawn(s, &a.gen, NULL);
    ex5_spawn(s, &b.gen, NULL);
    run(s);
    char got[64] = "";
    for (int i = 0; i < l.n && strlen(got) < 56; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%c%d", i ? " " : "",
                 l.ev[i].id / 10 == 1 ? 'A' : 'B', l.ev[i].id % 10);
    AL_CHECK_MSG(strcmp(got, "A1 B1 A2 B2 A3 B3") == 0, "two tasks that each sleep(0) between "
                 "steps must take turns: expected \"A1 B1 A2 B2 A3 B3\", got \"%s\"", got);
    AL_CHECK_MSG(ex5_now(s) == 0, "sleep(0) takes no time: expected the clock at 0, got %lld",
                 (long long)ex5_now(s));
    ex5_sched_free(s);
}

/* A parent gathering `n` sleepers of the given lengths (and failures). */
static void gather_case(ex5_sched *s, tlog *l, struct sleeper *kids, struct parent *p,
                        const int64_t *us, const int *fail, int n, int64_t timeout) {
    for (int i = 0; i < n; i++) {
        sleeper_init(&kids[i], s, l, i + 1, us[i]);
        kids[i].fail = fail ? fail[i] : 0;
    }
    memset(p, 0, sizeof *p);
    p->s = s;
    p->kids = kids;
    p->nkids = n;
    p->timeout = timeout;
    p->resumed_at = -1;
    al_gen_init(&p->gen, parent);
    ex5_spawn(s, &p->gen, NULL);
}

AL_TEST(gather_waits_for_all) {
    ex5_sched *s;
    AL_REQUIRE_INT(ex5_sched_new(&s), ==, 0);
    tlog l = {0};
    struct sleeper kids[3];
    struct parent p;
    static const int64_t us[3] = {1 * SEC, 2 * SEC, 3 * SEC};
    gather_case(s, &l, kids, &p, us, NULL, 3, -1);
    run(s);
    AL_CHECK_MSG(p.resumed_at == 3 * SEC, "gathering tasks of 1, 2 and 3 s: expected the parent "
                 "to resume at 3000000 us, got %lld", (long long)p.resumed_at);
    AL_CHECK_MSG(p.result == 0, "expected the gather's result 0, got %d", p.result);
    for (int i = 0; i < 3; i++)
        AL_CHECK_MSG(p.tasks[i] && ex5_task_done(p.tasks[i]), "child %d is not done", i + 1);
    ex5_sched_free(s);
}

AL_TEST(gather_first_error) {
    ex5_sched *s;
    AL_REQUIRE_INT(ex5_sched_new(&s), ==, 0);
    tlog l = {0};
    struct sleeper kids[3];
    struct parent p;
    static const int64_t us[3] = {1 * SEC, 2 * SEC, 3 * SEC};
    static const int fail[3] = {0, -EIO, -EPIPE};
    gather_case(s, &l, kids, &p, us, fail, 3, -1);
    run(s);
    AL_CHECK_MSG(p.result == -EIO, "children fail with -EIO (2nd) and -EPIPE (3rd): expected the "
                 "first error in list order, -EIO (%d), got %d", -EIO, p.result);
    for (int i = 0; i < 3; i++)
        AL_CHECK_MSG(p.tasks[i] && ex5_task_done(p.tasks[i]), "child %d is not done: gather waits "
                     "for all, even after an error", i + 1);
    int64_t last = finished_at(&l, 3);
    AL_CHECK_MSG(p.resumed_at == last, "the parent must resume when the last child is done (%lld "
                 "us), resumed at %lld", (long long)last, (long long)p.resumed_at);
    if (p.tasks[1]) AL_CHECK_INT(ex5_task_result(p.tasks[1]), ==, -EIO);
    ex5_sched_free(s);
}

AL_TEST(timeout_cancels) {
    ex5_sched *s;
    AL_REQUIRE_INT(ex5_sched_new(&s), ==, 0);
    tlog l = {0};
    struct sleeper kids[1];
    struct parent p;
    static const int64_t us[1] = {5 * SEC};
    gather_case(s, &l, kids, &p, us, NULL, 1, 2 * SEC);
    run(s);
    AL_CHECK_MSG(p.result == -ETIMEDOUT, "waiting 2 s for a 5 s task: expected -ETIMEDOUT (%d), "
                 "got %d", -ETIMEDOUT, p.result);
    AL_CHECK_MSG(p.resumed_at == 2 * SEC, "expected the waiter to resume at 2000000 us, got %lld",
                 (long long)p.resumed_at);
    int64_t cancelled = -1;
    for (int i = 0; i < l.n; i++)
        if (l.ev[i].id == 1 && l.ev[i].what == 'c') cancelled = l.ev[i].at;
    AL_CHECK_MSG(cancelled == 2 * SEC, "the 5 s task must be cancelled at 2000000 us (al_gen_close "
                 "runs its FINALLY), %s %lld", cancelled < 0 ? "it was not; it finished at"
                 : "it was at", (long long)(cancelled < 0 ? finished_at(&l, 1) : cancelled));
    if (p.tasks[0]) AL_CHECK_INT(ex5_task_result(p.tasks[0]), ==, -ECANCELED);
    AL_CHECK_MSG(ex5_now(s) == 2 * SEC, "after the run the clock must be at 2000000 us (the "
                 "cancelled task's timer removed), it is at %lld", (long long)ex5_now(s));
    ex5_sched_free(s);
}

AL_TEST(timeout_not_needed) {
    ex5_sched *s;
    AL_REQUIRE_INT(ex5_sched_new(&s), ==, 0);
    tlog l = {0};
    struct sleeper kids[1];
    struct parent p;
    static const int64_t us[1] = {1 * SEC};
    gather_case(s, &l, kids, &p, us, NULL, 1, 2 * SEC);
    run(s);
    AL_CHECK_MSG(p.result == 0, "waiting 2 s for a 1 s task: expected 0, got %d", p.result);
    AL_CHECK_MSG(p.resumed_at == SEC, "expected the waiter to resume at 1000000 us, got %lld",
                 (long long)p.resumed_at);
    AL_CHECK_MSG(ex5_now(s) == SEC, "after the run the clock must be at 1000000 us: a timeout that "
                 "was not needed must leave the heap (the clock jumped to %lld)",
                 (long long)ex5_now(s));
    ex5_sched_free(s);
}

AL_TEST(many_timers_in_order) {
    ex5_sched *s;
    AL_REQUIRE_INT(ex5_sched_new(&s), ==, 0);
    enum { N = 200 };
    static tlog l;
    static struct sleeper k[N];
    l.n = 0;
    for (int i = 0; i < N; i++) {
        sleeper_init(&k[i], s, &l, i, (int64_t)((i * 37) % 50) * 10000);
        ex5_spawn(s, &k[i].gen, NULL);
    }
    run(s);
    /* Expected: by deadline, then by spawn order among equal deadlines. */
    int expect[N], n = 0;
    for (int d = 0; d < 50; d++)
        for (int i = 0; i < N; i++)
            if ((i * 37) % 50 == d) expect[n++] = i;
    int k2 = 0, bad = 0;
    for (int i = 0; i < l.n && !bad; i++) {
        if (l.ev[i].what != 'f') continue;
        int id = l.ev[i].id;
        int64_t want = (int64_t)((id * 37) % 50) * 10000;
        if (k2 >= N || id != expect[k2]) {
            AL_CHECK_MSG(0, "wake-up number %d: expected task %d (deadline %lld us), got task %d",
                         k2 + 1, k2 < N ? expect[k2] : -1,
                         k2 < N ? (long long)((expect[k2] * 37) % 50) * 10000 : -1LL, id);
            bad = 1;
        } else if (l.ev[i].at != want) {
            AL_CHECK_MSG(0, "task %d should wake at %lld us, woke at %lld", id, (long long)want,
                         (long long)l.ev[i].at);
            bad = 1;
        }
        k2++;
    }
    AL_CHECK_MSG(bad || k2 == N, "expected %d wake-ups, got %d", N, k2);
    ex5_sched_free(s);
}
