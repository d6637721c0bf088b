/* backend_epoll.c — the epoll(7) backend: the kernel keeps the interest list.
 *
 * select() and poll() hand the whole interest list to the kernel on every
 * call. epoll splits that in two:
 *
 *   epoll_ctl(ADD/MOD/DEL)  change the interest list, once, when it changes;
 *   epoll_wait()            return only the descriptors that are ready.
 *
 * So a wait costs O(ready), not O(watched): 10,000 idle connections cost
 * nothing while they stay idle. We use it level-triggered (no EPOLLET): a
 * descriptor is reported on every wait while it stays ready, like select and
 * poll, so the loop may read a little at a time.
 *
 * Things the man page warns about, which this file works with:
 *   - epoll watches the open file, not the number. A closed descriptor
 *     leaves the set by itself (and is never reported again) unless a dup()
 *     of it is still open, in which case events keep coming for a number
 *     that no longer means anything. Delete before you close.
 *   - Regular files are always ready, so epoll_ctl refuses them (-EPERM).
 *   - ADD on a watched fd fails with EEXIST and MOD or DEL on an unwatched
 *     one with ENOENT: the old mask tells us which operation is right.
 * EPOLLERR and EPOLLHUP are always reported; we pass them on as
 * readable|writable so the owner's next read() or write() sees the error.
 */
#include "asynclab/backend.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

typedef struct epoll_state {
    int epfd;
    struct epoll_event *events;   /* epoll_wait's output, grown to max_fired */
    int capacity;
} epoll_state;

static int epoll_backend_create(void **state) {
    epoll_state *e = calloc(1, sizeof *e);
    if (!e) return -ENOMEM;
    e->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (e->epfd < 0) {
        int err = -errno;
        free(e);
        return err;
    }
    *state = e;
    return 0;
}

static void epoll_backend_destroy(void *state) {
    epoll_state *e = state;
    close(e->epfd);
    free(e->events);
    free(e);
}

/* Change fd's interest from old_mask to new_mask with the one right call. */
static int epoll_backend_change(epoll_state *e, int fd, int old_mask, int new_mask) {
    if (fd < 0) return -EBADF;
    int op = old_mask == 0 ? EPOLL_CTL_ADD : new_mask == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    struct epoll_event ev = {.events = 0, .data.fd = fd};
    if (new_mask & AL_READABLE) ev.events |= EPOLLIN;
    if (new_mask & AL_WRITABLE) ev.events |= EPOLLOUT;
    if (epoll_ctl(e->epfd, op, fd, &ev) < 0) return -errno;
    return 0;
}

static int epoll_backend_add(void *state, int fd, int old_mask, int add_mask) {
    if (fd < 0) return -EBADF;
    int new_mask = (old_mask | add_mask) & (AL_READABLE | AL_WRITABLE);
    if (new_mask == old_mask) return 0;
    return epoll_backend_change(state, fd, old_mask, new_mask);
}

static int epoll_backend_del(void *state, int fd, int old_mask, int del_mask) {
    if (old_mask == 0) return -ENOENT;
    return epoll_backend_change(state, fd, old_mask, old_mask & ~del_mask);
}

static int epoll_backend_poll(void *state, int timeout_ms, al_fired *fired, int max_fired) {
    epoll_state *e = state;
    if (!fired || max_fired < 1) return -EINVAL;
    if (max_fired > e->capacity) {
        struct epoll_event *events = realloc(e->events, (size_t)max_fired * sizeof *events);
        if (!events) return -ENOMEM;
        e->events = events;
        e->capacity = max_fired;
    }
    int n = epoll_wait(e->epfd, e->events, max_fired, timeout_ms < 0 ? -1 : timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        uint32_t re = e->events[i].events;
        int events = 0;
        if (re & EPOLLIN) events |= AL_READABLE;
        if (re & EPOLLOUT) events |= AL_WRITABLE;
        if (re & (EPOLLERR | EPOLLHUP)) events = AL_READABLE | AL_WRITABLE;
        fired[i] = (al_fired){e->events[i].data.fd, events};
    }
    return n;
}

const al_backend_ops al_backend_epoll = {
    .name = "epoll",
    .create = epoll_backend_create,
    .destroy = epoll_backend_destroy,
    .add = epoll_backend_add,
    .del = epoll_backend_del,
    .poll = epoll_backend_poll,
    .alive = NULL,
};
