#!/bin/sh
# lesson04_simple.sh — lesson 4's simple_generator prints exactly the
# article's six lines, and refuses arguments it does not know.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"
BIN=$BUILD/lessons/04-generators

"$BIN/simple_generator" >"$TMP/out" 2>"$TMP/err" || fail "simple_generator exited $?"
printf 'First value\n1\nSecond value\n2\nThird value\n3\n' | output_is "output differs"
stderr_empty

status=0
"$BIN/simple_generator" --bogus >/dev/null 2>"$TMP/err" || status=$?
[ "$status" -eq 2 ] || fail "an unknown option should exit 2, got $status"
grep -q 'usage: simple_generator' "$TMP/err" || fail "no usage on stderr for a bad option"
echo "ok: simple_generator"
