/* test_loop.c — the loop's iteration contract, timers, clocks and fd
 * watchers. AL_TEST_PER_BACKEND: every test runs on select, poll, epoll, uv, uring. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "al_test.h"
#include "asynclab.h"

static al_loop *new_loop(al_clock_kind clock) {
    al_loop *loop = NULL;
    al_loop_options opts = {.clock = clock};
    int rc = al_loop_new(&loop, &opts);
    AL_REQUIRE_MSG(rc == 0, "al_loop_new on backend %s: %s", getenv("ASYNCLAB_BACKEND"), al_strerror(rc));
    return loop;
}

/* ---- the ready queue ------------------------------------------------------ */

struct log { int n; int items[32]; uint64_t iter[32]; al_loop *loop; };

static void record(struct log *log, int v) {
    log->iter[log->n] = al_loop_iterations(log->loop);
    log->items[log->n++] = v;
}

static void cb_a(al_loop *loop, void *arg) { (void)loop; record(arg, 1); }
static void cb_b(al_loop *loop, void *arg) { (void)loop; record(arg, 2); }
static void cb_requeue(al_loop *loop, void *arg) {
    record(arg, 3);
    al_call_soon(loop, cb_a, arg);   /* queued during the pass: next iteration */
}

static void cb_count(al_loop *loop, void *arg) { (void)loop; ++*(int *)arg; }

AL_TEST(call_soon_runs_in_fifo_order) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    struct log log = {.loop = loop};
    AL_CHECK_OK(al_call_soon(loop, cb_a, &log));
    AL_CHECK_OK(al_call_soon(loop, cb_b, &log));
    AL_CHECK_OK(al_call_soon(loop, cb_a, &log));
    AL_CHECK_INT(al_loop_run(loop), ==, 0);
    AL_REQUIRE_INT(log.n, ==, 3);
    AL_CHECK_INT(log.items[0], ==, 1);
    AL_CHECK_INT(log.items[1], ==, 2);
    AL_CHECK_INT(log.items[2], ==, 1);
    AL_CHECK_INT(log.iter[2], ==, 1);   /* all in the first iteration */
    al_loop_free(loop);
}

AL_TEST(a_withdrawn_call_does_not_run_and_the_others_keep_their_order) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    struct log log = {.loop = loop};
    int counted = 0;
    for (int i = 0; i < 70; i++) AL_CHECK_OK(al_call_soon(loop, cb_count, &counted));   /* the ring grows */
    AL_CHECK_OK(al_call_soon(loop, cb_a, &log));
    AL_CHECK_OK(al_call_soon(loop, cb_b, &log));
    AL_CHECK_OK(al_call_soon(loop, cb_a, &log));
    AL_CHECK_INT(al_call_soon_cancel(loop, cb_a, &log), ==, 2);    /* both, not cb_b */
    AL_CHECK_INT(al_call_soon_cancel(loop, cb_a, &counted), ==, 0);  /* the same cb, another arg */
    AL_CHECK_INT(al_call_soon_cancel(loop, NULL, &log), ==, -EINVAL);
    AL_CHECK_INT(al_loop_run(loop), ==, 0);
    AL_REQUIRE_INT(log.n, ==, 1);
    AL_CHECK_INT(log.items[0], ==, 2);
    AL_CHECK_INT(counted, ==, 70);
    al_loop_free(loop);
}

AL_TEST(work_queued_during_a_pass_waits_for_the_next_iteration) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    struct log log = {.loop = loop};
    al_call_soon(loop, cb_requeue, &log);
    al_call_soon(loop, cb_b, &log);
    AL_CHECK_INT(al_loop_run_once(loop), ==, 1);   /* still alive: cb_a is queued */
    AL_REQUIRE_INT(log.n, ==, 2);
    AL_CHECK_INT(log.items[0], ==, 3);
    AL_CHECK_INT(log.items[1], ==, 2);             /* b ran before the requeued a */
    AL_CHECK_INT(al_loop_run_once(loop), ==, 0);
    AL_REQUIRE_INT(log.n, ==, 3);
    AL_CHECK_INT(log.items[2], ==, 1);
    AL_CHECK_INT(log.iter[2], ==, 2);
    al_loop_free(loop);
}

AL_TEST(an_empty_loop_is_not_alive_and_run_returns) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    AL_CHECK_INT(al_loop_alive(loop), ==, 0);
    AL_CHECK_INT(al_loop_run_once(loop), ==, 0);
    AL_CHECK_INT(al_loop_run(loop), ==, 0);
    al_loop_free(loop);
}

static void stop_cb(al_loop *loop, void *arg) { (void)arg; al_loop_stop(loop); }
static void forever_cb(al_loop *loop, void *arg) {
    (*(int *)arg)++;
    al_call_soon(loop, forever_cb, arg);
}

AL_TEST(stop_returns_after_the_current_iteration) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    int spins = 0;
    al_call_soon(loop, forever_cb, &spins);
    al_call_soon(loop, stop_cb, NULL);
    AL_CHECK_INT(al_loop_run(loop), ==, 0);
    AL_CHECK_INT(spins, ==, 1);
    AL_CHECK(al_loop_alive(loop));   /* the spinner is still queued */
    al_loop_free(loop);               /* and freeing it is fine */
}

AL_TEST(unknown_backend_and_bad_arguments_are_errors) {
    al_loop *loop = (al_loop *)1;
    al_loop_options opts = {.backend = "kqueue"};
    AL_CHECK_INT(al_loop_new(&loop, &opts), ==, -EINVAL);
    AL_CHECK(loop == NULL);
    AL_CHECK_INT(al_loop_new(NULL, NULL), ==, -EINVAL);
    AL_CHECK_INT(al_call_soon(NULL, cb_a, NULL), ==, -EINVAL);
    AL_CHECK_INT(al_loop_run(NULL), ==, -EINVAL);
}

AL_TEST(backend_is_chosen_from_the_environment) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    AL_CHECK_STR(al_loop_backend_name(loop), getenv("ASYNCLAB_BACKEND") ? getenv("ASYNCLAB_BACKEND") : "epoll");
    al_loop_free(loop);
}

/* ---- timers ----------------------------------------------------------------- */

struct tlog { int n; int ids[64]; int64_t at[64]; };
struct ttimer { al_timer timer; int id; struct tlog *log; };

static void ttimer_cb(al_timer *timer) {
    struct ttimer *t = (struct ttimer *)timer;
    t->log->at[t->log->n] = al_loop_now(timer->loop);
    t->log->ids[t->log->n++] = t->id;
}

AL_TEST(timers_fire_in_deadline_order_and_fifo_on_ties) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL);
    struct tlog log = {0};
    /* deadlines in µs; ids 2, 4, 5 share a deadline and must keep start order */
    int64_t when[] = {300, 100, 200, 100, 100, 50, 400, 250};
    struct ttimer t[8];
    for (int i = 0; i < 8; i++) {
        t[i] = (struct ttimer){.id = i, .log = &log};
        al_timer_init(loop, &t[i].timer);
        AL_CHECK_OK(al_timer_start(&t[i].timer, ttimer_cb, when[i], 0));
    }
    al_loop_run(loop);
    int expect[] = {5, 1, 3, 4, 2, 7, 0, 6};
    AL_REQUIRE_INT(log.n, ==, 8);
    for (int i = 0; i < 8; i++) {
        AL_CHECK_INT(log.ids[i], ==, expect[i]);
        AL_CHECK_INT(log.at[i], ==, when[expect[i]]);   /* exactly on time, virtually */
    }
    al_loop_free(loop);
}

AL_TEST(heap_order_holds_for_many_random_timers_with_stops) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL);
    enum { N = 600 };
    static struct ttimer t[N];
    static struct tlog log;   /* only the count and order matter here */
    int64_t prev = -1;
    int fired = 0, order_ok = 1;
    srand(7);
    for (int i = 0; i < N; i++) {
        t[i] = (struct ttimer){.id = i, .log = &log};
        al_timer_init(loop, &t[i].timer);
        al_timer_start(&t[i].timer, ttimer_cb, rand() % 100000, 0);
    }
    for (int i = 0; i < N; i += 3) al_timer_stop(&t[i].timer);   /* stop a third */
    while (al_loop_alive(loop)) {
        log.n = 0;
        al_loop_run_once(loop);
        for (int k = 0; k < log.n; k++) {
            if (log.at[k] < prev) order_ok = 0;
            if (log.ids[k] % 3 == 0) order_ok = 0;   /* a stopped timer fired */
            prev = log.at[k];
            fired++;
        }
    }
    AL_CHECK_INT(fired, ==, N - (N + 2) / 3);
    AL_CHECK(order_ok);
    al_loop_free(loop);
}

AL_TEST(repeating_timer_does_not_drift_and_can_stop_itself) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL);
    struct tlog log = {0};
    struct ttimer t = {.id = 1, .log = &log};
    al_timer_init(loop, &t.timer);
    AL_CHECK_OK(al_timer_start(&t.timer, ttimer_cb, 1000, 250));
    while (log.n < 4) al_loop_run_once(loop);
    al_timer_stop(&t.timer);
    AL_CHECK_INT(log.at[0], ==, 1000);
    AL_CHECK_INT(log.at[3], ==, 1750);
    AL_CHECK_INT(al_loop_alive(loop), ==, 0);
    al_loop_free(loop);
}

static void rearm_now_cb(al_timer *timer) {
    int *count = timer->data;
    if (++*count < 100) al_timer_start(timer, rearm_now_cb, 0, 0);
}

AL_TEST(a_timer_rearmed_for_now_waits_for_the_next_iteration) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL);
    al_timer t;
    int count = 0;
    al_timer_init(loop, &t);
    t.data = &count;
    al_timer_start(&t, rearm_now_cb, 0, 0);
    al_loop_run_once(loop);
    AL_CHECK_INT(count, ==, 1);   /* not 100: the phase ended */
    al_loop_run(loop);
    AL_CHECK_INT(count, ==, 100);
    al_loop_free(loop);
}

AL_TEST(timer_errors) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL);
    al_timer t;
    AL_CHECK_INT(al_timer_init(NULL, &t), ==, -EINVAL);
    al_timer_init(loop, &t);
    AL_CHECK_INT(al_timer_start(&t, NULL, 10, 0), ==, -EINVAL);
    AL_CHECK_INT(al_timer_start(&t, ttimer_cb, 10, -1), ==, -EINVAL);
    AL_CHECK_INT(al_timer_stop(&t), ==, 0);    /* stopping an idle timer is fine */
    AL_CHECK_INT(al_timer_is_active(&t), ==, 0);
    al_loop_free(loop);
}

/* ---- clocks ------------------------------------------------------------------ */

static void note_time(al_timer *timer) { *(int64_t *)timer->data = al_loop_now(timer->loop); }

AL_TEST(virtual_clock_jumps_to_the_next_timer) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL);
    al_timer t;
    int64_t fired_at = -1;
    al_timer_init(loop, &t);
    t.data = &fired_at;
    AL_CHECK_INT(al_loop_now(loop), ==, 0);
    al_timer_start(&t, note_time, 3600LL * 1000000, 0);   /* an hour, instantly */
    al_loop_run(loop);
    AL_CHECK_INT(fired_at, ==, 3600LL * 1000000);
    AL_CHECK_INT(al_loop_now(loop), ==, 3600LL * 1000000);
    AL_CHECK_INT(al_loop_advance(loop, 5), ==, 0);
    AL_CHECK_INT(al_loop_now(loop), ==, 3600LL * 1000000 + 5);
    al_loop_free(loop);
}

AL_TEST(real_clock_timer_never_fires_early) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    al_timer t;
    int64_t fired_at = -1;
    al_timer_init(loop, &t);
    t.data = &fired_at;
    int64_t start = al_loop_now(loop);
    al_timer_start(&t, note_time, 20000, 0);
    al_loop_run(loop);
    AL_CHECK_INT(fired_at - start, >=, 20000);
    AL_CHECK_INT(fired_at - start, <, 5000000);   /* generous: a loaded CI box */
    AL_CHECK_INT(al_loop_advance(loop, 1), ==, -EINVAL);   /* real time cannot be pushed */
    al_loop_free(loop);
}

AL_TEST(wallclock_formats_like_python_datetime) {
    al_loop *loop = new_loop(AL_CLOCK_VIRTUAL);
    char buf[40];
    al_loop_format_wallclock(loop, buf, sizeof buf);
    AL_CHECK_INT(strlen(buf), ==, 26);
    AL_CHECK(buf[4] == '-' && buf[7] == '-' && buf[10] == ' ' && buf[13] == ':' && buf[19] == '.');
    char later[40];
    al_loop_advance(loop, 1000000);
    al_loop_format_wallclock(loop, later, sizeof later);
    AL_CHECK_STR(later + 20, buf + 20);       /* same microseconds, one second on */
    al_loop_free(loop);
}

/* ---- fd watchers --------------------------------------------------------------- */

struct iolog { int calls; int events; int drain; al_io *io; };

static void io_cb(al_io *io, int events) {
    struct iolog *log = io->data;
    log->calls++;
    log->events |= events;
    if (log->drain) {
        char buf[64];
        if (read(io->fd, buf, sizeof buf) <= 0) al_io_stop(io);
        else if (--log->drain == 0) al_io_stop(io);
    }
}

AL_TEST(readable_pipe_calls_back_level_triggered) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    int p[2];
    AL_REQUIRE(pipe(p) == 0);
    al_io io;
    struct iolog log = {0};
    AL_CHECK_OK(al_io_init(loop, &io, p[0]));
    io.data = &log;
    AL_CHECK_OK(al_io_start(&io, AL_READABLE, io_cb));
    AL_CHECK_INT(write(p[1], "x", 1), ==, 1);
    /* nobody reads: level-triggered means it is reported every iteration */
    al_loop_run_once(loop);
    al_loop_run_once(loop);
    al_loop_run_once(loop);
    AL_CHECK_INT(log.calls, ==, 3);
    AL_CHECK_INT(log.events, ==, AL_READABLE);
    AL_CHECK_OK(al_io_stop(&io));
    AL_CHECK_INT(al_loop_alive(loop), ==, 0);
    AL_CHECK_INT(al_io_close(&io), ==, 0);
    AL_CHECK_INT(al_io_close(&io), ==, -EALREADY);    /* double close */
    close(p[0]);
    close(p[1]);
    al_loop_free(loop);
}

AL_TEST(writable_and_readable_together) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    int p[2];
    AL_REQUIRE(pipe(p) == 0);
    al_io r, w;
    struct iolog lr = {.drain = 1}, lw = {0};
    al_io_init(loop, &r, p[0]);
    al_io_init(loop, &w, p[1]);
    r.data = &lr;
    w.data = &lw;
    al_io_start(&r, AL_READABLE, io_cb);
    al_io_start(&w, AL_WRITABLE, io_cb);
    al_loop_run_once(loop);
    AL_CHECK_INT(lw.calls, ==, 1);     /* an empty pipe is writable */
    AL_CHECK_INT(lr.calls, ==, 0);     /* and not readable */
    al_io_stop(&w);
    AL_CHECK_INT(write(p[1], "hi", 2), ==, 2);
    al_loop_run(loop);                 /* reader drains once and stops: loop ends */
    AL_CHECK_INT(lr.calls, ==, 1);
    close(p[0]);
    close(p[1]);
    al_loop_free(loop);
}

AL_TEST(one_watcher_per_fd_and_bad_descriptors_are_refused) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    int p[2];
    AL_REQUIRE(pipe(p) == 0);
    al_io a, b, bad;
    struct iolog log = {0};
    al_io_init(loop, &a, p[0]);
    al_io_init(loop, &b, p[0]);
    a.data = b.data = &log;
    AL_CHECK_OK(al_io_start(&a, AL_READABLE, io_cb));
    AL_CHECK_INT(al_io_start(&b, AL_READABLE, io_cb), ==, -EEXIST);
    AL_CHECK_INT(al_io_init(loop, &bad, -1), ==, -EBADF);
    int closed_fd = dup(p[1]);
    close(closed_fd);
    AL_CHECK_INT(al_io_init(loop, &bad, closed_fd), ==, -EBADF);
    AL_CHECK_INT(al_io_start(&a, 0, io_cb), ==, -EINVAL);
    AL_CHECK_INT(al_io_start(&a, 8, io_cb), ==, -EINVAL);
    AL_CHECK_INT(al_io_start(&a, AL_READABLE, NULL), ==, -EINVAL);
    al_io_close(&a);
    AL_CHECK_INT(al_io_start(&a, AL_READABLE, io_cb), ==, -EBADF);   /* after close */
    close(p[0]);
    close(p[1]);
    al_loop_free(loop);
}

AL_TEST(hangup_is_reported_as_readable) {
    al_loop *loop = new_loop(AL_CLOCK_REAL);
    int p[2];
    AL_REQUIRE(pipe(p) == 0);
    close(p[1]);
    al_io io;
    struct iolog log = {.drain = 1};
    al_io_init(loop, &io, p[0]);
    io.data = &log;
    al_io_start(&io, AL_READABLE, io_cb);
    al_loop_run(loop);
    AL_CHECK_INT(log.calls, ==, 1);
    close(p[0]);
    al_loop_free(loop);
}
