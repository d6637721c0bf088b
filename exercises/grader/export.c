/* export.c — the grade as other programs read it (see grader.h):
 *
 *   results.json  Gradescope's autograder format: top-level score,
 *                 execution_time, output, visibility, tests[] with name,
 *                 number, score, max_score, status ("passed"/"failed"),
 *                 output, visibility, tags; or, when the machine cannot run
 *                 the exercise, no test and an output that says so
 *   JUnit XML     one <testsuite> per exercise; a FAIL is a <failure>,
 *                 a CRASH or TIMEOUT an <error>, a test that did not
 *                 compile is <skipped>
 *   CSV           one row per test (RFC 4180 quoting)
 *
 * Every file is written to PATH.tmp and renamed into place, so a reader
 * never sees half a report. Text has been made valid UTF-8 without control
 * characters by the sandbox, so it goes into JSON and XML as it is. */
#define _GNU_SOURCE
#include "grader.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *open_tmp(const char *path, char *tmp, size_t size, char *err, size_t errlen) {
    snprintf(tmp, size, "%s.tmp", path);
    FILE *f = fopen(tmp, "we");
    if (!f) snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
    return f;
}

static int close_tmp(FILE *f, const char *tmp, const char *path, char *err, size_t errlen) {
    int bad = ferror(f);
    if (fclose(f) != 0) bad = 1;
    if (bad || rename(tmp, path) != 0) {
        int e = errno ? errno : EIO;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        unlink(tmp);
        return -e;
    }
    return 0;
}

/* Print root (and free it) to path, whole or not at all. */
static int write_json(cJSON *root, const char *path, char *err, size_t errlen) {
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    char tmp[PATH_MAX + 8];
    FILE *f = open_tmp(path, tmp, sizeof tmp, err, errlen);
    if (!f) {
        free(text);
        return -errno;
    }
    fputs(text, f);
    fputc('\n', f);
    free(text);
    return close_tmp(f, tmp, path, err, errlen);
}

/* The feedback, then what the program printed, as one text. */
static char *test_text(const al_test_result *t) {
    char *s = NULL;
    const char *fb = t->feedback ? t->feedback : "";
    const char *out = t->output ? t->output : "";
    if (t->status != AL_GRADE_PASS && *out) {
        size_t len = strlen(fb);
        const char *sep = len && fb[len - 1] != '\n' ? "\n" : "";
        if (asprintf(&s, "%s%s--- output ---\n%s", fb, sep, out) < 0) s = NULL;
    } else {
        s = strdup(fb);
    }
    return s;
}

int al_export_json(const char *path, const al_exercise_result *rs, size_t n, double seconds,
                   char *err, size_t errlen) {
    cJSON *root = cJSON_CreateObject();
    cJSON *tests = cJSON_CreateArray();
    if (!root || !tests) {
        cJSON_Delete(root);
        cJSON_Delete(tests);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    double score = 0, max = 0;
    size_t passed, failed;
    al_report_counts(rs, n, &passed, &failed);
    char *output = NULL;
    size_t output_len = 0;
    FILE *o = open_memstream(&output, &output_len);
    for (size_t i = 0; i < n; i++) {
        const al_exercise_result *r = &rs[i];
        score += r->score;
        max += r->max_score;
        if (o) {
            fprintf(o, "Exercise %d (%s): %g / %g\n", r->ex->number, r->ex->id, r->score, r->max_score);
            if (!r->compiled)
                fprintf(o, "The submission did not compile:\n%s\n",
                        r->compile_output ? r->compile_output : "");
        }
        for (size_t k = 0; k < r->ntests; k++) {
            const al_test_result *t = &r->tests[k];
            cJSON *j = cJSON_CreateObject();
            char name[160];
            snprintf(name, sizeof name, "%s: %s", r->ex->id, t->spec->name);
            char *text = test_text(t);
            cJSON_AddStringToObject(j, "name", name);
            cJSON_AddStringToObject(j, "number", t->number);
            cJSON_AddNumberToObject(j, "score", t->score);
            cJSON_AddNumberToObject(j, "max_score", t->spec->points);
            cJSON_AddStringToObject(j, "status", t->status == AL_GRADE_PASS ? "passed" : "failed");
            cJSON_AddStringToObject(j, "output", text ? text : "");
            cJSON_AddStringToObject(j, "visibility", t->spec->visibility);
            cJSON *tags = cJSON_AddArrayToObject(j, "tags");
            cJSON_AddItemToArray(tags, cJSON_CreateString(r->ex->id));
            cJSON_AddItemToArray(tags, cJSON_CreateString(al_grade_status_name(t->status)));
            cJSON *extra = cJSON_AddObjectToObject(j, "extra_data");
            cJSON_AddStringToObject(extra, "result", al_grade_status_name(t->status));
            cJSON_AddNumberToObject(extra, "seconds", t->seconds);
            cJSON_AddItemToArray(tests, j);
            free(text);
        }
    }
    if (o) {
        fprintf(o, "%zu passed, %zu failed\n", passed, failed);
        fclose(o);
    }
    cJSON_AddNumberToObject(root, "score", score);
    cJSON_AddNumberToObject(root, "execution_time", seconds);
    cJSON_AddStringToObject(root, "output", output ? output : "");
    cJSON_AddStringToObject(root, "visibility", "visible");
    cJSON_AddStringToObject(root, "stdout_visibility", "hidden");
    cJSON *extra = cJSON_AddObjectToObject(root, "extra_data");
    cJSON_AddNumberToObject(extra, "max_score", max);
    cJSON_AddNumberToObject(extra, "passed", (double)passed);
    cJSON_AddNumberToObject(extra, "failed", (double)failed);
    cJSON_AddItemToObject(root, "tests", tests);
    free(output);
    return write_json(root, path, err, errlen);
}

int al_export_json_refused(const char *path, const al_exercise *ex, const char *why,
                           double seconds, char *err, size_t errlen) {
    char *output = NULL;
    if (asprintf(&output,
                 "This autograder's machine cannot run exercise %d (%s), so your submission "
                 "was not graded. This is not your submission's fault: please tell the course "
                 "staff.\n\nWhy: %s\n",
                 ex->number, ex->id, why) < 0)
        output = NULL;
    cJSON *root = cJSON_CreateObject();
    if (!root || !output) {
        cJSON_Delete(root);
        free(output);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    /* Gradescope has no "not graded": the score is 0 of the tests it ran,
     * none, and the output says whose fault that is. */
    cJSON_AddNumberToObject(root, "score", 0);
    cJSON_AddNumberToObject(root, "execution_time", seconds);
    cJSON_AddStringToObject(root, "output", output);
    cJSON_AddStringToObject(root, "visibility", "visible");
    cJSON_AddStringToObject(root, "stdout_visibility", "hidden");
    cJSON *extra = cJSON_AddObjectToObject(root, "extra_data");
    cJSON_AddBoolToObject(extra, "graded", 0);
    if (ex->needs_io_uring) cJSON_AddStringToObject(extra, "requires", "io_uring");
    cJSON_AddStringToObject(extra, "refused", why);
    cJSON_AddItemToObject(root, "tests", cJSON_CreateArray());
    free(output);
    return write_json(root, path, err, errlen);
}

static void xml_escaped(FILE *f, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '\r': fputs("&#13;", f); break;
        default: fputc(*s, f);
        }
    }
}

int al_export_junit(const char *path, const al_exercise_result *rs, size_t n, char *err,
                    size_t errlen) {
    char tmp[PATH_MAX + 8];
    FILE *f = open_tmp(path, tmp, sizeof tmp, err, errlen);
    if (!f) return -errno;
    size_t passed, failed;
    al_report_counts(rs, n, &passed, &failed);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"asynclab grade\" tests=\"%zu\" failures=\"%zu\">\n",
            passed + failed, failed);
    for (size_t i = 0; i < n; i++) {
        const al_exercise_result *r = &rs[i];
        size_t fails = 0, errors = 0, skipped = 0;
        for (size_t k = 0; k < r->ntests; k++) {
            al_grade_status s = r->tests[k].status;
            if (s == AL_GRADE_FAIL) fails++;
            else if (s == AL_GRADE_CRASH || s == AL_GRADE_TIMEOUT) errors++;
            else if (s == AL_GRADE_NOT_RUN) skipped++;
        }
        fprintf(f, "  <testsuite name=\"");
        xml_escaped(f, r->ex->id);
        fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
                r->ntests, fails, errors, skipped, r->seconds);
        if (!r->compiled) {
            fprintf(f, "    <system-err>");
            xml_escaped(f, r->compile_output);
            fprintf(f, "</system-err>\n");
        }
        for (size_t k = 0; k < r->ntests; k++) {
            const al_test_result *t = &r->tests[k];
            fprintf(f, "    <testcase classname=\"");
            xml_escaped(f, r->ex->id);
            fprintf(f, "\" name=\"");
            xml_escaped(f, t->spec->name);
            fprintf(f, "\" time=\"%.3f\">\n", t->seconds);
            const char *tag = t->status == AL_GRADE_FAIL                                    ? "failure"
                              : t->status == AL_GRADE_CRASH || t->status == AL_GRADE_TIMEOUT ? "error"
                              : t->status == AL_GRADE_NOT_RUN                                ? "skipped"
                                                                                             : NULL;
            if (tag) {
                char first[200];
                const char *fb = t->feedback ? t->feedback : "";
                snprintf(first, sizeof first, "%.*s", (int)strcspn(fb, "\n"), fb);
                fprintf(f, "      <%s type=\"%s\" message=\"", tag, al_grade_status_name(t->status));
                xml_escaped(f, first);
                fprintf(f, "\">");
                xml_escaped(f, fb);
                fprintf(f, "</%s>\n", tag);
            }
            if (t->status != AL_GRADE_PASS && t->output && *t->output) {
                fprintf(f, "      <system-out>");
                xml_escaped(f, t->output);
                fprintf(f, "</system-out>\n");
            }
            fprintf(f, "    </testcase>\n");
        }
        fprintf(f, "  </testsuite>\n");
    }
    fprintf(f, "</testsuites>\n");
    return close_tmp(f, tmp, path, err, errlen);
}

static void csv_field(FILE *f, const char *s) {
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int al_export_csv(const char *path, const al_exercise_result *rs, size_t n, char *err,
                  size_t errlen) {
    char tmp[PATH_MAX + 8];
    int to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : open_tmp(path, tmp, sizeof tmp, err, errlen);
    if (!f) return -errno;
    fprintf(f, "exercise,number,test,points,max_points,status,seconds,feedback\r\n");
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < rs[i].ntests; k++) {
            const al_test_result *t = &rs[i].tests[k];
            csv_field(f, rs[i].ex->id);
            fputc(',', f);
            csv_field(f, t->number);
            fputc(',', f);
            csv_field(f, t->spec->name);
            fprintf(f, ",%g,%g,", t->score, t->spec->points);
            csv_field(f, al_grade_status_name(t->status));
            fprintf(f, ",%.3f,", t->seconds);
            csv_field(f, t->feedback);
            fprintf(f, "\r\n");
        }
    }
    if (to_stdout) return fflush(stdout) == 0 ? 0 : -EIO;
    return close_tmp(f, tmp, path, err, errlen);
}
