/* al_test.h — the test runner every CUnit suite in asynclab shares.
 *
 * Why not plain CUnit: CUnit runs every test in one process (a crash or a
 * hang takes the whole run down) and CU_basic_run_tests() returns success
 * even when tests fail. This runner keeps CUnit for assertions and
 * bookkeeping, but runs each test in its own forked process (and process
 * group) with a timeout, reports a crash by signal name and a hang as
 * "timed out after N s", and exits with the number of failed tests.
 *
 *   AL_TEST(loop_runs_ready_snapshot) {
 *       AL_CHECK_INT(count, ==, 3);
 *   }
 *
 * The test binary links al_test.c, which supplies main():
 *   suite              run every test, each in its own process
 *   suite -t NAME ...  run only the named tests (ctest runs one per entry)
 *   suite --list       print the test names
 *   --timeout S        per-test timeout (default 20 s, or $AL_TEST_TIMEOUT)
 * Exit status: the number of failed tests (capped at 100), 2 for bad usage.
 *
 * Assertions print what was expected and what happened:
 *   AL_CHECK(cond)                     "expected cond"
 *   AL_CHECK_INT(a, op, b)             "expected a op b, got 2 vs 3"
 *   AL_CHECK_STR(a, b)                 "expected a == "x", got "y""
 *   AL_CHECK_MSG(cond, fmt, ...)       your own words
 *   AL_REQUIRE*                        the same, but stop the test on failure
 *   AL_CHECK_NO_LEAKS()                under LeakSanitizer: nothing leaked so far
 */
#ifndef AL_TEST_H
#define AL_TEST_H

#include <stdint.h>
#include <string.h>

typedef void (*al_test_fn)(void);

void al_test_register(const char *name, al_test_fn fn);
/* The registered tests (al_test_registry.c), in the order registered. */
int al_test_count(void);
const char *al_test_name(int i);
al_test_fn al_test_fn_at(int i);
int al_test_index(const char *name);   /* -1 when there is none */
int al_test_check(int ok, int fatal, const char *file, int line, const char *func,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define AL_TEST(name)                                                       \
    static void name(void);                                                 \
    __attribute__((constructor)) static void al_test_reg_##name(void) {     \
        al_test_register(#name, name);                                      \
    }                                                                       \
    static void name(void)

#define AL__CHECK(fatal, cond, ...) \
    al_test_check(!!(cond), fatal, __FILE__, __LINE__, __func__, __VA_ARGS__)

#define AL_CHECK_MSG(cond, ...) AL__CHECK(0, cond, __VA_ARGS__)
#define AL_REQUIRE_MSG(cond, ...) AL__CHECK(1, cond, __VA_ARGS__)
#define AL_CHECK(cond) AL__CHECK(0, cond, "expected %s", #cond)
#define AL_REQUIRE(cond) AL__CHECK(1, cond, "expected %s", #cond)

#define AL__CHECK_INT(fatal, a, op, b)                                      \
    do {                                                                    \
        long long al__a = (long long)(a), al__b = (long long)(b);           \
        AL__CHECK(fatal, al__a op al__b, "expected %s %s %s, got %lld vs %lld", \
                  #a, #op, #b, al__a, al__b);                               \
    } while (0)
#define AL_CHECK_INT(a, op, b) AL__CHECK_INT(0, a, op, b)
#define AL_REQUIRE_INT(a, op, b) AL__CHECK_INT(1, a, op, b)

#define AL__CHECK_STR(fatal, a, b)                                          \
    do {                                                                    \
        const char *al__a = (a), *al__b = (b);                              \
        AL__CHECK(fatal, al__a && al__b && strcmp(al__a, al__b) == 0,       \
                  "expected %s == \"%s\", got \"%s\"", #a,                  \
                  al__b ? al__b : "(null)", al__a ? al__a : "(null)");      \
    } while (0)
#define AL_CHECK_STR(a, b) AL__CHECK_STR(0, a, b)
#define AL_REQUIRE_STR(a, b) AL__CHECK_STR(1, a, b)

/* Each test's process ends with _exit(), which skips LeakSanitizer's check
 * at exit: a test that has freed everything can ask for it here. Nothing
 * without the sanitizers. */
#if defined(AL_SANITIZED) && defined(__has_include)
#if __has_include(<sanitizer/lsan_interface.h>)
#include <sanitizer/lsan_interface.h>
#define AL_CHECK_NO_LEAKS() \
    AL_CHECK_MSG(__lsan_do_recoverable_leak_check() == 0, "memory leaked (see above)")
#endif
#endif
#ifndef AL_CHECK_NO_LEAKS
#define AL_CHECK_NO_LEAKS() ((void)0)
#endif

/* The errno-style result of a core call: AL_CHECK_OK(al_loop_new(...)). */
#define AL_CHECK_OK(expr)                                                   \
    do {                                                                    \
        int al__rc = (expr);                                                \
        AL__CHECK(1, al__rc >= 0, "expected %s to succeed, got %d", #expr, al__rc); \
    } while (0)

#endif
