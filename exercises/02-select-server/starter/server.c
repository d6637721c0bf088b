/* server.c — exercise 2: serve many clients at once with select(). The task
 * is in README.md, the contract in ex2.h; lesson 2's select_server.c and
 * service.c show the pattern.
 *
 * Grade it:  asynclab grade 2      (or: asynclab watch 2) */
#define _GNU_SOURCE   /* memmem, accept4 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer.h"
#include "ex2.h"

int ex2_serve(int listen_fd, int max_connections) {
    (void)listen_fd, (void)max_connections;
    /* TODO:
     *   make listen_fd non-blocking
     *   loop: build the fd_sets (listener + every connection, reading or
     *         writing), select(), accept what knocks, read or write each
     *         ready connection one step, close the finished ones */
    return -ENOSYS;
}
