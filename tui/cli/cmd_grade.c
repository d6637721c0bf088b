/* cmd_grade.c — `asynclab grade EX|all`: grade a submission.
 *
 * The same command serves a student (a table and hints on the terminal), CI
 * (the exit status, JUnit XML) and Gradescope (results.json); the engine is
 * exercises/grader/ (grader.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_opts.h"
#include "commands.h"
#include "exercise_arg.h"
#include "grader.h"
#include "progress.h"
#include "sandbox.h"

static void usage(FILE *out) {
    fprintf(out,
            "usage: asynclab grade [EX|all] [options]\n"
            "  Compile a submission with the exercise's tests and run each test contained\n"
            "  (own process group, timeout, rlimits, an unprivileged user when root).\n"
            "  EX is an exercise: 3, 03, 03-epoll-server or epoll-server; all grades every one.\n"
            "  Inside a folder made by `asynclab start EX`, EX and --src are that folder's,\n"
            "  and the score is recorded in `asynclab progress`.\n\n"
            "  --src PATH      the submission's folder (default: exercises/NN-name/starter;\n"
            "                  with all: PATH/NN-name for each exercise)\n"
            "  --solution      grade the reference solutions instead (instructors, CI)\n"
            "  --tests DIR     add an instructor's hidden tests: DIR/NN-name/*.c (or DIR/*.c),\n"
            "                  points in tests.ini next to them\n"
            "  --json FILE     write Gradescope's results.json\n"
            "  --junit FILE    write JUnit XML\n"
            "  --csv[=FILE]    one row per test (to stdout, instead of the table, without FILE)\n"
            "  --visible       run only the visible tests\n"
            "  --no-sanitize   compile without -fsanitize=address,undefined\n"
            "  --user USER     run submissions as USER (root only; default: a private uid)\n"
            "  --keep          keep the temporary build directory\n"
            "  -v, --verbose   show all of a failing test's output\n"
            "  --list          list the exercises\n"
            "  --roster DIR    grade a class: one folder per student in DIR (or a Gradescope\n"
            "                  export, or a GitHub Classroom clone); writes OUT/class.csv,\n"
            "                  totals.csv, summary.txt and reports/; unchanged ones are skipped\n"
            "  -j N            with --roster: grade N submissions at once (default 1)\n"
            "  -o OUT          with --roster: the output folder (default grades)\n\n"
            "exit status: 0 every test passed, 1 some failed, 2 bad usage, 3 could not grade,\n"
            "             4 this machine refuses what an exercise requires (io_uring: the\n"
            "             exercise says so in --list; nothing of it was built or run),\n"
            "             130 interrupted; with --roster 0 means every submission was graded\n");
}

static void list_exercises(const al_exercise *all, size_t n) {
    /* columns as wide as the longest entry, so a long title never pushes
     * its points out of line */
    int idw = 0, titlew = 0;
    for (size_t i = 0; i < n; i++) {
        if ((int)strlen(all[i].id) > idw) idw = (int)strlen(all[i].id);
        if ((int)strlen(all[i].title) > titlew) titlew = (int)strlen(all[i].title);
    }
    for (size_t i = 0; i < n; i++)
        printf("  %2d  %-*s  %-*s  %g points%s\n", all[i].number, idw, all[i].id, titlew,
               all[i].title, al_exercise_max_points(&all[i], 0),
               all[i].needs_io_uring ? "  (requires io_uring)" : "");
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_grade(int argc, char **argv) {
    al_grader_opts o = {.sanitize = 1};
    const char *which = NULL, *tests_dir = NULL, *json = NULL, *junit = NULL, *csv = NULL;
    const char *roster = NULL, *out = "grades";
    int verbose = 0, list = 0, no_sanitize = 0;
    long jobs = 1;
    const al_cli_opt opts[] = {
        {"src", 0, AL_CLI_STRING, .dest = &o.src, .what = "a folder"},
        {"tests", 0, AL_CLI_STRING, .dest = &tests_dir, .what = "a folder"},
        {"json", 0, AL_CLI_STRING, .dest = &json, .what = "a file name"},
        {"junit", 0, AL_CLI_STRING, .dest = &junit, .what = "a file name"},
        {"csv", 0, AL_CLI_STRING, .optional = 1, .dest = &csv, .absent = "-", .what = "a file name"},
        {"user", 0, AL_CLI_STRING, .dest = &o.user, .what = "a user name"},
        {"solution", 0, AL_CLI_FLAG, .dest = &o.solution},
        {"visible", 0, AL_CLI_FLAG, .dest = &o.visible_only},
        {"no-sanitize", 0, AL_CLI_FLAG, .dest = &no_sanitize},
        {"keep", 0, AL_CLI_FLAG, .dest = &o.keep},
        {"verbose", 'v', AL_CLI_FLAG, .dest = &verbose},
        {"list", 0, AL_CLI_FLAG, .dest = &list},
        {"roster", 0, AL_CLI_STRING, .dest = &roster, .what = "a folder"},
        {"out", 'o', AL_CLI_STRING, .dest = &out, .what = "a folder"},
        {"jobs", 'j', AL_CLI_COUNT, .dest = &jobs, .min = 1, .max = 64},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 1, "one exercise, or all", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    which = args.pos[0];
    o.sanitize = !no_sanitize;
    if (o.solution && o.src) return al_cli_usage_error("--solution and --src exclude each other");
    if (roster && (o.src || o.solution || json || junit || csv || (which && strcmp(which, "all") == 0))) {
        return al_cli_usage_error("--roster grades one exercise into its own folder (-o); it "
                                  "takes no --src, --solution, --json, --junit, --csv or all");
    }

    al_exercise *all;
    size_t count;
    char err[PATH_MAX + 256];
    if ((rc = al_cli_load_exercises(&all, &count))) return rc;
    if (list) {
        list_exercises(all, count);
        al_exercises_free(all, count);
        return 0;
    }
    al_exercise *chosen[64];
    size_t nchosen = 0;
    char workcopy[PATH_MAX] = "";
    if (which && strcmp(which, "all") == 0) {
        for (size_t i = 0; i < count && nchosen < 64; i++) chosen[nchosen++] = &all[i];
    } else if (which && !al_exercise_find(all, count, which)) {
        al_cli_error("no exercise '%s'; there are:", which);
        list_exercises(all, count);
        al_exercises_free(all, count);
        return AL_CLI_USAGE;
    } else {
        al_exercise *ex;
        rc = al_cli_pick_exercise(all, count, which, o.src, &ex, workcopy, sizeof workcopy);
        if (rc) {
            al_exercises_free(all, count);
            return rc;
        }
        if (workcopy[0] && !o.solution) o.src = workcopy;
        chosen[nchosen++] = ex;
    }
    for (size_t i = 0; i < nchosen && tests_dir; i++) {
        if (al_exercise_add_hidden(chosen[i], tests_dir, err, sizeof err) < 0) {
            al_cli_error("%s\n", err);
            al_exercises_free(all, count);
            return AL_CLI_USAGE;
        }
    }

    if (!o.sanitize && al_grader_core_sanitized())
        al_cli_error("this asynclab was built with AL_SANITIZE: its core library "
                        "needs the sanitizers, so submissions are compiled with them anyway\n");
    al_sandbox_catch_signals();
    if (roster) {
        /* once, up front: a machine that refuses the exercise grades no one */
        if ((rc = al_grade_check_machine(chosen[0], &o, err, sizeof err)) != 0) {
            al_cli_error("%s\n", err);
            al_exercises_free(all, count);
            return rc == 1 ? AL_CLI_MACHINE : AL_CLI_CANNOT;
        }
        rc = cmd_grade_roster(chosen[0], &o, roster, out, (int)jobs);
        al_exercises_free(all, count);
        return rc;
    }
    o.progress = isatty(STDERR_FILENO);
    al_exercise_result *results = calloc(nchosen, sizeof *results);
    if (!results) {
        al_exercises_free(all, count);
        return AL_CLI_CANNOT;
    }
    int status = 0;
    size_t done = 0, refused = 0;
    char why[sizeof err] = "";   /* the last refusal, for results.json */
    const al_exercise *refused_ex = NULL;
    double start = now_s();
    int table = !(csv && strcmp(csv, "-") == 0);
    for (size_t i = 0; i < nchosen; i++) {
        al_grader_opts one = o;
        char src[PATH_MAX];
        if (o.src && nchosen > 1) {
            snprintf(src, sizeof src, "%s/%s", o.src, chosen[i]->id);
            one.src = src;
        }
        al_exercise_result *res = &results[done];
        rc = al_grade_exercise(chosen[i], &one, res, err, sizeof err);
        if (res->machine_refused) {   /* not graded here: say so, grade the others */
            al_cli_error("%s\n", err);
            snprintf(why, sizeof why, "%s", err);
            refused_ex = chosen[i];
            al_exercise_result_free(res);
            refused++;
            continue;
        }
        done++;
        if (rc < 0 && !res->interrupted) {
            al_cli_error("%s: %s\n", chosen[i]->id, err);
            status = AL_CLI_CANNOT;
            break;
        }
        if (res->interrupted) {
            status = AL_CLI_INTERRUPTED;
            break;
        }
        if (table) al_report_exercise(stdout, res, verbose);
        fflush(stdout);
    }
    double seconds = now_s() - start;
    if (status == AL_CLI_INTERRUPTED) {
        al_cli_error("interrupted; every process of the run was stopped\n");
    } else if (status == 0) {
        if (table && done) al_report_totals(stdout, results, done);
        size_t passed, failed;
        al_report_counts(results, done, &passed, &failed);
        status = refused ? AL_CLI_MACHINE : failed ? AL_CLI_FAILED : AL_CLI_OK;
        /* Gradescope grades one exercise: if this machine cannot, its
         * results.json says so instead of a zero blamed on the student. */
        int json_rc = 0;
        if (json && (done || !refused_ex))
            json_rc = al_export_json(json, results, done, seconds, err, sizeof err);
        else if (json)
            json_rc = al_export_json_refused(json, refused_ex, why, seconds, err, sizeof err);
        if (json_rc < 0) status = AL_CLI_CANNOT;
        else if (junit && al_export_junit(junit, results, done, err, sizeof err) < 0) status = AL_CLI_CANNOT;
        else if (csv && al_export_csv(csv, results, done, err, sizeof err) < 0) status = AL_CLI_CANNOT;
        if (status == AL_CLI_CANNOT) al_cli_error("%s", err);
        /* A student's own work (their working copy or the starter in the
         * tree; not a folder that may be anyone's, not the reference, not
         * with extra tests) counts towards their progress. */
        int own = !o.src || (workcopy[0] && o.src == workcopy);
        if (!done) own = 0;   /* nothing was graded: nothing to record */
        if (o.src && done && !own && !o.solution && !tests_dir)
            al_cli_error("not recorded in `asynclab progress`: --src may be anyone's "
                         "folder; your own work, in a folder made by `asynclab start EX`, is recorded");
        if (own && !o.solution && !tests_dir && !o.visible_only) {
            al_progress p;
            char warn[PATH_MAX + 200];
            al_progress_load(&p, warn, sizeof warn);
            if (warn[0]) al_cli_error("%s\n", warn);
            for (size_t i = 0; i < done; i++) {
                al_progress_open_lesson(&p, results[i].ex->lesson);
                al_progress_record_score(&p, results[i].ex->id, results[i].score, results[i].max_score);
            }
            if (al_progress_save(&p, warn, sizeof warn) < 0)
                al_cli_error("cannot save progress: %s\n", warn);
            al_progress_free(&p);
        }
    }
    for (size_t i = 0; i < done; i++) al_exercise_result_free(&results[i]);
    free(results);
    al_exercises_free(all, count);
    return status;
}
