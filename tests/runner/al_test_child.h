/* al_test_child.h — run a piece of a test in a child process and see how it
 * ended: for code that is meant to crash, abort or exit (a stack overflow,
 * a fault handler), which the test itself must survive to check.
 *
 *   al_test_child r;
 *   al_test_run_child(child_overflow, &r);
 *   AL_CHECK(r.signaled && r.sig == SIGSEGV);
 *
 * The child gets no core file (an expected crash), its stderr on a pipe,
 * read whole (up to 4 KiB) into r.err; fn should not return (if it does,
 * the child exits 0). The test fails (AL_REQUIRE) if fork or wait fail. */
#ifndef AL_TEST_CHILD_H
#define AL_TEST_CHILD_H

typedef struct al_test_child {
    int signaled, sig, exit_status;   /* sig 0 when not signaled, exit_status -1 when signaled */
    char err[4096];                   /* the child's stderr, NUL-terminated */
} al_test_child;

void al_test_run_child(void (*fn)(void), al_test_child *res);

#endif
