#!/bin/sh
# serve_trace.sh — with ASYNCLAB_TRACE set, the server's loop traces like any
# core program: task handlers appear as tasks named after their route ("GET
# /sleep"), each with its suspend (sleep) and exit; /blocking shows up as a
# slow step (it held the loop); the upstream call is a child task.
# Usage: sh serve_trace.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

serve up --upstream-demo
UP=$PORT
UPID=$PID
ASYNCLAB_TRACE="$TMP/trace.jsonl" "$A" serve --port 0 --upstream "http://127.0.0.1:$UP/" >"$TMP/traced.log" 2>&1 &
PID=$!
PIDS="$PIDS $PID"
PORT=$($RAW waitport "$TMP/traced.log" "$PID") || exit 1
body "http://127.0.0.1:$PORT/" >/dev/null
body "http://127.0.0.1:$PORT/sleep?s=0.1" >/dev/null
body "http://127.0.0.1:$PORT/blocking?s=0.15" >/dev/null
body "http://127.0.0.1:$PORT/external-api" >/dev/null
stop "$PID"
check "traced server: exit 0" [ "$STATUS" -eq 0 ]
T="$TMP/trace.jsonl"
check "the trace starts with hello, backend uv" grep -q '"ev":"hello".*"backend":"uv"' "$T"
check "GET /sleep is a fiber task" grep -q '"ev":"spawn","task":[0-9]*,"name":"GET /sleep","kind":"fiber"' "$T"
check "... that suspends to sleep" grep -q '"ev":"suspend".*"why":"sleep"\|"ev":"suspend".*"sleep"' "$T"
check "GET /blocking is a task" grep -q '"name":"GET /blocking"' "$T"
check "... and a slow step of at least 150 ms" \
    $PY -c 'import json,sys; sys.exit(0 if any(e.get("ev")=="slow" and e.get("us",0)>=150000 for e in map(json.loads, open(sys.argv[1]))) else 1)' "$T"
check "/external-api's task, named in full (a fiber's name is not cut at 15 bytes)" \
    grep -q '"name":"GET /external-api","kind":"fiber"' "$T"
check "/external-api's task and its upstream child" grep -q '"name":"upstream GET"' "$T"
check "... the child's parent is the handler" $PY - "$T" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
names = {e["task"]: e["name"] for e in ev if e.get("ev") == "spawn"}
child = [e for e in ev if e.get("ev") == "spawn" and e["name"] == "upstream GET"]
sys.exit(0 if child and names.get(child[0]["parent"]) == "GET /external-api" else 1)
PY
check "GET / (inline) spawns no task" [ "$(grep -c '"ev":"spawn"' "$T")" -eq 4 ]
if "$A" timeline "$T" >"$TMP/timeline" 2>&1; then
    check "asynclab timeline shows the lanes" grep -q '^GET /sleep' "$TMP/timeline"
fi
stop "$UPID"
exit "$FAILED"
