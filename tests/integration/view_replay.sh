#!/bin/sh
# view_replay.sh — `asynclab view FILE` in a real terminal: a recorded trace
# of lesson 5 opens at its first event, paused, saying which keys go on;
# space plays it to its end, n/p step one event, g/G jump to the start and
# the end, [ and ] change the speed, Enter shows a task's details.
# Then a live session recorded with --record replays the same program.
set -u
. "$(dirname "$0")/lib/view_tmux.sh" "$1"
FIXTURE="$HERE/../fixtures/frames/lesson05-virtual.jsonl"

tmux_start 120 40
type_line "$A view $FIXTURE"
# It opens at the start, paused, and says how to go on.
wait_for "REPLAY 1/40 1x  n: next event, space: play"
keys n
wait_for "REPLAY 2/40"
# space: the whole trace plays in about one second (virtual time, 1x), then stops.
keys Space
wait_for "REPLAY 40/40"
screen | grep -q "n: next event" && fail "the hint stays once the replay is over"
wait_for "Coroutine 3"
wait_for "Main finished"
keys g
wait_for "REPLAY 1/40"
keys n n n
wait_for "REPLAY 4/40"
wait_for "main"
keys p
wait_for "REPLAY 3/40"
keys G
wait_for "REPLAY 40/40"
keys ] ]
wait_for "REPLAY 40/40 5x"
keys [ [ [
wait_for "REPLAY 40/40 0.5x"
# Details of the selected lane: down to "Coroutine 1" (loop, main, Coroutine 1).
keys Down Down Enter
wait_for 'task #2 "Coroutine 1"'
keys Escape
wait_gone 'task #2 "Coroutine 1"'
keys q
shell_is_usable

# Record a live run, then replay the recording.
type_line "clear; $A view --record $TMP/rec.jsonl -- $BUILD/lessons/05-coroutines/coroutines --virtual"
wait_for "exited 0"
wait_for "Coroutine 2"
keys q
wait_for "vt>"
shell_is_usable
[ "$(grep -c '"ev":"exit"' "$TMP/rec.jsonl")" -eq 4 ] || fail "the recording lacks the four exits"
type_line "clear; $A view $TMP/rec.jsonl"
wait_for "REPLAY 1/40"
keys G
wait_for "REPLAY 40/40"
wait_for "Coroutine 3"
keys q
shell_is_usable
echo "ok: replay keys (n, p, g, G, [, ], Enter) and --record"
