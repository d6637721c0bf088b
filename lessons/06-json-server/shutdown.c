/* shutdown.c — lesson 6: a graceful shutdown, step by step.
 *
 * The lesson's server (app.c's routes on core's HTTP server) and three
 * clients run in one process, as tasks on one loop, so that every step can
 * be watched from both sides:
 *
 *   "idle"   a keep-alive client: one GET /, answered, then it just waits
 *   "busy"   GET /sleep?s=0.5, in flight when the shutdown starts
 *   "late"   connects after the shutdown started
 *
 * Once "idle" has its answer and "busy"'s handler runs, main calls
 * al_http_server_shutdown() (what Ctrl+C does in `asynclab serve`):
 *
 *   1. stop accepting: the listening socket is closed ("late" is refused);
 *   2. close idle connections ("idle" reads end-of-file);
 *   3. finish what is in flight: "busy" gets its answer, with
 *      "Connection: close", and the connection closes after it;
 *   4. exit: no connection and no handler left, so the loop runs dry.
 *
 *   --force  call it a second time right away (a second Ctrl+C): the
 *            running handler is cancelled and "busy" gets no answer.
 *
 * With ASYNCLAB_TRACE=file the lanes show it: the "GET /sleep" handler task
 * runs on after the shutdown (or ends "cancelled" with --force).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"
#include "asynclab.h"
#include "asynclab/http_server.h"
#include "asynclab/trace.h"

static int force;                  /* --force */
static al_http_server *server;
static int port;
static int idle_answered;          /* "idle" has read its first answer */

static al_loop *this_loop(void) { return al_task_loop(al_task_current()); }

static int connect_to_server(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0) return -errno;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) {
        int err = -errno;
        close(fd);
        return err;
    }
    int rc = al_wait_writable(fd), err = 0;   /* the handshake is over: how did it end? */
    socklen_t len = sizeof err;
    if (rc == 0) getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (rc < 0 || err) {
        close(fd);
        return rc < 0 ? rc : -err;
    }
    return fd;
}

/* Read until the answer is complete (its Content-Length is in) or EOF.
 * Returns the bytes read (0: EOF before any byte). */
static ssize_t read_answer(int fd, char *buf, size_t cap) {
    size_t got = 0;
    for (;;) {
        buf[got] = '\0';
        const char *end = strstr(buf, "\r\n\r\n"), *cl = strstr(buf, "content-length: ");
        if (!cl) cl = strstr(buf, "Content-Length: ");
        if (end && cl && got >= (size_t)(end + 4 - buf) + strtoul(cl + 16, NULL, 10)) return (ssize_t)got;
        int rc = al_wait_readable(fd);
        if (rc < 0) return rc;
        ssize_t n = recv(fd, buf + got, cap - 1 - got, 0);
        if (n == 0 || got + 1 >= cap) return (ssize_t)got;
        if (n < 0 && errno != EAGAIN) return -errno;
        if (n > 0) got += (size_t)n;
    }
}

static int idle_client(void *arg, intptr_t *result) {
    char buf[2048];
    (void)arg, (void)result;
    int fd = connect_to_server();
    if (fd < 0) return fd;
    send(fd, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", 27, MSG_NOSIGNAL);
    ssize_t n = read_answer(fd, buf, sizeof buf);
    if (n <= 0) {
        al_printf(this_loop(), "idle: no answer");
        close(fd);
        return n < 0 ? (int)n : -EPROTO;
    }
    buf[strcspn(buf, "\r")] = '\0';   /* the status line */
    al_printf(this_loop(), "idle: got \"%s\", keeps the connection open", buf);
    idle_answered = 1;
    n = read_answer(fd, buf, sizeof buf);   /* nothing more is asked: only EOF can come */
    al_printf(this_loop(), "idle: %s", n == 0 ? "end-of-file: the server closed my idle connection"
                                              : "unexpected bytes or error");
    close(fd);
    return 0;
}

static int busy_client(void *arg, intptr_t *result) {
    char buf[2048];
    (void)arg, (void)result;
    int fd = connect_to_server();
    if (fd < 0) return fd;
    send(fd, "GET /sleep?s=0.5 HTTP/1.1\r\nHost: t\r\n\r\n", 38, MSG_NOSIGNAL);
    ssize_t n = read_answer(fd, buf, sizeof buf);
    if (n > 0) {
        buf[strcspn(buf, "\r")] = '\0';   /* the status line */
        al_printf(this_loop(), "busy: got \"%s\"%s", buf,
                  strstr(buf + strlen(buf) + 1, "onnection: close") ? " with Connection: close" : "");
    } else {
        al_printf(this_loop(), "busy: the connection closed without an answer");
    }
    close(fd);
    return 0;
}

static int late_client(void *arg, intptr_t *result) {
    (void)arg, (void)result;
    int fd = connect_to_server();
    al_printf(this_loop(), "late: connect() %s", fd >= 0 ? "succeeded" : al_strerror(fd));
    if (fd >= 0) close(fd);
    return 0;
}

/* Wait (cooperatively, a millisecond at a time) until cond() holds. */
static int wait_until(int (*cond)(void)) {
    for (int ms = 0; !cond(); ms++) {
        if (ms > 10000) return -ETIMEDOUT;
        int rc = al_sleep(1000);
        if (rc < 0) return rc;
    }
    return 0;
}

static int stats_busy(void) {
    al_http_server_stats s;
    al_http_server_get_stats(server, &s);
    return idle_answered && s.tasks_running == 1;
}

static int stats_empty(void) {
    al_http_server_stats s;
    al_http_server_get_stats(server, &s);
    return s.open == 0 && s.tasks_running == 0;
}

static int main_task(void *arg, intptr_t *result) {
    al_loop *loop = arg;
    (void)result;
    al_task_create_fiber(loop, NULL, "idle", idle_client, NULL, 0);
    al_task_create_fiber(loop, NULL, "busy", busy_client, NULL, 0);
    int rc = wait_until(stats_busy);
    if (rc < 0) return rc;
    al_http_server_stats s;
    al_http_server_get_stats(server, &s);
    al_printf(loop, "main: %llu connections open, %llu handler running: shutting down%s", (unsigned long long)s.open,
              (unsigned long long)s.tasks_running, force ? " twice (--force)" : "");
    al_http_server_shutdown(server);
    al_printf(loop, "step 1: stop accepting: the listening socket is closed");
    if (force) {
        al_http_server_shutdown(server);
        al_printf(loop, "steps 2 and 3, forced: close every connection, cancel the running handler");
    } else {
        al_printf(loop, "step 2: close idle connections; step 3: let the request in flight finish");
    }
    al_task *late;
    rc = al_task_create_fiber(loop, &late, "late", late_client, NULL, 0);
    if (rc == 0) rc = al_join(late), al_task_release(late);
    if (rc == 0) rc = wait_until(stats_empty);
    if (rc < 0) return rc;
    al_printf(loop, "step 4: no connection and no handler left: the loop runs dry, exit");
    return 0;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) {
            force = 1;
        } else {
            fprintf(stderr, "shutdown: unknown option '%s'\nusage: shutdown [--force]\n", argv[i]);
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    al_loop *loop = NULL;
    al_http_router *router = NULL;
    static app_config config;   /* no upstream: /external-api is not used here */
    al_http_server_options so = {.app = &config};
    int rc = al_loop_new(&loop, NULL);
    if (rc < 0) {
        fprintf(stderr, "shutdown: cannot create the loop: %s\n", al_loop_backend_error(rc));
        return 1;
    }
    rc = al_http_router_new(&router);
    if (rc == 0) rc = app_add_routes(router);
    if (rc == 0) rc = al_http_server_new(&server, loop, router, &so);
    if (rc == 0) {
        port = al_http_server_port(server);
        al_task *m;
        rc = al_task_create_fiber(loop, &m, "main", main_task, loop, 0);
        if (rc == 0) {
            rc = al_loop_run_until_complete(loop, m);
            if (rc == 0) rc = al_loop_run(loop);   /* the rest: clients finishing */
            al_task_release(m);
        }
    }
    if (rc < 0) fprintf(stderr, "shutdown: %s\n", al_strerror(rc));
    al_http_server_free(server);
    al_loop_free(loop);
    al_http_router_free(router);
    return rc < 0 ? 1 : 0;
}
