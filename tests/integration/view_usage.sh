#!/bin/sh
# view_usage.sh — `asynclab view` and `asynclab lesson` on the command line:
# help, bad usage (exit 2, named), files that cannot be shown (exit 1, the
# line named), and no terminal (a clear message, not a garbled screen).
set -u
A="$1/tui/asynclab"
HERE=$(cd "$(dirname "$0")" && pwd)
FIXTURE="$HERE/../fixtures/frames/lesson05-virtual.jsonl"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/lib/cli_check.sh"   # check DESCRIPTION STATUS PATTERN -- command...
printf '{"v":1,"ev":"hello","t":0}\n{"t":1,"ev":"spawn","task":1,"name":"a"}\n{"t":0,"ev":"resume","task":1}\n' \
  >"$TMP/backwards.jsonl"
: >"$TMP/empty.jsonl"

check "help lists view"               0 "^  view +watch a program live" -- "$A" --help
check "view --help"                   0 "asynclab view \[options\] -- CMD" -- "$A" view --help
check "view without anything"         2 "what to show\?" -- "$A" view
check "view with a file and a command" 2 "not both" -- "$A" view "$FIXTURE" -- true
check "view of two files"             2 "one trace at a time" -- "$A" view a.jsonl b.jsonl
check "view of stdin"                 2 "cannot come from stdin" -- "$A" view -
check "view --record of a file"       2 "for a live program" -- "$A" view --record x.jsonl "$FIXTURE"
check "view --record without a name"  2 "needs a file name" -- "$A" view --record
check "view --max-events not a number" 2 "--max-events expects a whole number" -- "$A" view --max-events lots -- true
check "view of an unknown option"     2 "unknown option '--frobnicate'" -- "$A" view --frobnicate x
check "view of a missing file"        1 "nothere.jsonl: No such file" -- "$A" view "$TMP/nothere.jsonl"
check "view of an empty trace"        1 "the trace is empty" -- "$A" view "$TMP/empty.jsonl"
check "view of a good trace, no tty"  1 "needs a terminal" -- "$A" view "$FIXTURE"
check "view of a command, no tty"     1 "needs a terminal" -- "$A" view -- true
check "lesson --help"                 0 "--no-tui" -- "$A" lesson --help
check "lesson off a terminal: text"   0 "Lesson 4" -- env ASYNCLAB_BINARY_DIR="$1" "$A" lesson 4
# A model that refuses an event (time going backwards) is not fatal in a
# replay: the file is read, the screen would show it; only no tty stops it.
check "view of a trace going back"    1 "needs a terminal" -- "$A" view "$TMP/backwards.jsonl"
exit $fail
