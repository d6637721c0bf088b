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
#include "asynclab/task.h"
#include "asynclab/timer.h"
#include "http_internal.h"

#define ACCEPT_BATCH 64
#define ACCEPT_PAUSE_US 100000      /* out of descriptors: try again in 100 ms */
#define MAX_PARAMS 8
#define PARAM_SCRATCH 512

typedef struct server_conn server_conn;

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
};

static void sync_conn(server_conn *sc, int64_t now);

/* ---- the connection's ops ---------------------------------------------------- */

static ssize_t conn_write(void *ctx, const struct iovec *iov, int iovcnt) {
    server_conn *sc = ctx;
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

static void resume_accept(al_http_server *srv) {
    if (!srv->accept_paused || srv->listen_fd < 0) return;
    srv->accept_paused = 0;
    al_timer_stop(&srv->accept_timer);
    al_io_start(&srv->listen_io, AL_READABLE, on_accept);
}

static void on_accept_timer(al_timer *t) { resume_accept(t->data); }

static void pause_accept(al_http_server *srv) {
    srv->accept_paused = 1;
    srv->stats.accept_paused++;
    al_io_stop(&srv->listen_io);
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
    server_conn *sc = calloc(1, sizeof *sc);
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
    if (al_io_init(srv->loop, &sc->io, fd) < 0 || al_io_start(&sc->io, AL_READABLE, on_conn_io) < 0) {
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

static void sync_conn(server_conn *sc, int64_t now) {
    if (sc->fd < 0) return;
    int wants = al_http_conn_wants(sc->conn);
    if (wants & AL_HTTP_WANT_CLOSE) {
        close_conn(sc);
        return;
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
    /* The timer only ever moves earlier here; when it fires too early (the
     * deadline moved later meanwhile) on_conn_timer finds nothing due and
     * this re-arms it. So a keep-alive request costs no heap operation. */
    int64_t deadline = al_http_conn_deadline(sc->conn);
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

/* Close the descriptor now; free the rest once no handler uses it. */
static void close_conn(server_conn *sc) {
    al_http_server *srv = sc->srv;
    if (sc->fd >= 0) {
        al_io_close(&sc->io);
        al_timer_stop(&sc->timer);
        close(sc->fd);
        sc->fd = -1;
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
    unlink_conn(sc);
    al_http_conn_free(sc->conn);
    free(sc);
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
    int rc = al_io_init(loop, &srv->listen_io, fd);
    if (rc == 0) rc = al_io_start(&srv->listen_io, AL_READABLE, on_accept);
    if (rc < 0) {
        close(fd);
        free(srv);
        return rc;
    }
    srv->listen_io.data = srv;
    *out = srv;
    return 0;
}

int al_http_server_port(const al_http_server *srv) { return srv ? srv->port : -1; }

static void close_listener(al_http_server *srv) {
    if (srv->listen_fd < 0) return;
    al_io_close(&srv->listen_io);
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
    while (srv->conns) {
        server_conn *sc = srv->conns;
        if (sc->fd >= 0) {
            al_io_close(&sc->io);
            al_timer_stop(&sc->timer);
            close(sc->fd);
        }
        /* A handler still alive here is abandoned with the loop (al_loop_free
         * releases it without running it again). */
        if (sc->task) al_task_release(sc->task);
        unlink_conn(sc);
        al_http_conn_free(sc->conn);
        free(sc);
    }
    free(srv);
}

void al_http_server_get_stats(const al_http_server *srv, al_http_server_stats *out) {
    *out = srv->stats;
}
