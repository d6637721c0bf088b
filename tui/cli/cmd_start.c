/* cmd_start.c — `asynclab start EX [DIR]`: a student's working copy of an
 * exercise (exercises/grader/workcopy.h), graded inside with no EX. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli_opts.h"
#include "commands.h"
#include "exercise_arg.h"
#include "grader.h"
#include "workcopy.h"

static void usage(FILE *out) {
    fprintf(out,
            "usage: asynclab start EX [DIR]\n"
            "  Make DIR (default: ./NN-name, e.g. ./03-epoll-server) your working copy of\n"
            "  exercise EX: the starter (what you edit), README.md (the task), the\n"
            "  exercise's headers, the visible tests in tests/, and %s, which says\n"
            "  which exercise it is. Inside DIR, `asynclab grade`, `asynclab watch` and\n"
            "  `asynclab hint` need no EX, and grades count in `asynclab progress`.\n"
            "  A DIR that exists and is not empty is refused, never written over.\n\n"
            "exit status: 0 made, 1 could not make it, 2 bad usage, 3 the exercises\n"
            "             cannot be read\n",
            AL_WORKCOPY_MARKER);
}

int cmd_start(int argc, char **argv) {
    const char *which = NULL, *dir = NULL;
    al_cli_args args;   /* no options: positionals, --help and -- only */
    const al_cli_spec spec = {NULL, 0, usage, 2, "an exercise and a folder", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    which = args.pos[0];
    dir = args.pos[1];
    if (!which) {
        al_cli_error("which exercise? (asynclab grade --list shows them)");
        usage(stderr);
        return 2;
    }
    al_exercise *all;
    size_t count;
    char err[PATH_MAX + 256];
    int loaded = al_cli_load_exercises(&all, &count);
    if (loaded) return loaded;
    const al_exercise *ex = al_exercise_find(all, count, which);
    if (!ex) {
        al_cli_error("no exercise '%s' (asynclab grade --list shows them)", which);
        al_exercises_free(all, count);
        return 2;
    }
    char target[PATH_MAX];
    snprintf(target, sizeof target, "%s", dir ? dir : ex->id);
    int status = 0;
    if (al_workcopy_create(ex, target, err, sizeof err) < 0) {
        al_cli_error("%s", err);
        status = 1;
    } else {
        printf("Exercise %d, %s: your working copy is %s\n", ex->number, ex->title, target);
        printf("  the task   %s/README.md\n  edit       ", target);
        for (size_t i = 0; i < ex->nsubmission; i++) printf("%s%s", i ? ", " : "", ex->submission[i]);
        printf("\n  then       cd %s && asynclab grade   (or asynclab watch, asynclab hint)\n", target);
    }
    al_exercises_free(all, count);
    return status;
}
