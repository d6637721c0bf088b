/* asynclab/http_conn.h — one HTTP/1.1 connection as a state machine, without sockets.
 *
 * Bytes go in (al_http_conn_input), requests come out (ops->dispatch),
 * responses go out as bytes (ops->write). The connection never touches a
 * descriptor, a timer or a task: its driver does (http_server.c with real
 * sockets, the fuzzer and the unit tests with a fake writer), and asks after
 * every call what the connection wants now: to read, to write, to be closed,
 * and by when (al_http_conn_wants, al_http_conn_deadline). That split is
 * what lets tests/fuzz drive every state with arbitrary byte streams.
 *
 *   idle ──bytes──► head ──► body ──► dispatched ──response──► idle ...
 *     │               │        │          │
 *   idle timeout    408      413/400    the handler may finish later
 *   (silent close)  (head deadline)      (al_http_conn_respond)
 *
 * Rules it keeps (RFC 9112, and what uvicorn/nginx do):
 *   - one request is handled at a time; pipelined requests wait in the input
 *     buffer and are answered in order. Responses produced in one go (inline
 *     handlers, a pipelined batch) are written with one write call;
 *   - keep-alive by default on HTTP/1.1, close on HTTP/1.0 unless asked;
 *     "Connection: close" is honoured and echoed; a connection closes after
 *     limits.max_requests requests;
 *   - every error answer has a JSON body {"detail": "..."}; after one where
 *     the framing of what follows is in doubt (400, 408, 413, 414, 431) the
 *     connection is closed;
 *   - memory is bounded: the input buffer starts at 1 KiB inside the
 *     connection (nginx's client_header_buffer_size) and grows only for a
 *     large head, up to the head limits; the body is buffered up to
 *     limits.max_body; when more than limits.max_output bytes of responses
 *     wait for a client that does not read, no further request is handled,
 *     so the input buffer fills and reading stops (TCP pushes back).
 *   - the peer going away (EOF or an error) while a handler runs aborts the
 *     request (ops->abort; nginx's rule "client closed the connection"): the
 *     handler should be cancelled, and its response is discarded.
 *
 * Contract
 *   Ownership  al_http_conn_new allocates; al_http_conn_free releases the
 *              connection and whatever it buffers. `ops` and `limits` are
 *              copied. The driver owns the descriptor.
 *   Pending    while a dispatch is pending the request and response stay
 *              valid and the connection must not be freed... unless the
 *              driver also makes sure the handler never touches them again
 *              (the server frees connections only when no handler runs).
 *   Time       `now` is µs on the driver's clock (the loop's); deadlines are
 *              absolute on the same clock.
 *   Errors     negative errno from al_http_conn_new (-ENOMEM, -EINVAL);
 *              everything else reports through al_http_conn_wants().
 */
#ifndef ASYNCLAB_HTTP_CONN_H
#define ASYNCLAB_HTTP_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "http.h"

typedef struct al_http_conn al_http_conn;

/* Limits; a field left 0 takes the default in brackets. */
typedef struct al_http_limits {
    size_t max_request_line;     /* [8 KiB]  longer request target: 414 */
    size_t max_header_bytes;     /* [8 KiB]  header block: 431 */
    size_t max_headers;          /* [100]    header lines: 431 */
    size_t max_body;             /* [1 MiB]  body: 413 */
    size_t max_output;           /* [64 KiB] unsent response bytes before request handling pauses */
    unsigned max_requests;       /* [1000]   per connection (nginx's keepalive_requests) */
    int64_t header_timeout_us;   /* [10 s]   absolute deadline for a request's head and body: 408 */
    int64_t idle_timeout_us;     /* [5 s]    keep-alive connection with no request: closed */
    int64_t send_timeout_us;     /* [10 s]   no write progress while output waits: closed */
    int64_t linger_us;           /* [2 s]    after an error answer, input read and dropped this long */
} al_http_limits;

/* Fill the zero fields of *limits with the defaults. */
void al_http_limits_default(al_http_limits *limits);

enum {
    AL_HTTP_DONE = 0,            /* dispatch: the response is filled in */
    AL_HTTP_PENDING = 1          /* dispatch: a handler is running; al_http_conn_respond() later */
};

typedef struct al_http_conn_ops {
    /* Write some of iov[0..iovcnt): return the bytes taken (may be fewer),
     * -EAGAIN if none can be taken now, or another negative errno: the
     * connection is broken (it closes without further writes). */
    ssize_t (*write)(void *ctx, const struct iovec *iov, int iovcnt);
    /* A complete request: fill res and return AL_HTTP_DONE, or return
     * AL_HTTP_PENDING and call al_http_conn_respond() when res is filled. */
    int (*dispatch)(void *ctx, al_http_request *req, al_http_response *res);
    /* Optional: the pending request is abandoned (the peer went away): stop
     * the handler; al_http_conn_respond() must still be called when it has
     * stopped. */
    void (*abort)(void *ctx);
    /* Optional: a response went out (or was given up): the access log. */
    void (*log)(void *ctx, const al_http_request *req, const al_http_response *res);
    /* The Date header's value, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". */
    const char *(*date)(void *ctx);
} al_http_conn_ops;

int al_http_conn_new(al_http_conn **out, const al_http_conn_ops *ops, void *ctx,
                     const al_http_limits *limits, const char *peer, int64_t now);
void al_http_conn_free(al_http_conn *conn);

/* Where the driver may put input bytes: *len bytes at *buf. *len == 0 means
 * "do not read now" (see al_http_conn_wants). */
void al_http_conn_input_space(al_http_conn *conn, char **buf, size_t *len);
/* n bytes were put there (n == 0: end of stream; n < 0: a read error, the
 * connection is broken). Parses, dispatches, writes. */
void al_http_conn_input(al_http_conn *conn, ssize_t n, int64_t now);
/* The writer can take more: flush, and go on with waiting requests. */
void al_http_conn_writable(al_http_conn *conn, int64_t now);
/* The pending dispatch's response is filled in. */
void al_http_conn_respond(al_http_conn *conn, int64_t now);
/* The deadline (al_http_conn_deadline) has come: 408, or close. */
void al_http_conn_timeout(al_http_conn *conn, int64_t now);
/* Graceful shutdown: finish what is in progress, then close; an idle
 * connection closes at once. */
void al_http_conn_shutdown(al_http_conn *conn, int64_t now);

enum {
    AL_HTTP_WANT_READ = 1,       /* input space is available: read when readable */
    AL_HTTP_WANT_WRITE = 2,      /* output waits: call writable() when writable */
    AL_HTTP_WANT_CLOSE = 4,      /* done: close the descriptor and free */
    AL_HTTP_WANT_SHUTDOWN_WRITE = 8, /* lingering: shut down the write side now, keep reading */
    AL_HTTP_HANDLING = 16        /* a dispatch is pending */
};
int al_http_conn_wants(const al_http_conn *conn);
/* When al_http_conn_timeout() is due, or INT64_MAX for never. */
int64_t al_http_conn_deadline(const al_http_conn *conn);

/* Counters, for tests and the fuzzer. */
typedef struct al_http_conn_stats {
    uint64_t requests;           /* complete requests parsed */
    uint64_t responses;          /* responses queued for writing */
    uint64_t bytes_out;          /* written through ops->write */
} al_http_conn_stats;
void al_http_conn_get_stats(const al_http_conn *conn, al_http_conn_stats *out);

#endif
