/* harness_load.c — the load engine: one stackless task per connection (see harness_load.h).
 *
 * Each connection is a small state machine written as a coroutine: connect,
 * send, await readable, parse, repeat. Everything a connection needs across
 * an await lives in its load_conn (the frame only points at it), so the
 * watchdog can look at every connection from outside its task.
 */
#include "harness_load.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "asynclab.h"
#include "asynclab/http_response_reader.h"

#define RECV_SIZE 16384
#define PROGRESS_US 250000
#define BACKOFF_US 10000          /* after a failed connect, in a duration run */

typedef struct load_run load_run;

typedef struct load_conn {
    load_run *run;
    al_task *task;
    int index;                    /* 1-based: "conn 1" */
    int fd;                       /* -1 while not connected */
    int timed_out;                /* the watchdog cancelled this request */
    int64_t started;              /* this request's start (loop µs), 0 when idle */
    long number;                  /* this request's number, from 1 */
    size_t sent;
    al_io io;                     /* untraced runs: the persistent watcher */
    int io_open;
    int want;                     /* what the task awaits: AL_READABLE or AL_WRITABLE */
    al_future ready;              /* completed by the watcher */
    al_http_reader resp;
    char buf[RECV_SIZE];
} load_conn;

struct load_run {
    const al_load_config *cfg;
    al_load_result *res;
    al_loop *loop;
    al_trace *trace;
    load_conn *conns;
    int live;                     /* connection tasks still running */
    long claimed;                 /* requests started */
    int stopping;
    int ever_connected;
    int64_t t0, deadline;
    al_timer watchdog, stopper, progress;
};

/* The task's frame: what survives an await besides the connection itself. */
typedef struct conn_frame {
    al_gen gen;
    load_conn *c;
    int rc;
} conn_frame;

const char *al_load_err_name(int kind) {
    static const char *const names[] = {"connect", "write", "read", "parse", "status", "timeout"};
    return kind >= 0 && kind < AL_LOAD_ERR_COUNT ? names[kind] : "?";
}

uint64_t al_load_errors(const al_load_result *res) {
    uint64_t n = 0;
    for (int i = 0; i < AL_LOAD_ERR_COUNT; i++) n += res->errors[i];
    return n;
}

int al_load_format_get(char *buf, size_t size, const char *path, const char *hostport) {
    int n = snprintf(buf, size, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, hostport);
    return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

/* ---- trace markers ------------------------------------------------------------ */

__attribute__((format(printf, 2, 3)))
static void mark(load_conn *c, const char *fmt, ...) {
    load_run *run = c->run;
    if (!run->trace) return;
    char text[AL_TRACE_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    al_trace_event ev = {.t = al_loop_now(run->loop), .type = AL_EV_OUTPUT, .fd = -1,
                         .task = al_task_id(c->task), .text = text,
                         .text_len = (size_t)n < sizeof text ? (size_t)n : sizeof text - 1};
    al_trace_emit(run->trace, &ev);
}

/* ---- stopping everybody -------------------------------------------------------- */

static void stop_all(load_run *run) {
    run->stopping = 1;
    for (int i = 0; i < run->cfg->connections; i++) {
        al_task *t = run->conns[i].task;
        if (t && al_task_state_of(t) == AL_TASK_WAITING) al_task_cancel(t);
    }
}

static void stopper_cb(al_timer *timer) { stop_all(timer->data); }

/* Cancel requests that are out longer than the timeout. Only tasks that wait:
 * a task already woken (READY) is about to finish its request anyway, and a
 * cancel would hit its *next* await instead. */
static void watchdog_cb(al_timer *timer) {
    load_run *run = timer->data;
    int64_t now = al_loop_now(run->loop);
    for (int i = 0; i < run->cfg->connections; i++) {
        load_conn *c = &run->conns[i];
        if (c->started && !c->timed_out && now - c->started >= run->cfg->timeout_us &&
            c->task && al_task_state_of(c->task) == AL_TASK_WAITING) {
            c->timed_out = 1;
            al_task_cancel(c->task);
        }
    }
}

double al_load_rate(const al_load_result *res, double seconds) {
    if (!res || res->ok == 0 || !(seconds > 0)) return -1;
    return (double)res->ok / seconds;
}

static void progress_cb(al_timer *timer) {
    load_run *run = timer->data;
    al_load_result *res = run->res;
    double t = (double)(al_loop_now(run->loop) - run->t0) / 1e6;
    char goal[48];
    if (run->cfg->requests) snprintf(goal, sizeof goal, "of %ld", run->cfg->requests);
    else snprintf(goal, sizeof goal, "in %.1f/%.0f s", t, (double)run->cfg->duration_us / 1e6);
    double rate = al_load_rate(res, t);
    fprintf(stderr, "\r\033[K  %llu requests %s   %.0f req/s   %llu errors",
            (unsigned long long)res->requests, goal, rate > 0 ? rate : 0.0,
            (unsigned long long)al_load_errors(res));
}

/* ---- one request's end ---------------------------------------------------------- */

static void close_conn(load_conn *c) {
    if (c->io_open) al_io_close(&c->io);   /* stop watching before closing */
    c->io_open = 0;
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
}

__attribute__((format(printf, 2, 3)))
static void note_error(load_run *run, const char *fmt, ...) {
    if (run->res->first_error[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->res->first_error, sizeof run->res->first_error, fmt, ap);
    va_end(ap);
}

/* kind: -1 success (2xx or not: decided here), or an al_load_err. */
static void finish(load_conn *c, int kind, int rc) {
    load_run *run = c->run;
    al_load_result *res = run->res;
    int64_t now = al_loop_now(run->loop);
    if (rc == -ECANCELED) {
        if (!c->timed_out) {               /* the run is over: abandon it */
            close_conn(c);
            c->started = 0;
            return;
        }
        kind = AL_LOAD_ERR_TIMEOUT;
    }
    if (kind < 0 && (c->resp.status < 200 || c->resp.status > 299)) {
        kind = AL_LOAD_ERR_STATUS;
        char what[96];
        snprintf(what, sizeof what, "%d %s", c->resp.status, c->resp.reason);
        note_error(run, "the server answered %s", what);
    }
    if (kind == AL_LOAD_ERR_TIMEOUT) note_error(run, "%s", "a request timed out");
    else if (kind >= 0 && kind != AL_LOAD_ERR_STATUS && rc < 0) {
        char what[160];
        snprintf(what, sizeof what, "%s: %s", al_load_err_name(kind),
                 rc == -EPROTO && c->resp.error ? c->resp.error : strerror(-rc));
        note_error(run, "%s", what);
    }

    res->requests++;
    if (kind < 0) {
        res->ok++;
        al_hist_add(&res->latency, (uint64_t)(now - c->started));
        mark(c, "#%ld: %d in %.1f ms", c->number, c->resp.status, (double)(now - c->started) / 1e3);
    } else {
        res->errors[kind]++;
        if (kind == AL_LOAD_ERR_STATUS) mark(c, "#%ld: %d", c->number, c->resp.status);
        else mark(c, "#%ld: %s error", c->number, al_load_err_name(kind));
    }
    if (res->samples && c->number <= (long)res->nsamples) {
        al_load_sample *s = &res->samples[c->number - 1];
        s->start_us = c->started - run->t0;
        s->end_us = now - run->t0;
        s->conn = c->index;
        s->status = c->resp.head_done ? c->resp.status : 0;
        s->error = kind;
    }
    /* A whole answer leaves the connection usable, even a 404. */
    if ((kind >= 0 && kind != AL_LOAD_ERR_STATUS) || c->resp.close) close_conn(c);
    c->started = 0;
    c->timed_out = 0;

    /* Refused before anything ever connected: nobody listens there. */
    if (kind == AL_LOAD_ERR_CONNECT && rc == -ECONNREFUSED && !run->ever_connected) {
        res->refused = 1;
        stop_all(run);
    }
}

/* May this connection start another request? */
static int claim(load_conn *c) {
    load_run *run = c->run;
    if (run->stopping) return 0;
    int64_t now = al_loop_now(run->loop);
    if (run->cfg->requests > 0 ? run->claimed >= run->cfg->requests : now >= run->deadline)
        return 0;
    c->number = ++run->claimed;
    c->started = now;
    c->timed_out = 0;
    al_http_reader_reset(&c->resp, 0);
    mark(c, "#%ld: %s", c->number, run->cfg->label ? run->cfg->label : "request");
    return 1;
}

/* ---- waiting for the socket ------------------------------------------------------
 *
 * Two ways to wait, with the same result. Traced, the task awaits the loop's
 * own al_wait_readable/al_wait_writable, which the viewer draws as "read fd
 * 7". That wait is one-shot: the loop registers the descriptor with the
 * kernel when the wait begins and removes it when it fires, which costs two
 * epoll_ctl calls and a check per request. Untraced, speed matters more: a
 * persistent al_io watcher keeps the descriptor registered for the whole life
 * of the connection, and its callback completes a future that the task
 * awaits. Per request that leaves one send and one recv, as wrk does.
 */
static void io_cb(al_io *io, int events) {
    load_conn *c = io->data;
    if ((events & c->want) && !al_future_is_done(&c->ready)) al_future_set_result(&c->ready, events);
}

static int wait_socket(load_conn *c, int events) {
    if (c->run->trace)
        return events == AL_READABLE ? al_wait_readable(c->fd) : al_wait_writable(c->fd);
    int rc;
    if (!c->io_open) {
        if ((rc = al_io_init(c->run->loop, &c->io, c->fd)) < 0) return rc;
        c->io.data = c;
        c->io_open = 1;
    }
    if (c->io.events != events && (rc = al_io_start(&c->io, events, io_cb)) < 0) return rc;
    c->want = events;
    al_future_init(c->run->loop, &c->ready);
    return al_await(&c->ready);
}

/* ---- the socket calls ----------------------------------------------------------- */

/* Start connecting. 0: connected already, 1: in progress (await writable),
 * negative errno: failed. */
static int start_connect(load_conn *c) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    const struct sockaddr_in *a = &c->run->cfg->addr;
    if (connect(fd, (const struct sockaddr *)a, sizeof *a) == 0) return 0;
    return errno == EINPROGRESS ? 1 : -errno;
}

static int connect_result(int fd) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return -errno;
    return -err;
}

/* Send what is left of the request. 1: all sent, 0: the socket is full
 * (await writable), negative errno: failed. */
static int send_rest(load_conn *c) {
    const al_load_config *cfg = c->run->cfg;
    while (c->sent < cfg->request_len) {
        ssize_t n = send(c->fd, cfg->request + c->sent, cfg->request_len - c->sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
        }
        c->sent += (size_t)n;
    }
    return 1;
}

/* Read what has arrived and parse it. 1: the answer is whole, 0: more to
 * come (await readable), negative: -EPROTO (not HTTP) or another errno (the
 * connection broke). */
static int receive(load_conn *c) {
    for (;;) {
        ssize_t n = recv(c->fd, c->buf, sizeof c->buf, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
        }
        if (n == 0) {
            if (al_http_reader_eof(&c->resp) < 0) return c->resp.head_done ? -EPROTO : -ECONNRESET;
            return 1;
        }
        c->run->res->bytes_read += (uint64_t)n;
        long used = al_http_reader_feed(&c->resp, c->buf, (size_t)n);
        if (used < 0) return -EPROTO;
        if (c->resp.done) {
            if (used < n) {            /* we sent one request: one answer only */
                c->resp.error = "more bytes arrived than the response holds";
                return -EPROTO;
            }
            return 1;
        }
        if ((size_t)n < sizeof c->buf) return 0;   /* drained: wait for more */
    }
}

/* ---- the connection task ---------------------------------------------------------- */

static int conn_body(al_gen *g) {
    conn_frame *f = (conn_frame *)g;
    load_conn *c = f->c;
    AL_GEN_BEGIN(g);
    while (claim(c)) {
        /* 1. A connection: keep the last one if the server allowed it. */
        if (c->fd < 0) {
            f->rc = start_connect(c);
            if (f->rc == 1) {
                AL_AWAIT(g, f->rc, wait_socket(c, AL_WRITABLE));
                if (f->rc == 0) f->rc = connect_result(c->fd);
            }
            if (f->rc < 0) {
                finish(c, AL_LOAD_ERR_CONNECT, f->rc);
                if (c->run->cfg->requests == 0 && !c->run->stopping)
                    AL_AWAIT(g, f->rc, al_sleep(BACKOFF_US));   /* do not spin on a dead port */
                continue;
            }
            c->run->ever_connected = 1;
            c->run->res->connects++;
        }
        /* 2. Send the request. */
        c->sent = 0;
        while ((f->rc = send_rest(c)) == 0) {
            AL_AWAIT(g, f->rc, wait_socket(c, AL_WRITABLE));
            if (f->rc < 0) break;
        }
        if (f->rc < 0) {
            finish(c, AL_LOAD_ERR_WRITE, f->rc);
            continue;
        }
        /* 3. Wait for the answer and read it. */
        do {
            AL_AWAIT(g, f->rc, wait_socket(c, AL_READABLE));
            if (f->rc == 0) f->rc = receive(c);
        } while (f->rc == 0);
        if (f->rc < 0)
            finish(c, f->rc == -EPROTO ? AL_LOAD_ERR_PARSE : AL_LOAD_ERR_READ, f->rc);
        else
            finish(c, -1, 0);
    }
    close_conn(c);
    if (--c->run->live == 0) {              /* the last one out stops the clocks */
        al_timer_stop(&c->run->watchdog);
        al_timer_stop(&c->run->stopper);
        al_timer_stop(&c->run->progress);
    }
    AL_GEN_END(g);
}

/* ---- the run ------------------------------------------------------------------------ */

void al_load_result_free(al_load_result *res) {
    free(res->samples);
    res->samples = NULL;
    res->nsamples = 0;
}

static int64_t watchdog_period(int64_t timeout_us) {
    int64_t p = timeout_us / 10;
    return p < 10000 ? 10000 : p > 250000 ? 250000 : p;
}

int al_load_run(const al_load_config *cfg, al_load_result *res) {
    memset(res, 0, sizeof *res);
    al_hist_init(&res->latency);
    if (!cfg || cfg->connections < 1 || !cfg->request || cfg->timeout_us <= 0 ||
        (cfg->requests <= 0 && cfg->duration_us <= 0)) {
        snprintf(res->first_error, sizeof res->first_error, "bad load configuration");
        return -EINVAL;
    }
    load_run run = {.cfg = cfg, .res = res};
    int rc = 0;
    if (cfg->record && cfg->requests > 0) {
        res->samples = calloc((size_t)cfg->requests, sizeof *res->samples);
        if (!res->samples) return -ENOMEM;
        res->nsamples = (size_t)cfg->requests;
    }
    run.conns = calloc((size_t)cfg->connections, sizeof *run.conns);
    if (!run.conns) {
        rc = -ENOMEM;
        goto out;
    }
    for (int i = 0; i < cfg->connections; i++) run.conns[i].fd = -1;
    if (cfg->trace_path && (rc = al_trace_open_file(&run.trace, cfg->trace_path)) < 0) {
        snprintf(res->first_error, sizeof res->first_error, "cannot write the trace %s: %s",
                 cfg->trace_path, al_strerror(rc));
        goto out;
    }
    al_loop_options opts = {.sink = al_trace_sink(run.trace)};
    if ((rc = al_loop_new(&run.loop, &opts)) < 0) {
        snprintf(res->first_error, sizeof res->first_error, "cannot create the loop: %s",
                 al_loop_backend_error(rc));
        goto out;
    }
    run.t0 = al_loop_now(run.loop);
    run.deadline = run.t0 + cfg->duration_us;
    al_timer_init(run.loop, &run.watchdog);
    al_timer_init(run.loop, &run.stopper);
    al_timer_init(run.loop, &run.progress);
    run.watchdog.data = run.stopper.data = run.progress.data = &run;
    int64_t period = watchdog_period(cfg->timeout_us);
    al_timer_start(&run.watchdog, watchdog_cb, period, period);
    if (cfg->requests == 0) al_timer_start(&run.stopper, stopper_cb, cfg->duration_us, 0);
    if (cfg->progress) al_timer_start(&run.progress, progress_cb, PROGRESS_US, PROGRESS_US);

    for (int i = 0; i < cfg->connections; i++) {
        load_conn *c = &run.conns[i];
        c->run = &run;
        c->index = i + 1;
        char name[AL_TASK_NAME_MAX];
        snprintf(name, sizeof name, "conn %d", i + 1);
        conn_frame init = {.c = c};
        if ((rc = al_task_create(run.loop, &c->task, name, conn_body, &init, sizeof init)) < 0) {
            snprintf(res->first_error, sizeof res->first_error, "cannot start %d tasks: %s",
                     cfg->connections, al_strerror(rc));
            stop_all(&run);
            break;
        }
        run.live++;
    }
    if (run.live == 0) {
        al_timer_stop(&run.watchdog);
        al_timer_stop(&run.stopper);
        al_timer_stop(&run.progress);
    }
    int loop_rc = al_loop_run(run.loop);
    res->elapsed_s = (double)(al_loop_now(run.loop) - run.t0) / 1e6;
    if (cfg->requests == 0 && !res->refused) res->elapsed_s = (double)cfg->duration_us / 1e6;
    if (cfg->progress) fprintf(stderr, "\r\033[K");
    if (loop_rc < 0 && rc == 0) {
        rc = loop_rc;
        snprintf(res->first_error, sizeof res->first_error, "the loop failed: %s",
                 al_strerror(loop_rc));
    }
    if (res->samples) res->nsamples = (size_t)run.claimed < res->nsamples ? (size_t)run.claimed : res->nsamples;
out:
    if (run.conns) {
        for (int i = 0; i < cfg->connections; i++) {
            close_conn(&run.conns[i]);
            if (run.conns[i].task) al_task_release(run.conns[i].task);
        }
    }
    al_loop_free(run.loop);
    al_trace_close(run.trace);
    free(run.conns);
    return rc;
}
