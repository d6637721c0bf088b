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
 *     thread-safe (it returns static strings).
 */
#ifndef ASYNCLAB_ERROR_H
#define ASYNCLAB_ERROR_H

#include <errno.h>

/* Returned (positive, so never confused with an error) by an await primitive
 * called from a stackless coroutine: "the wait is armed, yield to the loop".
 * Fibers never see it: for them the primitive switches stacks and returns the
 * final result. */
#define AL_PENDING 1

/* A short English description of a negative errno value ("-ECANCELED: task
 * cancelled"). Unknown values give "unknown error". */
const char *al_strerror(int err);

/* The symbolic name of a negative errno value ("ECANCELED"), or "E?" */
const char *al_errname(int err);

#endif
