/* progress.c — the student's progress file (see progress.h). */
#define _GNU_SOURCE
#include "progress.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILE (1 << 20)

int al_progress_path(char *out, size_t size) {
    const char *explicit_path = getenv("ASYNCLAB_PROGRESS");
    if (explicit_path && *explicit_path) {
        snprintf(out, size, "%s", explicit_path);
        return 0;
    }
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg == '/') {
        snprintf(out, size, "%s/asynclab/progress.json", xdg);
        return 0;
    }
    const char *home = getenv("HOME");
    if (!home || !*home) return -ENOENT;
    snprintf(out, size, "%s/.local/share/asynclab/progress.json", home);
    return 0;
}

/* mkdir -p of the file's directory. */
static int make_parents(const char *path) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return 0;
    *slash = 0;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) return -errno;
        *p = '/';
    }
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) return -errno;
    return 0;
}

al_progress_entry *al_progress_entry_get(al_progress *p, const char *id) {
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->entries[i].id, id) == 0) return &p->entries[i];
    al_progress_entry *grown = realloc(p->entries, (p->count + 1) * sizeof *grown);
    if (!grown) return NULL;
    p->entries = grown;
    al_progress_entry *e = &p->entries[p->count++];
    memset(e, 0, sizeof *e);
    snprintf(e->id, sizeof e->id, "%s", id);
    e->best = -1;
    return e;
}

void al_progress_open_lesson(al_progress *p, int lesson) {
    if (lesson > 0 && lesson < AL_PROGRESS_MAX_LESSONS) p->lessons[lesson] = 1;
}

int al_progress_record_score(al_progress *p, const char *id, double score, double max) {
    al_progress_entry *e = al_progress_entry_get(p, id);
    if (!e) return 0;
    e->max = max;
    if (score <= e->best) return 0;
    e->best = score;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(e->graded, sizeof e->graded, "%Y-%m-%d %H:%M", &tm);
    return 1;
}

/* Fill p from the parsed JSON; -1 (and why) when its shape is wrong. */
static int from_json(al_progress *p, const cJSON *root, const char **why) {
    if (!cJSON_IsObject(root)) return *why = "not a JSON object", -1;
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsNumber(version) || version->valueint != 1)
        return *why = "\"version\" is not 1", -1;
    const cJSON *lessons = cJSON_GetObjectItemCaseSensitive(root, "lessons_opened");
    if (lessons && !cJSON_IsArray(lessons)) return *why = "\"lessons_opened\" is not an array", -1;
    const cJSON *item;
    cJSON_ArrayForEach(item, lessons) {
        if (!cJSON_IsNumber(item)) return *why = "a lesson number is not a number", -1;
        al_progress_open_lesson(p, item->valueint);
    }
    const cJSON *exercises = cJSON_GetObjectItemCaseSensitive(root, "exercises");
    if (exercises && !cJSON_IsObject(exercises)) return *why = "\"exercises\" is not an object", -1;
    cJSON_ArrayForEach(item, exercises) {
        if (!cJSON_IsObject(item) || !item->string) return *why = "an exercise entry is not an object", -1;
        const cJSON *best = cJSON_GetObjectItemCaseSensitive(item, "best");
        const cJSON *max = cJSON_GetObjectItemCaseSensitive(item, "max");
        const cJSON *hints = cJSON_GetObjectItemCaseSensitive(item, "hints");
        const cJSON *graded = cJSON_GetObjectItemCaseSensitive(item, "graded");
        if ((best && !cJSON_IsNumber(best)) || (max && !cJSON_IsNumber(max)) ||
            (hints && !cJSON_IsNumber(hints)) || (graded && !cJSON_IsString(graded)))
            return *why = "an exercise entry has a field of the wrong type", -1;
        al_progress_entry *e = al_progress_entry_get(p, item->string);
        if (!e) return *why = "out of memory", -1;
        e->best = best ? best->valuedouble : -1;
        e->max = max ? max->valuedouble : 0;
        e->hints = hints && hints->valueint > 0 ? hints->valueint : 0;
        if (graded) snprintf(e->graded, sizeof e->graded, "%s", graded->valuestring);
    }
    return 0;
}

int al_progress_load(al_progress *p, char *warn, size_t warnlen) {
    memset(p, 0, sizeof *p);
    warn[0] = 0;
    if (al_progress_path(p->path, sizeof p->path) < 0) {
        snprintf(warn, warnlen, "neither XDG_DATA_HOME nor HOME is set: progress is not kept");
        return 0;
    }
    FILE *f = fopen(p->path, "re");
    if (!f) return errno == ENOENT ? 0 : (snprintf(warn, warnlen, "%s: %s", p->path, strerror(errno)), 0);
    char *text = malloc(MAX_FILE + 1);
    size_t n = text ? fread(text, 1, MAX_FILE + 1, f) : 0;
    fclose(f);
    if (!text) return -ENOMEM;
    const char *why = NULL;
    if (n > MAX_FILE) {
        why = "larger than 1 MiB";
    } else {
        cJSON *root = cJSON_ParseWithLength(text, n);
        if (!root) why = n == 0 ? "empty" : "not valid JSON";
        else if (from_json(p, root, &why) < 0) {
            free(p->entries);
            p->entries = NULL;
            p->count = 0;
            memset(p->lessons, 0, sizeof p->lessons);
        }
        cJSON_Delete(root);
    }
    free(text);
    if (why) {
        char aside[PATH_MAX + 16];
        snprintf(aside, sizeof aside, "%s.corrupt", p->path);
        int moved = rename(p->path, aside) == 0;
        snprintf(warn, warnlen, "%s is not a valid progress file (%s); starting fresh%s%s%s", p->path,
                 why, moved ? " (the old file is kept as " : "", moved ? aside : "", moved ? ")" : "");
    }
    return 0;
}

int al_progress_save(const al_progress *p, char *err, size_t errlen) {
    if (!p->path[0]) return 0;
    cJSON *root = cJSON_CreateObject();
    if (!root) return -ENOMEM;
    cJSON_AddNumberToObject(root, "version", 1);
    cJSON *lessons = cJSON_AddArrayToObject(root, "lessons_opened");
    for (int i = 0; i < AL_PROGRESS_MAX_LESSONS; i++)
        if (p->lessons[i]) cJSON_AddItemToArray(lessons, cJSON_CreateNumber(i));
    cJSON *exercises = cJSON_AddObjectToObject(root, "exercises");
    for (size_t i = 0; i < p->count; i++) {
        const al_progress_entry *e = &p->entries[i];
        cJSON *j = cJSON_AddObjectToObject(exercises, e->id);
        if (!j) continue;
        if (e->best >= 0) cJSON_AddNumberToObject(j, "best", e->best);
        cJSON_AddNumberToObject(j, "max", e->max);
        cJSON_AddNumberToObject(j, "hints", e->hints);
        if (e->graded[0]) cJSON_AddStringToObject(j, "graded", e->graded);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) return -ENOMEM;
    int rc = make_parents(p->path);
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", p->path, (int)getpid());
    int fd = rc < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = rc < 0 ? rc : -errno;
        snprintf(err, errlen, "%s: %s", rc < 0 && fd < 0 ? p->path : tmp, strerror(-rc));
        free(text);
        return rc;
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            rc = -errno;
            break;
        }
        off += (size_t)w;
    }
    free(text);
    if (rc == 0 && (write(fd, "\n", 1) != 1 || fsync(fd) < 0)) rc = errno ? -errno : -EIO;
    if (close(fd) < 0 && rc == 0) rc = -errno;
    if (rc == 0 && rename(tmp, p->path) < 0) rc = -errno;
    if (rc < 0) {
        unlink(tmp);
        snprintf(err, errlen, "%s: %s", p->path, strerror(-rc));
    }
    return rc;
}

void al_progress_free(al_progress *p) {
    free(p->entries);
    p->entries = NULL;
    p->count = 0;
}

void al_progress_note_lesson(int lesson) {
    al_progress p;
    char msg[PATH_MAX + 200];
    if (al_progress_load(&p, msg, sizeof msg) < 0) return;
    if (msg[0]) fprintf(stderr, "asynclab: %s\n", msg);
    al_progress_open_lesson(&p, lesson);
    if (al_progress_save(&p, msg, sizeof msg) < 0)
        fprintf(stderr, "asynclab: cannot save progress: %s\n", msg);
    al_progress_free(&p);
}
