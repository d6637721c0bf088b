/* exercise_arg.h — which exercise `grade`, `watch` and `hint` mean, and
 * whose work: EX from the command line, else the working copy
 * (`asynclab start`, workcopy.h) around the current folder.
 *
 * al_cli_pick_exercise looks for a working copy's marker from `src` (when
 * the command got --src) or from the current folder upwards. With no EX,
 * the working copy's exercise is the one. `workcopy` receives the working
 * copy's folder when it belongs to the chosen exercise (""otherwise): the
 * command grades that folder and records the score in `asynclab progress`.
 * Returns 0, or 2 (bad usage) after printing what is wrong (al_cli_error). */
#ifndef AL_TUI_EXERCISE_ARG_H
#define AL_TUI_EXERCISE_ARG_H

#include <stddef.h>

#include "grader.h"

int al_cli_pick_exercise(al_exercise *all, size_t count, const char *which,
                         const char *src, al_exercise **ex, char *workcopy, size_t size);

#endif
