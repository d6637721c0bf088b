/* selftest.c — a suite that is *meant* to fail, to prove the runner reports
 * failures, crashes and hangs by name and still runs the rest. Checked by
 * tests/integration/runner_selftest.sh; not a ctest suite of its own. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "al_test.h"

AL_TEST(passes) { AL_CHECK_INT(1 + 1, ==, 2); }

AL_TEST(fails_with_expected_and_got) { AL_CHECK_INT(6 * 7, ==, 43); }

AL_TEST(fails_a_string) { AL_CHECK_STR("World", "world"); }

AL_TEST(crashes) {
    raise(SIGSEGV);   /* a real null store would be caught by UBSan first */
}

AL_TEST(hangs) {
    for (;;) pause();
}

AL_TEST(exits_early) { exit(0); }

AL_TEST(also_passes) { AL_CHECK(1); }
