/* asynclab/http_server.h — an HTTP/1.1 server on an al_loop (uvicorn's job).
 *
 * The server accepts connections, reads and writes them through core's
 * callback watchers (al_io: so it runs on every backend, select to uv) or,
 * on the uring backend, through completion operations the kernel performs
 * (al_op, op.h: no accept/recv/send system call of its own), keeps each
 * connection's deadline on one al_timer, and runs each request's handler as
 * the router says: inline, or as a fiber task (http_router.h).
 *
 *   al_http_server *srv;
 *   al_http_server_options o = {.host = "127.0.0.1", .port = 8000};
 *   al_http_server_new(&srv, loop, router, &o);
 *   al_loop_run(loop);            // until al_http_server_shutdown() and drained
 *   al_http_server_free(srv);
 *
 * Behaviour worth knowing
 *   Accept     up to 64 connections per readiness (uring: 4 accepts kept
 *              in the kernel); on EMFILE/ENFILE (out of
 *              descriptors) accepting pauses for 100 ms, or until one of our
 *              connections closes, instead of spinning on a listening
 *              socket that stays readable.
 *   Timers     one al_timer per connection, armed lazily: the deadline is a
 *              number in the connection and the timer is only moved when it
 *              must fire earlier, so a keep-alive request costs no heap work.
 *   Writes     send()/sendmsg() with MSG_NOSIGNAL: a client that went away
 *              is an EPIPE, never a SIGPIPE, whatever the program's signal
 *              setup.
 *   Shutdown   al_http_server_shutdown(): stop accepting (the listening
 *              socket is closed), close idle connections, let the ones in
 *              progress finish their current request and close. The loop
 *              then runs dry and al_loop_run() returns. Calling it again
 *              closes everything at once (a second Ctrl-C) and cancels
 *              running handlers.
 *   Handlers   a task handler that is cancelled (its client went away, or a
 *              forced shutdown) sees -ECANCELED at its await and should
 *              return promptly; its response is discarded.
 *
 * Contract
 *   Ownership  the server borrows the loop and the router (both must outlive
 *              it). al_http_server_free() closes every descriptor; call it
 *              after al_loop_run() returned (then nothing is in flight).
 *   Errors     al_http_server_new: -EINVAL (bad host/port), the bind/listen
 *              errno (-EADDRINUSE...), -ENOMEM.
 */
#ifndef ASYNCLAB_HTTP_SERVER_H
#define ASYNCLAB_HTTP_SERVER_H

#include <stdint.h>
#include <stdio.h>

#include "http_conn.h"
#include "http_router.h"
#include "loop.h"

typedef struct al_http_server al_http_server;

typedef struct al_http_server_options {
    const char *host;            /* numeric IPv4 address; NULL = "127.0.0.1" */
    int port;                    /* 0 = the kernel picks (al_http_server_port tells) */
    int backlog;                 /* 0 = SOMAXCONN */
    al_http_limits limits;       /* zero fields = defaults */
    size_t stack_size;           /* handler fiber stacks; 0 = the fiber default */
    FILE *access_log;            /* one line per response (uvicorn's format); NULL = none */
    void *app;                   /* handed to handlers as req->app */
} al_http_server_options;

int al_http_server_new(al_http_server **out, al_loop *loop, const al_http_router *router,
                       const al_http_server_options *opts);
void al_http_server_free(al_http_server *server);

int al_http_server_port(const al_http_server *server);
void al_http_server_shutdown(al_http_server *server);

typedef struct al_http_server_stats {
    uint64_t accepted;           /* connections accepted */
    uint64_t open;               /* connections open now */
    uint64_t requests;           /* requests dispatched */
    uint64_t tasks_running;      /* handler tasks alive now */
    uint64_t accept_paused;      /* times accepting paused on EMFILE/ENFILE */
} al_http_server_stats;
void al_http_server_get_stats(const al_http_server *server, al_http_server_stats *out);

#endif
