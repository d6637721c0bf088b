/* report.c — the grade as a person reads it: one row per test, what went
 * wrong under each failing row, the score, and the closing "N passed,
 * N failed" line (see grader.h). */
#define _GNU_SOURCE
#include "grader.h"

#include <stdio.h>
#include <string.h>

#define OUTPUT_LINES 12   /* of a failing test's output, the last ones */

/* Print each line of text with a prefix; \r is dropped (a program's CRLF
 * would otherwise move the cursor). */
static void print_lines(FILE *out, const char *prefix, const char *text, size_t max_lines,
                        int from_end) {
    size_t total = 0;
    for (const char *p = text; *p; p++)
        if (*p == '\n') total++;
    if (*text && text[strlen(text) - 1] != '\n') total++;
    size_t skip = from_end && total > max_lines ? total - max_lines : 0;
    if (skip) fprintf(out, "%s[... %zu earlier lines ...]\n", prefix, skip);
    size_t line = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (line >= skip && line - skip < max_lines) {
            fputs(prefix, out);
            for (size_t i = 0; i < len; i++)
                if (p[i] != '\r') fputc(p[i], out);
            fputc('\n', out);
        }
        line++;
        p += len + (nl ? 1 : 0);
    }
    if (!from_end && total > max_lines) fprintf(out, "%s[... %zu more lines ...]\n", prefix, total - max_lines);
}

void al_report_exercise(FILE *out, const al_exercise_result *r, int verbose) {
    const al_exercise *ex = r->ex;
    fprintf(out, "\nExercise %d: %s  (%s)\n", ex->number, ex->title, ex->id);
    fprintf(out, "submission: %s\n", r->src);
    if (!r->compiled) {
        fprintf(out, "\nthe submission did not compile; the compiler said:\n");
        print_lines(out, "  | ", r->compile_output ? r->compile_output : "", 40, 0);
        fputc('\n', out);
    } else if (r->compile_output && *r->compile_output) {
        fprintf(out, "the compiler warns:\n");
        print_lines(out, "  | ", r->compile_output, verbose ? 200 : 20, 0);
    }
    fprintf(out, "\n  %-6s %-34s %9s  %s\n", "#", "test", "points", "result");
    for (size_t i = 0; i < r->ntests; i++) {
        const al_test_result *t = &r->tests[i];
        char points[32];
        snprintf(points, sizeof points, "%g / %g", t->score, t->spec->points);
        fprintf(out, "  %-6s %-34s %9s  %s%s\n", t->number, t->spec->name, points,
                al_grade_status_name(t->status),
                strcmp(t->spec->visibility, "visible") ? "  (hidden test)" : "");
        if (t->status == AL_GRADE_PASS || !r->compiled) continue;
        if (t->feedback && *t->feedback) print_lines(out, "           ", t->feedback, 16, 0);
        if (t->output && *t->output) {
            fprintf(out, "           output:\n");
            print_lines(out, "           | ", t->output, verbose ? 200 : OUTPUT_LINES, 1);
        }
    }
    fprintf(out, "\n  score: %g / %g", r->score, r->max_score);
    if (ex->baseline > 0) fprintf(out, "   (the untouched starter scores %g)", ex->baseline);
    fprintf(out, "   %.1f s\n", r->seconds);
}

void al_report_counts(const al_exercise_result *rs, size_t n, size_t *passed, size_t *failed) {
    *passed = *failed = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < rs[i].ntests; k++) {
            if (rs[i].tests[k].status == AL_GRADE_PASS) (*passed)++;
            else (*failed)++;
        }
}

void al_report_totals(FILE *out, const al_exercise_result *rs, size_t n) {
    size_t passed, failed;
    al_report_counts(rs, n, &passed, &failed);
    if (n > 1) {
        double score = 0, max = 0;
        for (size_t i = 0; i < n; i++) {
            score += rs[i].score;
            max += rs[i].max_score;
        }
        fprintf(out, "\ntotal: %g / %g over %zu exercises\n", score, max, n);
    }
    fprintf(out, "%zu passed, %zu failed\n", passed, failed);
}
