#!/bin/sh
# view_history_limit.sh — a live program that sends more events than the
# viewer keeps (--max-events; by default 2,000,000, for a server under load):
# the picture stops at the limit and the status bar says "history full", the
# program is not held up (it runs to its end: "exited 0"), q still quits and
# gives the terminal back, and afterwards stderr says how many events were
# not shown. Lesson 5 sends about 40 events; the limit here is 12. A replay
# loads at most that many events of its file (a huge or hostile file cannot
# take all the memory): the status bar shows "N/N+", stderr says the file had
# more.
set -u
. "$(dirname "$0")/lib/view_tmux.sh" "$1"
PROG=$BUILD/lessons/05-coroutines/coroutines
ERR=$(mktemp)
trap 'rm -f "$ERR"; vt_cleanup' EXIT

tmux_start 120 30
type_line "$A view --max-events 12 -- $PROG --virtual 2>$ERR"
wait_for "exited 0, history full"
screen | grep -q "dropped [1-9]" || fail "the status bar does not count the events it dropped"
screen | grep -q "Coroutine 3 finished" && fail "events beyond the limit reached the picture"
keys q
shell_is_usable
grep -q "the history limit (12 events) was reached; the [0-9][0-9]* events after it were not shown" "$ERR" ||
    { echo "FAIL: no word on stderr about the limit; stderr was:"; cat "$ERR"; exit 1; }

# Without a limit (0) the same program is seen to its end.
type_line "clear; $A view --max-events 0 -- $PROG --virtual 2>$ERR"
wait_for "exited 0"
wait_for "4 tasks, 0 alive"
screen | grep -q "history full" && fail "history full without a limit"
keys q
shell_is_usable
[ -s "$ERR" ] && { echo "FAIL: stderr without a limit:"; cat "$ERR"; exit 1; }
# A replay of a 40-event file, limited to 5.
FIXTURE="$HERE/../fixtures/frames/lesson05-virtual.jsonl"
type_line "clear; $A view --max-events 5 $FIXTURE 2>$ERR"
wait_for "REPLAY 1/5+"   # a replay opens at its start, paused
keys G
wait_for "REPLAY 5/5+"
keys q
shell_is_usable
grep -q "lesson05-virtual.jsonl has more than 5 events; the replay showed the first 5" "$ERR" ||
    { echo "FAIL: no word on stderr about the cut replay; stderr was:"; cat "$ERR"; exit 1; }
echo "ok: the live history and the replay are bounded, and the limit is said on screen and on stderr"
