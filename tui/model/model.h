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
 *              Every string it keeps is made safe to print: valid UTF-8, no
 *              control characters (each offending byte becomes '?'), so a
 *              hostile trace cannot send escape sequences to a terminal.
 *   Lanes      one per task (in spawn order) plus lane 0, the loop itself,
 *              whose busy_us is the time tasks ran and idle_us the time it
 *              spent polling.
 *              Pointers into lanes[] (and al_model_lane's result) are valid
 *              until the next al_model_apply, which may grow the array.
 *   Spans      each lane is a list of non-overlapping spans [start, end) in
 *              µs on the traced program's clock, each in one state; the last
 *              span of a live task is open (end = AL_MODEL_OPEN) until the
 *              next state change. Spans are in time order and may be empty
 *              (start == end: on the virtual clock a step takes no time).
 *              A task that exited ends with one span in its final state
 *              (DONE, CANCELLED or FAILED) from its exit onwards.
 *              The loop lane has POLLING spans only, with gaps between them
 *              (the loop is running callbacks and tasks, or, on the virtual
 *              clock, jumping to the next timer).
 *   States     spawn opens READY; ready: WAITING -> READY; resume:
 *              READY -> RUNNING; suspend: RUNNING -> WAITING; exit ->
 *              DONE/CANCELLED/FAILED. An event that finds its task in another
 *              live state (the stream lost events: a sink drops when its
 *              reader is slow) is applied anyway and counted in `gaps`.
 *   Errors     al_model_apply returns -EPROTO for an event that cannot
 *              follow the previous ones (resume of an unknown task, time going
 *              backwards, an event for a task that already exited, a task
 *              spawned twice, task 0 spawned or resumed, an unknown event
 *              type or reason word, times beyond ±2^60 µs) and leaves the
 *              model unchanged but for `dropped`, which counts such events (a
 *              live view skips them and goes on); the message is in
 *              al_model_error(). -ENOMEM leaves it unchanged too.
 *   Sections   a later "hello" (a second loop writing to the same trace)
 *              starts a new section: the previous section's open spans are
 *              closed, task ids start afresh, and its clock is shifted so
 *              that it continues where the previous section ended.
 *   Speed      amortised O(1) per event: lanes are found by id through a hash
 *              table, spans and log lines are appended, strings live in an
 *              arena.
 *   Threading  none: one thread owns a model.
 */
#ifndef AL_MODEL_H
#define AL_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
    /* extensions */
    uint64_t seq;          /* number of the event that opened the span (1 = first event
                              applied): orders spans and wakes that share a time */
    int64_t value;         /* POLLING: the timeout in ms (-1 forever); FAILED/CANCELLED: error */
} al_span;

/* A point on a lane: a timer that fired, a line printed, a step that held
 * the loop too long (slow), a descriptor the loop found ready. */
typedef struct al_mark {
    int64_t t;
    uint16_t type;         /* al_event_type: TIMER, OUTPUT, SLOW, FD_READY */
    int32_t fd;            /* FD_READY: the descriptor */
    int64_t value;         /* TIMER: deadline; OUTPUT: index in m->output; SLOW: µs;
                              FD_READY: events mask (1 read, 2 write) */
    uint64_t task;         /* SLOW on the loop lane: the task whose step it was */
} al_mark;

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
    /* extensions */
    uint32_t section;      /* which hello it belongs to, 0 for the first */
    uint32_t depth;        /* 0 for top-level tasks, parent's depth + 1 (at most 8) */
    size_t parent_lane;    /* index of the parent's lane, 0 when none (or unknown) */
    al_mark *marks;
    size_t nmarks, capmarks;
} al_lane;

/* One line of the event log, already in words:
 * "+1.000123 s  task 3 resumed — timer fired". */
typedef struct al_log_entry {
    int64_t t;
    uint64_t task;         /* for filtering; 0 = the loop */
    uint16_t type;         /* al_event_type */
    char *text;
} al_log_entry;

struct al_model_private;   /* lookup table and string arena, model.c's own */

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
    uint64_t iterations;       /* poll_begin events seen: the loop's polls (shown as such),
                                  fewer than its iterations */
    size_t tasks_alive;
    int ended;                 /* the stream reached its end */
    char error[256];
    size_t error_line;         /* the stream's line the error is about (al_model_read), or 0 */
    /* extensions */
    int keep_log;              /* 1 (al_model_init's default): fill log[]; 0 saves the
                                  time and memory when nobody reads it (exports) */
    uint64_t gaps;             /* events applied although their task was in another
                                  state: the stream lost events before them */
    uint32_t sections;         /* hellos that started a section (1 after the first) */
    int64_t offset;            /* added to the current section's times */
    struct al_model_private *priv;
} al_model;

void al_model_init(al_model *m);
void al_model_free(al_model *m);
int al_model_apply(al_model *m, const al_trace_event *ev);
/* The stream ended: close open spans at last_t, mark ended. Applying an
 * event after this is an error. */
void al_model_end(al_model *m);
const char *al_model_error(const al_model *m);

/* The lane of a task id (of the current section), or NULL. */
al_lane *al_model_lane(al_model *m, uint64_t task);
/* The span of lane covering time t, or NULL. */
const al_span *al_model_span_at(const al_lane *lane, int64_t t);
const char *al_lane_state_name(int state);

/* Read a whole trace file into a model: 0, or negative with the reader's
 * "line N: ..." message in m->error. */
int al_model_load(al_model *m, const char *path);

/* ---- extensions ------------------------------------------------------------ */

/* al_model_load on an open stream (not closed): 0 at its end (the model is
 * ended), -EPROTO with "line N: ..." in m->error, -ENOMEM. */
int al_model_read(al_model *m, FILE *fp);

/* What a command does with a FILE argument: al_model_load, or al_model_read
 * of stdin for "-". On failure m->error names the file, compiler-style:
 * "trace.jsonl:3: not JSON", "trace.jsonl: No such file or directory"
 * ("<stdin>" for "-"). */
int al_model_open(al_model *m, const char *path);

/* Rewrite m->error ("line N: why", or "why") as FILE:N: why, or FILE: why:
 * the one form every command prints a trace's problem in. */
void al_model_name_error(al_model *m, const char *file);
/* "line N: why" about FILE becomes "FILE:N: why" (a compiler's way, which
 * editors jump to); any other message becomes "FILE: why". */
void al_error_at(char *dst, size_t size, const char *file, const char *msg);

/* The end of a span for drawing: its end, or the model's last_t while open. */
int64_t al_span_end(const al_model *m, const al_span *span);

/* A lane's label: its name, or "task N" when the name is empty; "loop" for
 * lane 0. Returns buf. */
const char *al_lane_label(const al_lane *lane, char *buf, size_t size);

/* A lane's kind (al_task_kind) for a reader: "fiber (own stack)",
 * "stackless (a generator)", "plain code, no coroutine (blocking calls)". */
const char *al_lane_kind_text(int kind);

/* A span in words, as the log and the exports say it: "running",
 * "ready (timer)", "sleep until 1.000000 s", "read fd 5", "join task 3",
 * "poll (timeout 1000 ms)", "failed: ECONNRESET"... Returns buf. */
const char *al_span_describe(const al_span *span, char *buf, size_t size);

/* Microseconds as seconds with six decimals ("1.000123", "-0.000005"). */
const char *al_format_seconds(int64_t us, char *buf, size_t size);

/* Copy at most len bytes of src into dst (size bytes, NUL-terminated), made
 * safe to print as described above, never cutting a UTF-8 character in two.
 * Returns the bytes written (without the NUL). */
size_t al_model_sanitize(char *dst, size_t size, const char *src, size_t len);

#endif
