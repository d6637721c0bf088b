#!/bin/sh
# view_step.sh — slow motion for the classroom: `asynclab view --step` runs
# a virtual-clock program's real scheduler one loop iteration per key press.
# The program is held before its first iteration (only main exists); each s
# runs one iteration (the coroutines appear, then sleep, then finish), c lets
# it run to the end.
#
# Needs the loop's hook: al_loop_run_once() calls al__loop_step_gate()
# (core/loop/src/loop_step.c) before each iteration.
set -u
. "$(dirname "$0")/lib/view_tmux.sh" "$1"
PROG=${VIEW_STEP_PROGRAM:-$BUILD/lessons/05-coroutines/coroutines}
grep -q "al__loop_step_gate" "$HERE/../../core/loop/src/loop.c" || {
  echo "FAIL: al_loop_run_once() does not call al__loop_step_gate() yet (core/loop/src/loop_step.c):"
  echo "      slow motion cannot hold the loop"
  exit 1
}

tmux_start 100 30
type_line "$A view --step -- $PROG --virtual"
wait_for "STEP 0"
wait_for "main"
# Held before the first iteration: main is ready, nothing else exists yet.
screen | grep -q "Coroutine 1" && fail "the program ran although it was held"
keys s
wait_for "STEP 1"
wait_for "Coroutine 3"                      # iteration 1: main ran and spawned them
screen | grep -q "sleep until" && fail "more than one iteration ran"
keys s
wait_for "STEP 2"
wait_for "sleep until 1.000 s"              # iteration 2: they ran and await their sleeps
keys c                                      # let it run: the rest at once
wait_for "exited 0"
wait_for "4 tasks, 0 alive"
keys q
shell_is_usable

# A program on the real clock is never held: slow motion says why.
type_line "clear; $A view --step -- $PROG --seconds 0.2"
wait_for "exited 0"
keys s
wait_for "Slow motion"
keys q
shell_is_usable
echo "ok: slow motion steps the scheduler one iteration per key"
