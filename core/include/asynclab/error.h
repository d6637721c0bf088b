/* asynclab/error.h — how the core reports failure.
 *
 * Contract
 *   - Every fallible function returns an int: 0 (or a non-negative count) on
 *     success, a negative errno value on failure, as libuv does. -EINVAL for a
 *     bad argument, -EBADF for a bad or closed descriptor, -ENOMEM when an
 *     allocation failed, -ECANCELED when a task was cancelled at an await,
 *     -ETIMEDOUT when a deadline passed.
 *   - Library code never calls exit() or abort() on bad input. (The one
 *     exception is memory corruption the library cannot continue past: a
 *     fiber stack overflow, reported with the task's name, then the process
 *     dies with SIGSEGV.)
 *   - al_strerror() names an error for a human; it never returns NULL and is
 *     thread-safe (static strings, or a buffer of the calling thread's that
 *     the next call in that thread overwrites).
 */
#ifndef ASYNCLAB_ERROR_H
#define ASYNCLAB_ERROR_H

#include <errno.h>
#include <stddef.h>

/* Returned (positive, so never confused with an error) by an await primitive
 * called from a stackless coroutine: "the wait is armed, yield to the loop".
 * Fibers never see it: for them the primitive switches stacks and returns the
 * final result. */
#define AL_PENDING 1

/* A short English description of a negative errno value: the core's own
 * words for the errors it gives a meaning ("-ECANCELED: cancelled"), the
 * system's (strerror) for every other ("Address already in use"). */
const char *al_strerror(int err);

/* The symbolic name of a negative errno value ("ECANCELED"), or "E?" */
const char *al_errname(int err);

/* The message for a server that could not listen on host:port (err from
 * socket/bind/listen, or -EINVAL for a host that is not an IPv4 address),
 * with what to do where there is something to do: "cannot listen on
 * 127.0.0.1:8000: Address already in use: another program is using port
 * 8000: try --port 0 for a free one" (port0_ok: the program takes --port 0;
 * else "choose another --port"). Every server of the project (its option for
 * the port is --port) prints this one. Returns snprintf's count. */
int al_listen_error(char *buf, size_t size, const char *host, int port, int err, int port0_ok);

#endif
