/* blocking_server.c — lesson 1: the article's blocking socket server, in C.
 *
 * One process, one thread, one connection at a time:
 *
 *     socket → bind → listen → loop { accept → recv → print → send → close }
 *
 * Every call blocks. While one client is connected and silent, the server
 * sits in recv() waiting for it, and every other client waits in the listen
 * queue. That is the problem lessons 2 to 5 solve.
 *
 * Raw POSIX calls on purpose: no asynclab core here. The trace_* calls
 * marked "viewer:" only feed asynclab's live timeline (lesson_trace.h); they
 * are not part of the lesson and do nothing unless ASYNCLAB_TRACE is set.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "asynclab/error.h"   /* al_listen_error: the one message for a port in use */
#include "lesson_trace.h"
#include "timestamp.h"

#define DEFAULT_PORT 8001
#define RECV_SIZE 1024 /* the article's client_socket.recv(1024) */

/* The article's answer, byte for byte: headers, a blank line, 18 bytes of
 * JSON. "Connection: close" tells the client we close after one answer. */
static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 18\r\n"
    "Connection: close\r\n"
    "\r\n"
    "{\"Hello\": \"World\"}";

static const char *program = "lesson01_blocking_server";

struct options {
    int port;
    long max_connections; /* 0: serve forever */
    int die_on_sigpipe;   /* keep SIGPIPE's default action (see the README) */
    double delay;         /* --delay S: each request takes S seconds to handle */
};

/* ---- command line ------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: %s [--port N] [--max-connections N] [--delay S] [--die-on-sigpipe]\n"
            "\n"
            "Lesson 1: a blocking HTTP server on 127.0.0.1 that answers every\n"
            "request with {\"Hello\": \"World\"}, one connection at a time.\n"
            "\n"
            "  --port N             listen on port N (default %d)\n"
            "  --max-connections N  exit after serving N connections (default: never)\n"
            "  --delay S            sleep S seconds (e.g. 0.2) while handling each request,\n"
            "                       as if it waited for a database: everyone else waits too\n"
            "  --die-on-sigpipe     do not ignore SIGPIPE: a client that resets its\n"
            "                       connection at the wrong moment kills the server\n"
            "  --help               show this text\n",
            program, DEFAULT_PORT);
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

static struct options parse_options(int argc, char **argv)
{
    struct options opt = { .port = DEFAULT_PORT, .max_connections = 0, .die_on_sigpipe = 0, .delay = 0 };

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
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
            opt.delay = parse_seconds(arg, argv[++i]);
        } else if (strcmp(arg, "--die-on-sigpipe") == 0) {
            opt.die_on_sigpipe = 1;
        } else {
            bad_usage("unknown option", arg);
        }
    }
    return opt;
}

/* ---- printing ------------------------------------------------------------ */

static void die(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", program, what, strerror(errno));
    exit(1);
}

/* Print some text as one print() call would, and flush it at once: when a
 * test or the viewer reads our stdout it is a pipe, and stdio keeps pipe
 * output in a buffer until it is full. */
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

/* ---- the socket calls, each with its failure modes ------------------------ */

/* socket → setsockopt → bind → listen, as the article's first lines. */
static int open_server_socket(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");

    /* Without SO_REUSEADDR a restarted server cannot bind for a minute or
     * so: the previous run's closed connections linger in TIME_WAIT. */
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt(SO_REUSEADDR)");

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* 127.0.0.1 only */
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        char msg[300];
        al_listen_error(msg, sizeof msg, "127.0.0.1", port, -errno, 0);
        fprintf(stderr, "%s: %s\n", program, msg);
        exit(1);
    }

    /* The backlog: how many finished handshakes the kernel queues for us
     * while we are busy. Clients beyond it wait (their SYNs are retried). */
    if (listen(fd, 5) < 0)
        die("listen");
    return fd;
}

/* Block until a client connects. Returns its socket and fills host/port.
 *
 * EINTR: a signal handler ran while we were blocked; nothing went wrong,
 * just call again. ECONNABORTED: the client gave up while in the queue.
 * (This program installs no handlers, but code that may one day live next
 * to some must survive EINTR, or it fails at random.) */
static int accept_client(int server_fd, char host[INET_ADDRSTRLEN], int *port)
{
    for (;;) {
        struct sockaddr_in peer;
        socklen_t peer_len = sizeof peer;
        int fd = accept(server_fd, (struct sockaddr *)&peer, &peer_len);
        if (fd >= 0) {
            inet_ntop(AF_INET, &peer.sin_addr, host, INET_ADDRSTRLEN);
            *port = ntohs(peer.sin_port);
            return fd;
        }
        if (errno != EINTR && errno != ECONNABORTED)
            die("accept");
    }
}

/* One recv(), as the article: whatever has arrived, up to size bytes.
 * Returns the byte count (0 = the client closed), or -errno. */
static ssize_t recv_once(int fd, char *buf, size_t size)
{
    for (;;) {
        ssize_t n = recv(fd, buf, size, 0);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return -errno;
    }
}

/* Python's sendall(): send() may take only part of the buffer (the socket's
 * send buffer is full, or a signal interrupted it after some bytes), so keep
 * sending from where it stopped. Returns 0 or -errno. */
static int send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* --delay: the handler's slow work (a database query, another service),
 * played by a plain sleep. This server has one thread, so while it sleeps
 * nobody else is served: N clients that each need S seconds wait N x S. */
static void sleep_seconds(double seconds)
{
    struct timespec left = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
    while (nanosleep(&left, &left) < 0 && errno == EINTR)
        ; /* a signal cut the sleep short: sleep the rest */
}

/* ---- one connection, start to finish ------------------------------------- */

static void serve_connection(int fd, int port, double delay)
{
    uint64_t conn = trace_connection_begins(port); /* viewer: a task per connection */
    int error = 0;

    char request[RECV_SIZE];
    trace_blocked_reading(conn, fd);     /* viewer */
    ssize_t n = recv_once(fd, request, sizeof request);
    trace_woken_by_fd(conn, fd);         /* viewer */
    if (n < 0) {
        /* Python would raise here and the whole server would stop; we
         * report it and move on to the next client. */
        error = (int)n;
        fprintf(stderr, "%s: recv from port %d: %s\n", program, port, strerror(-error));
    } else {
        /* The request is printed raw, "\r\n" and all, as print() does. */
        char line[sizeof "Received: " + RECV_SIZE];
        size_t len = (size_t)snprintf(line, sizeof line, "Received: ");
        memcpy(line + len, request, (size_t)n);
        print_text(conn, line, len + (size_t)n);

        if (n > 0 && delay > 0)
            sleep_seconds(delay);        /* blocks the whole server */
        error = send_all(fd, RESPONSE, sizeof RESPONSE - 1);
        if (error < 0)
            fprintf(stderr, "%s: send to port %d: %s\n", program, port, strerror(-error));
    }
    close(fd);
    trace_connection_ends(conn, error);  /* viewer */
}

int main(int argc, char **argv)
{
    struct options opt = parse_options(argc, argv);

    /* Writing to a connection the peer has already torn down raises SIGPIPE,
     * whose default action kills the whole process: one rude client would
     * stop the server for everybody. Ignored, the same mistake is just an
     * EPIPE error from send() for that one connection. (The README shows a
     * client that triggers it.) */
    if (!opt.die_on_sigpipe)
        signal(SIGPIPE, SIG_IGN);

    int server_fd = open_server_socket(opt.port);
    trace_start(program);                /* viewer */

    for (long served = 0; opt.max_connections == 0 || served < opt.max_connections; served++) {
        char now[TIMESTAMP_SIZE];
        say(TRACE_SERVER, "%s Waiting for a connection...", timestamp_now(now, sizeof now));

        char host[INET_ADDRSTRLEN];
        int port;
        trace_blocked_reading(TRACE_SERVER, server_fd); /* viewer */
        int client_fd = accept_client(server_fd, host, &port);
        trace_woken_by_fd(TRACE_SERVER, server_fd);     /* viewer */

        say(TRACE_SERVER, "%s Got connection from ('%s', %d)",
            timestamp_now(now, sizeof now), host, port);
        serve_connection(client_fd, port, opt.delay);
    }

    close(server_fd);
    trace_finish();                      /* viewer */
    return 0;
}
