/* workcopy.c — make and find a student's working copy (see workcopy.h). */
#define _GNU_SOURCE
#include "workcopy.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini.h"
#include "stage.h"

#define MAX_FILE_BYTES (4 << 20)

/* mkdir -p DIR; 0 if it now exists as a folder. */
static int make_dirs(const char *path) {
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p) return -ENAMETOOLONG;
    for (char *s = p + 1;; s++) {
        if (*s && *s != '/') continue;
        char keep = *s;
        *s = 0;
        if (mkdir(p, 0755) < 0 && errno != EEXIST) return -errno;
        if (!keep) break;
        *s = keep;
    }
    struct stat st;
    if (stat(path, &st) < 0) return -errno;
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* 1 if DIR exists and holds anything, 0 if it is missing or empty. */
static int not_empty(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? 0 : 1;
    struct dirent *e;
    int any = 0;
    while (!any && (e = readdir(d))) any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return any;
}

static int has_suffix(const char *name, const char *suffix) {
    size_t n = strlen(name), k = strlen(suffix);
    return n > k && strcmp(name + n - k, suffix) == 0;
}

/* Copy FROM's regular files (only those ending in `suffix`, unless NULL). */
static int copy_files(const char *from, const char *to, const char *suffix, char *err, size_t errlen) {
    DIR *d = opendir(from);
    if (!d) {
        if (errno == ENOENT) return 0;
        int e = -errno;
        snprintf(err, errlen, "%s: %s", from, strerror(errno));
        return e;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.' || (suffix && !has_suffix(e->d_name, suffix))) continue;
        char src[PATH_MAX], dst[PATH_MAX];
        if (snprintf(src, sizeof src, "%s/%s", from, e->d_name) >= (int)sizeof src ||
            snprintf(dst, sizeof dst, "%s/%s", to, e->d_name) >= (int)sizeof dst) {
            snprintf(err, errlen, "%s/%s: path too long", from, e->d_name);
            rc = -ENAMETOOLONG;
            break;
        }
        struct stat st;
        if (lstat(src, &st) == 0 && S_ISREG(st.st_mode))
            rc = al_stage_copy_file(src, dst, 1, MAX_FILE_BYTES, err, errlen);
    }
    closedir(d);
    return rc;
}

static int write_marker(const al_exercise *ex, const char *dir, char *err, size_t errlen) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, AL_WORKCOPY_MARKER) >= (int)sizeof path)
        return -ENAMETOOLONG;
    FILE *f = fopen(path, "wx");
    if (!f) {
        int e = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return e;
    }
    fprintf(f, "# A working copy of asynclab exercise %d, made by `asynclab start`.\n"
               "# In this folder, `asynclab grade`, `asynclab watch` and `asynclab hint`\n"
               "# work on it. Graded:",
            ex->number);
    for (size_t i = 0; i < ex->nsubmission; i++) fprintf(f, " %s", ex->submission[i]);
    fprintf(f, "\n[workcopy]\nexercise = %s\n", ex->id);
    if (fclose(f) != 0) {
        int e = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return e;
    }
    return 0;
}

static int join(char *out, size_t size, const char *dir, const char *name) {
    return snprintf(out, size, "%s/%s", dir, name) >= (int)size ? -ENAMETOOLONG : 0;
}

int al_workcopy_create(const al_exercise *ex, const char *dir, char *err, size_t errlen) {
    err[0] = 0;
    if (not_empty(dir)) {
        snprintf(err, errlen, "%s is not empty: refusing to write over it (choose a new folder, "
                              "or empty this one)", dir);
        return -EEXIST;
    }
    int rc = make_dirs(dir);
    if (rc < 0) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(-rc));
        return rc;
    }
    char from[PATH_MAX], to[PATH_MAX];
    if ((rc = join(from, sizeof from, ex->dir, "starter")) == 0)
        rc = copy_files(from, dir, NULL, err, errlen);
    if (rc == 0 && (rc = join(from, sizeof from, ex->dir, "README.md")) == 0 &&
        (rc = join(to, sizeof to, dir, "README.md")) == 0)
        rc = al_stage_copy_file(from, to, 1, MAX_FILE_BYTES, err, errlen);
    if (rc == 0) rc = copy_files(ex->dir, dir, ".h", err, errlen);
    if (rc == 0 && (rc = join(from, sizeof from, ex->dir, "tests")) == 0 &&
        (rc = join(to, sizeof to, dir, "tests")) == 0 && (rc = make_dirs(to)) < 0)
        snprintf(err, errlen, "cannot create %s: %s", to, strerror(-rc));
    if (rc == 0) rc = copy_files(from, to, NULL, err, errlen);
    if (rc == 0) rc = write_marker(ex, dir, err, errlen);
    if (rc < 0 && !err[0]) snprintf(err, errlen, "%s: %s", dir, strerror(-rc));
    return rc;
}

/* The exercise a marker names; 0 or a negative errno with a message. */
static int read_marker(const char *path, char *id, size_t idsize, char *err, size_t errlen) {
    al_ini ini;
    int rc = al_ini_parse(path, &ini, err, errlen);
    if (rc < 0) return rc;
    rc = -EINVAL;
    for (size_t i = 0; i < ini.count; i++) {
        const al_ini_entry *e = &ini.entries[i];
        if (strcmp(e->section, "workcopy") == 0 && strcmp(e->key, "exercise") == 0 && e->value[0] &&
            strlen(e->value) < idsize) {
            snprintf(id, idsize, "%s", e->value);
            rc = 0;
        }
    }
    al_ini_free(&ini);
    if (rc < 0)
        snprintf(err, errlen, "%s names no exercise (expected \"[workcopy]\" and "
                              "\"exercise = NN-name\"; `asynclab start EX DIR` writes one)", path);
    return rc;
}

int al_workcopy_find(const char *from, char *dir, size_t dirsize, char *id, size_t idsize,
                     char *err, size_t errlen) {
    err[0] = 0;
    char here[PATH_MAX];
    if (!realpath(from, here)) {
        int e = -errno;
        snprintf(err, errlen, "%s: %s", from, strerror(errno));
        return e;
    }
    for (;;) {
        char marker[PATH_MAX + 32];
        snprintf(marker, sizeof marker, "%s/%s", here[1] ? here : "", AL_WORKCOPY_MARKER);
        if (access(marker, F_OK) == 0) {
            int rc = read_marker(marker, id, idsize, err, errlen);
            if (rc < 0) return rc;
            if (snprintf(dir, dirsize, "%s", here) >= (int)dirsize) return -ENAMETOOLONG;
            return 1;
        }
        char *slash = strrchr(here, '/');
        if (!slash || !here[1]) return 0;
        if (slash == here) slash[1] = 0;   /* "/a" -> "/" */
        else *slash = 0;
    }
}
