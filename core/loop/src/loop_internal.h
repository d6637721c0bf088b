/* loop_internal.h — the loop's private state, shared by the files that make
 * up the loop (loop.c, timer.c, io.c, future.c, task.c, nursery.c).
 * Nothing outside core/loop/src includes this. */
#ifndef AL_LOOP_INTERNAL_H
#define AL_LOOP_INTERNAL_H

#include <stdint.h>
#include <time.h>

#include "asynclab/backend.h"
#include "asynclab/io.h"
#include "asynclab/loop.h"
#include "asynclab/task.h"
#include "asynclab/timer.h"
#include "asynclab/events.h"

/* One entry of the ready queue: a callback and its argument. */
typedef struct al_ready_item {
    al_callback cb;
    void *arg;
} al_ready_item;

/* A one-shot wait on a descriptor by anyone above the loop (a task waits
 * this way): ready(owner, fd) is called once, when fd is ready in that
 * direction, and the wait is forgotten first. The loop never knows who the
 * owner is. */
typedef void (*al_fd_ready_cb)(void *owner, int fd);
typedef struct al_fd_wait {
    al_fd_ready_cb ready;
    void *owner;           /* NULL: nobody waits */
} al_fd_wait;

/* Who waits on a descriptor: a callback watcher, or up to two one-shot
 * waits (one reading, one writing). The backend is told the union of their
 * masks. */
typedef struct al_fdrec {
    al_io *io;
    al_fd_wait reader;     /* one waiting to read, one to write (tasks) */
    al_fd_wait writer;
    int mask;              /* what the backend currently watches */
} al_fdrec;

struct al_stack_pool;

struct al_loop {
    const al_backend_ops *backend;
    void *backend_state;

    /* clock */
    al_clock_kind clock;
    struct timespec mono_start;   /* CLOCK_MONOTONIC at creation */
    struct timespec real_start;   /* CLOCK_REALTIME at creation */
    int64_t virtual_now;

    /* ready queue: a ring buffer of callbacks */
    al_ready_item *ready;
    size_t ready_cap, ready_head, ready_len;

    /* timers: binary min-heap of pointers, ordered by (deadline, seq) */
    al_timer **heap;
    size_t heap_len, heap_cap;
    uint64_t timer_seq;

    /* descriptors */
    al_fdrec *fds;
    int fds_cap;
    int fds_active;               /* fds with a non-zero mask */
    al_fired *fired;
    int fired_cap;

    /* the task layer's (task.c) state; the loop only calls owners_free */
    void (*owners_free)(al_loop *loop);   /* first in al_loop_free, if set */
    uint64_t current_task;        /* id of the task running now (al_printf), or 0 */
    /* The task whose step ran last (set by task.c, cleared by the loop before a
     * measured step): a slow step's trace names it, and ready items stay two
     * words (a million queued steps are a million items). */
    uint64_t stepped_task;
    uint64_t next_task_id;
    al_task *tasks;               /* every task the loop holds, doubly linked */
    size_t tasks_alive;
    struct al_stack_pool *stack_pool;     /* created on the first fiber */
    size_t stack_pool_size;

    /* events (events.h): where they go, if anywhere */
    al_event_sink *sink;
    int owns_sink;
    int64_t slow_step_us;

    int stopping;
    /* while set and true, poll only looks, never blocks (run_until_complete:
     * its task finished, another watcher may never fire) */
    int (*stop_blocking)(void *arg);
    void *stop_blocking_arg;
    int in_poll;                  /* inside backend->poll (native callbacks may run) */
    al_op *ops;                   /* completion ops done the readiness way (op.c) */
    uint64_t iterations;
};

/* backend.c: the words al_loop_backend_error gives. forget: a creation
 * starts; failed: it failed with err (explained if the backend said why);
 * unknown: no backend has that name (source: "" or " (from $ASYNCLAB_BACKEND)"). */
void al__backend_forget(void);
void al__backend_failed(int err);
void al__backend_unknown(const char *name, const char *source);

/* loop.c */
int al__ready_push(al_loop *loop, al_callback cb, void *arg);
void al__trace(al_loop *loop, al_trace_event *ev);   /* fills t; call only when loop->sink */

void al__poll_interrupt(al_loop *loop);  /* new work arrived during poll */

/* loop_step.c: a viewer's slow motion (ASYNCLAB_STEP) */
void al__loop_step_gate(al_loop *loop);

/* timer.c */
al_timer *al__timer_peek(al_loop *loop);
void al__timers_fire_due(al_loop *loop);

/* io.c: al__fd_wait registers a one-shot wait (see al_fd_wait above);
 * -EBUSY if another owner waits in that direction, -EEXIST if an al_io
 * watches fd. al__fd_unwait forgets owner's wait, if it is there. */
int al__fd_wait(al_loop *loop, int fd, int dir, al_fd_ready_cb ready, void *owner);
void al__fd_unwait(al_loop *loop, int fd, int dir, void *owner);
int al__fd_check(int fd);
int al__fd_update(al_loop *loop, int fd);
void al__io_dispatch(al_loop *loop, int fd, int events);
void al__fds_free(al_loop *loop);

/* op.c: completion operations (al_op, backend.h), on the backend's op_start
 * or, without one, the readiness way. start: op->done(op) comes later, never
 * from here. cancel: 1 if op was withdrawn at once (done() will not come),
 * 0 if its done() is still to come (the kernel has it), or a negative errno.
 * drain: every op is finished (done() ran), for al_loop_free. */
int al__op_start(al_loop *loop, al_op *op);
int al__op_cancel(al_loop *loop, al_op *op);
void al__ops_drain(al_loop *loop);
int al__op_in_kernel(const al_loop *loop);

#endif
