/* al_grade_main.c — main() of the judge, the program that grades.
 *
 * The grader compiles this file with the exercise's tests (written with
 * tests/runner/al_test.h, so they read like the project's own CUnit
 * suites) and the kit: never with the submission. The submission is the
 * subject, a program of its own (support/al_subject.h) that the tests start
 * under another uid, talk to and look at. The grader runs each test as its
 * own judge process,
 *
 *   judge --list       the test names, one per line
 *   judge -t NAME      run one test
 *
 * and reads the verdict from fd 3, a pipe only the grader and this process
 * hold (no subject inherits it, and this process is not dumpable, so
 * /proc/PID/fd and /proc/PID/mem are closed to a subject of the same user):
 *
 *   F file:line: expected x == 3, got 2 vs 3      one line per failed check
 *   X CRASH|TIMEOUT what happened                 the submission crashed/hung
 *   D NONCE FAILED                                the test ran to its end
 */
#define _GNU_SOURCE
#include "al_test.h"

#include <CUnit/CUnit.h>
#include <CUnit/TestRun.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "al_kit.h"

#define RESULT_FD 3

/* One line on the result pipe; newlines inside a message become spaces. */
static void report(const char *kind, const char *text) {
    char line[1400];
    int n = snprintf(line, sizeof line, "%s %s", kind, text);
    if (n < 0) return;
    if ((size_t)n >= sizeof line - 1) n = (int)sizeof line - 2;
    for (int i = 0; i < n; i++)
        if (line[i] == '\n' || line[i] == '\r') line[i] = ' ';
    line[n++] = '\n';
    for (int off = 0; off < n;) {
        ssize_t w = write(RESULT_FD, line + off, (size_t)(n - off));
        if (w <= 0) return;
        off += (int)w;
    }
}

void al_test_outcome(const char *kind, const char *fmt, ...) {
    char text[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    char line[1300];
    snprintf(line, sizeof line, "%s %s", kind, text);
    report("X", line);
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int run_one(const char *name, const char *nonce) {
    int index = al_test_index(name);
    if (index < 0) {
        fprintf(stderr, "no test named '%s' (see --list)\n", name);
        return 2;
    }
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite suite = CU_add_suite("exercise", NULL, NULL);
    CU_pTest test = suite ? CU_add_test(suite, al_test_name(index), al_test_fn_at(index)) : NULL;
    if (!test) return 2;
    CU_run_test(suite, test);
    unsigned failed = CU_get_number_of_failures();
    for (CU_pFailureRecord f = CU_get_failure_list(); f; f = f->pNext) {
        char text[1200];
        snprintf(text, sizeof text, "%s:%u: %s", base_name(f->strFileName ? f->strFileName : "?"),
                 f->uiLineNumber, f->strCondition ? f->strCondition : "");
        report("F", text);
    }
    CU_cleanup_registry();
    uint64_t seed;
    if (failed && al_kit_seed_drawn(&seed)) {
        char text[200];
        snprintf(text, sizeof text, "%s: the inputs were drawn at run time with seed %llu "
                 "(AL_GRADE_SEED=%llu repeats them)", al_test_name(index), (unsigned long long)seed,
                 (unsigned long long)seed);
        report("F", text);
    }
    char done[128];
    snprintf(done, sizeof done, "%s %u", nonce, failed);
    report("D", done);
    return failed ? 1 : 0;
}

int main(int argc, char **argv) {
    /* Taken before anything of the test runs, and out of the environment
     * that the submission's code can read later. */
    char nonce[64] = "-";
    const char *env = getenv("AL_GRADE_NONCE");
    if (env) snprintf(nonce, sizeof nonce, "%s", env);
    unsetenv("AL_GRADE_NONCE");

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (int i = 0; i < al_test_count(); i++) printf("%s\n", al_test_name(i));
        return 0;
    }
    if (argc != 3 || strcmp(argv[1], "-t") != 0) {
        fprintf(stderr, "usage: %s --list | -t TEST\n", argv[0]);
        return 2;
    }
    if (fcntl(RESULT_FD, F_GETFD) < 0) {
        fprintf(stderr, "%s: fd %d (the grader's result pipe) is not open\n", argv[0], RESULT_FD);
        return 2;
    }
    /* Keep fd 3 away from the code under test's exec()s, and let a client
     * that writes to a closed server see EPIPE instead of dying. */
    fcntl(RESULT_FD, F_SETFD, FD_CLOEXEC);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    signal(SIGPIPE, SIG_IGN);
    al_kit_judge_init();
    setvbuf(stdout, NULL, _IOLBF, 0);
    int rc = run_one(argv[2], nonce);
    fflush(NULL);
    _exit(rc);
}
