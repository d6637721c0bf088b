/* view_session.h — the traces behind a viewer session: one model per
 * traced program, a recorded trace's events and where the replay is.
 *
 * A session is the stream of events the viewer reads, live from a pipe or
 * from a file. The stream may hold several programs in turn (a lesson's demo
 * runs one traced program after another; each starts with a "hello"), and
 * their clocks restart, so each program gets a model of its own, a
 * "section". Live, events go into the newest section as they come, except
 * while the picture is paused: then they wait in a queue, and `n` takes
 * them one at a time. A replay keeps every event of the file and rebuilds
 * the cursor's section from its hello whenever the cursor moves back.
 *
 * Contract
 *   Ownership  al_session_init / al_session_free; the session copies every
 *              event text it keeps.
 *   Errors     loading a file is strict: the first bad line is an error
 *              ("line 12: not JSON") and nothing is shown. Live, a bad line
 *              is counted and the first problem kept in `error`; the stream
 *              goes on (the reader's errors are not sticky).
 *   Threading  none: the viewer's one thread owns it.
 */
#ifndef AL_VIEW_SESSION_H
#define AL_VIEW_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* An event with its own copies of its texts. */
typedef struct al_stored_event {
    al_trace_event ev;
    char *text, *text2;
} al_stored_event;

typedef struct al_section {
    al_model model;
    size_t first;          /* replay: index of its hello in the events */
    size_t end;            /* replay: one past its last event */
    size_t built;          /* replay: events [first, built) are in the model */
    int64_t wall_offset;   /* live: min(wall µs at arrival - t), to guess "now" */
    int have_offset;
} al_section;

typedef struct al_session {
    al_section *sec;
    size_t nsec, capsec;
    /* replay */
    int replay;
    al_stored_event *ev;
    size_t nev, capev;
    size_t cursor;         /* events [0, cursor) have been applied */
    /* live, while the picture is paused */
    int hold;
    al_stored_event *queue;
    size_t qhead, qlen, qcap;
    size_t qmax;           /* beyond this many waiting events, new ones are dropped */
    /* The history limit. A program traced under load sends events without
     * end (a server under wrk: ~300,000 a second), and every event the
     * models keep costs memory (~100 bytes with its log line). Live, beyond
     * max_applied events the rest are counted, not kept: the picture stops
     * there and says so, and memory stays bounded. A replay loads at most
     * that many events of its file. 0 = no limit. */
    uint64_t max_applied;
    /* counters */
    uint64_t received;     /* events read from the stream */
    uint64_t applied;      /* live: events the models took */
    uint64_t refused;      /* live: events a model refused (the first reason is in error) */
    uint64_t dropped;      /* live: events lost here: the pause queue was full, or the
                              history limit was reached (those are in over_limit too) */
    uint64_t over_limit;   /* live: events not kept because of max_applied */
    int truncated;         /* replay: the file has more than max_applied events; only the
                              first max_applied were loaded */
    uint64_t bad_lines;    /* lines the reader rejected */
    char error[256];       /* the first problem, "line 12: not JSON" */
    int ended;             /* the stream reached its end */
} al_session;

void al_session_init(al_session *s);
void al_session_free(al_session *s);

/* ---- live ---- */
/* One event from the stream (wall_us: when it arrived, for guessing now). */
int al_session_feed(al_session *s, const al_trace_event *ev, int64_t wall_us);
/* Apply up to max waiting events (after a pause). Returns how many. */
size_t al_session_release(al_session *s, size_t max);
/* The stream ended: the last program's open spans end at its last event. */
void al_session_end(al_session *s);
/* A line the reader rejected: counted, the first one kept. */
void al_session_bad_line(al_session *s, const char *message);
/* The newest section, or NULL before any event. */
al_section *al_session_last(al_session *s);

/* ---- replay ---- */
/* Read a whole trace (fp not closed). 0, or -EPROTO/-errno with the
 * reader's "line N: ..." message in s->error. At most s->max_applied events
 * are loaded (0: all): a replay keeps every event in memory (~200 bytes
 * each with the model), so a huge or hostile file is cut there, and
 * `truncated` says so. */
int al_session_load(al_session *s, FILE *fp);
/* Move the cursor: events [0, cursor) applied. Returns the section index
 * the cursor is in. */
size_t al_session_seek(al_session *s, size_t cursor);
/* The section holding event index i (or the last one). */
size_t al_session_section_of(const al_session *s, size_t i);
/* The model the cursor shows. */
al_section *al_session_current(al_session *s);

/* Copy an event and its texts (for queues and tests). -ENOMEM. */
int al_stored_event_copy(al_stored_event *dst, const al_trace_event *ev);
void al_stored_event_free(al_stored_event *e);

#endif
