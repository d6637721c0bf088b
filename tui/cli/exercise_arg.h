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

/* The exercises (al_exercises_load), or AL_CLI_CANNOT (3) after saying why
 * they cannot be read: every command that needs them fails the same way. */
int al_cli_load_exercises(al_exercise **all, size_t *count);

/* al_cli_load_exercises, then al_cli_pick_exercise: 0 with *all to free, or
 * the command's exit status (nothing to free). */
int al_cli_load_and_pick(const char *which, const char *src, al_exercise **all, size_t *count,
                         al_exercise **ex, char *workcopy, size_t size);

#endif
