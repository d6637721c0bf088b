/* asynclab/trace.h — what the loop and its tasks did, as a stream of events.
 *
 * The vocabulary is Trio's Instrument API plus the *why*: every suspend says
 * what the task waits for, every ready says what woke it. The viewer folds
 * this stream into a timeline; tests assert on it.
 *
 * Contract
 *   Off        a loop without a trace pays one pointer test per event site.
 *   Time       `t` is microseconds on the loop's clock (real or virtual).
 *   Sinks      JSON Lines to a file or an inherited fd (format: docs in
 *              core/TRACE-FORMAT.md, version AL_TRACE_VERSION, first line a
 *              "hello" event carrying the version), or an in-memory ring of
 *              the most recent `capacity` events (tests). Events that do not
 *              fit (a ring that wrapped, a pipe that failed) are counted as
 *              dropped, never block the program and never crash it.
 *   Strings    ev->text points at bytes valid only during the emit call; the
 *              ring copies up to AL_TRACE_TEXT_MAX-1 bytes. text_len == 0
 *              with a non-NULL text means "NUL-terminated, use strlen".
 *   Pipes      a sink on a pipe or socket never blocks the program: lines
 *              are written when poll(2) says there is room, else kept
 *              (64 KiB) and, past that, dropped and counted. SIGPIPE from a
 *              dead reader is blocked and consumed, never delivered.
 *   Flush      al_trace_flush may return -EAGAIN while lines are still
 *              buffered for a slow pipe; the loop flushes before every poll
 *              that may block, so a live viewer sees events as they happen.
 *   Reading    al_trace_reader parses a JSON Lines stream back into events;
 *              a malformed line, an unknown event, a missing field or a newer
 *              version is an error whose message names the line number.
 *   Threading  a trace belongs to one loop's thread.
 *   Errors     negative errno; a malformed stream is -EPROTO, with the
 *              message from al_trace_reader_error().
 */
#ifndef ASYNCLAB_TRACE_H
#define ASYNCLAB_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define AL_TRACE_VERSION 1
#define AL_TRACE_TEXT_MAX 64

typedef struct al_trace al_trace;

typedef enum al_event_type {
    AL_EV_HELLO = 0,   /* first event: text = program, reason = clock kind, other = pid; backend in text2 */
    AL_EV_SPAWN,       /* task, other = parent task id (0 = none), reason = al_task_kind, text = name */
    AL_EV_READY,       /* task, reason = al_wake_cause, other = waking task id (WAKE_TASK), fd (WAKE_FD) */
    AL_EV_RESUME,      /* task */
    AL_EV_SUSPEND,     /* task, reason = al_wait_reason, value = until (SLEEP), fd (READ/WRITE), other = joined task (JOIN) */
    AL_EV_EXIT,        /* task, reason = al_exit_status, value = error (negative errno) */
    AL_EV_POLL_BEGIN,  /* value = timeout in ms (-1 forever) */
    AL_EV_POLL_END,    /* value = number of ready fds */
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
    const char *text2;   /* HELLO: backend name */
} al_trace_event;

/* Open a JSON Lines sink. The file is created/truncated; the fd form does
 * not take ownership of fd (it is neither closed nor truncated). */
int al_trace_open_file(al_trace **out, const char *path);
int al_trace_open_fd(al_trace **out, int fd);
/* From $ASYNCLAB_TRACE: "path" or "fd:N". *out = NULL (and 0) when unset;
 * -EINVAL for a malformed value. */
int al_trace_open_env(al_trace **out);
/* In-memory ring of the newest `capacity` events. */
int al_trace_open_ring(al_trace **out, size_t capacity);
/* Flush and free; NULL is ignored. */
void al_trace_close(al_trace *trace);
int al_trace_flush(al_trace *trace);

/* Record one event (the loop calls this; programs may too). */
void al_trace_emit(al_trace *trace, const al_trace_event *ev);

uint64_t al_trace_emitted(const al_trace *trace);
uint64_t al_trace_dropped(const al_trace *trace);

/* Ring access: events currently held, oldest first. The returned event's
 * text points into the ring (valid until the next emit). -ENOENT past the end,
 * -EINVAL for a non-ring trace. */
size_t al_trace_ring_count(const al_trace *trace);
int al_trace_ring_get(const al_trace *trace, size_t index, al_trace_event *out);
void al_trace_ring_clear(al_trace *trace);

/* One event as one JSON line, with '\n', NUL-terminated. Returns the length,
 * or -ENOSPC if buf is too small (512 bytes plus 6× the text always fit). */
int al_trace_format(const al_trace_event *ev, char *buf, size_t size);

/* ---- reading a stream back ---------------------------------------------- */
typedef struct al_trace_reader al_trace_reader;
/* Reads from fp (not owned). */
int al_trace_reader_open(al_trace_reader **out, FILE *fp);
/* 1 and *ev on an event (ev->text valid until the next call), 0 at end of
 * stream, negative on a malformed line: then al_trace_reader_error() says
 * "line N: what is wrong". A truncated last line (no '\n') is an error. */
int al_trace_reader_next(al_trace_reader *r, al_trace_event *ev);
const char *al_trace_reader_error(const al_trace_reader *r);
size_t al_trace_reader_line(const al_trace_reader *r);
void al_trace_reader_close(al_trace_reader *r);

/* Names used in the JSON form ("spawn", "sleep", "timer", ...). */
const char *al_event_type_name(int type);
int al_event_type_from_name(const char *name);
/* The word for an event's `reason` in the JSON form: SPAWN "stackless"/
 * "fiber", READY "timer"/"fd"/..., SUSPEND "sleep"/"read"/..., EXIT "ok"/
 * "error"/"cancelled", HELLO "real"/"virtual". NULL (from_name: -1) when the
 * pair has no word. */
const char *al_trace_reason_name(int type, int reason);
int al_trace_reason_from_name(int type, const char *name);

#endif
