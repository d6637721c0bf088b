/* task.c — tasks: driving coroutines step by step, and the await primitives.
 *
 * A task is a future (it completes with the coroutine's result) plus a
 * coroutine plus "what am I waiting for". The life of a task:
 *
 *   create ──► READY ──step──► RUNNING ──await──► WAITING ──wake──► READY ...
 *                                  └──return──► DONE / FAILED / CANCELLED
 *
 * A *step* resumes the coroutine until its next await. An await primitive
 * arms exactly one wait (a timer, an fd, a future) and suspends: a stackless
 * coroutine returns to us (AL_PENDING, then AL_GEN_YIELD), a fiber switches
 * stacks back to us. Whatever completes the wait calls task_wake(), which
 * queues the next step on the ready queue; the result of the await travels
 * in task->wake_result.
 */
#include "loop_internal.h"

#include <stdlib.h>
#include <string.h>

#include "asynclab/error.h"
#include "asynclab/fiber.h"
#include "asynclab/task.h"

/* Extra wait kinds that are not trace reasons of their own. */
enum { WAIT_GATHER = 100, WAIT_FOR = 101, WAIT_OP = 102 };
/* FLAG_CANCEL_NEXT: cancelled while an operation was in the kernel, which
 * finished anyway: its result is delivered, the cancellation at the next await. */
enum { FLAG_STARTED = 1, FLAG_MUST_CANCEL = 2, FLAG_TIMED_OUT = 4, FLAG_SHIELD_WAIT = 8,
       FLAG_CANCEL_NEXT = 16 };

typedef struct fiber_part {
    char name[AL_FIBER_TASK_NAME_MAX];   /* the whole name: a fiber's stack dwarfs it */
    al_fiber *fiber;
    al_fiber_fn fn;
    void *arg;
    intptr_t result;
    int rc;
} fiber_part;

typedef struct gather_state gather_state;

/* Kept small on purpose: a million sleeping stackless tasks must fit in
 * 256 bytes each, frame, timer-heap slot and ready-queue slot included. */
struct al_task {
    al_future fut;              /* first: a task *is* a future */
    al_task *prev, *next;       /* every task the loop holds */
    uint64_t id;
    uint32_t refs;
    uint8_t kind, state, wait, flags;
    int32_t wake_result;        /* what the pending await returns */
    int32_t wait_fd;
    al_timer timer;             /* sleep; wait_for's timeout */
    al_waiter waiter;           /* on the future we await */
    void *wait_obj;             /* that future, a gather_state, or wait_for's target */
    char name[AL_TASK_NAME_MAX];
    /* What follows the struct depends on the kind: a stackless task's frame
     * (starting with its al_gen), or a fiber task's fiber_part. */
};

static _Thread_local al_task *current;

static al_gen *task_gen(al_task *t) { return (al_gen *)(void *)(t + 1); }
static fiber_part *task_fiber(al_task *t) {
    return t->kind == AL_TASK_FIBER ? (fiber_part *)(void *)(t + 1) : NULL;
}
static al_loop *task_loop(const al_task *t) { return t->fut.loop; }

/* ---- tracing -------------------------------------------------------------- */

static void trace_task(al_task *t, uint16_t type, uint16_t reason, int32_t fd,
                       uint64_t other, int64_t value) {
    al_loop *loop = task_loop(t);
    if (!loop->sink) return;
    al_trace_event ev = {.type = type, .reason = reason, .fd = fd, .task = t->id,
                         .other = other, .value = value};
    al__trace(loop, &ev);
}

/* ---- lifetime ------------------------------------------------------------- */

al_task *al_task_retain(al_task *task) {
    if (task) task->refs++;
    return task;
}

static void task_free(al_task *t) {
    al_loop *loop = task_loop(t);
    if (t->prev) t->prev->next = t->next; else loop->tasks = t->next;
    if (t->next) t->next->prev = t->prev;
    fiber_part *fp = task_fiber(t);
    if (fp && fp->fiber) al_fiber_destroy(fp->fiber);
    free(t);
}

void al_task_release(al_task *task) {
    if (task && --task->refs == 0) task_free(task);
}

/* A task is a future its owner keeps alive while callbacks are queued on
 * it (future.h: al_future_owner); tasks_kind() is its owner kind. */
static void retain_future(al_future *fut) { al_task_retain((al_task *)fut); }
static void release_future(al_future *fut) { al_task_release((al_task *)fut); }
static const al_future_owner task_owner = {retain_future, release_future, NULL};
static uint8_t task_kind;

static int is_task(const al_future *fut) { return fut->owner && fut->owner == task_kind; }

/* ---- waking --------------------------------------------------------------- */

static void task_step(al_loop *loop, void *arg);

static void task_timer_cb(al_timer *timer);
static void op_deadline(al_task *t);   /* a completion operation's deadline passed */
static int queue_step(al_task *t) { return al__ready_push(task_loop(t), task_step, t); }

/* The wait is over (whoever ended it has already detached its own part):
 * queue the next step, carrying the await's result. */
static void task_wake(al_task *t, al_wake_cause cause, int result, uint64_t waker, int32_t fd) {
    t->wait = AL_WAIT_NONE;
    t->wait_obj = NULL;
    t->flags &= (uint8_t)~FLAG_SHIELD_WAIT;
    t->wake_result = result;
    t->state = AL_TASK_READY;
    trace_task(t, AL_EV_READY, (uint16_t)cause, fd, waker, 0);
    if (queue_step(t) < 0) {
        /* Cannot queue the step: fail the await rather than lose the task.
         * The step is retried from a timer, which needs no allocation. */
        t->wake_result = -ENOMEM;
        al_timer_start(&t->timer, task_timer_cb, 0, 0);
    }
}

/* The loop's one-shot fd wait fired (al__fd_wait's ready callback). */
static void fd_ready(void *owner, int fd) {
    task_wake(owner, AL_WAKE_FD, 0, 0, fd);
}

static void task_timer_cb(al_timer *timer) {
    al_task *t = (al_task *)((char *)timer - offsetof(al_task, timer));
    if (t->wait == WAIT_OP) {
        op_deadline(t);
        return;
    }
    if (t->wait == WAIT_FOR) {
        /* wait_for's timeout: cancel the target and keep waiting for it to
         * finish its cleanup; the join then reports -ETIMEDOUT. */
        trace_task(t, AL_EV_TIMER, 0, -1, 0, timer->deadline);
        t->flags |= FLAG_TIMED_OUT;
        al_task *target = t->wait_obj;
        if (!al_task_is_done(target)) al_task_cancel(target);
        return;
    }
    if (t->state == AL_TASK_READY) {
        /* the -ENOMEM retry path of task_wake */
        if (queue_step(t) < 0) al_timer_start(timer, task_timer_cb, 1000, 0);
        return;
    }
    trace_task(t, AL_EV_TIMER, 0, -1, 0, timer->deadline);
    task_wake(t, AL_WAKE_TIMER, 0, 0, -1);
}

static void future_notify(al_waiter *w, al_future *fut) {
    al_task *t = (al_task *)((char *)w - offsetof(al_task, waiter));
    if (t->wait == WAIT_FOR) {
        al_timer_stop(&t->timer);
        int timed_out = t->flags & FLAG_TIMED_OUT;
        t->flags &= (uint8_t)~FLAG_TIMED_OUT;
        task_wake(t, AL_WAKE_TASK, timed_out ? -ETIMEDOUT : fut->error, ((al_task *)fut)->id, -1);
        return;
    }
    if (is_task(fut))
        task_wake(t, AL_WAKE_TASK, fut->error, ((al_task *)fut)->id, -1);
    else
        task_wake(t, AL_WAKE_FUTURE, fut->error, 0, -1);
}

/* ---- finishing ------------------------------------------------------------ */

static void task_finish(al_task *t, int err, intptr_t result) {
    al_loop *loop = task_loop(t);
    t->state = err == 0 ? AL_TASK_DONE : err == -ECANCELED ? AL_TASK_CANCELLED : AL_TASK_FAILED;
    t->wait = AL_WAIT_NONE;
    uint16_t status = err == 0 ? AL_EXIT_OK : err == -ECANCELED ? AL_EXIT_CANCELLED : AL_EXIT_ERROR;
    trace_task(t, AL_EV_EXIT, status, -1, 0, err);
    fiber_part *fp = task_fiber(t);
    if (fp && fp->fiber) {
        al_fiber_destroy(fp->fiber);   /* the stack goes back to the pool now */
        fp->fiber = NULL;
    }
    loop->tasks_alive--;
    t->fut.state = err == -ECANCELED ? AL_FUTURE_CANCELLED : AL_FUTURE_DONE;
    t->fut.error = err;
    t->fut.result = result;
    al__future_notify_all(&t->fut);   /* waiters queue their work */
    al_task_release(t);   /* the loop's reference */
}

/* ---- stepping ------------------------------------------------------------- */

static void step_stackless(al_task *t) {
    al_gen *g = task_gen(t);
    g->sent = t->wake_result;
    int rc = g->fn(g);
    if (rc == AL_GEN_YIELDED) {
        if (t->wait == AL_WAIT_NONE) {
            /* A bare AL_GEN_YIELD in a coroutine: treat it as sleep(0). */
            trace_task(t, AL_EV_SUSPEND, AL_WAIT_YIELD, -1, 0, 0);
            t->wait = AL_WAIT_YIELD;
            t->state = AL_TASK_WAITING;
            task_wake(t, AL_WAKE_YIELD, 0, 0, -1);
        }
        return;
    }
    g->line = AL_GEN__DONE_LINE;
    task_finish(t, rc > 0 ? 0 : rc, g->value);
}

static void fiber_entry(void *arg) {
    fiber_part *fp = task_fiber(arg);
    fp->rc = fp->fn(fp->arg, &fp->result);
}

static void step_fiber(al_task *t) {
    fiber_part *fp = task_fiber(t);
    int rc = al_fiber_resume(fp->fiber);
    if (rc == 1) return;   /* it awaited something: it armed its wait already */
    int err = rc == 0 ? fp->rc : rc;
    task_finish(t, err > 0 ? 0 : err, fp->result);
}

static void task_step(al_loop *loop, void *arg) {
    (void)loop;
    al_task *t = arg;
    if (t->state != AL_TASK_READY) return;
    if (t->flags & FLAG_MUST_CANCEL) {
        t->flags &= (uint8_t)~FLAG_MUST_CANCEL;
        if (!(t->flags & FLAG_STARTED)) {   /* never ran: nothing to clean up */
            trace_task(t, AL_EV_RESUME, 0, -1, 0, 0);
            task_finish(t, -ECANCELED, 0);
            return;
        }
        t->wake_result = -ECANCELED;        /* delivered at the pending await */
    }
    t->flags |= FLAG_STARTED;
    t->state = AL_TASK_RUNNING;
    t->wait = AL_WAIT_NONE;
    trace_task(t, AL_EV_RESUME, 0, -1, 0, 0);
    al_task *prev = current;
    uint64_t prev_id = loop->current_task;
    loop->stepped_task = t->id;   /* the loop's slow-step trace names it */
    current = t;
    loop->current_task = t->id;   /* al_printf's output is tagged with it */
    if (t->kind == AL_TASK_FIBER) step_fiber(t); else step_stackless(t);
    loop->current_task = prev_id;
    current = prev;
}

/* ---- creation ------------------------------------------------------------- */

static void tasks_free(al_loop *loop);   /* the loop's owners_free */

static al_task *task_alloc(al_loop *loop, const char *name, size_t extra) {
    al_task *t = calloc(1, sizeof *t + extra);
    if (!t) return NULL;
    al_future_init(loop, &t->fut);
    if (!task_kind) task_kind = al_future_owner_kind(&task_owner);
    t->fut.owner = task_kind;
    t->id = ++loop->next_task_id;
    t->wait_fd = -1;
    al_timer_init(loop, &t->timer);
    t->timer.quiet = 1;   /* its firing is traced here, with the task's id */
    loop->owners_free = tasks_free;
    al_task_name_fit(t->name, sizeof t->name, name);
    return t;
}

static int task_start(al_loop *loop, al_task *t, al_task **out) {
    if (queue_step(t) < 0) return -ENOMEM;
    t->refs = out ? 2 : 1;
    t->next = loop->tasks;
    if (loop->tasks) loop->tasks->prev = t;
    loop->tasks = t;
    loop->tasks_alive++;
    if (loop->sink) {
        al_task *parent = current && task_loop(current) == loop ? current : NULL;
        al_trace_event ev = {.type = AL_EV_SPAWN, .reason = t->kind, .fd = -1, .task = t->id,
                             .other = parent ? parent->id : 0, .text = al_task_name(t),
                             .text_len = strlen(al_task_name(t))};
        al__trace(loop, &ev);
        trace_task(t, AL_EV_READY, AL_WAKE_SPAWN, -1, 0, 0);
    }
    if (out) *out = t;
    return 0;
}

int al_task_create(al_loop *loop, al_task **out, const char *name, al_gen_fn fn,
                   const void *frame_init, size_t frame_size) {
    if (out) *out = NULL;
    if (!loop || !fn || frame_size < sizeof(al_gen)) return -EINVAL;
    al_task *t = task_alloc(loop, name, frame_size);
    if (!t) return -ENOMEM;
    t->kind = AL_TASK_STACKLESS;
    if (frame_init) memcpy(task_gen(t), frame_init, frame_size);
    al_gen_init(task_gen(t), fn);
    int rc = task_start(loop, t, out);
    if (rc < 0) free(t);
    return rc;
}

/* Fiber stacks: one pool per stack size, created on first use. */
typedef struct pool_entry {
    struct pool_entry *next;
    size_t size;
    al_stack_pool *pool;
} pool_entry;

static al_stack_pool *pool_for(al_loop *loop, size_t size) {
    for (pool_entry *e = (pool_entry *)loop->stack_pool; e; e = e->next)
        if (e->size == size) return e->pool;
    pool_entry *e = malloc(sizeof *e);
    if (!e) return NULL;
    if (al_stack_pool_new(&e->pool, size) < 0) {
        free(e);
        return NULL;
    }
    e->size = size;
    e->next = (pool_entry *)loop->stack_pool;
    loop->stack_pool = (struct al_stack_pool *)e;
    loop->owners_free = tasks_free;
    return e->pool;
}

static void fiber_pools_free(al_loop *loop) {
    pool_entry *e = (pool_entry *)loop->stack_pool;
    while (e) {
        pool_entry *next = e->next;
        al_stack_pool_free(e->pool);
        free(e);
        e = next;
    }
    loop->stack_pool = NULL;
}

int al_task_create_fiber(al_loop *loop, al_task **out, const char *name, al_fiber_fn fn,
                         void *arg, size_t stack_size) {
    if (out) *out = NULL;
    if (!loop || !fn) return -EINVAL;
    if (stack_size == 0) stack_size = AL_FIBER_DEFAULT_STACK;
    if (stack_size < AL_FIBER_MIN_STACK) return -EINVAL;
    al_stack_pool *pool = pool_for(loop, stack_size);
    if (!pool) return -ENOMEM;
    al_task *t = task_alloc(loop, name, sizeof(fiber_part));
    if (!t) return -ENOMEM;
    t->kind = AL_TASK_FIBER;
    fiber_part *fp = task_fiber(t);
    fp->fn = fn;
    fp->arg = arg;
    al_task_name_fit(fp->name, sizeof fp->name, name);
    int rc = al_fiber_create(&fp->fiber, pool, fiber_entry, t, fp->name);
    if (rc == 0) rc = task_start(loop, t, out);
    if (rc < 0) {
        if (fp->fiber) al_fiber_destroy(fp->fiber);
        free(t);
    }
    return rc;
}

static void tasks_free_all(al_loop *loop) {
    /* Unfinished tasks may sit in futures' waiter lists the loop cannot see;
     * those futures must not be completed after the loop is gone. */
    while (loop->tasks) {
        al_task *t = loop->tasks;
        loop->tasks = t->next;
        t->prev = t->next = NULL;
        if (t->wait == WAIT_GATHER) free(t->wait_obj);
        fiber_part *fp = task_fiber(t);
        if (fp && fp->fiber) al_fiber_destroy(fp->fiber);
        free(t);
    }
}

/* The loop's owners_free: al_loop_free calls it first (tasks, then the
 * stacks their fibers were on). */
static void tasks_free(al_loop *loop) {
    tasks_free_all(loop);
    fiber_pools_free(loop);
}


/* ---- running a loop for one task ------------------------------------------ */

static int task_is_done(void *task) { return al_task_is_done(task); }

int al_loop_run_until_complete(al_loop *loop, al_task *task) {
    if (!loop || !task || al_task_loop(task) != loop) return -EINVAL;
    al_task_retain(task);
    /* run_until_complete may nest: keep the outer one's rule */
    int (*outer)(void *) = loop->stop_blocking;
    void *outer_arg = loop->stop_blocking_arg;
    loop->stop_blocking = task_is_done;
    loop->stop_blocking_arg = task;
    int rc = 0;
    while (!al_task_is_done(task)) {
        if (loop->stopping) {
            loop->stopping = 0;
            rc = -EINTR;
            break;
        }
        if (!al_loop_alive(loop)) {
            rc = -EDEADLK;   /* the task waits for something nothing will ever do */
            break;
        }
        rc = al_loop_run_once(loop);
        if (rc < 0) break;
        rc = 0;
    }
    loop->stop_blocking = outer;
    loop->stop_blocking_arg = outer_arg;
    if (rc == 0) rc = al_task_error(task);
    al_task_release(task);
    return rc;
}

/* ---- suspending ----------------------------------------------------------- */

/* The start of every await: are we in a task, and has it been cancelled? */
static int await_begin(al_task **out) {
    al_task *t = current;
    if (!t) return -EPERM;
    if (t->wait != AL_WAIT_NONE) return -EBUSY;   /* ignored an AL_PENDING */
    if (t->flags & (FLAG_MUST_CANCEL | FLAG_CANCEL_NEXT)) {
        t->flags &= (uint8_t)~(FLAG_MUST_CANCEL | FLAG_CANCEL_NEXT);
        return -ECANCELED;
    }
    *out = t;
    return 0;
}

/* The wait is armed and traced: give the loop back control. */
static int park(al_task *t, uint8_t wait) {
    t->state = AL_TASK_WAITING;
    t->wait = wait;
    if (t->kind == AL_TASK_STACKLESS) return AL_PENDING;
    al_fiber_yield();            /* back in task_step, until woken */
    return t->wake_result;
}

static int suspend(al_task *t, uint8_t wait, uint16_t reason, int32_t fd, uint64_t other,
                   int64_t value) {
    trace_task(t, AL_EV_SUSPEND, reason, fd, other, value);
    return park(t, wait);
}

int al_sleep_until(int64_t deadline_us) {
    al_task *t;
    int rc = await_begin(&t);
    if (rc < 0) return rc;
    rc = al_timer_start_at(&t->timer, task_timer_cb, deadline_us, 0);
    if (rc < 0) return rc;
    return suspend(t, AL_WAIT_SLEEP, AL_WAIT_SLEEP, -1, 0, deadline_us);
}

int al_sleep(int64_t us) {
    if (!current) return -EPERM;
    if (us <= 0) return al_yield();
    return al_sleep_until(al_loop_now(task_loop(current)) + us);
}

int al_yield(void) {
    al_task *t;
    int rc = await_begin(&t);
    if (rc < 0) return rc;
    t->state = AL_TASK_WAITING;
    t->wait = AL_WAIT_YIELD;
    trace_task(t, AL_EV_SUSPEND, AL_WAIT_YIELD, -1, 0, 0);
    task_wake(t, AL_WAKE_YIELD, 0, 0, -1);
    t->wait = AL_WAIT_YIELD;   /* queued already: step_stackless must not queue it again */
    if (t->kind == AL_TASK_STACKLESS) return AL_PENDING;
    al_fiber_yield();
    return t->wake_result;
}

static int wait_fd(int fd, int dir) {
    al_task *t;
    int rc = await_begin(&t);
    if (rc < 0) return rc;
    rc = al__fd_wait(task_loop(t), fd, dir, fd_ready, t);
    if (rc < 0) return rc;
    t->wait_fd = fd;
    uint8_t reason = dir == AL_READABLE ? AL_WAIT_READ : AL_WAIT_WRITE;
    return suspend(t, reason, reason, fd, 0, fd);
}

int al_wait_readable(int fd) { return wait_fd(fd, AL_READABLE); }
int al_wait_writable(int fd) { return wait_fd(fd, AL_WRITABLE); }

/* ---- completion operations (op.c does them on any backend) ----------------- */

typedef struct task_op {
    al_op op;              /* first: done() gets this back */
    al_task *task;
    uint8_t asked;         /* a cancellation is out (the task's, or the deadline's) */
    uint8_t cancelled;     /* the task was cancelled while the op was out */
    uint8_t timed_out;     /* its deadline passed while it was out */
} task_op;

static void op_done(al_op *op) {
    task_op *to = (task_op *)op;
    al_task *t = to->task;
    int res = op->result, fd = op->fd, cancelled = to->cancelled;
    int mine = t->wait == WAIT_OP && t->wait_obj == to;
    if (res == -ECANCELED && to->timed_out && !cancelled) res = -ETIMEDOUT;
    free(to);   /* the kernel is done with it, and with the buffer */
    if (!mine) return;
    al_timer_stop(&t->timer);   /* the deadline, if it had one */
    if (cancelled && res != -ECANCELED) t->flags |= FLAG_CANCEL_NEXT;   /* it won the race */
    task_wake(t, AL_WAKE_FD, res, 0, fd);
}

/* Ask for the op to stop (the task's cancellation or its deadline). 1: it
 * stopped at once (a readiness wait withdrawn: `to` is freed), 0: op_done
 * will come when the kernel answers. */
static int op_stop(al_task *t, task_op *to) {
    if (to->asked) return 0;
    to->asked = 1;
    if (al__op_cancel(task_loop(t), &to->op) != 1) return 0;
    free(to);
    return 1;
}

/* The op's deadline passed (task_timer_cb). */
static void op_deadline(al_task *t) {
    task_op *to = t->wait_obj;
    to->timed_out = 1;
    trace_task(t, AL_EV_TIMER, 0, -1, 0, t->timer.deadline);
    if (op_stop(t, to)) task_wake(t, AL_WAKE_TIMER, -ETIMEDOUT, 0, -1);
}

static int await_op(int kind, int fd, void *buf, size_t len, int64_t deadline) {
    static const char *const names[] = {[AL_OP_RECV] = "recv", [AL_OP_SEND] = "send",
                                        [AL_OP_ACCEPT] = "accept"};
    al_task *t;
    int rc = await_begin(&t);
    if (rc < 0) return rc;
    if (fd < 0) return -EBADF;
    task_op *to = calloc(1, sizeof *to);
    if (!to) return -ENOMEM;
    /* The result travels as an int: one operation moves at most INT_MAX bytes. */
    to->op = (al_op){.kind = kind, .fd = fd, .buf = buf,
                     .len = len > INT32_MAX ? INT32_MAX : (unsigned)len, .done = op_done};
    to->task = t;
    al_loop *loop = task_loop(t);
    if ((rc = al__op_start(loop, &to->op)) < 0) {
        free(to);
        return rc;
    }
    if (deadline >= 0 && (rc = al_timer_start_at(&t->timer, task_timer_cb, deadline, 0)) < 0) {
        if (op_stop(t, to)) return rc;
        /* In the kernel already: it must come back before its buffer can go. */
        to->cancelled = 1;
    }
    t->wait_obj = to;
    t->wait_fd = fd;
    uint16_t reason = kind == AL_OP_SEND ? AL_WAIT_WRITE : AL_WAIT_READ;
    if (loop->sink) {
        al_trace_event ev = {.type = AL_EV_SUSPEND, .reason = reason, .fd = fd, .task = t->id,
                             .other = (uint64_t)al__op_in_kernel(loop), .value = fd,
                             .text2 = names[kind]};
        al__trace(loop, &ev);
    }
    return park(t, WAIT_OP);
}

int al_recv(int fd, void *buf, size_t len) { return await_op(AL_OP_RECV, fd, buf, len, -1); }
int al_send(int fd, const void *buf, size_t len) {
    return await_op(AL_OP_SEND, fd, (void *)buf, len, -1);   /* the kernel only reads it */
}
int al_accept(int fd) { return await_op(AL_OP_ACCEPT, fd, NULL, 0, -1); }

int al_recv_until(int fd, void *buf, size_t len, int64_t deadline_us) {
    return await_op(AL_OP_RECV, fd, buf, len, deadline_us < 0 ? 0 : deadline_us);
}
int al_send_until(int fd, const void *buf, size_t len, int64_t deadline_us) {
    return await_op(AL_OP_SEND, fd, (void *)buf, len, deadline_us < 0 ? 0 : deadline_us);
}
int al_accept_until(int fd, int64_t deadline_us) {
    return await_op(AL_OP_ACCEPT, fd, NULL, 0, deadline_us < 0 ? 0 : deadline_us);
}

static int await_future(al_future *fut, uint8_t reason, uint64_t other) {
    al_task *t;
    int rc = await_begin(&t);
    if (rc < 0) return rc;
    if (!fut || fut->loop != task_loop(t)) return -EINVAL;
    if (fut == &t->fut) return -EDEADLK;
    if (fut->state != AL_FUTURE_PENDING) return fut->error;
    t->waiter.notify = future_notify;
    al__future_add_waiter(fut, &t->waiter);
    t->wait_obj = fut;
    return suspend(t, reason, reason, -1, other, 0);
}

int al_await(al_future *fut) {
    if (fut && is_task(fut)) return al_join((al_task *)fut);
    return await_future(fut, AL_WAIT_FUTURE, 0);
}

int al_join(al_task *task) {
    if (!task) return current ? -EINVAL : -EPERM;
    return await_future(&task->fut, AL_WAIT_JOIN, task->id);
}

int al_wait_for(al_task *task, int64_t timeout_us) {
    al_task *t;
    int rc = await_begin(&t);
    if (rc < 0) return rc;
    if (!task || task_loop(task) != task_loop(t)) return -EINVAL;
    if (task == t) return -EDEADLK;
    if (al_task_is_done(task)) return task->fut.error;
    rc = al_timer_start(&t->timer, task_timer_cb, timeout_us, 0);
    if (rc < 0) return rc;
    t->flags &= (uint8_t)~FLAG_TIMED_OUT;
    t->waiter.notify = future_notify;
    al__future_add_waiter(&task->fut, &t->waiter);
    t->wait_obj = task;
    return suspend(t, WAIT_FOR, AL_WAIT_JOIN, -1, task->id, 0);
}

/* ---- gather ---------------------------------------------------------------- */

typedef struct gather_link {
    al_waiter waiter;
    gather_state *state;
    int linked;
} gather_link;

struct gather_state {
    al_task *task;               /* the task awaiting the gather */
    size_t n, remaining;
    al_task **tasks;             /* points into this allocation */
    gather_link links[];
};

static int first_error(al_task *const *tasks, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (tasks[i]->fut.error) return tasks[i]->fut.error;
    return 0;
}

static void gather_notify(al_waiter *w, al_future *fut) {
    (void)fut;
    gather_link *link = (gather_link *)w;
    gather_state *gs = link->state;
    link->linked = 0;
    if (--gs->remaining > 0) return;
    al_task *t = gs->task;
    int err = first_error(gs->tasks, gs->n);
    free(gs);
    task_wake(t, AL_WAKE_TASK, err, ((al_task *)fut)->id, -1);
}

int al_gather(al_task *const *tasks, size_t n) {
    al_task *t;
    int rc = await_begin(&t);
    if (rc < 0) return rc;
    if (!tasks && n) return -EINVAL;
    size_t pending = 0;
    for (size_t i = 0; i < n; i++) {
        if (!tasks[i] || task_loop(tasks[i]) != task_loop(t)) return -EINVAL;
        if (tasks[i] == t) return -EDEADLK;
        if (!al_task_is_done(tasks[i])) pending++;
    }
    if (pending == 0) return first_error(tasks, n);
    gather_state *gs = malloc(sizeof *gs + n * sizeof(gather_link) + n * sizeof(al_task *));
    if (!gs) return -ENOMEM;
    gs->task = t;
    gs->n = n;
    gs->remaining = pending;
    gs->tasks = (al_task **)(void *)&gs->links[n];
    for (size_t i = 0; i < n; i++) {
        gs->tasks[i] = tasks[i];
        gs->links[i] = (gather_link){.waiter.notify = gather_notify, .state = gs};
        if (!al_task_is_done(tasks[i])) {
            gs->links[i].linked = 1;
            al__future_add_waiter(&tasks[i]->fut, &gs->links[i].waiter);
        }
    }
    t->wait_obj = gs;
    return suspend(t, WAIT_GATHER, AL_WAIT_JOIN, -1, 0, (int64_t)pending);
}

/* ---- cancellation ---------------------------------------------------------- */

/* Undo whatever wait t armed. Returns 1 if t should be woken now with
 * -ECANCELED, 0 if it keeps waiting (a wait that must see its children out). */
static int disarm(al_task *t) {
    al_loop *loop = task_loop(t);
    switch (t->wait) {
    case AL_WAIT_SLEEP:
        al_timer_stop(&t->timer);
        return 1;
    case AL_WAIT_READ:
    case AL_WAIT_WRITE:
        al__fd_unwait(loop, t->wait_fd, t->wait == AL_WAIT_READ ? AL_READABLE : AL_WRITABLE, t);
        return 1;
    case AL_WAIT_FUTURE:
    case AL_WAIT_JOIN:
        if (t->flags & FLAG_SHIELD_WAIT) {
            /* a nursery wait: cancel the children, keep waiting for them */
            t->flags |= FLAG_MUST_CANCEL;
            al__future_owner_cancel(t->wait_obj);
            return 0;
        }
        al__future_remove_waiter(t->wait_obj, &t->waiter);
        return 1;
    case WAIT_FOR:
        al_timer_stop(&t->timer);
        al__future_remove_waiter(&((al_task *)t->wait_obj)->fut, &t->waiter);
        if (!al_task_is_done(t->wait_obj)) al_task_cancel(t->wait_obj);
        return 1;
    case WAIT_OP: {
        /* In the kernel, the buffer stays the operation's until it answers:
         * keep waiting for that (op_done wakes us). */
        task_op *to = t->wait_obj;
        al_timer_stop(&t->timer);
        to->cancelled = 1;
        return op_stop(t, to);
    }
    case WAIT_GATHER: {
        gather_state *gs = t->wait_obj;
        for (size_t i = 0; i < gs->n; i++) {
            if (!gs->links[i].linked) continue;
            al__future_remove_waiter(&gs->tasks[i]->fut, &gs->links[i].waiter);
            al_task_cancel(gs->tasks[i]);   /* asyncio: cancelling a gather cancels its children */
        }
        free(gs);
        return 1;
    }
    default:
        return 1;   /* AL_WAIT_YIELD: its step is already queued */
    }
}

int al_task_cancel(al_task *task) {
    if (!task) return -EINVAL;
    if (al_task_is_done(task)) return -EALREADY;
    if (task->state == AL_TASK_WAITING) {
        if (disarm(task))
            task_wake(task, AL_WAKE_CANCEL, -ECANCELED, current ? current->id : 0, -1);
        return 0;
    }
    task->flags |= FLAG_MUST_CANCEL;   /* READY or RUNNING: at the next await */
    return 0;
}

/* Used by the nursery: make this task's wait on `fut` survive cancellation. */
int al__task_await_shielded(al_future *fut) {
    al_task *t = current;
    if (t) t->flags |= FLAG_SHIELD_WAIT;   /* before: a fiber suspends inside */
    int rc = await_future(fut, AL_WAIT_FUTURE, 0);
    if (t && rc != AL_PENDING) t->flags &= (uint8_t)~FLAG_SHIELD_WAIT;
    return rc;
}

/* ---- accessors ------------------------------------------------------------- */

al_task *al_task_current(void) { return current; }
al_future *al_task_future(al_task *task) { return task ? &task->fut : NULL; }
void *al_task_frame(al_task *task) {
    return task && task->kind == AL_TASK_STACKLESS ? (void *)task_gen(task) : NULL;
}
al_task_state al_task_state_of(const al_task *task) { return (al_task_state)task->state; }
const char *al_task_name(const al_task *task) {
    const fiber_part *fp = task_fiber((al_task *)task);
    return fp ? fp->name : task->name;
}

uint64_t al_task_id(const al_task *task) { return task->id; }
al_loop *al_task_loop(const al_task *task) { return task ? task_loop(task) : NULL; }
int al_task_is_done(const al_task *task) {
    return task && task->state >= AL_TASK_DONE;
}
int al_task_error(const al_task *task) {
    if (!task) return -EINVAL;
    return al_task_is_done(task) ? task->fut.error : -EAGAIN;
}
intptr_t al_task_result(const al_task *task) { return task ? task->fut.result : 0; }

const char *al_task_state_name(al_task_state state) {
    static const char *const names[] = {"ready", "running", "waiting", "done", "failed", "cancelled"};
    return (unsigned)state < sizeof names / sizeof names[0] ? names[state] : "?";
}
