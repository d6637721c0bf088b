/* backend_select.c — the select(2) backend: the oldest readiness interface.
 *
 * select() takes bitmaps (fd_set) of the descriptors to watch for reading and
 * for writing, sleeps until one of them is ready or the timeout passes, and
 * overwrites the bitmaps with the ready ones. That shape sets its costs:
 *
 *   - An fd_set is a fixed array of FD_SETSIZE (1024) bits. FD_SET() on a
 *     descriptor >= FD_SETSIZE writes past the end of it: silent memory
 *     corruption, not an error. So add() refuses such descriptors with
 *     -ERANGE and never touches the bitmap for them. A server with more than
 *     about a thousand connections cannot use select at all.
 *   - The kernel scans every bit up to the highest descriptor (nfds = max+1),
 *     and so do we afterwards: O(highest fd) per call, however few are ready.
 *   - select() destroys its input, so every call copies the interest sets.
 *
 * Hang-ups and errors show up as "readable" (and "writable" for sockets with
 * a pending error): the next read() or write() reports what happened.
 * A descriptor closed while still watched makes select() fail with EBADF;
 * we then find the closed ones and report them readable|writable, as poll()
 * does with POLLNVAL, so their owner's next call sees EBADF itself.
 */
#include "asynclab/backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/select.h>

typedef struct select_state {
    fd_set readfds;    /* interest: kept here, copied for every select() */
    fd_set writefds;
    int maxfd;         /* highest fd in either set, -1 when both are empty */
} select_state;

static int select_create(void **state) {
    select_state *s = malloc(sizeof *s);
    if (!s) return -ENOMEM;
    FD_ZERO(&s->readfds);
    FD_ZERO(&s->writefds);
    s->maxfd = -1;
    *state = s;
    return 0;
}

static void select_destroy(void *state) { free(state); }

/* The descriptors an fd_set can hold: checked before any FD_* macro. */
static int select_check_fd(int fd) {
    if (fd < 0) return -EBADF;
    if (fd >= FD_SETSIZE) return -ERANGE;
    return 0;
}

static int select_add(void *state, int fd, int old_mask, int add_mask) {
    select_state *s = state;
    (void)old_mask;
    int rc = select_check_fd(fd);
    if (rc < 0) return rc;
    if (fcntl(fd, F_GETFD) == -1) return -EBADF;  /* closed: select would fail later */
    if (!(add_mask & (AL_READABLE | AL_WRITABLE))) return 0;
    if (add_mask & AL_READABLE) FD_SET(fd, &s->readfds);
    if (add_mask & AL_WRITABLE) FD_SET(fd, &s->writefds);
    if (fd > s->maxfd) s->maxfd = fd;
    return 0;
}

static int select_del(void *state, int fd, int old_mask, int del_mask) {
    select_state *s = state;
    (void)old_mask;
    int rc = select_check_fd(fd);
    if (rc < 0) return rc;
    if (!FD_ISSET(fd, &s->readfds) && !FD_ISSET(fd, &s->writefds)) return -ENOENT;
    if (del_mask & AL_READABLE) FD_CLR(fd, &s->readfds);
    if (del_mask & AL_WRITABLE) FD_CLR(fd, &s->writefds);
    /* Keep nfds tight: the kernel scans every bit below it. */
    while (s->maxfd >= 0 && !FD_ISSET(s->maxfd, &s->readfds) &&
           !FD_ISSET(s->maxfd, &s->writefds))
        s->maxfd--;
    return 0;
}

/* After EBADF: report the watched descriptors that are closed now. */
static int select_report_closed(select_state *s, al_fired *fired, int max_fired) {
    int n = 0;
    for (int fd = 0; fd <= s->maxfd && n < max_fired; fd++) {
        if (!FD_ISSET(fd, &s->readfds) && !FD_ISSET(fd, &s->writefds)) continue;
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
            fired[n++] = (al_fired){fd, AL_READABLE | AL_WRITABLE};
    }
    return n > 0 ? n : -EBADF;
}

static int select_poll(void *state, int timeout_ms, al_fired *fired, int max_fired) {
    select_state *s = state;
    if (!fired || max_fired < 1) return -EINVAL;
    fd_set readable = s->readfds, writable = s->writefds;   /* select() overwrites them */
    struct timeval tv, *tvp = NULL;                          /* NULL: wait forever */
    if (timeout_ms >= 0) {
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        tvp = &tv;
    }
    int ready = select(s->maxfd + 1, &readable, &writable, NULL, tvp);
    if (ready < 0) {
        if (errno == EINTR) return 0;
        if (errno == EBADF) return select_report_closed(s, fired, max_fired);
        return -errno;
    }
    /* select() said how many bits are set, not which: scan up to maxfd. */
    int n = 0;
    for (int fd = 0; fd <= s->maxfd && n < max_fired && ready > 0; fd++) {
        int events = 0;
        if (FD_ISSET(fd, &readable)) events |= AL_READABLE;
        if (FD_ISSET(fd, &writable)) events |= AL_WRITABLE;
        if (!events) continue;
        fired[n++] = (al_fired){fd, events};
        ready -= !!(events & AL_READABLE) + !!(events & AL_WRITABLE);
    }
    return n;
}

const al_backend_ops al_backend_select = {
    .name = "select",
    .create = select_create,
    .destroy = select_destroy,
    .add = select_add,
    .del = select_del,
    .poll = select_poll,
    .alive = NULL,
};
