/* cmd_watch.c — `asynclab watch EX`: re-grade the visible tests on every
 * save.
 *
 * The submission's folder is watched with inotify (a save is a
 * CLOSE_WRITE, or a MOVED_TO when the editor writes a new file and renames
 * it over the old one); where inotify is missing, or with --poll, the files'
 * mtime, size and inode are compared every --interval ms instead. A burst
 * of events (an editor's save is often several) is graded once, after
 * 150 ms of quiet. Quits on `q` (a terminal is put in non-canonical mode, so
 * no Enter is needed) or on SIGINT. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli_opts.h"
#include "commands.h"
#include "exercise_arg.h"
#include "grader.h"
#include "progress.h"
#include "sandbox.h"

#define QUIET_MS 150

static void usage(FILE *out) {
    fprintf(out, "usage: asynclab watch [EX] [--src DIR] [--poll] [--interval MS] [--no-sanitize]\n"
                 "  Grade exercise EX's visible tests now and again on every save of the\n"
                 "  submission's files. Press q (or Ctrl-C) to stop. Inside a folder made by\n"
                 "  `asynclab start EX`, EX and --src are that folder's.\n"
                 "  --src DIR      the submission's folder (default: exercises/NN-name/starter)\n"
                 "  --poll         compare the files' times instead of using inotify\n"
                 "  --interval MS  how often --poll looks (default 500)\n\n"
                 "exit status: 0 stopped (q or Ctrl-C), 2 bad usage, 3 the exercises cannot be read,\n"
                 "             4 this machine refuses what the exercise requires (io_uring)\n");
}

static struct termios saved_tty;
static int tty_changed;

static void restore_tty(void) {
    if (tty_changed) tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
    tty_changed = 0;
}

/* One key at a time, without echo: `q` quits at once. */
static void raw_tty(void) {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty) < 0) return;
    struct termios t = saved_tty;
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) tty_changed = 1;
}

typedef struct stamp {
    struct timespec mtime;
    off_t size;
    ino_t ino;
    int exists;
} stamp;

static void take_stamps(const al_exercise *ex, const char *src, stamp *out) {
    for (size_t i = 0; i < ex->nsubmission && i < 16; i++) {
        char path[PATH_MAX * 2];
        snprintf(path, sizeof path, "%s/%s", src, ex->submission[i]);
        struct stat st;
        memset(&out[i], 0, sizeof out[i]);
        if (stat(path, &st) == 0)
            out[i] = (stamp){st.st_mtim, st.st_size, st.st_ino, 1};
    }
}

static int stamps_differ(const stamp *a, const stamp *b, size_t n) {
    for (size_t i = 0; i < n && i < 16; i++)
        if (a[i].exists != b[i].exists || a[i].size != b[i].size || a[i].ino != b[i].ino ||
            a[i].mtime.tv_sec != b[i].mtime.tv_sec || a[i].mtime.tv_nsec != b[i].mtime.tv_nsec)
            return 1;
    return 0;
}

/* Does this inotify buffer name one of the submission's files? */
static int names_submission(const al_exercise *ex, const char *buf, ssize_t len) {
    int hit = 0;
    for (const char *p = buf; p < buf + len;) {
        const struct inotify_event *ev = (const struct inotify_event *)p;
        if (ev->len)
            for (size_t i = 0; i < ex->nsubmission; i++)
                if (strcmp(ev->name, ex->submission[i]) == 0) hit = 1;
        p += sizeof *ev + ev->len;
    }
    return hit;
}

static void grade_once(const al_exercise *ex, const al_grader_opts *o, int record) {
    al_exercise_result r;
    char err[PATH_MAX + 256];
    time_t now = time(NULL);
    char when[16];
    strftime(when, sizeof when, "%H:%M:%S", localtime(&now));
    printf("\n==== %s  grading the visible tests of exercise %d ====\n", when, ex->number);
    fflush(stdout);
    int rc = al_grade_exercise(ex, o, &r, err, sizeof err);
    if (rc < 0 && !r.interrupted) {
        al_cli_error("%s\n", err);
    } else if (!r.interrupted) {
        al_report_exercise(stdout, &r, 0);
        al_report_totals(stdout, &r, 1);
        if (record) {
            al_progress p;
            al_progress_load(&p, err, sizeof err);
            al_progress_open_lesson(&p, ex->lesson);
            al_progress_record_score(&p, ex->id, r.score, r.max_score);
            al_progress_save(&p, err, sizeof err);
            al_progress_free(&p);
        }
        printf("(watching for changes; q or Ctrl-C to stop)\n");
    }
    fflush(stdout);
    al_exercise_result_free(&r);
}

int cmd_watch(int argc, char **argv) {
    const char *which = NULL, *src = NULL;
    int use_poll = 0;
    long interval = 500;
    al_grader_opts o = {.sanitize = 1, .visible_only = 1};
    int no_sanitize = 0;
    const al_cli_opt opts[] = {
        {"src", 0, AL_CLI_STRING, .dest = &src, .what = "a folder"},
        {"poll", 0, AL_CLI_FLAG, .dest = &use_poll},
        {"interval", 0, AL_CLI_COUNT, .dest = &interval, .min = 10, .max = 60000},
        {"no-sanitize", 0, AL_CLI_FLAG, .dest = &no_sanitize},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 1, "one exercise at a time", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    which = args.pos[0];
    o.sanitize = !no_sanitize;
    al_exercise *exs, *ex;
    size_t count;
    char workcopy[PATH_MAX];
    rc = al_cli_load_and_pick(which, src, &exs, &count, &ex, workcopy, sizeof workcopy);
    if (rc) return rc;
    char dir[PATH_MAX + 16];
    if (src) snprintf(dir, sizeof dir, "%s", src);
    else if (workcopy[0]) snprintf(dir, sizeof dir, "%s", workcopy);
    else snprintf(dir, sizeof dir, "%s/starter", ex->dir);
    o.src = dir;
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        al_cli_error("%s is not a folder\n", dir);
        al_exercises_free(exs, count);
        return AL_CLI_USAGE;
    }

    /* A machine that refuses what the exercise requires would fail every
     * grade of the session: say so once, and do not start watching. */
    char why[PATH_MAX + 256];
    if ((rc = al_grade_check_machine(ex, &o, why, sizeof why)) != 0) {
        al_cli_error("%s\n", why);
        al_exercises_free(exs, count);
        return rc == 1 ? AL_CLI_MACHINE : AL_CLI_CANNOT;
    }
    al_sandbox_catch_signals();
    int ino = -1;
    if (!use_poll) {
        ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (ino >= 0 && inotify_add_watch(ino, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
                                                        IN_DELETE | IN_ATTRIB) < 0) {
            close(ino);
            ino = -1;
        }
        if (ino < 0) al_cli_error("inotify unavailable (%s); polling instead\n",
                             strerror(errno));
    }
    printf("asynclab watch: exercise %d (%s), files %s", ex->number, ex->id, ex->submission[0]);
    for (size_t i = 1; i < ex->nsubmission; i++) printf(", %s", ex->submission[i]);
    printf(" in %s (%s)\n", dir, ino >= 0 ? "inotify" : "polling");
    raw_tty();
    atexit(restore_tty);
    int record = src == NULL || workcopy[0];   /* the student's own work (cmd_grade.c) */
    if (!record)
        printf("(not recorded in `asynclab progress`: --src may be anyone's folder; your own work, "
               "in a folder made by `asynclab start EX`, is recorded)\n");
    /* Stamps before grading: a save during a grade is a change to grade
     * again, not one to miss. */
    stamp before[16], after[16];
    take_stamps(ex, dir, before);
    grade_once(ex, &o, record);

    int stdin_open = 1, pending = 0;
    struct timespec last_event = {0, 0};
    while (!al_sandbox_interrupted) {
        struct pollfd fds[2];
        int n = 0, in_idx = -1, ino_idx = -1;
        if (stdin_open) {
            in_idx = n;
            fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        }
        if (ino >= 0) {
            ino_idx = n;
            fds[n++] = (struct pollfd){.fd = ino, .events = POLLIN};
        }
        int timeout = pending ? QUIET_MS : ino >= 0 ? -1 : (int)interval;
        int ready = poll(fds, (nfds_t)n, timeout);
        if (ready < 0 && errno != EINTR) break;
        if (ready > 0 && in_idx >= 0 && fds[in_idx].revents) {
            char c;
            ssize_t got = read(STDIN_FILENO, &c, 1);
            if (got <= 0) stdin_open = 0;   /* EOF: keep watching, SIGINT still stops */
            else if (c == 'q' || c == 'Q') break;
        }
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (ready > 0 && ino_idx >= 0 && fds[ino_idx].revents) {
            char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
            ssize_t len;
            while ((len = read(ino, buf, sizeof buf)) > 0)
                if (names_submission(ex, buf, len)) {
                    pending = 1;
                    last_event = now;
                }
        }
        if (ino < 0) {
            take_stamps(ex, dir, after);
            if (stamps_differ(before, after, ex->nsubmission)) {
                memcpy(before, after, sizeof before);
                pending = 1;
                last_event = now;
            }
        }
        long quiet = (now.tv_sec - last_event.tv_sec) * 1000 + (now.tv_nsec - last_event.tv_nsec) / 1000000;
        if (pending && quiet >= QUIET_MS) {
            pending = 0;
            grade_once(ex, &o, record);
        }
    }
    restore_tty();
    printf("\nasynclab watch: stopped\n");
    if (ino >= 0) close(ino);
    al_exercises_free(exs, count);
    return 0;
}
