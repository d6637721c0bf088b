/* error.c — naming negative errno values (see asynclab/error.h). */
#include "asynclab/error.h"

#include <string.h>

struct al_error_name { int err; const char *name; const char *text; };

/* The errors the core returns, in words that fit the core's use of them. */
static const struct al_error_name names[] = {
    {EPERM, "EPERM", "not allowed here (an await outside a task?)"},
    {ENOENT, "ENOENT", "no such entry"},
    {EINTR, "EINTR", "interrupted by a signal"},
    {EBADF, "EBADF", "bad or closed file descriptor"},
    {EAGAIN, "EAGAIN", "not ready yet"},
    {ENOMEM, "ENOMEM", "out of memory"},
    {EBUSY, "EBUSY", "already in use"},
    {EEXIST, "EEXIST", "already watched"},
    {EINVAL, "EINVAL", "invalid argument"},
    {EMFILE, "EMFILE", "too many open files"},
    {ENOSPC, "ENOSPC", "no space left in buffer"},
    {EPIPE, "EPIPE", "closed"},
    {ERANGE, "ERANGE", "out of range (fd >= FD_SETSIZE for select?)"},
    {EDEADLK, "EDEADLK", "would wait forever"},
    {ENODATA, "ENODATA", "generator exhausted"},
    {EPROTO, "EPROTO", "protocol error"},
    {ECANCELED, "ECANCELED", "cancelled"},
    {ETIMEDOUT, "ETIMEDOUT", "timed out"},
    {EALREADY, "EALREADY", "already done"},
    {ECONNRESET, "ECONNRESET", "connection reset by peer"},
    {ECONNREFUSED, "ECONNREFUSED", "connection refused"},
    {ENOSYS, "ENOSYS", "not supported"},
};

static const struct al_error_name *lookup(int err) {
    int e = err < 0 ? -err : err;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].err == e) return &names[i];
    return NULL;
}

const char *al_strerror(int err) {
    const struct al_error_name *n = lookup(err);
    return n ? n->text : "unknown error";
}

const char *al_errname(int err) {
    const struct al_error_name *n = lookup(err);
    return n ? n->name : "E?";
}
