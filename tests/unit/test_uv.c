/* test_uv.c — the uv backend shares its uv_loop_t with libuv-native code:
 * libuv timers, the threadpool and cross-thread wakeups run inside our loop. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

#include "al_test.h"
#include "asynclab.h"
#include "asynclab/trace.h"
#include "asynclab/uv.h"

static al_loop *new_uv_backend_loop(void) {
    al_loop *loop = NULL;
    al_loop_options opts = {.backend = "uv"};
    AL_REQUIRE_INT(al_loop_new(&loop, &opts), ==, 0);
    return loop;
}

AL_TEST(only_the_uv_backend_has_a_uv_loop) {
    al_loop *loop = new_uv_backend_loop();
    AL_CHECK(al_loop_uv(loop) != NULL);
    al_loop_free(loop);
    al_loop_options opts = {.backend = "epoll"};
    AL_REQUIRE_INT(al_loop_new(&loop, &opts), ==, 0);
    AL_CHECK(al_loop_uv(loop) == NULL);
    al_loop_free(loop);
}

static void on_uv_timer(uv_timer_t *t) { (*(int *)t->data)++; }
static void on_close(uv_handle_t *h) { (void)h; }

AL_TEST(a_libuv_timer_keeps_the_loop_alive_and_fires) {
    al_loop *loop = new_uv_backend_loop();
    uv_timer_t timer;
    int fired = 0;
    uv_timer_init(al_loop_uv(loop), &timer);
    timer.data = &fired;
    uv_timer_start(&timer, on_uv_timer, 10, 0);
    AL_CHECK(al_loop_alive(loop));            /* only libuv's handle is active */
    while (fired == 0 && al_loop_alive(loop)) al_loop_run_once(loop);
    AL_CHECK_INT(fired, ==, 1);
    uv_close((uv_handle_t *)&timer, on_close);
    al_loop_run(loop);                        /* lets the close complete */
    al_loop_free(loop);
}

struct work { uv_work_t req; pthread_t worker; pthread_t loop_thread; int after_on_loop; int done; };

static void work_cb(uv_work_t *req) {
    struct work *w = req->data;
    w->worker = pthread_self();
}
static void after_work_cb(uv_work_t *req, int status) {
    struct work *w = req->data;
    w->after_on_loop = pthread_equal(pthread_self(), w->loop_thread);
    w->done = status == 0 ? 1 : -1;
}

AL_TEST(threadpool_work_completes_back_on_the_loop_thread) {
    al_loop *loop = new_uv_backend_loop();
    struct work w = {.loop_thread = pthread_self()};
    w.req.data = &w;
    AL_REQUIRE_INT(uv_queue_work(al_loop_uv(loop), &w.req, work_cb, after_work_cb), ==, 0);
    al_loop_run(loop);
    AL_CHECK_INT(w.done, ==, 1);
    AL_CHECK(!pthread_equal(w.worker, w.loop_thread));   /* the work ran elsewhere */
    AL_CHECK_INT(w.after_on_loop, ==, 1);
    al_loop_free(loop);
}

struct wake { uv_async_t async; int woken; };
static void on_async(uv_async_t *a) {
    struct wake *w = a->data;
    w->woken++;
    uv_close((uv_handle_t *)a, on_close);
}
static void *send_wakeup(void *arg) {
    uv_async_send(arg);
    return NULL;
}

AL_TEST(another_thread_can_wake_the_loop_with_uv_async_send) {
    al_loop *loop = new_uv_backend_loop();
    struct wake w = {0};
    uv_async_init(al_loop_uv(loop), &w.async, on_async);
    w.async.data = &w;
    pthread_t t;
    pthread_create(&t, NULL, send_wakeup, &w.async);
    al_loop_run(loop);        /* blocks in poll until the other thread wakes it */
    pthread_join(t, NULL);
    AL_CHECK_INT(w.woken, ==, 1);
    al_loop_free(loop);
}

/* A native callback that gives the al_loop work must not leave libuv
 * blocking for I/O: here an idle pipe keeps the poll waiting forever unless
 * the loop interrupts it. */
struct handoff { al_io io; uv_timer_t timer; int ran; int pipe[2]; };

static void handoff_work(al_loop *loop, void *arg) {
    (void)loop;
    struct handoff *h = arg;
    h->ran = 1;
    al_io_close(&h->io);                   /* nothing left to wait for */
    uv_close((uv_handle_t *)&h->timer, on_close);
}
static void handoff_timer(uv_timer_t *t) {
    struct handoff *h = t->data;
    al_call_soon(h->io.loop, handoff_work, h);
}
static void never_called(al_io *io, int events) { (void)io; (void)events; }

AL_TEST(work_queued_by_a_native_callback_ends_the_poll) {
    al_loop *loop = new_uv_backend_loop();
    struct handoff h = {0};
    AL_REQUIRE(pipe(h.pipe) == 0);
    al_io_init(loop, &h.io, h.pipe[0]);
    al_io_start(&h.io, AL_READABLE, never_called);   /* never becomes readable */
    uv_timer_init(al_loop_uv(loop), &h.timer);
    h.timer.data = &h;
    uv_timer_start(&h.timer, handoff_timer, 0, 0);   /* due at the top of uv_run */
    al_loop_run(loop);                               /* hangs without the interrupt */
    AL_CHECK_INT(h.ran, ==, 1);
    close(h.pipe[0]);
    close(h.pipe[1]);
    al_loop_free(loop);
}
