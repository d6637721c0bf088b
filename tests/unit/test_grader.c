/* test_grader.c — the autograder engine's parts on their own: the manifest
 * parser, the sandbox (exit codes, signals, timeouts, output limits,
 * escaped processes), text sanitising, and the progress file.
 * (The whole grader, on real exercises, is tests/integration/grade_*.sh.) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "al_test.h"
#include "grader.h"
#include "ini.h"
#include "progress.h"
#include "proctree.h"
#include "sandbox.h"

static char *write_temp(const char *text) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/al-grader-test-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? path : NULL;
}

AL_TEST(ini_parses_sections_and_keys) {
    char *path = write_temp("# comment\n[exercise]\ntitle = A  server \n\n; another\n"
                            "[test read_in_pieces]\npoints=2\nhint = a = b\n");
    AL_REQUIRE(path != NULL);
    al_ini ini;
    char err[256] = "";
    AL_REQUIRE_INT(al_ini_parse(path, &ini, err, sizeof err), ==, 0);
    unlink(path);
    AL_CHECK_INT(ini.count, ==, 3);
    AL_CHECK_INT(ini.nsections, ==, 2);
    AL_CHECK_STR(ini.sections[1], "test read_in_pieces");
    AL_CHECK_STR(ini.entries[0].value, "A  server");
    AL_CHECK_STR(ini.entries[1].name, "read_in_pieces");
    AL_CHECK_STR(ini.entries[2].value, "a = b");
    AL_CHECK_INT(ini.entries[2].line, ==, 8);
    al_ini_free(&ini);
}

AL_TEST(ini_errors_name_the_line) {
    static const char *const bad[] = {"[exercise]\ntitle\n", "key = value\n", "[exercise\n",
                                      "[test a b]\n", "[exercise]\n= x\n"};
    static const int lines[] = {2, 1, 1, 1, 2};
    for (int i = 0; i < 5; i++) {
        char *path = write_temp(bad[i]);
        AL_REQUIRE(path != NULL);
        al_ini ini;
        char err[256] = "", want[96];
        AL_CHECK_INT(al_ini_parse(path, &ini, err, sizeof err), ==, -EINVAL);
        snprintf(want, sizeof want, "%s:%d: ", path, lines[i]);
        AL_CHECK_MSG(strncmp(err, want, strlen(want)) == 0, "case %d: expected \"%s...\", got \"%s\"",
                     i, want, err);
        unlink(path);
    }
}

AL_TEST(sanitize_keeps_utf8_and_masks_the_rest) {
    char s[] = "ok \xc3\xa9 \xe2\x9c\x93 \x01 \xff \xc3 \x7f\tend\r\n";
    al_text_sanitize(s, strlen(s));
    AL_CHECK_STR(s, "ok \xc3\xa9 \xe2\x9c\x93 ? ? ? ?\tend\r\n");
}

static void run_sh(const char *script, int timeout_ms, size_t output_limit, al_sandbox_result *r) {
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    char *envp[] = {"PATH=/usr/bin:/bin", NULL};
    al_sandbox sb = {.argv = argv, .envp = envp, .timeout_ms = timeout_ms, .keep_head = 100,
                     .keep_tail = 20, .output_limit = output_limit, .want_results = 1};
    AL_REQUIRE_INT(al_sandbox_run(&sb, r), ==, 0);
}

AL_TEST(sandbox_exit_status_and_results) {
    al_sandbox_result r;
    run_sh("echo hello; echo 'D x 0' >&3; exit 3", 5000, 0, &r);
    AL_CHECK_INT(r.end, ==, AL_RUN_EXITED);
    AL_CHECK_INT(r.status, ==, 3);
    AL_CHECK_STR(r.output, "hello\n");
    AL_CHECK_INT(r.results_len, ==, 6);
    al_sandbox_result_free(&r);
}

AL_TEST(sandbox_signal) {
    al_sandbox_result r;
    run_sh("kill -SEGV $$", 5000, 0, &r);
    AL_CHECK_INT(r.end, ==, AL_RUN_SIGNALED);
    AL_CHECK_INT(r.status, ==, SIGSEGV);
    al_sandbox_result_free(&r);
}

AL_TEST(sandbox_timeout_kills_escaped_processes) {
    /* As the grader does (grade.c): a subreaper gets the orphans of its
     * descendants back, so the end of a run can find a process that left
     * its process group and its parent. Without this the escaped sleep
     * would go to init and nothing could find it. */
    AL_REQUIRE_INT(al_proctree_become_subreaper(), ==, 0);
    al_sandbox_result r;
    run_sh("setsid sh -c 'echo escaped $$; exec sleep 100' & sleep 100", 3000, 0, &r);
    AL_CHECK_INT(r.end, ==, AL_RUN_TIMEOUT);
    AL_CHECK_MSG(r.seconds < 10, "the run took %.1f s", r.seconds);
    AL_CHECK_INT(r.stray, ==, 0);
    const char *said = r.output ? strstr(r.output, "escaped ") : NULL;
    AL_REQUIRE_MSG(said != NULL, "the escaping process did not start (output: %s)", r.output);
    pid_t escaped = (pid_t)atoi(said + 8);
    AL_REQUIRE(escaped > 1);
    /* It was there; it must be gone now (killed and reaped, not a zombie). */
    int alive = kill(escaped, 0) == 0;
    AL_CHECK_MSG(!alive, "the process that left its group (pid %d) survived the run", (int)escaped);
    if (alive) {
        kill(escaped, SIGKILL);
        waitpid(escaped, NULL, 0);
    }
    pid_t left[4];
    AL_CHECK_INT(al_proctree_descendants(getpid(), left, 4), ==, 0);
    al_sandbox_result_free(&r);
}

AL_TEST(sandbox_output_is_cut_with_a_note) {
    al_sandbox_result r;
    run_sh("i=0; while [ $i -lt 300 ]; do echo line$i; i=$((i+1)); done", 5000, 0, &r);
    AL_CHECK_INT(r.end, ==, AL_RUN_EXITED);
    AL_CHECK(r.output_total > 1000);
    AL_CHECK(strstr(r.output, "bytes of output not shown") != NULL);
    AL_CHECK(strncmp(r.output, "line0\nline1\n", 12) == 0);
    AL_CHECK(strstr(r.output, "line299\n") != NULL);
    al_sandbox_result_free(&r);
}

AL_TEST(sandbox_output_flood_is_stopped) {
    al_sandbox_result r;
    run_sh("yes flood", 10000, 1 << 20, &r);
    AL_CHECK_INT(r.end, ==, AL_RUN_OUTPUT);
    AL_CHECK(r.output_len < 200);
    al_sandbox_result_free(&r);
}

AL_TEST(sandbox_exec_failure) {
    char *argv[] = {"/nonexistent/program", NULL};
    char *envp[] = {NULL};
    al_sandbox sb = {.argv = argv, .envp = envp, .timeout_ms = 2000, .keep_head = 64, .keep_tail = 16};
    al_sandbox_result r;
    AL_REQUIRE_INT(al_sandbox_run(&sb, &r), ==, 0);
    AL_CHECK_INT(r.end, ==, AL_RUN_NOT_STARTED);
    AL_CHECK_INT(r.status, ==, ENOENT);
    al_sandbox_result_free(&r);
}

AL_TEST(progress_roundtrip_and_corrupt_file) {
    char dir[] = "/tmp/al-progress-XXXXXX";
    AL_REQUIRE(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/sub/progress.json", dir);
    setenv("ASYNCLAB_PROGRESS", path, 1);
    al_progress p;
    char msg[512];
    AL_REQUIRE_INT(al_progress_load(&p, msg, sizeof msg), ==, 0);
    AL_CHECK_STR(msg, "");
    al_progress_open_lesson(&p, 3);
    AL_CHECK_INT(al_progress_record_score(&p, "03-epoll-server", 7, 19), ==, 1);
    AL_CHECK_INT(al_progress_record_score(&p, "03-epoll-server", 5, 19), ==, 0);
    AL_REQUIRE_INT(al_progress_save(&p, msg, sizeof msg), ==, 0);
    al_progress_free(&p);

    AL_REQUIRE_INT(al_progress_load(&p, msg, sizeof msg), ==, 0);
    AL_CHECK_INT(p.lessons[3], ==, 1);
    AL_REQUIRE_INT(p.count, ==, 1);
    AL_CHECK(p.entries[0].best == 7);
    al_progress_free(&p);

    FILE *f = fopen(path, "w");
    AL_REQUIRE(f != NULL);
    fputs("{\"version\": 2}", f);
    fclose(f);
    AL_REQUIRE_INT(al_progress_load(&p, msg, sizeof msg), ==, 0);
    AL_CHECK_MSG(strstr(msg, "not a valid progress file") != NULL, "got \"%s\"", msg);
    AL_CHECK_INT(p.count, ==, 0);
    char aside[160];
    snprintf(aside, sizeof aside, "%s.corrupt", path);
    AL_CHECK_INT(access(aside, F_OK), ==, 0);
    al_progress_free(&p);
    unsetenv("ASYNCLAB_PROGRESS");
    unlink(aside);
    snprintf(aside, sizeof aside, "%s/sub", dir);
    rmdir(aside);
    rmdir(dir);
}
