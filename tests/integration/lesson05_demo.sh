#!/bin/sh
# lesson05_demo.sh — lesson 5's demo.sh (what `asynclab lesson 5` runs)
# completes and shows what it promises: the concurrent and the sequential
# run, the blocking warnings, the trace's suspend/timer/exit events, and the
# nursery cancelling a failed child's siblings.
set -eu
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$TMP/out" >&2; exit 1; }

env -u ASYNCLAB_TRACE sh "$HERE/../../lessons/05-coroutines/demo.sh" "$BUILD" >"$TMP/out" 2>&1 ||
  fail "demo.sh exited $?"
[ "$(grep -c '^Main finished$' "$TMP/out")" -eq 3 ] || fail "expected three runs to finish"
[ "$(grep -c "^Executing <Task 'Coroutine [123]'> took 0\.[3-9][0-9][0-9] seconds$" "$TMP/out")" -eq 3 ] ||
  fail "expected three slow-step warnings"
[ "$(grep -c '"ev":"suspend","task":[0-9]*,"reason":"sleep","until":1000000' "$TMP/out")" -eq 3 ] ||
  fail "expected the trace's three sleeps until t=1000000"
[ "$(grep -c '"ev":"exit".*"status":"ok"' "$TMP/out")" -eq 4 ] || fail "expected four task exits in the trace"
grep -q '^fetch users: cancelled after 1.0 s$' "$TMP/out" && grep -q '^main: the nursery failed with connection refused' "$TMP/out" ||
  fail "expected the nursery run: a sibling cancelled at 1 s, the error reported"
echo "ok: lesson 5 demo"
