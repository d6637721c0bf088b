/* backend.c — choosing an I/O multiplexing backend by name.
 *
 * The four backends answer the same question ("which of these descriptors
 * is ready?") with four generations of kernel interface. They are listed in
 * teaching order: each one fixes a cost of the one before.
 *
 *   select  three bitmaps, O(highest fd) per call, fds below FD_SETSIZE only
 *   poll    an array of the watched fds, O(watched) per call, no fd limit
 *   epoll   the kernel keeps the interest list, O(ready) per call
 *   uv      libuv (itself on epoll here), so libuv-native code can share the loop
 */
#include "asynclab/backend.h"

#include <string.h>

const char *const al_backend_names[] = {"select", "poll", "epoll", "uv", NULL};

static const al_backend_ops *const backends[] = {
    &al_backend_select, &al_backend_poll, &al_backend_epoll, &al_backend_uv, NULL,
};

const al_backend_ops *al_backend_find(const char *name) {
    if (!name) return NULL;
    for (int i = 0; backends[i]; i++)
        if (strcmp(backends[i]->name, name) == 0) return backends[i];
    return NULL;
}
