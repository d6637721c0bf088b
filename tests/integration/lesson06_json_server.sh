#!/bin/sh
# lesson06_json_server.sh — the lesson's own binary (json_server) is the same
# server as `asynclab serve`: the same answers, its own name in messages, every
# backend through ASYNCLAB_BACKEND, a bad backend name refused.
# Usage: sh lesson06_json_server.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

ASYNCLAB_BACKEND=poll "$JSON_SERVER" --port 0 >"$TMP/js.log" 2>&1 &
PID=$!
PIDS="$PIDS $PID"
PORT=$($RAW waitport "$TMP/js.log" "$PID") || { cat "$TMP/js.log"; exit 1; }
check "json_server names itself and takes ASYNCLAB_BACKEND" \
    grep -q "^json_server: JSON server running on http://127.0.0.1:$PORT (backend poll;" "$TMP/js.log"
check "GET /" [ "$(body "http://127.0.0.1:$PORT/")" = '{"Hello": "World"}' ]
check "GET /offload?s=0.1 (the thread fallback on poll)" \
    [ "$(body "http://127.0.0.1:$PORT/offload?s=0.1")" = '{"Hello":"World","offloaded":0.1}' ]
stop "$PID"
check "exit 0 on SIGINT" [ "$STATUS" -eq 0 ]
ASYNCLAB_BACKEND=kqueue "$JSON_SERVER" --port 0 >"$TMP/out" 2>&1
check "ASYNCLAB_BACKEND=kqueue: exit 2" [ $? -eq 2 ]
check "... naming where it came from" grep -q "unknown backend 'kqueue' (from \$ASYNCLAB_BACKEND)" "$TMP/out"
"$JSON_SERVER" --help >"$TMP/out"
check "--help starts with usage: json_server" grep -q '^usage: json_server' "$TMP/out"
"$JSON_SERVER" --port 0 --host 300.1.1.1 >"$TMP/out" 2>&1
check "an invalid --host: exit 1 with a message" [ $? -eq 1 ]
check "... cannot listen" grep -q 'cannot listen on 300.1.1.1' "$TMP/out"
exit "$FAILED"
