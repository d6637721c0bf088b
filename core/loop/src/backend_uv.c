/* backend_uv.c — the libuv backend: our poll step, run by libuv.
 *
 * libuv is the event loop under Node.js and uvicorn. On Linux it sits on
 * epoll, so this backend costs what backend_epoll.c costs; it exists so that
 * code written against libuv (uv_tcp_t servers, uv_async_t wake-ups,
 * uv_queue_work) can share one loop with asynclab's tasks. See asynclab/uv.h.
 *
 * How the ops map onto libuv:
 *   create   uv_loop_init() on a loop of our own, plus one uv_timer_t.
 *   add/del  one uv_poll_t per watched fd, in an fd-indexed table;
 *            uv_poll_start() with the new mask. When the mask drops to 0 the
 *            handle is closed, not just stopped: a stopped handle left behind
 *            would, when finally closed, epoll_ctl(DEL) whatever descriptor
 *            has that number by then — perhaps a native uv_tcp_t's.
 *   poll     timeout 0: uv_run(UV_RUN_NOWAIT). Otherwise arm the timer (so
 *            the wait ends in time) and uv_run(UV_RUN_ONCE): one iteration,
 *            blocking until I/O or the timer. The poll callbacks append
 *            {fd, events} to fired[].
 *   destroy  closing a libuv handle is asynchronous (the close callback runs
 *            in a later uv_run), so close everything, run the loop until the
 *            closes are done, and only then uv_loop_close() and free.
 *
 * libuv asserts (aborts the process) on some misuse rather than returning an
 * error, so we check first: fd < 0 and closed fds are refused with -EBADF
 * before libuv sees them. uv_poll_start() only queues the fd; libuv calls
 * epoll_ctl() inside the next uv_run() and aborts if that fails — which it
 * does if the fd was closed in between. So poll() checks the fds started
 * since the last run, stops the closed ones and reports them
 * readable|writable (as poll(2) reports POLLNVAL). libuv's errors are
 * already negative errno values on Linux (UV_EBADF == -EBADF).
 */
#include "asynclab/backend.h"
#include "asynclab/uv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

typedef struct uvb_watch {
    uv_poll_t handle;         /* first, so the close callback can free the watch */
    int fd;
    int mask;                 /* AL_READABLE | AL_WRITABLE, never 0 while in the table */
    int fired_slot;           /* where this fd sits in fired[] during a poll, or -1 */
    int queued;               /* started since the last uv_run(): on the queued list */
    struct uvb_watch *next_queued;
} uvb_watch;

typedef struct uvb_state {
    uv_loop_t loop;
    uv_timer_t timer;         /* ends a poll with a timeout */
    uvb_watch **watch;        /* watch[fd], NULL if fd is not watched; fd < watch_size */
    int watch_size;
    uvb_watch *queued;        /* handles libuv has not registered with epoll yet */
    al_fired *fired;          /* the caller's array, during poll() only */
    int nfired, max_fired;
} uvb_state;

uv_loop_t *al_backend_uv_native(void *backend_state) {
    return &((uvb_state *)backend_state)->loop;
}

static void *uvb_native(void *state) {
    return al_backend_uv_native(state);
}

/* A libuv-native callback run inside uv_run gave the loop work: without
 * uv_stop, libuv could go on blocking for I/O. */
static void uvb_interrupt(void *state) {
    uv_stop(al_backend_uv_native(state));
}

static int uvb_create(void **state) {
    uvb_state *st = calloc(1, sizeof *st);
    if (!st) return -ENOMEM;
    int rc = uv_loop_init(&st->loop);
    if (rc < 0) {
        free(st);
        return rc;
    }
    uv_timer_init(&st->loop, &st->timer);
    *state = st;
    return 0;
}

static uvb_watch *watch_of(const uvb_state *st, int fd) {
    return fd >= 0 && fd < st->watch_size ? st->watch[fd] : NULL;
}

/* Our timer, or one of our (open) poll handles? Not decided by handle->data:
 * libuv never initialises that field, so a native handle's may hold anything. */
static int is_ours(const uvb_state *st, uv_handle_t *handle) {
    uv_os_fd_t fd;
    if (handle == (uv_handle_t *)&st->timer) return 1;
    return handle->type == UV_POLL && uv_fileno(handle, &fd) == 0 &&
           watch_of(st, fd) == (uvb_watch *)handle;
}

static void free_watch(uv_handle_t *handle) { free((uvb_watch *)handle); }

static void close_any(uv_handle_t *handle, void *st) {
    if (uv_is_closing(handle)) return;
    int our_poll = handle->type == UV_POLL && is_ours(st, handle);
    uv_close(handle, our_poll ? free_watch : NULL);   /* native ones left open: no callback */
}

static void uvb_destroy(void *state) {
    uvb_state *st = state;
    uv_walk(&st->loop, close_any, st);
    uv_run(&st->loop, UV_RUN_DEFAULT);   /* until every close callback ran */
    if (uv_loop_close(&st->loop) != 0) return;   /* still busy: leaking beats use-after-free */
    free(st->watch);
    free(st);
}

/* Append {fd, events} to fired[], merging with an earlier entry for the fd:
 * libuv may call a poll callback twice in one uv_run(). When fired[] is full
 * the event is dropped; libuv is level-triggered, so the next poll sees it. */
static void report(uvb_state *st, uvb_watch *w, int events) {
    if (!st->fired || !events) return;
    int slot = w->fired_slot;
    if (slot >= 0 && slot < st->nfired && st->fired[slot].fd == w->fd) {
        st->fired[slot].events |= events;
    } else if (st->nfired < st->max_fired) {
        w->fired_slot = st->nfired;
        st->fired[st->nfired++] = (al_fired){w->fd, events};
    }
}

static void on_poll(uv_poll_t *handle, int status, int events);

static int watch_start(uvb_state *st, uvb_watch *w) {
    int uv_events = ((w->mask & AL_READABLE) ? UV_READABLE : 0) |
                    ((w->mask & AL_WRITABLE) ? UV_WRITABLE : 0);
    int rc = uv_poll_start(&w->handle, uv_events, on_poll);
    if (rc < 0) return rc;
    if (!w->queued) {
        w->queued = 1;
        w->next_queued = st->queued;
        st->queued = w;
    }
    return 0;
}

static void on_poll(uv_poll_t *handle, int status, int events) {
    uvb_watch *w = (uvb_watch *)handle;
    uvb_state *st = handle->data;
    if (status < 0) {
        /* An error (EPOLLERR): libuv stopped the handle. Restart it, so the
         * error is reported again next time, level-triggered like the rest. */
        watch_start(st, w);
        report(st, w, AL_READABLE | AL_WRITABLE);
        return;
    }
    report(st, w, ((events & UV_READABLE) ? AL_READABLE : 0) |
                  ((events & UV_WRITABLE) ? AL_WRITABLE : 0));
}

static void watch_close(uvb_state *st, uvb_watch *w) {
    for (uvb_watch **p = &st->queued; w->queued && *p; p = &(*p)->next_queued)
        if (*p == w) {
            *p = w->next_queued;
            w->queued = 0;
            break;
        }
    st->watch[w->fd] = NULL;
    uv_close((uv_handle_t *)&w->handle, free_watch);   /* stops it now, frees it later */
}

static int uvb_add(void *state, int fd, int old_mask, int add_mask) {
    uvb_state *st = state;
    (void)old_mask;   /* our table knows: libuv keeps one handle per fd anyway */
    if (fd < 0 || fcntl(fd, F_GETFD) == -1) return -EBADF;
    uvb_watch *w = watch_of(st, fd);
    int before = w ? w->mask : 0;
    int mask = (before | add_mask) & (AL_READABLE | AL_WRITABLE);
    if (mask == before) return 0;
    if (!w) {
        if (fd >= st->watch_size) {
            int size = st->watch_size ? st->watch_size : 64;
            while (size <= fd) size *= 2;
            uvb_watch **table = realloc(st->watch, (size_t)size * sizeof *table);
            if (!table) return -ENOMEM;
            for (int i = st->watch_size; i < size; i++) table[i] = NULL;
            st->watch = table;
            st->watch_size = size;
        }
        w = calloc(1, sizeof *w);
        if (!w) return -ENOMEM;
        int rc = uv_poll_init(&st->loop, &w->handle, fd);   /* -EEXIST, -EPERM (a file)... */
        if (rc < 0) {
            free(w);   /* a failed init registered nothing: plain free is right */
            return rc;
        }
        w->handle.data = st;
        w->fd = fd;
        w->fired_slot = -1;
        st->watch[fd] = w;
    }
    w->mask = mask;
    return watch_start(st, w);
}

static int uvb_del(void *state, int fd, int old_mask, int del_mask) {
    uvb_state *st = state;
    (void)old_mask;
    uvb_watch *w = watch_of(st, fd);
    if (!w) return -ENOENT;
    int mask = w->mask & ~del_mask;
    if (mask == w->mask) return 0;
    if (mask == 0) {
        watch_close(st, w);
        return 0;
    }
    if (fcntl(fd, F_GETFD) == -1) return -EBADF;
    w->mask = mask;
    return watch_start(st, w);
}

/* Before uv_run(): stop the queued handles whose fd was closed since they
 * were started (libuv would abort), and report them. */
static void check_queued(uvb_state *st) {
    uvb_watch **p = &st->queued;
    while (*p) {
        uvb_watch *w = *p;
        if (fcntl(w->fd, F_GETFD) != -1) {   /* fine: libuv may register it */
            *p = w->next_queued;
            w->queued = 0;
            continue;
        }
        uv_poll_stop(&w->handle);
        report(st, w, AL_READABLE | AL_WRITABLE);
        p = &w->next_queued;   /* stays queued: reported again until del() */
    }
}

static void on_timeout(uv_timer_t *timer) { (void)timer; /* waking uv_run is the point */ }

static int uvb_poll(void *state, int timeout_ms, al_fired *fired, int max_fired) {
    uvb_state *st = state;
    if (!fired || max_fired < 1) return -EINVAL;
    st->fired = fired;
    st->max_fired = max_fired;
    st->nfired = 0;
    check_queued(st);
    if (timeout_ms == 0 || st->nfired > 0) {
        uv_run(&st->loop, UV_RUN_NOWAIT);
    } else {
        /* libuv measures timers from its cached "now", taken when the last
         * uv_run() ended. Our callers ran since: refresh it, or the wait
         * would end early by however long they took. */
        uv_update_time(&st->loop);
        if (timeout_ms > 0) uv_timer_start(&st->timer, on_timeout, (uint64_t)timeout_ms, 0);
        /* One iteration: due timers, then block for I/O (or our timer), then
         * dispatch. Returns at once if nothing is active. A native callback
         * that ran before the block and needs the al_loop's attention must
         * uv_stop() the loop to skip the block (see asynclab/uv.h). */
        uv_run(&st->loop, UV_RUN_ONCE);
        uv_timer_stop(&st->timer);
    }
    st->fired = NULL;
    return st->nfired;
}

struct native_count { uvb_state *st; int active; };

static void count_native(uv_handle_t *handle, void *arg) {
    struct native_count *c = arg;
    if (uv_is_active(handle) && uv_has_ref(handle) && !is_ours(c->st, handle)) c->active++;
}

/* Alive while libuv-native code has work on our loop: an active, referenced
 * handle that is not one of ours, or a request in flight (uv_write,
 * uv_queue_work, uv_getaddrinfo...). Our own poll handles do not count: the
 * loop library knows about those fds itself. */
static int uvb_alive(void *state) {
    uvb_state *st = state;
    struct native_count c = {st, 0};
    uv_walk(&st->loop, count_native, &c);
    return c.active > 0 || st->loop.active_reqs.count > 0;
}

const al_backend_ops al_backend_uv = {
    .name = "uv",
    .create = uvb_create,
    .destroy = uvb_destroy,
    .add = uvb_add,
    .del = uvb_del,
    .poll = uvb_poll,
    .alive = uvb_alive,
    .interrupt = uvb_interrupt,
    .native = uvb_native,
};
