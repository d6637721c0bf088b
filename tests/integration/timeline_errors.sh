#!/bin/sh
# timeline_errors.sh — bad traces and bad command lines: `asynclab timeline`
# and `asynclab export` name the file and the line ("asynclab CMD: FILE:N: what is wrong", the form every error of every
# command takes) and
# exit 1 for a trace that is truncated, garbage, from a newer asynclab or
# impossible (a task resumed that was never spawned, time going backwards);
# a missing file says so and exits 1; bad flags exit 2; an export that fails
# leaves no half-written file behind.
set -u
A="$(cd "$1" && pwd)/tui/asynclab"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
. "$(dirname "$0")/lib/cli_check.sh"   # check DESCRIPTION STATUS PATTERN -- command...
HELLO='{"v":1,"ev":"hello","t":0}'
SPAWN='{"t":1,"ev":"spawn","task":1,"name":"a"}'
printf '%s\n%s' "$HELLO" "$SPAWN" >"$TMP/truncated.jsonl"
printf '%s\n\001\002 not json\n' "$HELLO" >"$TMP/garbage.jsonl"
printf '{"v":2,"ev":"hello","t":0}\n%s\n' "$SPAWN" >"$TMP/newer.jsonl"
printf '%s\n%s\n{"t":2,"ev":"resume","task":9}\n' "$HELLO" "$SPAWN" >"$TMP/unknown.jsonl"
printf '%s\n%s\n\n{"t":0,"ev":"resume","task":1}\n' "$HELLO" "$SPAWN" >"$TMP/backwards.jsonl"
printf '%s\n%s\n' "$HELLO" "$SPAWN" >"$TMP/good.jsonl"
: >"$TMP/empty.jsonl"
cd "$TMP"

check "truncated trace"          1 "^asynclab timeline: truncated.jsonl:2: truncated" -- "$A" timeline truncated.jsonl
check "garbage"                  1 "^asynclab timeline: garbage.jsonl:2: not JSON" -- "$A" timeline garbage.jsonl
check "newer version"            1 "^asynclab timeline: newer.jsonl:1: trace format version 2 is newer than this asynclab understands \(1\)" -- "$A" timeline newer.jsonl
check "resume of unknown task"   1 "^asynclab timeline: unknown.jsonl:3: resume of unknown task 9" -- "$A" timeline unknown.jsonl
check "time going backwards"     1 "^asynclab timeline: backwards.jsonl:4: time goes backwards" -- "$A" timeline backwards.jsonl
check "error on stdin"           1 "^asynclab timeline: <stdin>:2: not JSON" -- sh -c "\"$A\" timeline - <garbage.jsonl"
check "missing file"             1 "^asynclab timeline: missing.jsonl: No such file or directory" -- "$A" timeline missing.jsonl
check "a directory"              1 "^asynclab timeline: \.:1: read error" -- "$A" timeline .
check "nothing printed on error" 1 "^asynclab timeline: garbage" -- sh -c "\"$A\" timeline garbage.jsonl 2>&1 >out.txt; s=\$?; test ! -s out.txt && exit \$s"
check "good trace"               0 "^a +▒" -- "$A" timeline good.jsonl
check "timeline --help"          0 "^usage: asynclab timeline FILE" -- "$A" timeline --help
check "timeline without a file"  2 "^usage: asynclab timeline" -- "$A" timeline
check "width too small"          2 "^asynclab timeline: --width expects a whole number from 40 to 1000, not '39'" -- "$A" timeline good.jsonl --width 39
check "width not a number"       2 "^asynclab timeline: --width expects a whole number" -- "$A" timeline good.jsonl --width wide
check "width without a value"    2 "^asynclab timeline: --width needs a value" -- "$A" timeline good.jsonl --width
check "unknown option"           2 "^asynclab timeline: unknown option '--frobnicate'" -- "$A" timeline good.jsonl --frobnicate
check "two traces"               2 "^asynclab timeline: one trace at a time" -- "$A" timeline good.jsonl good.jsonl
check "export bad trace"         1 "^asynclab export: garbage.jsonl:2: not JSON" -- "$A" export garbage.jsonl --svg bad.svg --perfetto bad.json
[ -e bad.svg ] || [ -e bad.json ] && { echo "FAIL export of a bad trace left a file"; fail=1; }
check "export missing file"      1 "^asynclab export: missing.jsonl: No such file or directory" -- "$A" export missing.jsonl --svg x.svg
check "export unwritable output" 1 "^asynclab export: cannot create /nonexistent/x.svg" -- "$A" export good.jsonl --svg /nonexistent/x.svg
check "export without an output" 2 "^asynclab export: say what to write" -- "$A" export good.jsonl
check "export --svg without file" 2 "^asynclab export: --svg needs a file name" -- "$A" export good.jsonl --svg
check "export same file twice"   2 "^asynclab export: --perfetto and --svg name the same file" -- "$A" export good.jsonl --svg o --perfetto o
check "export bad --svg-width"   2 "^asynclab export: --svg-width expects a whole number from 320 to 8000" -- "$A" export good.jsonl --svg o.svg --svg-width 10
check "export unknown option"    2 "^asynclab export: unknown option '--png'" -- "$A" export good.jsonl --png o.png
check "export --help"            0 "^usage: asynclab export FILE" -- "$A" export --help
check "help lists timeline"      0 "^  timeline +print a recorded trace" -- "$A" --help
check "help lists export"        0 "^  export +convert a trace" -- "$A" --help

# Every command's errors read the same way: "asynclab CMD: what is wrong"
# (al_cli_error), whatever the command and whatever the problem.
check "load: bad URL"            2 "^asynclab load: .*is not an http://host" -- "$A" load 127.0.0.1:1/
check "check: no URL"            2 "^asynclab check: which URL" -- "$A" check
check "compare: bad option"      2 "^asynclab compare: unknown option '--bogus'" -- "$A" compare --bogus
check "grade: no such exercise"  2 "^asynclab grade: no exercise '99'" -- "$A" grade 99
check "hint: no exercise given"  2 "^asynclab hint: which exercise" -- "$A" hint
check "lesson: no such lesson"   2 "^asynclab lesson: there is no lesson 9" -- "$A" lesson 9
check "view: two traces"         2 "^asynclab view: one trace at a time" -- "$A" view good.jsonl good.jsonl
check "view: a bad trace"        1 "^asynclab view: garbage.jsonl:2: not JSON" -- "$A" view garbage.jsonl
check "view: an empty trace"     1 "^asynclab view: empty.jsonl: the trace is empty" -- "$A" view empty.jsonl
check "view: nothing to show"    2 "^asynclab view: what to show" -- "$A" view
check "bench: unknown benchmark" 2 "^asynclab bench: unknown benchmark 'disk'" -- "$A" bench disk
check "serve: bad option"        2 "^asynclab serve: unknown option '--bogus'" -- "$A" serve --bogus
check "load: -c not a number"    2 "^asynclab load: -c expects a whole number" -- "$A" load http://127.0.0.1:1/ -c x
check "check: --sleep not secs"  2 "^asynclab check: --sleep expects seconds" -- "$A" check http://127.0.0.1:1/ --sleep x
exit $fail
