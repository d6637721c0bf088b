/* render_reflow.h — a Markdown text as paragraphs, for a panel to wrap.
 *
 * A README is hard-wrapped near 80 columns. A panel that wraps each of its
 * lines again to its own width breaks every line twice: a short piece at
 * each of the file's line ends, a ragged column. al_reflow_markdown() joins
 * the lines of each paragraph (and of each list item) into one line, so
 * the panel wraps a paragraph once, to its width.
 *
 * Kept line for line, as the file has them: fenced code blocks (``` or ~~~,
 * the fences too), indented code (4 spaces or a tab after a blank line),
 * table rows ('|'), headings ('#'), block quotes ('>'), rules ("---",
 * "***"), HTML lines ('<') and blank lines. A list item ("- ", "* ", "+ ",
 * "1. ", "1) ") starts a line of its own, with its indentation; the lines
 * indented under it join it. Markdown's own hard break (two spaces or a '\'
 * at a line's end) ends the joined line there. Joining puts one space
 * between the pieces, in place of the line break and the next line's indent.
 *
 * Contract
 *   Pure       no I/O, no global state; the input is not changed.
 *   Output     a malloc'd, NUL-terminated text whose lines end with '\n'
 *              (the caller frees it), its length in *out_len if not NULL.
 *              A '\r' before a '\n' is dropped.
 *   Errors     NULL with errno ENOMEM.
 */
#ifndef AL_RENDER_REFLOW_H
#define AL_RENDER_REFLOW_H

#include <stddef.h>

char *al_reflow_markdown(const char *text, size_t len, size_t *out_len);

/* A list item's hanging indent: the columns of its indentation and marker
 * ("  - " is 4, "10. " is 4), where its wrapped rows go on; 0 for any
 * other line. */
int al_reflow_hang(const char *line);

#endif
