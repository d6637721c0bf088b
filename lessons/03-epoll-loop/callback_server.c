/* callback_server.c — lesson 3: the same selectors server on core's callback API.
 *
 * epoll_server.c wrote the loop by hand. Here the loop is the core's
 * (al_loop_run, core/include/asynclab/loop.h): we only register watchers
 * ("call dispatch() when this fd is readable") and write the callbacks. The
 * same program then runs on any backend — select, poll, epoll, libuv or io_uring —
 * because a callback cannot tell who did the polling.
 *
 * One line changes meaning: the article prints `events length:  N` once per
 * select() call. The callback API hides the poll from us (that is its point),
 * so dispatch() prints `events length:  1` for each callback it runs: the log
 * matches the article line for line, and the real count per poll is in the
 * trace (poll_end events) when ASYNCLAB_TRACE is set.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "asynclab/backend.h"
#include "asynclab/error.h"
#include "asynclab/io.h"
#include "asynclab/loop.h"
#include "asynclab/timer.h"
#include "asynclab/trace.h"

static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 18\r\n"
    "Connection: close\r\n"
    "\r\n"
    "{\"Hello\": \"World\"}";

/* selectors' key again: the watcher the loop knows, plus what to call and its
 * name. The al_io is embedded, so the key must stay put while it is watched
 * (the loop keeps a pointer to the al_io). */
typedef struct key key;
typedef void (*handler)(key *k);
struct key {
    al_io io;
    al_timer delay;             /* --delay: fires when the answer is due */
    handler cb;
    const char *name;
    key *prev, *next;           /* every key, so that exit can free them all */
};

static struct {
    al_loop *loop;
    long max_connections;       /* 0 = serve forever */
    long closed;
    int64_t delay_us;           /* --delay */
    key *keys;
} server;

/* What the loop calls for every ready descriptor: the body of the article's
 * `for key, mask in events:` loop. */
static void dispatch(al_io *io, int events) {
    (void)events;
    key *k = io->data;
    al_printf(server.loop, "events length:  1");
    al_printf(server.loop, "handler_name: %s", k->name);
    k->cb(k);
}

/* ---- register / unregister ------------------------------------------------ */

static int register_fd(int fd, handler cb, const char *name) {
    key *k = calloc(1, sizeof *k);
    if (!k) return -ENOMEM;
    int rc = al_io_init(server.loop, &k->io, fd);
    if (rc == 0) rc = al_timer_init(server.loop, &k->delay);
    if (rc == 0) {
        k->io.data = k;
        k->cb = cb;
        k->name = name;
        rc = al_io_start(&k->io, AL_READABLE, dispatch);
    }
    if (rc < 0) {
        free(k);
        return rc;
    }
    k->next = server.keys;
    if (k->next) k->next->prev = k;
    server.keys = k;
    return 0;
}

/* Stop watching first, then close: the loop must never poll a closed fd. */
static void unregister_and_close(key *k) {
    int fd = al_io_fd(&k->io);
    al_timer_stop(&k->delay);
    al_io_close(&k->io);
    close(fd);
    if (k->prev) k->prev->next = k->next;
    else server.keys = k->next;
    if (k->next) k->next->prev = k->prev;
    free(k);
}

/* ---- the callbacks -------------------------------------------------------- */

static void close_connection(key *k) {
    al_printf(server.loop, "Closing connection");
    unregister_and_close(k);
    server.closed++;
    if (server.max_connections && server.closed >= server.max_connections)
        al_loop_stop(server.loop);
}

static void respond(key *k) {
    al_printf(server.loop, "response to");
    /* MSG_NOSIGNAL: a client that left costs an EPIPE, not the server's life */
    ssize_t sent = send(al_io_fd(&k->io), RESPONSE, sizeof RESPONSE - 1, MSG_NOSIGNAL);
    if (sent < (ssize_t)(sizeof RESPONSE - 1))
        al_printf(server.loop, "send: only %zd of %zu bytes went out", sent, sizeof RESPONSE - 1);
    close_connection(k);
}

/* --delay: the connection's timer fired, the answer is due. */
static void delay_cb(al_timer *t) { respond(t->data); }

/* One recv of up to 100 bytes, as the article; level-triggered on every
 * backend (io.h's contract), so this is safe: unread bytes would make the
 * loop call us again. */
static void read_cb(key *k) {
    char data[100];
    ssize_t n = recv(al_io_fd(&k->io), data, sizeof data, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) {
        al_printf(server.loop, "the client left without sending a request");
        close_connection(k);
        return;
    }
    if (server.delay_us > 0) {
        /* --delay: answer later. Stop watching the socket (we wait for the
         * clock now, and a client hanging up must not call us again and
         * again) and let a timer call us back: nothing blocks. */
        al_io_stop(&k->io);
        k->delay.data = k;
        al_timer_start(&k->delay, delay_cb, server.delay_us, 0);
        return;
    }
    respond(k);
}

/* Running out of descriptors (EMFILE) would make this callback fail forever
 * on a listening socket that stays readable; epoll_server.c shows the
 * spare-descriptor way out. Here we only report it, to keep to the API. */
static void accept_cb(key *k) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int conn = accept(al_io_fd(&k->io), (struct sockaddr *)&addr, &len);
    if (conn < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            al_printf(server.loop, "accept: %s", strerror(errno));
        return;
    }
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip);
    al_printf(server.loop, "Accepted connection from ('%s', %u)", ip, (unsigned)ntohs(addr.sin_port));
    fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) | O_NONBLOCK);
    fcntl(conn, F_SETFD, FD_CLOEXEC);
    int rc = register_fd(conn, read_cb, "read");
    if (rc < 0) {                 /* e.g. select: fd >= FD_SETSIZE (-ERANGE) */
        al_printf(server.loop, "register: %s", al_strerror(rc));
        close(conn);
    }
}

/* ---- setup ------------------------------------------------------------- */

static void usage(FILE *out) {
    fprintf(out,
            "usage: lesson03_callback_server [--backend NAME] [--port N] [--max-connections N]\n"
            "                                [--delay S]\n"
            "  The article's selectors server on asynclab's callback API, on 127.0.0.1.\n"
            "  --backend NAME       select, poll, epoll, uv or uring (default: $ASYNCLAB_BACKEND, else epoll)\n"
            "  --port N             port to listen on (default 8000; 0 picks a free one)\n"
            "  --max-connections N  exit after N connections were closed (for tests)\n"
            "  --delay S            answer each request S seconds (e.g. 0.2) after it arrived,\n"
            "                       with a timer per connection: the others are served meanwhile\n"
            "  With ASYNCLAB_TRACE=trace.jsonl the loop records what it does for the viewer.\n");
}

static long parse_number(const char *flag, const char *text, long min, long max) {
    char *end;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || errno || end == text || *end || v < min || v > max) {
        fprintf(stderr, "lesson03_callback_server: %s needs a number from %ld to %ld, got '%s'\n",
                flag, min, max, text ? text : "(nothing)");
        exit(2);
    }
    return v;
}

static double parse_seconds(const char *flag, const char *text) {
    char *end;
    errno = 0;
    double v = text ? strtod(text, &end) : 0;
    if (!text || errno || end == text || *end || !(v >= 0 && v <= 60)) {
        fprintf(stderr, "lesson03_callback_server: %s needs seconds from 0 to 60, got '%s'\n",
                flag, text ? text : "(nothing)");
        exit(2);
    }
    return v;
}

static int check_backend(const char *name, const char *source) {
    if (al_backend_find(name)) return 0;
    fprintf(stderr, "lesson03_callback_server: unknown backend '%s'%s; choose one of:", name, source);
    for (const char *const *b = al_backend_names; *b; b++) fprintf(stderr, " %s", *b);
    fputc('\n', stderr);
    return 2;
}

static int listen_on(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, SOMAXCONN) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static int bound_port(int fd) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0) return -1;
    return ntohs(addr.sin_port);
}

int main(int argc, char **argv) {
    long port = 8000;
    const char *backend = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--backend") == 0) {
            backend = i + 1 < argc ? argv[++i] : "";
            if (check_backend(backend, "")) return 2;
        } else if (strcmp(a, "--port") == 0) {
            port = parse_number(a, i + 1 < argc ? argv[++i] : NULL, 0, 65535);
        } else if (strcmp(a, "--max-connections") == 0) {
            server.max_connections = parse_number(a, i + 1 < argc ? argv[++i] : NULL, 1, 1L << 30);
        } else if (strcmp(a, "--delay") == 0) {
            server.delay_us = (int64_t)(parse_seconds(a, i + 1 < argc ? argv[++i] : NULL) * 1e6);
        } else {
            fprintf(stderr, "lesson03_callback_server: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    const char *env = getenv("ASYNCLAB_BACKEND");
    if (!backend && env && *env && check_backend(env, " (from $ASYNCLAB_BACKEND)")) return 2;

    al_loop_options opts = {.backend = backend};
    int rc = al_loop_new(&server.loop, &opts);
    if (rc < 0) {
        fprintf(stderr, "lesson03_callback_server: cannot create the loop: %s\n", al_loop_backend_error(rc));
        return 1;
    }
    int listen_fd = listen_on((int)port);
    if (listen_fd < 0) {
        char msg[300];
        al_listen_error(msg, sizeof msg, "127.0.0.1", (int)port, -errno, 1);
        fprintf(stderr, "lesson03_callback_server: %s\n", msg);
        al_loop_free(server.loop);
        return 1;
    }
    rc = register_fd(listen_fd, accept_cb, "accept");
    if (rc < 0) {
        fprintf(stderr, "lesson03_callback_server: cannot watch the listening socket: %s\n",
                al_strerror(rc));
        close(listen_fd);
        al_loop_free(server.loop);
        return 1;
    }
    al_printf(server.loop, "Server is running on port %d...", bound_port(listen_fd));

    /* The whole `while True: events = sel.select() ...` is this one call. */
    rc = al_loop_run(server.loop);
    if (rc < 0) fprintf(stderr, "lesson03_callback_server: the loop failed: %s\n", al_strerror(rc));

    while (server.keys) unregister_and_close(server.keys);
    al_loop_free(server.loop);
    return rc < 0 ? 1 : 0;
}
