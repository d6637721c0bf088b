#!/bin/sh
# demo.sh — lesson 1 at work (what `asynclab lesson 1` runs).
#
#   sh lessons/01-blocking-socket/demo.sh BUILD_DIR      (PORT=N to change 8001)
#
# Starts the blocking server, sends it one request with curl, then shows the
# lesson's point: a slow client holds the server and a fast one has to wait
# for it. Then the SIGPIPE demo, and a signal interrupting a blocked call
# (EINTR). The server's log appears as it is written.
# Needs curl, and /usr/bin/python3 for the slow client.
set -eu
BUILD=${1:-build}
PORT=${PORT:-8001}
LESSON=$BUILD/lessons/01-blocking-socket
SERVER=$LESSON/lesson01_blocking_server
[ -x "$SERVER" ] || { echo "demo: $SERVER not found: build first (cmake --build $BUILD)" >&2; exit 1; }

TMP=$(mktemp -d)
SERVER_PID=
TAIL_PID=
cleanup() {
  [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
  [ -z "$TAIL_PID" ] || kill "$TAIL_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM  # so that cleanup runs (EXIT)

# Wait (at most 10 s) until the server's log has $2 lines matching $1.
wait_for_log() {
  tries=0
  while [ "$(grep -c "$1" "$TMP/server.log" || true)" -lt "$2" ]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "demo: the server stopped" >&2; exit 1; }
    tries=$((tries + 1))
    [ "$tries" -le 200 ] || { echo "demo: no '$1' from the server" >&2; exit 1; }
    sleep 0.05
  done
}
step() { sleep 0.2; printf '\n--- %s\n' "$*"; }

step "start the server on 127.0.0.1:$PORT (its log follows, as it happens)"
: >"$TMP/server.log"
tail -f "$TMP/server.log" &
TAIL_PID=$!
"$SERVER" --port "$PORT" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
wait_for_log "Waiting for a connection" 1

step "curl http://127.0.0.1:$PORT/"
ANSWER=$(curl -sS "http://127.0.0.1:$PORT/")
echo "curl got: $ANSWER"    # one line, so the server's log cannot cut into it

step "a slow client connects and thinks for 2 s before it sends; a fast client comes right after"
/usr/bin/python3 - "$PORT" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(2)   # connected, but silent: the server is stuck in recv() for us
s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Client: slow\r\n\r\n")
s.recv(1024)
PY
SLOW_PID=$!
wait_for_log "Got connection" 2
curl -sS -o /dev/null -H "X-Client: fast" -w "fast client: answered after %{time_total} s (it waited for the slow one)\n" \
  "http://127.0.0.1:$PORT/"
wait "$SLOW_PID"
# The server's log has each request as it read it: the fast one's only after
# the slow one's, though the fast client sent its request right after
# connecting, while the slow one was still thinking.
ORDER=$(grep -o 'X-Client: [a-z]*' "$TMP/server.log" | sed 's/X-Client: //' | paste -s -d, - | sed 's/,/, then /g')
echo "the server read the requests in this order: $ORDER"

step "SIGPIPE: a client sends a request, then resets its connection before the answer"
"$LESSON/lesson01_reset_client" --port "$PORT"

step "EINTR: a signal arrives while a thread is blocked in read() and in poll()"
"$LESSON/lesson01_eintr"

step "done: stopping the server"
