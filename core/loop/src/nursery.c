/* nursery.c — structured concurrency: children cannot outlive their scope.
 *
 * Each child gets a waiter on its future. When a child finishes with an
 * error (other than being cancelled by us), the nursery remembers the first
 * such error and cancels every sibling. The waiting parent is woken through
 * `all_done`, a future completed when the last child has finished. The
 * parent's wait is *shielded*: cancelling the parent cancels the children,
 * but the parent still waits for them to finish their cleanup.
 */
#include "loop_internal.h"

#include <stdlib.h>

#include "asynclab/error.h"
#include "asynclab/nursery.h"

int al__task_await_shielded(al_future *fut);

static al_nursery *from_all_done(al_future *fut) {
    return (al_nursery *)((char *)fut - offsetof(al_nursery, all_done));
}

static al_nursery *from_timer(al_timer *timer) {
    return (al_nursery *)((char *)timer - offsetof(al_nursery, deadline_timer));
}

/* A task waiting in al_nursery_wait was cancelled: the wait is shielded
 * (the task keeps waiting for its children), and the children are
 * cancelled. The task layer asks through all_done's owner ops. */
static void cancel_from_waiter(al_future *all_done) {
    al_nursery_cancel(from_all_done(all_done));
}
static const al_future_owner nursery_owner = {NULL, NULL, cancel_from_waiter};

int al_nursery_init(al_loop *loop, al_nursery *n) {
    if (!loop || !n) return -EINVAL;
    *n = (al_nursery){.loop = loop};
    al_timer_init(loop, &n->deadline_timer);
    al_future_init(loop, &n->all_done);
    n->all_done.owner = al_future_owner_kind(&nursery_owner);
    return 0;
}

static void finish_if_idle(al_nursery *n) {
    if (n->running > 0 || !n->waiting || al_future_is_done(&n->all_done)) return;
    al_timer_stop(&n->deadline_timer);
    n->closed = 1;
    if (n->first_error)
        al_future_set_error(&n->all_done, n->first_error);
    else
        al_future_set_result(&n->all_done, 0);
}

int al_nursery_cancel(al_nursery *n) {
    if (!n || !n->loop) return -EINVAL;
    n->cancelling = 1;
    for (size_t i = 0; i < n->count; i++)
        if (!al_task_is_done(n->children[i]->task)) al_task_cancel(n->children[i]->task);
    return 0;
}


static void child_done(al_waiter *w, al_future *fut) {
    al_nursery_child *c = (al_nursery_child *)w;
    al_nursery *n = c->nursery;
    n->running--;
    int err = fut->error;
    if (err && err != -ECANCELED && n->first_error == 0) {
        n->first_error = err;
        al_nursery_cancel(n);      /* the first error cancels the siblings */
    }
    finish_if_idle(n);
}

int al_nursery_start(al_nursery *n, al_task *child) {
    if (!n || !n->loop || !child || al_task_loop(child) != n->loop) return -EINVAL;
    if (n->closed) return -EPIPE;
    if (n->count == n->cap) {
        size_t cap = n->cap ? n->cap * 2 : 8;
        al_nursery_child **c = realloc(n->children, cap * sizeof *c);
        if (!c) return -ENOMEM;
        n->children = c;
        n->cap = cap;
    }
    al_nursery_child *c = malloc(sizeof *c);
    if (!c) return -ENOMEM;
    *c = (al_nursery_child){.waiter.notify = child_done, .nursery = n, .task = al_task_retain(child)};
    n->children[n->count++] = c;
    n->running++;
    if (al_task_is_done(child))
        child_done(&c->waiter, al_task_future(child));
    else
        al__future_add_waiter(al_task_future(child), &c->waiter);
    if (n->cancelling && !al_task_is_done(child)) al_task_cancel(child);
    return 0;
}

static void deadline_passed(al_timer *timer) {
    al_nursery *n = from_timer(timer);
    if (n->first_error == 0) n->first_error = -ETIMEDOUT;
    al_nursery_cancel(n);
}

int al_nursery_set_deadline(al_nursery *n, int64_t deadline_us) {
    if (!n || !n->loop) return -EINVAL;
    return al_timer_start_at(&n->deadline_timer, deadline_passed, deadline_us, 0);
}

int al_nursery_wait(al_nursery *n) {
    if (!n || !n->loop) return -EINVAL;
    if (!al_task_current()) return -EPERM;
    if (n->waiting) return -EBUSY;
    n->waiting = 1;
    if (n->running == 0) {
        al_timer_stop(&n->deadline_timer);
        n->closed = 1;
        return n->first_error;
    }
    int rc = al__task_await_shielded(&n->all_done);
    if (rc == AL_PENDING) return AL_PENDING;
    n->closed = 1;
    if (rc == -ECANCELED) return rc;
    return n->first_error;
}

int al_nursery_destroy(al_nursery *n) {
    if (!n || !n->loop) return -EINVAL;
    if (n->running > 0) return -EBUSY;
    al_timer_stop(&n->deadline_timer);
    for (size_t i = 0; i < n->count; i++) {
        al_task_release(n->children[i]->task);
        free(n->children[i]);
    }
    free(n->children);
    n->children = NULL;
    n->count = n->cap = 0;
    n->loop = NULL;
    return 0;
}

size_t al_nursery_running(const al_nursery *n) { return n ? n->running : 0; }
