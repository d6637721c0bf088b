/* cmd_hint.c — `asynclab hint EX`: the exercise's next hint, one at a time.
 *
 * Hints are the "## Hints" list of the exercise's README, revealed in order;
 * how many were shown is kept in the progress file (progress.h), so the
 * next call shows the next one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_opts.h"
#include "commands.h"
#include "exercise_arg.h"
#include "grader.h"
#include "progress.h"

static void usage(FILE *out) {
    fprintf(out, "usage: asynclab hint [EX] [--all] [--reset]\n"
                 "  Show the next hint for exercise EX (3, 03, 03-epoll-server or epoll-server;\n"
                 "  inside a folder made by `asynclab start EX`, that folder's exercise).\n"
                 "  --all     show every hint at once\n"
                 "  --reset   forget which hints were shown\n\n"
                 "exit status: 0 shown, 1 could not record it, 2 bad usage, 3 the exercises cannot be read\n");
}

/* Print text wrapped at 76 columns, each line indented. */
static void print_wrapped(const char *text, const char *indent) {
    int col = 0;
    const char *p = text;
    fputs(indent, stdout);
    while (*p) {
        size_t word = strcspn(p, " ");
        if (col > 0 && col + (int)word + 1 > 76 - (int)strlen(indent)) {
            printf("\n%s", indent);
            col = 0;
        } else if (col > 0) {
            putchar(' ');
            col++;
        }
        fwrite(p, 1, word, stdout);
        col += (int)word;
        p += word;
        while (*p == ' ') p++;
    }
    putchar('\n');
}

int cmd_hint(int argc, char **argv) {
    const char *which = NULL;
    int all = 0, reset = 0;
    const al_cli_opt opts[] = {
        {"all", 0, AL_CLI_FLAG, .dest = &all},
        {"reset", 0, AL_CLI_FLAG, .dest = &reset},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 1, "one exercise at a time", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    which = args.pos[0];
    al_exercise *exs, *ex;
    size_t count;
    char workcopy[PATH_MAX], err[PATH_MAX + 256];
    rc = al_cli_load_and_pick(which, NULL, &exs, &count, &ex, workcopy, sizeof workcopy);
    if (rc) return rc;
    al_progress p;
    al_progress_load(&p, err, sizeof err);
    if (err[0]) al_cli_error("%s\n", err);
    al_progress_entry *e = al_progress_entry_get(&p, ex->id);
    int status = 0;
    if (!e) {
        status = 1;
    } else if (reset) {
        e->hints = 0;
        printf("Hints for exercise %d (%s) are hidden again.\n", ex->number, ex->id);
    } else if (ex->nhints == 0) {
        al_progress_open_lesson(&p, ex->lesson);
        printf("Exercise %d (%s) has no hints; its README.md and the failing tests' feedback are "
               "the place to look.\n", ex->number, ex->id);
    } else {
        size_t shown = e->hints < 0 ? 0 : (size_t)e->hints;
        size_t upto = all ? ex->nhints : shown + 1;
        if (upto > ex->nhints) upto = ex->nhints;
        printf("Exercise %d: %s\n\n", ex->number, ex->title);
        /* Earlier hints again when asked for all, or when there is no new one. */
        size_t from = all || shown >= ex->nhints ? 0 : shown;
        for (size_t i = from; i < upto; i++) {
            printf("Hint %zu of %zu:\n", i + 1, ex->nhints);
            print_wrapped(ex->hints[i], "  ");
            putchar('\n');
        }
        if (shown >= ex->nhints && !all)
            printf("That is every hint (%zu). The feedback of `asynclab grade %d` says which "
                   "check fails and why.\n", ex->nhints, ex->number);
        else if (upto < ex->nhints)
            printf("(%zu more: run `asynclab hint %d` again.)\n", ex->nhints - upto, ex->number);
        e->hints = (int)upto;
        al_progress_open_lesson(&p, ex->lesson);
    }
    if (status == 0 && al_progress_save(&p, err, sizeof err) < 0)
        al_cli_error("cannot save progress: %s\n", err);
    al_progress_free(&p);
    al_exercises_free(exs, count);
    return status;
}
