#!/bin/sh
# lesson04_pascal.sh — pascal_triangle prints the article's five rows, any
# number of rows up to 68 correctly (checked against Python's math.comb), and
# refuses --rows values it cannot print correctly.
set -eu
BIN=$1/lessons/04-generators
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$BIN/pascal_triangle" >"$TMP/out" || fail "pascal_triangle exited $?"
printf '[1]\n[1, 1]\n[1, 2, 1]\n[1, 3, 3, 1]\n[1, 4, 6, 4, 1]\n' >"$TMP/expected"
cmp -s "$TMP/out" "$TMP/expected" || { diff "$TMP/expected" "$TMP/out" >&2 || true; fail "five rows differ"; }

for n in 1 12 68; do
  "$BIN/pascal_triangle" --rows "$n" >"$TMP/out" || fail "--rows $n exited $?"
  /usr/bin/python3 -c '
import math, sys
n = int(sys.argv[1])
for r in range(n):
    print("[" + ", ".join(str(math.comb(r, k)) for k in range(r + 1)) + "]")
' "$n" >"$TMP/expected"
  cmp -s "$TMP/out" "$TMP/expected" || { diff "$TMP/expected" "$TMP/out" | head >&2 || true; fail "--rows $n differs"; }
done

for bad in 0 69 -3 abc 5x ""; do
  status=0
  "$BIN/pascal_triangle" --rows "$bad" >"$TMP/out" 2>"$TMP/err" || status=$?
  [ "$status" -eq 2 ] || fail "--rows '$bad' should exit 2, got $status"
  grep -q 'from 1 to 68' "$TMP/err" || fail "--rows '$bad': no clear message: $(cat "$TMP/err")"
  [ ! -s "$TMP/out" ] || fail "--rows '$bad' printed rows"
done
status=0
"$BIN/pascal_triangle" --rows >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "--rows without a value should exit 2, got $status"
echo "ok: pascal_triangle"
