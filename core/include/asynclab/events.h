/* asynclab/events.h — what the loop tells whoever listens: the events of
 * the loop and its tasks, and the sink they are handed to.
 *
 * This is the loop's own vocabulary (the loop layer): it emits an event at
 * each step (a task spawned, suspended and why, woken and by what, a poll,
 * a timer, a line of output) into an al_event_sink, if it has one, and
 * knows nothing of what the sink does with it. The trace layer (trace.h)
 * provides the sinks: JSON Lines to a file or a pipe, an in-memory ring.
 *
 * Contract
 *   Off        a loop without a sink pays one pointer test per event site.
 *   Time       `t` is microseconds on the loop's clock (real or virtual).
 *   Strings    ev->text points at bytes valid only during the emit call.
 *              text_len == 0 with a non-NULL text means "NUL-terminated".
 *   Sinks      emit never blocks the loop and never fails it; flush is
 *              called before every poll that may block (a live viewer sees
 *              events as they happen); close when the loop that owns the
 *              sink is freed. A sink belongs to one loop's thread.
 */
#ifndef ASYNCLAB_EVENTS_H
#define ASYNCLAB_EVENTS_H

#include <stddef.h>
#include <stdint.h>

typedef enum al_event_type {
    AL_EV_HELLO = 0,   /* first event: text = program, reason = clock kind, other = pid; backend in text2 */
    AL_EV_SPAWN,       /* task, other = parent task id (0 = none), reason = al_task_kind, text = name */
    AL_EV_READY,       /* task, reason = al_wake_cause, other = waking task id (WAKE_TASK), fd (WAKE_FD) */
    AL_EV_RESUME,      /* task */
    AL_EV_SUSPEND,     /* task, reason = al_wait_reason, value = until (SLEEP), fd (READ/WRITE), other = joined task (JOIN);
                        * READ/WRITE for a completion operation: text2 = "recv"/"send"/"accept", other = 1 if in the kernel */
    AL_EV_EXIT,        /* task, reason = al_exit_status, value = error (negative errno) */
    AL_EV_POLL_BEGIN,  /* value = timeout in ms (-1 forever) */
    AL_EV_POLL_END,    /* value = number of ready fds; submitted, completed (a uring loop's requests) */
    AL_EV_TIMER,       /* a timer fired: task = the task it wakes (0 for a callback timer), value = its deadline */
    AL_EV_FD_READY,    /* fd, value = events mask (1 read, 2 write) */
    AL_EV_OUTPUT,      /* task (0 = outside tasks), text = one line of program output */
    AL_EV_SLOW,        /* task (0 = a callback), value = how long the step held the loop, µs */
    AL_EV__COUNT
} al_event_type;

typedef enum al_exit_status { AL_EXIT_OK = 0, AL_EXIT_ERROR = 1, AL_EXIT_CANCELLED = 2 } al_exit_status;

typedef struct al_trace_event {
    int64_t t;           /* µs on the loop's clock */
    uint16_t type;       /* al_event_type */
    uint16_t reason;     /* see each type */
    int32_t fd;          /* -1 when not relevant */
    uint64_t task;       /* task id, 0 = the loop itself */
    uint64_t other;      /* parent / waker / joined task id, pid */
    int64_t value;       /* deadline, timeout, count, duration, error */
    const char *text;    /* name / output line / program; NULL when none */
    size_t text_len;
    const char *text2;   /* HELLO: backend name; SUSPEND: the operation, if one */
    /* POLL_END on a backend that queues requests to the kernel (uring):
     * requests submitted and completions reaped since the previous poll_end.
     * 0 on the readiness backends, which make one system call per poll. */
    uint32_t submitted, completed;
} al_trace_event;

/* A sink for the loop's events: put one at the start of your own struct. */
typedef struct al_event_sink al_event_sink;
typedef struct al_event_sink_ops {
    void (*emit)(al_event_sink *sink, const al_trace_event *ev);
    int (*flush)(al_event_sink *sink);     /* 0, or -EAGAIN / an error */
    void (*close)(al_event_sink *sink);    /* flush and free */
} al_event_sink_ops;
struct al_event_sink {
    const al_event_sink_ops *ops;
};

#endif
