/* progress.h — what a student has done so far: lessons opened, the best
 * score of each exercise, how many hints were shown.
 *
 * Kept in $XDG_DATA_HOME/asynclab/progress.json (default
 * ~/.local/share/asynclab/progress.json; $ASYNCLAB_PROGRESS names another
 * file), a small JSON object:
 *
 *   {"version": 1, "lessons_opened": [1, 3],
 *    "exercises": {"01-blocking-server": {"best": 12, "max": 17, "hints": 1,
 *                                         "graded": "2025-01-05 14:03"}}}
 *
 * Contract
 *   Saving is atomic: a temporary file in the same directory, fsync'd, then
 *   renamed over the old one; a crash leaves the old file or the new one.
 *   A file that cannot be parsed is not fatal: al_progress_load says so in
 *   `warn`, moves it aside to PATH.corrupt and starts fresh.
 *   Errors are negative errno values with a message in err.
 */
#ifndef AL_GRADER_PROGRESS_H
#define AL_GRADER_PROGRESS_H

#include <limits.h>
#include <stddef.h>

#define AL_PROGRESS_MAX_LESSONS 100

typedef struct al_progress_entry {
    char id[64];
    double best;          /* -1: never graded */
    double max;
    int hints;            /* hints shown so far */
    char graded[32];      /* when the best score was reached, local time */
} al_progress_entry;

typedef struct al_progress {
    char path[PATH_MAX];
    unsigned char lessons[AL_PROGRESS_MAX_LESSONS];   /* 1 = opened */
    al_progress_entry *entries;
    size_t count;
} al_progress;

/* The file's path (XDG rules above). */
int al_progress_path(char *out, size_t size);
int al_progress_load(al_progress *p, char *warn, size_t warnlen);
int al_progress_save(const al_progress *p, char *err, size_t errlen);
void al_progress_free(al_progress *p);

/* The entry for an exercise, created (best = -1) if missing; NULL on ENOMEM. */
al_progress_entry *al_progress_entry_get(al_progress *p, const char *id);
void al_progress_open_lesson(al_progress *p, int lesson);
/* Keep score if it beats the best; returns 1 if it did. */
int al_progress_record_score(al_progress *p, const char *id, double score, double max);

/* Load, mark the lesson opened, save; quiet on success, a line on stderr
 * when the file cannot be written. For `asynclab lesson`. */
void al_progress_note_lesson(int lesson);

#endif
