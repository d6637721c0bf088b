/* al_test_registry.c — the tests an executable holds and the check behind
 * every AL_CHECK / AL_REQUIRE (al_test.h). Shared by the two programs that
 * run AL_TESTs: the unit-test runner (al_test.c: fork per test) and the
 * grader's judge (exercises/grader/harness/al_grade_main.c: one test per
 * run, its verdict on a pipe). AL_TEST registers each test from a
 * constructor, before main. */
#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "al_test.h"

#define MAX_TESTS 512

static struct { const char *name; al_test_fn fn; } tests[MAX_TESTS];
static int test_count;

void al_test_register(const char *name, al_test_fn fn) {
    if (test_count == MAX_TESTS) {
        fprintf(stderr, "al_test: more than %d tests in one program\n", MAX_TESTS);
        _exit(2);
    }
    tests[test_count].name = name;
    tests[test_count].fn = fn;
    test_count++;
}

int al_test_count(void) { return test_count; }
const char *al_test_name(int i) { return i >= 0 && i < test_count ? tests[i].name : NULL; }
al_test_fn al_test_fn_at(int i) { return i >= 0 && i < test_count ? tests[i].fn : NULL; }

int al_test_index(const char *name) {
    for (int i = 0; i < test_count; i++)
        if (strcmp(tests[i].name, name) == 0) return i;
    return -1;
}

int al_test_check(int ok, int fatal, const char *file, int line, const char *func,
                  const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* CUnit copies the condition text into its failure record. */
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, func,
                            fatal ? CU_TRUE : CU_FALSE);
    return ok;
}
