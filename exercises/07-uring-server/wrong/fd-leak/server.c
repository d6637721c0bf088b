/* server.c — exercise 7, a realistic mistake: a client that leaves
 * without a request is forgotten, its descriptor left open. */
#define _GNU_SOURCE   /* memmem */
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer.h"
#include "ex7.h"

/* What a queued operation's user_data points at: the connection (or the
 * listener) and which operation of its is in flight. One at a time per
 * connection, so one record says it all. */
typedef enum { OP_ACCEPT, OP_RECV, OP_SEND, OP_CLOSE } op_kind;
typedef struct conn {
    op_kind op;
    int fd;
    char *in;               /* the head so far: the kernel's while a RECV is in flight */
    size_t in_len, in_cap;
    char *out;              /* the answer: the kernel's while a SEND is in flight */
    size_t out_len, sent;
    struct conn *prev, *next;   /* every live connection, to free them at the end */
} conn;

static struct {
    struct io_uring ring;
    unsigned inflight;      /* operations queued and not yet completed */
    int closed;
    conn *live;
} srv;

/* A submission slot for c's next operation (submitting what is queued if
 * the ring is full). */
static struct io_uring_sqe *slot(conn *c, op_kind op) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&srv.ring);
    if (!sqe) {
        io_uring_submit(&srv.ring);
        sqe = io_uring_get_sqe(&srv.ring);
    }
    if (!sqe) return NULL;
    c->op = op;
    srv.inflight++;
    return sqe;
}

static void queue_close(conn *c) {
    struct io_uring_sqe *sqe = slot(c, OP_CLOSE);
    if (!sqe) {             /* no slot at all: close it ourselves, now */
        close(c->fd);
        c->fd = -1;
        return;
    }
    io_uring_prep_close(sqe, c->fd);
    io_uring_sqe_set_data(sqe, c);
}

/* Receive into the rest of the head buffer, grown before the RECV is
 * queued: once it is, the buffer is the kernel's and may not move. */
static void queue_recv(conn *c) {
    if (c->in_len == c->in_cap) {
        size_t cap = c->in_cap ? c->in_cap * 2 : 4096;
        if (cap > EX_HEAD_MAX) cap = EX_HEAD_MAX;
        char *grown = realloc(c->in, cap);
        if (!grown) return queue_close(c);
        c->in = grown;
        c->in_cap = cap;
    }
    struct io_uring_sqe *sqe = slot(c, OP_RECV);
    if (!sqe) return queue_close(c);
    io_uring_prep_recv(sqe, c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
    io_uring_sqe_set_data(sqe, c);
}

static void queue_send(conn *c) {
    struct io_uring_sqe *sqe = slot(c, OP_SEND);
    if (!sqe) return queue_close(c);
    io_uring_prep_send(sqe, c->fd, c->out + c->sent, c->out_len - c->sent, MSG_NOSIGNAL);
    io_uring_sqe_set_data(sqe, c);
}

static void queue_accept(conn *listener) {
    struct io_uring_sqe *sqe = slot(listener, OP_ACCEPT);
    if (!sqe) return;
    io_uring_prep_accept(sqe, listener->fd, NULL, NULL, SOCK_CLOEXEC);
    io_uring_sqe_set_data(sqe, listener);
}

static void conn_free(conn *c) {
    if (c->prev) c->prev->next = c->next;
    else srv.live = c->next;
    if (c->next) c->next->prev = c->prev;
    if (c->fd >= 0) close(c->fd);
    free(c->in);
    free(c->out);
    free(c);
}

/* ---- what each completion means ------------------------------------------ */

static void on_accept(conn *listener, int res) {
    queue_accept(listener);                 /* one ACCEPT, one client: ask again */
    if (res < 0) return;
    conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(res);
        return;
    }
    c->fd = res;
    c->next = srv.live;
    if (c->next) c->next->prev = c;
    srv.live = c;
    queue_recv(c);
}

static void on_recv(conn *c, int res) {
    if (res <= 0) {                         /* the client left, or an error */
        /* The mistake: the record is freed, the descriptor forgotten. */
        c->fd = -1;
        conn_free(c);
        srv.closed++;
        return;
    }
    c->in_len += (size_t)res;
    int rc;
    if (memmem(c->in, c->in_len, "\r\n\r\n", 4))
        rc = ex_answer(c->in, c->in_len, &c->out, &c->out_len);
    else if (c->in_len == EX_HEAD_MAX)
        rc = ex_answer_too_large(&c->out, &c->out_len);
    else
        return queue_recv(c);               /* only part of the head: receive the rest */
    if (rc < 0) return queue_close(c);
    queue_send(c);
}

static void on_send(conn *c, int res) {
    if (res < 0) return queue_close(c);
    c->sent += (size_t)res;
    if (c->sent < c->out_len) return queue_send(c);   /* a short send: the rest */
    queue_close(c);
}

static void on_complete(conn *c, int res) {
    switch (c->op) {
    case OP_ACCEPT: on_accept(c, res); break;
    case OP_RECV: on_recv(c, res); break;
    case OP_SEND: on_send(c, res); break;
    case OP_CLOSE:
        c->fd = -1;                         /* closed by the kernel */
        conn_free(c);
        srv.closed++;
        break;
    }
}

/* Reap every completion there is. Returns how many. */
static unsigned reap(void) {
    struct io_uring_cqe *cqe;
    unsigned n = 0;
    while (io_uring_peek_cqe(&srv.ring, &cqe) == 0) {
        conn *c = io_uring_cqe_get_data(cqe);
        int res = cqe->res;
        io_uring_cqe_seen(&srv.ring, cqe);
        n++;
        if (!c) continue;                   /* the final cancel's own completion */
        srv.inflight--;
        on_complete(c, res);
    }
    return n;
}

/* Done serving: cancel every operation still in the kernel and wait for
 * their completions, so that no buffer is freed while the kernel holds it. */
static void shut_down(void) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&srv.ring);
    if (sqe) {
        io_uring_prep_cancel(sqe, NULL, IORING_ASYNC_CANCEL_ANY);
        io_uring_sqe_set_data(sqe, NULL);
    }
    while (srv.inflight > 0) {
        int rc = io_uring_submit_and_wait(&srv.ring, 1);
        if (rc < 0 && rc != -EINTR) break;
        struct io_uring_cqe *cqe;
        while (io_uring_peek_cqe(&srv.ring, &cqe) == 0) {
            if (io_uring_cqe_get_data(cqe)) srv.inflight--;
            io_uring_cqe_seen(&srv.ring, cqe);
        }
    }
    while (srv.live) conn_free(srv.live);
    io_uring_queue_exit(&srv.ring);
}

int ex7_serve(int listen_fd, int max_connections) {
    int rc = io_uring_queue_init(64, &srv.ring, 0);
    if (rc < 0) return rc;
    srv.inflight = 0;
    srv.closed = 0;
    srv.live = NULL;
    conn listener = {.fd = listen_fd};
    queue_accept(&listener);
    while (max_connections == 0 || srv.closed < max_connections) {
        rc = io_uring_submit_and_wait(&srv.ring, 1);   /* submit all, wait for one */
        if (rc < 0 && rc != -EINTR) break;
        reap();
    }
    shut_down();
    return rc < 0 && rc != -EINTR ? rc : 0;
}
