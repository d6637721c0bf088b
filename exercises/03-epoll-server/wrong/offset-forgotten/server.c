/* server.c — exercise 3, known wrong: write_all keeps how much it sent in a
 * local variable, so each EPOLLOUT starts the answer again from its first
 * byte. Short answers go out in one send() and are right; a long one to a
 * slow reader is sent with its start repeated. */
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

typedef struct handler handler;
typedef void (*handler_fn)(handler *h, uint32_t events);

/* What epoll_event.data.ptr points at: whom to call, and their state. */
struct handler {
    int fd;
    handler_fn fn;
    char *in;               /* connections: the head so far */
    size_t in_len, in_cap;
    char *out;              /* the answer, once the head is complete */
    size_t out_len, out_sent;
};

static struct {
    int epfd;
    uint32_t et;            /* EPOLLET or 0 */
    int closed;
} loop;

static int watch(handler *h, int op, uint32_t events) {
    struct epoll_event ev = {.events = events | loop.et, .data.ptr = h};
    return epoll_ctl(loop.epfd, op, h->fd, &ev);
}

static void conn_close(handler *h) {
    epoll_ctl(loop.epfd, EPOLL_CTL_DEL, h->fd, NULL);
    close(h->fd);
    free(h->in);
    free(h->out);
    free(h);
    loop.closed++;
}

/* Read until EAGAIN (edge-triggered needs it; level-triggered does not
 * mind). Returns -1 when the connection is over, 1 when the head is in. */
static int read_all(handler *h) {
    for (;;) {
        if (h->in_len == h->in_cap) {
            if (h->in_cap == EX_HEAD_MAX) return ex_answer_too_large(&h->out, &h->out_len) < 0 ? -1 : 1;
            size_t cap = h->in_cap ? h->in_cap * 2 : 4096;
            if (cap > EX_HEAD_MAX) cap = EX_HEAD_MAX;
            char *grown = realloc(h->in, cap);
            if (!grown) return -1;
            h->in = grown;
            h->in_cap = cap;
        }
        ssize_t n = recv(h->fd, h->in + h->in_len, h->in_cap - h->in_len, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno == EAGAIN ? 0 : -1;
        if (n == 0) return -1;
        h->in_len += (size_t)n;
        if (memmem(h->in, h->in_len, "\r\n\r\n", 4))
            return ex_answer(h->in, h->in_len, &h->out, &h->out_len) < 0 ? -1 : 1;
    }
}

/* Send until done or EAGAIN. -1 when the connection is over. */
static int write_all(handler *h) {
    size_t sent = 0;
    while (sent < h->out_len) {
        ssize_t n = send(h->fd, h->out + sent, h->out_len - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno == EAGAIN ? 0 : -1;
        sent += (size_t)n;
    }
    return -1;   /* all sent: done */
}

static void on_conn(handler *h, uint32_t events) {
    if (!h->out) {
        int rc = read_all(h);
        if (rc < 0) return conn_close(h);
        if (rc == 0) return;
        /* The head is in: from now on we wait to write. */
        if (watch(h, EPOLL_CTL_MOD, EPOLLOUT) < 0) return conn_close(h);
        events = EPOLLOUT;   /* try at once: the socket is most likely writable */
    }
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
        if (write_all(h) < 0) conn_close(h);
}

static void on_listener(handler *h, uint32_t events) {
    (void)events;
    for (;;) {   /* until EAGAIN: several clients may have made one edge */
        int fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) return;
        handler *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->fn = on_conn;
        if (watch(c, EPOLL_CTL_ADD, EPOLLIN) < 0) {
            close(fd);
            free(c);
        }
    }
}

int ex3_serve(int listen_fd, int edge_triggered, int max_connections) {
    int flags = fcntl(listen_fd, F_GETFL);
    if (flags < 0 || fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) < 0) return -errno;
    loop.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop.epfd < 0) return -errno;
    loop.et = edge_triggered ? EPOLLET : 0;
    loop.closed = 0;
    handler listener = {.fd = listen_fd, .fn = on_listener};
    if (watch(&listener, EPOLL_CTL_ADD, EPOLLIN) < 0) {
        int err = -errno;
        close(loop.epfd);
        return err;
    }
    struct epoll_event events[64];
    while (max_connections == 0 || loop.closed < max_connections) {
        int n = epoll_wait(loop.epfd, events, 64, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = -errno;
            close(loop.epfd);
            return err;
        }
        for (int i = 0; i < n; i++) {
            handler *h = events[i].data.ptr;
            h->fn(h, events[i].events);
        }
    }
    close(loop.epfd);
    return 0;
}
