#!/bin/sh
# demo.sh — lesson 5 at work (what `asynclab lesson 5` runs).
#
#   sh lessons/05-coroutines/demo.sh BUILD_DIR
#
# The article's three coroutines on the real clock (1 s), then awaited one by
# one (3 s), then a blocking sleep on the virtual clock (0.9 s of real
# blocking), then a look at the trace of a virtual run, then a nursery whose failing
# child cancels its siblings. About 5 s in all.
set -eu
BUILD=${1:-build}
PROG=$BUILD/lessons/05-coroutines/coroutines
[ -x "$PROG" ] || { echo "demo: $PROG not found: build first (cmake --build $BUILD)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
step() { printf '\n--- %s\n' "$*"; }

# Under `asynclab lesson 5 --step` (ASYNCLAB_STEPPING set) the viewer holds a
# program before each loop iteration, but only one on the virtual clock: a
# real-clock loop held by a key press would see its timers fall due while
# it waits. So when stepping, every program of the demo runs on the virtual
# clock, and each waits for the key. The seconds are the loop's, not yours.
CLOCK=
if [ -n "${ASYNCLAB_STEPPING:-}" ]; then
    CLOCK=--virtual
    echo "stepping (asynclab lesson 5 --step): every program below runs on the virtual clock,"
    echo "so each loop iteration waits for your key (s: one iteration, c: run on)."
fi

step "coroutines: three tasks, each awaits a one-second sleep. They all start
    within microseconds and all finish one second later: about 1 s in total."
"$PROG" $CLOCK

step "coroutines --sequential: the same coroutines awaited one by one, without
    tasks. Each sleep starts when the previous one is over: about 3 s."
"$PROG" --sequential $CLOCK

step "coroutines --blocking --seconds 0.3 --virtual: a blocking sleep inside each
    coroutine. Nobody else can run meanwhile, and the loop warns (stderr) about
    each step that held it longer than 100 ms."
"$PROG" --blocking --seconds 0.3 --virtual 2>&1

step "coroutines --virtual --fiber, traced to a file: the same timeline as stackful
    fibers, instantly (a trace to a file is not the viewer's: this one is not
    stepped). The suspend/timer/exit events, microseconds on the loop's clock:"
ASYNCLAB_TRACE=$TMP/trace.jsonl "$PROG" --virtual --fiber >/dev/null
grep -E '"ev":"(spawn|suspend|timer|exit)"' "$TMP/trace.jsonl"
step "nursery --virtual: structured concurrency. Three children in a nursery;
    one fails at 1 s and the nursery cancels the two others at once."
"$BUILD/lessons/05-coroutines/nursery" --virtual

printf '\n(read lessons/05-coroutines/README.md, "What to look for on the timeline")\n'
