/* io.c — who waits on which file descriptor, and telling the backend.
 *
 * The loop keeps one record per fd (an array indexed by fd, like Redis's ae):
 * a callback watcher (al_io), or up to two tasks (one awaiting readable, one
 * writable). The backend only ever hears the union of their interests, as an
 * add or a del of the bits that changed.
 */
#include "loop_internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "asynclab/error.h"

int al__fd_check(int fd) {
    if (fd < 0) return -EBADF;
    if (fcntl(fd, F_GETFD) < 0) return -EBADF;   /* closed, or never opened */
    return 0;
}

static al_fdrec *fdrec(al_loop *loop, int fd) {
    return fd < loop->fds_cap ? &loop->fds[fd] : NULL;
}

static int fds_grow(al_loop *loop, int fd) {
    if (fd < loop->fds_cap) return 0;
    int cap = loop->fds_cap ? loop->fds_cap : 64;
    while (cap <= fd) cap *= 2;
    al_fdrec *fds = realloc(loop->fds, (size_t)cap * sizeof *fds);
    if (!fds) return -ENOMEM;
    memset(fds + loop->fds_cap, 0, (size_t)(cap - loop->fds_cap) * sizeof *fds);
    loop->fds = fds;
    loop->fds_cap = cap;
    return 0;
}

static int wanted_mask(const al_fdrec *rec) {
    return (rec->io ? rec->io->events : 0) | (rec->reader.owner ? AL_READABLE : 0) |
           (rec->writer.owner ? AL_WRITABLE : 0);
}

/* Bring the backend's interest in fd in line with the record. On failure the
 * backend is unchanged and the caller must undo its change to the record. */
int al__fd_update(al_loop *loop, int fd) {
    al_fdrec *rec = fdrec(loop, fd);
    if (!rec) return -EINVAL;
    int want = wanted_mask(rec), have = rec->mask;
    if (want == have) return 0;
    int added = want & ~have, removed = have & ~want;
    if (added) {
        int rc = loop->backend->add(loop->backend_state, fd, have, added);
        if (rc < 0) return rc;
    }
    if (removed) loop->backend->del(loop->backend_state, fd, have | added, removed);
    if (have == 0) loop->fds_active++;
    if (want == 0) loop->fds_active--;
    rec->mask = want;
    return 0;
}

/* A one-shot wait on fd (dir = AL_READABLE or AL_WRITABLE), by a task. */
int al__fd_wait(al_loop *loop, int fd, int dir, al_fd_ready_cb ready, void *owner) {
    /* No fcntl() check here, unlike al_io_start: this is the hot path of
     * every await on a socket, and every backend's add() refuses a closed
     * descriptor with -EBADF by itself. */
    if (fd < 0) return -EBADF;
    int rc = fds_grow(loop, fd);
    if (rc < 0) return rc;
    al_fdrec *rec = &loop->fds[fd];
    if (rec->io) return -EEXIST;
    al_fd_wait *slot = dir == AL_READABLE ? &rec->reader : &rec->writer;
    if (slot->owner && slot->owner != owner) return -EBUSY;
    *slot = (al_fd_wait){ready, owner};
    rc = al__fd_update(loop, fd);
    if (rc < 0) *slot = (al_fd_wait){0};
    return rc;
}

/* Forget owner's wait on fd (cancellation, or before it is called). */
void al__fd_unwait(al_loop *loop, int fd, int dir, void *owner) {
    al_fdrec *rec = fdrec(loop, fd);
    if (!rec) return;
    al_fd_wait *slot = dir == AL_READABLE ? &rec->reader : &rec->writer;
    if (slot->owner != owner) return;
    *slot = (al_fd_wait){0};
    al__fd_update(loop, fd);
}

/* Phase 3: fd is ready. Callbacks may start or stop watchers, which can
 * reallocate the table, so the record is looked up again after each call. */
void al__io_dispatch(al_loop *loop, int fd, int events) {
    al_fdrec *rec = fdrec(loop, fd);
    if (!rec) return;
    al_io *io = rec->io;
    if (io && (events & io->events)) io->cb(io, events & io->events);

    static const int dirs[2] = {AL_READABLE, AL_WRITABLE};
    for (int i = 0; i < 2; i++) {
        rec = fdrec(loop, fd);
        if (!rec || !(events & dirs[i])) continue;
        al_fd_wait w = dirs[i] == AL_READABLE ? rec->reader : rec->writer;
        if (!w.owner) continue;
        al__fd_unwait(loop, fd, dirs[i], w.owner);
        w.ready(w.owner, fd);
    }
}

void al__fds_free(al_loop *loop) {
    for (int fd = 0; fd < loop->fds_cap; fd++) {
        al_fdrec *rec = &loop->fds[fd];
        if (rec->mask) loop->backend->del(loop->backend_state, fd, rec->mask, rec->mask);
        if (rec->io) rec->io->state = 2;
    }
    free(loop->fds);
    loop->fds = NULL;
    loop->fds_cap = 0;
    loop->fds_active = 0;
}

/* ---- the callback watcher (al_io) ----------------------------------------- */

int al_io_init(al_loop *loop, al_io *io, int fd) {
    if (!loop || !io) return -EINVAL;
    int rc = al__fd_check(fd);
    if (rc < 0) return rc;
    memset(io, 0, sizeof *io);
    io->loop = loop;
    io->fd = fd;
    io->state = 1;
    return 0;
}

int al_io_start(al_io *io, int events, al_io_cb cb) {
    if (!io || !cb || events == 0 || (events & ~(AL_READABLE | AL_WRITABLE))) return -EINVAL;
    if (io->state != 1) return io->state == 2 ? -EBADF : -EINVAL;
    al_loop *loop = io->loop;
    int rc = al__fd_check(io->fd);
    if (rc < 0) return rc;
    if ((rc = fds_grow(loop, io->fd)) < 0) return rc;
    al_fdrec *rec = &loop->fds[io->fd];
    if ((rec->io && rec->io != io) || rec->reader.owner || rec->writer.owner) return -EEXIST;
    int old_events = io->events;
    al_io *old_io = rec->io;
    rec->io = io;
    io->events = events;
    io->cb = cb;
    rc = al__fd_update(loop, io->fd);
    if (rc < 0) {
        io->events = old_events;
        rec->io = old_io;
    }
    return rc;
}

int al_io_stop(al_io *io) {
    if (!io) return -EINVAL;
    if (io->state != 1) return io->state == 2 ? -EBADF : -EINVAL;
    al_fdrec *rec = fdrec(io->loop, io->fd);
    io->events = 0;
    if (rec && rec->io == io) {
        rec->io = NULL;
        al__fd_update(io->loop, io->fd);
    }
    return 0;
}

int al_io_close(al_io *io) {
    if (!io) return -EINVAL;
    if (io->state == 2) return -EALREADY;
    if (io->state != 1) return -EINVAL;
    al_io_stop(io);
    io->state = 2;
    return 0;
}

int al_io_fd(const al_io *io) { return io ? io->fd : -1; }
