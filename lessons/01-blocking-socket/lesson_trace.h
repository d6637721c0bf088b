/* lesson_trace.h — NOT PART OF THE LESSON: hooks for asynclab's live viewer.
 *
 * When the environment variable ASYNCLAB_TRACE is set ("path" or "fd:N"),
 * these hooks write trace events (core/include/asynclab/trace.h) so that
 * `asynclab` can draw the server on a timeline. When it is unset, every hook
 * returns at once and the program behaves exactly the same.
 *
 * You can read blocking_server.c as if these calls were not there: each one
 * is marked "viewer:".
 *
 * The picture drawn:
 *   task 1 "server"        the accept loop (main);
 *   task N "conn <port>"   one per accepted connection, spawned by task 1.
 * A blocking server does one thing at a time, so while a connection is being
 * served the server task waits for it (a join), and while accept() or recv()
 * blocks, the task that called it waits to read its descriptor. On the
 * timeline the connections therefore appear strictly one after another.
 */
#ifndef LESSON01_TRACE_H
#define LESSON01_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_SERVER 1 /* the task id of the accept loop */

/* Open $ASYNCLAB_TRACE (if set), say hello, start the "server" task. */
void trace_start(const char *program);
/* The server task ends; flush and close the trace. */
void trace_finish(void);

/* One printed text (may hold several lines): one "output" event per line. */
void trace_output(uint64_t task, const char *text, size_t len);

/* The task is about to block until fd is readable (accept, recv). */
void trace_blocked_reading(uint64_t task, int fd);
/* ...and the blocking call returned: fd had something for it. */
void trace_woken_by_fd(uint64_t task, int fd);

/* accept() gave us a connection: spawn its task, the server waits for it.
 * Returns the connection's task id. */
uint64_t trace_connection_begins(int port);
/* The connection is closed (error: 0 or a negative errno); the server
 * task carries on. */
void trace_connection_ends(uint64_t conn, int error);

#endif
