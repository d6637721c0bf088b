/* asynclab/nursery.h — structured concurrency (Trio's nursery).
 *
 * A nursery is a scope that owns child tasks: the parent cannot leave it
 * until every child has finished. If a child fails, the nursery cancels all
 * its siblings (the first error wins and is what al_nursery_wait returns).
 * A deadline is an absolute time on the loop's clock: when it passes, every
 * child is cancelled and al_nursery_wait returns -ETIMEDOUT.
 *
 *   al_nursery n;  al_nursery_init(loop, &n);
 *   al_nursery_set_deadline(&n, al_loop_now(loop) + 2000000);
 *   al_nursery_start(&n, child);          // adopts a created task
 *   AL_AWAIT(g, rc, al_nursery_wait(&n)); // (fibers: rc = al_nursery_wait(&n))
 *   al_nursery_destroy(&n);
 *
 * Contract
 *   Ownership  caller-owned struct; the nursery takes a reference on each
 *              child and drops them in al_nursery_destroy().
 *   Waiting    al_nursery_wait is an await primitive (task.h rules); only one
 *              task may wait. Cancelling the waiter cancels the children too.
 *   Errors     -EINVAL, -ENOMEM, -EBUSY (a second waiter; destroy while
 *              children run), -EPIPE starting a child after the nursery closed.
 */
#ifndef ASYNCLAB_NURSERY_H
#define ASYNCLAB_NURSERY_H

#include <stddef.h>
#include <stdint.h>
#include "loop.h"
#include "timer.h"
#include "future.h"
#include "task.h"

typedef struct al_nursery al_nursery;

typedef struct al_nursery_child {
    al_waiter waiter;            /* on the child's future */
    al_nursery *nursery;
    al_task *task;
} al_nursery_child;

struct al_nursery {
    /* private */
    al_loop *loop;
    al_nursery_child **children;
    size_t count, cap, running;
    int first_error;
    int closed;                  /* no new children after wait() returned */
    int cancelling;
    al_timer deadline_timer;
    al_future all_done;
    int waiting;
};

int al_nursery_init(al_loop *loop, al_nursery *nursery);
int al_nursery_start(al_nursery *nursery, al_task *child);
int al_nursery_set_deadline(al_nursery *nursery, int64_t deadline_us);
/* Cancel every child still running. */
int al_nursery_cancel(al_nursery *nursery);
int al_nursery_wait(al_nursery *nursery);
int al_nursery_destroy(al_nursery *nursery);
size_t al_nursery_running(const al_nursery *nursery);

#endif
