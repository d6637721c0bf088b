/* ex7.h — exercise 7: from readiness to completion on io_uring
 * (given; do not change).
 *
 * Lesson 7's completion style: the operations themselves are queued on the
 * ring (IORING_OP_ACCEPT, RECV, SEND, CLOSE) and their completions reaped;
 * the server never asks "is it ready?" and never makes the I/O calls itself.
 */
#ifndef EX7_H
#define EX7_H

/* Serve on listen_fd (already listening) with one io_uring in this thread.
 * The service is exercise 2's (answer.h): read a head until "\r\n\r\n", at
 * most EX_HEAD_MAX bytes (longer: ex_answer_too_large()), answer with
 * ex_answer(), send all of it, close.
 *
 * Every accept, receive and send is an operation queued on the ring: while
 * this function runs, the grader refuses (EPERM) the readiness calls and
 * the I/O calls a readiness server makes itself: accept and accept4, the
 * recv and send families, read and write on anything but fds 0-2, poll,
 * ppoll, select, pselect and the epoll calls. Writing to stderr for
 * debugging still works.
 *
 * A buffer named in a queued RECV or SEND belongs to the kernel until that
 * operation's completion is reaped. A connection that is over is closed
 * (close() or IORING_OP_CLOSE): the server must not leak descriptors.
 * Returns 0 after max_connections connections have been closed (0: serve
 * forever), or -errno if the ring cannot be set up. */
int ex7_serve(int listen_fd, int max_connections);

#endif
