/* cmd_roster.c — `asynclab grade EX --roster DIR [-j N] [-o OUT]`: grade a
 * whole class (exercises/grader/roster.h says which folder layouts).
 *
 * Each submission is graded in a worker process of its own, exactly as
 * `asynclab grade EX --src FOLDER` would: its runs get private uids derived
 * from the worker's pid (distinct from every other worker's while they run),
 * its own temporary folder (mkdtemp), and its own subreaper cleanup, which
 * kills the worker's descendants and nobody else's. So N workers at once
 * share nothing but the CPU, and a submission that breaks its worker costs
 * that one row.
 *
 * Workers share the CPU, though: a fork storm's 64 spinning processes can
 * starve the run next to it past a wall-clock timeout. So a member that lost
 * a test to TIMEOUT while others ran at once is graded again alone, and that
 * grade is the one kept (a real hang times out alone too).
 *
 * After every finished submission the cache, class.csv, totals.csv and
 * summary.txt are rewritten (atomically), so Ctrl-C (or SIGTERM) loses only
 * the submissions being graded at that moment: the workers are told to stop,
 * their runs are killed, and a later run grades just what is missing. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "grader.h"
#include "proctree.h"
#include "roster.h"
#include "sandbox.h"

#define EXIT_INTERRUPTED 130
#define EXIT_GRADER 3

typedef struct worker {
    pid_t pid;
    size_t member;
} worker;

typedef struct roster_run {
    const al_exercise *ex;
    const al_grader_opts *opts;
    al_roster roster;
    const char *out;
    char work[PATH_MAX];      /* OUT/.work-PID: the workers' answers */
    int tty;
    size_t done, total;       /* this run's share: what the cache did not have */
} roster_run;

static int mkdir_p(const char *path) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -errno;
        *p = '/';
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -errno;
    return 0;
}

/* A member's report file: OUT/reports/FOLDER.txt, with anything odd in the
 * folder's name made harmless. */
static void report_path(const roster_run *run, const al_roster_member *m, char *path, size_t size) {
    char slug[128];
    const char *base = strrchr(m->folder, '/') + 1;
    size_t k = 0;
    for (; base[k] && k + 1 < sizeof slug; k++) {
        char c = base[k];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.';
        slug[k] = ok ? c : '_';
    }
    slug[k] = 0;
    snprintf(path, size, "%s/reports/%s.txt", run->out, slug[0] == '.' ? "_" : slug);
}

static void answer_path(const roster_run *run, size_t member, const char *ext, char *path, size_t size) {
    snprintf(path, size, "%s/%zu.%s", run->work, member, ext);
}

/* The worker: grade one member, leave the answer in a file, exit. */
static void worker_main(roster_run *run, size_t index) {
    al_roster_member *m = &run->roster.members[index];
    al_grader_opts o = *run->opts;
    o.src = m->src;
    o.progress = 0;
    al_exercise_result res;
    char err[PATH_MAX + 256], path[PATH_MAX + 64];
    int rc = al_grade_exercise(run->ex, &o, &res, err, sizeof err);
    if (res.interrupted) _exit(EXIT_INTERRUPTED);
    if (rc < 0) {
        answer_path(run, index, "err", path, sizeof path);
        FILE *f = fopen(path, "we");
        if (f) {
            fprintf(f, "%s\n", err);
            fclose(f);
        }
        al_exercise_result_free(&res);
        _exit(EXIT_GRADER);
    }
    report_path(run, m, path, sizeof path);
    FILE *f = fopen(path, "we");
    if (f) {
        fprintf(f, "%s (%s)\n", m->name, m->src);
        al_report_exercise(f, &res, 1);
        al_report_totals(f, &res, 1);
        fclose(f);
    }
    answer_path(run, index, "tsv", path, sizeof path);
    rc = al_roster_result_write(path, &res, err, sizeof err);
    al_exercise_result_free(&res);
    _exit(rc < 0 ? EXIT_GRADER : 0);
}

static void progress(const roster_run *run, const worker *ws, size_t nw) {
    if (!run->tty) return;
    fprintf(stderr, "\r\033[K[%zu of %zu]", run->done + 1 > run->total ? run->total : run->done + 1,
            run->total);
    const char *sep = " grading ";
    for (size_t i = 0; i < nw; i++) {
        if (!ws[i].pid) continue;
        fprintf(stderr, "%s%.40s", sep, run->roster.members[ws[i].member].name);
        sep = ", ";
    }
    fflush(stderr);
}

/* What a finished worker left: the grade, or an ERROR row saying why. */
static void collect(roster_run *run, size_t index, int status) {
    al_roster_member *m = &run->roster.members[index];
    char path[PATH_MAX + 64], err[PATH_MAX + 256];
    m->solo_pending = 0;   /* this grade replaces the one made next to others */
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        answer_path(run, index, "tsv", path, sizeof path);
        if (al_roster_result_read(path, m, err, sizeof err) < 0) al_roster_member_error(m, run->ex, err);
        unlink(path);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_GRADER) {
        answer_path(run, index, "err", path, sizeof path);
        FILE *f = fopen(path, "re");
        snprintf(err, sizeof err, "the grader could not grade it");
        if (f) {
            char line[sizeof err - 64];
            if (fgets(line, sizeof line, f)) {
                line[strcspn(line, "\n")] = 0;
                snprintf(err, sizeof err, "the grader could not grade it: %s", line);
            }
            fclose(f);
        }
        unlink(path);
        al_roster_member_error(m, run->ex, err);
    } else {
        snprintf(err, sizeof err, "the grader's worker ended: %s %d",
                 WIFSIGNALED(status) ? "signal" : "status",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        al_roster_member_error(m, run->ex, err);
    }
    run->done++;
}

static void save(roster_run *run) {
    char err[PATH_MAX + 256];
    if (al_roster_cache_save(&run->roster, run->out, err, sizeof err) < 0 ||
        al_roster_write_reports(&run->roster, run->ex, run->out, NULL, err, sizeof err) < 0)
        fprintf(stderr, "%sasynclab grade: %s\n", run->tty ? "\r\033[K" : "", err);
}

/* Start workers up to `jobs`, wait for one, record it; until all are done
 * or a signal asks to stop (then the workers are stopped and waited for). */
static int schedule(roster_run *run, size_t *todo, size_t ntodo, int jobs) {
    worker ws[64] = {{0}};
    size_t next = 0, running = 0;
    int told = 0, interrupted = 0;
    for (;;) {
        while (!al_sandbox_interrupted && running < (size_t)jobs && next < ntodo) {
            size_t slot = 0;
            while (ws[slot].pid) slot++;
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                al_cli_error("fork: %s", strerror(errno));
                al_sandbox_interrupted = 1;
                break;
            }
            if (pid == 0) worker_main(run, todo[next]);
            ws[slot] = (worker){pid, todo[next++]};
            running++;
        }
        progress(run, ws, (size_t)jobs);
        if (!running) break;
        if (al_sandbox_interrupted && !told) {
            for (int i = 0; i < jobs; i++)
                if (ws[i].pid) kill(ws[i].pid, SIGINT);
            told = 1;
        }
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        int slot = -1;
        for (int i = 0; i < jobs; i++)
            if (ws[i].pid == pid) slot = i;
        if (slot < 0) continue;   /* an orphan handed to us as subreaper */
        ws[slot].pid = 0;
        running--;
        if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_INTERRUPTED) {
            interrupted = 1;
            continue;
        }
        collect(run, ws[slot].member, status);
        save(run);
    }
    if (run->tty) fprintf(stderr, "\r\033[K");
    return interrupted || al_sandbox_interrupted;
}

static int timed_out(const al_roster_member *m) {
    for (size_t k = 0; k < m->nrows; k++)
        if (strcmp(m->rows[k].status, "TIMEOUT") == 0) return 1;
    return 0;
}

/* The parallel pass, then the members that timed out, one at a time. */
static int grade_all(roster_run *run, size_t *todo, size_t ntodo, int jobs) {
    int interrupted = schedule(run, todo, ntodo, jobs);
    if (interrupted || jobs == 1) return interrupted;
    size_t nsolo = 0;
    for (size_t i = 0; i < ntodo; i++) {
        al_roster_member *m = &run->roster.members[todo[i]];
        if (m->graded && timed_out(m)) {
            m->solo_pending = 1;
            todo[nsolo++] = todo[i];
        }
    }
    if (!nsolo) return 0;
    al_cli_error("%zu timed out next to others: grading them again, alone", nsolo);
    run->total += nsolo;
    return schedule(run, todo, nsolo, 1);
}

static int prepare(roster_run *run, const char *dir, char *err, size_t errlen) {
    int rc = al_roster_load(&run->roster, dir, run->ex, run->out, err, errlen);
    if (rc < 0) return rc;
    char reports[PATH_MAX + 16];
    snprintf(reports, sizeof reports, "%s/reports", run->out);
    snprintf(run->work, sizeof run->work, "%s/.work-%d", run->out, (int)getpid());
    if ((rc = mkdir_p(reports)) < 0 || (rc = mkdir_p(run->work)) < 0) {
        snprintf(err, errlen, "%s: %s", run->out, strerror(-rc));
        return rc;
    }
    uint64_t version = al_roster_version_hash(run->ex, run->opts);
    for (size_t i = 0; i < run->roster.n; i++)
        run->roster.members[i].hash = al_roster_member_hash(&run->roster.members[i], run->ex, version);
    char warn[PATH_MAX + 128];
    al_roster_cache_load(&run->roster, run->out, warn, sizeof warn);
    if (warn[0]) al_cli_error("%s", warn);
    return 0;
}

int cmd_grade_roster(const al_exercise *ex, const al_grader_opts *opts, const char *dir,
                     const char *out, int jobs) {
    roster_run run = {.ex = ex, .opts = opts, .out = out, .tty = isatty(STDERR_FILENO)};
    char err[PATH_MAX + 256];
    if (prepare(&run, dir, err, sizeof err) < 0) {
        al_cli_error("%s", err);
        al_roster_free(&run.roster);
        return 2;
    }
    size_t *todo = calloc(run.roster.n, sizeof *todo), ntodo = 0, cached = 0;
    if (!todo) return EXIT_GRADER;
    for (size_t i = 0; i < run.roster.n; i++) {
        al_roster_member *m = &run.roster.members[i];
        if (m->problem[0]) al_roster_member_error(m, ex, m->problem);
        else if (m->graded) cached++;
        else todo[ntodo++] = i;
    }
    run.total = ntodo;
    al_cli_error("%s: %zu submissions (%s) in %s; %zu to grade, %zu unchanged since "
                    "the last run, %d at once",
            ex->id, run.roster.n, al_roster_layout_name(run.roster.layout), run.roster.dir, ntodo,
            cached, jobs);
    al_proctree_become_subreaper();   /* a worker's orphans come back here */
    int interrupted = grade_all(&run, todo, ntodo, jobs);
    al_proctree_kill_all(3000);
    rmdir(run.work);
    free(todo);
    save(&run);
    int status = 0;
    if (interrupted) {
        al_cli_error("interrupted; %zu of %zu graded and kept in %s (run it again "
                        "to grade the rest)", run.done, run.total, out);
        status = EXIT_INTERRUPTED;
    } else {
        al_roster_write_reports(&run.roster, ex, out, stdout, err, sizeof err);
        for (size_t i = 0; i < run.roster.n; i++)
            if (run.roster.members[i].problem[0]) status = EXIT_GRADER;
        printf("\nwritten: %s/class.csv, totals.csv, summary.txt, reports/\n", out);
    }
    al_roster_free(&run.roster);
    return status;
}
