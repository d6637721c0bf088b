/* roster.h — a class of submissions of one exercise: who is in the roster
 * folder (roster.c), what each one's grade is worth keeping (roster_cache.c),
 * and the class's reports (roster_report.c). `asynclab grade EX --roster DIR`
 * (tui/cli/cmd_roster.c) drives them and grades the members in worker processes.
 *
 * Layouts of DIR that are recognised (exercises/README.md says the same):
 *   Gradescope export  DIR (or its only subfolder) holds submission_metadata.yml;
 *                      each submission_NNNN/ folder is a member, named by its
 *                      submitters' :name: (" + " between group members), else
 *                      :sid:, else the folder's name.
 *   GitHub Classroom   at least two folders, every one a git repository (.git),
 *                      all named PREFIX-USERNAME with one PREFIX ending in '-':
 *                      the member is USERNAME.
 *   plain              any other folder: one member per subfolder, named by it.
 * Inside a member's folder the submission is where the exercise's first
 * submission file is: the folder itself, else the shallowest subfolder (four
 * levels at most, hidden folders skipped) that holds it; two at the same
 * depth is an error of that member only. A member without it is graded as is
 * (an incomplete submission, a compile error).
 *
 * Contract: nothing is followed through a symbolic link; names are made safe
 * to print (no control characters, no tabs). Errors are negative errno values
 * with a message in the caller's buffer. Nothing here exits or prints. */
#ifndef AL_GRADER_ROSTER_H
#define AL_GRADER_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "grader.h"

typedef enum al_roster_layout {
    AL_ROSTER_PLAIN = 0,
    AL_ROSTER_GRADESCOPE,
    AL_ROSTER_CLASSROOM
} al_roster_layout;

typedef struct al_roster_row {
    char test[AL_GRADER_NAME_MAX];
    char status[16];          /* PASS, FAIL, CRASH, TIMEOUT, NOT RUN, ERROR */
    double score, max_score;
} al_roster_row;

typedef struct al_roster_member {
    char name[160];           /* the student (unique in the roster) */
    char folder[PATH_MAX];    /* the member's folder in DIR */
    char src[PATH_MAX];       /* where the submission files are */
    char problem[256];        /* non-empty: cannot be graded (says why) */
    uint64_t hash;            /* content + exercise version (roster_cache.c) */
    /* The grade: from the cache or a worker. */
    int graded;
    al_roster_row *rows;
    size_t nrows;
    double score, max_score;
    int solo_pending;         /* to be graded again alone: not cached yet */
} al_roster_member;

typedef struct al_roster {
    al_roster_layout layout;
    char dir[PATH_MAX];       /* where the members are (the export folder) */
    al_roster_member *members;
    size_t n;
} al_roster;

const char *al_roster_layout_name(al_roster_layout l);

/* Find the members of `dir` for exercise `ex` (sorted by name). `skip`, if
 * not NULL, is a folder that is not a member even inside `dir` (the output
 * folder, when a teacher puts it there). */
int al_roster_load(al_roster *r, const char *dir, const al_exercise *ex, const char *skip, char *err,
                   size_t errlen);
void al_roster_free(al_roster *r);
void al_roster_member_clear(al_roster_member *m);   /* forget the grade */

/* ---- the cache (roster_cache.c) -------------------------------------------- */

/* What a grade depends on besides the submission: the manifest, the tests
 * (hidden too), the given sources, the harness, and the options. */
uint64_t al_roster_version_hash(const al_exercise *ex, const al_grader_opts *o);
/* The member's submission files' names and contents, mixed with `version`. */
uint64_t al_roster_member_hash(const al_roster_member *m, const al_exercise *ex, uint64_t version);

/* OUT/roster-cache.tsv: every member graded so far with its hash and rows.
 * Load fills `graded` members whose name and hash match (skipped on a
 * re-run); a missing file is an empty cache, a damaged one a warning in err
 * (returned as 0, nothing reused). Save writes the graded members
 * atomically. */
#define AL_ROSTER_CACHE "roster-cache.tsv"
int al_roster_cache_load(al_roster *r, const char *out_dir, char *err, size_t errlen);
int al_roster_cache_save(const al_roster *r, const char *out_dir, char *err, size_t errlen);

/* One worker's answer for one member (a small TSV file; see roster_cache.c). */
int al_roster_result_write(const char *path, const al_exercise_result *res, char *err, size_t errlen);
int al_roster_result_read(const char *path, al_roster_member *m, char *err, size_t errlen);
/* Record that a member could not be graded: one ERROR row (never cached). */
void al_roster_member_error(al_roster_member *m, const al_exercise *ex, const char *why);

/* ---- the class's reports (roster_report.c) ---------------------------------- */

/* OUT/class.csv (student,test,status,score,max_score), OUT/totals.csv
 * (student,score,max_score,problem) and OUT/summary.txt, each written
 * atomically; the summary (per-student totals, the score distribution, the
 * pass rate of every test, hardest first) is printed to `out` too when it is
 * not NULL. Members not graded (an interrupted run) are left out. */
int al_roster_write_reports(const al_roster *r, const al_exercise *ex, const char *out_dir, FILE *out,
                            char *err, size_t errlen);

/* Close a file written as TMP and rename it over PATH: readers see the old
 * file or the new one, never half of one. 0, or a negative errno (message in
 * err; TMP removed). */
int al_roster_close_tmp(FILE *f, const char *tmp, const char *path, char *err, size_t errlen);

#endif
