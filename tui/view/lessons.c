/* lessons.c — discovering lessons in the source tree (see lessons.h). */
#include "lessons.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grader.h"   /* al_grader_source_dir: the data, built or installed */


static void read_title_and_summary(al_lesson *l) {
    char path[832];
    snprintf(path, sizeof path, "%s/README.md", l->dir);
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[512];
    int state = 0;   /* 0: want title, 1: want summary */
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (state == 0 && line[0] == '#') {
            char *t = line;
            while (*t == '#' || *t == ' ') t++;
            /* "Lesson 3: the epoll loop" -> "the epoll loop": we number them */
            int skip = 0;
            if (sscanf(t, "Lesson %*d: %n", &skip) == 0 && skip > 0) t += skip;
            snprintf(l->title, sizeof l->title, "%s", t);
            state = 1;
        } else if (state == 1 && line[0] && line[0] != '#') {
            snprintf(l->summary, sizeof l->summary, "%s", line);
            break;
        }
    }
    fclose(f);
}

static int by_number(const void *a, const void *b) {
    return ((const al_lesson *)a)->number - ((const al_lesson *)b)->number;
}

size_t al_lessons_find(al_lesson *out, size_t max) {
    const char *root = al_grader_source_dir();
    char base[512];
    snprintf(base, sizeof base, "%s/lessons", root);
    DIR *d = opendir(base);
    if (!d) return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        int num;
        if (sscanf(e->d_name, "%2d-", &num) != 1) continue;
        al_lesson *l = &out[n];
        memset(l, 0, sizeof *l);
        l->number = num;
        snprintf(l->name, sizeof l->name, "%s", e->d_name);
        snprintf(l->dir, sizeof l->dir, "%s/%s", base, e->d_name);
        char demo[832], readme[832];
        snprintf(demo, sizeof demo, "%s/demo.sh", l->dir);
        snprintf(readme, sizeof readme, "%s/README.md", l->dir);
        if (access(demo, R_OK) != 0 || access(readme, R_OK) != 0) continue;
        read_title_and_summary(l);
        n++;
    }
    closedir(d);
    qsort(out, n, sizeof *out, by_number);
    return n;
}

const al_lesson *al_lesson_get(const al_lesson *all, size_t count, int n) {
    for (size_t i = 0; i < count; i++)
        if (all[i].number == n) return &all[i];
    return NULL;
}
