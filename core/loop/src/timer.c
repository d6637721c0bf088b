/* timer.c — timers on a binary min-heap.
 *
 * The heap is an array of pointers where heap[i] is never later than its
 * children heap[2i+1] and heap[2i+2]; the earliest timer is heap[0]. Each
 * timer remembers its index so stopping one is O(log n) instead of a search.
 * "Earlier" means an earlier deadline, or for equal deadlines the one started
 * first (seq): that is what makes timers with equal deadlines fire FIFO, and
 * three tasks that sleep 1 s wake in the order they went to sleep.
 */
#include "loop_internal.h"

#include <stdlib.h>

#include "asynclab/error.h"

static int earlier(const al_timer *a, const al_timer *b) {
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void place(al_loop *loop, size_t i, al_timer *t) {
    loop->heap[i] = t;
    t->heap_index = (uint32_t)i;
}

static void sift_up(al_loop *loop, size_t i) {
    al_timer *t = loop->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!earlier(t, loop->heap[parent])) break;
        place(loop, i, loop->heap[parent]);
        i = parent;
    }
    place(loop, i, t);
}

static void sift_down(al_loop *loop, size_t i) {
    al_timer *t = loop->heap[i];
    size_t n = loop->heap_len;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && earlier(loop->heap[child + 1], loop->heap[child])) child++;
        if (!earlier(loop->heap[child], t)) break;
        place(loop, i, loop->heap[child]);
        i = child;
    }
    place(loop, i, t);
}

static int heap_push(al_loop *loop, al_timer *t) {
    if (loop->heap_len >= AL_TIMER_INACTIVE) return -ENOMEM;   /* the index is 32 bits */
    if (loop->heap_len == loop->heap_cap) {
        size_t cap = loop->heap_cap ? loop->heap_cap * 2 : 64;
        al_timer **heap = realloc(loop->heap, cap * sizeof *heap);
        if (!heap) return -ENOMEM;
        loop->heap = heap;
        loop->heap_cap = cap;
    }
    place(loop, loop->heap_len++, t);
    sift_up(loop, t->heap_index);
    return 0;
}

static void heap_remove(al_loop *loop, al_timer *t) {
    size_t i = t->heap_index;
    al_timer *last = loop->heap[--loop->heap_len];
    t->heap_index = AL_TIMER_INACTIVE;
    if (last == t) return;
    place(loop, i, last);
    if (i > 0 && earlier(last, loop->heap[(i - 1) / 2]))
        sift_up(loop, i);
    else
        sift_down(loop, i);
}

al_timer *al__timer_peek(al_loop *loop) {
    return loop->heap_len ? loop->heap[0] : NULL;
}

int al_timer_init(al_loop *loop, al_timer *timer) {
    if (!loop || !timer) return -EINVAL;
    timer->loop = loop;
    timer->cb = NULL;
    timer->deadline = 0;
    timer->repeat = 0;
    timer->seq = 0;
    timer->heap_index = AL_TIMER_INACTIVE;
    timer->quiet = 0;
    return 0;
}

int al_timer_start_at(al_timer *timer, al_timer_cb cb, int64_t deadline_us, int64_t repeat_us) {
    if (!timer || !timer->loop || !cb || repeat_us < 0) return -EINVAL;
    al_loop *loop = timer->loop;
    if (timer->heap_index != AL_TIMER_INACTIVE) heap_remove(loop, timer);
    timer->cb = cb;
    timer->deadline = deadline_us;
    timer->repeat = repeat_us;
    timer->seq = ++loop->timer_seq;
    int rc = heap_push(loop, timer);
    if (rc == 0 && loop->in_poll && loop->heap[0] == timer) al__poll_interrupt(loop);
    return rc;
}

int al_timer_start(al_timer *timer, al_timer_cb cb, int64_t timeout_us, int64_t repeat_us) {
    if (!timer || !timer->loop) return -EINVAL;
    if (timeout_us < 0) timeout_us = 0;
    return al_timer_start_at(timer, cb, al_loop_now(timer->loop) + timeout_us, repeat_us);
}

int al_timer_stop(al_timer *timer) {
    if (!timer || !timer->loop) return -EINVAL;
    if (timer->heap_index != AL_TIMER_INACTIVE) heap_remove(timer->loop, timer);
    return 0;
}

int al_timer_is_active(const al_timer *timer) {
    return timer && timer->heap_index != AL_TIMER_INACTIVE;
}

/* Phase 4 of an iteration. Only timers started before this phase began may
 * fire in it (seq <= limit): a callback that re-arms a timer for "now" is
 * seen in the next iteration, so the phase always ends. */
void al__timers_fire_due(al_loop *loop) {
    int64_t now = al_loop_now(loop);
    uint64_t limit = loop->timer_seq;
    al_timer *t;
    while ((t = al__timer_peek(loop)) && t->deadline <= now && t->seq <= limit) {
        int64_t deadline = t->deadline;
        heap_remove(loop, t);
        if (t->repeat > 0) {
            t->seq = ++loop->timer_seq;
            t->deadline += t->repeat;
            heap_push(loop, t);   /* cannot fail: the slot was just freed */
        }
        if (loop->sink && !t->quiet) {   /* a task traces its own timer */
            al_trace_event ev = {.type = AL_EV_TIMER, .fd = -1, .value = deadline};
            al__trace(loop, &ev);
        }
        t->cb(t);
    }
}
