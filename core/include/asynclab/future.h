/* asynclab/future.h — a value that will exist later (asyncio's Future).
 *
 * A future is pending, then done exactly once: with a result (intptr_t),
 * with an error (negative errno), or cancelled (error -ECANCELED).
 * Done-callbacks never run inside set_result: they are queued on the loop's
 * ready queue and run in its next READY pass, in the order they were added,
 * so code that completes a future is never re-entered by its waiters. A task
 * awaiting a future is made ready the same way.
 *
 * Contract
 *   Ownership  caller-owned struct; it must stay valid until it is done and
 *              its callbacks have run (a task is itself a future and is
 *              reference-counted instead: see task.h).
 *   Errors     -EALREADY completing or cancelling a future that is done,
 *              -EINVAL for NULL or an error value >= 0, -ENOMEM.
 */
#ifndef ASYNCLAB_FUTURE_H
#define ASYNCLAB_FUTURE_H

#include <stdint.h>
#include "loop.h"

typedef struct al_future al_future;
typedef struct al_waiter al_waiter;
typedef void (*al_future_cb)(al_future *fut, void *arg);

typedef enum al_future_state {
    AL_FUTURE_PENDING = 0,
    AL_FUTURE_DONE = 1,       /* result or error set */
    AL_FUTURE_CANCELLED = 2
} al_future_state;

/* private: an entry in a future's list of waiters */
struct al_waiter {
    al_waiter *next;
    void (*notify)(al_waiter *w, al_future *fut);
};

/* private: a future embedded in something that owns it (a task, a
 * nursery), which must outlive the callbacks still queued for it (retain,
 * release) and is cancelled as a whole (cancel: a waiter that must see it
 * through asks for it, al__future_owner_cancel). Any op may be NULL.
 * A future names its owner's kind by a one-byte index (al_future_owner_kind):
 * a million tasks are a million futures, and a pointer would cost each 8. */
typedef struct al_future_owner {
    void (*retain)(al_future *fut);
    void (*release)(al_future *fut);
    void (*cancel)(al_future *fut);
} al_future_owner;

/* The index for an owner's ops (1..7), the same for the same ops; 0 when the
 * table is full. Thread-safe. */
uint8_t al_future_owner_kind(const al_future_owner *ops);

struct al_future {
    void *data;               /* yours */
    /* private */
    al_loop *loop;
    al_waiter *waiters;       /* in the order added */
    intptr_t result;
    int error;
    uint8_t state;
    uint8_t owner;            /* 0 for a plain future, else al_future_owner_kind */
};

int al_future_init(al_loop *loop, al_future *fut);
int al_future_set_result(al_future *fut, intptr_t result);
int al_future_set_error(al_future *fut, int err);
int al_future_cancel(al_future *fut);

int al_future_is_done(const al_future *fut);         /* done or cancelled */
al_future_state al_future_state_of(const al_future *fut);
/* 0 or the negative errno it finished with; -EAGAIN if still pending. */
int al_future_error(const al_future *fut);
intptr_t al_future_result(const al_future *fut);

/* Run cb(fut, arg) through the ready queue once fut is done (at once, in the
 * next pass, if it already is). */
int al_future_add_done_callback(al_future *fut, al_future_cb cb, void *arg);

/* private: used by tasks and the nursery */
void al__future_add_waiter(al_future *fut, al_waiter *w);
void al__future_owner_cancel(al_future *fut);   /* its owner's cancel op, if any */
int  al__future_remove_waiter(al_future *fut, al_waiter *w);
/* Notify (and detach) every waiter; the caller has set state/result/error. */
void al__future_notify_all(al_future *fut);

#endif
