/* exercise_arg.c — EX on the command line, or the working copy around the
 * current folder (see exercise_arg.h). */
#include "exercise_arg.h"
#include "exit_codes.h"

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "workcopy.h"

int al_cli_pick_exercise(al_exercise *all, size_t count, const char *which,
                         const char *src, al_exercise **ex, char *workcopy, size_t size) {
    *ex = NULL;
    workcopy[0] = 0;
    char dir[PATH_MAX], id[AL_GRADER_NAME_MAX], err[PATH_MAX + 256];
    int found = al_workcopy_find(src ? src : ".", dir, sizeof dir, id, sizeof id, err, sizeof err);
    if (found < 0 && !which) {   /* with EX given, a broken marker does not matter */
        al_cli_error("%s", err);
        return 2;
    }
    if (found < 0) found = 0;
    /* --src names the folder itself: a marker further up is someone else's. */
    char real[PATH_MAX];
    if (found == 1 && src && (!realpath(src, real) || strcmp(real, dir) != 0)) found = 0;
    if (!which && found != 1) {
        al_cli_error("which exercise? Give its number (asynclab grade --list shows "
                        "them), or run this inside a folder made by `asynclab start EX`");
        return 2;
    }
    *ex = al_exercise_find(all, count, which ? which : id);
    if (!*ex) {
        if (which)
            al_cli_error("no exercise '%s' (asynclab grade --list shows them)", which);
        else
            al_cli_error("%s/%s names exercise '%s', which this asynclab does not "
                            "have (asynclab grade --list shows them)", dir, AL_WORKCOPY_MARKER, id);
        return 2;
    }
    if (found == 1 && strcmp((*ex)->id, id) == 0 && snprintf(workcopy, size, "%s", dir) >= (int)size)
        workcopy[0] = 0;
    return 0;
}

int al_cli_load_exercises(al_exercise **all, size_t *count) {
    char err[PATH_MAX + 256];
    if (al_exercises_load(all, count, err, sizeof err) < 0) {
        al_cli_error("%s\n", err);
        return AL_CLI_CANNOT;
    }
    return 0;
}

int al_cli_load_and_pick(const char *which, const char *src, al_exercise **all, size_t *count,
                         al_exercise **ex, char *workcopy, size_t size) {
    int rc = al_cli_load_exercises(all, count);
    if (rc) return rc;
    rc = al_cli_pick_exercise(*all, *count, which, src, ex, workcopy, size);
    if (rc) al_exercises_free(*all, *count);
    return rc;
}
