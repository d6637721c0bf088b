/* offload.c — await a blocking call that runs on another thread.
 *
 * A blocking call (time.sleep, a database driver that is not async) stops
 * the loop, and every other request with it. The cure is to run it where it
 * can block nobody: a worker thread. The task that needs the result awaits
 * it like any other I/O, and the loop keeps serving meanwhile. This is
 * FastAPI's run_in_threadpool (and how it runs plain `def` endpoints).
 *
 * Two ways to do it, one per kind of loop:
 *   uv backend   libuv's own thread pool (uv_queue_work on the loop's
 *                uv_loop_t, asynclab/uv.h): the pool runs fn, and libuv calls
 *                after_work on the loop's thread, which completes a future
 *                the task awaits. This is what uvloop gives uvicorn.
 *   the others   there is no pool: a thread of our own runs fn and then
 *                writes one byte on a socketpair whose other end the task
 *                awaits with al_wait_readable. One thread per call: fine for
 *                a demo, not for a production server.
 *
 * Cancellation (the client went away): the task stops waiting at once, but
 * the call cannot be interrupted on its thread. So the work item owns a copy
 * of the argument and frees itself when the call is over; the task only
 * marks it abandoned.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "app.h"
#include "asynclab/future.h"
#include "asynclab/task.h"
#include "asynclab/uv.h"

/* ---- libuv's thread pool -------------------------------------------------- */

typedef struct uv_job {
    uv_work_t req;
    al_future done;            /* completed on the loop's thread by after_work */
    int finished, abandoned;
    void (*fn)(void *arg);
    _Alignas(max_align_t) unsigned char arg[];
} uv_job;

static void work(uv_work_t *req) {          /* on a pool thread */
    uv_job *j = req->data;
    j->fn(j->arg);
}

static void after_work(uv_work_t *req, int status) {   /* on the loop's thread */
    uv_job *j = req->data;
    j->finished = 1;
    if (j->abandoned) {
        free(j);
        return;
    }
    if (status < 0) al_future_set_error(&j->done, status);
    else al_future_set_result(&j->done, 0);
}

static int run_on_uv_pool(uv_loop_t *uv, void (*fn)(void *), void *arg, size_t size) {
    al_loop *loop = al_task_loop(al_task_current());
    uv_job *j = malloc(sizeof *j + size);
    if (!j) return -ENOMEM;
    memset(j, 0, sizeof *j);
    memcpy(j->arg, arg, size);
    j->fn = fn;
    j->req.data = j;
    al_future_init(loop, &j->done);
    int rc = uv_queue_work(uv, &j->req, work, after_work);
    if (rc < 0) {
        free(j);
        return rc;
    }
    rc = al_await(&j->done);
    if (!j->finished) {
        j->abandoned = 1;      /* after_work frees it */
        return rc;
    }
    free(j);
    return rc;
}

/* ---- a thread and a socketpair (select, poll, epoll) -------------------------- */

typedef struct thread_job {
    int wake_fd;               /* the thread's end of the socketpair */
    void (*fn)(void *arg);
    _Alignas(max_align_t) unsigned char arg[];
} thread_job;

static void *thread_main(void *p) {
    thread_job *j = p;
    j->fn(j->arg);
    /* The task may have stopped listening (cancelled): then this send fails
     * with EPIPE, and MSG_NOSIGNAL keeps that from being a SIGPIPE. */
    char done = 1;
    (void)!send(j->wake_fd, &done, 1, MSG_NOSIGNAL);
    close(j->wake_fd);
    free(j);
    return NULL;
}

static int run_on_thread(void (*fn)(void *), void *arg, size_t size) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0) return -errno;
    thread_job *j = malloc(sizeof *j + size);
    if (!j) {
        close(fds[0]);
        close(fds[1]);
        return -ENOMEM;
    }
    j->wake_fd = fds[1];
    j->fn = fn;
    memcpy(j->arg, arg, size);
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int err = pthread_create(&th, &attr, thread_main, j);
    pthread_attr_destroy(&attr);
    if (err) {
        free(j);
        close(fds[0]);
        close(fds[1]);
        return -err;
    }
    int rc = al_wait_readable(fds[0]);   /* the thread owns j from here on */
    close(fds[0]);
    return rc;
}

int app_run_in_threadpool(void (*fn)(void *), void *arg, size_t size) {
    al_task *self = al_task_current();
    if (!self) return -EPERM;
    uv_loop_t *uv = al_loop_uv(al_task_loop(self));
    return uv ? run_on_uv_pool(uv, fn, arg, size) : run_on_thread(fn, arg, size);
}
