/* future.c — a result that arrives later (asyncio's Future).
 *
 * The one rule that matters: completing a future never runs its waiters'
 * code right there. Each waiter is *notified*, and a notification only ever
 * queues work on the loop's ready queue (a task step, a done-callback). So
 * set_result() is safe to call from anywhere on the loop's thread, even from
 * inside another waiter.
 */
#include "loop_internal.h"

#include <pthread.h>
#include <stdlib.h>

#include "asynclab/error.h"
#include "asynclab/future.h"


/* ---- owners: who embeds a future (future.h) ------------------------------- */

#define MAX_OWNERS 8
static const al_future_owner *owners[MAX_OWNERS];   /* [0] unused: no owner */
static pthread_mutex_t owners_lock = PTHREAD_MUTEX_INITIALIZER;

uint8_t al_future_owner_kind(const al_future_owner *ops) {
    uint8_t kind = 0;
    pthread_mutex_lock(&owners_lock);
    for (uint8_t i = 1; i < MAX_OWNERS && !kind; i++) {
        if (!owners[i]) owners[i] = ops;
        if (owners[i] == ops) kind = i;
    }
    pthread_mutex_unlock(&owners_lock);
    return kind;
}

void al__future_owner_cancel(al_future *fut) {
    if (fut->owner && owners[fut->owner]->cancel) owners[fut->owner]->cancel(fut);
}

int al_future_init(al_loop *loop, al_future *fut) {
    if (!loop || !fut) return -EINVAL;
    *fut = (al_future){.loop = loop};
    return 0;
}

/* Append (waiters are notified in the order they came). Lists are short —
 * usually one joiner — so walking to the end beats a tail pointer in every
 * future (a million tasks are a million futures). */
void al__future_add_waiter(al_future *fut, al_waiter *w) {
    al_waiter **p = &fut->waiters;
    while (*p) p = &(*p)->next;
    w->next = NULL;
    *p = w;
}

int al__future_remove_waiter(al_future *fut, al_waiter *w) {
    for (al_waiter **p = &fut->waiters; *p; p = &(*p)->next) {
        if (*p != w) continue;
        *p = w->next;
        w->next = NULL;
        return 0;
    }
    return -ENOENT;
}

/* Detach the whole list first, so a waiter that adds itself again (or
 * removes another) while being notified cannot corrupt the walk. */
void al__future_notify_all(al_future *fut) {
    al_waiter *w = fut->waiters;
    fut->waiters = NULL;
    while (w) {
        al_waiter *next = w->next;
        w->next = NULL;
        w->notify(w, fut);
        w = next;
    }
}

static int complete(al_future *fut, uint8_t state, intptr_t result, int err) {
    if (!fut || !fut->loop) return -EINVAL;
    if (fut->state != AL_FUTURE_PENDING) return -EALREADY;
    fut->state = state;
    fut->result = result;
    fut->error = err;
    al__future_notify_all(fut);
    return 0;
}

int al_future_set_result(al_future *fut, intptr_t result) {
    return complete(fut, AL_FUTURE_DONE, result, 0);
}

int al_future_set_error(al_future *fut, int err) {
    if (err >= 0) return -EINVAL;
    if (err == -ECANCELED) return complete(fut, AL_FUTURE_CANCELLED, 0, err);
    return complete(fut, AL_FUTURE_DONE, 0, err);
}

int al_future_cancel(al_future *fut) {
    if (fut && fut->owner) return -EINVAL;   /* cancel its owner (the task) instead */
    return complete(fut, AL_FUTURE_CANCELLED, 0, -ECANCELED);
}

int al_future_is_done(const al_future *fut) {
    return fut && fut->state != AL_FUTURE_PENDING;
}

al_future_state al_future_state_of(const al_future *fut) {
    return (al_future_state)fut->state;
}

int al_future_error(const al_future *fut) {
    if (!fut) return -EINVAL;
    return fut->state == AL_FUTURE_PENDING ? -EAGAIN : fut->error;
}

intptr_t al_future_result(const al_future *fut) { return fut ? fut->result : 0; }

/* ---- done-callbacks: a waiter that queues the user's callback ------------ */

typedef struct done_callback {
    al_waiter waiter;
    al_future *fut;
    al_future_cb cb;
    void *arg;
} done_callback;

static void run_done_callback(al_loop *loop, void *arg) {
    (void)loop;
    done_callback *dc = arg;
    dc->cb(dc->fut, dc->arg);
    if (dc->fut->owner && owners[dc->fut->owner]->release) owners[dc->fut->owner]->release(dc->fut);
    free(dc);
}

static void queue_done_callback(al_waiter *w, al_future *fut) {
    done_callback *dc = (done_callback *)w;
    if (al__ready_push(fut->loop, run_done_callback, dc) < 0) {
        /* Out of memory: run it now rather than lose it. */
        run_done_callback(fut->loop, dc);
    }
}

int al_future_add_done_callback(al_future *fut, al_future_cb cb, void *arg) {
    if (!fut || !fut->loop || !cb) return -EINVAL;
    done_callback *dc = malloc(sizeof *dc);
    if (!dc) return -ENOMEM;
    *dc = (done_callback){.waiter.notify = queue_done_callback, .fut = fut, .cb = cb, .arg = arg};
    if (fut->owner && owners[fut->owner]->retain)
        owners[fut->owner]->retain(fut);   /* keep its owner until cb ran */
    if (fut->state != AL_FUTURE_PENDING) {
        queue_done_callback(&dc->waiter, fut);
        return 0;
    }
    al__future_add_waiter(fut, &dc->waiter);
    return 0;
}
