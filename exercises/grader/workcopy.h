/* workcopy.h — a student's working copy of an exercise (`asynclab start`).
 *
 *   DIR/asynclab.ini     the marker, in the manifest's INI dialect (ini.h):
 *                          [workcopy]
 *                          exercise = 03-epoll-server
 *   DIR/<starter files>  what the student edits (the exercise's starter/)
 *   DIR/README.md        the task
 *   DIR/<headers>        the exercise's own headers, to read
 *   DIR/tests/           the visible tests, to read
 *
 * Inside DIR or any folder below it, `asynclab grade`, `watch` and `hint`
 * find the marker and need neither EX nor --src. Grading still compiles
 * only the submission files from DIR; the headers and tests there are
 * copies for reading, the grader uses the exercise's own.
 *
 * Contract
 *   al_workcopy_create makes DIR (and its parents) and copies into it; a DIR
 *   that exists and is not empty is refused (-EEXIST) and left untouched.
 *   Only regular files are copied, never through a symbolic link.
 *   al_workcopy_find looks in FROM and each parent up to /: 1 and the
 *   folder and exercise id when a marker is found, 0 when none is, a
 *   negative errno (message in err) when a marker is unreadable or names
 *   no exercise.
 *   Errors are negative errno values with a message in err.
 */
#ifndef AL_GRADER_WORKCOPY_H
#define AL_GRADER_WORKCOPY_H

#include <stddef.h>

#include "grader.h"

#define AL_WORKCOPY_MARKER "asynclab.ini"

int al_workcopy_create(const al_exercise *ex, const char *dir, char *err, size_t errlen);
int al_workcopy_find(const char *from, char *dir, size_t dirsize, char *id, size_t idsize,
                     char *err, size_t errlen);

#endif
