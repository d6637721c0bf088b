/* service.h — what lesson 2's select() and poll() servers share.
 *
 * Both serve the same thing as lesson 1 ({"Hello": "World"} to any request)
 * and differ only in *how they wait*. Everything that is not waiting lives
 * here: the command line, the listening socket, and one connection's life:
 *
 *     accepted → READING (buffer bytes until the blank line "\r\n\r\n")
 *              → WRITING (send the answer, as much as the socket takes)
 *              → closed
 *
 * Every socket is non-blocking: a call that would have to wait returns
 * EAGAIN instead, and the connection simply stays in its state until the
 * loop says its socket is ready again. No call here ever blocks; the only
 * place the program waits is the select() or poll() in the loop.
 */
#ifndef LESSON02_SERVICE_H
#define LESSON02_SERVICE_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>

#define DEFAULT_PORT 8001
#define REQUEST_MAX 8192 /* a request head larger than this is refused */
#define HIGH_FD 1500     /* where --high-fd moves the listening socket */

struct options {
    int port;
    long max_connections; /* 0: serve forever */
    int high_fd;          /* move the listening socket to fd HIGH_FD */
    double delay;         /* --delay S: answer each request S seconds after it arrived */
};

/* Parse the command line; --help prints usage and exits 0, a bad flag
 * prints a message and exits 2. `waits_with` names the call ("select()"). */
struct options parse_options(int argc, char **argv, const char *program, const char *waits_with);

/* A non-blocking listening socket on 127.0.0.1:port, moved to HIGH_FD when
 * asked. Exits with a message if it cannot be had. */
int open_listener(const struct options *opt);

/* Accept one pending connection as a non-blocking socket. Returns its fd,
 * or -1 with errno set: EAGAIN when nobody else is waiting. */
int accept_nonblocking(int listen_fd, char host[INET_ADDRSTRLEN], int *port);

/* With --delay, a whole request waits in CONN_DELAYING until its answer is
 * due: it waits for the clock, not for its socket, and the loop's select()
 * or poll() sleeps no longer than until the earliest due time. */
enum conn_state { CONN_READING, CONN_DELAYING, CONN_WRITING };

struct conn {
    int fd;
    int port;                  /* the client's port, for the log */
    enum conn_state state;     /* what the conn waits for: readable or writable */
    size_t received;           /* bytes of request[] filled so far */
    size_t sent;               /* bytes of the answer sent so far */
    int64_t due_us;            /* CONN_DELAYING: when to answer (monotonic clock, µs) */
    int error;                 /* why it ended: 0 or a negative errno */
    uint64_t trace_id;         /* viewer: this connection's task id */
    char request[REQUEST_MAX];
};

/* Wrap an accepted socket in a conn (state READING) and print
 * "<ts> Got connection from ('<host>', <port>)". NULL if out of memory (the
 * socket is then closed). */
struct conn *conn_new(int fd, const char *host, int port);

/* The loop saw c->fd ready for what c waits for: do everything that can be
 * done without blocking. Returns 1 if c still needs its socket (look at
 * c->state for which way), 0 if it is finished: call conn_close(). */
int conn_on_ready(struct conn *c);

/* CONN_DELAYING: milliseconds until c's answer is due, rounded up (so a
 * wait of that long never wakes early); 0 when due. -1 in other states. */
int conn_ms_until_due(const struct conn *c);

/* Close the socket and free the conn. */
void conn_close(struct conn *c);

/* "<ts> Waiting for a connection...", printed when the server is idle. */
void say_waiting(void);

/* Print a system error and exit 1. */
void die(const char *what);

extern const char *program;

#endif
