/* loop_shared.c — what every part of the loop uses: its clock, handing an
 * event to its sink, and ending a poll in progress. loop.c (one iteration)
 * calls timer.c and io.c; they and loop.c call these, so the files point one
 * way (timer.c and io.c never call back into loop.c). */
#include "loop_internal.h"

#include <errno.h>
#include <time.h>

/* ---- clock --------------------------------------------------------------- */

static int64_t elapsed_us(const struct timespec *since, clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (int64_t)(now.tv_sec - since->tv_sec) * 1000000 +
           (now.tv_nsec - since->tv_nsec) / 1000;
}

int64_t al_loop_now(const al_loop *loop) {
    if (loop->clock == AL_CLOCK_VIRTUAL) return loop->virtual_now;
    return elapsed_us(&loop->mono_start, CLOCK_MONOTONIC);
}

int al_loop_advance(al_loop *loop, int64_t delta_us) {
    if (!loop || loop->clock != AL_CLOCK_VIRTUAL || delta_us < 0) return -EINVAL;
    loop->virtual_now += delta_us;
    return 0;
}

/* ---- tracing helpers ----------------------------------------------------- */

void al__trace(al_loop *loop, al_trace_event *ev) {
    ev->t = al_loop_now(loop);
    loop->sink->ops->emit(loop->sink, ev);
}

void al_loop_emit(al_loop *loop, al_trace_event *ev) {
    if (loop && ev && loop->sink) al__trace(loop, ev);
}

void al_loop_attach_sink(al_loop *loop, al_event_sink *sink, int owned) {
    if (!loop) return;
    loop->sink = sink;
    loop->owns_sink = sink && owned;
}

al_event_sink *al_loop_sink(const al_loop *loop) { return loop ? loop->sink : NULL; }

/* Work arrived while the backend polls: only a backend that runs foreign
 * callbacks inside its poll (libuv's) can be in this state, and its
 * interrupt op ends just this poll step. */
void al__poll_interrupt(al_loop *loop) {
    if (loop->backend->interrupt) loop->backend->interrupt(loop->backend_state);
}
