/* app.h — lesson 6's JSON server: the pieces its files share.
 *
 *   app.c      the endpoints: the article's FastAPI examples as C handlers
 *   offload.c  run a blocking call on a thread pool and await it
 *   serve.c    the command line, signals, start-up and shutdown
 *
 * The same files are the lesson's `json_server` program and `asynclab serve`
 * (tui/cli/cmd_serve.c compiles them in), so there is one server, not two. */
#ifndef LESSON06_APP_H
#define LESSON06_APP_H

#include <stdint.h>
#include <stdio.h>

#include "asynclab/http_client.h"
#include "asynclab/http_router.h"

/* What the endpoints need to know, set from the command line. */
typedef struct app_config {
    al_http_url upstream;        /* /external-api fetches this */
    const char *prog;            /* the program's name, for its log ("asynclab serve") */
    int64_t upstream_timeout_us;
    /* --upstream-demo: the stand-in for the article's remote API */
    int64_t demo_delay_us;
    int demo_status;
} app_config;

/* Add the lesson's routes (or the demo upstream's) to a router. */
int app_add_routes(al_http_router *router);
int app_add_upstream_demo_routes(al_http_router *router);

/* offload.c: run fn(arg) on a worker thread; the calling fiber task awaits
 * it. libuv's thread pool (uv_queue_work) when the loop runs on the uv
 * backend, else a thread of its own that wakes the loop through a pipe.
 * Returns 0, -ECANCELED (fn still finishes, on its thread, and the result is
 * dropped), -EPERM outside a task, or a creation error. */
int app_run_in_threadpool(void (*fn)(void *arg), void *arg, size_t arg_size);

/* serve.c: the server's command-line options, as the lesson's program and
 * `asynclab serve` both take them (json_server_usage prints them). */
typedef struct json_server_opts {
    const char *host, *backend, *upstream;   /* backend NULL: $ASYNCLAB_BACKEND, else uv */
    long port;                               /* 0 to 65535 (0: any free one) */
    int access_log, demo;                    /* --access-log, --upstream-demo */
    double upstream_timeout, header_timeout, idle_timeout;   /* seconds, > 0 */
    double delay;                            /* the demo's, seconds, >= 0 */
    long status;                             /* the demo's, 200 to 599 */
} json_server_opts;
void json_server_defaults(json_server_opts *o);
void json_server_usage(FILE *out, const char *prog);
/* Run the server with o until drained; the exit status (0, 1, 2 for a bad
 * backend or upstream). prog names it in messages ("asynclab serve"). */
int json_server_run(const json_server_opts *o, const char *prog);
/* The lesson's program: its own command line, then json_server_run. */
int json_server_main(int argc, char **argv, const char *prog);

#endif
