#!/bin/sh
# grade_progress.sh — `asynclab hint` reveals hints one at a time and
# remembers it; `asynclab grade` keeps the best score (never lowers it);
# `asynclab progress` shows lessons opened and best scores; the file lives
# under $XDG_DATA_HOME (or ~/.local/share), is written atomically (no
# temporary file left behind), and a corrupt one is reported, set aside as
# .corrupt and replaced by a fresh one.
set -eu
. "$(dirname "$0")/lib/grade_env.sh" "$1"
P=$XDG_DATA_HOME/asynclab/progress.json

fail() {
    echo "FAIL: $*" >&2
    [ -f "$T/out.txt" ] && cat "$T/out.txt" >&2
    exit 1
}
run() { "$@" >"$T/out.txt" 2>&1 || fail "'$*' exited $?"; }

run "$AL" progress
grep -q "0 lesson(s) opened, 0 exercise(s) graded" "$T/out.txt" || fail "a fresh progress is not empty"
[ ! -e "$P" ] || fail "showing progress must not create the file"

run "$AL" hint 2
grep -q "Hint 1 of" "$T/out.txt" || fail "the first hint is not hint 1"
run "$AL" hint 2
grep -q "Hint 2 of" "$T/out.txt" || fail "the second call does not show hint 2"
grep -q "Hint 1 of" "$T/out.txt" && fail "the second call shows hint 1 again"
run "$AL" progress
grep -Eq "^  2 +yes +02-select-server +- / 17 +2 of" "$T/out.txt" || fail "lesson 2 should be opened with 2 hints shown"

# The best score stays the best: a worse grade does not lower it.
cat >"$P" <<'JSON'
{"version": 1, "lessons_opened": [4], "exercises": {"04-generators": {"best": 12, "max": 15, "hints": 0}}}
JSON
status=0
"$AL" grade 4 >"$T/out.txt" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "grading the starter should exit 1, got $status"
run "$AL" progress
grep -Eq "^  4 +yes +04-generators +12 / 24" "$T/out.txt" || fail "the best score 12 was lost"
ls -A "$XDG_DATA_HOME/asynclab" >"$T/ls.txt"
[ "$(cat "$T/ls.txt")" = "progress.json" ] || fail "stray files next to progress.json: $(cat "$T/ls.txt")"

# A corrupt file: a clear message, set aside, a fresh start.
printf '{"version": 1, "exercises": [' >"$P"
run "$AL" progress
grep -q "is not a valid progress file (not valid JSON); starting fresh" "$T/out.txt" || fail "no clear message for a corrupt file"
[ -f "$P.corrupt" ] || fail "the corrupt file was not kept as progress.json.corrupt"
run "$AL" hint 1
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["exercises"]["01-blocking-server"]["hints"] == 1, d' "$P" \
    || fail "after a corrupt file, the new progress file is not valid"
printf '{"version": 1, "exercises": []}' >"$P"
run "$AL" progress
grep -q '"exercises" is not an object' "$T/out.txt" || fail "a file of the wrong shape is not reported"

# Without XDG_DATA_HOME: ~/.local/share/asynclab.
unset XDG_DATA_HOME
HOME="$T/home" "$AL" hint 3 >"$T/out.txt" 2>&1 || fail "hint without XDG_DATA_HOME"
[ -f "$T/home/.local/share/asynclab/progress.json" ] || fail "no progress file under ~/.local/share/asynclab"
echo "ok: hints, progress, best scores, atomic and corrupt-tolerant progress file"
