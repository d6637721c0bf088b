/* backend.c — choosing an I/O multiplexing backend by name, and saying why
 * one could not be had.
 *
 * The five backends answer the same question ("which of these descriptors
 * is ready?") with five generations of kernel interface. They are listed in
 * teaching order: each one fixes a cost of the one before.
 *
 *   select  three bitmaps, O(highest fd) per call, fds below FD_SETSIZE only
 *   poll    an array of the watched fds, O(watched) per call, no fd limit
 *   epoll   the kernel keeps the interest list, O(ready) per call
 *   uv      libuv (itself on epoll here), so libuv-native code can share the loop
 *   uring   io_uring: requests and completions in rings shared with the
 *           kernel, many per system call (here: poll requests)
 */
#include "asynclab/backend.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "asynclab/error.h"
#include "asynclab/loop.h"
#include "loop_internal.h"

const char *const al_backend_names[] = {"select", "poll", "epoll", "uv", "uring", NULL};

static const al_backend_ops *const backends[] = {
    &al_backend_select, &al_backend_poll, &al_backend_epoll, &al_backend_uv, &al_backend_uring,
    NULL,
};

const al_backend_ops *al_backend_find(const char *name) {
    if (!name) return NULL;
    for (int i = 0; backends[i]; i++)
        if (strcmp(backends[i]->name, name) == 0) return backends[i];
    return NULL;
}

/* The last creation's explanation, per thread (one loop per thread). The
 * errno it goes with is given back by al_loop_create (loop.c) through
 * al__backend_failed, so a later, unrelated error is never explained with
 * these words. */
static _Thread_local char why[256];
static _Thread_local int why_err;

void al_backend_explain(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
}

void al__backend_unknown(const char *name, const char *source) {
    char list[64] = "";
    for (int i = 0; al_backend_names[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 al_backend_names[i]);
    al_backend_explain("unknown backend '%.64s'%s: choose one of %s", name, source, list);
    al__backend_failed(-EINVAL);
}

void al__backend_failed(int err) {
    why_err = why[0] ? err : 0;
}

void al__backend_forget(void) {
    why[0] = 0;
    why_err = 0;
}

const char *al_loop_backend_error(int err) {
    return err < 0 && err == why_err && why[0] ? why : al_strerror(err);
}
