#!/bin/sh
# The shared test runner reports each failure by name — an assertion with
# expected and got, a crash with its signal, a hang as a timeout — keeps
# going, and exits with the number of failed tests.
set -u
bin="$1/tests/al_runner_selftest"
# Under ASan a SEGV is caught and turned into exit(1); we want the raw signal.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
out=$("$bin" --timeout 2 2>&1)
status=$?
fail=0
expect() {
    if ! printf '%s\n' "$out" | grep -qF -- "$1"; then
        echo "expected the runner's output to contain: $1"
        fail=1
    fi
}
expect "PASS passes"
expect "PASS also_passes"
expect "expected 6 * 7 == 43, got 42 vs 43"
expect "FAIL fails_with_expected_and_got"
expect 'expected "World" == "world", got "World"'
expect "FAIL crashes: crashed with signal 11"
expect "FAIL hangs: timed out after 2 s"
expect "FAIL exits_early: exited (status 0) before the test finished"
expect "2 passed, 5 failed"
# exit(0) inside a test must not count as a pass: CUnit never saw it finish
[ "$status" -eq 5 ] || { echo "expected exit status 5 (failed tests), got $status"; fail=1; }
# one test alone, by name, as ctest runs it
"$bin" -t passes >/dev/null 2>&1 || { echo "expected -t passes to exit 0"; fail=1; }
"$bin" -t crashes >/dev/null 2>&1; [ $? -eq 1 ] || { echo "expected -t crashes to exit 1"; fail=1; }
"$bin" -t nosuch >/dev/null 2>&1; [ $? -eq 2 ] || { echo "expected -t nosuch to exit 2"; fail=1; }
[ "$fail" -eq 0 ] && echo "runner self-test: ok"
exit "$fail"
