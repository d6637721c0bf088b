/* view.h — the viewer's screen: its state, how keys change it, how it is drawn.
 *
 * The screen is a pure function of two things: the model (what the traced
 * program did, tui/model/model.h) and this al_view (what the person chose to look
 * at: zoom, selection, focus, overlays...). al_view_render() draws both into
 * a cell grid (view_cells.h); al_view_key() applies one key press. Neither
 * touches the terminal, a clock or a process, so the whole screen is
 * testable: tests set up a view, press keys and compare the grid with a
 * golden file. The driver (view_run.c) owns the rest: it fills in the
 * "inputs" part of the struct (the model to show, the time, the child's
 * state), performs the actions al_view_key() returns, and copies the grid to
 * the terminal with view_term.c.
 *
 * The screen, top to bottom:
 *   status bar   program, which panel has the focus (the keys act on it; it
 *                is also framed in heavy lines), backend, clock, tasks
 *                alive, events/s, dropped, loop iterations, and the source's
 *                state (live / paused / replay speed / ended)
 *   timeline     one lane per task plus the loop's, time flowing right,
 *                a glyph and a colour per state, the "now" cursor
 *   panels       task table, event log, program output, lesson notes
 *                (side by side at 120×40, one at a time under tabs at 80×24)
 *   legend       the keys that matter now, or a message, or the filter prompt
 * Below 80×24 the screen says which size it needs instead.
 */
#ifndef AL_VIEW_H
#define AL_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "view_cells.h"
#include "view_lines.h"

#define AL_VIEW_MIN_W 80
#define AL_VIEW_MIN_H 24

typedef enum al_view_mode {
    AL_VIEW_LIVE = 0,    /* a program running now (asynclab view -- CMD, lessons) */
    AL_VIEW_REPLAY       /* a recorded trace (asynclab view FILE) */
} al_view_mode;

typedef enum al_panel {
    AL_PANEL_TIMELINE = 0,
    AL_PANEL_TASKS,
    AL_PANEL_EVENTS,
    AL_PANEL_OUTPUT,
    AL_PANEL_NOTES,
    AL_PANEL_COUNT
} al_panel;

typedef enum al_overlay { AL_OVERLAY_NONE = 0, AL_OVERLAY_HELP, AL_OVERLAY_DETAILS } al_overlay;

/* Keys beyond plain characters (the driver maps ncurses' KEY_* to these). */
enum {
    AL_KEY_UP = 0x110000, AL_KEY_DOWN, AL_KEY_LEFT, AL_KEY_RIGHT,
    AL_KEY_PGUP, AL_KEY_PGDN, AL_KEY_HOME, AL_KEY_END,
    AL_KEY_ENTER, AL_KEY_TAB, AL_KEY_BTAB, AL_KEY_ESC, AL_KEY_BACKSPACE,
    AL_KEY_RESIZE
};

/* What a key asks of the driver, beyond changing the view. */
typedef enum al_view_action {
    AL_ACT_NONE = 0,
    AL_ACT_QUIT,
    AL_ACT_PAUSE,          /* `paused` was toggled: stop/restart playback or ingest */
    AL_ACT_NEXT_EVENT,     /* n: one more event (replay, or live while paused) */
    AL_ACT_PREV_EVENT,     /* p: one event back (replay) */
    AL_ACT_START,          /* g */
    AL_ACT_END,            /* G */
    AL_ACT_SPEED,          /* `speed` changed */
    AL_ACT_STEP,           /* s: run the traced loop one iteration (step mode) */
    AL_ACT_CONTINUE,       /* c: let the traced loop run freely again */
    AL_ACT_SECTION_PREV,   /* <: the previous program of the session */
    AL_ACT_SECTION_NEXT    /* >: the next one */
} al_view_action;

/* A lane in screen order: the model's lanes as a tree (children under their
 * parent, in spawn order), the loop's lane first. */
typedef struct al_view_row {
    uint32_t lane;         /* index into model->lanes */
    uint8_t depth;
} al_view_row;

typedef struct al_view_rects {
    int too_small, tabbed;
    al_rect status, timeline, legend;
    al_rect panel[AL_PANEL_COUNT];   /* w == 0: not shown */
} al_view_rects;

typedef struct al_view {
    /* ---- inputs: the driver sets these before each render ---------------- */
    al_model *model;            /* the program shown, NULL before any trace */
    al_view_mode mode;
    int64_t now;                /* trace time of the "now" cursor, µs */
    const char *title;          /* what runs: "lesson 5: coroutines", a command */
    const char *state;          /* "running", "exited 0", "crashed (SIGSEGV)"... */
    int state_bad;              /* state is bad news: shown as an error */
    const char *placeholder;    /* timeline text when there is no model yet */
    const char *error;          /* a trace problem, "line 12: not JSON", or NULL */
    const char *message;        /* a transient remark for the legend row */
    double events_per_s;
    uint64_t dropped;           /* events lost on the viewer's side */
    int section, nsections;     /* which program of the session (0-based) */
    size_t cursor, nevents;     /* replay: events applied / in the file */
    int truncated;              /* replay: the file has more events than were loaded */
    double speed;               /* replay speed, 0.1 to 10 */
    int playing;                /* replay is advancing by itself */
    int can_step;               /* live: the program's loop can be stepped */
    int stepping;               /* live: the program's loop is held by step mode */
    uint64_t steps;             /* iterations run by step presses */
    size_t pending;             /* live, paused: events waiting to be shown */
    al_lines *output;           /* program output (live); NULL: model->output */
    al_lines *notes;            /* lesson notes; NULL: no notes panel */
    int ascii;

    /* ---- what the person chose (al_view_key) ---------------------------- */
    int paused;                 /* the picture is frozen (live) / not playing (replay) */
    int follow;                 /* the timeline keeps "now" in view */
    int fit;                    /* the zoom fits the whole run in the width */
    int64_t scale;              /* µs per column when !fit */
    int64_t view_end;           /* the timeline's right edge when !follow */
    size_t sel;                 /* selected row (index into rows) */
    size_t top;                 /* first lane row shown */
    int focus;                  /* al_panel */
    int bottom;                 /* tabbed layout: the panel under the tabs */
    int overlay;                /* al_overlay */
    size_t overlay_scroll;
    size_t scroll[AL_PANEL_COUNT];   /* text panels: lines up from the end (0 = tail) */
    char filter[64];            /* event log / lanes filter: task id or name part */
    int editing;                /* the filter prompt is open */
    char edit[64];

    /* ---- kept by the renderer between frames ---------------------------- */
    al_view_row *rows;
    size_t nrows, caprows;
    const al_model *rows_model;
    size_t rows_nlanes;
    char rows_filter[64];
    uint32_t *logidx;           /* event log entries that pass the filter */
    size_t nlogidx, caplogidx, log_scanned;
    const al_model *log_model;
    char log_filter[64];
    size_t log_nlanes;
    uint64_t *match;            /* tasks the filter selects, sorted */
    size_t nmatch, capmatch;
    al_view_rects rects;        /* the last layout */
    int64_t drawn_scale;        /* the zoom last drawn (fit resolves to a level) */
    int64_t drawn_t0;           /* the time at the timeline's first column */
    int timeline_cols;
} al_view;

void al_view_init(al_view *v, al_view_mode mode);
void al_view_free(al_view *v);

/* Draw everything into c (which has the terminal's size). */
void al_view_render(al_view *v, al_cells *c);
/* Apply one key; returns what the driver must do. */
al_view_action al_view_key(al_view *v, int key);

/* The model changed so much (a new program, a replay seek backwards) that
 * cached rows and log indexes must be rebuilt. */
void al_view_model_changed(al_view *v);

/* ---- pieces shared by the render files (view_*.c) ---------------------- */
void al_view_layout(const al_view *v, int w, int h, al_view_rects *out);
void al_view_update_rows(al_view *v);
void al_view_draw_timeline(al_view *v, al_cells *c, al_rect r);
void al_view_draw_tasks(al_view *v, al_cells *c, al_rect r);
void al_view_draw_events(al_view *v, al_cells *c, al_rect r);
void al_view_draw_output(al_view *v, al_cells *c, al_rect r);
void al_view_draw_notes(al_view *v, al_cells *c, al_rect r);
void al_view_draw_status(al_view *v, al_cells *c, al_rect r);
void al_view_draw_legend(al_view *v, al_cells *c, al_rect r);
/* The tabs (80x24 layout): they are the title row of the panel under them. */
void al_view_draw_tabs(al_view *v, al_cells *c, al_rect r, const char *info);
void al_view_draw_help(al_view *v, al_cells *c);
void al_view_draw_details(al_view *v, al_cells *c);
void al_view_draw_too_small(al_view *v, al_cells *c);
/* A panel's title row: "── Title ── right-side info ──", highlighted when focused. */
void al_view_draw_title(al_view *v, al_cells *c, al_rect r, int panel, const char *title,
                        const char *info);

/* The focus: heavy lines frame the focused panel, light ones the others. */
uint32_t al_view_rule_glyph(int focused, int ascii);
uint32_t al_view_separator_glyph(int focused, int ascii);
/* "Timeline", "Tasks", "Events", "Output", "Notes". */
const char *al_view_panel_name(int panel);
/* The arrows scroll this panel's text (events, output, notes), rather than
 * select a lane (timeline, tasks). */
int al_view_is_text_panel(int panel);

/* The lane a row shows, or NULL. */
al_lane *al_view_row_lane(const al_view *v, size_t row);
/* The current span of a lane: its last one, or NULL. */
const al_span *al_view_lane_span(const al_lane *lane);
/* What a lane waits for or how it ended, in words: "sleep until 1.000000 s",
 * "read fd 5", "join #3", "woken by timer", "ECONNRESET"... */
void al_view_reason(const al_model *m, const al_lane *lane, const al_span *s, char *buf,
                    size_t size);
/* The state's glyph and style (ASCII or not). */
uint32_t al_view_state_glyph(int state, int ascii);
int al_view_state_style(int state);

/* ---- time and numbers in words (view_fmt.c) ---------------------------- */
/* A duration, short: "0", "12 µs", "3.4 ms", "1.25 s", "2 m 05 s" (µs is
 * "us" in ASCII). */
char *al_fmt_duration(char *buf, size_t size, int64_t us, int ascii);
/* A time on the axis, relative to the start: "0", "250ms", "1.5s", "2m". */
char *al_fmt_axis(char *buf, size_t size, int64_t us);
/* A count: "950", "12.3k", "4.5M". */
char *al_fmt_count(char *buf, size_t size, double n);
/* The zoom levels: 1, 2, 5 × 10^k µs per column, from 1 µs to 100 s. */
int64_t al_zoom_fit(int64_t span_us, int columns);
int64_t al_zoom_step(int64_t scale, int direction);

#endif
