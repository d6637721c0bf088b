/* wakeup.c — lesson 3: waking a loop from another thread.
 *
 * A loop with nothing to do sleeps inside poll/epoll_wait. Work finished by
 * another thread (a DNS lookup, a file read, a computation) must wake it up,
 * but that thread may not touch the loop: a loop belongs to its thread
 * (loop.h). The only safe way in is through something the loop already
 * waits on:
 *
 *   1. the self-pipe: the loop watches the read end of a pipe; the worker
 *      writes one byte to the write end; the read end becomes readable and
 *      the loop's poll returns. Works with any backend.
 *   2. libuv's uv_async_t: the same idea packaged (an eventfd inside libuv);
 *      uv_async_send() is the one libuv call that is safe from any thread.
 *
 * Each part prints a short timeline: who did what, and when the loop woke.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asynclab/backend.h"
#include "asynclab/error.h"
#include "asynclab/io.h"
#include "asynclab/loop.h"
#include "asynclab/trace.h"
#include "asynclab/uv.h"

#define WORKER_SLEEP_MS 100

/* The worker thread prints with plain stdio: al_printf(loop, ...) would touch
 * the loop's trace from the wrong thread. */
static void worker_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void worker_say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("  worker  ");
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
    va_end(ap);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

/* ---- 1. the self-pipe ------------------------------------------------------ */

static int pipe_fds[2] = {-1, -1};      /* [0] read end (the loop's), [1] write end */

static void *pipe_worker(void *arg) {
    (void)arg;
    worker_say("sleeping %d ms (the work)", WORKER_SLEEP_MS);
    sleep_ms(WORKER_SLEEP_MS);
    worker_say("done: write(pipe, \"!\", 1)");
    if (write(pipe_fds[1], "!", 1) != 1) perror("worker: write");
    return NULL;
}

static void on_pipe_readable(al_io *io, int events) {
    (void)events;
    al_loop *loop = io->data;
    /* Read everything: several wake-ups may have piled up, and one readable
     * pipe is all the news we need. The pipe is non-blocking, so this stops
     * at EAGAIN instead of hanging the loop. */
    char buf[64];
    ssize_t got = 0, n;
    while ((n = read(al_io_fd(io), buf, sizeof buf)) > 0) got += n;
    al_printf(loop, "  loop    woke up after %lld ms, in iteration %llu: read %zd byte(s) from the pipe",
              (long long)(al_loop_now(loop) / 1000), (unsigned long long)al_loop_iterations(loop), got);
    al_io_close(io);       /* nothing else to watch: al_loop_run() returns */
}

static int run_self_pipe(const char *backend) {
    al_loop *loop;
    al_loop_options opts = {.backend = backend};
    int rc = al_loop_new(&loop, &opts);
    if (rc < 0) {
        fprintf(stderr, "lesson03_wakeup: cannot create the loop: %s\n", al_loop_backend_error(rc));
        return 1;
    }
    if (pipe(pipe_fds) < 0) {
        perror("lesson03_wakeup: pipe");
        al_loop_free(loop);
        return 1;
    }
    fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
    al_io io;
    rc = al_io_init(loop, &io, pipe_fds[0]);
    io.data = loop;
    if (rc == 0) rc = al_io_start(&io, AL_READABLE, on_pipe_readable);
    if (rc < 0) {
        fprintf(stderr, "lesson03_wakeup: cannot watch the pipe: %s\n", al_strerror(rc));
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        al_loop_free(loop);
        return 1;
    }

    al_printf(loop, "self-pipe, on the %s backend:", al_loop_backend_name(loop));
    al_printf(loop, "  main    the loop watches the pipe's read end; starting the worker");
    pthread_t worker;
    if (pthread_create(&worker, NULL, pipe_worker, NULL) != 0) {
        fprintf(stderr, "lesson03_wakeup: cannot start the worker thread\n");
        return 1;
    }
    rc = al_loop_run(loop);   /* blocks in poll: nothing is ready, no timer */
    al_printf(loop, "  main    al_loop_run() returned: nothing left to watch");
    pthread_join(worker, NULL);

    close(pipe_fds[0]);
    close(pipe_fds[1]);
    al_loop_free(loop);
    return rc < 0 ? 1 : 0;
}

/* ---- 2. uv_async_send ------------------------------------------------------ */

static uv_async_t async;

static void *async_worker(void *arg) {
    (void)arg;
    worker_say("sleeping %d ms (the work)", WORKER_SLEEP_MS);
    sleep_ms(WORKER_SLEEP_MS);
    worker_say("done: uv_async_send()");
    uv_async_send(&async);
    return NULL;
}

static void on_async(uv_async_t *handle) {
    al_loop *loop = handle->data;
    al_printf(loop, "  loop    woke up after %lld ms, in iteration %llu: the async callback runs",
              (long long)(al_loop_now(loop) / 1000), (unsigned long long)al_loop_iterations(loop));
    /* An open async handle keeps the loop alive; closing it lets run return. */
    uv_close((uv_handle_t *)handle, NULL);
}

static int run_uv_async(void) {
    al_loop *loop;
    al_loop_options opts = {.backend = "uv"};
    int rc = al_loop_new(&loop, &opts);
    if (rc < 0) {
        fprintf(stderr, "lesson03_wakeup: cannot create the uv loop: %s\n", al_strerror(rc));
        return 1;
    }
    rc = uv_async_init(al_loop_uv(loop), &async, on_async);
    if (rc < 0) {
        fprintf(stderr, "lesson03_wakeup: uv_async_init: %s\n", uv_strerror(rc));
        al_loop_free(loop);
        return 1;
    }
    async.data = loop;

    al_printf(loop, "uv_async_send, on the uv backend:");
    al_printf(loop, "  main    uv_async_init() on the loop's libuv loop; starting the worker");
    pthread_t worker;
    if (pthread_create(&worker, NULL, async_worker, NULL) != 0) {
        fprintf(stderr, "lesson03_wakeup: cannot start the worker thread\n");
        return 1;
    }
    rc = al_loop_run(loop);
    al_printf(loop, "  main    al_loop_run() returned: nothing left to watch");
    pthread_join(worker, NULL);

    al_loop_free(loop);
    return rc < 0 ? 1 : 0;
}

/* ---- main ------------------------------------------------------------------ */

static void usage(FILE *out) {
    fprintf(out,
            "usage: lesson03_wakeup [--backend NAME] [--only pipe|async]\n"
            "  Wake a sleeping loop from a worker thread: with a self-pipe (on --backend,\n"
            "  default $ASYNCLAB_BACKEND or epoll), then with uv_async_send (uv backend).\n"
            "  --only pipe|async  run one part (with ASYNCLAB_TRACE set, only the first\n"
            "                     part run is traced: one trace file holds one loop)\n");
}

int main(int argc, char **argv) {
    const char *backend = NULL, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc) {
            backend = argv[++i];
            if (!al_backend_find(backend)) {
                fprintf(stderr, "lesson03_wakeup: unknown backend '%s' (select, poll, epoll, uv, uring)\n",
                        backend);
                return 2;
            }
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "pipe") == 0 || strcmp(argv[i + 1], "async") == 0)) {
            only = argv[++i];
        } else {
            fprintf(stderr, "lesson03_wakeup: bad argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    int rc = 0;
    if (!only || strcmp(only, "pipe") == 0) {
        rc |= run_self_pipe(backend);
        unsetenv("ASYNCLAB_TRACE");   /* the second loop would overwrite the first's trace */
    }
    if (!only || strcmp(only, "async") == 0) rc |= run_uv_async();
    return rc;
}
