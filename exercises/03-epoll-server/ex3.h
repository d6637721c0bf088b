/* ex3.h — exercise 3: an epoll callback server, level- and edge-triggered
 * (given; do not change).
 *
 * Lesson 3's loop: every descriptor is registered with epoll together with
 * the function to call when it is ready (epoll_event.data.ptr points at a
 * struct holding the fd, the callback and the connection's state), and the
 * loop is nothing but epoll_wait and calling what it returned.
 */
#ifndef EX3_H
#define EX3_H

/* Serve on listen_fd (already listening; make it non-blocking) with one
 * epoll instance in this one thread, no threads, no fork. The service is
 * exercise 2's (answer.h: read a head until "\r\n\r\n", at most
 * EX_HEAD_MAX bytes, answer with ex_answer() or ex_answer_too_large(),
 * send it as the client takes it, close).
 *
 * edge_triggered = 0: register every descriptor level-triggered.
 * edge_triggered = 1: register every descriptor with EPOLLET, the listener
 *   too, and read, accept and write until EAGAIN on every event: an edge is
 *   reported once, not again while data (or a waiting client) remains.
 *
 * When a connection is over (answer sent, client gone, error), remove it
 * from epoll and close it: the server must not leak descriptors.
 * Returns 0 after max_connections connections have been closed (0: serve
 * forever), or -errno if epoll or accept fails for good. */
int ex3_serve(int listen_fd, int edge_triggered, int max_connections);

#endif
