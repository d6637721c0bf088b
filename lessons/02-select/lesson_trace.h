/* lesson_trace.h — NOT PART OF THE LESSON: hooks for asynclab's live viewer.
 *
 * When the environment variable ASYNCLAB_TRACE is set ("path" or "fd:N"),
 * these hooks write trace events (core/include/asynclab/trace.h) so that
 * `asynclab` can draw the server on a timeline. When it is unset, every hook
 * returns at once and the program behaves exactly the same.
 *
 * You can read the lesson's files as if these calls were not there: each one
 * is marked "viewer:".
 *
 * The picture drawn, in the core's vocabulary:
 *   task 0                 the loop itself: each select()/poll() call is a
 *                          "poll begin"/"poll end" pair, each ready
 *                          descriptor an "fd ready" event;
 *   task 1 "server"        the accept step, waiting to read the listening
 *                          socket between connections;
 *   task N "conn <port>"   one per accepted connection, waiting to read its
 *                          socket (or to write it, if the answer did not fit).
 * Unlike lesson 1, several connection tasks wait at the same time, so on the
 * timeline they overlap.
 */
#ifndef LESSON02_TRACE_H
#define LESSON02_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_LOOP 0   /* output printed by the loop, outside any task */
#define TRACE_SERVER 1 /* the accept step */

/* Open $ASYNCLAB_TRACE (if set), say hello (backend: "select" or "poll"),
 * start the "server" task waiting on the listening socket. */
void trace_start(const char *program, const char *backend, int listen_fd);
/* The server task ends; flush and close the trace. */
void trace_finish(void);

/* One printed text (may hold several lines): one "output" event per line. */
void trace_output(uint64_t task, const char *text, size_t len);

/* Around the one call that blocks: select() or poll(). */
void trace_poll_begin(void);
void trace_poll_end(int ready);

/* The poller said fd is ready (mask: 1 read, 2 write) and the task that
 * waits on it runs. */
void trace_woken_by_fd(uint64_t task, int fd, int mask);
/* The task has done what it could and waits for fd again. */
void trace_waits_read(uint64_t task, int fd);
void trace_waits_write(uint64_t task, int fd);

/* A connection was accepted: a new task that waits for its request.
 * Returns its task id. */
uint64_t trace_connection_begins(int port, int fd);
/* The connection's task ends (error: 0 or a negative errno). */
void trace_connection_ends(uint64_t conn, int error);

#endif
