/* service.c — the part of lesson 2 that is the same for select() and poll():
 * the command line, the listening socket, and one connection's life as a
 * small state machine driven by readiness (see service.h).
 *
 * The state machine is the lesson's other big idea. In lesson 1 the "where
 * am I in this request" lived on the stack of a blocked function; here a
 * connection may be half read when we go off to serve someone else, so that
 * knowledge has to live in a struct: how much has arrived, how much of the
 * answer is sent. Lessons 4 and 5 (generators, coroutines) give it back a
 * stack.
 */
#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "asynclab/error.h"   /* al_listen_error: the one message for a port in use */
#include "lesson_trace.h"
#include "timestamp.h"

const char *program = "lesson02";

/* The article's answer, byte for byte (the same as lesson 1). */
static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 18\r\n"
    "Connection: close\r\n"
    "\r\n"
    "{\"Hello\": \"World\"}";
#define RESPONSE_LEN (sizeof RESPONSE - 1)

static double answer_delay; /* --delay, in seconds */

/* ---- command line -------------------------------------------------------- */

static void usage(FILE *out, const char *waits_with)
{
    fprintf(out,
            "usage: %s [--port N] [--max-connections N] [--high-fd]\n"
            "\n"
            "Lesson 2: the lesson 1 server, but one thread serves many connections\n"
            "at once by waiting for all of their sockets in a single %s.\n"
            "\n"
            "  --port N             listen on 127.0.0.1:N (default %d)\n"
            "  --max-connections N  exit after finishing N connections (default: never)\n"
            "  --delay S            answer each request S seconds (e.g. 0.2) after it\n"
            "                       arrived, serving the others meanwhile\n"
            "  --high-fd            move the listening socket to fd %d (above FD_SETSIZE)\n"
            "  --help               show this text\n",
            program, waits_with, DEFAULT_PORT, HIGH_FD);
}

static void bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "%s: %s '%s' (try --help)\n", program, what, arg);
    exit(2);
}

static long parse_number(const char *flag, const char *text, long min, long max)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
        fprintf(stderr, "%s: %s needs a number from %ld to %ld, not '%s'\n",
                program, flag, min, max, text);
        exit(2);
    }
    return value;
}

static double parse_seconds(const char *flag, const char *text)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(value >= 0 && value <= 60)) {
        fprintf(stderr, "%s: %s needs seconds from 0 to 60, not '%s'\n", program, flag, text);
        exit(2);
    }
    return value;
}

struct options parse_options(int argc, char **argv, const char *name, const char *waits_with)
{
    struct options opt = { .port = DEFAULT_PORT, .max_connections = 0, .high_fd = 0, .delay = 0 };

    program = name;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout, waits_with);
            exit(0);
        } else if (strcmp(arg, "--port") == 0 || strcmp(arg, "--max-connections") == 0) {
            if (i + 1 >= argc)
                bad_usage("missing value after", arg);
            const char *value = argv[++i];
            if (strcmp(arg, "--port") == 0)
                opt.port = (int)parse_number(arg, value, 1, 65535);
            else
                opt.max_connections = parse_number(arg, value, 1, 1000000000L);
        } else if (strcmp(arg, "--delay") == 0) {
            if (i + 1 >= argc)
                bad_usage("missing value after", arg);
            opt.delay = answer_delay = parse_seconds(arg, argv[++i]);
        } else if (strcmp(arg, "--high-fd") == 0) {
            opt.high_fd = 1;
        } else {
            bad_usage("unknown option", arg);
        }
    }
    return opt;
}

/* ---- printing ------------------------------------------------------------ */

void die(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", program, what, strerror(errno));
    exit(1);
}

/* Print text plus a newline, flushed at once (stdout may be a pipe). */
static void print_text(uint64_t task, const char *text, size_t len)
{
    fwrite(text, 1, len, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    trace_output(task, text, len); /* viewer: the printed line(s) */
}

__attribute__((format(printf, 2, 3)))
static void say(uint64_t task, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    print_text(task, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void say_waiting(void)
{
    char now[TIMESTAMP_SIZE];
    say(TRACE_LOOP, "%s Waiting for a connection...", timestamp_now(now, sizeof now));
}

/* ---- the listening socket ------------------------------------------------- */

/* O_NONBLOCK: from now on a call on this socket that would have to wait
 * fails with EAGAIN instead. */
static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        die("fcntl(O_NONBLOCK)");
}

/* --high-fd: pretend we are a busy server that already has 1500 descriptors
 * open, by moving the listening socket up to fd HIGH_FD. The soft limit on
 * open files (often 1024) must be raised first, or dup2() fails. */
static int move_to_high_fd(int fd)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) < 0)
        die("getrlimit(RLIMIT_NOFILE)");
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur <= HIGH_FD) {
        if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max <= HIGH_FD) {
            fprintf(stderr, "%s: --high-fd needs %d open files, the hard limit is %llu\n",
                    program, HIGH_FD + 1, (unsigned long long)lim.rlim_max);
            exit(1);
        }
        lim.rlim_cur = HIGH_FD + 1;
        if (setrlimit(RLIMIT_NOFILE, &lim) < 0)
            die("setrlimit(RLIMIT_NOFILE)");
    }
    /* The copy shares the open socket (and its O_NONBLOCK flag). */
    if (dup2(fd, HIGH_FD) < 0)
        die("dup2");
    close(fd);
    return HIGH_FD;
}

int open_listener(const struct options *opt)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    int on = 1; /* restart without waiting for old connections in TIME_WAIT */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt(SO_REUSEADDR)");

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)opt->port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        char msg[300];
        al_listen_error(msg, sizeof msg, "127.0.0.1", opt->port, -errno, 0);
        fprintf(stderr, "%s: %s\n", program, msg);
        exit(1);
    }
    /* A long queue: we accept quickly, but a burst of clients arriving
     * while we are busy should wait in it rather than be retried later. */
    if (listen(fd, SOMAXCONN) < 0)
        die("listen");

    /* Non-blocking, so that accepting in a loop stops with EAGAIN when the
     * queue is empty instead of blocking the whole server. */
    set_nonblocking(fd);
    return opt->high_fd ? move_to_high_fd(fd) : fd;
}

int accept_nonblocking(int listen_fd, char host[INET_ADDRSTRLEN], int *port)
{
    for (;;) {
        struct sockaddr_in peer;
        socklen_t peer_len = sizeof peer;
        int fd = accept(listen_fd, (struct sockaddr *)&peer, &peer_len);
        if (fd < 0) {
            /* EINTR: a signal arrived, try again. ECONNABORTED: that client
             * gave up while queued, take the next one. */
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return -1; /* EAGAIN/EWOULDBLOCK: the queue is empty */
        }
        /* A socket from accept() does not inherit O_NONBLOCK on Linux. */
        set_nonblocking(fd);
        inet_ntop(AF_INET, &peer.sin_addr, host, INET_ADDRSTRLEN);
        *port = ntohs(peer.sin_port);
        return fd;
    }
}

/* ---- one connection -------------------------------------------------------- */

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int conn_ms_until_due(const struct conn *c)
{
    if (c->state != CONN_DELAYING)
        return -1;
    int64_t left = c->due_us - now_us();
    return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

struct conn *conn_new(int fd, const char *host, int port)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "%s: out of memory; closing the connection from port %d\n", program, port);
        close(fd);
        return NULL;
    }
    c->fd = fd;
    c->port = port;
    c->state = CONN_READING;

    char now[TIMESTAMP_SIZE];
    say(TRACE_SERVER, "%s Got connection from ('%s', %d)", timestamp_now(now, sizeof now), host, port);
    c->trace_id = trace_connection_begins(port, fd); /* viewer */
    return c;
}

/* Has the blank line that ends the request head arrived? Only the bytes
 * just received (and the 3 before them) can complete it. */
static int head_is_complete(const struct conn *c, size_t old_len)
{
    size_t from = old_len >= 3 ? old_len - 3 : 0;
    for (size_t i = from; i + 4 <= c->received; i++)
        if (memcmp(c->request + i, "\r\n\r\n", 4) == 0)
            return 1;
    return 0;
}

static void say_received(const struct conn *c)
{
    static char line[sizeof "Received: " + REQUEST_MAX];
    size_t len = (size_t)snprintf(line, sizeof line, "Received: ");
    memcpy(line + len, c->request, c->received);
    print_text(c->trace_id, line, len + c->received);
}

static int fail(struct conn *c, int error, const char *why)
{
    c->error = error;
    fprintf(stderr, "%s: connection from port %d: %s\n", program, c->port, why);
    return 0;
}

/* READING: take what has arrived. One recv() per wake-up is enough: if more
 * is waiting, the socket is still readable and the loop will say so again
 * (select and poll are "level-triggered"). Returns 1 to keep reading. */
static int read_some(struct conn *c)
{
    ssize_t n = recv(c->fd, c->request + c->received, REQUEST_MAX - c->received, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return 1; /* nothing after all (it happens): wait again */
        return fail(c, -errno, strerror(errno));
    }
    if (n == 0)
        return fail(c, -ECONNRESET, "closed before sending a whole request");

    size_t old_len = c->received;
    c->received += (size_t)n;
    if (head_is_complete(c, old_len)) {
        say_received(c);
        if (answer_delay > 0) {
            /* --delay: the answer is due later. Nothing blocks: the conn
             * just waits in its state while the loop serves the others. */
            c->state = CONN_DELAYING;
            c->due_us = now_us() + (int64_t)(answer_delay * 1e6);
        } else {
            c->state = CONN_WRITING;
        }
        return 1;
    }
    if (c->received == REQUEST_MAX) {
        char why[64];
        snprintf(why, sizeof why, "request head larger than %d bytes; closing", REQUEST_MAX);
        return fail(c, -EMSGSIZE, why);
    }
    return 1; /* a partial request: keep it, wait for the rest */
}

/* WRITING: send as much of the answer as the socket takes. A non-blocking
 * send() may take part of it, or nothing (EAGAIN: the send buffer is full);
 * then we wait until the socket is writable. Returns 1 while unfinished. */
static int write_some(struct conn *c)
{
    while (c->sent < RESPONSE_LEN) {
        ssize_t n = send(c->fd, RESPONSE + c->sent, RESPONSE_LEN - c->sent, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 1;
            return fail(c, -errno, strerror(errno));
        }
        c->sent += (size_t)n;
    }
    return 0; /* all sent: done */
}

int conn_on_ready(struct conn *c)
{
    if (c->state == CONN_DELAYING) {
        /* Called because of the clock, not the socket: is it time? */
        if (conn_ms_until_due(c) > 0)
            return 1;
        c->state = CONN_WRITING;
    } else {
        trace_woken_by_fd(c->trace_id, c->fd, c->state == CONN_READING ? 1 : 2); /* viewer */
    }

    int more = 1;
    if (c->state == CONN_READING)
        more = read_some(c);
    if (more && c->state == CONN_WRITING)
        more = write_some(c);

    if (more && c->state == CONN_READING)      /* viewer */
        trace_waits_read(c->trace_id, c->fd);
    else if (more && c->state == CONN_WRITING) /* viewer */
        trace_waits_write(c->trace_id, c->fd);
    return more;
}

void conn_close(struct conn *c)
{
    close(c->fd);
    trace_connection_ends(c->trace_id, c->error); /* viewer */
    free(c);
}
