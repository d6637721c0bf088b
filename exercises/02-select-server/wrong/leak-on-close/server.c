/* server.c — exercise 2, known wrong: closing a connection frees the connection
 * but not its buffers. */
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

typedef struct conn {
    char *in;               /* the request head so far */
    size_t in_len, in_cap;
    char *out;              /* the answer, once the head is complete */
    size_t out_len, out_sent;
} conn;

static conn *conns[FD_SETSIZE];

static void finish(int fd, int *closed) {
    free(conns[fd]);
    conns[fd] = NULL;
    close(fd);
    (*closed)++;
}

static void accept_all(int listen_fd) {
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) return;   /* EAGAIN: nobody else is waiting (or a client gave up) */
        if (fd >= FD_SETSIZE) {
            close(fd);        /* select() cannot watch it */
            continue;
        }
        conns[fd] = calloc(1, sizeof *conns[fd]);
        if (!conns[fd]) close(fd);
    }
}

/* One recv(): select() is level-triggered, it will tell us again if more
 * is waiting. Returns -1 when the connection is over. */
static int read_some(int fd) {
    conn *c = conns[fd];
    if (c->in_len == c->in_cap) {
        size_t cap = c->in_cap ? c->in_cap * 2 : 4096;
        if (cap > EX_HEAD_MAX) cap = EX_HEAD_MAX;
        char *grown = realloc(c->in, cap);
        if (!grown) return -1;
        c->in = grown;
        c->in_cap = cap;
    }
    ssize_t n = recv(fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
    if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n == 0) return -1;
    c->in_len += (size_t)n;
    int rc = 0;
    if (memmem(c->in, c->in_len, "\r\n\r\n", 4)) rc = ex_answer(c->in, c->in_len, &c->out, &c->out_len);
    else if (c->in_len == EX_HEAD_MAX) rc = ex_answer_too_large(&c->out, &c->out_len);
    return rc < 0 ? -1 : 0;
}

/* Send what the socket takes now. -1 when the connection is over (done or
 * failed). */
static int write_some(int fd) {
    conn *c = conns[fd];
    ssize_t n = send(fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
    c->out_sent += (size_t)n;
    return c->out_sent == c->out_len ? -1 : 0;
}

int ex2_serve(int listen_fd, int max_connections) {
    if (listen_fd >= FD_SETSIZE) return -ERANGE;
    int flags = fcntl(listen_fd, F_GETFL);
    if (flags < 0 || fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) < 0) return -errno;
    int closed = 0;
    while (max_connections == 0 || closed < max_connections) {
        fd_set rd, wr;
        FD_ZERO(&rd);
        FD_ZERO(&wr);
        FD_SET(listen_fd, &rd);
        int maxfd = listen_fd;
        for (int fd = 0; fd < FD_SETSIZE; fd++) {
            if (!conns[fd]) continue;
            FD_SET(fd, conns[fd]->out ? &wr : &rd);
            if (fd > maxfd) maxfd = fd;
        }
        if (select(maxfd + 1, &rd, &wr, NULL, NULL) < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (FD_ISSET(listen_fd, &rd)) accept_all(listen_fd);
        for (int fd = 0; fd <= maxfd; fd++) {
            if (!conns[fd] || fd == listen_fd) continue;
            int rc = 0;
            if (FD_ISSET(fd, &rd)) rc = read_some(fd);
            else if (FD_ISSET(fd, &wr)) rc = write_some(fd);
            if (rc < 0) finish(fd, &closed);
        }
    }
    for (int fd = 0; fd < FD_SETSIZE; fd++)
        if (conns[fd]) finish(fd, &closed);
    return 0;
}
