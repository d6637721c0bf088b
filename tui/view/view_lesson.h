/* view_lesson.h — a lesson's demo under the live viewer.
 *
 * `asynclab lesson N` and the lesson browser both run lessons/NN-name/demo.sh
 * (with the build directory as its argument) as the viewer's child: the
 * demo's traced programs inherit ASYNCLAB_TRACE=fd:N and draw themselves on
 * the timeline, the demo's own words go to the output panel, and the
 * lesson's README.md is in the notes panel.
 */
#ifndef AL_VIEW_LESSON_H
#define AL_VIEW_LESSON_H

#include "lessons.h"

typedef struct al_lesson_view_options {
    int step;          /* start in slow motion */
    int ascii, no_color;
} al_lesson_view_options;

/* Run lesson l's demo under the viewer; returns the viewer's exit status. */
int al_lesson_view(const al_lesson *l, const al_lesson_view_options *o);
/* The directory the demos are given: the build tree, or PREFIX/lib/asynclab
 * when installed (al_grader_build_dir, exercises/grader/paths.c). */
const char *al_lesson_build_dir(void);
/* Does any program of the lesson run on the core's loop or open a trace?
 * (Read from its sources: a lesson whose programs never do is drawn as
 * "not traced" from the start, instead of an empty timeline.) */
int al_lesson_is_traced(const al_lesson *l);

#endif
