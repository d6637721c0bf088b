/* exercise.c — an exercise as its folder describes it: exercise.ini (the
 * manifest, see grader.h), the C files in tests/, README.md's hints.
 *
 * Test names come from the sources (a line that starts with AL_TEST(name),
 * the same rule the project's CMake uses), so the manifest cannot promise a
 * test that does not exist without the loader saying so. */
#define _GNU_SOURCE
#include "grader.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini.h"

#define DEFAULT_TIMEOUT_S 5
#define DEFAULT_MEMORY_MB 512

static int push_str(char ***list, size_t *n, const char *s) {
    char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown) return -ENOMEM;
    *list = grown;
    if (!(grown[*n] = strdup(s))) return -ENOMEM;
    (*n)++;
    return 0;
}

static void free_strs(char **list, size_t n) {
    for (size_t i = 0; i < n; i++) free(list[i]);
    free(list);
}

static al_test_spec *find_test(al_exercise *ex, const char *name) {
    for (size_t i = 0; i < ex->ntests; i++)
        if (strcmp(ex->tests[i].name, name) == 0) return &ex->tests[i];
    return NULL;
}

static al_test_spec *add_test(al_exercise *ex, const char *name, int hidden) {
    al_test_spec *t = find_test(ex, name);
    if (t) return t;
    al_test_spec *grown = realloc(ex->tests, (ex->ntests + 1) * sizeof *grown);
    if (!grown) return NULL;
    ex->tests = grown;
    t = &ex->tests[ex->ntests++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->points = 1;
    t->timeout_s = 0;   /* 0: the exercise's timeout, known once the manifest is read */
    snprintf(t->visibility, sizeof t->visibility, "%s", hidden ? "after_published" : "visible");
    t->hidden = hidden;
    return t;
}

static int parse_number(const char *s, double min, double max, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < min || v > max) return -1;
    *out = v;
    return 0;
}

static int valid_visibility(const char *v) {
    return strcmp(v, "visible") == 0 || strcmp(v, "hidden") == 0 ||
           strcmp(v, "after_due_date") == 0 || strcmp(v, "after_published") == 0;
}

/* Split "a.c b.c" into the list, each resolved against base when base is
 * not NULL. */
static int add_files(char ***list, size_t *n, const char *value, const char *base) {
    char *copy = strdup(value);
    if (!copy) return -ENOMEM;
    int rc = 0;
    for (char *save, *tok = strtok_r(copy, " \t,", &save); tok && !rc;
         tok = strtok_r(NULL, " \t,", &save)) {
        char path[PATH_MAX];
        if (base) snprintf(path, sizeof path, "%s/%s", base, tok);
        else snprintf(path, sizeof path, "%s", tok);
        rc = push_str(list, n, path);
    }
    free(copy);
    return rc;
}

/* requires = io_uring: what the machine must allow (one word so far). */
static int parse_requires(al_exercise *ex, const char *value, const char *path, int line,
                          char *err, size_t errlen) {
    char *copy = strdup(value);
    if (!copy) return -ENOMEM;
    int rc = 0;
    for (char *save, *tok = strtok_r(copy, " \t,", &save); tok && !rc;
         tok = strtok_r(NULL, " \t,", &save)) {
        if (strcmp(tok, "io_uring") == 0) {
            ex->needs_io_uring = 1;
        } else {
            snprintf(err, errlen, "%s:%d: requires: unknown \"%s\" (what can be required: io_uring)",
                     path, line, tok);
            rc = -EINVAL;
        }
    }
    free(copy);
    return rc;
}

/* The [test NAME] sections (and, for the exercise's own manifest, the
 * [exercise] section) of one manifest. */
static int apply_manifest(al_exercise *ex, const char *path, int hidden, int own, char *err,
                          size_t errlen) {
    al_ini ini;
    int rc = al_ini_parse(path, &ini, err, errlen);
    if (rc < 0) return rc;
    for (size_t i = 0; i < ini.nsections && rc == 0; i++) {
        const char *s = ini.sections[i];
        if (strncmp(s, "test ", 5) == 0) {
            al_test_spec *t = add_test(ex, s + 5, hidden);
            if (!t) rc = -ENOMEM;
            else t->declared = 1;
        } else if (!(own && strcmp(s, "exercise") == 0)) {
            snprintf(err, errlen, "%s:%d: unknown section [%s] (expected [exercise] or [test NAME])",
                     path, ini.section_lines[i], s);
            rc = -EINVAL;
        }
    }
    for (size_t i = 0; i < ini.count && rc == 0; i++) {
        al_ini_entry *e = &ini.entries[i];
        double v;
        if (strcmp(e->section, "test") == 0) {
            al_test_spec *t = find_test(ex, e->name);
            if (strcmp(e->key, "points") == 0) {
                if (parse_number(e->value, 0, 1000, &v) < 0) goto bad_number;
                t->points = v;
            } else if (strcmp(e->key, "timeout") == 0) {
                if (parse_number(e->value, 1, 600, &v) < 0) goto bad_number;
                t->timeout_s = (int)v;
            } else if (strcmp(e->key, "visibility") == 0) {
                if (!valid_visibility(e->value)) {
                    snprintf(err, errlen,
                             "%s:%d: visibility is visible, hidden, after_due_date or "
                             "after_published, not \"%s\"",
                             path, e->line, e->value);
                    rc = -EINVAL;
                }
                snprintf(t->visibility, sizeof t->visibility, "%s", e->value);
            } else if (strcmp(e->key, "hint") == 0) {
                free(t->hint);
                if (!(t->hint = strdup(e->value))) rc = -ENOMEM;
            } else {
                goto bad_key;
            }
            continue;
        }
        /* [exercise] */
        if (strcmp(e->key, "title") == 0) {
            snprintf(ex->title, sizeof ex->title, "%s", e->value);
        } else if (strcmp(e->key, "lesson") == 0) {
            if (parse_number(e->value, 0, 99, &v) < 0) goto bad_number;
            ex->lesson = (int)v;
        } else if (strcmp(e->key, "baseline") == 0) {
            if (parse_number(e->value, 0, 100000, &v) < 0) goto bad_number;
            ex->baseline = v;
        } else if (strcmp(e->key, "timeout") == 0) {
            if (parse_number(e->value, 1, 600, &v) < 0) goto bad_number;
            ex->timeout_s = (int)v;
        } else if (strcmp(e->key, "memory") == 0) {
            if (parse_number(e->value, 16, 65536, &v) < 0) goto bad_number;
            ex->memory_mb = (long)v;
        } else if (strcmp(e->key, "submission") == 0) {
            if (strchr(e->value, '/')) {
                snprintf(err, errlen, "%s:%d: submission files are plain names, not paths", path,
                         e->line);
                rc = -EINVAL;
            } else {
                rc = add_files(&ex->submission, &ex->nsubmission, e->value, NULL);
            }
        } else if (strcmp(e->key, "given") == 0) {
            rc = add_files(&ex->given, &ex->ngiven, e->value, ex->dir);
        } else if (strcmp(e->key, "requires") == 0) {
            rc = parse_requires(ex, e->value, path, e->line, err, errlen);
        } else {
            goto bad_key;
        }
        continue;
    bad_number:
        snprintf(err, errlen, "%s:%d: %s must be a number in range, not \"%s\"", path, e->line,
                 e->key, e->value);
        rc = -EINVAL;
        continue;
    bad_key:
        snprintf(err, errlen, "%s:%d: unknown key \"%s\" in [%s]", path, e->line, e->key,
                 e->section);
        rc = -EINVAL;
    }
    al_ini_free(&ini);
    return rc;
}

/* Lines that start with AL_TEST(name): the tests a source file defines. */
static int scan_tests(al_exercise *ex, const char *path, int hidden) {
    FILE *f = fopen(path, "re");
    if (!f) return -errno;
    char line[512];
    int rc = 0;
    while (fgets(line, sizeof line, f) && rc == 0) {
        if (strncmp(line, "AL_TEST(", 8) != 0) continue;
        char name[AL_GRADER_NAME_MAX];
        size_t n = 0;
        for (const char *p = line + 8; (isalnum((unsigned char)*p) || *p == '_') && n < sizeof name - 1; p++)
            name[n++] = *p;
        name[n] = 0;
        if (!n) continue;
        al_test_spec *t = add_test(ex, name, hidden);
        if (!t) rc = -ENOMEM;
        else t->found = 1;
    }
    fclose(f);
    return rc;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every C file in dir, sorted, added to the exercise's test files and scanned. */
static int add_test_dir(al_exercise *ex, const char *dir, int hidden) {
    DIR *d = opendir(dir);
    if (!d) return -errno;
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) && rc == 0) {
        size_t len = strlen(e->d_name);
        if (len > 2 && strcmp(e->d_name + len - 2, ".c") == 0) rc = push_str(&names, &n, e->d_name);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        rc = push_str(&ex->test_files, &ex->ntest_files, path);
        if (rc == 0) rc = scan_tests(ex, path, hidden);
    }
    free_strs(names, n);
    return rc;
}

/* README.md's "## Hints" section: numbered or bulleted items, each possibly
 * wrapped over several lines. */
static int load_hints(al_exercise *ex) {
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/README.md", ex->dir);
    FILE *f = fopen(path, "re");
    if (!f) return 0;
    char *line = NULL, *item = NULL;
    size_t cap = 0, item_len = 0;
    int in_hints = 0, rc = 0;
    while (getline(&line, &cap, f) >= 0 && rc == 0) {
        line[strcspn(line, "\r\n")] = 0;
        if (strncmp(line, "## ", 3) == 0 || strncmp(line, "# ", 2) == 0) {
            in_hints = strncasecmp(line, "## Hints", 8) == 0;
            continue;
        }
        if (!in_hints) continue;
        const char *s = line;
        while (*s == ' ') s++;
        int starts_item = 0;
        if (isdigit((unsigned char)s[0])) {
            const char *p = s;
            while (isdigit((unsigned char)*p)) p++;
            if (p[0] == '.' && p[1] == ' ') starts_item = (int)(p + 2 - s);
        } else if ((s[0] == '-' || s[0] == '*') && s[1] == ' ') {
            starts_item = 2;
        }
        if (starts_item || !*s) {
            if (item) rc = push_str(&ex->hints, &ex->nhints, item);
            free(item);
            item = NULL;
            item_len = 0;
            if (!*s) continue;
            s += starts_item;
        } else if (!item) {
            continue;   /* prose before the first item */
        }
        size_t add = strlen(s);
        char *grown = realloc(item, item_len + add + 2);
        if (!grown) {
            rc = -ENOMEM;
            break;
        }
        item = grown;
        if (item_len) item[item_len++] = ' ';
        memcpy(item + item_len, s, add + 1);
        item_len += add;
    }
    if (item && rc == 0) rc = push_str(&ex->hints, &ex->nhints, item);
    free(item);
    free(line);
    fclose(f);
    return rc;
}

static void free_exercise(al_exercise *ex) {
    free_strs(ex->submission, ex->nsubmission);
    free_strs(ex->given, ex->ngiven);
    free_strs(ex->test_files, ex->ntest_files);
    free_strs(ex->hints, ex->nhints);
    for (size_t i = 0; i < ex->ntests; i++) free(ex->tests[i].hint);
    free(ex->tests);
    memset(ex, 0, sizeof *ex);
}

static int check_tests(al_exercise *ex, char *err, size_t errlen) {
    for (size_t i = 0; i < ex->ntests; i++) {
        if (!ex->tests[i].found) {
            snprintf(err, errlen, "%s: the manifest lists test %s, but no AL_TEST(%s) exists in the tests",
                     ex->id, ex->tests[i].name, ex->tests[i].name);
            return -EINVAL;
        }
    }
    return 0;
}

static int load_one(al_exercise *ex, const char *root, const char *id, char *err, size_t errlen) {
    memset(ex, 0, sizeof *ex);
    ex->number = atoi(id);
    snprintf(ex->id, sizeof ex->id, "%s", id);
    if (snprintf(ex->dir, sizeof ex->dir, "%s/%s", root, id) >= (int)sizeof ex->dir) {
        snprintf(err, errlen, "%s/%s: path too long", root, id);
        return -ENAMETOOLONG;
    }
    snprintf(ex->title, sizeof ex->title, "%s", id);
    ex->timeout_s = DEFAULT_TIMEOUT_S;
    ex->memory_mb = DEFAULT_MEMORY_MB;
    ex->lesson = ex->number;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/exercise.ini", ex->dir);
    int rc = apply_manifest(ex, path, 0, 1, err, errlen);
    /* Tests the manifest declared keep its order; the sources add the rest. */
    snprintf(path, sizeof path, "%s/tests", ex->dir);
    if (rc == 0) rc = add_test_dir(ex, path, 0);
    if (rc == 0 && ex->nsubmission == 0) {
        snprintf(err, errlen, "%s/exercise.ini: [exercise] names no submission files", ex->dir);
        rc = -EINVAL;
    }
    if (rc == 0) rc = check_tests(ex, err, errlen);
    if (rc == 0) rc = load_hints(ex);
    if (rc < 0 && !err[0]) snprintf(err, errlen, "%s: %s", ex->dir, strerror(-rc));
    return rc;
}

static int by_id(const void *a, const void *b) {
    return strcmp(((const al_exercise *)a)->id, ((const al_exercise *)b)->id);
}

int al_exercises_load(al_exercise **out, size_t *count, char *err, size_t errlen) {
    *out = NULL;
    *count = 0;
    err[0] = 0;
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s/exercises", al_grader_source_dir());
    DIR *d = opendir(root);
    if (!d) {
        snprintf(err, errlen, "%s: %s (set ASYNCLAB_SOURCE_DIR to the asynclab source tree)", root,
                 strerror(errno));
        return -ENOENT;
    }
    char **ids = NULL;
    size_t nids = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) && rc == 0) {
        if (!isdigit((unsigned char)e->d_name[0]) || !isdigit((unsigned char)e->d_name[1]) ||
            e->d_name[2] != '-')
            continue;
        char manifest[PATH_MAX + 300];
        snprintf(manifest, sizeof manifest, "%s/%s/exercise.ini", root, e->d_name);
        if (access(manifest, R_OK) == 0) rc = push_str(&ids, &nids, e->d_name);
    }
    closedir(d);
    al_exercise *all = rc == 0 && nids ? calloc(nids, sizeof *all) : NULL;
    if (rc == 0 && nids && !all) rc = -ENOMEM;
    size_t loaded = 0;
    for (size_t i = 0; i < nids && rc == 0; i++) {
        rc = load_one(&all[i], root, ids[i], err, errlen);
        if (rc < 0) free_exercise(&all[i]);
        else loaded++;
    }
    free_strs(ids, nids);
    if (rc < 0) {
        al_exercises_free(all, loaded);
        return rc;
    }
    if (loaded) qsort(all, loaded, sizeof *all, by_id);
    *out = all;
    *count = loaded;
    return 0;
}

void al_exercises_free(al_exercise *all, size_t count) {
    for (size_t i = 0; i < count; i++) free_exercise(&all[i]);
    free(all);
}

al_exercise *al_exercise_find(al_exercise *all, size_t count, const char *key) {
    char *end;
    long n = strtol(key, &end, 10);
    for (size_t i = 0; i < count; i++) {
        al_exercise *ex = &all[i];
        if (strcmp(ex->id, key) == 0) return ex;
        if (*key && !*end && n == ex->number) return ex;
        if (strlen(ex->id) > 3 && strcmp(ex->id + 3, key) == 0) return ex;
    }
    return NULL;
}

int al_exercise_add_hidden(al_exercise *ex, const char *dir, char *err, size_t errlen) {
    char sub[PATH_MAX];
    struct stat st;
    snprintf(sub, sizeof sub, "%s/%s", dir, ex->id);
    if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(sub, sizeof sub, "%s", dir);
        if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "--tests %s: not a directory", dir);
            return -ENOTDIR;
        }
    }
    char manifest[PATH_MAX + 16];
    snprintf(manifest, sizeof manifest, "%s/tests.ini", sub);
    int rc = 0;
    if (access(manifest, R_OK) == 0) rc = apply_manifest(ex, manifest, 1, 0, err, errlen);
    if (rc == 0) rc = add_test_dir(ex, sub, 1);
    if (rc == 0) rc = check_tests(ex, err, errlen);
    if (rc < 0 && !err[0]) snprintf(err, errlen, "--tests %s: %s", sub, strerror(-rc));
    return rc;
}

double al_exercise_max_points(const al_exercise *ex, int visible_only) {
    double total = 0;
    for (size_t i = 0; i < ex->ntests; i++)
        if (!visible_only || strcmp(ex->tests[i].visibility, "visible") == 0)
            total += ex->tests[i].points;
    return total;
}
