/* tiny_trace.c — NOT PART OF THE LESSON: trace events for the live viewer
 * (see tiny_trace.h). */
#include "tiny_trace.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <asynclab/error.h>
#include <asynclab/loop.h>
#include <asynclab/task.h>
#include <asynclab/trace.h>

static al_trace *trace;   /* NULL: tracing is off */

static void emit(int64_t t, al_event_type type, uint64_t task, int reason, int64_t value,
                 const char *text) {
    if (!trace) return;
    al_trace_event ev = {.t = t, .type = (uint16_t)type, .reason = (uint16_t)reason, .fd = -1,
                         .task = task, .value = value, .text = text,
                         .text_len = text ? strlen(text) : 0};
    al_trace_emit(trace, &ev);
    al_trace_flush(trace);   /* the viewer draws while we run */
}

void tiny_trace_start(const char *program, int virtual_clock) {
    int rc = al_trace_open_env(&trace);
    if (rc < 0) {
        fprintf(stderr, "%s: ASYNCLAB_TRACE: %s; tracing is off\n", program, al_strerror(rc));
        trace = NULL;
    }
    if (!trace) return;
    al_trace_event hello = {.type = AL_EV_HELLO, .fd = -1, .other = (uint64_t)getpid(),
                            .reason = (uint16_t)(virtual_clock ? AL_CLOCK_VIRTUAL : AL_CLOCK_REAL),
                            .text = program, .text_len = strlen(program), .text2 = "tiny loop"};
    al_trace_emit(trace, &hello);
}

void tiny_trace_finish(void) {
    al_trace_close(trace);
    trace = NULL;
}

void tiny_trace_spawn(int64_t t, uint64_t task, const char *name) {
    emit(t, AL_EV_SPAWN, task, AL_TASK_STACKLESS, 0, name);
    emit(t, AL_EV_READY, task, AL_WAKE_SPAWN, 0, NULL);
}

void tiny_trace_resume(int64_t t, uint64_t task) { emit(t, AL_EV_RESUME, task, 0, 0, NULL); }

void tiny_trace_sleeps(int64_t t, uint64_t task, int64_t until) {
    emit(t, AL_EV_SUSPEND, task, AL_WAIT_SLEEP, until, NULL);
}

void tiny_trace_timer_woke(int64_t t, uint64_t task) {
    emit(t, AL_EV_TIMER, task, 0, t, NULL);
    emit(t, AL_EV_READY, task, AL_WAKE_TIMER, 0, NULL);
}

void tiny_trace_exit(int64_t t, uint64_t task, int error) {
    emit(t, AL_EV_EXIT, task, error == 0 ? AL_EXIT_OK : AL_EXIT_ERROR, error, NULL);
}

void tiny_trace_output(int64_t t, uint64_t task, const char *line) {
    emit(t, AL_EV_OUTPUT, task, 0, 0, line);
}
