/* test_grader_stage.c — staging what the unprivileged compiler reads
 * (stage.h) and students' working copies (workcopy.h), on the real
 * exercises of this source tree and the core library of this build.
 * (Grading from a 0700 checkout end to end: tests/integration/
 * grade_private_tree.sh; the working copy's commands: grade_workcopy.sh.) */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "al_test.h"
#include "grader.h"
#include "stage.h"
#include "workcopy.h"

static int mode_of(const char *dir, const char *rel) {
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    struct stat st;
    return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static void remove_dir(const char *dir) {
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

static al_exercise *load(al_exercise **all, size_t *n, const char *key) {
    char err[PATH_MAX + 256];
    if (al_exercises_load(all, n, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    return al_exercise_find(*all, *n, key);
}

AL_TEST(stage_copies_what_the_compile_reads_readable_by_all) {
    al_exercise *all;
    size_t n;
    al_exercise *ex = load(&all, &n, "1");
    AL_REQUIRE(ex != NULL);
    umask(077);   /* the staged tree must be readable whatever the umask */
    char work[] = "/tmp/al-stage-test-XXXXXX";
    AL_REQUIRE(mkdtemp(work) != NULL);
    al_stage st;
    char err[PATH_MAX + 256] = "";
    AL_REQUIRE_MSG(al_stage_make(ex, work, &st, err, sizeof err) == 0, "%s", err);
    AL_CHECK_INT(mode_of(st.root, "exercises/01-blocking-server/ex1.h"), ==, 0644);
    AL_CHECK_INT(mode_of(st.root, "exercises/common/answer.h"), ==, 0644);
    AL_CHECK_INT(mode_of(st.root, "exercises/grader/harness/al_grade_main.c"), ==, 0644);
    AL_CHECK_INT(mode_of(st.root, "exercises/grader/support/al_kit.h"), ==, 0644);
    AL_CHECK_INT(mode_of(st.root, "tests/runner/al_test.h"), ==, 0644);
    AL_CHECK_INT(mode_of(st.root, "core/include/asynclab/loop.h"), ==, 0644);
    AL_CHECK_INT(mode_of(st.root, "core/include/asynclab"), ==, 0755);
    AL_CHECK_INT(mode_of(st.root, "exercises"), ==, 0755);
    AL_CHECK_INT(mode_of(st.root, "lib/libasynclab_core.a"), ==, 0644);
    /* given = ../common/answer.c keeps its place, so its includes resolve. */
    AL_REQUIRE_INT(st.ngiven, ==, 1);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s/exercises/common/answer.c", st.root);
    AL_CHECK_STR(st.given[0], want);
    /* Only what the compile reads: no reference solution, no wrong ones. */
    AL_CHECK_INT(mode_of(st.root, "exercises/01-blocking-server/solution"), ==, -1);
    AL_CHECK_INT(mode_of(st.root, "exercises/01-blocking-server/wrong"), ==, -1);
    AL_CHECK_INT(mode_of(st.root, "exercises/01-blocking-server/README.md"), ==, -1);
    al_stage_free(&st);
    remove_dir(work);
    al_exercises_free(all, n);
}

AL_TEST(stage_refuses_a_given_file_outside_the_exercises) {
    al_exercise *all;
    size_t n;
    al_exercise *ex = load(&all, &n, "1");
    AL_REQUIRE(ex != NULL && ex->ngiven == 1);
    char *outside;
    AL_REQUIRE(asprintf(&outside, "%s/../../../../../../../etc/hostname", ex->dir) > 0);
    free(ex->given[0]);
    ex->given[0] = outside;
    char work[] = "/tmp/al-stage-test-XXXXXX";
    AL_REQUIRE(mkdtemp(work) != NULL);
    al_stage st;
    char err[PATH_MAX + 256] = "";
    AL_CHECK_INT(al_stage_make(ex, work, &st, err, sizeof err), ==, -EINVAL);
    AL_CHECK_MSG(strstr(err, "must lie inside the exercises folder") != NULL, "got \"%s\"", err);
    remove_dir(work);
    al_exercises_free(all, n);
}

AL_TEST(stage_copy_refuses_fifos_links_and_huge_files) {
    char dir[] = "/tmp/al-stage-test-XXXXXX";
    AL_REQUIRE(mkdtemp(dir) != NULL);
    char fifo[64], link[64], big[64], to[64], err[256] = "";
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(big, sizeof big, "%s/big", dir);
    snprintf(to, sizeof to, "%s/to", dir);
    AL_REQUIRE_INT(mkfifo(fifo, 0600), ==, 0);
    AL_CHECK_INT(al_stage_copy_file(fifo, to, 1, 1 << 20, err, sizeof err), ==, -EINVAL);   /* no hang */
    AL_CHECK_MSG(strstr(err, "not a regular file") != NULL, "got \"%s\"", err);
    AL_REQUIRE_INT(symlink("/etc/hostname", link), ==, 0);
    AL_CHECK_INT(al_stage_copy_file(link, to, 1, 1 << 20, err, sizeof err), ==, -ELOOP);
    AL_CHECK_MSG(strstr(err, "a symbolic link") != NULL, "got \"%s\"", err);
    FILE *f = fopen(big, "w");
    AL_REQUIRE(f != NULL);
    fputs("0123456789", f);
    fclose(f);
    AL_CHECK_INT(al_stage_copy_file(big, to, 1, 4, err, sizeof err), ==, -EINVAL);
    AL_CHECK_INT(al_stage_copy_file(big, to, 1, 10, err, sizeof err), ==, 0);
    AL_CHECK_INT(mode_of(dir, "to"), ==, 0644);
    remove_dir(dir);
}

AL_TEST(workcopy_is_found_from_below_and_never_written_over) {
    al_exercise *all;
    size_t n;
    al_exercise *ex = load(&all, &n, "4");
    AL_REQUIRE(ex != NULL);
    char top[] = "/tmp/al-workcopy-test-XXXXXX";
    AL_REQUIRE(mkdtemp(top) != NULL);
    char wc[128], sub[160], dir[PATH_MAX], id[AL_GRADER_NAME_MAX], err[PATH_MAX + 256] = "";
    snprintf(wc, sizeof wc, "%s/a/ex4", top);
    AL_REQUIRE_MSG(al_workcopy_create(ex, wc, err, sizeof err) == 0, "%s", err);
    snprintf(sub, sizeof sub, "%s/tests", wc);
    AL_CHECK_INT(al_workcopy_find(sub, dir, sizeof dir, id, sizeof id, err, sizeof err), ==, 1);
    AL_CHECK_STR(dir, wc);
    AL_CHECK_STR(id, "04-generators");
    AL_CHECK_INT(al_workcopy_find(top, dir, sizeof dir, id, sizeof id, err, sizeof err), ==, 0);
    /* Not empty: refused, and nothing in it changes. */
    char file[200];
    snprintf(file, sizeof file, "%s/generators.c", wc);
    FILE *f = fopen(file, "w");
    AL_REQUIRE(f != NULL);
    fputs("mine\n", f);
    fclose(f);
    AL_CHECK_INT(al_workcopy_create(ex, wc, err, sizeof err), ==, -EEXIST);
    AL_CHECK_MSG(strstr(err, "is not empty: refusing") != NULL, "got \"%s\"", err);
    char line[16] = "";
    f = fopen(file, "r");
    AL_REQUIRE(f != NULL);
    AL_CHECK(fgets(line, sizeof line, f) != NULL);
    fclose(f);
    AL_CHECK_STR(line, "mine\n");
    /* A marker that names no exercise is an error that says so. */
    snprintf(file, sizeof file, "%s/%s", wc, AL_WORKCOPY_MARKER);
    f = fopen(file, "w");
    AL_REQUIRE(f != NULL);
    fputs("[workcopy]\nexercize = 04-generators\n", f);
    fclose(f);
    AL_CHECK_INT(al_workcopy_find(sub, dir, sizeof dir, id, sizeof id, err, sizeof err), ==, -EINVAL);
    AL_CHECK_MSG(strstr(err, "names no exercise") != NULL, "got \"%s\"", err);
    remove_dir(top);
    al_exercises_free(all, n);
}
