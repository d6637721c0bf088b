/* server.c — exercise 7: from readiness to completion. The task is in
 * README.md, the contract in ex7.h; lesson 7's uring_server.c shows both
 * styles.
 *
 * This starter WORKS, readiness-style: it uses the ring as epoll is used
 * (IORING_OP_POLL_ADD: "tell me when fd N is readable/writable") and then
 * calls accept4(), recv() and send() itself. The grader refuses those calls
 * (EPERM), so as it stands it scores 0. Turn it into a completion server:
 * queue the ACCEPT, RECV, SEND (and CLOSE) themselves, and let each
 * completion say what was done.
 *
 * Grade it:  asynclab grade 7      (or: asynclab watch 7) */
#define _GNU_SOURCE   /* memmem, accept4 */
#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer.h"
#include "ex7.h"

/* What a poll request's user_data points at. */
typedef struct conn {
    int fd;
    int listener;           /* 1: the listening socket */
    char *in;               /* the head so far */
    size_t in_len, in_cap;
    char *out;              /* the answer, once the head is complete */
    size_t out_len, sent;
} conn;

static struct io_uring ring;
static int closed;
static int failed;          /* -errno of a call that failed for good */

/* Readiness: ask the kernel to tell us when c->fd has `events`. */
static void wait_for(conn *c, unsigned events) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe) {
        io_uring_submit(&ring);
        sqe = io_uring_get_sqe(&ring);
    }
    io_uring_prep_poll_add(sqe, c->fd, events);
    io_uring_sqe_set_data(sqe, c);
}

static void conn_close(conn *c) {
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c);
    closed++;
}

static void on_listener_ready(conn *l) {
    wait_for(l, POLLIN);                      /* a poll request fires once: ask again */
    int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);   /* the call we make */
    if (fd < 0) {
        if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) return;
        failed = -errno;    /* EPERM under the grader: it refuses accept4 */
        fprintf(stderr, "accept4: %s\n", strerror(errno));
        return;
    }
    conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return;
    }
    c->fd = fd;
    wait_for(c, POLLIN);
}

/* Readable: recv() what is there. 1 when the answer is ready, 0 to wait
 * for more, -1 when the connection is over. */
static int read_head(conn *c) {
    if (c->in_len == c->in_cap) {
        if (c->in_cap == EX_HEAD_MAX) return ex_answer_too_large(&c->out, &c->out_len) < 0 ? -1 : 1;
        size_t cap = c->in_cap ? c->in_cap * 2 : 4096;
        char *grown = realloc(c->in, cap > EX_HEAD_MAX ? EX_HEAD_MAX : cap);
        if (!grown) return -1;
        c->in = grown;
        c->in_cap = cap > EX_HEAD_MAX ? EX_HEAD_MAX : cap;
    }
    ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);   /* the call we make */
    if (n < 0 && errno == EAGAIN) return 0;
    if (n <= 0) return -1;
    c->in_len += (size_t)n;
    if (!memmem(c->in, c->in_len, "\r\n\r\n", 4)) return 0;
    return ex_answer(c->in, c->in_len, &c->out, &c->out_len) < 0 ? -1 : 1;
}

static void on_conn_ready(conn *c) {
    if (!c->out) {
        int rc = read_head(c);
        if (rc < 0) return conn_close(c);
        if (rc == 0) return wait_for(c, POLLIN);
    }
    ssize_t n = send(c->fd, c->out + c->sent, c->out_len - c->sent, MSG_NOSIGNAL);   /* the call we make */
    if (n < 0 && errno != EAGAIN) return conn_close(c);
    if (n > 0) c->sent += (size_t)n;
    if (c->sent == c->out_len) return conn_close(c);
    wait_for(c, POLLOUT);
}

int ex7_serve(int listen_fd, int max_connections) {
    int rc = io_uring_queue_init(64, &ring, 0);
    if (rc < 0) return rc;
    closed = 0;
    failed = 0;
    conn listener = {.fd = listen_fd, .listener = 1};
    wait_for(&listener, POLLIN);
    while (!failed && (max_connections == 0 || closed < max_connections)) {
        rc = io_uring_submit_and_wait(&ring, 1);
        if (rc < 0 && rc != -EINTR) break;
        struct io_uring_cqe *cqe;
        while (io_uring_peek_cqe(&ring, &cqe) == 0) {
            conn *c = io_uring_cqe_get_data(cqe);
            io_uring_cqe_seen(&ring, cqe);
            if (c->listener) on_listener_ready(c);
            else on_conn_ready(c);
        }
    }
    io_uring_queue_exit(&ring);
    if (failed) return failed;
    return rc < 0 && rc != -EINTR ? rc : 0;
}
