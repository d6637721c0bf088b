/* app.h — lesson 6's JSON server: the pieces its files share.
 *
 *   app.c      the endpoints: the article's FastAPI examples as C handlers
 *   offload.c  run a blocking call on a thread pool and await it
 *   serve.c    the command line, signals, start-up and shutdown
 *
 * The same files are the lesson's `json_server` program and `asynclab serve`
 * (tui/cmd_serve.c compiles them in), so there is one server, not two. */
#ifndef LESSON06_APP_H
#define LESSON06_APP_H

#include <stdint.h>

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

/* serve.c: the whole program; prog names it in messages ("asynclab serve"). */
int json_server_main(int argc, char **argv, const char *prog);

#endif
