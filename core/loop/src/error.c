/* error.c — naming negative errno values (see asynclab/error.h). */
#define _GNU_SOURCE   /* strerror_r returning char *, the GNU one: never fails */
#include "asynclab/error.h"

#include <stdio.h>
#include <string.h>

struct al_error_name { int err; const char *name; const char *text; };

/* The errors the core returns with a meaning of its own, in words that fit
 * the core's use of them. Every other errno reads as the system says it. */
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
    if (n) return n->text;
    /* The system's words; a buffer per thread keeps this thread-safe for the
     * values glibc has to format ("Unknown error 1234"). */
    static _Thread_local char buf[128];
    return strerror_r(err < 0 ? -err : err, buf, sizeof buf);
}

const char *al_errname(int err) {
    const struct al_error_name *n = lookup(err);
    return n ? n->name : "E?";
}

int al_listen_error(char *buf, size_t size, const char *host, int port, int err, int port0_ok) {
    const char *hint = "";
    char why[96] = "";
    int e = err < 0 ? -err : err;
    if (e == EADDRINUSE && port > 0)
        snprintf(why, sizeof why, ": another program is using port %d: %s", port,
                 port0_ok ? "try --port 0 for a free one" : "stop it, or choose another --port");
    else if (e == EADDRNOTAVAIL)
        hint = ": that address is not one of this machine's: try --host 127.0.0.1";
    else if (e == EACCES && port > 0 && port < 1024)
        hint = ": ports below 1024 need privileges: choose a --port above 1023";
    else if (e == EINVAL)
        hint = ": the host must be an IPv4 address such as 127.0.0.1";
    return snprintf(buf, size, "cannot listen on %s:%d: %s%s%s", host, port, al_strerror(err), why,
                    hint);
}
