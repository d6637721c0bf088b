/* view_term.h — the terminal, through ncurses: the only file that knows it.
 *
 * The viewer draws into a cell grid (view_cells.h); this driver copies the
 * grid to the terminal (rows that changed only) and turns key presses into
 * the viewer's key codes. It chooses the character set (Unicode when the
 * locale is UTF-8, else ASCII, or ASCII when asked) and the colours (none
 * when NO_COLOR is set or the terminal has none: the glyphs alone still tell
 * the states apart).
 *
 * Contract
 *   al_term_open sets the terminal up (and registers al_term_close with
 *   atexit, so every exit path gives it back); al_term_close restores it
 *   and may be called any number of times. Signals: see view_signals.h,
 *   installed by al_term_open before ncurses starts.
 *   Errors: al_term_open returns negative with a message (not a terminal,
 *   unknown TERM) and leaves the terminal untouched.
 */
#ifndef AL_VIEW_TERM_H
#define AL_VIEW_TERM_H

#include <stddef.h>

#include "view_cells.h"

typedef struct al_term_options {
    int ascii;        /* --ascii: no Unicode even in a UTF-8 locale */
    int no_color;     /* --no-color (NO_COLOR is read as well) */
} al_term_options;

/* 0, or negative with a message in err. *ascii_out says which glyphs to use. */
int al_term_open(const al_term_options *o, int *ascii_out, char *err, size_t errsize);
void al_term_close(void);
int al_term_is_open(void);
void al_term_size(int *w, int *h);
/* Copy the grid to the screen (only what changed since the last draw). */
void al_term_draw(const al_cells *c);
/* Repaint everything on the next draw (after a resize, Ctrl-L). */
void al_term_invalidate(void);
/* The next key (view.h's AL_KEY_* for special keys), or -1 when none is
 * waiting. Never blocks: poll stdin for readiness first. */
int al_term_key(void);

#endif
