/* http_conn.c — one HTTP/1.1 connection as a state machine (see asynclab/http_conn.h).
 *
 * Phases, and what moves a connection from one to the next:
 *
 *   IDLE      between requests (keep-alive). Deadline: idle timeout, then a
 *             silent close.
 *   READING   the parser has started a request: head, then body. Deadline:
 *             the head deadline (absolute from the first byte), then 408.
 *   HANDLING  a complete request went to ops->dispatch, which is still
 *             running a handler. No deadline of ours: the handler has its
 *             own. Bytes that arrive meanwhile wait in the input buffer.
 *   CLOSING   the last response is queued; once written, LINGER.
 *   LINGER    our side is shut down for writing; input is read and dropped
 *             until the peer closes or a short deadline passes. Closing with
 *             unread input would make the kernel send a reset, and a reset
 *             can destroy the response the client has not read yet (the
 *             413 a client gets before it finished sending its body).
 *   CLOSED    the driver should close the descriptor and free us.
 *
 * Output waits in one buffer; everything produced in one call (a pipelined
 * batch) leaves in one write. While output waits, the deadline is the send
 * timeout: a client that stops reading is dropped, not buffered forever.
 */
#include "http_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INLINE_INPUT 1024          /* nginx's client_header_buffer_size */
#define KEEP_OUTPUT_CAP (64 * 1024)

enum { CONN_IDLE, CONN_READING, CONN_HANDLING, CONN_CLOSING, CONN_LINGER, CONN_CLOSED };

struct al_http_conn {
    al_http_conn_ops ops;
    void *ctx;
    al_http_limits limits;
    http_parser parser;

    char *in;                      /* inline_in, or malloc'd while a head is large */
    size_t in_cap, in_len;         /* bytes held */
    size_t parsed;                 /* bytes the parser has consumed */
    size_t max_in;

    http_buf out;
    size_t out_sent;

    int phase;
    int keep_alive, head_only;
    int peer_eof, aborted, shutting_down, sent_continue;
    unsigned requests;
    int64_t request_start, last_activity, last_progress, linger_start;

    al_http_request req;
    al_http_response res;
    al_http_header *headers;       /* inline_headers, or malloc'd past HTTP_INLINE_HEADERS */
    size_t headers_cap;
    al_http_conn_stats stats;
    char peer[64];
    al_http_header inline_headers[HTTP_INLINE_HEADERS];
    char inline_in[INLINE_INPUT];
};

void al_http_limits_default(al_http_limits *l) {
    if (!l->max_request_line) l->max_request_line = 8 * 1024;
    if (!l->max_header_bytes) l->max_header_bytes = 8 * 1024;
    if (!l->max_headers) l->max_headers = 100;
    if (!l->max_body) l->max_body = 1024 * 1024;
    if (!l->max_output) l->max_output = 64 * 1024;
    if (!l->max_requests) l->max_requests = 1000;
    if (!l->header_timeout_us) l->header_timeout_us = 10 * 1000000LL;
    if (!l->idle_timeout_us) l->idle_timeout_us = 5 * 1000000LL;
    if (!l->send_timeout_us) l->send_timeout_us = 10 * 1000000LL;
    if (!l->linger_us) l->linger_us = 2 * 1000000LL;
}

int al_http_conn_new(al_http_conn **out, const al_http_conn_ops *ops, void *ctx,
                     const al_http_limits *limits, const char *peer, int64_t now) {
    if (!out || !ops || !ops->write || !ops->dispatch) return -EINVAL;
    *out = NULL;
    al_http_conn *c = malloc(sizeof *c);
    if (!c) return -ENOMEM;
    /* Not calloc: the 1 KiB inline buffer need not be zeroed (nor touched,
     * which keeps an idle connection's memory small). */
    memset(c, 0, offsetof(al_http_conn, inline_headers));
    c->ops = *ops;
    c->ctx = ctx;
    if (limits) c->limits = *limits;
    al_http_limits_default(&c->limits);
    http_parser_init(&c->parser, &c->limits);
    c->in = c->inline_in;
    c->in_cap = INLINE_INPUT;
    c->max_in = c->limits.max_request_line + c->limits.max_header_bytes + 1024;
    c->headers = c->inline_headers;
    c->headers_cap = HTTP_INLINE_HEADERS;
    c->phase = CONN_IDLE;
    c->last_activity = c->last_progress = now;
    snprintf(c->peer, sizeof c->peer, "%s", peer ? peer : "-");
    *out = c;
    return 0;
}

void al_http_conn_free(al_http_conn *c) {
    if (!c) return;
    http_parser_free(&c->parser);
    if (c->in != c->inline_in) free(c->in);
    if (c->headers != c->inline_headers) free(c->headers);
    al_http_response_reset(&c->res);
    http_buf_free(&c->out);
    free(c);
}

/* ---- output --------------------------------------------------------------- */

static int output_waiting(const al_http_conn *c) { return c->out_sent < c->out.len; }

static void set_closed(al_http_conn *c) {
    c->phase = CONN_CLOSED;
    c->out.len = c->out_sent = 0;
}

/* The peer is gone (EOF, reset, failed write). A running handler is told to
 * stop; the connection is closed once it has. */
static void peer_gone(al_http_conn *c) {
    if (c->phase == CONN_HANDLING) {
        if (!c->aborted) {
            c->aborted = 1;
            if (c->ops.abort) c->ops.abort(c->ctx);
        }
        c->out.len = c->out_sent = 0;
        return;
    }
    set_closed(c);
}

static void flush(al_http_conn *c, int64_t now) {
    while (output_waiting(c)) {
        struct iovec iov = {c->out.data + c->out_sent, c->out.len - c->out_sent};
        ssize_t n = c->ops.write(c->ctx, &iov, 1);
        if (n == -EAGAIN) break;
        if (n <= 0) {
            peer_gone(c);
            return;
        }
        c->out_sent += (size_t)n;
        c->stats.bytes_out += (uint64_t)n;
        c->last_progress = now;
    }
    if (output_waiting(c)) return;
    c->out.len = c->out_sent = 0;
    if (c->shutting_down && c->phase == CONN_IDLE && c->parser.state == HP_IDLE &&
        c->parsed == c->in_len) {
        set_closed(c);
        return;
    }
    if (c->out.cap > KEEP_OUTPUT_CAP) http_buf_free(&c->out);   /* one big answer: give it back */
    if (c->phase == CONN_CLOSING) {
        if (c->peer_eof) {
            set_closed(c);
        } else {
            c->phase = CONN_LINGER;
            c->linger_start = now;
            c->in_len = c->parsed = 0;
        }
    }
}

/* Queue c->res for the current request and get ready for the next. */
static void finish_response(al_http_conn *c, int64_t now) {
    al_http_response *res = &c->res;
    if (res->status == 0) al_http_respond_error(res, 500, "Internal Server Error");
    if (res->close || c->shutting_down) c->keep_alive = 0;
    const char *date = c->ops.date ? c->ops.date(c->ctx) : NULL;
    if (http_response_write(&c->out, res, date, c->keep_alive, c->req.version_minor, c->head_only) < 0) {
        c->keep_alive = 0;   /* out of memory: the client gets nothing, and a close */
    } else {
        c->stats.responses++;
    }
    if (c->ops.log) c->ops.log(c->ctx, &c->req, res);
    al_http_response_reset(res);
    res->status = 0;
    res->close = 0;
    http_parser_next(&c->parser);
    c->sent_continue = 0;
    c->phase = c->keep_alive ? CONN_IDLE : CONN_CLOSING;
    c->last_activity = now;
}

/* An error found by the parser (or a deadline): answer it and close. */
static void fail_request(al_http_conn *c, int status, const char *detail, int64_t now) {
    memset(&c->req, 0, sizeof c->req);
    c->req.peer = c->peer;
    al_http_respond_error(&c->res, status, detail);
    c->keep_alive = 0;
    c->head_only = 0;
    finish_response(c, now);
}

/* ---- input ---------------------------------------------------------------- */

static int ensure_headers(al_http_conn *c, size_t n) {
    if (n <= c->headers_cap) return 0;
    al_http_header *h = malloc(n * sizeof *h);
    if (!h) return -ENOMEM;
    if (c->headers != c->inline_headers) free(c->headers);
    c->headers = h;
    c->headers_cap = n;
    return 0;
}

/* A complete request is in the parser: build it and hand it over. */
static void dispatch(al_http_conn *c, int64_t now) {
    http_parser *p = &c->parser;
    c->stats.requests++;
    c->requests++;
    memset(&c->req, 0, sizeof c->req);
    c->req.peer = c->peer;
    if (ensure_headers(c, p->nhdrs) < 0) {
        fail_request(c, 500, "Internal Server Error", now);
        return;
    }
    if (http_parser_build(p, c->in, &c->req, c->headers) != 0) {
        fail_request(c, 400, "Invalid request target", now);
        return;
    }
    c->keep_alive = http_parser_keep_alive(p) && c->requests < c->limits.max_requests &&
                    !c->shutting_down;
    c->head_only = strcmp(c->req.method, "HEAD") == 0;
    c->aborted = 0;
    int rc = c->ops.dispatch(c->ctx, &c->req, &c->res);
    if (rc == AL_HTTP_PENDING) {
        c->phase = CONN_HANDLING;
        return;
    }
    finish_response(c, now);
}

/* Parse and answer what the input buffer holds, as far as we may. */
static void process(al_http_conn *c, int64_t now) {
    http_parser *p = &c->parser;
    while (c->phase == CONN_IDLE || c->phase == CONN_READING) {
        /* A client that does not read its answers gets no new ones. */
        if (c->out.len - c->out_sent > c->limits.max_output) break;
        size_t used;
        int rc = http_parser_execute(p, c->in, c->parsed, c->in_len, &used);
        if (p->state != HP_IDLE && c->phase == CONN_IDLE) {
            c->phase = CONN_READING;
            c->request_start = now;
        }
        c->parsed = used;
        if (rc == HP_ERROR) {
            fail_request(c, p->error_status, p->error_detail, now);
            break;
        }
        if (rc == HP_MESSAGE) {
            dispatch(c, now);
            continue;
        }
        /* HP_MORE: everything is parsed; wait for more bytes. */
        if (p->state == HP_BODY) {
            if (p->expect_continue && !c->sent_continue && p->ll.http_minor == 1) {
                c->sent_continue = 1;
                http_response_continue(&c->out);
            }
            /* Streamed body bytes are copied out: keep only the head. */
            if (c->in_len > p->keep_end) c->in_len = c->parsed = p->keep_end;
        } else if (p->state == HP_HEAD && c->in_len >= c->max_in) {
            fail_request(c, 431, "Request Header Fields Too Large", now);
        }
        break;
    }
    flush(c, now);
}

void al_http_conn_input_space(al_http_conn *c, char **buf, size_t *len) {
    *buf = NULL;
    *len = 0;
    if (c->phase == CONN_CLOSED || c->phase == CONN_CLOSING || c->peer_eof) return;
    if (c->phase == CONN_LINGER) {   /* read to drop */
        c->in_len = c->parsed = 0;
        *buf = c->in;
        *len = c->in_cap;
        return;
    }
    http_parser *p = &c->parser;
    if (c->phase != CONN_HANDLING && p->state == HP_IDLE && c->parsed > 0) {
        /* Between requests: move what is left (pipelined bytes) to the
         * front, back into the inline buffer if it fits. */
        size_t left = c->in_len - c->parsed;
        if (c->in != c->inline_in && left <= INLINE_INPUT) {
            memcpy(c->inline_in, c->in + c->parsed, left);
            free(c->in);
            c->in = c->inline_in;
            c->in_cap = INLINE_INPUT;
        } else {
            memmove(c->in, c->in + c->parsed, left);
        }
        c->in_len = left;
        c->parsed = 0;
    }
    if (c->in_len == c->in_cap && c->phase != CONN_HANDLING && c->in_cap < c->max_in) {
        /* A head larger than the inline buffer: grow, up to the limits. */
        size_t cap = c->in_cap * 4 < c->max_in ? c->in_cap * 4 : c->max_in;
        char *b = malloc(cap);
        if (b) {
            memcpy(b, c->in, c->in_len);
            if (c->in != c->inline_in) free(c->in);
            c->in = b;
            c->in_cap = cap;
        }
    }
    *buf = c->in + c->in_len;
    *len = c->in_cap - c->in_len;
}

void al_http_conn_input(al_http_conn *c, ssize_t n, int64_t now) {
    if (c->phase == CONN_CLOSED) return;
    if (n < 0) {
        peer_gone(c);
        return;
    }
    if (n == 0) {
        /* End of stream. The client is gone (nginx's rule): a running
         * handler is aborted, whatever it still had queued is dropped. */
        c->peer_eof = 1;
        peer_gone(c);
        return;
    }
    c->last_activity = now;
    if (c->phase == CONN_LINGER) {
        c->in_len = c->parsed = 0;   /* dropped */
        return;
    }
    c->in_len += (size_t)n;
    if (c->phase == CONN_HANDLING || c->phase == CONN_CLOSING) return;   /* kept for later */
    process(c, now);
}

void al_http_conn_writable(al_http_conn *c, int64_t now) {
    if (c->phase == CONN_CLOSED) return;
    flush(c, now);
    if (c->phase == CONN_IDLE || c->phase == CONN_READING) process(c, now);
}

void al_http_conn_respond(al_http_conn *c, int64_t now) {
    if (c->phase != CONN_HANDLING) return;
    if (c->aborted) {
        if (c->ops.log) c->ops.log(c->ctx, &c->req, NULL);
        al_http_response_reset(&c->res);
        c->res.status = 0;
        set_closed(c);
        return;
    }
    finish_response(c, now);
    process(c, now);
}

void al_http_conn_timeout(al_http_conn *c, int64_t now) {
    if (now < al_http_conn_deadline(c)) return;
    if (output_waiting(c)) {
        peer_gone(c);                /* sent nothing for send_timeout: drop it */
        return;
    }
    switch (c->phase) {
    case CONN_READING:
        fail_request(c, 408, "Request Timeout", now);
        flush(c, now);
        break;
    case CONN_IDLE:
    case CONN_LINGER:
        set_closed(c);
        break;
    default:
        break;
    }
}

void al_http_conn_shutdown(al_http_conn *c, int64_t now) {
    c->shutting_down = 1;
    if (c->phase == CONN_IDLE && c->parser.state == HP_IDLE && !output_waiting(c)) set_closed(c);
    (void)now;
}

/* ---- what the driver should do --------------------------------------------- */

int al_http_conn_wants(const al_http_conn *c) {
    if (c->phase == CONN_CLOSED) return AL_HTTP_WANT_CLOSE;
    int w = 0;
    if (output_waiting(c)) w |= AL_HTTP_WANT_WRITE;
    if (c->phase == CONN_HANDLING) w |= AL_HTTP_HANDLING;
    if (c->phase == CONN_LINGER) return w | AL_HTTP_WANT_READ | AL_HTTP_WANT_SHUTDOWN_WRITE;
    if (c->phase == CONN_CLOSING || c->peer_eof) return w;
    /* Room in the buffer (or room it can make) means: read. */
    int room = c->in_len < c->in_cap ||
               (c->phase != CONN_HANDLING &&
                ((c->parser.state == HP_IDLE && c->parsed > 0) || c->in_cap < c->max_in));
    if (room) w |= AL_HTTP_WANT_READ;
    return w;
}

int64_t al_http_conn_deadline(const al_http_conn *c) {
    switch (c->phase) {
    case CONN_CLOSED: return INT64_MAX;
    default: break;
    }
    if (output_waiting(c)) return c->last_progress + c->limits.send_timeout_us;
    switch (c->phase) {
    case CONN_IDLE: return c->last_activity + c->limits.idle_timeout_us;
    case CONN_READING: return c->request_start + c->limits.header_timeout_us;
    case CONN_LINGER: return c->linger_start + c->limits.linger_us;
    default: return INT64_MAX;
    }
}

void al_http_conn_get_stats(const al_http_conn *c, al_http_conn_stats *out) { *out = c->stats; }
