/* model.h — the viewer's model: trace events folded into timeline state.
 *
 * Pure C, no ncurses: the live view, the replay, `asynclab timeline` (text),
 * the Perfetto and SVG exports and the unit tests all read this one model.
 * Live view is replay of a stream that has not ended yet: events are applied
 * one at a time, in stream order, and the model is always consistent.
 *
 * Contract
 *   Ownership  al_model_init/al_model_free; the model copies every string it
 *              keeps (event texts are only valid during al_model_apply).
 *   Lanes      one per task (in spawn order) plus lane 0, the loop itself.
 *   Spans      each lane is a list of non-overlapping spans [start, end) in
 *              µs on the traced program's clock, each in one state; the last
 *              span of a live task is open (end = AL_MODEL_OPEN) until the
 *              next state change.
 *   Errors     al_model_apply returns -EPROTO for an event that cannot
 *              follow the previous ones (resume of an unknown task, time going
 *              backwards...) and leaves the model unchanged; the message is
 *              in al_model_error().
 *   Threading  none: one thread owns a model.
 */
#ifndef AL_MODEL_H
#define AL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "asynclab/trace.h"

#define AL_MODEL_OPEN INT64_MAX

/* What a lane is doing during a span. */
typedef enum al_lane_state {
    AL_LANE_READY = 0,     /* woken, waiting for its turn */
    AL_LANE_RUNNING,
    AL_LANE_WAITING,       /* with a reason, see al_span.reason */
    AL_LANE_DONE,
    AL_LANE_CANCELLED,
    AL_LANE_FAILED,
    AL_LANE_POLLING,       /* loop lane: blocked in poll */
    AL_LANE_STATE_COUNT
} al_lane_state;

typedef struct al_span {
    int64_t start, end;
    uint8_t state;         /* al_lane_state */
    uint8_t reason;        /* WAITING: al_wait_reason; READY: al_wake_cause that woke it */
    int32_t fd;            /* WAITING on read/write: the fd */
    uint64_t other;        /* WAITING on join: the task; READY by task: the waker */
    int64_t until;         /* WAITING on sleep: the deadline */
} al_span;

typedef struct al_lane {
    uint64_t task;         /* 0 for the loop lane */
    char name[AL_TRACE_TEXT_MAX];
    uint8_t kind;          /* al_task_kind */
    uint64_t parent;
    al_span *spans;
    size_t nspans, capspans;
    uint8_t state;         /* current al_lane_state */
    int64_t spawned_at, exited_at;   /* exited_at = AL_MODEL_OPEN while alive */
    int64_t error;         /* exit error (negative errno), 0 if ok */
    uint64_t resumes;
    int64_t busy_us;       /* time RUNNING, closed spans only */
    int64_t idle_us;       /* time READY or WAITING, closed spans only */
    uint32_t slow_warnings;
} al_lane;

/* One line of the event log, already in words:
 * "+1.000123 s  task 3 resumed — timer fired". */
typedef struct al_log_entry {
    int64_t t;
    uint64_t task;         /* for filtering; 0 = the loop */
    uint16_t type;         /* al_event_type */
    char *text;
} al_log_entry;

typedef struct al_model {
    /* from the hello event */
    char program[64];
    char backend[48];
    int clock;             /* al_clock_kind */
    int64_t pid;
    /* lanes: [0] is the loop */
    al_lane *lanes;
    size_t nlanes, caplanes;
    /* event log */
    al_log_entry *log;
    size_t nlog, caplog;
    /* program output lines (the output panel) */
    al_log_entry *output;
    size_t noutput, capoutput;
    /* counters */
    int64_t first_t, last_t;   /* time range seen */
    uint64_t events;
    uint64_t dropped;          /* events the model could not use */
    uint64_t iterations;       /* poll_begin events seen */
    size_t tasks_alive;
    int ended;                 /* the stream reached its end */
    char error[256];
} al_model;

void al_model_init(al_model *m);
void al_model_free(al_model *m);
int al_model_apply(al_model *m, const al_trace_event *ev);
/* The stream ended: close open spans at last_t, mark ended. */
void al_model_end(al_model *m);
const char *al_model_error(const al_model *m);

/* The lane of a task id, or NULL. */
al_lane *al_model_lane(al_model *m, uint64_t task);
/* The span of lane covering time t, or NULL. */
const al_span *al_model_span_at(const al_lane *lane, int64_t t);
const char *al_lane_state_name(int state);

/* Read a whole trace file into a model: 0, or negative with the reader's
 * "line N: ..." message in m->error. */
int al_model_load(al_model *m, const char *path);

#endif
