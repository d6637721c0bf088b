/* cmd_progress.c — `asynclab progress`: lessons opened and the best score
 * of each exercise, from the progress file (exercises/grader/progress.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_opts.h"
#include "commands.h"
#include "grader.h"
#include "lessons.h"
#include "progress.h"

static void usage(FILE *out) {
    fprintf(out, "usage: asynclab progress [--reset]\n"
                 "  Show the lessons opened, and each exercise's best score and hints used.\n"
                 "  Kept in $XDG_DATA_HOME/asynclab/progress.json (~/.local/share/asynclab/).\n"
                 "  --reset   start over (removes the progress file)\n");
}

int cmd_progress(int argc, char **argv) {
    int reset = 0;
    const al_cli_opt opts[] = {
        {"reset", 0, AL_CLI_FLAG, .dest = &reset},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 0, NULL, 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    char msg[PATH_MAX + 256];
    al_progress p;
    al_progress_load(&p, msg, sizeof msg);
    if (msg[0]) al_cli_error("%s\n", msg);
    if (reset) {
        if (p.path[0] && unlink(p.path) == 0) printf("progress reset (%s removed)\n", p.path);
        else printf("no progress to reset\n");
        al_progress_free(&p);
        return 0;
    }
    al_exercise *exs = NULL;
    size_t nex = 0;
    if (al_exercises_load(&exs, &nex, msg, sizeof msg) < 0) al_cli_error("%s\n", msg);
    al_lesson lessons[AL_MAX_LESSONS];
    size_t nlessons = al_lessons_find(lessons, AL_MAX_LESSONS);

    printf("asynclab progress  (%s)\n\n", p.path[0] ? p.path : "not kept: no HOME");
    printf("  %-7s %-7s %-26s %-12s %s\n", "lesson", "opened", "exercise", "best score", "hints");
    /* One row per lesson, and per exercise that belongs to no listed lesson. */
    int max_lesson = 0;
    for (size_t i = 0; i < nlessons; i++)
        if (lessons[i].number > max_lesson) max_lesson = lessons[i].number;
    for (size_t i = 0; i < nex; i++)
        if (exs[i].lesson > max_lesson) max_lesson = exs[i].lesson;
    size_t opened = 0, attempted = 0;
    for (int n = 1; n <= max_lesson && n < AL_PROGRESS_MAX_LESSONS; n++) {
        const al_exercise *ex = NULL;
        for (size_t i = 0; i < nex; i++)
            if (exs[i].lesson == n) ex = &exs[i];
        int listed = al_lesson_get(lessons, nlessons, n) != NULL;
        if (!listed && !ex) continue;
        opened += p.lessons[n];
        char score[32] = "-", hints[32] = "-";
        if (ex) {
            const al_progress_entry *e = NULL;
            for (size_t i = 0; i < p.count; i++)
                if (strcmp(p.entries[i].id, ex->id) == 0) e = &p.entries[i];
            double max = al_exercise_max_points(ex, 0);
            if (e && e->best >= 0) {
                snprintf(score, sizeof score, "%g / %g", e->best, max);
                attempted++;
            } else {
                snprintf(score, sizeof score, "- / %g", max);
            }
            snprintf(hints, sizeof hints, "%d of %zu", e ? e->hints : 0, ex->nhints);
        }
        printf("  %-7d %-7s %-26s %-12s %s\n", n, p.lessons[n] ? "yes" : "no", ex ? ex->id : "-",
               score, hints);
    }
    printf("\n%zu lesson(s) opened, %zu exercise(s) graded\n", opened, attempted);
    al_exercises_free(exs, nex);
    al_progress_free(&p);
    return 0;
}
