/* server.c — exercise 3: an epoll callback server, level- and edge-
 * triggered. The task is in README.md, the contract in ex3.h; lesson 3's
 * epoll_server.c shows the loop.
 *
 * Grade it:  asynclab grade 3      (or: asynclab watch 3) */
#define _GNU_SOURCE   /* memmem, accept4 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer.h"
#include "ex3.h"

/* What epoll_event.data.ptr will point at: the fd, whom to call when it is
 * ready, and (for a connection) its state. Extend it as you need. */
typedef struct handler handler;
typedef void (*handler_fn)(handler *h, uint32_t events);
struct handler {
    int fd;
    handler_fn fn;
};

int ex3_serve(int listen_fd, int edge_triggered, int max_connections) {
    (void)listen_fd, (void)edge_triggered, (void)max_connections;
    /* TODO:
     *   epoll_create1; register the listener (EPOLLIN, | EPOLLET when
     *   edge_triggered) with a handler whose callback accepts;
     *   loop: epoll_wait, call each ready handler's callback */
    return -ENOSYS;
}
