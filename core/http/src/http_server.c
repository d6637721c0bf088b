/* http_server.c — sockets, timers and tasks around the connection state machine.
 *
 * What happens to one request on the fast path (GET / with keep-alive):
 *
 *   poll says fd readable ─► on_conn_io: one recv() into the connection's
 *   buffer ─► al_http_conn_input: llhttp parses, the router matches, the
 *   inline handler fills the response, the response is formatted ─► one
 *   send() ─► sync(): nothing to change (still reading, same deadline
 *   rule, no timer to move).
 *
 * Two system calls per request plus a share of one poll: no allocation, no
 * task, no context switch. A task route adds a fiber task per request; its
 * completion comes back through the task's done-callback, on the loop's own
 * stack, where the response is written.
 *
 * Everything else in this file is the edge cases the issue lists: EMFILE on
 * accept, lazy timers, closing with running handlers, graceful shutdown.
 *
 * On the uring backend the same connection is driven by completions instead
 * (the section "the completion path" below): an accept, a recv and a send
 * are operations the kernel performs (asynclab/op.h), queued in the ring and
 * submitted together by the loop's one io_uring_enter per iteration, so a
 * keep-alive request costs no system call of its own. Why two paths and not
 * the ops everywhere (they do run on every backend): on a readiness backend
 * an op is a one-shot wait (epoll_ctl to add, epoll_ctl to remove) and its
 * send waits for writability before trying, where this path keeps one
 * watcher and sends at once: 2 system calls per request would become 4 or
 * more, and a poll round longer. So readiness backends keep the path above,
 * and the choice is made once, by al_op_in_kernel(), in al_http_server_new.
 */
#define _GNU_SOURCE   /* accept4(): the new descriptor non-blocking in the same call */
#include "asynclab/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "asynclab/io.h"
#include "asynclab/op.h"
#include "asynclab/task.h"
#include "asynclab/timer.h"
#include "http_internal.h"

#define ACCEPT_BATCH 64
#define ACCEPT_PAUSE_US 100000      /* out of descriptors: try again in 100 ms */
#define MAX_PARAMS 8
#define PARAM_SCRATCH 512
#define ACCEPT_OPS 4                /* completion path: accepts kept in the kernel at once */
#define RECV_CHUNK 2048             /* completion path: the recv buffer each connection owns */
#define SEND_CHUNK (64 * 1024)      /* completion path: at most this much per send op */
#define SEND_KEEP_CAP (16 * 1024)   /* a larger send buffer is given back once sent */

typedef struct server_conn server_conn;
typedef struct accept_ops accept_ops;

struct al_http_server {
    al_loop *loop;
    const al_http_router *router;
    al_http_server_options opts;
    int listen_fd;
    al_io listen_io;
    al_timer accept_timer;          /* EMFILE back-off */
    int accept_paused;
    int shutting_down;
    int port;
    int completion;                 /* the backend does the I/O (uring): ops, not watchers */
    accept_ops *accepts;            /* completion path: the accepts in flight */
    server_conn *conns;             /* every open connection, doubly linked */
    al_http_server_stats stats;
    time_t date_sec;
    char date[40];
};

struct server_conn {
    al_http_server *srv;
    server_conn *prev, *next;
    al_http_conn *conn;
    int fd;
    int io_mask;                    /* what io watches now */
    int shut_wr;
    int closing;                    /* closed while its handler still ran */
    al_io io;
    al_timer timer;
    int64_t timer_at;
    /* the request being handled by a task */
    al_task *task;
    al_http_handler handler;
    al_http_request *req;
    al_http_response *res;
    al_http_param params[MAX_PARAMS];
    char scratch[PARAM_SCRATCH];
    /* The completion path: each op and its buffer are the kernel's while busy. */
    al_op rop, sop;
    int rop_busy, sop_busy;
    int rop_done, sop_done;         /* completions run_ops has not handled yet */
    int queued;                     /* run_ops is in the loop's ready queue */
    int orphan;                     /* the server was freed first: free when the kernel is done */
    size_t rbuf_off, rbuf_len;      /* received bytes the connection has not taken yet */
    char *sbuf;                     /* bytes the connection counts as written, on their way */
    size_t sbuf_cap, sbuf_off, sbuf_len;
    int64_t send_since;             /* the send op's last start or progress */
    char rbuf[];                    /* RECV_CHUNK bytes, on the completion path only */
};

/* The accepts kept in flight on the listening socket. Its own allocation, so
 * that it can outlive a server freed while the kernel still holds them. */
typedef struct accept_slot {
    al_op op;
    accept_ops *set;
    int busy;
} accept_slot;

struct accept_ops {
    al_http_server *srv;            /* NULL: orphaned, freed by the last completion */
    int busy;
    accept_slot slot[ACCEPT_OPS];
};

static void sync_conn(server_conn *sc, int64_t now);
static ssize_t conn_send_op(server_conn *sc, const struct iovec *iov, int iovcnt);

/* ---- the connection's ops ---------------------------------------------------- */

static ssize_t conn_write(void *ctx, const struct iovec *iov, int iovcnt) {
    server_conn *sc = ctx;
    if (sc->srv->completion) return conn_send_op(sc, iov, iovcnt);
    struct msghdr msg = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt};
    for (;;) {
        ssize_t n = sendmsg(sc->fd, &msg, MSG_NOSIGNAL);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
}

static void handler_done(al_future *fut, void *arg);

static int fiber_handler(void *arg, intptr_t *result) {
    server_conn *sc = arg;
    (void)result;
    int rc = sc->handler(sc->req, sc->res);
    if (rc < 0 && rc != -ECANCELED) al_http_respond_error(sc->res, 500, "Internal Server Error");
    return rc == -ECANCELED ? rc : 0;
}

static int conn_dispatch(void *ctx, al_http_request *req, al_http_response *res) {
    server_conn *sc = ctx;
    al_http_server *srv = sc->srv;
    req->loop = srv->loop;
    req->app = srv->opts.app;
    req->id = ++srv->stats.requests;
    al_http_route_match m;
    if (al_http_router_match(srv->router, req->method, req->path, sc->params, MAX_PARAMS,
                             sc->scratch, sizeof sc->scratch, &m) < 0) {
        al_http_respond_error(res, 414, "Request-URI Too Long");
        return AL_HTTP_DONE;
    }
    if (m.status) {
        al_http_respond_route_error(res, &m);
        return AL_HTTP_DONE;
    }
    req->params = sc->params;
    req->param_count = m.param_count;
    if (m.flags == AL_HTTP_INLINE) {
        int rc = m.handler(req, res);
        if (rc < 0) al_http_respond_error(res, 500, "Internal Server Error");
        return AL_HTTP_DONE;
    }
    sc->handler = m.handler;
    sc->req = req;
    sc->res = res;
    al_task *task;
    int rc = al_task_create_fiber(srv->loop, &task, m.task_name, fiber_handler, sc,
                                  srv->opts.stack_size);
    if (rc == 0 && (rc = al_future_add_done_callback(al_task_future(task), handler_done, sc)) < 0) {
        /* Cannot be told when it ends: do not let it start. */
        al_task_cancel(task);
        al_task_release(task);
    }
    if (rc < 0) {
        al_http_respond_error(res, 503, "Service Unavailable");
        return AL_HTTP_DONE;
    }
    sc->task = task;
    srv->stats.tasks_running++;
    return AL_HTTP_PENDING;
}

static void conn_abort(void *ctx) {
    server_conn *sc = ctx;
    if (sc->task && !al_task_is_done(sc->task)) al_task_cancel(sc->task);
}

/* uvicorn's access log line: 127.0.0.1:54321 - "GET /sleep?s=1 HTTP/1.1" 200 OK */
static void conn_log(void *ctx, const al_http_request *req, const al_http_response *res) {
    server_conn *sc = ctx;
    FILE *out = sc->srv->opts.access_log;
    if (!out) return;
    int status = res ? res->status : 499;
    const char *reason = res ? al_http_status_reason(status) : "Client Closed Request";
    const char *q = req->query && *req->query ? "?" : "";
    if (out == stdout) {
        al_printf(sc->srv->loop, "INFO:     %s - \"%s %s%s%s HTTP/1.%d\" %d %s", req->peer,
                  req->method ? req->method : "-", req->path ? req->path : "-", q,
                  *q ? req->query : "", req->version_minor, status, reason);
    } else {
        fprintf(out, "INFO:     %s - \"%s %s%s%s HTTP/1.%d\" %d %s\n", req->peer,
                req->method ? req->method : "-", req->path ? req->path : "-", q,
                *q ? req->query : "", req->version_minor, status, reason);
        fflush(out);
    }
}

/* The Date header, formatted once per second (RFC 9110's IMF-fixdate). */
static const char *conn_date(void *ctx) {
    al_http_server *srv = ((server_conn *)ctx)->srv;
    time_t now = time(NULL);
    if (now != srv->date_sec) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(srv->date, sizeof srv->date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        srv->date_sec = now;
    }
    return srv->date;
}

static const al_http_conn_ops conn_ops = {
    .write = conn_write,
    .dispatch = conn_dispatch,
    .abort = conn_abort,
    .log = conn_log,
    .date = conn_date,
};

/* ---- accepting ------------------------------------------------------------------ */

static void on_accept(al_io *io, int events);
static void start_accepts(al_http_server *srv);

static void resume_accept(al_http_server *srv) {
    if (!srv->accept_paused || srv->listen_fd < 0) return;
    srv->accept_paused = 0;
    al_timer_stop(&srv->accept_timer);
    if (srv->completion) start_accepts(srv);
    else al_io_start(&srv->listen_io, AL_READABLE, on_accept);
}

static void on_accept_timer(al_timer *t) { resume_accept(t->data); }

static void pause_accept(al_http_server *srv) {
    srv->accept_paused = 1;
    srv->stats.accept_paused++;
    if (!srv->completion) al_io_stop(&srv->listen_io);   /* accepts in flight are not restarted */
    al_timer_start(&srv->accept_timer, on_accept_timer, ACCEPT_PAUSE_US, 0);
}

static void close_conn(server_conn *sc);

static void on_conn_timer(al_timer *t) {
    server_conn *sc = t->data;
    int64_t now = al_loop_now(sc->srv->loop);
    al_http_conn_timeout(sc->conn, now);
    sync_conn(sc, now);
}

static void on_conn_io(al_io *io, int events) {
    server_conn *sc = io->data;
    int64_t now = al_loop_now(sc->srv->loop);
    if (events & AL_WRITABLE) al_http_conn_writable(sc->conn, now);
    if (events & AL_READABLE) {
        char *buf;
        size_t len;
        al_http_conn_input_space(sc->conn, &buf, &len);
        if (len > 0) {
            ssize_t n = recv(sc->fd, buf, len, 0);
            if (n >= 0) al_http_conn_input(sc->conn, n, now);
            else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                al_http_conn_input(sc->conn, -1, now);
        }
    }
    sync_conn(sc, now);
}

static void new_conn(al_http_server *srv, int fd, const struct sockaddr_in *addr, int64_t now) {
    server_conn *sc = calloc(1, sizeof *sc + (srv->completion ? RECV_CHUNK : 0));
    char peer[64], ip[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &addr->sin_addr, ip, sizeof ip);
    snprintf(peer, sizeof peer, "%s:%u", ip, (unsigned)ntohs(addr->sin_port));
    if (!sc || al_http_conn_new(&sc->conn, &conn_ops, sc, &srv->opts.limits, peer, now) < 0) {
        free(sc);
        close(fd);
        return;
    }
    sc->srv = srv;
    sc->fd = fd;
    al_timer_init(srv->loop, &sc->timer);
    sc->timer.data = sc;
    if (!srv->completion &&
        (al_io_init(srv->loop, &sc->io, fd) < 0 || al_io_start(&sc->io, AL_READABLE, on_conn_io) < 0)) {
        /* e.g. the select backend and fd >= FD_SETSIZE: this one cannot be served */
        al_http_conn_free(sc->conn);
        free(sc);
        close(fd);
        return;
    }
    sc->io.data = sc;
    sc->io_mask = AL_READABLE;
    sc->next = srv->conns;
    if (srv->conns) srv->conns->prev = sc;
    srv->conns = sc;
    srv->stats.accepted++;
    srv->stats.open++;
    sync_conn(sc, now);   /* arms the idle deadline */
}

static void on_accept(al_io *io, int events) {
    al_http_server *srv = io->data;
    (void)events;
    int64_t now = al_loop_now(srv->loop);
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        struct sockaddr_in addr;
        socklen_t len = sizeof addr;
        int fd = accept4(srv->listen_fd, (struct sockaddr *)&addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                pause_accept(srv);
            return;   /* EAGAIN: all taken */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        new_conn(srv, fd, &addr, now);
    }
}

/* ---- keeping the watcher and the timer in line with the connection ---------- */

static int sync_ops(server_conn *sc, int64_t now);

/* The readiness path: the watcher's mask follows what the connection wants.
 * -1: the connection was closed (and maybe freed). */
static int sync_watcher(server_conn *sc) {
    int wants = al_http_conn_wants(sc->conn);
    if (wants & AL_HTTP_WANT_CLOSE) {
        close_conn(sc);
        return -1;
    }
    if ((wants & AL_HTTP_WANT_SHUTDOWN_WRITE) && !sc->shut_wr) {
        shutdown(sc->fd, SHUT_WR);
        sc->shut_wr = 1;
    }
    int mask = ((wants & AL_HTTP_WANT_READ) ? AL_READABLE : 0) |
               ((wants & AL_HTTP_WANT_WRITE) ? AL_WRITABLE : 0);
    if (mask != sc->io_mask) {
        if (mask) al_io_start(&sc->io, mask, on_conn_io);
        else al_io_stop(&sc->io);
        sc->io_mask = mask;
    }
    return 0;
}

static void sync_conn(server_conn *sc, int64_t now) {
    if (sc->fd < 0) return;
    if ((sc->srv->completion ? sync_ops(sc, now) : sync_watcher(sc)) < 0) return;
    /* The timer only ever moves earlier here; when it fires too early (the
     * deadline moved later meanwhile) on_conn_timer finds nothing due and
     * this re-arms it. So a keep-alive request costs no heap operation. */
    int64_t deadline = al_http_conn_deadline(sc->conn);
    if (sc->sop_busy) {   /* completion path: a send in the kernel has its own bound */
        int64_t give_up = sc->send_since + sc->srv->opts.limits.send_timeout_us;
        if (give_up < deadline) deadline = give_up;
    }
    if (deadline == INT64_MAX) return;
    if (!al_timer_is_active(&sc->timer) || sc->timer_at > deadline) {
        al_timer_start_at(&sc->timer, on_conn_timer, deadline, 0);
        sc->timer_at = deadline;
    }
    (void)now;
}

static void unlink_conn(server_conn *sc) {
    al_http_server *srv = sc->srv;
    if (sc->prev) sc->prev->next = sc->next; else srv->conns = sc->next;
    if (sc->next) sc->next->prev = sc->prev;
}

static void free_conn(server_conn *sc) {
    al_http_conn_free(sc->conn);
    free(sc->sbuf);
    free(sc);
}

static void cancel_ops(server_conn *sc) {
    if (sc->rop_busy && al_op_cancel(sc->srv->loop, &sc->rop) == 1) sc->rop_busy = 0;
    if (sc->sop_busy && al_op_cancel(sc->srv->loop, &sc->sop) == 1) sc->sop_busy = 0;
}

/* Stop the connection's watcher (or cancel its ops) and timer, and close
 * its descriptor: after the cancel, as the kernel keeps its own reference
 * to the socket until the ops' completions came. */
static void close_fd(server_conn *sc) {
    if (sc->srv->completion) cancel_ops(sc);
    else al_io_close(&sc->io);
    al_timer_stop(&sc->timer);
    close(sc->fd);
    sc->fd = -1;
}

/* Close the descriptor now; free the rest once no handler (and, on the
 * completion path, no operation in the kernel) uses it. */
static void close_conn(server_conn *sc) {
    al_http_server *srv = sc->srv;
    if (sc->fd >= 0) {
        close_fd(sc);
        srv->stats.open--;
        resume_accept(srv);   /* a descriptor is free again */
    }
    if (sc->task) {
        if (!sc->closing) {
            /* As if the client had gone: the connection aborts the request
             * (conn_abort cancels the task) and logs it as 499 when the
             * handler has stopped. handler_done finishes the job. */
            sc->closing = 1;
            al_http_conn_input(sc->conn, -1, al_loop_now(srv->loop));
        }
        return;
    }
    if (sc->rop_busy || sc->sop_busy || sc->queued) return;   /* run_ops frees it */
    unlink_conn(sc);
    free_conn(sc);
}

static void handler_done(al_future *fut, void *arg) {
    server_conn *sc = arg;
    (void)fut;
    al_task_release(sc->task);
    sc->task = NULL;
    sc->srv->stats.tasks_running--;
    int64_t now = al_loop_now(sc->srv->loop);
    al_http_conn_respond(sc->conn, now);
    if (sc->closing) {
        close_conn(sc);
        return;
    }
    sync_conn(sc, now);
}

/* ---- the completion path (the uring backend) -------------------------------------
 *
 * The kernel performs each connection's recv and send (asynclab/op.h). The
 * connection (http_conn.c) keeps moving its own buffers (it compacts and
 * grows its input, appends pipelined answers to its output), so no op ever
 * points into them: a connection owns RECV_CHUNK bytes the recv fills, and
 * a send buffer the answer is copied into (a few hundred bytes per request).
 * "Written" for the connection means taken by this buffer, as it means taken
 * by the socket's buffer on the readiness path; so a close or a
 * shutdown(SHUT_WR) the connection asks for waits until that send is done,
 * as close(2) would still deliver what send(2) took (but not longer than
 * the send timeout without progress).
 *
 * A completion runs inside the backend's poll; the work it causes (parsing,
 * the handler, the answer) is queued with al_call_soon and runs in the
 * loop's ready phase, where the readiness path runs it too. The deadlines
 * stay the connection's (header timeout, keep-alive idle, slowloris): one
 * timer per connection, as above; when one passes, the connection closes
 * and the ops in flight are cancelled in the kernel. */

static void on_recv_done(al_op *op);
static void on_send_done(al_op *op);
static void op_finished(server_conn *sc);

/* Received bytes go to the connection as far as it takes them now. */
static void deliver_input(server_conn *sc, int64_t now) {
    while (sc->rbuf_len > 0 && sc->fd >= 0) {
        char *buf;
        size_t len;
        al_http_conn_input_space(sc->conn, &buf, &len);
        if (len == 0) return;
        size_t n = len < sc->rbuf_len ? len : sc->rbuf_len;
        memcpy(buf, sc->rbuf + sc->rbuf_off, n);
        sc->rbuf_off += n;
        sc->rbuf_len -= n;
        al_http_conn_input(sc->conn, (ssize_t)n, now);
    }
}

static int start_send(server_conn *sc) {
    sc->sop = (al_op){.kind = AL_OP_SEND, .fd = sc->fd, .buf = sc->sbuf + sc->sbuf_off,
                      .len = (unsigned)(sc->sbuf_len - sc->sbuf_off), .done = on_send_done};
    int rc = al_op_start(sc->srv->loop, &sc->sop);
    if (rc == 0) sc->sop_busy = 1;
    return rc;
}

/* The connection's write op: copy what fits into the send buffer, hand it to
 * the kernel, and say it was taken; -EAGAIN while a send is in flight. */
static ssize_t conn_send_op(server_conn *sc, const struct iovec *iov, int iovcnt) {
    if (sc->sop_busy) return -EAGAIN;
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++) total += iov[i].iov_len;
    if (total > SEND_CHUNK) total = SEND_CHUNK;
    if (total > sc->sbuf_cap) {
        size_t cap = (total + 1023) & ~(size_t)1023;
        char *b = realloc(sc->sbuf, cap);
        if (!b) return -ENOMEM;
        sc->sbuf = b;
        sc->sbuf_cap = cap;
    }
    size_t n = 0;
    for (int i = 0; i < iovcnt && n < total; i++) {
        size_t k = iov[i].iov_len < total - n ? iov[i].iov_len : total - n;
        memcpy(sc->sbuf + n, iov[i].iov_base, k);
        n += k;
    }
    sc->sbuf_off = 0;
    sc->sbuf_len = n;
    sc->send_since = al_loop_now(sc->srv->loop);
    int rc = start_send(sc);
    return rc < 0 ? rc : (ssize_t)n;
}

/* A send finished: the rest of the buffer, or more from the connection. */
static void sent(server_conn *sc, int res, int64_t now) {
    if (res < 0 && res != -EAGAIN && res != -EINTR) {
        /* EPIPE, ECONNRESET: the peer is gone, as a failed send() says */
        sc->sbuf_off = sc->sbuf_len = 0;
        al_http_conn_input(sc->conn, -1, now);
        return;
    }
    if (res > 0) {
        sc->sbuf_off += (size_t)res;
        sc->send_since = now;
    }
    if (sc->sbuf_off < sc->sbuf_len) {
        if (start_send(sc) < 0) al_http_conn_input(sc->conn, -1, now);
        return;
    }
    sc->sbuf_off = sc->sbuf_len = 0;
    if (sc->sbuf_cap > SEND_KEEP_CAP) {   /* one big answer: give it back */
        free(sc->sbuf);
        sc->sbuf = NULL;
        sc->sbuf_cap = 0;
    }
    al_http_conn_writable(sc->conn, now);
}

static void received(server_conn *sc, int res, int64_t now) {
    if (res > 0) {
        sc->rbuf_off = 0;
        sc->rbuf_len = (size_t)res;
        deliver_input(sc, now);
    } else if (res == 0) {
        al_http_conn_input(sc->conn, 0, now);
    } else if (res != -EAGAIN && res != -EINTR) {
        al_http_conn_input(sc->conn, -1, now);
    }
}

/* In the ready phase: what the kernel finished for this connection. */
static void run_ops(al_loop *loop, void *arg) {
    server_conn *sc = arg;
    sc->queued = 0;
    if (sc->orphan) {
        op_finished(sc);
        return;
    }
    if (sc->fd < 0) {   /* closed meanwhile: free it if nothing uses it any more */
        close_conn(sc);
        return;
    }
    int64_t now = al_loop_now(loop);
    if (sc->sop_done) {
        sc->sop_done = 0;
        sent(sc, sc->sop.result, now);
    }
    if (sc->rop_done) {
        sc->rop_done = 0;
        received(sc, sc->rop.result, now);
    }
    sync_conn(sc, now);
}

static void op_finished(server_conn *sc) {
    if (sc->orphan) {   /* the server is gone: only the memory is left to free */
        if (!sc->rop_busy && !sc->sop_busy && !sc->queued) free_conn(sc);
        return;
    }
    if (sc->queued) return;
    if (al_call_soon(sc->srv->loop, run_ops, sc) == 0) sc->queued = 1;
    else run_ops(sc->srv->loop, sc);   /* the ready queue could not grow: now, then */
}

static void on_recv_done(al_op *op) {
    server_conn *sc = (server_conn *)((char *)op - offsetof(server_conn, rop));
    sc->rop_busy = 0;
    sc->rop_done = 1;
    op_finished(sc);
}

static void on_send_done(al_op *op) {
    server_conn *sc = (server_conn *)((char *)op - offsetof(server_conn, sop));
    sc->sop_busy = 0;
    sc->sop_done = 1;
    op_finished(sc);
}

/* The completion path's sync: start the recv the connection wants, close or
 * shut down when it asks and the send in flight is done. -1: closed. */
static int sync_ops(server_conn *sc, int64_t now) {
    int wants = al_http_conn_wants(sc->conn);
    if ((wants & AL_HTTP_WANT_READ) && sc->rbuf_len > 0) {
        deliver_input(sc, now);   /* bytes kept while the connection could not take them */
        wants = al_http_conn_wants(sc->conn);
    }
    if (wants & AL_HTTP_WANT_CLOSE) {
        if (!sc->sop_busy || now >= sc->send_since + sc->srv->opts.limits.send_timeout_us) {
            close_conn(sc);
            return -1;
        }
        return 0;   /* the timer (sync_conn) bounds the wait */
    }
    if ((wants & AL_HTTP_WANT_SHUTDOWN_WRITE) && !sc->shut_wr && !sc->sop_busy) {
        shutdown(sc->fd, SHUT_WR);
        sc->shut_wr = 1;
    }
    if (!(wants & AL_HTTP_WANT_READ) || sc->rop_busy || sc->rbuf_len > 0) return 0;
    char *buf;
    size_t len;
    al_http_conn_input_space(sc->conn, &buf, &len);
    if (len == 0) return 0;
    sc->rop = (al_op){.kind = AL_OP_RECV, .fd = sc->fd, .buf = sc->rbuf,
                      .len = len < RECV_CHUNK ? (unsigned)len : RECV_CHUNK, .done = on_recv_done};
    if (al_op_start(sc->srv->loop, &sc->rop) < 0) al_http_conn_input(sc->conn, -1, now);   /* as a broken read */
    else sc->rop_busy = 1;
    return 0;
}

/* Accepting: ACCEPT_OPS accepts wait in the kernel, each started again when
 * it completes; EMFILE and the like pause accepting as on_accept does. */
static void on_accept_done(al_op *op);

static void start_accept(al_http_server *srv, accept_slot *s) {
    s->op = (al_op){.kind = AL_OP_ACCEPT, .fd = srv->listen_fd, .done = on_accept_done};
    if (al_op_start(srv->loop, &s->op) < 0) {
        if (!srv->accept_paused) pause_accept(srv);   /* try again in a while */
        return;
    }
    s->busy = 1;
    srv->accepts->busy++;
}

static void start_accepts(al_http_server *srv) {
    for (int i = 0; i < ACCEPT_OPS && !srv->accept_paused; i++)
        if (!srv->accepts->slot[i].busy) start_accept(srv, &srv->accepts->slot[i]);
}

static void on_accept_done(al_op *op) {
    accept_slot *s = (accept_slot *)((char *)op - offsetof(accept_slot, op));
    accept_ops *set = s->set;
    al_http_server *srv = set->srv;
    int fd = op->result;
    s->busy = 0;
    set->busy--;
    if (!srv) {   /* orphaned by al_http_server_free */
        if (fd >= 0) close(fd);
        if (!set->busy) free(set);
        return;
    }
    if (fd >= 0 && srv->listen_fd < 0) {   /* won the race with the cancel: we stopped accepting */
        close(fd);
        return;
    }
    if (fd >= 0) {
        struct sockaddr_in addr = {0};
        socklen_t len = sizeof addr;
        getpeername(fd, (struct sockaddr *)&addr, &len);   /* the accept op does not say */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        new_conn(srv, fd, &addr, al_loop_now(srv->loop));
    }
    if (srv->listen_fd < 0 || srv->accept_paused || fd == -ECANCELED) return;
    if (fd >= 0 || fd == -EINTR || fd == -ECONNABORTED || fd == -EAGAIN) start_accept(srv, s);
    else pause_accept(srv);   /* EMFILE, ENFILE, ENOBUFS...: not in a tight loop */
}

/* Stop accepting: ask the kernel to drop the accepts in flight. */
static void cancel_accepts(al_http_server *srv) {
    for (int i = 0; srv->accepts && i < ACCEPT_OPS; i++) {
        accept_slot *s = &srv->accepts->slot[i];
        if (s->busy && al_op_cancel(srv->loop, &s->op) == 1) {
            s->busy = 0;
            srv->accepts->busy--;
        }
    }
}

/* ---- the server ------------------------------------------------------------------ */

static int listen_on(const char *host, int port, int backlog, int *port_out) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) return -EINVAL;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, backlog) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *)&addr, &len);
    *port_out = ntohs(addr.sin_port);
    return fd;
}

int al_http_server_new(al_http_server **out, al_loop *loop, const al_http_router *router,
                       const al_http_server_options *opts) {
    if (!out || !loop || !router) return -EINVAL;
    *out = NULL;
    al_http_server_options o = opts ? *opts : (al_http_server_options){0};
    if (!o.host) o.host = "127.0.0.1";
    if (o.port < 0 || o.port > 65535) return -EINVAL;
    if (o.backlog <= 0) o.backlog = SOMAXCONN;
    al_http_limits_default(&o.limits);
    al_http_server *srv = calloc(1, sizeof *srv);
    if (!srv) return -ENOMEM;
    srv->loop = loop;
    srv->router = router;
    srv->opts = o;
    int fd = listen_on(o.host, o.port, o.backlog, &srv->port);
    if (fd < 0) {
        free(srv);
        return fd;
    }
    srv->listen_fd = fd;
    al_timer_init(loop, &srv->accept_timer);
    srv->accept_timer.data = srv;
    srv->completion = al_op_in_kernel(loop);   /* which path: see the top of this file */
    int rc = 0;
    if (srv->completion) {
        srv->accepts = calloc(1, sizeof *srv->accepts);
        if (!srv->accepts) rc = -ENOMEM;
    } else {
        rc = al_io_init(loop, &srv->listen_io, fd);
        if (rc == 0) rc = al_io_start(&srv->listen_io, AL_READABLE, on_accept);
    }
    if (rc < 0) {
        close(fd);
        free(srv);
        return rc;
    }
    srv->listen_io.data = srv;
    if (srv->completion) {
        srv->accepts->srv = srv;
        for (int i = 0; i < ACCEPT_OPS; i++) srv->accepts->slot[i].set = srv->accepts;
        start_accepts(srv);
    }
    *out = srv;
    return 0;
}

int al_http_server_port(const al_http_server *srv) { return srv ? srv->port : -1; }

static void close_listener(al_http_server *srv) {
    if (srv->listen_fd < 0) return;
    if (srv->completion) cancel_accepts(srv);
    else al_io_close(&srv->listen_io);
    al_timer_stop(&srv->accept_timer);
    close(srv->listen_fd);
    srv->listen_fd = -1;
    srv->accept_paused = 0;
}

void al_http_server_shutdown(al_http_server *srv) {
    if (!srv) return;
    int64_t now = al_loop_now(srv->loop);
    close_listener(srv);
    int force = srv->shutting_down;
    srv->shutting_down = 1;
    server_conn *sc = srv->conns;
    while (sc) {
        server_conn *next = sc->next;   /* sc may be freed below */
        if (force) {
            if (sc->fd >= 0 || !sc->closing) close_conn(sc);
        } else if (sc->fd >= 0) {
            al_http_conn_shutdown(sc->conn, now);
            sync_conn(sc, now);
        }
        sc = next;
    }
}

void al_http_server_free(al_http_server *srv) {
    if (!srv) return;
    close_listener(srv);
    if (srv->accepts) {
        srv->accepts->srv = NULL;   /* accepts still in the kernel free it when they end */
        if (!srv->accepts->busy) free(srv->accepts);
    }
    while (srv->conns) {
        server_conn *sc = srv->conns;
        if (sc->fd >= 0) close_fd(sc);
        /* A handler still alive here is abandoned with the loop (al_loop_free
         * releases it without running it again). */
        if (sc->task) al_task_release(sc->task);
        unlink_conn(sc);
        /* Work a completion queued is withdrawn: a loop freed next would
         * drop it unrun, and this connection with it. Operations still in
         * the kernel own its buffers: their completions free it
         * (al_loop_free drains them at the latest). */
        if (sc->queued && al_call_soon_cancel(sc->srv->loop, run_ops, sc) > 0) sc->queued = 0;
        if (sc->rop_busy || sc->sop_busy || sc->queued) sc->orphan = 1;
        else free_conn(sc);
    }
    free(srv);
}

void al_http_server_get_stats(const al_http_server *srv, al_http_server_stats *out) {
    *out = srv->stats;
}
