/* asynclab/timer.h — one-shot and repeating timers (a callback API handle).
 *
 * Contract
 *   Ownership  the al_timer struct is the caller's (embed it anywhere); the
 *              loop keeps a pointer while the timer is active, so do not move
 *              or free an active timer: stop it first.
 *   Ordering   timers live in a binary min-heap keyed by (deadline, start
 *              order): earliest deadline first, FIFO among equal deadlines.
 *   Time       microseconds on the loop's clock (real or virtual).
 *   Errors     -EINVAL for a NULL or uninitialised timer, a NULL callback or a
 *              negative repeat; -ENOMEM if the heap cannot grow.
 *
 * A repeating timer is re-armed before its callback runs, at
 * (previous deadline + repeat), so it does not drift; stopping it inside the
 * callback is allowed, as is freeing it after stopping.
 */
#ifndef ASYNCLAB_TIMER_H
#define ASYNCLAB_TIMER_H

#include <stdint.h>
#include <stddef.h>
#include "loop.h"

typedef struct al_timer al_timer;
typedef void (*al_timer_cb)(al_timer *timer);

struct al_timer {
    void *data;              /* yours */
    /* private */
    al_loop *loop;
    al_timer_cb cb;
    int64_t deadline;
    int64_t repeat;
    uint64_t seq;            /* start order: breaks ties FIFO */
    uint32_t heap_index;     /* AL_TIMER_INACTIVE while inactive */
    uint8_t quiet;           /* its owner traces its firing (a task's timer) */
};
#define AL_TIMER_INACTIVE UINT32_MAX   /* so at most 4 billion timers at once */

int al_timer_init(al_loop *loop, al_timer *timer);
/* Fire cb after timeout_us (<= 0: in the next TIMERS phase), then every
 * repeat_us if repeat_us > 0. Restarting an active timer moves it. */
int al_timer_start(al_timer *timer, al_timer_cb cb, int64_t timeout_us, int64_t repeat_us);
/* The same with an absolute deadline on the loop's clock. */
int al_timer_start_at(al_timer *timer, al_timer_cb cb, int64_t deadline_us, int64_t repeat_us);
/* Stop; stopping an inactive timer is a no-op returning 0. */
int al_timer_stop(al_timer *timer);
int al_timer_is_active(const al_timer *timer);

#endif
