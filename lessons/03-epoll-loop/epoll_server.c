/* epoll_server.c — lesson 3: the article's `selectors` server, in C, on raw epoll.
 *
 * The Python version registers the listening socket with a callback
 * (`accept`), and `accept` registers every new connection with another
 * callback (`read`). The loop at the bottom only asks the kernel "which
 * sockets are ready?" and calls whatever callback was stored with each one.
 * That is all an event loop is; this file shows it with nothing hidden: the
 * epoll calls are made by hand, on purpose.
 *
 * selectors keeps a "key" per registered socket: the file object plus the
 * `data` you passed to register() (here, the callback). epoll keeps a 64-bit
 * `data` per descriptor for the same purpose, so we store a pointer to our
 * own key there: {fd, callback, callback's name}.
 *
 * Beyond the article, flags show what goes wrong in real loops:
 *   --edge          edge-triggered epoll (EPOLLET) instead of level-triggered
 *   --small-reads   read 16 bytes per readiness event, answer once the whole
 *                   request header ("\r\n\r\n") has arrived. With --edge this
 *                   hangs the client: see read_request() for why.
 *   --drain         the fix: on each event, keep reading until EAGAIN
 *   --max-fds N     lower RLIMIT_NOFILE to N, to run out of descriptors
 *                   (EMFILE) on accept: see refuse_one() for the way out
 *   --delay S       answer each request S seconds after it arrived, without
 *                   blocking: epoll_wait()'s timeout becomes the loop's timer
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 64
#define SMALL_CHUNK 16          /* --small-reads: bytes per recv() */
#define REQUEST_MAX 4096        /* --small-reads: the most we buffer */

static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 18\r\n"
    "Connection: close\r\n"
    "\r\n"
    "{\"Hello\": \"World\"}";

/* What selectors calls a SelectorKey: the socket and what to call when it is
 * ready. Connections read in small pieces also keep what arrived so far. */
typedef struct key key;
typedef void (*callback)(key *k, uint32_t events);
struct key {
    key *prev, *next;           /* every key, so that exit can free them all */
    int fd;
    callback cb;
    const char *name;           /* callback.__name__ */
    size_t len;                 /* bytes buffered in req */
    key *next_due;              /* --delay: the next answer waiting for its time */
    int64_t due_us;             /* --delay: when to answer (monotonic clock) */
    char req[REQUEST_MAX];
};

static struct {
    int epfd;
    int edge;                   /* EPOLLET on every registration */
    int small_reads;
    int drain;
    long max_connections;       /* 0 = serve forever */
    long closed;                /* connections closed so far */
    int spare_fd;               /* kept open to be given up on EMFILE */
    key *keys;                  /* what is registered (selectors' get_map()) */
    int64_t delay_us;           /* --delay */
    key *due_first, *due_last;  /* --delay: answers waiting, earliest first */
} server = {.epfd = -1, .spare_fd = -1};

/* Every line is flushed at once, so a test (or a pipe) sees it immediately. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* ---- sel.register / sel.unregister ---------------------------------------- */

static int register_fd(int fd, callback cb, const char *name) {
    key *k = calloc(1, sizeof *k);
    if (!k) return -1;
    k->fd = fd;
    k->cb = cb;
    k->name = name;
    struct epoll_event ev = {.events = EPOLLIN | (server.edge ? EPOLLET : 0u),
                             .data.ptr = k};
    if (epoll_ctl(server.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        free(k);
        return -1;
    }
    k->next = server.keys;
    if (k->next) k->next->prev = k;
    server.keys = k;
    return 0;
}

/* Unregister before close: closing alone would also remove the fd from the
 * epoll set, but only once no other descriptor refers to the same socket. */
static void unregister_and_close(key *k) {
    epoll_ctl(server.epfd, EPOLL_CTL_DEL, k->fd, NULL);
    close(k->fd);
    if (k->prev) k->prev->next = k->next;
    else server.keys = k->next;
    if (k->next) k->next->prev = k->prev;
    free(k);
}

/* ---- the read callback ---------------------------------------------------- */

static void close_connection(key *k) {
    say("Closing connection");
    unregister_and_close(k);
    server.closed++;            /* for --max-connections */
}

static void respond_and_close(key *k) {
    say("response to");
    /* One send, as the article does: a fresh socket's send buffer takes these
     * 108 bytes whole. MSG_NOSIGNAL: a client that already left must cost us
     * an EPIPE error, not a SIGPIPE that kills the server. */
    ssize_t sent = send(k->fd, RESPONSE, sizeof RESPONSE - 1, MSG_NOSIGNAL);
    if (sent < (ssize_t)(sizeof RESPONSE - 1))
        say("send: only %zd of %zu bytes went out", sent, sizeof RESPONSE - 1);
    close_connection(k);
}

/* ---- --delay: answering later without blocking ------------------------------ */

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The request is complete: answer now, or (--delay) queue the answer. Every
 * answer waits the same delay, so they fall due in the order they were
 * queued, and a plain FIFO serves as the loop's timer queue. While it waits
 * the socket is not watched at all: it waits for the clock, and a client
 * that hangs up meanwhile must not wake the loop over and over. */
static void answer(key *k) {
    if (server.delay_us == 0) {
        respond_and_close(k);
        return;
    }
    epoll_ctl(server.epfd, EPOLL_CTL_DEL, k->fd, NULL);
    k->due_us = now_us() + server.delay_us;
    k->next_due = NULL;
    if (server.due_last) server.due_last->next_due = k;
    else server.due_first = k;
    server.due_last = k;
}

/* epoll_wait()'s timeout: until the first queued answer is due (rounded up,
 * so we never wake early), or -1 (no timeout) when none waits. */
static int next_timeout_ms(void) {
    if (!server.due_first) return -1;
    int64_t left = server.due_first->due_us - now_us();
    return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

static void answer_due(void) {
    int64_t now = now_us();
    while (server.due_first && server.due_first->due_us <= now) {
        key *k = server.due_first;
        server.due_first = k->next_due;
        if (!server.due_first) server.due_last = NULL;
        respond_and_close(k);
    }
}

/* The article's read(): ONE recv of up to 100 bytes, then answer. Fine for a
 * short request that arrives in one piece, which is what curl sends. */
static void read_once(key *k, uint32_t events) {
    (void)events;
    char data[100];
    ssize_t n = recv(k->fd, data, sizeof data, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  /* not ready after all */
    if (n <= 0) {
        say("the client left without sending a request");
        close_connection(k);
        return;
    }
    answer(k);
}

/* An HTTP request header ends with an empty line. */
static int header_complete(const key *k) {
    for (size_t i = 3; i < k->len; i++)
        if (memcmp(k->req + i - 3, "\r\n\r\n", 4) == 0) return 1;
    return 0;
}

/* --small-reads / --drain: buffer the request until its header is complete.
 *
 * Level-triggered epoll reports the socket in *every* epoll_wait() while
 * unread bytes remain, so reading 16 bytes per event is slow but correct: the
 * loop comes back for the rest.
 *
 * Edge-triggered epoll reports a socket only when its state *changes*: new
 * bytes arrive. A client that sent its whole request in one go produces one
 * edge. We read 16 bytes, return to epoll_wait(), and the other bytes sit in
 * the kernel buffer forever: no new data, no new edge, no event. The client
 * waits for an answer that never comes. The rule with EPOLLET is therefore:
 * on every event, read until recv() says EAGAIN (--drain).
 */
static void read_request(key *k, uint32_t events) {
    (void)events;
    int eof = 0;
    for (;;) {
        size_t room = sizeof k->req - k->len;
        if (room == 0) break;
        ssize_t n = recv(k->fd, k->req + k->len, room < SMALL_CHUNK ? room : SMALL_CHUNK, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;  /* drained */
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {                  /* end of stream (half-close) or an error */
            eof = 1;
            break;
        }
        k->len += (size_t)n;
        say("read %zd bytes (%zu so far)", n, k->len);
        if (!server.drain) break;      /* the pitfall: one small read per event */
    }
    if (header_complete(k)) {
        answer(k);
    } else if (eof || k->len == sizeof k->req) {
        say(eof ? "the client left before its request was complete"
                : "request header too large");
        close_connection(k);
    }
    /* else: wait for the next event (which, edge-triggered, may never come) */
}

/* ---- the accept callback -------------------------------------------------- */

static void print_accepted(const struct sockaddr_in *addr) {
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr->sin_addr, ip, sizeof ip);
    say("Accepted connection from ('%s', %u)", ip, (unsigned)ntohs(addr->sin_port));
}

/* Out of descriptors. The connection stays queued in the kernel, so the
 * listening socket stays readable: a level-triggered loop would wake up at
 * once, fail again, and spin at 100% CPU without ever waiting. The way out
 * (libuv does the same): keep one spare descriptor open; now
 * give it up, accept the connection into the freed slot, close it at once
 * (the client sees the connection closed instead of hanging), and take the
 * spare back. The queue drains and the loop sleeps again; once clients leave,
 * accept() works again by itself.
 * Returns 1 if a connection was taken off the queue. (accept() says EMFILE
 * even when the queue is empty, so only the retry can tell.) */
static int refuse_one(int listen_fd) {
    if (server.spare_fd < 0) {
        say("accept: too many open files (EMFILE) and no spare descriptor left");
        return 0;
    }
    close(server.spare_fd);
    int conn = accept(listen_fd, NULL, NULL);
    if (conn >= 0) close(conn);
    server.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (conn < 0) return 0;
    say("accept: too many open files (EMFILE): closed the new connection at once "
        "(spare-descriptor trick), still serving");
    return 1;
}

/* Take one connection off the listen queue. Returns 1 if one was taken
 * (served or refused), 0 when the queue is empty or accept failed. */
static int accept_one(int listen_fd) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int conn = accept(listen_fd, (struct sockaddr *)&addr, &len);
    if (conn < 0) {
        if (errno == EMFILE || errno == ENFILE) return refuse_one(listen_fd);
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            say("accept: %s", strerror(errno));
        return 0;
    }
    print_accepted(&addr);
    /* conn.setblocking(False): a callback must never block the loop */
    fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) | O_NONBLOCK);
    fcntl(conn, F_SETFD, FD_CLOEXEC);
    int buffered = server.small_reads || server.drain;
    if (register_fd(conn, buffered ? read_request : read_once, "read") < 0) {
        say("register: %s", strerror(errno));
        close(conn);
    }
    return 1;
}

static void accept_cb(key *k, uint32_t events) {
    (void)events;
    /* Edge-triggered, the same rule as for reads: two clients that connect
     * together make one edge, so take connections until the queue is empty. */
    while (accept_one(k->fd) && server.edge) {}
}

/* ---- setup and the loop --------------------------------------------------- */

static void usage(FILE *out) {
    fprintf(out,
            "usage: lesson03_epoll_server [--port N] [--edge] [--small-reads] [--drain]\n"
            "                             [--max-fds N] [--max-connections N] [--delay S]\n"
            "  The article's selectors server on raw epoll, on 127.0.0.1.\n"
            "  --port N             port to listen on (default 8000; 0 picks a free one)\n"
            "  --edge               edge-triggered epoll (EPOLLET) instead of level-triggered\n"
            "  --small-reads        read 16 bytes per event, answer when \"\\r\\n\\r\\n\" arrived\n"
            "                       (with --edge: the pitfall, a client hangs)\n"
            "  --drain              like --small-reads, but read until EAGAIN on each event\n"
            "                       (the fix for --edge)\n"
            "  --max-fds N          set RLIMIT_NOFILE to N, to meet EMFILE on accept\n"
            "  --max-connections N  exit after N connections were closed (for tests)\n"
            "  --delay S            answer each request S seconds (e.g. 0.2) after it arrived,\n"
            "                       serving the others meanwhile\n");
}

static long parse_number(const char *flag, const char *text, long min, long max) {
    char *end;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || errno || end == text || *end || v < min || v > max) {
        fprintf(stderr, "lesson03_epoll_server: %s needs a number from %ld to %ld, got '%s'\n",
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
        fprintf(stderr, "lesson03_epoll_server: %s needs seconds from 0 to 60, got '%s'\n",
                flag, text ? text : "(nothing)");
        exit(2);
    }
    return v;
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
    long port = 8000, max_fds = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--port") == 0) {
            port = parse_number(a, i + 1 < argc ? argv[++i] : NULL, 0, 65535);
        } else if (strcmp(a, "--edge") == 0) {
            server.edge = 1;
        } else if (strcmp(a, "--small-reads") == 0) {
            server.small_reads = 1;
        } else if (strcmp(a, "--drain") == 0) {
            server.drain = 1;
        } else if (strcmp(a, "--max-fds") == 0) {
            max_fds = parse_number(a, i + 1 < argc ? argv[++i] : NULL, 8, 1 << 20);
        } else if (strcmp(a, "--max-connections") == 0) {
            server.max_connections = parse_number(a, i + 1 < argc ? argv[++i] : NULL, 1, 1L << 30);
        } else if (strcmp(a, "--delay") == 0) {
            server.delay_us = (int64_t)(parse_seconds(a, i + 1 < argc ? argv[++i] : NULL) * 1e6);
        } else {
            fprintf(stderr, "lesson03_epoll_server: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }

    if (max_fds > 0) {
        struct rlimit lim;
        getrlimit(RLIMIT_NOFILE, &lim);
        lim.rlim_cur = (rlim_t)max_fds;
        if (lim.rlim_max != RLIM_INFINITY && lim.rlim_cur > lim.rlim_max) lim.rlim_cur = lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &lim) < 0) {
            perror("lesson03_epoll_server: setrlimit(RLIMIT_NOFILE)");
            return 1;
        }
    }

    server.epfd = epoll_create1(EPOLL_CLOEXEC);        /* sel = DefaultSelector() */
    server.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int listen_fd = listen_on((int)port);
    if (server.epfd < 0 || server.spare_fd < 0 || listen_fd < 0) {
        fprintf(stderr, "lesson03_epoll_server: cannot listen on 127.0.0.1:%ld: %s\n", port,
                strerror(errno));
        return 1;
    }
    if (register_fd(listen_fd, accept_cb, "accept") < 0) {  /* sel.register(sock, EVENT_READ, accept) */
        perror("lesson03_epoll_server: epoll_ctl");
        return 1;
    }
    say("Server is running on port %d...", bound_port(listen_fd));

    /* The event loop. epoll_wait() blocks while nothing is ready (with
     * --delay, no longer than until the next answer is due); each event
     * carries the key we registered, and the key says whom to call. */
    struct epoll_event events[MAX_EVENTS];
    while (server.max_connections == 0 || server.closed < server.max_connections) {
        int n = epoll_wait(server.epfd, events, MAX_EVENTS, next_timeout_ms());
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("lesson03_epoll_server: epoll_wait");
            return 1;
        }
        say("events length:  %d", n);
        for (int i = 0; i < n; i++) {
            key *k = events[i].data.ptr;
            say("handler_name: %s", k->name);
            k->cb(k, events[i].events);
        }
        answer_due();           /* --delay: the answers whose time has come */
    }

    /* --max-connections reached: leave tidily (sanitizer builds check leaks). */
    while (server.keys) unregister_and_close(server.keys);
    close(server.spare_fd);
    close(server.epfd);
    return 0;
}
