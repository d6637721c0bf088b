/* cmd_lesson.c — `asynclab lesson N`: introduce a lesson and run its demo.
 *
 * The demo is the lesson's demo.sh, run with the build directory as its
 * argument, so what the lab does is readable (and runnable) by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "lessons.h"

#ifndef AL_BINARY_DIR
#define AL_BINARY_DIR "build"
#endif

static void usage(FILE *out) {
    fprintf(out, "usage: asynclab lesson N [--no-tui] [--list]\n"
                 "  Print lesson N's introduction and run its demo in this terminal.\n"
                 "  --list   list the lessons\n"
                 "  --no-tui text mode (the only mode so far)\n");
}

int al_lesson_run_demo(const al_lesson *l) {
    printf("== Lesson %d: %s ==\n%s\n", l->number, l->title, l->summary);
    printf("   (read %s/README.md; demo: sh %s/demo.sh)\n\n", l->dir, l->dir);
    fflush(stdout);
    const char *build = getenv("ASYNCLAB_BINARY_DIR");
    if (!build) build = AL_BINARY_DIR;
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
    fprintf(stderr, "asynclab: lesson %d's demo failed (%s %d)\n", l->number,
            WIFEXITED(status) ? "exit status" : "signal",
            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    return 1;
}

/* One line per lesson: the summary up to its first full stop or colon. */
void al_lessons_print(const al_lesson *all, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const char *s = all[i].summary;
        int len = (int)strcspn(s, ".:");
        printf("  %2d  %-22s %.*s\n", all[i].number, all[i].title, len, s);
    }
}

int cmd_lesson(int argc, char **argv) {
    al_lesson all[AL_MAX_LESSONS];
    size_t n = al_lessons_find(all, AL_MAX_LESSONS);
    int number = -1;
    for (int i = 1; i < argc; i++) {
        if (al_cli_is_help(argv[i])) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--list") == 0) {
            al_lessons_print(all, n);
            return 0;
        } else if (strcmp(argv[i], "--no-tui") == 0) {
            /* text mode is the only mode for now */
        } else if (number < 0) {
            long v = al_cli_parse_count("lesson number", argv[i], 1, 99);
            if (v < 0) return 2;
            number = (int)v;
        } else {
            fprintf(stderr, "asynclab lesson: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (number < 0) {
        usage(stderr);
        return 2;
    }
    const al_lesson *l = al_lesson_get(all, n, number);
    if (!l) {
        fprintf(stderr, "asynclab lesson: there is no lesson %d; the lessons are:\n", number);
        al_lessons_print(all, n);
        return 2;
    }
    return al_lesson_run_demo(l);
}
