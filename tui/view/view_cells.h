/* view_cells.h — a screen as a grid of cells: the viewer draws here, never
 * on the terminal directly.
 *
 * Every panel of the viewer renders into an al_cells grid: one character
 * and one style per cell. The ncurses driver (view_term.c) copies the grid
 * to the terminal; the unit tests turn it into text and compare it with
 * golden files. So what a person sees is tested without a terminal.
 *
 * Contract
 *   Coordinates  (x, y) = (column, row), 0-based. Drawing outside the grid
 *                or outside the clip rectangle is silently dropped, so a
 *                panel cannot scribble over its neighbours.
 *   Text         UTF-8 in. Bytes that are not UTF-8 become U+FFFD, control
 *                characters '?', a wide character (CJK, emoji) takes two
 *                cells (the second is marked AL_CELL_WIDE_TAIL), combining
 *                marks are dropped. In ASCII mode (`--ascii`, or a locale
 *                that is not UTF-8) every non-ASCII character is drawn '?',
 *                so the grid holds only what the terminal can show.
 *   Styles       a style says what a cell *means* (running, waiting, a
 *                title...); the driver turns meanings into colours, or into
 *                plain attributes when colour is off (NO_COLOR).
 *   Ownership    al_cells_init / al_cells_free; al_cells_dump* return
 *                malloc'd text the caller frees.
 */
#ifndef AL_VIEW_CELLS_H
#define AL_VIEW_CELLS_H

#include <stddef.h>
#include <stdint.h>

/* What a cell means; the driver picks its colour (view_term.c). */
typedef enum al_style {
    AL_ST_NORMAL = 0,
    AL_ST_DIM,          /* secondary text: axis labels, hints */
    AL_ST_TITLE,        /* a panel's title */
    AL_ST_FOCUS,        /* the focused panel's title */
    AL_ST_BAR,          /* status bar and key legend */
    AL_ST_KEY,          /* a key name in the legend or help */
    AL_ST_RUNNING,
    AL_ST_READY,
    AL_ST_WAITING,
    AL_ST_POLLING,
    AL_ST_DONE,
    AL_ST_CANCELLED,
    AL_ST_FAILED,
    AL_ST_SLOW,         /* a step that held the loop too long */
    AL_ST_NOW,          /* the "now" cursor */
    AL_ST_ERROR,        /* a problem the user must see */
    AL_ST_WARN,
    AL_ST_GOOD,
    AL_ST_COUNT
} al_style;

enum {
    AL_CELL_WIDE_TAIL = 1,   /* right half of a wide character: draw nothing */
    AL_CELL_REVERSE = 2,     /* selection */
    AL_CELL_BOLD = 4,
    AL_CELL_UNDERLINE = 8
};

typedef struct al_cell {
    uint32_t ch;        /* a Unicode code point; ' ' when empty */
    uint8_t style;      /* al_style */
    uint8_t flags;      /* AL_CELL_* */
} al_cell;

typedef struct al_rect {
    int x, y, w, h;
} al_rect;

typedef struct al_cells {
    int w, h;
    al_cell *cell;      /* w*h, row by row */
    int ascii;          /* draw only ASCII */
    al_rect clip;
} al_cells;

void al_cells_init(al_cells *c);
void al_cells_free(al_cells *c);
/* Make the grid w×h and blank; -ENOMEM (grid unchanged) on failure. */
int al_cells_resize(al_cells *c, int w, int h);
/* Blank every cell and reset the clip to the whole grid. */
void al_cells_clear(al_cells *c);
/* Restrict drawing to r ∩ the grid (al_cells_clip_all() undoes it). */
void al_cells_clip(al_cells *c, al_rect r);
void al_cells_clip_all(al_cells *c);

/* The cell at (x, y), or NULL outside the grid. */
al_cell *al_cells_at(al_cells *c, int x, int y);
/* One character (ASCII mode applied; a wide one takes two cells). */
void al_cells_put(al_cells *c, int x, int y, uint32_t ch, int style, int flags);
/* UTF-8 text at (x, y), at most maxw columns (maxw < 0: to the clip's
 * edge). With `ellipsis`, text that does not fit ends in '…' ('~' in
 * ASCII). Returns the columns drawn. */
int al_cells_text(al_cells *c, int x, int y, int maxw, const char *s, int style, int flags,
                  int ellipsis);
int al_cells_textf(al_cells *c, int x, int y, int maxw, int style, int flags, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Fill a rectangle with ch. */
void al_cells_fill(al_cells *c, al_rect r, uint32_t ch, int style, int flags);
/* Set the style/flags of a rectangle, keeping its characters. */
void al_cells_restyle(al_cells *c, al_rect r, int style, int flags);
/* A frame around r (box drawing, or +-| in ASCII) with a title in its top edge. */
void al_cells_box(al_cells *c, al_rect r, const char *title, int style);

/* Columns a string takes (same rules as drawing). */
int al_text_width(const char *s, int ascii);
/* One code point from UTF-8 at *s (< end), advancing *s; U+FFFD for a bad
 * byte (one byte consumed). */
uint32_t al_utf8_next(const char **s, const char *end);
/* Cells a code point takes: 0 (combining), 1, or 2 (wide). */
int al_char_width(uint32_t ch);

/* The grid as UTF-8 text, one line per row, trailing blanks removed. */
char *al_cells_dump(const al_cells *c);
/* The styles as text, one character per cell: al_cells_style_letter(),
 * upper case when reversed. Lines keep their full width. */
char *al_cells_dump_styles(const al_cells *c);
char al_cells_style_letter(int style);

#endif
