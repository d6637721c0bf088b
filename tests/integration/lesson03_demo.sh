#!/bin/sh
# Lesson 3's demo (what `asynclab lesson 3` runs) works: two answers, and the
# server's log shows the two accept/read rounds.
# Usage: sh lesson03_demo.sh BUILD_DIR
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
DEMO="$(dirname "$0")/../../lessons/03-epoll-loop/demo.sh"

sh "$DEMO" "$1" >"$TMP/out" 2>&1
check "the demo exits 0" [ $? -eq 0 ]
check "two answers" [ "$(grep -cx '{"Hello": "World"}' "$TMP/out")" -eq 2 ]
check "the log shows two accepts" [ "$(grep -c 'handler_name: accept$' "$TMP/out")" -eq 2 ]
check "... and two answers" [ "$(grep -c ' response to$' "$TMP/out")" -eq 2 ]
sh "$DEMO" /nonexistent >/dev/null 2>&1
check "a wrong build directory is an error" [ $? -ne 0 ]
[ $FAILED -eq 0 ] || cat "$TMP/out"
exit "$FAILED"
