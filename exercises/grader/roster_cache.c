/* roster_cache.c — what a grade depends on, and the grades kept between
 * runs of `asynclab grade EX --roster DIR` (see roster.h).
 *
 * The hash is 64-bit FNV-1a: not a cryptographic hash, and it need not be.
 * It tells "this member's files and the exercise are what they were when the
 * kept grade was made"; a student able to forge a collision could only make
 * a new submission keep the grade of their own previous one.
 *
 * Files (tab-separated, one record a line; names hold no tab, see roster.c):
 *   OUT/roster-cache.tsv   "# asynclab roster cache 1", then per member
 *                          M <hash> <score> <max> <name>, and its rows
 *                          T <status> <score> <max> <test>
 *   a worker's answer      the same T lines, and R <score> <max> first */
#define _GNU_SOURCE
#include "roster.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_HEADER "# asynclab roster cache 1"
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define HASH_FILE_MAX (8 << 20)

static uint64_t mix(uint64_t h, const void *data, size_t len) {
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

static uint64_t mix_str(uint64_t h, const char *s) {
    return mix(h, s, strlen(s) + 1);   /* the NUL separates fields */
}

/* A file's content; never through a symbolic link, never a FIFO or device
 * (a submission's folder is not to be trusted). Missing and odd files mix
 * in a marker of their own. */
static uint64_t mix_file(uint64_t h, const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > HASH_FILE_MAX) {
        if (fd >= 0) close(fd);
        return mix_str(h, "\x01unreadable");
    }
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) h = mix(h, buf, (size_t)n);
    close(fd);
    return mix_str(h, "\x01end");
}

uint64_t al_roster_version_hash(const al_exercise *ex, const al_grader_opts *o) {
    uint64_t h = mix_str(FNV_OFFSET, "asynclab grade 1");
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/exercise.ini", ex->dir);
    h = mix_file(h, path);
    for (size_t i = 0; i < ex->ngiven; i++) h = mix_file(mix_str(h, ex->given[i]), ex->given[i]);
    for (size_t i = 0; i < ex->ntest_files; i++) h = mix_file(mix_str(h, ex->test_files[i]), ex->test_files[i]);
    for (size_t i = 0; i < ex->ntests; i++) {   /* points and visibility of hidden tests too */
        char spec[256];
        snprintf(spec, sizeof spec, "%s %g %d %s", ex->tests[i].name, ex->tests[i].points,
                 ex->tests[i].timeout_s, ex->tests[i].visibility);
        h = mix_str(h, spec);
    }
    static const char *const harness[] = {"harness/al_grade_main.c", "support/al_kit.h",
                                          "support/al_kit_net.c", "support/al_kit_http.c",
                                          "support/al_kit_proc.c", "support/al_proc_stat.h"};
    for (size_t i = 0; i < sizeof harness / sizeof harness[0]; i++) {
        snprintf(path, sizeof path, "%s/exercises/grader/%s", al_grader_source_dir(), harness[i]);
        h = mix_file(h, path);
    }
    char opts[64];
    snprintf(opts, sizeof opts, "sanitize=%d visible=%d", o->sanitize, o->visible_only);
    return mix_str(h, opts);
}

uint64_t al_roster_member_hash(const al_roster_member *m, const al_exercise *ex, uint64_t version) {
    /* Where in the member's folder, not where the roster is: a moved roster
     * keeps its grades. */
    uint64_t h = mix_str(version, m->src + strlen(m->folder));
    for (size_t i = 0; i < ex->nsubmission; i++) {
        char path[PATH_MAX * 2];
        snprintf(path, sizeof path, "%s/%s", m->src, ex->submission[i]);
        h = mix_file(mix_str(h, ex->submission[i]), path);
    }
    return h;
}

/* ---- rows -------------------------------------------------------------------- */

static int add_row(al_roster_member *m, const char *status, double score, double max,
                   const char *test) {
    al_roster_row *grown = realloc(m->rows, (m->nrows + 1) * sizeof *grown);
    if (!grown) return -ENOMEM;
    m->rows = grown;
    al_roster_row *row = &grown[m->nrows++];
    snprintf(row->test, sizeof row->test, "%s", test);
    snprintf(row->status, sizeof row->status, "%s", status);
    row->score = score;
    row->max_score = max;
    return 0;
}

void al_roster_member_error(al_roster_member *m, const al_exercise *ex, const char *why) {
    al_roster_member_clear(m);
    if (why != m->problem) snprintf(m->problem, sizeof m->problem, "%s", why);
    m->max_score = al_exercise_max_points(ex, 0);
    add_row(m, "ERROR", 0, m->max_score, "-");
    m->graded = 1;
}

/* Parse "T status score max test" (fields split on tabs, in place). */
static int parse_row(char *line, al_roster_member *m) {
    char *f[5];
    for (int i = 0; i < 5; i++) {
        f[i] = strsep(&line, "\t");
        if (!f[i]) return -EINVAL;
    }
    if (strcmp(f[0], "T") != 0 || line) return -EINVAL;
    char *e1, *e2;
    double score = strtod(f[2], &e1), max = strtod(f[3], &e2);
    if (*e1 || *e2 || !*f[1] || !*f[4]) return -EINVAL;
    return add_row(m, f[1], score, max, f[4]);
}

/* ---- a worker's answer --------------------------------------------------------- */

int al_roster_result_write(const char *path, const al_exercise_result *res, char *err, size_t errlen) {
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "we");
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -errno;
    }
    fprintf(f, "R\t%.17g\t%.17g\n", res->score, res->max_score);
    for (size_t i = 0; i < res->ntests; i++) {
        const al_test_result *t = &res->tests[i];
        fprintf(f, "T\t%s\t%.17g\t%.17g\t%s\n", al_grade_status_name(t->status), t->score,
                t->spec->points, t->spec->name);
    }
    return al_roster_close_tmp(f, tmp, path, err, errlen);
}

int al_roster_result_read(const char *path, al_roster_member *m, char *err, size_t errlen) {
    al_roster_member_clear(m);
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -errno;
    }
    char line[512];
    int rc = 0, head = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!head) {
            head = sscanf(line, "R\t%lf\t%lf", &m->score, &m->max_score) == 2;
            if (!head) rc = -EINVAL;
        } else {
            rc = parse_row(line, m);
        }
    }
    fclose(f);
    if (rc == 0 && !head) rc = -EINVAL;
    if (rc < 0) {
        snprintf(err, errlen, "%s: a damaged answer from the worker", path);
        al_roster_member_clear(m);
        return rc;
    }
    m->graded = 1;
    return 0;
}

/* ---- the cache ------------------------------------------------------------------- */

static al_roster_member *find_member(al_roster *r, const char *name) {
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->members[i].name, name) == 0) return &r->members[i];
    return NULL;
}

/* "M hash score max name": the member it names if its hash still matches. */
static al_roster_member *parse_member(al_roster *r, char *line, int *bad) {
    char *f[5];
    for (int i = 0; i < 5; i++) {
        f[i] = strsep(&line, "\t");
        if (!f[i]) {
            *bad = 1;
            return NULL;
        }
    }
    char *e1, *e2, *e3;
    uint64_t hash = strtoull(f[1], &e1, 16);
    double score = strtod(f[2], &e2), max = strtod(f[3], &e3);
    if (*e1 || *e2 || *e3 || line) {
        *bad = 1;
        return NULL;
    }
    al_roster_member *m = find_member(r, f[4]);
    if (!m || m->hash != hash || m->problem[0]) return NULL;
    al_roster_member_clear(m);
    m->score = score;
    m->max_score = max;
    m->graded = 1;
    return m;
}

int al_roster_cache_load(al_roster *r, const char *out_dir, char *err, size_t errlen) {
    err[0] = 0;
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", out_dir, AL_ROSTER_CACHE);
    FILE *f = fopen(path, "re");
    if (!f) {
        if (errno != ENOENT) snprintf(err, errlen, "%s: %s (grading everyone)", path, strerror(errno));
        return 0;
    }
    char line[1024];
    int bad = !fgets(line, sizeof line, f) || strncmp(line, CACHE_HEADER, strlen(CACHE_HEADER)) != 0;
    al_roster_member *cur = NULL;
    unsigned lineno = 1;
    while (!bad && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\n")] = 0;
        if (line[0] == 'M') cur = parse_member(r, line, &bad);
        else if (line[0] == 'T') bad = cur && parse_row(line, cur) < 0;
        else bad = 1;
    }
    fclose(f);
    if (bad) {
        for (size_t i = 0; i < r->n; i++) al_roster_member_clear(&r->members[i]);
        snprintf(err, errlen, "%s: damaged at line %u; grading everyone again", path, lineno);
    }
    return 0;
}

int al_roster_cache_save(const al_roster *r, const char *out_dir, char *err, size_t errlen) {
    char path[PATH_MAX + 64], tmp[PATH_MAX + 80];
    snprintf(path, sizeof path, "%s/%s", out_dir, AL_ROSTER_CACHE);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "we");
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -errno;
    }
    fprintf(f, "%s\n", CACHE_HEADER);
    for (size_t i = 0; i < r->n; i++) {
        const al_roster_member *m = &r->members[i];
        /* An error is the grader's, or a roster's problem: try again next time. */
        if (!m->graded || m->problem[0] || m->solo_pending) continue;
        fprintf(f, "M\t%016" PRIx64 "\t%.17g\t%.17g\t%s\n", m->hash, m->score, m->max_score, m->name);
        for (size_t k = 0; k < m->nrows; k++)
            fprintf(f, "T\t%s\t%.17g\t%.17g\t%s\n", m->rows[k].status, m->rows[k].score,
                    m->rows[k].max_score, m->rows[k].test);
    }
    return al_roster_close_tmp(f, tmp, path, err, errlen);
}
