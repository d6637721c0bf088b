/* grader.h — the autograder engine behind `asynclab grade`, `watch`,
 * `hint` and `progress`.
 *
 * An exercise is a folder exercises/NN-name/ with a manifest, exercise.ini:
 *
 *   [exercise]
 *   title = A correct blocking server
 *   lesson = 1                  the lesson it belongs to
 *   submission = server.c       the files the student writes (in --src)
 *   given = ../common/answer.c  sources compiled in that are not the student's
 *   baseline = 0                what the untouched starter scores
 *   timeout = 5                 default per-test timeout, seconds
 *   memory = 512                MiB of resident memory for a test's processes
 *   requires = io_uring         optional: what the machine must allow
 *                               (io_uring is the only one); checked before
 *                               anything is built, see al_grade_check_machine
 *
 *   [test read_in_pieces]       one section per AL_TEST in tests/NAME.c
 *   points = 2
 *   timeout = 5
 *   visibility = visible        visible | hidden | after_due_date | after_published
 *   hint = Keep reading until the blank line "\r\n\r\n" has arrived.
 *
 * plus README.md (task, points, and a "## Hints" list that `asynclab hint`
 * reveals one at a time), starter/ (what the student starts from),
 * solution/ (the reference), tests/ (the visible tests, C files) and wrong/NAME/
 * (known-wrong submissions CI grades, each with an `expect` file).
 *
 * Grading one exercise: copy the submission, compile it with the tests and
 * the harness into one binary (sanitizers on by default), then run every
 * test as its own contained process (sandbox.h) and turn what happened into
 * a status, a score and feedback. The engine never exits the process and
 * never prints except the optional progress line; the caller reports.
 *
 * Errors are negative errno values with a message in the caller's buffer.
 */
#ifndef AL_GRADER_H
#define AL_GRADER_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#define AL_GRADER_NAME_MAX 64

typedef enum al_grade_status {
    AL_GRADE_PASS = 0,
    AL_GRADE_FAIL,       /* ran to its end, a check failed (or too much output) */
    AL_GRADE_CRASH,      /* signal, sanitizer report, exit() mid-test, memory limit */
    AL_GRADE_TIMEOUT,    /* wall-clock or CPU limit */
    AL_GRADE_NOT_RUN     /* the submission did not compile */
} al_grade_status;

typedef struct al_test_spec {
    char name[AL_GRADER_NAME_MAX];
    double points;
    int timeout_s;            /* 0: the exercise's default */
    char visibility[24];
    char *hint;               /* NULL when the manifest gives none */
    int hidden;               /* from --tests DIR */
    int declared;             /* the manifest has a [test NAME] section */
    int found;                /* an AL_TEST(NAME) exists in the sources */
} al_test_spec;

typedef struct al_exercise {
    int number;
    char id[AL_GRADER_NAME_MAX];   /* "01-blocking-server" */
    char title[160];
    char dir[PATH_MAX];
    int lesson;
    double baseline;
    int timeout_s;
    long memory_mb;
    char **submission;             /* file names, relative to --src */
    size_t nsubmission;
    char **given;                  /* absolute paths */
    size_t ngiven;
    char **test_files;             /* absolute paths: tests/NAME.c, then hidden */
    size_t ntest_files;
    al_test_spec *tests;
    size_t ntests;
    char **hints;                  /* README's "## Hints", in order */
    size_t nhints;
    int needs_io_uring;            /* requires = io_uring */
} al_exercise;

typedef struct al_grader_opts {
    const char *src;          /* NULL: the exercise's starter/ (or solution/) */
    int solution;             /* grade solution/ instead of starter/ */
    int sanitize;             /* 1: -fsanitize=address,undefined */
    int visible_only;         /* only tests with visibility "visible" */
    int progress;             /* "test n of m" on stderr (a terminal) */
    int keep;                 /* keep the temporary directory (debugging) */
    const char *user;         /* NULL/"auto": a private uid when root;
                                 a user name or number; "none": do not switch */
} al_grader_opts;

typedef struct al_test_result {
    const al_test_spec *spec;
    char number[16];          /* "3.2" */
    al_grade_status status;
    double score;
    double seconds;
    char *feedback;           /* lines: what failed, expected vs got, hint */
    char *output;             /* what the test's processes printed (kept part) */
} al_test_result;

typedef struct al_exercise_result {
    const al_exercise *ex;
    char src[PATH_MAX];
    int compiled;             /* 1 compiled, 0 compile error */
    char *compile_output;     /* the compiler's messages (warnings too) */
    al_test_result *tests;
    size_t ntests;
    double score, max_score;
    double seconds;
    int interrupted;          /* al_sandbox_interrupted ended the run */
    int machine_refused;      /* this machine refuses what the exercise requires:
                                 nothing was built or run (al_grade_check_machine) */
} al_exercise_result;

/* ---- where things are (paths.c) -------------------------------------------- */

/* The data: lessons/, exercises/, tests/runner/, core/include/.
 * $ASYNCLAB_SOURCE_DIR, else PREFIX/share/asynclab when installed, else the
 * compiled-in source tree. Every command finds its data here. */
const char *al_grader_source_dir(void);
/* The built pieces: core/libasynclab_core.a, libllhttp.a, lessons/NN-name/.
 * $ASYNCLAB_BINARY_DIR, else the build directory this asynclab binary lives
 * in (…/tui/asynclab), else PREFIX/lib/asynclab when installed, else the
 * compiled-in one. */
const char *al_grader_build_dir(void);
/* 1 if this build's core library is instrumented (AL_SANITIZE): the
 * submissions must then be compiled with the sanitizers too. */
int al_grader_core_sanitized(void);
/* The core library and friends the tests link with; NULL if missing. */
int al_grader_find_libs(char *core, char *llhttp, size_t size, char *err, size_t errlen);

/* ---- exercises (exercise.c) ------------------------------------------------ */

int al_exercises_load(al_exercise **out, size_t *count, char *err, size_t errlen);
void al_exercises_free(al_exercise *all, size_t count);
/* "3", "03", "03-epoll-server" or "epoll-server"; NULL if none matches. */
al_exercise *al_exercise_find(al_exercise *all, size_t count, const char *key);
/* Add an instructor's hidden tests: DIR/NN-name/ if it exists, else DIR
 * itself; every C file there is compiled in, tests.ini (optional) gives points. */
int al_exercise_add_hidden(al_exercise *ex, const char *dir, char *err, size_t errlen);
double al_exercise_max_points(const al_exercise *ex, int visible_only);

/* ---- grading (grade.c) ------------------------------------------------------ */

/* First of all, al_grade_check_machine: when the machine refuses,
 * out->machine_refused is set, err holds its line and -ENOTSUP is returned. */
int al_grade_exercise(const al_exercise *ex, const al_grader_opts *opts, al_exercise_result *out,
                      char *err, size_t errlen);
/* Does this machine allow what the exercise requires (its manifest's
 * `requires`), for the user its submissions run as (opts->user, as the tests
 * would)? 0 yes; 1 no, with one line in err naming what is missing, the
 * errno the kernel answered and what usually causes it; a negative errno if
 * it could not be checked (err says why). */
int al_grade_check_machine(const al_exercise *ex, const al_grader_opts *opts, char *err,
                           size_t errlen);
void al_exercise_result_free(al_exercise_result *r);
const char *al_grade_status_name(al_grade_status s);   /* "PASS", "FAIL", ... */

/* ---- reporting (report.c, export.c) ---------------------------------------- */

/* The table: one row per test, feedback under failing rows, the score. */
void al_report_exercise(FILE *out, const al_exercise_result *r, int verbose);
/* "N passed, N failed" over all results. */
void al_report_totals(FILE *out, const al_exercise_result *rs, size_t n);
void al_report_counts(const al_exercise_result *rs, size_t n, size_t *passed, size_t *failed);

/* Gradescope's results.json. */
int al_export_json(const char *path, const al_exercise_result *rs, size_t n, double seconds,
                   char *err, size_t errlen);
/* Gradescope's results.json when this machine cannot run the exercise at all
 * (why: al_grade_check_machine's line): no test, and words that say the
 * autograder, not the submission, is at fault. */
int al_export_json_refused(const char *path, const al_exercise *ex, const char *why,
                           double seconds, char *err, size_t errlen);
int al_export_junit(const char *path, const al_exercise_result *rs, size_t n, char *err,
                    size_t errlen);
/* path "-" writes to stdout. */
int al_export_csv(const char *path, const al_exercise_result *rs, size_t n, char *err,
                  size_t errlen);

#endif
