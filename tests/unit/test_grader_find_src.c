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

AL_TEST(find_src_at_the_top) {
    make_tree();
    AL_REQUIRE(top[0]);
    touch("server.c");
    touch("old/server.c");
    char rel[PATH_MAX], problem[256];
    AL_CHECK_INT(find("server.c", rel, sizeof rel, problem, sizeof problem), ==, 0);
    AL_CHECK_STR(rel, ".");
    remove_tree();
}

AL_TEST(find_src_shallowest_folder_wins) {
    make_tree();
    AL_REQUIRE(top[0]);
    touch("a/b/c/server.c");
    touch("hw/server.c");
    touch("hw/README.md");
    char rel[PATH_MAX], problem[256];
    AL_CHECK_INT(find("server.c", rel, sizeof rel, problem, sizeof problem), ==, 1);
    AL_CHECK_STR(rel, "hw");
    remove_tree();
}

AL_TEST(find_src_four_levels_down_not_five) {
    make_tree();
    AL_REQUIRE(top[0]);
    touch("1/2/3/4/server.c");
    char rel[PATH_MAX], problem[256];
    AL_CHECK_INT(find("server.c", rel, sizeof rel, problem, sizeof problem), ==, 4);
    AL_CHECK_STR(rel, "1/2/3/4");
    remove_tree();
    make_tree();
    touch("1/2/3/4/5/server.c");
    AL_CHECK_INT(find("server.c", rel, sizeof rel, problem, sizeof problem), ==, -1);
    AL_CHECK_STR(rel, ".");
    remove_tree();
}

AL_TEST(find_src_two_at_one_depth_is_a_problem_not_a_guess) {
    make_tree();
    AL_REQUIRE(top[0]);
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
    AL_REQUIRE(top[0]);
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
