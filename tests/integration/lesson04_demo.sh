#!/bin/sh
# lesson04_demo.sh — lesson 4's demo.sh (what `asynclab lesson 4` runs)
# completes and shows every program's output.
set -eu
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$TMP/out" >&2; exit 1; }

sh "$HERE/../../lessons/04-generators/demo.sh" "$BUILD" >"$TMP/out" 2>&1 || fail "demo.sh exited $?"
for want in '^Third value$' '^\[1, 4, 6, 4, 1\]$' 'averager: finally: 3 values seen' \
            '^next(cd) again: -ENODATA' '^End coroutine [0-9-]* [0-9:.]*$'; do
  grep -q "$want" "$TMP/out" || fail "the demo's output has no line matching '$want'"
done
[ "$(grep -c '^Start coroutine ' "$TMP/out")" -eq 2 ] || fail "expected two coroutine runs"
echo "ok: lesson 4 demo"
