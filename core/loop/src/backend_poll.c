/* backend_poll.c — the poll(2) backend: an array instead of bitmaps.
 *
 * poll() takes an array of {fd, events} and fills in each entry's revents.
 * Compared with select():
 *
 *   - No FD_SETSIZE: any descriptor number works, and the array holds only
 *     the descriptors we watch, not every number below the highest one.
 *   - The input is not destroyed (revents is a separate field), so there is
 *     nothing to copy before each call.
 *   - Still O(n) per call: the whole array is copied into the kernel and
 *     every entry is checked, then we scan it again for revents. With 10,000
 *     idle connections and one busy one, each wake-up costs 10,000 checks.
 *   - POLLHUP, POLLERR and POLLNVAL (a closed descriptor) arrive even though
 *     nobody asked for them. We report them as readable|writable so the
 *     owner's next read() or write() sees the error itself.
 *
 * Removing an entry moves the last one into its slot (order does not matter
 * to poll), so we keep an fd -> slot map to find entries in O(1).
 */
#include "asynclab/backend.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>

typedef struct poll_state {
    struct pollfd *fds;   /* the array handed to poll(): fds[0..count) */
    int count, capacity;
    int *slot;            /* slot[fd] = index into fds, or -1; covers fd < slot_size */
    int slot_size;
} poll_state;

static int poll_create(void **state) {
    poll_state *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    *state = p;
    return 0;
}

static void poll_destroy(void *state) {
    poll_state *p = state;
    free(p->fds);
    free(p->slot);
    free(p);
}

static int slot_of(const poll_state *p, int fd) {
    return fd < p->slot_size ? p->slot[fd] : -1;
}

/* Make room for fd in the map and one more entry in the array. */
static int poll_reserve(poll_state *p, int fd) {
    if (fd >= p->slot_size) {
        int size = p->slot_size ? p->slot_size : 64;
        while (size <= fd) size *= 2;
        int *slot = realloc(p->slot, (size_t)size * sizeof *slot);
        if (!slot) return -ENOMEM;
        for (int i = p->slot_size; i < size; i++) slot[i] = -1;
        p->slot = slot;
        p->slot_size = size;
    }
    if (p->count == p->capacity) {
        int capacity = p->capacity ? p->capacity * 2 : 64;
        struct pollfd *fds = realloc(p->fds, (size_t)capacity * sizeof *fds);
        if (!fds) return -ENOMEM;
        p->fds = fds;
        p->capacity = capacity;
    }
    return 0;
}

static short to_poll_events(int mask) {
    return (short)(((mask & AL_READABLE) ? POLLIN : 0) | ((mask & AL_WRITABLE) ? POLLOUT : 0));
}

static int poll_add(void *state, int fd, int old_mask, int add_mask) {
    poll_state *p = state;
    (void)old_mask;
    if (fd < 0 || fcntl(fd, F_GETFD) == -1) return -EBADF;
    if (!to_poll_events(add_mask)) return 0;
    int i = slot_of(p, fd);
    if (i < 0) {
        int rc = poll_reserve(p, fd);
        if (rc < 0) return rc;
        i = p->count++;
        p->fds[i] = (struct pollfd){.fd = fd, .events = 0, .revents = 0};
        p->slot[fd] = i;
    }
    p->fds[i].events |= to_poll_events(add_mask);
    return 0;
}

static int poll_del(void *state, int fd, int old_mask, int del_mask) {
    poll_state *p = state;
    (void)old_mask;
    int i = fd < 0 ? -1 : slot_of(p, fd);
    if (i < 0) return -ENOENT;
    p->fds[i].events &= (short)~to_poll_events(del_mask);
    if (p->fds[i].events == 0) {          /* forget it: the last entry takes its slot */
        p->fds[i] = p->fds[--p->count];
        p->slot[p->fds[i].fd] = i;
        p->slot[fd] = -1;
    }
    return 0;
}

static int poll_poll(void *state, int timeout_ms, al_fired *fired, int max_fired) {
    poll_state *p = state;
    if (!fired || max_fired < 1) return -EINVAL;
    int ready = poll(p->fds, (nfds_t)p->count, timeout_ms < 0 ? -1 : timeout_ms);
    if (ready < 0) return errno == EINTR ? 0 : -errno;
    int n = 0;
    for (int i = 0; i < p->count && n < ready && n < max_fired; i++) {
        short re = p->fds[i].revents;
        if (!re) continue;
        int events = 0;
        if (re & POLLIN) events |= AL_READABLE;
        if (re & POLLOUT) events |= AL_WRITABLE;
        if (re & (POLLERR | POLLHUP | POLLNVAL)) events = AL_READABLE | AL_WRITABLE;
        fired[n++] = (al_fired){p->fds[i].fd, events};
    }
    return n;
}

const al_backend_ops al_backend_poll = {
    .name = "poll",
    .create = poll_create,
    .destroy = poll_destroy,
    .add = poll_add,
    .del = poll_del,
    .poll = poll_poll,
    .alive = NULL,
};
