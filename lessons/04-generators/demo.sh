#!/bin/sh
# demo.sh — lesson 4 at work (what `asynclab lesson 4` runs).
#
#   sh lessons/04-generators/demo.sh BUILD_DIR
#
# Runs each program of the lesson with a line or two about what to notice.
# Takes about one second (the coroutine's sleep, on the real clock).
set -eu
BUILD=${1:-build}
BIN=$BUILD/lessons/04-generators
[ -x "$BIN/simple_generator" ] || {
  echo "demo: $BIN/simple_generator not found: build first (cmake --build $BUILD)" >&2
  exit 1
}
step() { printf '\n--- %s\n' "$*"; }

step "simple_generator: three next() calls. Each one runs the generator up to its
    next yield, so its own prints come out between the values it yields."
"$BIN/simple_generator"

step "pascal_triangle: an infinite generator. The current row lives in its frame;
    each next() computes one more row from it. We ask for five and stop."
"$BIN/pascal_triangle"

step "send_demo: values go *into* a paused generator (send), close() runs its
    FINALLY section, and a finished generator stays finished (-ENODATA)."
"$BIN/send_demo"

step "generator_coroutine: a generator yields a sleep request to a tiny event
    loop. The loop does the waiting (one real second), then resumes it."
"$BIN/generator_coroutine"

step "generator_coroutine --virtual: the loop jumps its clock instead of waiting.
    Instant, and End is still exactly one second after Start."
"$BIN/generator_coroutine" --virtual
