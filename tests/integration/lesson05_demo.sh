#!/bin/sh
# lesson05_demo.sh — lesson 5's demo.sh (what `asynclab lesson 5` runs)
# completes and shows what it promises: the concurrent and the sequential
# run, the blocking warnings, the trace's suspend/timer/exit events, and the
# nursery cancelling a failed child's siblings.
set -eu
. "$(dirname "$0")/lib/demo_env.sh" "$1"

run_demo 05-coroutines
[ "$(grep -c '^Main finished$' "$TMP/out")" -eq 3 ] || fail "expected three runs to finish"
# At least the 0.3 s each blocks (a loaded machine may stretch a step, never shrink it)
[ "$(grep -cE "^Executing <Task 'Coroutine [123]'> took (0\.[3-9]|[1-9][0-9]*\.)[0-9]+ seconds$" "$TMP/out")" -eq 3 ] ||
  fail "expected three slow-step warnings"
[ "$(grep -c '"ev":"suspend","task":[0-9]*,"reason":"sleep","until":1000000' "$TMP/out")" -eq 3 ] ||
  fail "expected the trace's three sleeps until t=1000000"
[ "$(grep -c '"ev":"exit".*"status":"ok"' "$TMP/out")" -eq 4 ] || fail "expected four task exits in the trace"
grep -q '^fetch users: cancelled after 1.0 s$' "$TMP/out" && grep -q '^main: the nursery failed with connection refused' "$TMP/out" ||
  fail "expected the nursery run: a sibling cancelled at 1 s, the error reported"

# As `asynclab lesson 5 --step` runs it: a live trace (fd) and a step control
# descriptor. The viewer can hold only a virtual-clock loop, so every
# program the viewer watches must run on the virtual clock, not just one.
# (The control descriptor is /dev/null here: at its end a program runs on,
# so the test does not need the keys; the clocks are what it checks.)
ASYNCLAB_TRACE=fd:8 ASYNCLAB_STEP=fd:9 ASYNCLAB_STEPPING=1 sh "$HERE/../../lessons/05-coroutines/demo.sh" "$BUILD" \
  >"$TMP/out" 2>&1 8>"$TMP/live.jsonl" 9</dev/null || fail "demo.sh --step exited $?"
grep -q '^stepping (asynclab lesson 5 --step): every program below runs on the virtual clock' "$TMP/out" ||
  fail "stepping: the demo does not say what steps"
[ "$(grep -c '"ev":"hello"' "$TMP/live.jsonl")" -eq 4 ] || fail "stepping: expected four live programs (three coroutines runs, the nursery)"
if grep '"ev":"hello"' "$TMP/live.jsonl" | grep -qv '"clock":"virtual"'; then
  grep '"ev":"hello"' "$TMP/live.jsonl" >&2
  fail "stepping: a program the viewer watches runs on the real clock, so it cannot be stepped"
fi
echo "ok: lesson 5 demo"
