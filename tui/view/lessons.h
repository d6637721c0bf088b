/* lessons.h — finding the lessons: lessons/NN-name/ folders with a README.md
 * (title on its first line, a one-line summary as the first paragraph) and a
 * demo.sh that shows the lesson's programs at work. */
#ifndef AL_LESSONS_H
#define AL_LESSONS_H

#include <stddef.h>

#define AL_MAX_LESSONS 32

typedef struct al_lesson {
    int number;
    char dir[800];        /* absolute path of lessons/NN-name */
    char name[256];       /* NN-name */
    char title[512];
    char summary[512];
} al_lesson;

/* Fill `out` with the lessons that have a README.md and a demo.sh, in order.
 * Returns how many. */
size_t al_lessons_find(al_lesson *out, size_t max);
/* The lesson numbered n, or NULL. */
const al_lesson *al_lesson_get(const al_lesson *all, size_t count, int n);

#endif
