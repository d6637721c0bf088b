/* view_lines.h — lines of text for a panel: a program's output, a lesson's notes.
 *
 * A traced program's stdout and stderr come to the viewer through a pipe,
 * as raw bytes: partial lines, carriage returns (progress bars), colour
 * escapes, tabs, maybe binary. al_lines turns that into lines a panel can
 * draw: escapes removed, tabs expanded, a '\r' starting the line over, and
 * only the newest `cap` lines kept, so a chatty program cannot eat memory.
 *
 * Contract
 *   Ownership  al_lines_init(cap) / al_lines_free. Lines are owned here;
 *              al_lines_get's pointer is valid until the next change.
 *   Partial    the line being written (no '\n' yet) is visible as the last
 *              line, and replaced as more of it arrives.
 *   Errors     -ENOMEM; the lines kept so far stay valid.
 */
#ifndef AL_VIEW_LINES_H
#define AL_VIEW_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "view_cells.h"

typedef struct al_lines {
    char **line;         /* ring of cap lines, oldest at `first` */
    size_t cap, first, n;
    uint64_t total;      /* complete lines ever added (dropped ones included) */
    /* the line being assembled from fed bytes */
    char *cur;
    size_t cur_len, cur_cap;
    int cur_shown;       /* the partial line occupies the ring's last slot */
    int cr;              /* a '\r' was the last byte */
    int esc;             /* inside an escape sequence: 0 no, 1 after ESC, 2 CSI, 3 OSC/string */
} al_lines;

void al_lines_init(al_lines *l, size_t cap);
void al_lines_free(al_lines *l);
/* Lines held now, partial one included. */
size_t al_lines_count(const al_lines *l);
/* Line i (0 = oldest held), or NULL. */
const char *al_lines_get(const al_lines *l, size_t i);
/* Add one whole line, as is (notes, messages). */
int al_lines_add(al_lines *l, const char *text, size_t len);
/* Raw program output: split, clean, keep. */
int al_lines_feed(al_lines *l, const char *bytes, size_t len);
/* The partial line is complete (end of stream). */
int al_lines_flush(al_lines *l);
/* Read a text file, one al_lines line per line. -errno on failure. */
int al_lines_load(al_lines *l, const char *path);
/* Read a Markdown file with its paragraphs joined into lines
 * (render_reflow.h), for a panel that wraps them to its own width. */
int al_lines_load_markdown(al_lines *l, const char *path);

/* Word-wrap `text` to `width` columns: calls emit(arg, start, len) for each
 * piece (UTF-8 aware; a word longer than the width is cut). Returns the
 * number of pieces. emit may be NULL to count only. */
size_t al_wrap(const char *text, int width, int ascii,
               void (*emit)(void *arg, const char *start, size_t len), void *arg);

/* al_wrap's pieces of `text` drawn into c, each centred between r.x and
 * r.x + r.w, one row each from *y on (*y ends past them), in `style`. */
void al_wrap_centred(al_cells *c, al_rect r, int *y, const char *text, int width, int style);

#endif
