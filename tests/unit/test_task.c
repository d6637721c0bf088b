/* test_task.c — tasks, futures and the await primitives, stackless and
 * fiber, with timing asserted on the virtual clock. AL_TEST_PER_BACKEND. */
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "al_test.h"
#include "al_test_child.h"
#include "asynclab.h"

#define SECOND 1000000

/* slow_step_us as in al_loop_options: 0 = the 100 ms default, -1 = never. */
static al_loop *new_loop_measuring(al_clock_kind clock, al_trace *trace, int64_t slow_step_us) {
    al_loop *loop = NULL;
    al_loop_options opts = {.clock = clock, .sink = al_trace_sink(trace), .slow_step_us = slow_step_us};
    int rc = al_loop_new(&loop, &opts);
    AL_REQUIRE_MSG(rc == 0, "al_loop_new: %s", al_strerror(rc));
    return loop;
}

/* Steps are timed in real time, even on the virtual clock: a loaded machine
 * could slip a "slow" event into a traced timeline. Only the slow-step test
 * (below) measures. */
static al_loop *new_loop(al_clock_kind clock, al_trace *trace) {
    return new_loop_measuring(clock, trace, -1);
}

/* ---- the article's three coroutines (stackless) ---------------------------- */

struct sleeper { al_gen gen; int rc; int64_t us; int64_t started, finished; int cleaned; };

static int sleeper(al_gen *g) {
    struct sleeper *f = (struct sleeper *)g;
    al_loop *loop = al_task_loop(al_task_current());
    AL_GEN_BEGIN(g);
    f->started = al_loop_now(loop);
    AL_AWAIT(g, f->rc, al_sleep(f->us));
    f->finished = al_loop_now(loop);
    if (f->rc < 0) {
        f->cleaned = 1;          /* cleanup runs on cancellation */
        AL_GEN_FAIL(g, f->rc);
    }
    AL_GEN_RETURN(g, f->us / 1000);
    AL_GEN_END(g);
}

struct main3 { al_gen gen; int rc; int sequential; al_task *t[3]; int i; int64_t end; };

static int main3(al_gen *g) {
    struct main3 *f = (struct main3 *)g;
    al_loop *loop = al_task_loop(al_task_current());
    AL_GEN_BEGIN(g);
    for (f->i = 0; f->i < 3; f->i++) {
        struct sleeper init = {.us = SECOND};
        al_task_create(loop, &f->t[f->i], "coroutine", sleeper, &init, sizeof init);
        if (f->sequential) AL_AWAIT(g, f->rc, al_join(f->t[f->i]));
    }
    for (f->i = 0; f->i < 3; f->i++) AL_AWAIT(g, f->rc, al_join(f->t[f->i]));
    f->end = al_loop_now(loop);
    AL_GEN_END(g);
}

static void release3(struct main3 *f) {
    for (int i = 0; i < 3; i++) al_task_release(f->t[i]);
}

AL_TEST(three_tasks_sleeping_one_second_finish_together_at_one_second) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *main_task;
    AL_CHECK_OK(al_task_create(loop, &main_task, "main", main3, NULL, sizeof(struct main3)));
    AL_CHECK_INT(al_loop_run_until_complete(loop, main_task), ==, 0);
    struct main3 *f = al_task_frame(main_task);
    for (int i = 0; i < 3; i++) {
        struct sleeper *s = al_task_frame(f->t[i]);
        AL_CHECK_INT(s->started, ==, 0);
        AL_CHECK_INT(s->finished, ==, 1000000);
        AL_CHECK_INT(al_task_result(f->t[i]), ==, 1000);
        AL_CHECK_INT(al_task_state_of(f->t[i]), ==, AL_TASK_DONE);
    }
    AL_CHECK_INT(f->end, ==, 1000000);
    AL_CHECK_INT(al_loop_now(loop), ==, 1000000);
    release3(f);
    al_task_release(main_task);
    al_loop_free(loop);
}

AL_TEST(awaiting_one_after_another_takes_three_seconds) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *main_task;
    struct main3 init = {.sequential = 1};
    al_task_create(loop, &main_task, "main", main3, &init, sizeof init);
    AL_CHECK_INT(al_loop_run_until_complete(loop, main_task), ==, 0);
    struct main3 *f = al_task_frame(main_task);
    AL_CHECK_INT(f->end, ==, 3000000);
    struct sleeper *last = al_task_frame(f->t[2]);
    AL_CHECK_INT(last->started, ==, 2000000);
    release3(f);
    al_task_release(main_task);
    al_loop_free(loop);
}

/* ---- the same, with fibers: code that reads like blocking code ------------- */

static int fiber_sleeper(void *arg, intptr_t *result) {
    int64_t *finished = arg;
    int rc = al_sleep(SECOND);
    *finished = al_loop_now(al_task_loop(al_task_current()));
    *result = 42;
    return rc;
}

static int fiber_main(void *arg, intptr_t *result) {
    int64_t *times = arg;   /* [0..2] finish times, [3] main's end */
    al_loop *loop = al_task_loop(al_task_current());
    al_task *t[3];
    for (int i = 0; i < 3; i++)
        al_task_create_fiber(loop, &t[i], "fiber", fiber_sleeper, &times[i], 0);
    int rc = al_gather(t, 3);
    *result = al_task_result(t[0]);
    for (int i = 0; i < 3; i++) al_task_release(t[i]);
    times[3] = al_loop_now(loop);
    return rc;
}

AL_TEST(fiber_tasks_sleep_concurrently_too) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    int64_t times[4] = {-1, -1, -1, -1};
    al_task *main_task;
    AL_CHECK_OK(al_task_create_fiber(loop, &main_task, "main", fiber_main, times, 0));
    AL_CHECK_INT(al_loop_run_until_complete(loop, main_task), ==, 0);
    for (int i = 0; i < 4; i++) AL_CHECK_INT(times[i], ==, 1000000);
    AL_CHECK_INT(al_task_result(main_task), ==, 42);
    al_task_release(main_task);
    al_loop_free(loop);
}

/* Cancel a task from a callback timer at a chosen (virtual) time. */
struct canceller { al_timer timer; al_task *victim; };
static void cancel_cb(al_timer *timer) {
    struct canceller *c = (struct canceller *)timer;
    al_task_cancel(c->victim);
}
static void cancel_at(al_loop *loop, struct canceller *c, al_task *victim, int64_t at) {
    c->victim = victim;
    al_timer_init(loop, &c->timer);
    al_timer_start_at(&c->timer, cancel_cb, at, 0);
}

/* ---- wait_for and cancellation --------------------------------------------- */

struct waiter { al_gen gen; int rc; al_task *sleeper; int64_t at; };

static int wait_for_body(al_gen *g) {
    struct waiter *f = (struct waiter *)g;
    al_loop *loop = al_task_loop(al_task_current());
    AL_GEN_BEGIN(g);
    {
        struct sleeper init = {.us = 5 * SECOND};
        al_task_create(loop, &f->sleeper, "sleeper", sleeper, &init, sizeof init);
    }
    AL_AWAIT(g, f->rc, al_wait_for(f->sleeper, 2 * SECOND));
    f->at = al_loop_now(loop);
    AL_GEN_END(g);
}

AL_TEST(wait_for_times_out_and_the_sleeper_sees_cancellation) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *t;
    al_task_create(loop, &t, "waiter", wait_for_body, NULL, sizeof(struct waiter));
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    struct waiter *f = al_task_frame(t);
    AL_CHECK_INT(f->rc, ==, -ETIMEDOUT);
    AL_CHECK_INT(f->at, ==, 2000000);
    struct sleeper *s = al_task_frame(f->sleeper);
    AL_CHECK_INT(s->rc, ==, -ECANCELED);       /* the await inside saw it */
    AL_CHECK_INT(s->cleaned, ==, 1);
    AL_CHECK_INT(s->finished, ==, 2000000);
    AL_CHECK_INT(al_task_state_of(f->sleeper), ==, AL_TASK_CANCELLED);
    AL_CHECK_INT(al_loop_now(loop), ==, 2000000);  /* the 5 s timer is gone */
    al_task_release(f->sleeper);
    al_task_release(t);
    al_loop_free(loop);
}

static int fiber_wait_for(void *arg, intptr_t *result) {
    (void)result;
    al_loop *loop = al_task_loop(al_task_current());
    al_task *s;
    struct sleeper init = {.us = SECOND};
    al_task_create(loop, &s, "quick", sleeper, &init, sizeof init);
    int rc = al_wait_for(s, 2 * SECOND);    /* finishes in time */
    *(int64_t *)arg = al_loop_now(loop);
    al_task_release(s);
    return rc;
}

AL_TEST(wait_for_returns_the_result_when_in_time) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    int64_t at = -1;
    al_task *t;
    al_task_create_fiber(loop, &t, "waiter", fiber_wait_for, &at, 0);
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    AL_CHECK_INT(at, ==, 1000000);
    AL_CHECK_INT(al_loop_now(loop), ==, 1000000);   /* the 2 s timeout was stopped */
    al_task_release(t);
    al_loop_free(loop);
}

AL_TEST(cancel_while_waiting_delivers_ecanceled_at_the_await) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *t;
    struct sleeper init = {.us = 10 * SECOND};
    al_task_create(loop, &t, "victim", sleeper, &init, sizeof init);
    struct canceller c;
    cancel_at(loop, &c, t, 500000);
    al_loop_run(loop);
    struct sleeper *f = al_task_frame(t);
    AL_CHECK_INT(f->rc, ==, -ECANCELED);
    AL_CHECK_INT(f->cleaned, ==, 1);
    AL_CHECK_INT(f->finished, ==, 500000);
    AL_CHECK_INT(al_task_error(t), ==, -ECANCELED);
    AL_CHECK_INT(al_loop_now(loop), ==, 500000);   /* no 10 s wait happened */
    AL_CHECK_INT(al_task_cancel(t), ==, -EALREADY);   /* cancelling a finished task */
    al_task_release(t);
    al_loop_free(loop);
}

AL_TEST(a_task_cancelled_before_it_starts_never_runs) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *t;
    struct sleeper init = {.us = SECOND, .started = -7};
    al_task_create(loop, &t, "never", sleeper, &init, sizeof init);
    AL_CHECK_INT(al_task_cancel(t), ==, 0);
    al_loop_run(loop);
    struct sleeper *f = al_task_frame(t);
    AL_CHECK_INT(f->started, ==, -7);              /* the body never ran */
    AL_CHECK_INT(al_task_state_of(t), ==, AL_TASK_CANCELLED);
    al_task_release(t);
    al_loop_free(loop);
}

static int fiber_cancel_victim(void *arg, intptr_t *result) {
    (void)result;
    int *seen = arg;
    int rc = al_sleep(10 * SECOND);
    seen[0] = rc;
    rc = al_sleep(SECOND);          /* cancellation was delivered once; this one sleeps */
    seen[1] = rc;
    return -ECANCELED;
}

AL_TEST(fiber_cancel_is_delivered_once_at_the_await) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    int seen[2] = {1, 1};
    al_task *t;
    al_task_create_fiber(loop, &t, "victim", fiber_cancel_victim, seen, 0);
    struct canceller c;
    cancel_at(loop, &c, t, 500000);
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, -ECANCELED);
    AL_CHECK_INT(seen[0], ==, -ECANCELED);
    AL_CHECK_INT(seen[1], ==, 0);
    AL_CHECK_INT(al_loop_now(loop), ==, 1500000);
    al_task_release(t);
    al_loop_free(loop);
}

/* ---- joiners see the outcome ------------------------------------------------- */

struct joiner { al_gen gen; int rc; al_task *target; };
static int joiner(al_gen *g) {
    struct joiner *f = (struct joiner *)g;
    AL_GEN_BEGIN(g);
    AL_AWAIT(g, f->rc, al_join(f->target));
    AL_GEN_END(g);
}

AL_TEST(joiners_see_cancelled) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *victim, *j;
    struct sleeper init = {.us = SECOND};
    al_task_create(loop, &victim, "victim", sleeper, &init, sizeof init);
    struct joiner jinit = {.target = victim};
    al_task_create(loop, &j, "joiner", joiner, &jinit, sizeof jinit);
    struct canceller c;
    cancel_at(loop, &c, victim, 250000);
    al_loop_run(loop);
    AL_CHECK_INT(al_loop_now(loop), ==, 250000);
    AL_CHECK_INT(((struct joiner *)al_task_frame(j))->rc, ==, -ECANCELED);
    al_task_release(victim);
    al_task_release(j);
    al_loop_free(loop);
}

/* ---- errors instead of aborts ------------------------------------------------- */

static int self_join(al_gen *g) {
    struct joiner *f = (struct joiner *)g;
    AL_GEN_BEGIN(g);
    AL_AWAIT(g, f->rc, al_join(al_task_current()));
    AL_GEN_END(g);
}

AL_TEST(bad_awaits_return_errors) {
    AL_CHECK_INT(al_sleep(10), ==, -EPERM);           /* outside a task */
    AL_CHECK_INT(al_yield(), ==, -EPERM);
    AL_CHECK_INT(al_wait_readable(0), ==, -EPERM);
    AL_CHECK_INT(al_join(NULL), ==, -EPERM);
    AL_CHECK_INT(al_task_cancel(NULL), ==, -EINVAL);
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *t;
    AL_CHECK_INT(al_task_create(loop, &t, "x", NULL, NULL, 64), ==, -EINVAL);
    AL_CHECK_INT(al_task_create(loop, &t, "x", self_join, NULL, 4), ==, -EINVAL);
    AL_CHECK_OK(al_task_create(loop, &t, "self", self_join, NULL, sizeof(struct joiner)));
    al_loop_run(loop);
    AL_CHECK_INT(((struct joiner *)al_task_frame(t))->rc, ==, -EDEADLK);
    al_task_release(t);
    al_loop_free(loop);
}

struct fdwait { al_gen gen; int rc; int fd; };
static int wait_fd_body(al_gen *g) {
    struct fdwait *f = (struct fdwait *)g;
    AL_GEN_BEGIN(g);
    AL_AWAIT(g, f->rc, al_wait_readable(f->fd));
    AL_GEN_END(g);
}

AL_TEST(awaiting_a_negative_or_closed_fd_is_ebadf) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *a, *b;
    struct fdwait ia = {.fd = -3};
    int p[2];
    AL_REQUIRE(pipe(p) == 0);
    close(p[1]);
    close(p[0]);
    struct fdwait ib = {.fd = p[0]};
    al_task_create(loop, &a, "neg", wait_fd_body, &ia, sizeof ia);
    al_task_create(loop, &b, "closed", wait_fd_body, &ib, sizeof ib);
    al_loop_run(loop);
    AL_CHECK_INT(((struct fdwait *)al_task_frame(a))->rc, ==, -EBADF);
    AL_CHECK_INT(((struct fdwait *)al_task_frame(b))->rc, ==, -EBADF);
    al_task_release(a);
    al_task_release(b);
    al_loop_free(loop);
}

struct writer { al_gen gen; int rc; int fd; };
static int writer(al_gen *g) {
    struct writer *f = (struct writer *)g;
    AL_GEN_BEGIN(g);
    AL_AWAIT(g, f->rc, al_sleep(SECOND));
    f->rc = (int)write(f->fd, "x", 1);
    AL_GEN_END(g);
}

AL_TEST(awaiting_a_pipe_wakes_when_data_arrives) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    int p[2];
    AL_REQUIRE(pipe(p) == 0);
    al_task *t;
    struct fdwait init = {.fd = p[0], .rc = 99};
    struct writer winit = {.fd = p[1]};
    al_task_create(loop, &t, "reader", wait_fd_body, &init, sizeof init);
    al_task_create(loop, NULL, "writer", writer, &winit, sizeof winit);
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    AL_CHECK_INT(al_loop_now(loop), ==, 1000000);   /* woken by the write at 1 s */
    AL_CHECK_INT(((struct fdwait *)al_task_frame(t))->rc, ==, 0);
    AL_CHECK_INT(al_loop_alive(loop), ==, 0);    /* interest in the fd was dropped */
    al_task_release(t);
    close(p[0]);
    close(p[1]);
    al_loop_free(loop);
}

/* ---- futures ------------------------------------------------------------------- */

static void done_cb(al_future *fut, void *arg) {
    int *calls = arg;
    *calls = *calls * 10 + (int)al_future_result(fut);
}

static void complete_soon(al_loop *loop, void *arg) { (void)loop; al_future_set_result(arg, 7); }

AL_TEST(future_callbacks_run_in_the_next_pass_not_inside_set_result) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_future fut;
    int calls = 0;
    al_future_init(loop, &fut);
    AL_CHECK_OK(al_future_add_done_callback(&fut, done_cb, &calls));
    AL_CHECK_OK(al_future_add_done_callback(&fut, done_cb, &calls));
    AL_CHECK_OK(al_future_set_result(&fut, 7));
    AL_CHECK_INT(calls, ==, 0);                      /* not yet */
    AL_CHECK_INT(al_future_set_result(&fut, 8), ==, -EALREADY);
    AL_CHECK_INT(al_future_cancel(&fut), ==, -EALREADY);
    al_loop_run(loop);
    AL_CHECK_INT(calls, ==, 77);                     /* both, in order */
    al_loop_free(loop);
}

struct futwait { al_gen gen; int rc; al_future *fut; };
static int futwait(al_gen *g) {
    struct futwait *f = (struct futwait *)g;
    AL_GEN_BEGIN(g);
    AL_AWAIT(g, f->rc, al_await(f->fut));
    AL_GEN_END(g);
}

AL_TEST(a_task_waiting_on_a_future_that_never_completes_is_a_deadlock) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_future fut;
    al_future_init(loop, &fut);
    al_task *t;
    struct futwait init = {.fut = &fut};
    al_task_create(loop, &t, "stuck", futwait, &init, sizeof init);
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, -EDEADLK);
    al_call_soon(loop, complete_soon, &fut);
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    AL_CHECK_INT(((struct futwait *)al_task_frame(t))->rc, ==, 0);
    al_task_release(t);
    al_loop_free(loop);
}

/* ---- yield: round-robin between tasks -------------------------------------------- */

struct pinger { al_gen gen; int rc; int i; char tag; char *log; };
static int pinger(al_gen *g) {
    struct pinger *f = (struct pinger *)g;
    AL_GEN_BEGIN(g);
    for (f->i = 0; f->i < 3; f->i++) {
        strncat(f->log, &f->tag, 1);
        AL_AWAIT(g, f->rc, al_yield());
    }
    AL_GEN_END(g);
}

AL_TEST(yield_lets_the_other_tasks_run) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    char log[16] = "";
    struct pinger a = {.tag = 'a', .log = log}, b = {.tag = 'b', .log = log};
    al_task_create(loop, NULL, "a", pinger, &a, sizeof a);
    al_task_create(loop, NULL, "b", pinger, &b, sizeof b);
    al_loop_run(loop);
    AL_CHECK_STR(log, "ababab");
    AL_CHECK_INT(al_loop_now(loop), ==, 0);
    al_loop_free(loop);
}

/* ---- gather --------------------------------------------------------------------- */

struct failer { al_gen gen; int rc; };
static int failer(al_gen *g) {
    struct failer *f = (struct failer *)g;
    AL_GEN_BEGIN(g);
    AL_AWAIT(g, f->rc, al_sleep(SECOND / 2));
    AL_GEN_FAIL(g, -ECONNRESET);
    AL_GEN_END(g);
}

struct gatherer { al_gen gen; int rc; al_task *t[3]; int64_t at; };
static int gatherer(al_gen *g) {
    struct gatherer *f = (struct gatherer *)g;
    al_loop *loop = al_task_loop(al_task_current());
    AL_GEN_BEGIN(g);
    {
        struct sleeper s1 = {.us = SECOND}, s2 = {.us = 2 * SECOND};
        al_task_create(loop, &f->t[0], "one", sleeper, &s1, sizeof s1);
        al_task_create(loop, &f->t[1], "fails", failer, NULL, sizeof(struct failer));
        al_task_create(loop, &f->t[2], "two", sleeper, &s2, sizeof s2);
    }
    AL_AWAIT(g, f->rc, al_gather(f->t, 3));
    f->at = al_loop_now(loop);
    AL_GEN_END(g);
}

AL_TEST(gather_waits_for_all_and_reports_the_first_error) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *t;
    al_task_create(loop, &t, "gather", gatherer, NULL, sizeof(struct gatherer));
    al_loop_run_until_complete(loop, t);
    struct gatherer *f = al_task_frame(t);
    AL_CHECK_INT(f->rc, ==, -ECONNRESET);
    AL_CHECK_INT(f->at, ==, 2000000);
    AL_CHECK_INT(al_task_state_of(f->t[1]), ==, AL_TASK_FAILED);
    for (int i = 0; i < 3; i++) al_task_release(f->t[i]);
    al_task_release(t);
    al_loop_free(loop);
}

/* ---- nursery ---------------------------------------------------------------------- */

struct parent { al_gen gen; int rc; al_nursery n; int with_failer; int64_t deadline; int64_t at; al_task *kids[3]; };
static int parent(al_gen *g) {
    struct parent *f = (struct parent *)g;
    al_loop *loop = al_task_loop(al_task_current());
    AL_GEN_BEGIN(g);
    al_nursery_init(loop, &f->n);
    if (f->deadline) al_nursery_set_deadline(&f->n, f->deadline);
    for (int i = 0; i < 3; i++) {
        struct sleeper s = {.us = (i + 1) * SECOND};
        if (i == 1 && f->with_failer)
            al_task_create(loop, &f->kids[i], "failer", failer, NULL, sizeof(struct failer));
        else
            al_task_create(loop, &f->kids[i], "kid", sleeper, &s, sizeof s);
        al_nursery_start(&f->n, f->kids[i]);
    }
    AL_AWAIT(g, f->rc, al_nursery_wait(&f->n));
    f->at = al_loop_now(loop);
    AL_GEN_END(g);
}

static struct parent *run_parent(al_loop *loop, al_task **t, struct parent *init) {
    al_task_create(loop, t, "parent", parent, init, sizeof *init);
    al_loop_run_until_complete(loop, *t);
    return al_task_frame(*t);
}

static void parent_free(struct parent *f, al_task *t) {
    AL_CHECK_INT(al_nursery_destroy(&f->n), ==, 0);
    for (int i = 0; i < 3; i++) al_task_release(f->kids[i]);
    al_task_release(t);
}

AL_TEST(nursery_waits_for_every_child) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *t;
    struct parent init = {0};
    struct parent *f = run_parent(loop, &t, &init);
    AL_CHECK_INT(f->rc, ==, 0);
    AL_CHECK_INT(f->at, ==, 3000000);
    parent_free(f, t);
    al_loop_free(loop);
}

AL_TEST(nursery_first_error_cancels_the_siblings) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *t;
    struct parent init = {.with_failer = 1};
    struct parent *f = run_parent(loop, &t, &init);
    AL_CHECK_INT(f->rc, ==, -ECONNRESET);
    AL_CHECK_INT(f->at, ==, 500000);                /* not 3 s: siblings were cancelled */
    AL_CHECK_INT(al_task_state_of(f->kids[0]), ==, AL_TASK_CANCELLED);
    AL_CHECK_INT(al_task_state_of(f->kids[2]), ==, AL_TASK_CANCELLED);
    AL_CHECK_INT(((struct sleeper *)al_task_frame(f->kids[0]))->cleaned, ==, 1);
    parent_free(f, t);
    al_loop_free(loop);
}

AL_TEST(nursery_deadline_is_absolute_and_cancels_everyone) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_loop_advance(loop, 100);
    al_task *t;
    struct parent init = {.deadline = 1500000};
    struct parent *f = run_parent(loop, &t, &init);
    AL_CHECK_INT(f->rc, ==, -ETIMEDOUT);
    AL_CHECK_INT(f->at, ==, 1500000);
    AL_CHECK_INT(al_task_state_of(f->kids[0]), ==, AL_TASK_DONE);   /* 1 s: made it */
    AL_CHECK_INT(al_task_state_of(f->kids[1]), ==, AL_TASK_CANCELLED);
    parent_free(f, t);
    al_loop_free(loop);
}

AL_TEST(cancelling_the_parent_cancels_the_children_and_still_joins_them) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *t;
    struct parent init = {0};
    al_task_create(loop, &t, "parent", parent, &init, sizeof init);
    struct canceller c;
    cancel_at(loop, &c, t, 700000);
    al_loop_run_until_complete(loop, t);
    struct parent *f = al_task_frame(t);
    AL_CHECK_INT(f->rc, ==, -ECANCELED);
    for (int i = 0; i < 3; i++) AL_CHECK(al_task_is_done(f->kids[i]));
    AL_CHECK_INT(al_nursery_running(&f->n), ==, 0);
    AL_CHECK_INT(al_task_state_of(f->kids[0]), ==, AL_TASK_CANCELLED);
    AL_CHECK_INT(al_loop_now(loop), ==, 700000);
    parent_free(f, t);
    al_loop_free(loop);
}

/* ---- the trace of the three-task program ---------------------------------------- */

AL_TEST(trace_of_three_tasks_shows_spawn_sleep_timer_resume_exit) {
    al_trace *ring;
    AL_REQUIRE(al_trace_open_ring(&ring, 4096) == 0);
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, ring);
    al_task *main_task;
    al_task_create(loop, &main_task, "main", main3, NULL, sizeof(struct main3));
    al_loop_run_until_complete(loop, main_task);
    struct main3 *f = al_task_frame(main_task);

    for (int i = 0; i < 3; i++) {
        uint64_t id = al_task_id(f->t[i]);
        /* the expected life of each coroutine, in order */
        struct { int type; int reason; int64_t t; } want[] = {
            {AL_EV_SPAWN, AL_TASK_STACKLESS, 0}, {AL_EV_READY, AL_WAKE_SPAWN, 0},
            {AL_EV_RESUME, 0, 0}, {AL_EV_SUSPEND, AL_WAIT_SLEEP, 0},
            {AL_EV_TIMER, 0, 1000000}, {AL_EV_READY, AL_WAKE_TIMER, 1000000},
            {AL_EV_RESUME, 0, 1000000}, {AL_EV_EXIT, AL_EXIT_OK, 1000000},
        };
        size_t k = 0;
        for (size_t e = 0; e < al_trace_ring_count(ring) && k < 8; e++) {
            al_trace_event ev;
            al_trace_ring_get(ring, e, &ev);
            if (ev.task != id) continue;
            AL_CHECK_MSG(ev.type == want[k].type && ev.reason == want[k].reason && ev.t == want[k].t,
                         "task %d event %zu: expected %s/%d at %lld, got %s/%d at %lld", i, k,
                         al_event_type_name(want[k].type), want[k].reason, (long long)want[k].t,
                         al_event_type_name(ev.type), ev.reason, (long long)ev.t);
            if (ev.type == AL_EV_SUSPEND) AL_CHECK_INT(ev.value, ==, 1000000);   /* until */
            if (ev.type == AL_EV_SPAWN) AL_CHECK_INT(ev.other, ==, al_task_id(main_task));
            k++;
        }
        AL_CHECK_INT(k, ==, 8);
    }
    release3(f);
    al_task_release(main_task);
    al_loop_free(loop);
    al_trace_close(ring);
}

/* ---- the slow-step warning ---------------------------------------------------------- */

struct blocker { al_gen gen; int rc; };
static int blocker(al_gen *g) {
    struct blocker *f = (struct blocker *)g;
    AL_GEN_BEGIN(g);
    usleep(120000);                 /* a blocking call inside a coroutine */
    AL_AWAIT(g, f->rc, al_sleep(SECOND));
    AL_GEN_END(g);
}

/* A stall of the machine can make any step slow, so only what a stall cannot
 * fake is asserted: the blocking step's event (after its suspend, before the
 * timer: no other step runs in between) names the blocker and lasts at least
 * its usleep; and no slow event is shorter than the threshold. */
AL_TEST(a_step_that_blocks_the_loop_emits_a_slow_warning) {
    al_trace *ring;
    AL_REQUIRE(al_trace_open_ring(&ring, 256) == 0);
    al_loop *loop = new_loop_measuring(AL_CLOCK_VIRTUAL, ring, 0);   /* 100 ms */
    al_task *t;
    al_task_create(loop, &t, "blocker", blocker, NULL, sizeof(struct blocker));
    al_loop_run_until_complete(loop, t);
    int suspended = 0, timed_out = 0, in_the_step = 0;
    for (size_t e = 0; e < al_trace_ring_count(ring); e++) {
        al_trace_event ev;
        al_trace_ring_get(ring, e, &ev);
        if (ev.type == AL_EV_SUSPEND) suspended = 1;
        if (ev.type == AL_EV_TIMER) timed_out = 1;
        if (ev.type != AL_EV_SLOW) continue;
        AL_CHECK_INT(ev.value, >=, 100000);
        if (suspended && !timed_out) {
            in_the_step++;
            AL_CHECK_INT(ev.task, ==, al_task_id(t));
            AL_CHECK_INT(ev.value, >=, 120000);
        }
    }
    AL_CHECK(suspended && timed_out);
    AL_CHECK_INT(in_the_step, ==, 1);   /* the first step blocked, and said so once */
    al_task_release(t);
    al_loop_free(loop);
    al_trace_close(ring);
}

/* ---- a fiber task that overflows its stack is named ---------------------------- */

static int (*volatile recurse_ptr)(int);
static int recurse(int depth) {
    volatile char pad[512];
    pad[0] = (char)depth;
    return recurse_ptr(depth + 1) + pad[0];
}

static int overflowing_fiber(void *arg, intptr_t *result) {
    (void)arg;
    recurse_ptr = recurse;
    *result = recurse_ptr(0);
    return 0;
}

static void child_overflowing_task(void) {
    al_loop *loop;
    if (al_loop_new(&loop, NULL) < 0) _exit(3);
    al_task_create_fiber(loop, NULL, "overflow-task", overflowing_fiber, NULL, 0);
    al_loop_run(loop);
}

AL_TEST(a_fiber_task_overflowing_its_stack_is_reported_by_name) {
    al_test_child r;
    al_test_run_child(child_overflowing_task, &r);
    AL_CHECK_MSG(r.signaled && r.sig == SIGSEGV,
                 "expected the child to die of SIGSEGV, signaled %d sig %d exit %d", r.signaled,
                 r.sig, r.exit_status);
    AL_CHECK_MSG(strstr(r.err, "stack overflow in fiber 'overflow-task'") != NULL,
                 "expected the task's name on stderr, got: %s", r.err);
}

/* ---- run_until_complete returns even while other watchers stay idle ---------- */

struct quick { al_gen gen; int rc; };
static int quick(al_gen *g) {
    AL_GEN_BEGIN(g);
    AL_GEN_RETURN(g, 7);
    AL_GEN_END(g);
}
static void idle_cb(al_io *io, int events) { (void)io; (void)events; }

AL_TEST(run_until_complete_does_not_block_after_its_task_is_done) {
    al_loop *loop = new_loop(AL_CLOCK_REAL, NULL);
    int p[2];
    AL_REQUIRE(pipe(p) == 0);
    al_io io;                       /* like a listening socket: never ready here */
    al_io_init(loop, &io, p[0]);
    al_io_start(&io, AL_READABLE, idle_cb);
    al_task *t;
    al_task_create(loop, &t, "quick", quick, NULL, sizeof(struct quick));
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);   /* hangs without the fix */
    AL_CHECK_INT(al_task_result(t), ==, 7);
    al_task_release(t);
    al_io_close(&io);
    close(p[0]);
    close(p[1]);
    al_loop_free(loop);
}

/* ---- names ------------------------------------------------------------------ */

static int nothing_gen(al_gen *g) {
    AL_GEN_BEGIN(g);
    AL_GEN_END(g);
}
static int nothing_fiber(void *arg, intptr_t *result) {
    (void)arg;
    (void)result;
    return 0;
}

AL_TEST(task_names_are_kept_whole_or_cut_with_an_ellipsis) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL, NULL);
    al_task *short_, *cut, *fiber;
    AL_REQUIRE_INT(al_task_create(loop, &short_, "Coroutine 1", nothing_gen, NULL, sizeof(al_gen)), ==, 0);
    AL_REQUIRE_INT(al_task_create(loop, &cut, "GET /external-api", nothing_gen, NULL, sizeof(al_gen)), ==, 0);
    AL_REQUIRE_INT(al_task_create_fiber(loop, &fiber, "GET /external-api", nothing_fiber, NULL, 0), ==, 0);
    AL_CHECK_STR(al_task_name(short_), "Coroutine 1");
    /* a stackless task has 15 bytes: 12 of the name, then "…" (3 bytes) */
    AL_CHECK_STR(al_task_name(cut), "GET /externa\xe2\x80\xa6");
    /* a fiber task keeps the whole name: it costs nothing next to its stack */
    AL_CHECK_STR(al_task_name(fiber), "GET /external-api");
    AL_CHECK_INT(al_loop_run(loop), ==, 0);
    al_task_release(short_);
    al_task_release(cut);
    al_task_release(fiber);
    al_loop_free(loop);

    char buf[AL_TASK_NAME_MAX];
    /* never cut inside a character: "é" is two bytes */
    AL_CHECK_STR(al_task_name_fit(buf, sizeof buf, "caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9"),
                 "caf\xc3\xa9 caf\xc3\xa9 \xe2\x80\xa6");
    AL_CHECK_STR(al_task_name_fit(buf, sizeof buf, "exactly 15 byte"), "exactly 15 byte");
    AL_CHECK_STR(al_task_name_fit(buf, sizeof buf, NULL), "");
}
