/* find_src.c — where a submission's files are inside a folder (find_src.h). */
#define _GNU_SOURCE
#include "find_src.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_dir(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **al_subfolders(const char *dir, const char *skip, size_t *n) {
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[PATH_MAX * 2];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (!is_dir(path)) continue;
        char real[PATH_MAX];
        if (skip && skip[0] && realpath(path, real) && strcmp(real, skip) == 0) continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = realloc(v, cap * sizeof *v);
            if (!grown) break;
            v = grown;
        }
        if (!(v[*n] = strdup(e->d_name))) break;
        (*n)++;
    }
    closedir(d);
    if (*n) qsort(v, *n, sizeof *v, by_name);
    return v;
}

void al_free_names(char **v, size_t n) {
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

#define MAX_LEVEL 256   /* folders looked at per depth */

/* Which folders of `level` hold `file`: the first goes to out, a second makes
 * the answer ambiguous. Returns how many did. */
static size_t holders(char **level, size_t nlevel, const char *top, const char *file, char *out,
                      size_t outlen, char *problem, size_t plen) {
    size_t found = 0;
    for (size_t i = 0; i < nlevel; i++) {
        char probe[PATH_MAX * 2];
        struct stat st;
        snprintf(probe, sizeof probe, "%s/%s", level[i], file);
        if (lstat(probe, &st) != 0) continue;
        if (found++ == 0) snprintf(out, outlen, "%s", level[i]);
        else if (found == 2)
            snprintf(problem, plen, "%s is in two folders: %s/ and %s/", file,
                     out[strlen(top)] ? out + strlen(top) + 1 : ".", level[i] + strlen(top) + 1);
    }
    return found;
}

/* The subfolders of every folder of `level`, as paths, into next. */
static size_t descend(char **level, size_t nlevel, const char *skip, char **next) {
    size_t nnext = 0;
    for (size_t i = 0; i < nlevel; i++) {
        size_t n;
        char **subs = al_subfolders(level[i], skip, &n);
        for (size_t k = 0; k < n && nnext < MAX_LEVEL; k++) {
            char path[PATH_MAX * 2];
            snprintf(path, sizeof path, "%s/%s", level[i], subs[k]);
            if ((next[nnext] = strdup(path))) nnext++;
        }
        al_free_names(subs, n);
    }
    return nnext;
}

int al_find_submission(const char *top, const char *file, const char *skip, char *out,
                       size_t outlen, char *problem, size_t plen) {
    snprintf(out, outlen, "%s", top);
    if (plen) problem[0] = 0;
    char *level[MAX_LEVEL], *next[MAX_LEVEL];
    size_t nlevel = 1;
    if (!(level[0] = strdup(top))) return -1;
    int depth = -1;
    for (int d = 0; d <= AL_FIND_SRC_MAX_DEPTH && nlevel && depth < 0; d++) {
        size_t found = holders(level, nlevel, top, file, out, outlen, problem, plen);
        size_t nnext = found ? 0 : descend(level, nlevel, skip, next);
        for (size_t i = 0; i < nlevel; i++) free(level[i]);
        if (found) depth = found > 1 ? -2 : d;
        memcpy(level, next, nnext * sizeof *next);
        nlevel = nnext;
    }
    for (size_t i = 0; i < nlevel; i++) free(level[i]);
    return depth;
}
