/* roster_report.c — a class's grades as files and as a summary (see
 * roster.h): class.csv, totals.csv and summary.txt in the output folder.
 *
 * The summary is for the teacher after the run: each student's total, how
 * the scores spread, and every test's pass rate with the hardest first,
 * which is what the class did not understand. */
#define _GNU_SOURCE
#include "roster.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUCKETS 10

/* RFC 4180: quote a field that holds a comma, a quote or a line break. */
static void csv_field(FILE *f, const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

typedef struct test_rate {
    char name[AL_GRADER_NAME_MAX];
    size_t passed, total;
} test_rate;

static int hardest_first(const void *a, const void *b) {
    const test_rate *x = a, *y = b;
    double rx = x->total ? (double)x->passed / (double)x->total : 0;
    double ry = y->total ? (double)y->passed / (double)y->total : 0;
    if (rx != ry) return rx < ry ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void summary(FILE *f, const al_roster *r, const al_exercise *ex) {
    size_t graded = 0, errors = 0, hist[BUCKETS + 1] = {0};
    double max = al_exercise_max_points(ex, 0), sum = 0;
    fprintf(f, "%s: %s, %s (%zu folders)\n\n", ex->id, r->dir, al_roster_layout_name(r->layout), r->n);
    fprintf(f, "  %-40s %9s\n", "student", "score");
    for (size_t i = 0; i < r->n; i++) {
        const al_roster_member *m = &r->members[i];
        if (!m->graded) continue;
        graded++;
        if (m->problem[0]) {
            errors++;
            fprintf(f, "  %-40s %9s  not graded: %s\n", m->name, "-", m->problem);
            continue;
        }
        sum += m->score;
        fprintf(f, "  %-40s %4g / %g\n", m->name, m->score, m->max_score);
        int b = m->max_score > 0 ? (int)(m->score / m->max_score * BUCKETS) : 0;
        hist[b < 0 ? 0 : b > BUCKETS ? BUCKETS : b]++;
    }
    size_t scored = graded - errors;
    fprintf(f, "\n%zu of %zu graded", graded, r->n);
    if (errors) fprintf(f, " (%zu could not be: see above)", errors);
    if (scored) fprintf(f, "; mean %.1f of %g", sum / (double)scored, max);
    fprintf(f, "\n\nscore distribution (share of the points)\n");
    for (int b = BUCKETS; b >= 0 && scored; b--) {
        if (b == BUCKETS) fprintf(f, "  %9s ", "100%");
        else fprintf(f, "  %3d-%3d%% ", b * 100 / BUCKETS, (b + 1) * 100 / BUCKETS - 1);
        fprintf(f, "%4zu ", hist[b]);
        for (size_t k = 0; k < hist[b] && k < 60; k++) fputc('#', f);
        fputc('\n', f);
    }
    test_rate *rates = calloc(ex->ntests ? ex->ntests : 1, sizeof *rates);
    if (!rates) return;
    for (size_t t = 0; t < ex->ntests; t++) {
        snprintf(rates[t].name, sizeof rates[t].name, "%s", ex->tests[t].name);
        for (size_t i = 0; i < r->n; i++)
            for (size_t k = 0; k < r->members[i].nrows; k++)
                if (strcmp(r->members[i].rows[k].test, rates[t].name) == 0) {
                    rates[t].total++;
                    rates[t].passed += strcmp(r->members[i].rows[k].status, "PASS") == 0;
                }
    }
    qsort(rates, ex->ntests, sizeof *rates, hardest_first);
    fprintf(f, "\npass rate per test, hardest first\n");
    for (size_t t = 0; t < ex->ntests; t++)
        if (rates[t].total)
            fprintf(f, "  %-32s %4.0f%%  (%zu of %zu)\n", rates[t].name,
                    100.0 * (double)rates[t].passed / (double)rates[t].total, rates[t].passed,
                    rates[t].total);
    free(rates);
}

static FILE *open_tmp(const char *dir, const char *name, char *path, char *tmp, size_t size) {
    snprintf(path, size, "%s/%s", dir, name);
    snprintf(tmp, size, "%s/.%s.tmp", dir, name);
    return fopen(tmp, "we");
}

int al_roster_close_tmp(FILE *f, const char *tmp, const char *path, char *err, size_t errlen) {
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        int e = errno ? errno : EIO;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        unlink(tmp);
        return -e;
    }
    return 0;
}

int al_roster_write_reports(const al_roster *r, const al_exercise *ex, const char *out_dir, FILE *out,
                            char *err, size_t errlen) {
    char path[PATH_MAX + 64], tmp[PATH_MAX + 64];
    FILE *f = open_tmp(out_dir, "class.csv", path, tmp, sizeof path);
    if (!f) goto fail;
    fprintf(f, "student,test,status,score,max_score\n");
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; r->members[i].graded && k < r->members[i].nrows; k++) {
            const al_roster_row *row = &r->members[i].rows[k];
            csv_field(f, r->members[i].name);
            fputc(',', f);
            csv_field(f, row->test);
            fprintf(f, ",%s,%g,%g\n", row->status, row->score, row->max_score);
        }
    int rc = al_roster_close_tmp(f, tmp, path, err, errlen);
    if (rc < 0) return rc;

    if (!(f = open_tmp(out_dir, "totals.csv", path, tmp, sizeof path))) goto fail;
    fprintf(f, "student,score,max_score,problem\n");
    for (size_t i = 0; i < r->n; i++) {
        const al_roster_member *m = &r->members[i];
        if (!m->graded) continue;
        csv_field(f, m->name);
        fprintf(f, ",%g,%g,", m->score, m->max_score);
        csv_field(f, m->problem);
        fputc('\n', f);
    }
    if ((rc = al_roster_close_tmp(f, tmp, path, err, errlen)) < 0) return rc;

    if (!(f = open_tmp(out_dir, "summary.txt", path, tmp, sizeof path))) goto fail;
    summary(f, r, ex);
    if ((rc = al_roster_close_tmp(f, tmp, path, err, errlen)) < 0) return rc;
    if (out) summary(out, r, ex);
    return 0;
fail:
    snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
    return -errno;
}
