/* al_test.c — process-per-test runner on top of CUnit. See al_test.h. */
#define _GNU_SOURCE
#include "al_test.h"

#include <CUnit/TestRun.h>
#include <CUnit/CUnit.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_S 20
#define MAX_EXIT_STATUS 100


/* In the child: one CUnit registry holding one test; print each failure. */
static int run_in_child(int index) {
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite suite = CU_add_suite("suite", NULL, NULL);
    CU_pTest test = CU_add_test(suite, al_test_name(index), al_test_fn_at(index));
    if (!suite || !test) return 1;
    CU_run_test(suite, test);   /* TestRun.h: runs without printing a summary */
    unsigned failed = CU_get_number_of_tests_failed();
    for (CU_pFailureRecord f = CU_get_failure_list(); f; f = f->pNext)
        fprintf(stderr, "    %s:%u: %s\n", f->strFileName ? f->strFileName : "?",
                f->uiLineNumber, f->strCondition ? f->strCondition : "");
    CU_cleanup_registry();
    return failed ? 1 : 0;
}

/* Wait for the child until the deadline. SIGCHLD is blocked, so it stays
 * pending and sigtimedwait() returns as soon as the child exits: no polling,
 * and it works under Valgrind (which does not know pidfd_open). */
static int wait_with_timeout(pid_t pid, int timeout_s, int *status) {
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    struct timespec end, now;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += timeout_s;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid) return 0;
        if (r < 0 && errno != EINTR) return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left_ns = (long long)(end.tv_sec - now.tv_sec) * 1000000000LL +
                            (end.tv_nsec - now.tv_nsec);
        if (left_ns <= 0) return -1;
        struct timespec left = {(time_t)(left_ns / 1000000000LL), (long)(left_ns % 1000000000LL)};
        sigtimedwait(&chld, NULL, &left);
    }
}

/* Fork, run one test, wait up to timeout_s. Returns 1 if it failed. */
static int run_one(int index, int timeout_s) {
    const char *name = al_test_name(index);
    fflush(stdout);
    fflush(stderr);
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    /* The child reports "the test ran to its end" on this pipe, so a test
     * that calls exit(0) half-way is not mistaken for a pass. */
    int done[2];
    if (pipe(done) < 0) {
        printf("FAIL %s: pipe: %s\n", name, strerror(errno));
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        printf("FAIL %s: fork: %s\n", name, strerror(errno));
        sigprocmask(SIG_SETMASK, &old, NULL);
        return 1;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        setpgid(0, 0);  /* its own group: a timeout kills what it spawned too */
        signal(SIGPIPE, SIG_IGN);
        close(done[0]);
        int rc = run_in_child(index);
        char byte = 'd';
        if (write(done[1], &byte, 1) != 1) rc = 1;
        _exit(rc);
    }
    close(done[1]);
    setpgid(pid, pid);
    int status = 0;
    int timed_out = wait_with_timeout(pid, timeout_s, &status) < 0;
    if (timed_out) {
        kill(-pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    }
    kill(-pid, SIGKILL);  /* stragglers the test left behind */
    sigprocmask(SIG_SETMASK, &old, NULL);

    if (timed_out || WIFSIGNALED(status)) close(done[0]);
    if (timed_out) {
        printf("FAIL %s: timed out after %d s\n", name, timeout_s);
        return 1;
    }
    if (WIFSIGNALED(status)) {
        printf("FAIL %s: crashed with signal %d (%s)\n", name, WTERMSIG(status),
               strsignal(WTERMSIG(status)));
        return 1;
    }
    char byte = 0;
    ssize_t got = read(done[0], &byte, 1);
    close(done[0]);
    if (got != 1) {
        printf("FAIL %s: exited (status %d) before the test finished\n", name,
               WEXITSTATUS(status));
        return 1;
    }
    if (WEXITSTATUS(status) != 0) {
        printf("FAIL %s (exit status %d)\n", name, WEXITSTATUS(status));
        return 1;
    }
    printf("PASS %s\n", name);
    return 0;
}

static int find_test(const char *name) {
    int i = al_test_index(name);
    if (i >= 0) return i;
    return -1;
}

static void usage(const char *prog) {
    fprintf(stderr, "usage: %s [--list] [--timeout S] [-t TEST]...\n", prog);
}

int main(int argc, char **argv) {
    int timeout_s = DEFAULT_TIMEOUT_S;
    const char *env = getenv("AL_TEST_TIMEOUT");
    if (env && atoi(env) > 0) timeout_s = atoi(env);
    int selected[512], nselected = 0;   /* al_test_registry.c holds at most 512 */

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0) {
            for (int t = 0; t < al_test_count(); t++) printf("%s\n", al_test_name(t));
            return 0;
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout_s = atoi(argv[++i]);
            if (timeout_s <= 0) { usage(argv[0]); return 2; }
        } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
            int t = find_test(argv[++i]);
            if (t < 0) {
                fprintf(stderr, "%s: no test named '%s' (see --list)\n", argv[0], argv[i]);
                return 2;
            }
            if (nselected < 512) selected[nselected++] = t;
        } else {
            usage(argv[0]);
            return 2;
        }
    }
    if (nselected == 0)
        for (int t = 0; t < al_test_count(); t++) selected[nselected++] = t;

    int failed = 0;
    for (int i = 0; i < nselected; i++) failed += run_one(selected[i], timeout_s);
    if (nselected > 1) printf("%d passed, %d failed\n", nselected - failed, failed);
    return failed > MAX_EXIT_STATUS ? MAX_EXIT_STATUS : failed;
}
