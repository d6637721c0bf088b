#!/bin/sh
# lesson04_demo.sh — lesson 4's demo.sh (what `asynclab lesson 4` runs)
# completes and shows every program's output.
set -eu
. "$(dirname "$0")/lib/demo_env.sh" "$1"

run_demo 04-generators
for want in '^Third value$' '^\[1, 4, 6, 4, 1\]$' 'averager: finally: 3 values seen' \
            '^next(cd) again: -ENODATA' '^End coroutine [0-9-]* [0-9:.]*$'; do
  grep -q "$want" "$TMP/out" || fail "the demo's output has no line matching '$want'"
done
[ "$(grep -c '^Start coroutine ' "$TMP/out")" -eq 2 ] || fail "expected two coroutine runs"
echo "ok: lesson 4 demo"
