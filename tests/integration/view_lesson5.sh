#!/bin/sh
# view_lesson5.sh — `asynclab lesson 5` in a real terminal (tmux): the lanes
# appear live, and pause, zoom, help, a resize to 80x24 and below it, and q
# do what a person expects; afterwards the shell works as before.
set -u
. "$(dirname "$0")/lib/view_tmux.sh" "$1"

tmux_start 120 40
type_line "$A lesson 5"

# The demo's first program: three coroutines on the real clock, live.
wait_for "Coroutine 1"
wait_for "Coroutine 3"
wait_for "lesson 5: coroutines"
screen | grep -q "Timeline" || fail "no timeline panel"

keys Space
wait_for "PAUSED"
keys Space
wait_for "LIVE"

# Zoom: the picture leaves "fit" for a fixed scale.
wait_for "(fit)"
keys +
wait_gone "(fit)"

# The help overlay, with its teaching sentences; Escape closes it.
keys ?
wait_for "asynclab viewer: help"
wait_for "quit (closes this help"
keys Escape
wait_gone "asynclab viewer: help"

# At 120x40 every panel shows at once: the task table and the lesson notes.
wait_for "resumes"
wait_for "Lesson notes"
# Resize: 80x24 re-lays out (one panel at a time, under tabs); smaller says
# what size it needs; back again, the picture returns.
resize 80 24
deadline=$(( $(date +%s) + 10 ))
until screen | grep -Eq "Tasks.{1,6}Events.{1,6}Output.{1,6}Notes"; do
  [ "$(date +%s)" -le "$deadline" ] || fail "no tabs after the resize to 80x24"
  sleep 0.05
done
wait_gone "Lesson notes"
# By now the demo may have moved on to a later program: every one has the
# event loop's lane.
wait_for "event loop"
resize 70 20
wait_for "needs a terminal of at least 80x24"
wait_for "this one is 70x20"
resize 120 40
wait_gone "needs a terminal"
wait_for "event loop"
wait_for "Lesson notes"

# The demo ends by itself (about 5 s); the viewer stays until q.
wait_for "exited 0" 30
keys q
wait_for "vt>" 10
shell_is_usable
echo "ok: lesson 5 in the viewer (live lanes, pause, zoom, help, resize, quit)"
