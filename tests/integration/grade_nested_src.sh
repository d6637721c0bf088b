#!/bin/sh
# grade_nested_src.sh — `asynclab grade --src DIR` finds the submission's
# file where students put it: a level or more down (a zip's folder, a
# repository's subfolder), the shallowest one. Two folders at one depth are
# not guessed between: the report names both and nothing is graded. The
# same search serves --roster and Gradescope's run_autograder
# (.ci/gradescope grades a submission two levels down).
set -eu
. "$(dirname "$0")/lib/grade_env.sh" "$1"

# The reference, two levels down, beside an older attempt three down.
mkdir -p "$T/zip/hw4/src/old/v1"
cp "$SRC/exercises/04-generators/solution/generators.c" "$T/zip/hw4/src/"
cp "$SRC/exercises/04-generators/starter/generators.c" "$T/zip/hw4/src/old/v1/"
status=0
"$AL" grade 4 --src "$T/zip" --csv >"$T/out.csv" 2>"$T/err" || status=$?
[ "$status" -eq 0 ] || { cat "$T/err" "$T/out.csv"; fail "the nested reference should pass every test (exit $status)"; }
grep -q ",FAIL\|,CRASH\|,NOT RUN" "$T/out.csv" && fail "the nested reference lost tests: $(cat "$T/out.csv")"
"$AL" grade 4 --src "$T/zip" >"$T/table" 2>&1 || true
grep -q "submission: $T/zip/hw4/src\$" "$T/table" || { cat "$T/table"; fail "the report should name the folder graded"; }
echo "ok: generators.c two levels down is found and graded"

# Two candidates at one depth: named, not guessed.
mkdir -p "$T/two/a" "$T/two/b"
cp "$SRC/exercises/04-generators/solution/generators.c" "$T/two/a/"
cp "$SRC/exercises/04-generators/starter/generators.c" "$T/two/b/"
status=0
"$AL" grade 4 --src "$T/two" >"$T/table" 2>&1 || status=$?
[ "$status" -eq 1 ] || { cat "$T/table"; fail "two candidates: expected exit 1 (not graded), got $status"; }
grep -q "generators.c is in two folders: a/ and b/" "$T/table" || { cat "$T/table"; fail "two candidates should be named"; }
grep -q "score: 0 / " "$T/table" || { cat "$T/table"; fail "two candidates: nothing should be graded"; }
echo "ok: two folders holding generators.c are named, neither is guessed"
