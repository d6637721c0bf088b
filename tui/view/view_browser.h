/* view_browser.h — the lab's front door: the lessons, one line each, and
 * the chosen one's introduction (PgUp/PgDn scroll it); Enter or space runs
 * its demo under the viewer; ? shows the keys.
 *
 * Drawn into a cell grid like the viewer (so it is tested the same way);
 * cmd_lab.c runs the loop around it.
 */
#ifndef AL_VIEW_BROWSER_H
#define AL_VIEW_BROWSER_H

#include <stddef.h>

#include "lessons.h"
#include "view_cells.h"
#include "view_lines.h"

typedef struct al_browser {
    const al_lesson *lessons;
    size_t n;
    size_t sel;
    al_lines intro;          /* the selected lesson's README, loaded on selection */
    size_t intro_for;        /* which lesson `intro` holds (n: none) */
    size_t intro_scroll;     /* wrapped lines of the introduction scrolled past */
    int intro_page;          /* rows the introduction had at the last render (PgUp/PgDn) */
    int help;                /* the keys are shown over the screen (?) */
    const char *message;     /* e.g. how the last demo ended */
    int ascii;
} al_browser;

void al_browser_init(al_browser *b, const al_lesson *lessons, size_t n);
void al_browser_free(al_browser *b);
void al_browser_render(al_browser *b, al_cells *c);
/* A key (view.h codes): 1 to run the selected lesson, -1 to quit, 0 otherwise. */
int al_browser_key(al_browser *b, int key);

#endif
