/* cmd_lesson.c — `asynclab lesson N`: run a lesson's demo.
 *
 * The demo is the lesson's demo.sh, run with the build directory as its
 * argument, so what the lab does is readable (and runnable) by hand. On a
 * terminal it runs under the live viewer (view_lesson.c): the demo's traced
 * programs on the timeline, its words in the output panel, the lesson's
 * README in the notes panel. With --no-tui, or when stdin or stdout is not a
 * terminal, it runs as plain text in this terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_opts.h"
#include "commands.h"
#include "lessons.h"
#include "progress.h"
#include "view_lesson.h"

static void usage(FILE *out) {
    fprintf(out, "usage: asynclab lesson N [--no-tui] [--step] [--ascii] [--no-color] [--list]\n"
                 "  Run lesson N's demo under the live viewer: its tasks on a timeline, its output\n"
                 "  and the lesson's notes in panels (q quits, ? explains the screen).\n"
                 "  --list      list the lessons\n"
                 "  --no-tui    plain text in this terminal instead (also when not on a terminal)\n"
                 "  --step      slow motion: a program on the virtual clock waits before each loop\n"
                 "              iteration; s runs one, c lets it run\n"
                 "  --ascii     draw with ASCII only;  --no-color  no colours (or set NO_COLOR)\n");
}

int al_lesson_run_demo(const al_lesson *l) {
    al_progress_note_lesson(l->number);   /* for `asynclab progress` */
    printf("== Lesson %d: %s ==\n%s\n", l->number, l->title, l->summary);
    printf("   (read %s/README.md; demo: sh %s/demo.sh)\n\n", l->dir, l->dir);
    fflush(stdout);
    const char *build = al_lesson_build_dir();
    char demo[832];
    snprintf(demo, sizeof demo, "%s/demo.sh", l->dir);
    pid_t pid = fork();
    if (pid < 0) {
        perror("asynclab: fork");
        return 1;
    }
    if (pid == 0) {
        execlp("sh", "sh", demo, build, (char *)NULL);
        perror("asynclab: cannot run sh");
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    al_cli_error("lesson %d's demo failed (%s %d)\n", l->number,
            WIFEXITED(status) ? "exit status" : "signal",
            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    return 1;
}

/* One line per lesson: the summary up to its first full stop or colon. */
void al_lessons_print(const al_lesson *all, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const char *s = all[i].summary;
        int len = (int)strcspn(s, ".:");
        printf("  %2d  %-25s %.*s\n", all[i].number, all[i].title, len, s);
    }
}

int cmd_lesson(int argc, char **argv) {
    al_lesson all[AL_MAX_LESSONS];
    size_t n = al_lessons_find(all, AL_MAX_LESSONS);
    int number = -1, tui = 1;
    al_lesson_view_options vo = {0};
    int list = 0, no_tui = 0;
    const al_cli_opt opts[] = {
        {"list", 0, AL_CLI_FLAG, .dest = &list},
        {"no-tui", 0, AL_CLI_FLAG, .dest = &no_tui},
        {"step", 0, AL_CLI_FLAG, .dest = &vo.step},
        {"ascii", 0, AL_CLI_FLAG, .dest = &vo.ascii},
        {"no-color", 0, AL_CLI_FLAG, .dest = &vo.no_color},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 1, "one lesson at a time", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    if (list) {
        al_lessons_print(all, n);
        return AL_CLI_OK;
    }
    tui = !no_tui;
    if (args.npos) {
        long v = al_cli_parse_count("lesson number", args.pos[0], 1, 99);
        if (v < 0) return AL_CLI_USAGE;
        number = (int)v;
    }
    if (number < 0) {
        usage(stderr);
        return 2;
    }
    const al_lesson *l = al_lesson_get(all, n, number);
    if (!l) {
        al_cli_error("there is no lesson %d; the lessons are:\n", number);
        al_lessons_print(all, n);
        return 2;
    }
    if (tui && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) return al_lesson_view(l, &vo);
    return al_lesson_run_demo(l);
}
