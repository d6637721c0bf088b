#!/bin/sh
# grade_workcopy.sh — the student's way (issue 11): `asynclab start 4 DIR`
# makes a working copy (starter, task, headers, visible tests, a marker);
# inside it, or any folder below, `asynclab grade`, `watch` and `hint` need
# neither EX nor --src, and the score reaches `asynclab progress`. `start`
# never writes over a folder that is not empty. A grade of a plain --src
# folder says that it is not recorded, and is not. Every run is bounded.
set -eu
BUILD=$1
AL=$(cd "$BUILD/tui" && pwd)/asynclab
SRC=$(cd "$(dirname "$0")/../.." && pwd)
EX=$SRC/exercises/04-generators
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_DATA_HOME="$T/xdg"
fail() { echo "FAIL: $*" >&2; [ ! -f "$T/out" ] || tail -20 "$T/out" >&2; exit 1; }
cd "$T"

# start: the files, and the marker naming the exercise.
"$AL" start 4 "$T/ex4" >"$T/out" 2>&1 || fail "asynclab start 4 DIR failed"
for f in asynclab.ini generators.c README.md ex4.h tests/test_ex4.c; do
    [ -f "$T/ex4/$f" ] || fail "the working copy has no $f"
done
cmp -s "$T/ex4/generators.c" "$EX/starter/generators.c" || fail "generators.c is not the starter"
cmp -s "$T/ex4/README.md" "$EX/README.md" || fail "README.md is not the task"
grep -qx "exercise = 04-generators" "$T/ex4/asynclab.ini" || fail "the marker does not name the exercise"

# exercises/README.md's student session, as written there.
mkdir "$T/readme"
cd "$T/readme"
export XDG_DATA_HOME="$T/xdg-readme"
"$AL" start 4 >"$T/out" 2>&1 && [ -f "$T/readme/04-generators/asynclab.ini" ] ||
    fail "asynclab start 4 did not make ./04-generators"
cd 04-generators
status=0
timeout 300 "$AL" grade >"$T/out" 2>&1 || status=$?
[ "$status" -eq 1 ] && grep -q "score: 0 / " "$T/out" || fail "the untouched starter: exit $status"
printf q | timeout 300 "$AL" watch >"$T/out" 2>&1 || fail "asynclab watch failed"
"$AL" hint >"$T/out" 2>&1 || fail "asynclab hint failed"
"$AL" progress >"$T/out" 2>&1 && grep -Eq "04-generators +0 / " "$T/out" || fail "progress"
cd "$T"
export XDG_DATA_HOME="$T/xdg"

# start refuses a folder that is not empty, and leaves it as it was.
echo "my work" >"$T/ex4/generators.c"
set +e
"$AL" start 4 "$T/ex4" >"$T/out" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "start over a non-empty folder exited $rc, expected 1"
grep -q "ex4 is not empty: refusing to write over it" "$T/out" || fail "no clear refusal"
grep -qx "my work" "$T/ex4/generators.c" || fail "start wrote over the student's file"

# grade inside a subfolder, no EX and no --src: the working copy is graded
# (the reference copied in scores full marks; the starter scores 0) and
# the score is recorded.
cp "$EX/solution/generators.c" "$T/ex4/generators.c"
(cd "$T/ex4/tests" && timeout 300 "$AL" grade) >"$T/out" 2>&1 || fail "grade in the working copy did not pass"
max=$(sed -n 's/^ *score: \([0-9.]*\) \/ \([0-9.]*\) .*/\1 \2/p' "$T/out")
set -- $max
[ "$#" -eq 2 ] && [ "$1" = "$2" ] && [ "$1" != 0 ] || fail "not full marks: '$max'"
"$AL" progress >"$T/out" 2>&1
grep -Eq "^ +4 +yes +04-generators +$1 / $2 " "$T/out" || fail "the grade did not reach asynclab progress"

# hint and watch inside, with no EX.
(cd "$T/ex4" && "$AL" hint) >"$T/out" 2>&1 || fail "hint in the working copy failed"
grep -q "Hint 1 of" "$T/out" || fail "hint showed no hint"
(cd "$T/ex4" && printf q | timeout 300 "$AL" watch --no-sanitize) >"$T/out" 2>&1 ||
    fail "watch in the working copy failed"
grep -q "generators.c in $T/ex4 " "$T/out" || fail "watch did not watch the working copy"
# watch grades the visible tests only (a quick loop), so its total is its own.
grep -Eq "score: ([0-9.]+) / \1 " "$T/out" || fail "watch did not grade the working copy"

# A plain folder given with --src: graded, said not to be recorded, not recorded.
mkdir "$T/plain"
cp "$EX/solution/generators.c" "$T/plain/"
XDG_DATA_HOME="$T/xdg2" timeout 300 "$AL" grade 4 --src "$T/plain" --no-sanitize >"$T/out" 2>&1 ||
    fail "grade --src failed"
grep -q "not recorded in \`asynclab progress\`: --src may be anyone's folder" "$T/out" ||
    fail "grade --src does not say that it is not recorded"
XDG_DATA_HOME="$T/xdg2" "$AL" progress >"$T/out" 2>&1
grep -Eq "04-generators +- / $2 " "$T/out" || fail "a --src grade reached progress"
printf q | XDG_DATA_HOME="$T/xdg2" timeout 300 "$AL" watch 4 --src "$T/plain" --no-sanitize >"$T/out" 2>&1 ||
    fail "watch --src failed"
grep -q "not recorded in \`asynclab progress\`" "$T/out" || fail "watch --src does not say that it is not recorded"
XDG_DATA_HOME="$T/xdg2" "$AL" progress >"$T/out" 2>&1
grep -Eq "04-generators +- / $2 " "$T/out" || fail "a watch --src grade reached progress"

# A marker that names no exercise, and no marker at all: clear errors.
mkdir "$T/bad"
printf '[workcopy]\n' >"$T/bad/asynclab.ini"
set +e
(cd "$T/bad" && "$AL" grade) >"$T/out" 2>&1
rc_bad=$?
(cd / && "$AL" hint) >"$T/out2" 2>&1
rc_none=$?
set -e
[ "$rc_bad" -eq 2 ] && grep -q "asynclab.ini names no exercise" "$T/out" || fail "a bad marker: exit $rc_bad"
[ "$rc_none" -eq 2 ] && grep -q "which exercise?.*asynclab start EX" "$T/out2" ||
    fail "no EX outside a working copy: exit $rc_none, $(cat "$T/out2")"
echo "ok: start, grade/watch/hint inside a working copy, progress recorded; --src said and not recorded"
