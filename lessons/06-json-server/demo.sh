#!/bin/sh
# demo.sh — lesson 6 at work (what `asynclab lesson 6` runs).
#
#   sh lessons/06-json-server/demo.sh BUILD_DIR
#
# Starts the JSON server on a free port, asks it the article's questions with
# curl, shows three one-second sleeps overlapping, then /blocking stalling
# the loop and /offload not stalling it, and stops the server with Ctrl+C's
# signal. About 6 s; every wait is bounded.
set -eu
BUILD=${1:-build}
SERVER=$BUILD/lessons/06-json-server/json_server
[ -x "$SERVER" ] || { echo "demo: $SERVER not found: build first (cmake --build $BUILD)" >&2; exit 1; }
command -v curl >/dev/null || { echo "demo: needs curl" >&2; exit 1; }
TMP=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
step() { printf '\n--- %s\n' "$*"; }
now() { date +%s.%N | cut -c1-14; }
since() { awk -v a="$(now)" -v b="$1" -v c="${2:-0}" 'BEGIN { printf "%.2f", a - b - c }'; }
ask() { printf '$ curl %s\n' "$1"; curl -s --max-time 10 "http://127.0.0.1:$PORT$1"; echo; }

# The log exists before the server starts: the shell opens it in the
# background child, which may run after the first grep below.
: >"$TMP/log"
"$SERVER" --port 0 --access-log >"$TMP/log" 2>&1 &
PID=$!
tries=0
until grep -q 'running on' "$TMP/log"; do
    tries=$((tries + 1))
    [ $tries -le 100 ] || { cat "$TMP/log"; exit 1; }
    sleep 0.05
done
PORT=$(sed -n 's/.*running on http:\/\/127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$TMP/log")
step "the server (json_server --port 0: a free port; asynclab serve is the same):"
head -1 "$TMP/log"

step "Example 1, a typed parameter, and FastAPI's error shapes:"
ask /
ask /items/42?q=hi
ask /items/x
ask /nope

step "three clients ask GET /sleep?s=1 at the same time. One thread, three
    awaits: they finish together, after about 1 s, not 3."
t0=$(now)
CURLS=
for i in 1 2 3; do
    curl -s --max-time 10 "http://127.0.0.1:$PORT/sleep?s=1" >"$TMP/sleep$i" &
    CURLS="$CURLS $!"
done
wait $CURLS
echo "all three answered after $(since "$t0") s:"; cat "$TMP/sleep1"; echo

step "GET /blocking?s=1 blocks the loop (time.sleep in an async def). A GET /
    sent 0.2 s later has to wait for it:"
t0=$(now)
curl -s --max-time 10 "http://127.0.0.1:$PORT/blocking?s=1" >/dev/null &
SLOW=$!
sleep 0.2
curl -s --max-time 10 "http://127.0.0.1:$PORT/" >/dev/null
echo "GET / answered $(since "$t0" 0.2) s after it was sent"
wait $SLOW

step "GET /offload?s=1 runs the same blocking call on libuv's thread pool. The
    loop is free, and a GET / sent 0.2 s later is answered at once:"
t0=$(now)
curl -s --max-time 10 "http://127.0.0.1:$PORT/offload?s=1" >/dev/null &
SLOW=$!
sleep 0.2
curl -s --max-time 10 "http://127.0.0.1:$PORT/" >/dev/null
echo "GET / answered $(since "$t0" 0.2) s after it was sent"
wait $SLOW

step "Ctrl+C (SIGINT): stop accepting, finish what is in flight, exit 0. The
    server's access log (--access-log, uvicorn's format):"
kill -INT "$PID"
wait "$PID"
PID=
grep -v 'running on' "$TMP/log"
printf '\n(read lessons/06-json-server/README.md, "What to look for on the timeline")\n'
