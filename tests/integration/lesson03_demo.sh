#!/bin/sh
# Lesson 3's demo (what `asynclab lesson 3` runs) works: two answers from
# each server, each log shows the two accept/read rounds, and the callback
# server leaves a trace for the viewer (the raw server has none).
# Usage: sh lesson03_demo.sh BUILD_DIR
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
DEMO="$(dirname "$0")/../../lessons/03-epoll-loop/demo.sh"

# As the viewer runs it (asynclab lesson 3 sets ASYNCLAB_TRACE): the raw
# epoll server, then the callback server, whose trace the timeline draws.
ASYNCLAB_TRACE="$TMP/trace.jsonl" sh "$DEMO" "$1" >"$TMP/out" 2>&1
check "the demo exits 0" [ $? -eq 0 ]
check "two answers from each server" [ "$(grep -cx '{"Hello": "World"}' "$TMP/out")" -eq 4 ]
check "the logs show two accepts each" [ "$(grep -c 'handler_name: accept$' "$TMP/out")" -eq 4 ]
check "... and two answers each" [ "$(grep -c ' response to$' "$TMP/out")" -eq 4 ]
check "the raw epoll server's log" grep -q "The server's log (lesson03_epoll_server --port 0)" "$TMP/out"
check "the callback server's log" grep -q "The server's log (lesson03_callback_server --port 0)" "$TMP/out"
check "the timeline is not empty: the callback server traced, named in full" \
    grep -q '"ev":"hello".*"program":"lesson03_callback_server"' "$TMP/trace.jsonl"
check "... its two accepts and reads are there (fd_ready, output)" \
    [ "$(grep -c '"text":"handler_name: accept"' "$TMP/trace.jsonl")" -eq 2 ]
sh "$DEMO" /nonexistent >/dev/null 2>&1
check "a wrong build directory is an error" [ $? -ne 0 ]
[ $FAILED -eq 0 ] || cat "$TMP/out"
exit "$FAILED"
