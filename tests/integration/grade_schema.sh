#!/bin/sh
# grade_schema.sh — the machine-readable reports: results.json has
# Gradescope's schema (required keys and types, passed/failed, visibility,
# scores that add up), JUnit XML parses and counts right, CSV has one row
# per test; a compile error costs the whole exercise and shows the
# compiler's message; an instructor's hidden tests (--tests) are compiled
# in with their own points and visibility (a hidden probe into the subject,
# a hidden test into the judge).
set -eu
. "$(dirname "$0")/lib/grade_env.sh" "$1"

expect_status() {   # expect_status WANT COMMAND...
    want=$1
    shift
    status=0
    "$@" >"$T/out.txt" 2>&1 || status=$?
    if [ "$status" -ne "$want" ]; then
        cat "$T/out.txt"
        echo "FAIL: '$*' exited $status, expected $want" >&2
        exit 1
    fi
}

# A half-right submission: the reference of exercise 4 with ex4_range broken.
mkdir -p "$T/half"
sed 's/AL_GEN_YIELD(g, f->i);/AL_GEN_YIELD(g, f->i + 1);/' \
    "$SRC/exercises/04-generators/solution/generators.c" >"$T/half/generators.c"
expect_status 1 "$AL" grade 4 --src "$T/half" --json "$T/r.json" --junit "$T/r.xml" --csv="$T/r.csv"
"$AL" grade 4 --src "$T/half" --csv >"$T/stdout.csv" || true
/usr/bin/python3 - "$HERE/lib" "$T" <<'END'
import sys
sys.path.insert(0, sys.argv[1])
import grade_check as g
T = sys.argv[2]
data = g.check_gradescope(f"{T}/r.json")
n = len(data["tests"])
failed = [t for t in data["tests"] if t["status"] == "failed"]
# 10 visible tests and 9 hidden twins; the range tests and their twins fail.
if n != 19 or len(failed) != 6:
    g.fail(f"expected 19 tests with 6 failed (the range tests and their twins), got {n} and {len(failed)}")
if not all("expected" in t["output"] and "hint:" in t["output"] for t in failed):
    g.fail("a failed test's output lacks 'expected ... got' feedback or the hint")
if "13 passed, 6 failed" not in data["output"]:
    g.fail(f"the top-level output does not end with the totals: {data['output']!r}")
g.check_junit(f"{T}/r.xml", n)
g.check_csv(f"{T}/r.csv", n)
g.check_csv(f"{T}/stdout.csv", n)
print(f"ok: results.json, JUnit and CSV of a half-right submission ({n} tests, 6 failed)")
END

# A compile error: every test NOT RUN, the compiler's message shown.
mkdir -p "$T/broken"
sed 's/AL_GEN_END(g);/AL_GEN_END(g)/' "$SRC/exercises/04-generators/solution/generators.c" \
    >"$T/broken/generators.c"
expect_status 1 "$AL" grade 4 --src "$T/broken" --json "$T/c.json"
grep -q "did not compile" "$T/out.txt" || { cat "$T/out.txt"; echo "FAIL: no compile error shown" >&2; exit 1; }
grep -q "generators.c:[0-9]*:[0-9]*: error" "$T/out.txt" || { cat "$T/out.txt"; echo "FAIL: the compiler's message (file:line: error) is not shown" >&2; exit 1; }
grep -q "0 passed, 19 failed" "$T/out.txt" || { echo "FAIL: no totals line" >&2; exit 1; }
/usr/bin/python3 - "$HERE/lib" "$T/c.json" <<'END'
import sys
sys.path.insert(0, sys.argv[1])
import grade_check as g
data = g.check_gradescope(sys.argv[2])
if data["score"] != 0 or "error" not in data["output"]:
    g.fail(f"a compile error must score 0 and show the message: {data['score']}, {data['output'][:200]!r}")
print("ok: a compile error costs the exercise and shows the compiler's message")
END

# A missing submission file is the submission's problem, said plainly.
mkdir -p "$T/empty"
expect_status 1 "$AL" grade 4 --src "$T/empty"
grep -q "needs generators.c" "$T/out.txt" || { cat "$T/out.txt"; echo "FAIL: a missing file is not named" >&2; exit 1; }

# Hidden tests: compiled in, with their points and visibility.
mkdir -p "$T/hidden/04-generators"
# A hidden test is the judge's side; a hidden probe (probe*.c) the
# subject's: it calls the student's code and reports, the test compares.
cat >"$T/hidden/04-generators/probe_hidden.c" <<'C'
#include "al_subject.h"
#include "ex4.h"
AL_ENTRY(count_range) {
    (void)in, (void)in_len, (void)peer;
    struct ex4_range r = {.start = 0, .stop = 1000, .step = 7};
    al_gen_init(&r.gen, ex4_range);
    intptr_t v;
    long n = 0;
    while (al_gen_next(&r.gen, &v) == AL_GEN_YIELDED) n++;
    return al_entry_reply(chan, &n, sizeof n);
}
C
cat >"$T/hidden/04-generators/test_hidden.c" <<'C'
#include "al_kit.h"
#include "al_test.h"
AL_TEST(hidden_range_long) {
    int none = 0;
    long n = -1;
    AL_CALL(count_range, none, n, -1, "range(0, 1000, 7), counted");
    AL_CHECK_INT(n, ==, 143);
}
AL_TEST(hidden_default) {
    AL_CHECK_INT(1, ==, 1);
}
C
printf '[test hidden_range_long]\npoints = 4\nvisibility = after_due_date\n' >"$T/hidden/04-generators/tests.ini"
expect_status 0 "$AL" grade 4 --solution --tests "$T/hidden" --json "$T/h.json"
/usr/bin/python3 - "$HERE/lib" "$T/h.json" <<'END'
import sys
sys.path.insert(0, sys.argv[1])
import grade_check as g
data = g.check_gradescope(sys.argv[2])
by = {t["name"]: t for t in data["tests"]}
a, b = by.get("04-generators: hidden_range_long"), by.get("04-generators: hidden_default")
if not a or a["max_score"] != 4 or a["visibility"] != "after_due_date" or a["status"] != "passed":
    g.fail(f"hidden_range_long: {a}")
if not b or b["max_score"] != 1 or b["visibility"] != "after_published":
    g.fail(f"hidden_default: {b}")
if len(data["tests"]) != 21:
    g.fail(f"expected 19 of the exercise + 2 hidden tests, got {len(data['tests'])}")
print("ok: hidden tests are graded with their own points and visibility")
END
echo "ok: reports and their schemas"
