/* asynclab/task.h — tasks: coroutines driven step by step by the loop.
 *
 * A task runs one coroutine. Two kinds share the one scheduler:
 *
 *   stackless  a generator (gen.h) whose yields are awaits. An await
 *              primitive arms the wait and returns AL_PENDING; AL_AWAIT
 *              yields to the loop and, once woken, reads the result. This is
 *              Python's generator-based coroutine (`yield from`) model.
 *
 *       struct hello { al_gen gen; int rc; };
 *       static int hello(al_gen *g) {
 *           struct hello *f = (struct hello *)g;
 *           AL_GEN_BEGIN(g);
 *           AL_AWAIT(g, f->rc, al_sleep(1000000));
 *           AL_GEN_END(g);
 *       }
 *
 *   fiber      a plain C function on its own stack (fiber.h). The same await
 *              primitives switch to the loop and return the final result, so
 *              the code reads like blocking code:  rc = al_sleep(1000000);
 *
 * Await primitives (al_sleep, al_wait_readable, al_join, ...) act on the
 * *current* task. Called outside a task they return -EPERM. Each returns 0
 * (or a value >= 0) when done, a negative errno on failure, -ECANCELED when
 * the task was cancelled while waiting, and from a stackless task AL_PENDING
 * meaning "yield now" (use AL_AWAIT; never ignore AL_PENDING).
 *
 * Cancellation (asyncio's rules): al_task_cancel() on a waiting task detaches
 * the wait and wakes the task; its pending await returns -ECANCELED. On a
 * task that is ready or running, the *next* await returns -ECANCELED at once.
 * A task that was never started finishes cancelled without running. The
 * coroutine runs its cleanup and returns: returning -ECANCELED (or any
 * error) finishes the task with that error; returning 0 means it chose to
 * swallow the cancellation. Joiners see the task's error.
 *
 * Lifetime: tasks are reference-counted. The loop holds a reference until the
 * task finishes; al_task_create* give the caller one more if `out` is not
 * NULL, which the caller drops with al_task_release(). Pass out = NULL for a
 * fire-and-forget task. al_loop_free() releases unfinished tasks.
 *
 * Errors: -EINVAL for NULL or bad arguments, -ENOMEM, -EPERM outside a task,
 * -EDEADLK when a task joins itself, -EBUSY when another task already waits
 * on the same fd in the same direction, -EALREADY cancelling a finished task.
 */
#ifndef ASYNCLAB_TASK_H
#define ASYNCLAB_TASK_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "gen.h"
#include "future.h"
#include "loop.h"

typedef struct al_task al_task;

/* AL_TASK_PLAIN is never a task of the scheduler: it names, in a trace, a
 * unit of work a program runs with plain code, not a coroutine (lesson 1's
 * connections, served one after the other by blocking calls on the main
 * thread's stack). al_task_create* never make one. */
typedef enum al_task_kind { AL_TASK_STACKLESS = 0, AL_TASK_FIBER = 1, AL_TASK_PLAIN = 2 } al_task_kind;

typedef enum al_task_state {
    AL_TASK_READY = 0,      /* created or woken, waiting for its turn */
    AL_TASK_RUNNING,
    AL_TASK_WAITING,        /* suspended at an await */
    AL_TASK_DONE,           /* returned 0 */
    AL_TASK_FAILED,         /* returned a negative errno */
    AL_TASK_CANCELLED       /* finished with -ECANCELED */
} al_task_state;

/* Why a task waits (trace "suspend" reasons). */
typedef enum al_wait_reason {
    AL_WAIT_NONE = 0,
    AL_WAIT_SLEEP,          /* until a time */
    AL_WAIT_YIELD,          /* sleep(0): just let the others run */
    AL_WAIT_READ,           /* fd readable */
    AL_WAIT_WRITE,          /* fd writable */
    AL_WAIT_JOIN,           /* another task */
    AL_WAIT_FUTURE,         /* a future (or several: gather, nursery) */
} al_wait_reason;

/* What woke a task (trace "ready" causes). */
typedef enum al_wake_cause {
    AL_WAKE_SPAWN = 0, AL_WAKE_TIMER, AL_WAKE_FD, AL_WAKE_TASK,
    AL_WAKE_FUTURE, AL_WAKE_CANCEL, AL_WAKE_YIELD
} al_wake_cause;

/* A fiber's body: return 0 or a negative errno; store a result in *result. */
typedef int (*al_fiber_fn)(void *arg, intptr_t *result);

/* Create a stackless task running fn on a frame of frame_size bytes (at
 * least sizeof(al_gen)), allocated with the task and initialised from
 * frame_init (copied; its al_gen part is reset). frame_init may be NULL
 * (zeroed). The name is copied: up to AL_TASK_NAME_MAX - 1 bytes for a
 * stackless task (its whole budget is 256 B, tests/bench/README.md), up to
 * AL_FIBER_TASK_NAME_MAX - 1 for a fiber task (which has a 64 KiB stack
 * already: 48 bytes more do not count); a longer name is cut with an ellipsis ("…")
 * at a character boundary, never silently. The task starts in the next
 * READY pass. */
#define AL_TASK_NAME_MAX 16
#define AL_FIBER_TASK_NAME_MAX 64
int al_task_create(al_loop *loop, al_task **out, const char *name,
                   al_gen_fn fn, const void *frame_init, size_t frame_size);

/* Create a fiber task: fn(arg, &result) on a stack of stack_size bytes
 * (0 = the default, 64 KiB). */
int al_task_create_fiber(al_loop *loop, al_task **out, const char *name,
                         al_fiber_fn fn, void *arg, size_t stack_size);

/* Drop a reference. */
void al_task_release(al_task *task);
al_task *al_task_retain(al_task *task);

int al_task_cancel(al_task *task);

/* The running task, or NULL between steps. */
al_task *al_task_current(void);

al_future *al_task_future(al_task *task);
void *al_task_frame(al_task *task);           /* stackless: the frame */
al_task_state al_task_state_of(const al_task *task);
const char *al_task_name(const al_task *task);

/* Copy name into dst (size bytes), cut with "…" at a UTF-8 character
 * boundary when it does not fit. Returns dst. How every task name is kept. */
char *al_task_name_fit(char *dst, size_t size, const char *name);
uint64_t al_task_id(const al_task *task);
al_loop *al_task_loop(const al_task *task);
int al_task_is_done(const al_task *task);
int al_task_error(const al_task *task);       /* -EAGAIN while not done */
intptr_t al_task_result(const al_task *task);
const char *al_task_state_name(al_task_state state);

/* ---- await primitives (current task) ------------------------------------ */

int al_sleep(int64_t us);                  /* relative, on the loop's clock */
int al_sleep_until(int64_t deadline_us);   /* absolute */
int al_yield(void);                        /* sleep(0) */
int al_wait_readable(int fd);
int al_wait_writable(int fd);

/* Completion operations: the result of the call itself. On the uring
 * backend the kernel performs it (queued in the ring, reaped later); on the
 * others the loop waits for readiness and then makes the call, so the same
 * program runs everywhere. recv: bytes received, 0 at end of stream; send:
 * bytes sent (maybe fewer than len); accept: a new non-blocking,
 * close-on-exec socket. Negative errno on failure (sockets only: -ENOTSOCK
 * for a pipe). At most INT_MAX bytes per call.
 * Ownership: buf belongs to the operation until the await returns, also when
 * the task is cancelled: on uring a cancellation asks the kernel
 * (IORING_OP_ASYNC_CANCEL) and the await returns only once the kernel has
 * answered — with -ECANCELED, or with the result if the operation finished
 * first (then the cancellation arrives at the task's next await). */
int al_recv(int fd, void *buf, size_t len);
int al_send(int fd, const void *buf, size_t len);
int al_accept(int fd);
/* The same with a deadline (absolute, the loop's clock, as al_sleep_until):
 * when it passes, the operation is cancelled as above and the await
 * returns -ETIMEDOUT once it has stopped (or the result, if it finished
 * first). Virtual time works: the deadline is a loop timer. */
int al_recv_until(int fd, void *buf, size_t len, int64_t deadline_us);
int al_send_until(int fd, const void *buf, size_t len, int64_t deadline_us);
int al_accept_until(int fd, int64_t deadline_us);
int al_await(al_future *fut);              /* returns the future's error */
int al_join(al_task *task);                /* returns the task's error */

/* Run the loop until `task` is done; returns the task's error (0 when it
 * returned normally, -ECANCELED when cancelled). -EDEADLK if the loop ran out
 * of work while the task was still waiting (nothing could ever wake it),
 * -EINTR if al_loop_stop was called first. */
int al_loop_run_until_complete(al_loop *loop, al_task *task);
/* All done; returns 0, or the error of the first task (in array order) that
 * failed. Unlike asyncio.gather it waits for every task even after an error;
 * use a nursery to cancel siblings on the first error. */
int al_gather(al_task *const *tasks, size_t n);
/* Join `task` for at most timeout_us. On timeout the task is cancelled, we
 * wait for it to finish its cleanup, and return -ETIMEDOUT. */
int al_wait_for(al_task *task, int64_t timeout_us);

/* For stackless bodies: evaluate an await primitive into `rc`; if it armed a
 * wait, yield to the loop and, on resume, set rc to the wait's result. */
#define AL_AWAIT(g, rc, call)                           \
    do {                                                \
        (rc) = (call);                                  \
        if ((rc) == AL_PENDING) {                       \
            AL_GEN_YIELD(g, 0);                         \
            (rc) = (int)AL_GEN_SENT(g);                 \
        }                                               \
    } while (0)

#endif
