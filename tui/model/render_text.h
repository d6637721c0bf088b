/* render_text.h — the timeline as plain text: one row per lane, one character
 * per slice of time, a time axis and a legend.
 *
 * Used by `asynclab timeline` (handouts, diffs, CI) and `asynclab compare`.
 * The pieces it is built from (the time axis, what one column of a lane
 * shows, the glyph and colour of each state) are public so that the live
 * view draws the same picture into its cell buffer.
 *
 * Contract
 *   Output     deterministic: the same model and options give the same bytes.
 *              Only the model's sanitised strings are printed, so no control
 *              characters reach the terminal; with `ascii` every byte is
 *              printable ASCII. ANSI colour codes only with `color`.
 *   Columns    a column covers [t, t + dt). When several states share one,
 *              the most telling wins: an exit, then a slow step, running,
 *              ready, waiting, polling. A span of no length (a step on the
 *              virtual clock) still shows in the column of its time.
 *   Errors     al_render_text returns 0, -EINVAL for bad options, or -EIO
 *              when writing failed.
 *   Threading  none; the model is only read.
 */
#ifndef AL_RENDER_TEXT_H
#define AL_RENDER_TEXT_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"

#define AL_TEXT_MIN_WIDTH 40
#define AL_TEXT_MAX_WIDTH 1000
#define AL_TEXT_DEFAULT_WIDTH 80

typedef struct al_text_options {
    int width;          /* total columns, AL_TEXT_MIN_WIDTH..AL_TEXT_MAX_WIDTH; 0 = 80 */
    int ascii;          /* only ASCII glyphs */
    int color;          /* ANSI colours (callers decide about NO_COLOR and TTYs) */
    int loop_lane;      /* 1 always show the loop's lane, 0 only when it has something */
} al_text_options;

/* The whole picture: title, axis, lanes, legend, scale. */
int al_render_text(const al_model *m, const al_text_options *opt, FILE *out);

/* ---- building blocks ------------------------------------------------------ */

/* A time axis: column c covers [t0 + c*dt, t0 + (c+1)*dt). Labels every
 * `tick` µs (a multiple of dt), printed with `decimals` digits after the
 * point. */
typedef struct al_time_axis {
    int64_t t0, dt, tick;
    int ncols;          /* columns needed to reach the end */
    int decimals;
} al_time_axis;

/* The smallest 1-2-5 step (1, 2, 5, 10, 20... µs) that is >= min (min >= 1). */
int64_t al_nice_step(int64_t min);
/* Fit [from, to] into at most `cols` columns with a 1-2-5 dt, t0 a multiple
 * of dt, and ticks far enough apart for their labels. -EINVAL if cols < 1. */
int al_time_axis_fit(int64_t from, int64_t to, int cols, al_time_axis *axis);
/* "0.2 s": a tick's label. Returns buf. */
const char *al_time_axis_label(const al_time_axis *axis, int64_t t, char *buf, size_t size);
/* A duration in the unit that reads best: "20 ms", "50 µs" ("us" in ASCII), "2 s". */
const char *al_format_duration(int64_t us, int ascii, char *buf, size_t size);

/* What one column of a lane shows. */
enum { AL_CELL_EMPTY = 255 };
enum { AL_CELL_SLOW = 254 };   /* a step that held the loop too long ended here */
typedef struct al_cell {
    uint8_t state;      /* al_lane_state, AL_CELL_EMPTY or AL_CELL_SLOW */
    uint8_t reason;     /* WAITING: al_wait_reason */
    uint8_t exit;       /* the lane's exit falls in this column (state is its final state) */
    uint8_t rank;       /* internal: how telling the cell is */
    int64_t cover;      /* internal: µs of the column the winning span covers */
} al_cell;

/* Fill out[0..ncols) for columns starting at t0, dt µs wide; an open span
 * (a live task) reaches `now` (the model's last_t). Cost: the columns plus
 * the spans in view, and O(log n) per column when the spans are denser than
 * the columns. */
void al_lane_cells(const al_lane *lane, int64_t now, int64_t t0, int64_t dt, int ncols,
                   al_cell *out);

/* The glyph of a cell (UTF-8, or ASCII) and its ANSI SGR colour ("32"; ""
 * for none). */
const char *al_cell_glyph(const al_cell *cell, int ascii);
const char *al_cell_color(const al_cell *cell);

#endif
