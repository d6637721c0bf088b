/* sched.h — exercise 5: a mini scheduler on a virtual clock (given; do not
 * change).
 *
 * Lesson 5's loop, small enough to write yourself: tasks are generators
 * (core's gen.h) that yield *requests* ("wake me in 1 s", "wake me when
 * these tasks are done"); the scheduler keeps a ready queue and a timer
 * heap and decides who runs when. Time is virtual: it starts at 0 and
 * jumps to the next timer when nobody is ready, so "three tasks sleep one
 * second" takes no real time and every time is exact.
 *
 * The rules (the tests check each one):
 *   1. ex5_spawn queues the task on the ready queue; it starts in a later
 *      pass of ex5_run, never inside ex5_spawn.
 *   2. A pass runs every task that was ready when the pass began, in FIFO
 *      order, one step each (al_gen_send with the result of its last
 *      request; 0 for the first step). A task made ready during a pass
 *      runs in the next pass.
 *   3. A step ends when the task yields a request (an ex5_request *) or
 *      finishes (its result: 0, or the negative errno of AL_GEN_FAIL).
 *   4. EX5_SLEEP(us): the task is woken at now + us (result 0). Timers live
 *      in a min-heap ordered by (deadline, order of the requests): FIFO
 *      among equal deadlines. us = 0 lets every task that is ready run
 *      first.
 *   5. Only when no task is ready does the clock move: to the earliest
 *      deadline; every timer due then fires, in heap order.
 *   6. EX5_GATHER(tasks, n, timeout_us): the task waits until all n tasks
 *      are done. Result: 0, or the first error in list order. If they are
 *      all done already, it is woken in the next pass.
 *      With timeout_us >= 0: if they are not all done at now + timeout_us,
 *      every unfinished one is cancelled (al_gen_close runs its
 *      AL_GEN_FINALLY, its own timer is removed, its result is -ECANCELED)
 *      and the waiter is woken with -ETIMEDOUT. If they finish in time,
 *      the timeout's timer is removed: the clock must never jump to a
 *      timer nobody needs.
 *   7. ex5_run returns 0 when no task is ready and no timer is left.
 *   A request that is NULL or unknown wakes the task with -EINVAL.
 */
#ifndef EX5_SCHED_H
#define EX5_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include <asynclab/gen.h>

typedef struct ex5_sched ex5_sched;
typedef struct ex5_task ex5_task;

typedef enum ex5_op { EX5_OP_SLEEP = 1, EX5_OP_GATHER = 2 } ex5_op;

/* What a task yields. It lives in the task's frame. */
typedef struct ex5_request {
    ex5_op op;
    int64_t us;                 /* SLEEP: how long, in µs, >= 0 */
    ex5_task *const *tasks;     /* GATHER: the tasks to wait for */
    size_t n;
    int64_t timeout_us;         /* GATHER: -1 for no timeout */
} ex5_request;

/* Awaits, for task bodies: `req` is an ex5_request and `rc` an int, both
 * in the frame; after the await rc holds the request's result. */
#define EX5_SLEEP(g, req, rc, usec)                                   \
    do {                                                              \
        (req).op = EX5_OP_SLEEP;                                      \
        (req).us = (usec);                                            \
        AL_GEN_YIELD(g, &(req));                                      \
        (rc) = (int)AL_GEN_SENT(g);                                   \
    } while (0)

#define EX5_GATHER(g, req, rc, list, count, timeout)                  \
    do {                                                              \
        (req).op = EX5_OP_GATHER;                                     \
        (req).tasks = (list);                                         \
        (req).n = (count);                                            \
        (req).timeout_us = (timeout);                                 \
        AL_GEN_YIELD(g, &(req));                                      \
        (rc) = (int)AL_GEN_SENT(g);                                   \
    } while (0)

/* A scheduler at virtual time 0. 0 or -ENOMEM. */
int ex5_sched_new(ex5_sched **out);
/* Free the scheduler and every task (not the frames: they are the
 * caller's). */
void ex5_sched_free(ex5_sched *s);
/* Now, in µs of virtual time. */
int64_t ex5_now(const ex5_sched *s);
/* A task running `body`, an initialised generator whose frame the caller
 * keeps alive. *out (if out is not NULL) stays valid until ex5_sched_free.
 * 0 or -ENOMEM. */
int ex5_spawn(ex5_sched *s, al_gen *body, ex5_task **out);
/* Run until nothing can happen any more (rule 7). 0, or -errno. */
int ex5_run(ex5_sched *s);
int ex5_task_done(const ex5_task *t);
/* 0, a negative errno, -ECANCELED; -EAGAIN while not done. */
int ex5_task_result(const ex5_task *t);

#endif
