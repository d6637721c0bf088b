/* dns.c — lesson 6: resolving a host name blocks the loop.
 *
 * getaddrinfo() is a blocking call: it reads /etc/hosts, and for a name not
 * in it asks a DNS server and waits (seconds, when the server is slow or
 * gone). There is no "readable" to await in the middle of it. The lab's HTTP
 * client resolves a name once, in al_http_url_parse(), at start-up, for
 * this reason. Inside a running server, resolving must go to a thread (what
 * asyncio's loop.getaddrinfo() does, and libuv's uv_getaddrinfo).
 *
 * Two tasks share the loop:
 *   "ticker"   wakes every 10 ms and records the longest gap between ticks;
 *   "resolve"  after 50 ms, parses http://localhost:8000/ with the HTTP
 *              client's al_http_url_parse (getaddrinfo on "localhost",
 *              answered from /etc/hosts: no network is used), either
 *              inline, on the loop's thread, or with --offload on a worker
 *              thread (offload.c) while the task awaits it.
 *
 *   --slow-dns S  stands in for a slow DNS server: the lookup sleeps S
 *                 seconds first (simulated, and said so: the lab has no
 *                 network to be slow on)
 *   --offload     resolve on a worker thread
 *   --backend B   the loop's backend (uv uses libuv's thread pool)
 *
 * Inline, the ticker stops for as long as the lookup takes; offloaded, it
 * keeps ticking. With ASYNCLAB_TRACE=file the timeline shows which.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "asynclab.h"

static struct { int offload; int64_t slow_us; const char *backend; } opt;
static int resolved;           /* the ticker runs until the lookup is done */

/* The lookup, as a function of one pointer-sized argument so that it can be
 * called inline or handed to a worker thread. */
struct lookup { al_http_url *url; int rc; int64_t took_us; };

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void lookup(void *arg) {
    struct lookup *l = *(struct lookup **)arg;
    int64_t start = now_us();
    if (opt.slow_us > 0) {   /* simulated slow resolver */
        struct timespec d = {(time_t)(opt.slow_us / 1000000), (long)(opt.slow_us % 1000000) * 1000};
        while (nanosleep(&d, &d) < 0 && errno == EINTR) {}
    }
    l->rc = al_http_url_parse(l->url, "http://localhost:8000/");   /* getaddrinfo("localhost") */
    l->took_us = now_us() - start;
}

static int resolve_task(void *arg, intptr_t *result) {
    al_loop *loop = arg;
    al_http_url url;
    struct lookup l = {.url = &url}, *lp = &l;
    (void)result;
    int rc = al_sleep(50000);   /* let the ticker get going */
    if (rc < 0) return rc;
    if (opt.offload)
        rc = app_run_in_threadpool(lookup, &lp, sizeof lp);   /* await the worker */
    else
        lookup(&lp);                                         /* the loop's thread blocks here */
    resolved = 1;
    if (rc < 0) return rc;
    if (l.rc < 0) {
        al_printf(loop, "resolve: localhost: %s", al_http_url_error(l.rc));
        return l.rc;
    }
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &url.addr.sin_addr, ip, sizeof ip);
    al_printf(loop, "resolve: localhost -> %s, the lookup took %.1f ms (%s)", ip, l.took_us / 1e3,
              opt.offload ? "on a worker thread: the loop went on" : "inline: the loop waited");
    return 0;
}

static int ticker_task(void *arg, intptr_t *result) {
    al_loop *loop = arg;
    int64_t last = al_loop_now(loop), longest = 0;
    int ticks = 0;
    (void)result;
    while (!resolved || ticks < 10) {
        int rc = al_sleep(10000);
        if (rc < 0) return rc;
        int64_t t = al_loop_now(loop);
        if (t - last > longest) longest = t - last;
        last = t, ticks++;
    }
    al_printf(loop, "ticker: %d ticks every 10 ms; the longest gap between two was %.1f ms", ticks, longest / 1e3);
    return 0;
}

static int parse_args(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--offload") == 0) {
            opt.offload = 1;
        } else if (strcmp(argv[i], "--slow-dns") == 0 && i + 1 < argc) {
            double s = strtod(argv[++i], &end);
            if (*end || end == argv[i] || !(s >= 0 && s <= 10)) {
                fprintf(stderr, "dns: --slow-dns wants seconds from 0 to 10, got '%s'\n", argv[i]);
                return 2;
            }
            opt.slow_us = llround(s * 1e6);
        } else if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc) {
            opt.backend = argv[++i];
        } else {
            fprintf(stderr, "dns: unknown or incomplete option '%s'\n"
                            "usage: dns [--offload] [--slow-dns S] [--backend select|poll|epoll|uv|uring]\n", argv[i]);
            return strcmp(argv[i], "--help") == 0 ? 1 : 2;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    int rc = parse_args(argc, argv);
    if (rc) return rc == 1 ? 0 : 2;
    al_loop_options lo = {.backend = opt.backend};
    al_loop *loop;
    rc = al_loop_new(&loop, &lo);
    if (rc < 0) {
        fprintf(stderr, "dns: cannot create the loop: %s\n", al_loop_backend_error(rc));
        return 2;
    }
    al_task *ticker, *resolver;
    rc = al_task_create_fiber(loop, &ticker, "ticker", ticker_task, loop, 0);
    if (rc == 0) {
        rc = al_task_create_fiber(loop, &resolver, "resolve", resolve_task, loop, 0);
        if (rc == 0) {
            int r1 = al_loop_run_until_complete(loop, resolver);
            rc = al_loop_run_until_complete(loop, ticker);
            if (r1 < 0) rc = r1;
            al_task_release(resolver);
        }
        al_task_release(ticker);
    }
    if (rc < 0) fprintf(stderr, "dns: %s\n", al_strerror(rc));
    al_loop_free(loop);
    return rc < 0 ? 1 : 0;
}
