/* roster.c — who is in a roster folder, and where each one's submission is
 * (see roster.h for the layouts recognised). */
#define _GNU_SOURCE
#include "roster.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "find_src.h"
#include "sandbox.h"

#define METADATA "submission_metadata.yml"

const char *al_roster_layout_name(al_roster_layout l) {
    switch (l) {
    case AL_ROSTER_GRADESCOPE: return "Gradescope export";
    case AL_ROSTER_CLASSROOM: return "GitHub Classroom";
    case AL_ROSTER_PLAIN: break;
    }
    return "one folder per student";
}

static int is_dir(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int exists_nofollow(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Printable, one line, no tabs: names go into TSV, CSV and a terminal. */
static void clean_name(char *s) {
    al_text_sanitize(s, strlen(s));
    for (char *p = s; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r') *p = ' ';
}

static char skip_real[PATH_MAX];   /* al_roster_load's `skip`, resolved */

/* Breadth first (find_src.h): the shallowest folder holding `file` wins;
 * two at that depth cannot be told apart. */
static void find_src(al_roster_member *m, const char *file) {
    char problem[sizeof m->problem];
    if (al_find_submission(m->folder, file, skip_real, m->src, sizeof m->src, problem,
                           sizeof problem) == -2)
        snprintf(m->problem, sizeof m->problem, "%s", problem);
}

/* ---- Gradescope's submission_metadata.yml ---------------------------------- */

/* A YAML scalar as Gradescope writes them: plain, 'single' ('' is a quote)
 * or "double" (backslash escapes). */
static void unquote(char *v) {
    size_t len = strlen(v);
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\r')) v[--len] = 0;
    if (len >= 2 && v[0] == '\'' && v[len - 1] == '\'') {
        char *w = v;
        for (size_t i = 1; i + 1 < len; i++) {
            *w++ = v[i];
            if (v[i] == '\'' && v[i + 1] == '\'') i++;
        }
        *w = 0;
    } else if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
        char *w = v;
        for (size_t i = 1; i + 1 < len; i++) {
            if (v[i] == '\\' && i + 2 < len) i++;
            *w++ = v[i];
        }
        *w = 0;
    }
}

static void append_name(char *names, size_t size, const char *name) {
    size_t len = strlen(names);
    snprintf(names + len, size - len, "%s%s", len ? " + " : "", name);
}

/* Fill the names of members whose folder is a key of the metadata file:
 * every ":name:" (else ":sid:") under the submission's ":submitters:". */
static void read_metadata(const char *path, al_roster_member *ms, size_t n) {
    FILE *f = fopen(path, "re");
    if (!f) return;
    char line[1024];
    al_roster_member *cur = NULL;
    char names[160] = "", sids[160] = "";
    int in_submitters = 0;
    size_t sub_indent = 0;
    for (;;) {
        int more = fgets(line, sizeof line, f) != NULL;
        line[strcspn(line, "\n")] = 0;
        size_t indent = strspn(line, " ");
        char *p = line + indent;
        if (!more || (indent == 0 && *p && *p != '#')) {
            if (cur) snprintf(cur->name, sizeof cur->name, "%s", names[0] ? names : sids);
            if (!more) break;
            cur = NULL;
            names[0] = sids[0] = 0;
            in_submitters = 0;
            char *colon = strrchr(p, ':');
            if (!colon) continue;
            *colon = 0;
            unquote(p);
            for (size_t i = 0; i < n; i++)
                if (strcmp(strrchr(ms[i].folder, '/') + 1, p) == 0) cur = &ms[i];
            continue;
        }
        if (!cur || !*p) continue;
        if (strncmp(p, ":submitters:", 12) == 0) {
            in_submitters = 1;
            sub_indent = indent;
            continue;
        }
        if (in_submitters && indent <= sub_indent && strncmp(p, "- ", 2) != 0) in_submitters = 0;
        if (!in_submitters) continue;
        if (strncmp(p, "- ", 2) == 0) p += 2;
        p += strspn(p, " ");
        if (strncmp(p, ":name:", 6) == 0 || strncmp(p, ":sid:", 5) == 0) {
            int is_name = p[1] == 'n';
            p += is_name ? 6 : 5;
            p += strspn(p, " ");
            unquote(p);
            if (*p) append_name(is_name ? names : sids, sizeof names, p);
        }
    }
    fclose(f);
}

/* ---- the roster ---------------------------------------------------------------- */

/* GitHub Classroom names every repository ASSIGNMENT-USERNAME: the longest
 * prefix, ending in '-', that every folder shares. */
static size_t classroom_prefix(char **names, size_t n) {
    if (n < 2) return 0;
    size_t common = strlen(names[0]);
    for (size_t i = 1; i < n; i++) {
        size_t k = 0;
        while (k < common && names[i][k] == names[0][k]) k++;
        common = k;
    }
    while (common && names[0][common - 1] != '-') common--;
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) <= common) return 0;   /* a folder that is only the prefix */
    return common;
}

static int all_git(const char *dir, char **names, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char probe[PATH_MAX * 2];
        snprintf(probe, sizeof probe, "%s/%s/.git", dir, names[i]);
        if (!exists_nofollow(probe)) return 0;
    }
    return n > 0;
}

/* Two members with one name (a student who submitted twice, two namesakes)
 * are told apart by their folder. */
static void unique_names(al_roster_member *ms, size_t n) {
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (strcmp(ms[i].name, ms[k].name) == 0) {
                char with[sizeof ms[k].name];
                if (snprintf(with, sizeof with, "%s (%s)", ms[k].name, strrchr(ms[k].folder, '/') + 1) < 0)
                    continue;   /* a long name is cut: it still differs by its start */
                memcpy(ms[k].name, with, sizeof with);
            }
}

static int by_member_name(const void *a, const void *b) {
    return strcmp(((const al_roster_member *)a)->name, ((const al_roster_member *)b)->name);
}

int al_roster_load(al_roster *r, const char *dir, const al_exercise *ex, const char *skip, char *err,
                   size_t errlen) {
    memset(r, 0, sizeof *r);
    if (!skip || !realpath(skip, skip_real)) skip_real[0] = 0;
    if (!is_dir(dir)) {
        snprintf(err, errlen, "--roster %s: not a folder", dir);
        return -ENOTDIR;
    }
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    size_t n;
    char **names = al_subfolders(r->dir, skip_real, &n);
    char meta[PATH_MAX * 2];
    snprintf(meta, sizeof meta, "%s/%s", r->dir, METADATA);
    if (!exists_nofollow(meta) && n == 1) {   /* assignment_NNN_export/ */
        snprintf(meta, sizeof meta, "%s/%s/%s", dir, names[0], METADATA);
        if (exists_nofollow(meta)) {
            snprintf(r->dir, sizeof r->dir, "%s/%s", dir, names[0]);
            al_free_names(names, n);
            names = al_subfolders(r->dir, skip_real, &n);
        }
    }
    if (exists_nofollow(meta)) r->layout = AL_ROSTER_GRADESCOPE;
    size_t prefix = 0;
    if (r->layout == AL_ROSTER_PLAIN && all_git(r->dir, names, n) && (prefix = classroom_prefix(names, n)))
        r->layout = AL_ROSTER_CLASSROOM;
    if (n == 0) {
        al_free_names(names, n);
        snprintf(err, errlen, "--roster %s: no submission folders in it", dir);
        return -ENOENT;
    }
    r->members = calloc(n, sizeof *r->members);
    if (!r->members) {
        al_free_names(names, n);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        al_roster_member *m = &r->members[i];
        if (snprintf(m->folder, sizeof m->folder, "%s/%s", r->dir, names[i]) >= (int)sizeof m->folder)
            snprintf(m->problem, sizeof m->problem, "the folder's path is too long");
        snprintf(m->name, sizeof m->name, "%s", names[i] + prefix);
        find_src(m, ex->submission[0]);
    }
    r->n = n;
    al_free_names(names, n);
    if (r->layout == AL_ROSTER_GRADESCOPE) {
        read_metadata(meta, r->members, r->n);
        for (size_t i = 0; i < r->n; i++)
            if (!r->members[i].name[0])
                snprintf(r->members[i].name, sizeof r->members[i].name, "%s",
                         strrchr(r->members[i].folder, '/') + 1);
    }
    for (size_t i = 0; i < r->n; i++) clean_name(r->members[i].name);
    qsort(r->members, r->n, sizeof *r->members, by_member_name);
    unique_names(r->members, r->n);
    return 0;
}

void al_roster_member_clear(al_roster_member *m) {
    free(m->rows);
    m->rows = NULL;
    m->nrows = 0;
    m->graded = 0;
    m->score = m->max_score = 0;
}

void al_roster_free(al_roster *r) {
    for (size_t i = 0; i < r->n; i++) al_roster_member_clear(&r->members[i]);
    free(r->members);
    memset(r, 0, sizeof *r);
}
