/* asynclab/trace.h — what the loop and its tasks did, as a stream of events.
 *
 * The vocabulary is Trio's Instrument API plus the *why*: every suspend says
 * what the task waits for, every ready says what woke it. The viewer folds
 * this stream into a timeline; tests assert on it.
 *
 * The trace layer, above the loop: the events themselves and the sink
 * interface are the loop's (events.h); an al_trace is such a sink, and
 * al_loop_new is the loop created with the trace $ASYNCLAB_TRACE names.
 *
 * Contract
 *   Sinks      JSON Lines to a file or an inherited fd (format: docs in
 *              core/trace/TRACE-FORMAT.md, version AL_TRACE_VERSION, first line a
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

#include "events.h"
#include "loop.h"

#define AL_TRACE_VERSION 1
#define AL_TRACE_TEXT_MAX 64

typedef struct al_trace al_trace;

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

/* Record one event (the loop does, through the sink; programs may too). */
void al_trace_emit(al_trace *trace, const al_trace_event *ev);

/* The trace as the loop's event sink (al_loop_options.sink). */
al_event_sink *al_trace_sink(al_trace *trace);

/* ---- a loop with its trace ------------------------------------------------ */

/* al_loop_create (loop.h), plus the trace: the sink of opts if it has one
 * (stays the caller's), else the trace $ASYNCLAB_TRACE names ("path" or
 * "fd:N", the loop's own, closed by al_loop_free), else none. A trace starts
 * with a "hello" event (program, pid, clock, backend). -EINVAL for an unknown
 * backend or a malformed $ASYNCLAB_TRACE. */
int al_loop_new(al_loop **out, const al_loop_options *opts);

/* The loop's trace, or NULL if it has none (or its sink is not a trace). */
al_trace *al_loop_trace(const al_loop *loop);

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

/* s[0..n) as a JSON string literal, by the trace writer's rules: quotes,
 * backslashes, controls and DEL escaped; bytes that are not well-formed UTF-8
 * each become U+FFFD, so the result is always valid JSON and safe to print.
 * The project's one JSON escaper (where cJSON builds the document, it escapes
 * itself). al_json_quote writes at most 2 + 6n bytes to out and returns how
 * many; al_json_fput writes the quoted s to f: 0, -ENOMEM or -EIO. */
size_t al_json_quote(char *out, const char *s, size_t n);
int al_json_fput(FILE *f, const char *s);

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
/* A suspend on a completion operation names it (the event's text2):
 * "recv", "send" or "accept", as a static string; NULL for anything else. */
const char *al_trace_op_word(const char *word);

#endif
