/* test_http_client.c — al_http_get against a server on the same loop, on
 * every backend (AL_TEST_PER_BACKEND): an answer, a timeout, a refused
 * connection, a caller cancelled mid-call (the child task and its socket go
 * too: LeakSanitizer checks the rest at exit), answers from a hand-written
 * upstream (interim 1xx read past, 101 and garbage refused), URL parsing. */
#define _GNU_SOURCE   /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "al_test.h"
#include "asynclab.h"
#include "asynclab/http_client.h"
#include "asynclab/http_server.h"
#include "asynclab/trace.h"

/* The slow handler's calls: how many began their sleep, how many ended it
 * and how many of those were cancelled in it; and a future done when the
 * first began, so a test can act once the server has the call in hand (not
 * after a guessed delay). */
static int upstream_calls_started, upstream_calls_ended, upstream_calls_cancelled;
static al_future upstream_call_started;

static int h_data(al_http_request *req, al_http_response *res) {
    char ms[16];
    if (al_http_query_get(req, "ms", ms, sizeof ms) > 0) {
        upstream_calls_started++;
        if (!al_future_is_done(&upstream_call_started)) al_future_set_result(&upstream_call_started, 1);
        int rc = al_sleep(atoi(ms) * 1000LL);
        upstream_calls_ended++;
        if (rc == -ECANCELED) upstream_calls_cancelled++;
        if (rc < 0) return rc;
    }
    return al_http_respond_static(res, 200, "application/json", "{\"up\":true}", 11);
}

static int h_teapot(al_http_request *req, al_http_response *res) {
    (void)req;
    return al_http_respond_error(res, 418, "short and stout");
}

typedef struct job {
    al_http_url url;
    int64_t timeout_us;
    int rc;
    al_http_client_response r;
} job;

static int call(void *arg, intptr_t *result) {
    job *j = arg;
    (void)result;
    j->rc = al_http_get(&j->url, j->timeout_us, &j->r);
    return 0;
}

typedef struct env {
    al_loop *loop;
    al_http_router *router;
    al_http_server *srv;
    char base[64];
} env;

static void setup(env *e) {
    upstream_calls_started = upstream_calls_ended = upstream_calls_cancelled = 0;   /* per test */
    AL_REQUIRE_INT(al_loop_new(&e->loop, NULL), ==, 0);
    AL_REQUIRE_INT(al_future_init(e->loop, &upstream_call_started), ==, 0);
    AL_REQUIRE_INT(al_http_router_new(&e->router), ==, 0);
    al_http_route(e->router, "GET", "/data", h_data, AL_HTTP_TASK);
    al_http_route(e->router, "GET", "/teapot", h_teapot, AL_HTTP_INLINE);
    al_http_server_options o = {.port = 0};
    AL_REQUIRE_INT(al_http_server_new(&e->srv, e->loop, e->router, &o), ==, 0);
    snprintf(e->base, sizeof e->base, "http://127.0.0.1:%d", al_http_server_port(e->srv));
}

/* Run the loop until task t is done (the server's listening socket stays
 * watched: run_until_complete must not block on it once t is done). */
static void run_task(env *e, al_task *t) {
    int rc = al_loop_run_until_complete(e->loop, t);
    AL_REQUIRE_MSG(rc == 0 || rc == -ECANCELED, "run_until_complete: %d", rc);
    AL_REQUIRE(al_task_is_done(t));
}

static void run(env *e, job *j) {
    al_task *t;
    AL_REQUIRE_INT(al_task_create_fiber(e->loop, &t, "client", call, j, 0), ==, 0);
    run_task(e, t);
    al_task_release(t);
}

/* Our socket closed: the server sees its client go and cancels the
 * upstream handler, a few iterations later. Only until the handler ended
 * (cancelled or not): then the loop would wait on the idle listener. */
static void expect_upstream_handler_cancelled(env *e) {
    AL_CHECK_MSG(upstream_calls_started == 1, "the handler never began: %d calls", upstream_calls_started);
    for (int i = 0; i < 50 && upstream_calls_ended < upstream_calls_started; i++)
        al_loop_run_once(e->loop);
    AL_CHECK_INT(upstream_calls_cancelled, ==, 1);
}

/* A TCP socket bound to 127.0.0.1 on a port the kernel picks: its port. */
static int bind_loopback(int fd) {
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    socklen_t len = sizeof a;
    AL_REQUIRE(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
    getsockname(fd, (struct sockaddr *)&a, &len);
    return ntohs(a.sin_port);
}

static void url_for_port(job *j, int port) {
    char text[64];
    snprintf(text, sizeof text, "http://127.0.0.1:%d/", port);
    AL_REQUIRE_INT(al_http_url_parse(&j->url, text), ==, 0);
}

static void teardown(env *e) {
    al_http_server_shutdown(e->srv);
    al_loop_run(e->loop);   /* the server drains: connections close */
    al_http_server_free(e->srv);
    al_http_router_free(e->router);
    al_loop_free(e->loop);
}

static void url(env *e, job *j, const char *path) {
    char text[128];
    snprintf(text, sizeof text, "%s%s", e->base, path);
    AL_REQUIRE_INT(al_http_url_parse(&j->url, text), ==, 0);
}

/* AL_TEST_PER_BACKEND */

AL_TEST(a_get_returns_status_and_body) {
    env e;
    setup(&e);
    job j = {.timeout_us = 5000000};
    url(&e, &j, "/data");
    run(&e, &j);
    AL_CHECK_INT(j.rc, ==, 0);
    AL_CHECK_INT(j.r.status, ==, 200);
    AL_CHECK_STR(j.r.body, "{\"up\":true}");
    AL_CHECK_INT(j.r.body_len, ==, 11);
    al_http_client_response_free(&j.r);
    job k = {.timeout_us = 5000000};
    url(&e, &k, "/teapot");
    run(&e, &k);
    AL_CHECK_INT(k.r.status, ==, 418);
    AL_CHECK_STR(k.r.body, "{\"detail\":\"short and stout\"}");
    al_http_client_response_free(&k.r);
    teardown(&e);
    AL_CHECK_NO_LEAKS();
}

/* The timeout should end a call the server is working on. On a loaded
 * machine the loop may not bring the request to its handler within 100 ms:
 * then the timeout proves nothing about cancelling it, so that try is
 * thrown away and the next one waits four times longer (at most 1.6 s; the
 * handler sleeps 10 s, so a timeout is still what ends the call). */
AL_TEST(a_slow_upstream_times_out_and_its_handler_is_cancelled) {
    env e;
    job j;
    for (int64_t timeout_us = 100000;; timeout_us *= 4) {
        setup(&e);
        j = (job){.timeout_us = timeout_us};
        url(&e, &j, "/data?ms=10000");
        run(&e, &j);
        if (upstream_calls_started > 0 || timeout_us >= 1600000) break;
        teardown(&e);
    }
    AL_CHECK_INT(j.rc, ==, -ETIMEDOUT);
    AL_CHECK(j.r.body == NULL);
    expect_upstream_handler_cancelled(&e);
    teardown(&e);
    AL_CHECK_NO_LEAKS();
}

AL_TEST(nobody_listening_is_econnrefused) {
    env e;
    setup(&e);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = bind_loopback(fd);
    close(fd);   /* a port nobody listens on */
    job j = {.timeout_us = 5000000};
    url_for_port(&j, port);
    run(&e, &j);
    AL_CHECK_INT(j.rc, ==, -ECONNREFUSED);
    teardown(&e);
    AL_CHECK_NO_LEAKS();
}

typedef struct canceller {
    al_task *victim;
} canceller;

/* Cancel the caller once the server's handler has the call in hand: before
 * that there would be no handler to cancel (a guessed delay loses that race
 * on a loaded machine). Cancelled itself, it gives up. */
static int cancel_mid_call(void *arg, intptr_t *result) {
    canceller *c = arg;
    (void)result;
    if (al_await(&upstream_call_started) == 0) al_task_cancel(c->victim);
    return 0;
}

AL_TEST(cancelling_the_caller_cancels_the_call) {
    env e;
    setup(&e);
    job j = {.timeout_us = 5000000};
    url(&e, &j, "/data?ms=5000");
    al_task *t, *c;
    canceller cc;
    AL_REQUIRE_INT(al_task_create_fiber(e.loop, &t, "client", call, &j, 0), ==, 0);
    cc.victim = t;
    AL_REQUIRE_INT(al_task_create_fiber(e.loop, &c, "canceller", cancel_mid_call, &cc, 0), ==, 0);
    run_task(&e, t);
    AL_CHECK_INT(j.rc, ==, -ECANCELED);
    if (!al_task_is_done(c)) {   /* the handler never began: the call timed out */
        al_task_cancel(c);
        run_task(&e, c);
    }
    expect_upstream_handler_cancelled(&e);
    al_task_release(t);
    al_task_release(c);
    teardown(&e);
    AL_CHECK_NO_LEAKS();
}

/* ---- a hand-written upstream: one connection, canned bytes ---------------- */

typedef struct canned {
    int listen_fd;
    const char *answer;          /* sent after the request's first bytes */
} canned;

static int canned_upstream(void *arg, intptr_t *result) {
    canned *c = arg;
    (void)result;
    if (al_wait_readable(c->listen_fd) < 0) return 0;
    int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return 0;
    char req[2048];
    while (recv(fd, req, sizeof req, 0) < 0 && al_wait_readable(fd) == 0) {
    }
    (void)send(fd, c->answer, strlen(c->answer), MSG_NOSIGNAL);   /* small: fits */
    close(fd);
    return 0;
}

/* GET from a canned upstream on the same loop, into j. */
static void get_canned(env *e, job *j, const char *answer) {
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    url_for_port(j, bind_loopback(lfd));
    AL_REQUIRE(listen(lfd, 4) == 0);
    j->timeout_us = 5000000;
    canned c = {lfd, answer};
    al_task *up;
    AL_REQUIRE_INT(al_task_create_fiber(e->loop, &up, "canned upstream", canned_upstream, &c, 0), ==, 0);
    run(e, j);
    while (!al_task_is_done(up)) al_loop_run_once(e->loop);
    al_task_release(up);
    close(lfd);
}

AL_TEST(interim_1xx_answers_are_read_past) {
    env e;
    setup(&e);
    job j = {0};
    get_canned(&e, &j,
               "HTTP/1.1 100 Continue\r\n\r\n"
               "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
               "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
               "{\"a\": true}");
    AL_CHECK_INT(j.rc, ==, 0);
    AL_CHECK_MSG(j.r.status == 200, "the final answer's status: expected 200, got %d", j.r.status);
    AL_CHECK_STR(j.r.body, "{\"a\": true}");
    al_http_client_response_free(&j.r);
    job k = {0};
    get_canned(&e, &k, "HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");
    AL_CHECK_INT(k.rc, ==, 0);
    AL_CHECK_INT(k.r.status, ==, 503);
    al_http_client_response_free(&k.r);
    teardown(&e);
    AL_CHECK_NO_LEAKS();
}

AL_TEST(an_unasked_101_or_an_answer_that_is_not_http_is_eproto) {
    env e;
    setup(&e);
    const char *bad[] = {
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "SSH-2.0-OpenSSH_9.2\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"cut\":",   /* closed early */
        "HTTP/1.1 100 Continue\r\n\r\n",                           /* and then nothing */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        job j = {0};
        get_canned(&e, &j, bad[i]);
        AL_CHECK_MSG(j.rc == -EPROTO, "answer %zu: expected -EPROTO, got %d (status %d)", i, j.rc,
                     j.r.status);
        al_http_client_response_free(&j.r);
    }
    teardown(&e);
    AL_CHECK_NO_LEAKS();
}

AL_TEST(urls_are_parsed_and_https_is_refused) {
    al_http_url u;
    AL_CHECK_INT(al_http_url_parse(&u, "http://127.0.0.1:8001/data?x=1"), ==, 0);
    AL_CHECK_STR(u.host, "127.0.0.1:8001");
    AL_CHECK_STR(u.path, "/data?x=1");
    AL_CHECK_INT(ntohs(u.addr.sin_port), ==, 8001);
    AL_CHECK_INT(al_http_url_parse(&u, "http://127.0.0.1"), ==, 0);
    AL_CHECK_STR(u.host, "127.0.0.1");
    AL_CHECK_STR(u.path, "/");
    AL_CHECK_INT(ntohs(u.addr.sin_port), ==, 80);
    AL_CHECK_INT(al_http_url_parse(&u, "http://localhost:9/"), ==, 0);
    AL_CHECK_INT(al_http_url_parse(&u, "https://leapcell.io"), ==, -EPROTONOSUPPORT);
    AL_CHECK_INT(al_http_url_parse(&u, "ftp://x/"), ==, -EPROTONOSUPPORT);
    AL_CHECK_INT(al_http_url_parse(&u, "127.0.0.1:80"), ==, -EINVAL);
    AL_CHECK_INT(al_http_url_parse(&u, "http://:80/"), ==, -EINVAL);
    AL_CHECK_INT(al_http_url_parse(&u, "http://h:99999/"), ==, -EINVAL);
    AL_CHECK_INT(al_http_url_parse(&u, "http://no-such-host.invalid/"), ==, -ENOENT);
    AL_CHECK(strstr(al_http_url_error(-EPROTONOSUPPORT), "http://") != NULL);
}

AL_TEST(outside_a_fiber_task_al_http_get_is_refused) {
    al_http_url u;
    al_http_client_response r;
    AL_REQUIRE_INT(al_http_url_parse(&u, "http://127.0.0.1:1/"), ==, 0);
    AL_CHECK_INT(al_http_get(&u, 1000, &r), ==, -EPERM);
}
