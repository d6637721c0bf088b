/* layer_trace.c — the trace layer on the loop layer alone (every object of
 * asynclab_trace and asynclab_loop, whole, with libuv and cJSON; no HTTP, no
 * llhttp): it must link, and a loop from al_loop_new must trace into a ring. */
#include <stdio.h>

#include "asynclab/task.h"
#include "asynclab/trace.h"

static int sleeper(void *arg, intptr_t *result) {
    (void)arg;
    *result = 0;
    return al_sleep(500000);
}

int main(void) {
    al_trace *ring;
    if (al_trace_open_ring(&ring, 256) < 0) return 1;
    al_loop_options o = {.clock = AL_CLOCK_VIRTUAL, .sink = al_trace_sink(ring)};
    al_loop *loop;
    if (al_loop_new(&loop, &o) < 0) return 1;
    al_task *t;
    if (al_task_create_fiber(loop, &t, "sleeper", sleeper, NULL, 0) < 0) return 1;
    int rc = al_loop_run_until_complete(loop, t);
    int same = al_loop_trace(loop) == ring;
    al_task_release(t);
    al_loop_free(loop);
    al_trace_event first;
    int got = al_trace_ring_get(ring, 0, &first);
    size_t n = al_trace_ring_count(ring);
    al_trace_close(ring);
    if (rc != 0 || !same || got != 0 || first.type != AL_EV_HELLO || n < 5) {
        fprintf(stderr, "FAIL: rc %d, al_loop_trace %s, first event %d (expected hello), %zu events\n",
                rc, same ? "right" : "wrong", got == 0 ? first.type : -1, n);
        return 1;
    }
    printf("ok: the trace layer links on the loop alone (%zu events, hello first)\n", n);
    return 0;
}
