/* ex1.h — exercise 1: a correct blocking server (given; do not change).
 *
 * Lesson 1's server, done right: it reads the *whole* request however it
 * arrives, sends *all* of the answer however the kernel takes it, and says
 * exactly how long the answer is. Still one client at a time: that is
 * lesson 2's problem, not this one's.
 *
 * Errors are negative errno values (-ECONNRESET, not -1 and errno).
 */
#ifndef EX1_H
#define EX1_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A listening TCP socket on 127.0.0.1:port (port 0: the kernel chooses),
 * with SO_REUSEADDR and a backlog of at least 16. The fd, or -errno. */
int ex1_listen(uint16_t port);

/* Read one whole request from a connected socket into buf: the head, up to
 * and including the empty line "\r\n\r\n", and then, if the head has a
 * Content-Length header (any capitalisation), that many bytes of body.
 * The request may arrive in any number of pieces. Returns the number of
 * bytes of the request; 0 if the peer closed before sending anything;
 * -EPROTO if it closed in the middle of a request; -EMSGSIZE if the request
 * does not fit in cap bytes; -errno if recv failed. */
ssize_t ex1_read_request(int fd, char *buf, size_t cap);

/* Send all len bytes, whatever send() takes at a time: it may take fewer
 * bytes than offered, or be interrupted by a signal (EINTR) before sending
 * any. 0, or -errno (use MSG_NOSIGNAL: a peer that is gone is -EPIPE, not a
 * dead server). */
int ex1_send_all(int fd, const void *buf, size_t len);

/* Send one complete response:
 *   HTTP/1.1 STATUS REASON\r\n
 *   Content-Type: application/json\r\n
 *   Content-Length: BODY_LEN\r\n
 *   Connection: close\r\n
 *   \r\n
 *   BODY (body_len bytes: it may contain any byte, NUL too)
 * 0, or -errno. */
int ex1_respond(int fd, int status, const char *reason, const void *body, size_t body_len);

/* Serve connections one at a time on listen_fd: accept, read the request
 * (ex1_read_request), answer what ex_route() (answer.h) says (ex1_respond,
 * with the route's status, reason and body), close, and go on with the next.
 * A connection that fails (reset, closed early, too large) is closed and
 * the server goes on. Returns 0 after max_connections connections (0: serve
 * forever), or -errno if accept() fails for good. */
int ex1_serve(int listen_fd, int max_connections);

#endif
