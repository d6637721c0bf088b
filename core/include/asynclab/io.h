/* asynclab/io.h — watch a file descriptor with a callback (a handle).
 *
 * This is the callback API lesson 3 teaches: "call me when fd is readable".
 *
 * Contract
 *   Ownership  the al_io struct is the caller's; the descriptor stays the
 *              caller's too: the loop never closes it. Stop (or close) the
 *              watcher *before* closing the fd.
 *   Level-triggered: the callback runs in every iteration while the fd stays
 *              ready and watched, on every backend.
 *   One watcher per fd: a second al_io (or a task awaiting the fd) on the same
 *              descriptor gets -EEXIST.
 *   Errors     -EBADF for a negative or closed fd (checked with fcntl), -EINVAL
 *              for an empty or unknown events mask or a NULL callback,
 *              -EEXIST as above, -ERANGE from the select backend for
 *              fd >= FD_SETSIZE, -EALREADY for closing a watcher twice.
 */
#ifndef ASYNCLAB_IO_H
#define ASYNCLAB_IO_H

#include "loop.h"
#include "backend.h"

typedef struct al_io al_io;
typedef void (*al_io_cb)(al_io *io, int events);

struct al_io {
    void *data;         /* yours */
    /* private */
    al_loop *loop;
    int fd;
    int events;         /* what we watch now */
    int state;          /* 0 uninit, 1 open, 2 closed */
    al_io_cb cb;
};

int al_io_init(al_loop *loop, al_io *io, int fd);
/* Watch for `events` (AL_READABLE | AL_WRITABLE), replacing the previous mask. */
int al_io_start(al_io *io, int events, al_io_cb cb);
/* Stop watching (the watcher can be started again). */
int al_io_stop(al_io *io);
/* Stop for good; a second close returns -EALREADY. */
int al_io_close(al_io *io);
int al_io_fd(const al_io *io);

#endif
