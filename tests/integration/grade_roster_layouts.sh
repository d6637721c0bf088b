#!/bin/sh
# grade_roster_layouts.sh — the roster folder layouts of exercises/README.md:
# a Gradescope "export submissions" folder (assignment_N_export/ with
# submission_metadata.yml: students named by :name:, groups joined, :sid:
# when there is no name, files in a subfolder found), and a GitHub Classroom
# clone (git repositories named ASSIGNMENT-USERNAME: the student is
# USERNAME). With --tests the hidden tests are graded for everyone. On a
# terminal the progress line says "n of m" and who is graded; off a terminal
# it says nothing of the sort. Bad usage is refused with a clear message.
set -eu
BUILD=$1
AL=$(cd "$BUILD" && pwd)/tui/asynclab
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
EX=$SRC/exercises/04-generators
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_DATA_HOME="$T/xdg"
fail() { echo "FAIL: $*" >&2; exit 1; }

# A Gradescope export, as its zip unpacks.
G=$T/gs/assignment_4242_export
mkdir -p "$G/submission_101" "$G/submission_102/mywork" "$G/submission_103"
cp "$EX/solution/generators.c" "$G/submission_101/"
cp "$EX/starter/generators.c" "$G/submission_102/mywork/"
cp "$EX/solution/generators.c" "$G/submission_103/"
cat >"$G/submission_metadata.yml" <<'YML'
submission_101:
  :submitters:
  - :name: Ann O'Neil
    :sid: '100'
    :email: ann@example.edu
  :created_at: 2026-11-01 10:00:00.000000000 -07:00
  :score: 15.0
submission_102:
  :submitters:
  - :name: "Doe, Jane"
    :sid: '200'
  - :name: 'Pat ''P'' Smith'
    :sid: '201'
  :history: []
submission_103:
  :submitters:
  - :sid: '300'
YML
"$AL" grade 4 --roster "$T/gs" -o "$T/gout" -j 2 >"$T/stdout" 2>"$T/err" || { cat "$T/err"; fail "the Gradescope export was not graded"; }
grep -q "Gradescope export" "$T/err" || fail "the layout was not recognised as a Gradescope export: $(cat "$T/err")"
cat >"$T/want" <<'CSV'
student,score,max_score,problem
300,24,24,
Ann O'Neil,24,24,
"Doe, Jane + Pat 'P' Smith",0,24,
CSV
diff "$T/want" "$T/gout/totals.csv" || fail "names or scores from the Gradescope export are wrong"

# A GitHub Classroom clone, with hidden tests.
C=$T/classroom
for u in alice bob-smith; do
    mkdir -p "$C/hw4-generators-$u/src"
    git -C "$C/hw4-generators-$u" init -q
done
cp "$EX/solution/generators.c" "$C/hw4-generators-alice/src/"
cp "$EX/wrong/segfault/generators.c" "$C/hw4-generators-bob-smith/src/"
mkdir -p "$T/hidden/04-generators"
# A hidden test in the visible ones' shape: a probe calls the student's code
# in the subject, the test checks in the judge.
cat >"$T/hidden/04-generators/probe_hidden.c" <<'C'
#include "al_subject.h"
#include "ex4.h"
AL_ENTRY(fib_seventh) {
    (void)in, (void)in_len, (void)peer;
    struct ex4_fib f;
    al_gen_init(&f.gen, ex4_fib);
    intptr_t v = -1;
    for (int i = 0; i < 7; i++)
        if (al_gen_next(&f.gen, &v) != AL_GEN_YIELDED) v = -1;
    long got = (long)v;
    return al_entry_reply(chan, &got, sizeof got);
}
C
cat >"$T/hidden/04-generators/test_hidden.c" <<'C'
#include "al_kit.h"
#include "al_test.h"
AL_TEST(hidden_fib_again) {
    int none = 0;
    long v = -1;
    AL_CALL(fib_seventh, none, v, -1, "the seventh Fibonacci number");
    AL_CHECK_INT(v, ==, 8);
}
C
printf '[test hidden_fib_again]\npoints = 5\nvisibility = hidden\n' >"$T/hidden/04-generators/tests.ini"
"$AL" grade 4 --roster "$C" --tests "$T/hidden" -o "$T/cout" >"$T/stdout" 2>"$T/err" || { cat "$T/err"; fail "the Classroom clone was not graded"; }
grep -q "GitHub Classroom" "$T/err" || fail "not recognised as a GitHub Classroom clone: $(cat "$T/err")"
grep -q '^alice,hidden_fib_again,PASS,5,5$' "$T/cout/class.csv" || { cat "$T/cout/class.csv"; fail "alice's hidden test row is missing"; }
grep -q '^bob-smith,hidden_fib_again,CRASH,0,5$' "$T/cout/class.csv" || { cat "$T/cout/class.csv"; fail "bob-smith's hidden test should CRASH (a segfault in fib)"; }
grep -q '^alice,29,29,$' "$T/cout/totals.csv" || { cat "$T/cout/totals.csv"; fail "alice should have 29 of 29 with the hidden test"; }

# The output folder inside the roster is not a student, on the next run either.
for i in 1 2; do
    "$AL" grade 4 --roster "$C" -o "$C/grades" >"$T/stdout" 2>"$T/err" || { cat "$T/err"; fail "grading with -o inside the roster"; }
done
grep -q "GitHub Classroom" "$T/err" && grep -q "2 submissions" "$T/err" \
    || { cat "$T/err"; fail "the output folder inside the roster was taken for a student"; }
rm -rf "$C/grades"

# Progress: on a terminal "[n of m] grading NAME"; off one, no progress line.
grep -q 'of 2\]' "$T/err" && fail "progress was printed off a terminal"
rm -rf "$T/cout"
script -qec "'$AL' grade 4 --roster '$C' -o '$T/cout'" /dev/null >"$T/tty.txt" 2>&1 </dev/null || true
grep -q '\[1 of 2\] grading alice' "$T/tty.txt" || { cat "$T/tty.txt"; fail "no progress line on a terminal"; }

# Bad usage: each refused with a message naming the problem, exit 2.
for args in "--roster $T/nothing-here" "--roster $C --src $C" "--roster $C -j 0" "--roster $C -j x" \
    "all --roster $C"; do
    status=0
    # shellcheck disable=SC2086
    if [ "${args#all}" != "$args" ]; then "$AL" grade $args >"$T/out" 2>&1 || status=$?
    else "$AL" grade 4 $args >"$T/out" 2>&1 || status=$?; fi
    [ "$status" -eq 2 ] || { cat "$T/out"; fail "'grade $args' exited $status, expected 2"; }
    grep -qi "roster\|-j\|folder" "$T/out" || { cat "$T/out"; fail "'grade $args' says nothing useful"; }
done
# The command as exercises/README.md shows it, on exercise 3.
mkdir -p "$T/readme/submissions/ann" "$T/readme/hidden/03-epoll-server"
cp "$SRC/exercises/03-epoll-server/solution/server.c" "$T/readme/submissions/ann/"
printf '#include "al_test.h"\nAL_TEST(hidden_ok) { AL_CHECK_INT(2, ==, 2); }\n' >"$T/readme/hidden/03-epoll-server/test_h.c"
(cd "$T/readme" && "$AL" grade 3 --roster submissions/ -j 2 -o grades/ >out.txt 2>&1) || { cat "$T/readme/out.txt"; fail "the README's roster command failed"; }
(cd "$T/readme" && "$AL" grade 3 --roster submissions/ -j 2 -o grades/ --tests hidden/ >out.txt 2>&1) || { cat "$T/readme/out.txt"; fail "the README's roster command with --tests failed"; }
grep -q '^ann,hidden_ok,PASS,1,1$' "$T/readme/grades/class.csv" || { cat "$T/readme/grades/class.csv"; fail "the README's command: no hidden row"; }
grep -q "1 to grade, 0 unchanged" "$T/readme/out.txt" || fail "adding hidden tests must regrade"
echo "ok: Gradescope export and GitHub Classroom layouts, hidden tests, progress only on a terminal"
