/* ex2.h — exercise 2: a select() server (given; do not change).
 *
 * One thread serves many clients at once: every socket is non-blocking,
 * select() says which ones can make progress, and each connection keeps its
 * own state (how much of the request has arrived, how much of the answer
 * has gone out) in a struct, as lesson 2's service.c does.
 */
#ifndef EX2_H
#define EX2_H

/* Serve on listen_fd (already listening; make it non-blocking yourself)
 * with select() in this one thread, no threads, no fork:
 *   - accept every client that knocks (until EAGAIN);
 *   - read each client's request head as it arrives, in any number of
 *     pieces, until "\r\n\r\n" (at most EX_HEAD_MAX bytes; a longer head is
 *     answered with ex_answer_too_large());
 *   - answer with ex_answer() (answer.h) and send the answer as the client
 *     takes it: a client that does not read must not hold up the others;
 *   - close the connection when the answer is out, or when the client
 *     leaves or fails; never leak a descriptor.
 * Returns 0 after max_connections connections have been closed (0: serve
 * forever), or -errno if select() or accept() fails for good. */
int ex2_serve(int listen_fd, int max_connections);

#endif
