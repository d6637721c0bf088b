/* test_grader_find_src.c — finding a submission's file inside the folder a
 * student handed in (find_src.h): at the top, a level or more down, the
 * shallowest wins, two at one depth are reported, links and hidden folders
 * are not followed. (End to end: grade_nested_src.sh.) */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "al_test.h"
#include "find_src.h"

static char top[64];

static void make_tree(void) {
    snprintf(top, sizeof top, "/tmp/al-find-src-XXXXXX");
    if (!mkdtemp(top)) top[0] = 0;
    AL_REQUIRE(top[0]);
}

/* mkdir -p top/rel's folder, then create the file top/rel. */
static void touch(const char *rel) {
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s/%s')\" && : > '%s/%s'", top, rel, top, rel);
    if (system(cmd) != 0) fprintf(stderr, "could not make %s\n", rel);
}

static void remove_tree(void) {
    char cmd[PATH_MAX];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", top);
}

/* Runs the search; out is made relative to top ("." for top itself). */
static int find(const char *file, char *rel, size_t len, char *problem, size_t plen) {
    char out[PATH_MAX];
    int depth = al_find_submission(top, file, NULL, out, sizeof out, problem, plen);
    size_t t = strlen(top);
    snprintf(rel, len, "%s", strncmp(out, top, t) == 0 && out[t] == '/' ? out + t + 1 : ".");
    return depth;
}

/* In a fresh tree holding `files` (NULL-terminated), server.c is found
 * with the answer `depth` (levels down, -1 none), in `where`. */
static void check_find(const char *const *files, int depth, const char *where) {
    make_tree();
    for (size_t i = 0; files[i]; i++) touch(files[i]);
    char rel[PATH_MAX], problem[256];
    AL_CHECK_INT(find("server.c", rel, sizeof rel, problem, sizeof problem), ==, depth);
    AL_CHECK_STR(rel, where);
    remove_tree();
}

AL_TEST(find_src_at_the_top) {
    check_find((const char *[]){"server.c", "old/server.c", NULL}, 0, ".");
}

AL_TEST(find_src_shallowest_folder_wins) {
    check_find((const char *[]){"a/b/c/server.c", "hw/server.c", "hw/README.md", NULL}, 1, "hw");
}

AL_TEST(find_src_four_levels_down_not_five) {
    check_find((const char *[]){"1/2/3/4/server.c", NULL}, 4, "1/2/3/4");
    check_find((const char *[]){"1/2/3/4/5/server.c", NULL}, -1, ".");
}

AL_TEST(find_src_two_at_one_depth_is_a_problem_not_a_guess) {
    make_tree();
    touch("x/server.c");
    touch("y/server.c");
    char rel[PATH_MAX], problem[256] = "";
    AL_CHECK_INT(find("server.c", rel, sizeof rel, problem, sizeof problem), ==, -2);
    AL_CHECK_MSG(strstr(problem, "x/") && strstr(problem, "y/"), "expected both folders named, "
                 "got '%s'", problem);
    remove_tree();
}

AL_TEST(find_src_follows_no_links_and_no_hidden_folders) {
    make_tree();
    touch(".git/server.c");
    touch("elsewhere/deep/deeper/deepest/x/server.c");   /* five down: out of reach */
    char link[PATH_MAX + 8], target[PATH_MAX + 64];
    snprintf(link, sizeof link, "%s/link", top);
    snprintf(target, sizeof target, "%s/elsewhere/deep/deeper/deepest/x", top);
    AL_REQUIRE(symlink(target, link) == 0);
    char rel[PATH_MAX], problem[256];
    AL_CHECK_INT(find("server.c", rel, sizeof rel, problem, sizeof problem), ==, -1);
    remove_tree();
}
