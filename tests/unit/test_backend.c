/* test_backend.c — the backend ops table, exercised directly (no al_loop).
 *
 * AL_TEST_PER_BACKEND: every test runs once per backend, which it gets from
 * $ASYNCLAB_BACKEND (epoll when unset). Real descriptors only: pipes,
 * socketpairs and dup2, so what is tested is what the kernel says.
 */
#include "al_test.h"
#include "asynclab/backend.h"
#include "asynclab/uv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define RW (AL_READABLE | AL_WRITABLE)

static const al_backend_ops *be;

static const char *backend_name(void) {
    const char *name = getenv("ASYNCLAB_BACKEND");
    return name ? name : "epoll";
}

static int is(const char *name) { return strcmp(be->name, name) == 0; }

static void *open_backend(void) {
    be = al_backend_find(backend_name());
    AL_REQUIRE_MSG(be != NULL, "no backend named '%s'", backend_name());
    void *state = NULL;
    AL_CHECK_OK(be->create(&state));
    return state;
}

/* The events reported for fd, or -1 if it is not in fired[0..n). */
static int events_of(const al_fired *fired, int n, int fd) {
    int found = -1;
    for (int i = 0; i < n; i++)
        if (fired[i].fd == fd) {
            AL_CHECK_MSG(found < 0, "fd %d reported twice in one poll", fd);
            found = fired[i].events;
        }
    return found;
}

static void make_pipe(int p[2]) { AL_REQUIRE_INT(pipe(p), ==, 0); }
static void make_socketpair(int s[2]) {
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, s), ==, 0);
}
static void close_pair(int p[2]) { close(p[0]); close(p[1]); }

AL_TEST(backend_find_knows_every_name) {
    int n = 0;
    for (const char *const *name = al_backend_names; *name; name++, n++) {
        const al_backend_ops *ops = al_backend_find(*name);
        AL_REQUIRE_MSG(ops != NULL, "al_backend_find(\"%s\") is NULL", *name);
        AL_CHECK_STR(ops->name, *name);
    }
    AL_CHECK_INT(n, ==, 5);
    AL_CHECK(al_backend_find("uring") == &al_backend_uring);
    AL_CHECK(al_backend_find("kqueue") == NULL);
    AL_CHECK(al_backend_find(NULL) == NULL);
    AL_CHECK(al_backend_find(backend_name()) != NULL);
}

AL_TEST(empty_poll_returns_zero) {
    void *st = open_backend();
    al_fired fired[4];
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 0);
    AL_CHECK_INT(be->poll(st, 0, fired, 0), ==, -EINVAL);
    be->destroy(st);
}

AL_TEST(readable_pipe_fires_readable) {
    void *st = open_backend();
    int p[2];
    make_pipe(p);
    al_fired fired[4];
    AL_CHECK_INT(be->add(st, p[0], 0, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 0);          /* nothing written yet */
    AL_REQUIRE_INT(write(p[1], "x", 1), ==, 1);
    AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
    AL_CHECK_INT(fired[0].fd, ==, p[0]);
    AL_CHECK_INT(fired[0].events, ==, AL_READABLE);
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 1);          /* level-triggered: again */
    AL_CHECK_INT(be->del(st, p[0], AL_READABLE, AL_READABLE), ==, 0);
    be->destroy(st);
    close_pair(p);
}

AL_TEST(writable_socket_fires_writable) {
    void *st = open_backend();
    int s[2];
    make_socketpair(s);
    al_fired fired[4];
    AL_CHECK_INT(be->add(st, s[0], 0, AL_WRITABLE), ==, 0);
    AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
    AL_CHECK_INT(fired[0].fd, ==, s[0]);
    AL_CHECK_INT(fired[0].events, ==, AL_WRITABLE);
    AL_CHECK_INT(be->del(st, s[0], AL_WRITABLE, AL_WRITABLE), ==, 0);
    be->destroy(st);
    close_pair(s);
}

AL_TEST(add_read_then_write_reports_both) {
    void *st = open_backend();
    int s[2];
    make_socketpair(s);
    AL_REQUIRE_INT(write(s[1], "x", 1), ==, 1);
    al_fired fired[4];
    AL_CHECK_INT(be->add(st, s[0], 0, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->add(st, s[0], AL_READABLE, AL_WRITABLE), ==, 0);
    AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
    AL_CHECK_INT(fired[0].fd, ==, s[0]);
    AL_CHECK_INT(fired[0].events, ==, RW);
    AL_CHECK_INT(be->del(st, s[0], RW, RW), ==, 0);
    be->destroy(st);
    close_pair(s);
}

AL_TEST(del_one_direction_keeps_the_other) {
    void *st = open_backend();
    int s[2];
    make_socketpair(s);
    AL_REQUIRE_INT(write(s[1], "x", 1), ==, 1);
    al_fired fired[4];
    AL_CHECK_INT(be->add(st, s[0], 0, RW), ==, 0);
    AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
    AL_CHECK_INT(fired[0].events, ==, RW);

    AL_CHECK_INT(be->del(st, s[0], RW, AL_WRITABLE), ==, 0);
    AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
    AL_CHECK_INT(fired[0].fd, ==, s[0]);
    AL_CHECK_INT(fired[0].events, ==, AL_READABLE);

    AL_CHECK_INT(be->del(st, s[0], AL_READABLE, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->add(st, s[0], 0, AL_WRITABLE), ==, 0);
    AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
    AL_CHECK_INT(fired[0].events, ==, AL_WRITABLE);
    AL_CHECK_INT(be->del(st, s[0], AL_WRITABLE, AL_WRITABLE), ==, 0);
    be->destroy(st);
    close_pair(s);
}

AL_TEST(del_to_zero_stops_reporting) {
    void *st = open_backend();
    int p[2];
    make_pipe(p);
    AL_REQUIRE_INT(write(p[1], "x", 1), ==, 1);
    al_fired fired[4];
    AL_CHECK_INT(be->add(st, p[0], 0, AL_READABLE), ==, 0);
    AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
    AL_CHECK_INT(be->del(st, p[0], AL_READABLE, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 0);
    AL_CHECK_INT(be->del(st, p[0], 0, AL_READABLE), ==, -ENOENT);  /* already forgotten */
    /* Forgotten, then watched again right away (uv: before the old handle's
     * asynchronous close has completed). */
    AL_CHECK_INT(be->add(st, p[0], 0, AL_READABLE), ==, 0);
    AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
    AL_CHECK_INT(fired[0].fd, ==, p[0]);
    AL_CHECK_INT(be->del(st, p[0], AL_READABLE, AL_READABLE), ==, 0);
    be->destroy(st);
    close_pair(p);
}

AL_TEST(peer_hangup_is_reported_readable) {
    void *st = open_backend();
    int s[2], p[2];
    make_socketpair(s);
    make_pipe(p);
    close(s[1]);
    close(p[1]);
    al_fired fired[4];
    AL_CHECK_INT(be->add(st, s[0], 0, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->add(st, p[0], 0, AL_READABLE), ==, 0);
    int n = be->poll(st, 1000, fired, 4);
    AL_REQUIRE_INT(n, ==, 2);
    AL_CHECK_INT(events_of(fired, n, s[0]) & AL_READABLE, ==, AL_READABLE);
    AL_CHECK_INT(events_of(fired, n, p[0]) & AL_READABLE, ==, AL_READABLE);
    char c;
    AL_CHECK_INT(read(s[0], &c, 1), ==, 0);   /* and the read sees end-of-file */
    AL_CHECK_INT(be->del(st, s[0], AL_READABLE, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->del(st, p[0], AL_READABLE, AL_READABLE), ==, 0);
    be->destroy(st);
    close(s[0]);
    close(p[0]);
}

AL_TEST(error_is_reported_on_every_poll) {
    /* A pipe whose reader is gone: writing would fail (EPIPE), so the kernel
     * flags an error (POLLERR). Level-triggered on every backend, including
     * uv, where libuv stops the handle on an error and we restart it. */
    void *st = open_backend();
    int p[2];
    make_pipe(p);
    close(p[0]);
    al_fired fired[4];
    AL_CHECK_INT(be->add(st, p[1], 0, AL_WRITABLE), ==, 0);
    for (int round = 0; round < 2; round++) {
        AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
        AL_CHECK_INT(fired[0].fd, ==, p[1]);
        /* select only has the bitmaps it was given: the error shows as writable. */
        AL_CHECK_INT(fired[0].events, ==, is("select") ? AL_WRITABLE : RW);
    }
    AL_CHECK_INT(be->del(st, p[1], AL_WRITABLE, AL_WRITABLE), ==, 0);
    be->destroy(st);
    close(p[1]);
}

AL_TEST(timeout_with_nothing_ready_returns_zero) {
    void *st = open_backend();
    int p[2];
    make_pipe(p);
    al_fired fired[4];
    AL_CHECK_INT(be->poll(st, 50, fired, 4), ==, 0);      /* nothing watched */
    AL_CHECK_INT(be->add(st, p[0], 0, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->poll(st, 50, fired, 4), ==, 0);      /* watched, nothing written */
    AL_CHECK_INT(be->del(st, p[0], AL_READABLE, AL_READABLE), ==, 0);
    be->destroy(st);
    close_pair(p);
}

#define MANY 200

static void add_many(void *st, int s[MANY][2]) {
    for (int i = 0; i < MANY; i++) {
        make_socketpair(s[i]);
        AL_REQUIRE_INT(be->add(st, s[i][0], 0, AL_WRITABLE), ==, 0);
    }
}

static void del_many(void *st, int s[MANY][2]) {
    for (int i = 0; i < MANY; i++) {
        AL_CHECK_INT(be->del(st, s[i][0], AL_WRITABLE, AL_WRITABLE), ==, 0);
        close_pair(s[i]);
    }
}

AL_TEST(many_fds_are_all_reported) {
    void *st = open_backend();
    int s[MANY][2];
    add_many(st, s);
    static al_fired fired[2 * MANY];
    int n = be->poll(st, 1000, fired, 2 * MANY);
    AL_REQUIRE_INT(n, ==, MANY);
    for (int i = 0; i < MANY; i++)
        AL_CHECK_INT(events_of(fired, n, s[i][0]), ==, AL_WRITABLE);
    del_many(st, s);
    be->destroy(st);
}

AL_TEST(max_fired_caps_the_count) {
    void *st = open_backend();
    int s[MANY][2];
    add_many(st, s);
    al_fired fired[10 + 1];
    fired[10].fd = -42;   /* a canary just past what we allow */
    for (int round = 0; round < 2; round++) {   /* the rest stay ready for later */
        int n = be->poll(st, 1000, fired, 10);
        AL_REQUIRE_INT(n, ==, 10);
        for (int i = 0; i < n; i++) {
            AL_CHECK_INT(fired[i].events, ==, AL_WRITABLE);
            AL_CHECK_INT(events_of(fired, n, fired[i].fd), ==, AL_WRITABLE);
        }
        AL_CHECK_INT(fired[10].fd, ==, -42);
    }
    del_many(st, s);
    be->destroy(st);
}

AL_TEST(del_leaves_the_other_fds_alone) {
    /* Forget the first and the last of three: only the middle one is left.
     * (poll fills a hole with its last entry; that entry must stay findable.) */
    void *st = open_backend();
    int p[3][2];
    for (int i = 0; i < 3; i++) {
        make_pipe(p[i]);
        AL_REQUIRE_INT(write(p[i][1], "x", 1), ==, 1);
        AL_CHECK_INT(be->add(st, p[i][0], 0, AL_READABLE), ==, 0);
    }
    AL_CHECK_INT(be->del(st, p[0][0], AL_READABLE, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->del(st, p[2][0], AL_READABLE, AL_READABLE), ==, 0);
    al_fired fired[4];
    AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
    AL_CHECK_INT(fired[0].fd, ==, p[1][0]);
    AL_CHECK_INT(be->del(st, p[1][0], AL_READABLE, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 0);
    be->destroy(st);
    for (int i = 0; i < 3; i++) close_pair(p[i]);
}

/* Make sure descriptor number `fd` can exist in this process. */
static void allow_fd(int fd) {
    struct rlimit rl;
    AL_REQUIRE_INT(getrlimit(RLIMIT_NOFILE, &rl), ==, 0);
    if (rl.rlim_cur > (rlim_t)fd) return;
    AL_REQUIRE_MSG(rl.rlim_max > (rlim_t)fd, "RLIMIT_NOFILE hard limit %llu is too low",
                   (unsigned long long)rl.rlim_max);
    rl.rlim_cur = (rlim_t)fd + 1;
    AL_REQUIRE_INT(setrlimit(RLIMIT_NOFILE, &rl), ==, 0);
}

AL_TEST(fd_beyond_fd_setsize_only_select_refuses) {
    enum { BIG = 1100 };
    _Static_assert(BIG >= FD_SETSIZE, "BIG must be past select's bitmaps");
    allow_fd(BIG);
    void *st = open_backend();
    int low[2], big[2];
    make_pipe(low);
    make_pipe(big);
    AL_REQUIRE_INT(dup2(big[0], BIG), ==, BIG);
    AL_REQUIRE_INT(write(low[1], "x", 1), ==, 1);
    AL_REQUIRE_INT(write(big[1], "x", 1), ==, 1);
    al_fired fired[4];

    AL_CHECK_INT(be->add(st, low[0], 0, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->add(st, -1, 0, AL_READABLE), ==, -EBADF);
    int rc = be->add(st, BIG, 0, AL_READABLE);
    if (is("select")) {
        AL_CHECK_INT(rc, ==, -ERANGE);
        AL_CHECK_INT(be->add(st, BIG, 0, AL_WRITABLE), ==, -ERANGE);
        AL_CHECK_INT(be->del(st, BIG, AL_READABLE, AL_READABLE), ==, -ERANGE);
        /* Nothing else changed: exactly the one low fd, exactly readable. */
        AL_REQUIRE_INT(be->poll(st, 1000, fired, 4), ==, 1);
        AL_CHECK_INT(fired[0].fd, ==, low[0]);
        AL_CHECK_INT(fired[0].events, ==, AL_READABLE);
    } else {
        AL_CHECK_INT(rc, ==, 0);
        int n = be->poll(st, 1000, fired, 4);
        AL_REQUIRE_INT(n, ==, 2);
        AL_CHECK_INT(events_of(fired, n, low[0]), ==, AL_READABLE);
        AL_CHECK_INT(events_of(fired, n, BIG), ==, AL_READABLE);
        AL_CHECK_INT(be->del(st, BIG, AL_READABLE, AL_READABLE), ==, 0);
    }
    AL_CHECK_INT(be->del(st, low[0], AL_READABLE, AL_READABLE), ==, 0);
    be->destroy(st);
    close(BIG);
    close_pair(low);
    close_pair(big);
}

AL_TEST(more_ready_than_one_kernel_batch) {
    /* 1100 ready sockets: more than libuv takes from epoll_wait in one go
     * (1024), so within one uv_run it asks again and sees the same fds again.
     * Every backend must still report each fd once. Past FD_SETSIZE, so not
     * for select. */
    enum { COUNT = 1100 };
    allow_fd(2 * COUNT + 64);
    void *st = open_backend();
    static int s[COUNT][2];
    static al_fired fired[2 * COUNT];
    int added = 0;
    for (int i = 0; i < COUNT; i++) {
        make_socketpair(s[i]);
        int rc = be->add(st, s[i][0], 0, AL_WRITABLE);
        if (rc == 0) added++;
        else AL_CHECK_MSG(is("select") && rc == -ERANGE && s[i][0] >= FD_SETSIZE,
                          "add(%d) gave %d", s[i][0], rc);
    }
    if (!is("select")) AL_CHECK_INT(added, ==, COUNT);
    int n = be->poll(st, 1000, fired, 2 * COUNT);
    AL_CHECK_INT(n, ==, added);
    for (int i = 0; i < COUNT; i++) {
        if (s[i][0] >= FD_SETSIZE && is("select")) continue;
        AL_CHECK_INT(events_of(fired, n, s[i][0]), ==, AL_WRITABLE);
    }
    for (int i = 0; i < COUNT; i++) {
        if (!(s[i][0] >= FD_SETSIZE && is("select")))
            AL_CHECK_INT(be->del(st, s[i][0], AL_WRITABLE, AL_WRITABLE), ==, 0);
        close_pair(s[i]);
    }
    be->destroy(st);
}

AL_TEST(closed_fd_is_refused) {
    void *st = open_backend();
    int p[2];
    make_pipe(p);
    close_pair(p);   /* p[0] and p[1] are now numbers without a descriptor */
    AL_CHECK_INT(be->add(st, p[0], 0, AL_READABLE), ==, -EBADF);
    AL_CHECK_INT(be->add(st, p[1], 0, AL_WRITABLE), ==, -EBADF);
    AL_CHECK_INT(be->add(st, -1, 0, AL_READABLE), ==, -EBADF);
    al_fired fired[4];
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 0);   /* and nothing was left behind */
    be->destroy(st);
}

AL_TEST(fd_closed_while_watched_does_not_crash) {
    /* The contract says: delete before you close. When a program breaks it,
     * select and poll report the fd readable|writable (the next read says
     * EBADF), uv too (libuv would abort instead), and epoll forgets it: the
     * kernel drops a closed descriptor from the interest list by itself. */
    void *st = open_backend();
    int p[2];
    make_pipe(p);
    AL_CHECK_INT(be->add(st, p[0], 0, AL_READABLE), ==, 0);
    close_pair(p);
    al_fired fired[4];
    int n = be->poll(st, 0, fired, 4);
    if (is("epoll")) {
        AL_CHECK_INT(n, ==, 0);
    } else {
        AL_REQUIRE_INT(n, ==, 1);
        AL_CHECK_INT(fired[0].fd, ==, p[0]);
        AL_CHECK_INT(fired[0].events, ==, RW);
    }
    int rc = be->del(st, p[0], AL_READABLE, AL_READABLE);
    AL_CHECK_MSG(rc == 0 || (is("epoll") && rc == -EBADF), "del gave %d", rc);
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 0);
    be->destroy(st);
}

AL_TEST(regular_file_is_always_ready_or_refused) {
    /* Files are always "ready" (a read never waits for the network), so epoll
     * refuses them, and uv with it; select and poll just say "ready". */
    void *st = open_backend();
    char path[] = "/tmp/asynclab-backend-XXXXXX";
    int fd = mkstemp(path);
    AL_REQUIRE(fd >= 0);
    unlink(path);
    int rc = be->add(st, fd, 0, AL_READABLE);
    if (is("epoll") || is("uv")) {
        AL_CHECK_INT(rc, ==, -EPERM);
    } else {
        AL_CHECK_INT(rc, ==, 0);
        al_fired fired[4];
        AL_REQUIRE_INT(be->poll(st, 0, fired, 4), ==, 1);
        AL_CHECK_INT(fired[0].fd, ==, fd);
        AL_CHECK_INT(be->del(st, fd, AL_READABLE, AL_READABLE), ==, 0);
    }
    be->destroy(st);
    close(fd);
}

/* ---- uv only: libuv-native handles on the backend's own loop ---------- */

static int native_calls;
/* uv_stop(): a native callback ends the backend's current poll step, so that
 * a timer which ran at the top of libuv's iteration is not followed by a
 * block for I/O (see asynclab/uv.h). */
static void on_native_timer(uv_timer_t *t) {
    native_calls++;
    uv_stop(t->loop);
}
static void on_native_async(uv_async_t *a) { (void)a; native_calls++; }
static void on_native_close(uv_handle_t *h) { (void)h; native_calls += 100; }
static void on_native_poll(uv_poll_t *h, int status, int events) {
    (void)h, (void)status, (void)events;
    native_calls++;
}

AL_TEST(uv_native_handles_keep_the_backend_alive) {
    void *st = open_backend();
    if (!is("uv")) {
        /* uring is alive while operations are in flight (test_op.c), and
         * with none it is not, whatever it watches */
        AL_CHECK_MSG(be->alive == NULL || is("uring"), "only uv has native handles");
        if (be->alive) AL_CHECK_INT(be->alive(st), ==, 0);
        be->destroy(st);
        return;
    }
    uv_loop_t *loop = al_backend_uv_native(st);
    AL_REQUIRE(loop != NULL);
    AL_REQUIRE(be->alive != NULL);
    AL_CHECK_INT(be->alive(st), ==, 0);

    int p[2];
    make_pipe(p);
    AL_CHECK_INT(be->add(st, p[0], 0, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->alive(st), ==, 0);   /* our own poll handles do not count */

    al_fired fired[4];
    uv_timer_t timer;
    AL_REQUIRE_INT(uv_timer_init(loop, &timer), ==, 0);
    AL_CHECK_INT(be->alive(st), ==, 0);   /* initialised, not started */
    AL_REQUIRE_INT(uv_timer_start(&timer, on_native_timer, 10, 0), ==, 0);
    AL_CHECK_INT(be->alive(st), ==, 1);
    AL_CHECK_INT(be->poll(st, -1, fired, 4), ==, 0);   /* the timer ends this wait */
    AL_CHECK_INT(native_calls, ==, 1);
    AL_CHECK_INT(be->alive(st), ==, 0);   /* one-shot: done */

    uv_async_t async;
    AL_REQUIRE_INT(uv_async_init(loop, &async, on_native_async), ==, 0);
    AL_CHECK_INT(be->alive(st), ==, 1);
    AL_REQUIRE_INT(uv_async_send(&async), ==, 0);
    AL_CHECK_INT(be->poll(st, -1, fired, 4), ==, 0);
    AL_CHECK_INT(native_calls, ==, 2);
    uv_unref((uv_handle_t *)&async);
    AL_CHECK_INT(be->alive(st), ==, 0);   /* unreferenced handles never keep a loop alive */
    uv_ref((uv_handle_t *)&async);
    AL_CHECK_INT(be->alive(st), ==, 1);

    uv_close((uv_handle_t *)&async, on_native_close);
    uv_close((uv_handle_t *)&timer, on_native_close);
    AL_CHECK_INT(be->alive(st), ==, 0);
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 0);    /* runs the close callbacks */
    AL_CHECK_INT(native_calls, ==, 202);

    AL_CHECK_INT(be->del(st, p[0], AL_READABLE, AL_READABLE), ==, 0);
    be->destroy(st);
    close_pair(p);
}

AL_TEST(uv_fd_owned_by_native_handle_is_refused) {
    void *st = open_backend();
    if (!is("uv")) {
        be->destroy(st);
        return;
    }
    int s[2];
    make_socketpair(s);
    uv_poll_t native;
    AL_REQUIRE_INT(uv_poll_init(al_backend_uv_native(st), &native, s[0]), ==, 0);
    AL_REQUIRE_INT(uv_poll_start(&native, UV_READABLE, on_native_poll), ==, 0);
    AL_CHECK_INT(be->add(st, s[0], 0, AL_READABLE), ==, -EEXIST);
    AL_CHECK_INT(be->add(st, s[1], 0, AL_READABLE), ==, 0);   /* the other end is free */
    AL_CHECK_INT(be->del(st, s[1], AL_READABLE, AL_READABLE), ==, 0);
    uv_close((uv_handle_t *)&native, NULL);
    be->destroy(st);
    close_pair(s);
}

AL_TEST(uv_destroy_closes_native_handles_left_open) {
    /* A program that forgot to close its libuv handles must not make the
     * backend leak its loop (valgrind checks) or crash. */
    void *st = open_backend();
    if (!is("uv")) {
        be->destroy(st);
        return;
    }
    static uv_async_t async;   /* static: it must outlive destroy, as a real one would */
    AL_REQUIRE_INT(uv_async_init(al_backend_uv_native(st), &async, on_native_async), ==, 0);
    int p[2];
    make_pipe(p);
    AL_CHECK_INT(be->add(st, p[0], 0, AL_READABLE), ==, 0);   /* and one of ours */
    be->destroy(st);
    close_pair(p);
}

AL_TEST(uv_due_native_timer_can_end_the_poll) {
    /* libuv runs due timers at the top of an iteration and then blocks for
     * I/O. A native callback ends that block with uv_stop(), and the poll
     * returns instead of sleeping through what the callback did. */
    void *st = open_backend();
    if (!is("uv")) {
        be->destroy(st);
        return;
    }
    int p[2];
    make_pipe(p);
    AL_CHECK_INT(be->add(st, p[0], 0, AL_READABLE), ==, 0);   /* something to block on */
    uv_timer_t timer;
    AL_REQUIRE_INT(uv_timer_init(al_backend_uv_native(st), &timer), ==, 0);
    AL_REQUIRE_INT(uv_timer_start(&timer, on_native_timer, 0, 0), ==, 0);
    al_fired fired[4];
    AL_CHECK_INT(be->poll(st, -1, fired, 4), ==, 0);   /* a hang here fails by timeout */
    AL_CHECK_INT(native_calls, ==, 1);
    uv_close((uv_handle_t *)&timer, NULL);
    AL_CHECK_INT(be->del(st, p[0], AL_READABLE, AL_READABLE), ==, 0);
    be->destroy(st);
    close_pair(p);
}
