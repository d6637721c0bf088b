/* view_lesson.c — a lesson's demo under the live viewer (see view_lesson.h). */
#include "view_lesson.h"
#include "grader.h"
#include "progress.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_run.h"

const char *al_lesson_build_dir(void) {
    return al_grader_build_dir();
}

/* Does the file mention one of the calls that start a trace? */
static int file_traces(const char *path) {
    static const char *const calls[] = {"al_loop_new", "al_trace_open_env", "al_trace_open_fd"};
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[1024];
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        for (size_t i = 0; i < sizeof calls / sizeof calls[0] && !found; i++)
            found = strstr(line, calls[i]) != NULL;
    fclose(f);
    return found;
}

int al_lesson_is_traced(const al_lesson *l) {
    DIR *d = opendir(l->dir);
    if (!d) return 1;   /* cannot tell: let the viewer find out */
    struct dirent *e;
    int traced = 0;
    while (!traced && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0) continue;
        char path[1100];
        snprintf(path, sizeof path, "%s/%s", l->dir, e->d_name);
        traced = file_traces(path);
    }
    closedir(d);
    return traced;
}

int al_lesson_view(const al_lesson *l, const al_lesson_view_options *o) {
    al_progress_note_lesson(l->number);   /* for `asynclab progress` */
    char demo[900], readme[900], title[600], untraced[700];
    snprintf(demo, sizeof demo, "%s/demo.sh", l->dir);
    snprintf(readme, sizeof readme, "%s/README.md", l->dir);
    snprintf(title, sizeof title, "lesson %d: %s", l->number, l->title);
    snprintf(untraced, sizeof untraced,
             "Lesson %d's programs do not run on asynclab's event loop, so they send no trace and "
             "there is no timeline to draw. Their output is in the Output panel (Tab), the lesson's "
             "notes beside it.",
             l->number);
    const char *argv[] = {"sh", demo, al_lesson_build_dir(), NULL};
    al_run_options ro = {
        .argv = argv,
        .step = o->step,
        .title = title,
        .notes = readme,
        .untraced = al_lesson_is_traced(l) ? NULL : untraced,
        .ascii = o->ascii,
        .no_color = o->no_color,
    };
    return al_view_run(&ro);
}
