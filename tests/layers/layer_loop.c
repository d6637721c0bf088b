/* layer_loop.c — the loop layer alone (tests/layers/CMakeLists.txt links
 * every object of asynclab_loop, whole, with libuv and nothing of ours above
 * it): if any file of the loop named the trace or HTTP layer, this program
 * would not link. Run, it does a little of everything the layer offers, on
 * the virtual clock, and counts the events a sink of its own received. */
#include <stdio.h>

#include "asynclab/events.h"
#include "asynclab/loop.h"
#include "asynclab/task.h"

typedef struct counting_sink {
    al_event_sink sink;
    int events, spawns;
} counting_sink;

static void count(al_event_sink *s, const al_trace_event *ev) {
    counting_sink *c = (counting_sink *)s;
    c->events++;
    if (ev->type == AL_EV_SPAWN) c->spawns++;
}
static int flush(al_event_sink *s) { (void)s; return 0; }
static void close_sink(al_event_sink *s) { (void)s; }
static const al_event_sink_ops ops = {count, flush, close_sink};

static int sleeper(void *arg, intptr_t *result) {
    (void)arg;
    *result = 0;
    return al_sleep(1000000);
}

int main(void) {
    counting_sink c = {{&ops}, 0, 0};
    al_loop_options o = {.clock = AL_CLOCK_VIRTUAL, .sink = &c.sink};
    al_loop *loop;
    if (al_loop_create(&loop, &o) < 0) return 1;
    al_task *t;
    if (al_task_create_fiber(loop, &t, "sleeper", sleeper, NULL, 0) < 0) return 1;
    int rc = al_loop_run_until_complete(loop, t);
    long long now = (long long)al_loop_now(loop);
    al_task_release(t);
    al_loop_free(loop);
    if (rc != 0 || now != 1000000 || c.spawns != 1 || c.events < 4) {
        fprintf(stderr, "FAIL: rc %d, clock %lld (expected 1000000), %d spawns, %d events\n", rc,
                now, c.spawns, c.events);
        return 1;
    }
    printf("ok: the loop layer links and runs alone (%d events to its own sink)\n", c.events);
    return 0;
}
