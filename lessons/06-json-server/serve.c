/* serve.c — lesson 6's command line: what `uvicorn app:app` does for FastAPI.
 *
 * Parse the flags, make a loop (libuv by default, as uvloop under uvicorn),
 * add the routes, listen, print where, run until Ctrl-C. Signals reach the
 * loop the classic way, a self-pipe: the handler only writes a byte, and a
 * watcher on the other end runs the shutdown on the loop's thread, where it
 * is safe to touch the server. The first SIGINT/SIGTERM drains (stop
 * accepting, finish what is in flight, exit 0); a second one cancels what is
 * still running and closes everything.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* RUSAGE_THREAD: the loop thread's own context switches */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "app.h"
#include "asynclab/backend.h"
#include "asynclab/error.h"
#include "asynclab/http_server.h"
#include "asynclab/io.h"
#include "asynclab/loop.h"
#include "asynclab/timer.h"
#include "asynclab/trace.h"

#define DEFAULT_UPSTREAM "http://127.0.0.1:8001/"

static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
    int saved = errno;
    unsigned char c = (unsigned char)sig;
    (void)!write(signal_pipe[1], &c, 1);
    errno = saved;
}

typedef struct serve_state {
    const char *prog;
    al_loop *loop;
    al_http_server *server;
    al_io signals;
    al_timer drain;            /* after a shutdown: watch the server empty out */
    int stopping;
} serve_state;

/* The last line: what was served, and how often the loop's thread blocked
 * with nothing to do (its voluntary context switches). A loop that keeps up
 * with its clients sleeps between their requests; each of those sleeps is a
 * wakeup the next client pays for (tests/bench/README-http.md). */
static void print_summary(const char *prog, serve_state *st) {
    al_http_server_stats s;
    al_http_server_get_stats(st->server, &s);
    struct rusage ru;
    long sleeps = getrusage(RUSAGE_THREAD, &ru) == 0 ? ru.ru_nvcsw : -1;
    printf("%s: stopped: %llu requests on %llu connections, %llu loop iterations, the loop's thread "
           "slept %ld times\n", prog, (unsigned long long)s.requests, (unsigned long long)s.accepted,
           (unsigned long long)al_loop_iterations(st->loop), sleeps);
}

/* Shutting down: once the last connection and handler are gone, stop
 * watching the signal pipe too, and the loop runs dry by itself. */
static void on_drain_check(al_timer *t) {
    serve_state *st = t->data;
    al_http_server_stats s;
    al_http_server_get_stats(st->server, &s);
    if (s.open > 0 || s.tasks_running > 0) return;
    al_timer_stop(t);
    al_io_close(&st->signals);
}

static void on_signals(al_io *io, int events) {
    serve_state *st = io->data;
    (void)events;
    unsigned char sigs[16];
    ssize_t n = read(signal_pipe[0], sigs, sizeof sigs);
    if (n <= 0) return;
    st->stopping += (int)n;
    if (st->stopping == (int)n) {
        printf("%s: shutting down (finishing requests in flight; Ctrl+C again to force)\n", st->prog);
        fflush(stdout);
    }
    for (ssize_t i = 0; i < n; i++) al_http_server_shutdown(st->server);   /* again: force */
    if (!al_timer_is_active(&st->drain)) al_timer_start(&st->drain, on_drain_check, 0, 20000);
}

static int install_signals(serve_state *st) {
    if (pipe(signal_pipe) < 0) return -errno;
    for (int i = 0; i < 2; i++) fcntl(signal_pipe[i], F_SETFD, FD_CLOEXEC);
    fcntl(signal_pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(signal_pipe[1], F_SETFL, O_NONBLOCK);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A client that vanishes mid-write is an EPIPE, not a death. (The core
     * already sends with MSG_NOSIGNAL; this covers everything else.) */
    signal(SIGPIPE, SIG_IGN);
    int rc = al_io_init(st->loop, &st->signals, signal_pipe[0]);
    if (rc == 0) rc = al_io_start(&st->signals, AL_READABLE, on_signals);
    st->signals.data = st;
    return rc;
}

static void usage(FILE *out, const char *prog) {
    fprintf(out,
            "usage: %s [--host H] [--port N] [--backend B] [--access-log]\n"
            "          [--upstream URL] [--upstream-timeout S]\n"
            "       %s --upstream-demo [--port N] [--delay S] [--status N]\n"
            "\n"
            "The article's FastAPI app in C: GET /, /items/{item_id}, /external-api,\n"
            "/sleep?s=1, /blocking?s=1, /offload?s=1. Ctrl+C drains and exits 0.\n"
            "\n"
            "  --host H              address to listen on (default 127.0.0.1)\n"
            "  --port N              port (default 8000; 0 picks a free one and prints it)\n"
            "  --backend B           select, poll, epoll, uv or uring (default $ASYNCLAB_BACKEND,\n"
            "                        else uv: libuv, as uvloop under uvicorn)\n"
            "  --access-log          one line per request on stdout, as uvicorn prints\n"
            "  --upstream URL        what /external-api fetches (http:// only; default\n"
            "                        " DEFAULT_UPSTREAM ", the demo upstream's port)\n"
            "  --upstream-timeout S  give up on the upstream after S seconds: 504 (default 5)\n"
            "  --upstream-demo       be the upstream instead: GET / and /data answer JSON\n"
            "                        after --delay S (default 0) with --status N (default\n"
            "                        200); ?delay=S&status=N override them per request\n"
            "  --header-timeout S    deadline for a request's head (default 10; for tests)\n"
            "  --idle-timeout S      keep-alive idle limit (default 5; for tests)\n"
            "\n"
            "environment: ASYNCLAB_TRACE=FILE writes the loop's timeline (see the viewer).\n",
            prog, prog);
}

/* A number of seconds from a flag, or -1 (after saying why). */
static double parse_seconds(const char *prog, const char *flag, const char *value, double max) {
    char *end;
    double v = value ? strtod(value, &end) : -1;
    if (!value || end == value || *end || !(v > 0) || v > max) {
        fprintf(stderr, "%s: %s expects a number of seconds above 0 and at most %g, not '%s'\n",
                prog, flag, max, value ? value : "");
        return -1;
    }
    return v;
}

static int check_backend(const char *prog, const char *name, const char *source) {
    if (al_backend_find(name)) return 0;
    fprintf(stderr, "%s: unknown backend '%s'%s; choose one of:", prog, name, source);
    for (const char *const *b = al_backend_names; *b; b++) fprintf(stderr, " %s", *b);
    fprintf(stderr, "\n");
    return -1;
}

void json_server_defaults(json_server_opts *o) {
    *o = (json_server_opts){.host = "127.0.0.1", .upstream = DEFAULT_UPSTREAM, .port = 8000,
                            .upstream_timeout = 5, .header_timeout = 10, .idle_timeout = 5,
                            .status = 200};
}

void json_server_usage(FILE *out, const char *prog) { usage(out, prog); }

/* The lesson's own command line, read by hand as a small program would (the
 * `asynclab serve` command reads the same options with the project's shared
 * parser, tui/cli/cmd_serve.c, and calls json_server_run). */
int json_server_main(int argc, char **argv, const char *prog) {
    json_server_opts o;
    json_server_defaults(&o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes_value = 1;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout, prog);
            return 0;
        } else if (strcmp(a, "--host") == 0) {
            if (!v) goto missing;
            o.host = v;
        } else if (strcmp(a, "--port") == 0) {
            char *end;
            o.port = v ? strtol(v, &end, 10) : -1;
            if (!v || end == v || *end || o.port < 0 || o.port > 65535) {
                fprintf(stderr, "%s: --port expects a number from 0 to 65535, not '%s'\n", prog, v ? v : "");
                return 2;
            }
        } else if (strcmp(a, "--backend") == 0) {
            if (!v) goto missing;
            o.backend = v;
        } else if (strcmp(a, "--upstream") == 0) {
            if (!v) goto missing;
            o.upstream = v;
        } else if (strcmp(a, "--upstream-timeout") == 0) {
            if ((o.upstream_timeout = parse_seconds(prog, a, v, 3600)) < 0) return 2;
        } else if (strcmp(a, "--header-timeout") == 0) {
            if ((o.header_timeout = parse_seconds(prog, a, v, 3600)) < 0) return 2;
        } else if (strcmp(a, "--idle-timeout") == 0) {
            if ((o.idle_timeout = parse_seconds(prog, a, v, 3600)) < 0) return 2;
        } else if (strcmp(a, "--delay") == 0) {
            char *end;
            o.delay = v ? strtod(v, &end) : -1;
            if (!v || end == v || *end || !(o.delay >= 0) || o.delay > 3600) {
                fprintf(stderr, "%s: --delay expects seconds from 0 to 3600, not '%s'\n", prog, v ? v : "");
                return 2;
            }
        } else if (strcmp(a, "--status") == 0) {
            char *end;
            o.status = v ? strtol(v, &end, 10) : -1;
            if (!v || end == v || *end || o.status < 200 || o.status > 599) {
                fprintf(stderr, "%s: --status expects an HTTP status from 200 to 599, not '%s'\n", prog, v ? v : "");
                return 2;
            }
        } else if (strcmp(a, "--access-log") == 0) {
            o.access_log = 1;
            takes_value = 0;
        } else if (strcmp(a, "--upstream-demo") == 0) {
            o.demo = 1;
            takes_value = 0;
        } else {
            fprintf(stderr, "%s: unknown option '%s' (see --help)\n", prog, a);
            return 2;
        }
        i += takes_value;
        continue;
    missing:
        fprintf(stderr, "%s: %s needs a value (see --help)\n", prog, a);
        return 2;
    }
    return json_server_run(&o, prog);
}

/* Everything after the command line: the backend, the upstream, the loop,
 * the routes, the server, the signals; run until drained. */
int json_server_run(const json_server_opts *o, const char *prog) {
    const char *backend = o->backend, *host = o->host, *upstream = o->upstream;
    long port = o->port, status = o->status;
    int access_log = o->access_log, demo = o->demo;
    double upstream_timeout = o->upstream_timeout, delay = o->delay;
    double header_timeout = o->header_timeout, idle_timeout = o->idle_timeout;
    if (backend && check_backend(prog, backend, "") < 0) return 2;
    if (!backend) {
        const char *env = getenv("ASYNCLAB_BACKEND");
        if (env && *env && check_backend(prog, env, " (from $ASYNCLAB_BACKEND)") < 0) return 2;
        backend = env && *env ? env : "uv";
    }

    app_config cfg = {.prog = prog, .upstream_timeout_us = (int64_t)(upstream_timeout * 1e6),
                      .demo_delay_us = (int64_t)(delay * 1e6), .demo_status = (int)status};
    if (!demo) {
        int rc = al_http_url_parse(&cfg.upstream, upstream);
        if (rc < 0) {
            fprintf(stderr, "%s: --upstream %s: %s\n", prog, upstream, al_http_url_error(rc));
            return 2;
        }
    }

    serve_state st = {.prog = prog};
    al_loop_options lo = {.backend = backend};
    int rc = al_loop_new(&st.loop, &lo);
    if (rc < 0) {
        fprintf(stderr, "%s: cannot create the loop: %s\n", prog, al_loop_backend_error(rc));
        return 1;
    }
    al_http_router *router = NULL;
    rc = al_http_router_new(&router);
    if (rc == 0) rc = demo ? app_add_upstream_demo_routes(router) : app_add_routes(router);
    al_http_server_options so = {
        .host = host, .port = (int)port, .app = &cfg, .access_log = access_log ? stdout : NULL,
        .limits = {.header_timeout_us = (int64_t)(header_timeout * 1e6),
                   .idle_timeout_us = (int64_t)(idle_timeout * 1e6)},
    };
    if (rc == 0) {
        rc = al_http_server_new(&st.server, st.loop, router, &so);
        if (rc < 0)
        {
            char msg[300];
            al_listen_error(msg, sizeof msg, host, (int)port, rc, 1);
            fprintf(stderr, "%s: %s\n", prog, msg);
        }
    }
    if (rc == 0) {
        al_timer_init(st.loop, &st.drain);
        st.drain.data = &st;
        rc = install_signals(&st);
    }
    if (rc == 0) {
        /* uvicorn: "Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)" */
        printf("%s: %s running on http://%s:%d (backend %s; press Ctrl+C to quit)\n", prog,
               demo ? "demo upstream" : "JSON server", host, al_http_server_port(st.server),
               al_loop_backend_name(st.loop));
        fflush(stdout);
        rc = al_loop_run(st.loop);
        if (rc < 0) fprintf(stderr, "%s: the loop failed: %s\n", prog, al_strerror(rc));
        else print_summary(prog, &st);
    }
    al_http_server_free(st.server);
    al_http_router_free(router);
    al_loop_free(st.loop);
    for (int i = 0; i < 2; i++)
        if (signal_pipe[i] >= 0) close(signal_pipe[i]);
    return rc < 0 ? 1 : 0;
}
