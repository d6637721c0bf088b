#!/bin/sh
# demo.sh — lesson 2 at work (what `asynclab lesson 2` runs).
#
#   sh lessons/02-select/demo.sh BUILD_DIR      (PORT=N to change 8001)
#
# Starts the select() server and replays lesson 1's experiment: a slow
# client holds a connection, a fast one comes right after, and this time it
# is answered at once. Then a request sent in pieces, and the FD_SETSIZE
# limit: select() refuses a listening socket on fd 1500, poll() serves on it.
# Needs curl, and /usr/bin/python3 for the slow clients.
set -eu
BUILD=${1:-build}
PORT=${PORT:-8001}
LESSON=$BUILD/lessons/02-select
[ -x "$LESSON/lesson02_select_server" ] || { echo "demo: $LESSON/lesson02_select_server not found: build first (cmake --build $BUILD)" >&2; exit 1; }

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
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}
step() { sleep 0.2; printf '\n--- %s\n' "$*"; }

step "start the select() server on 127.0.0.1:$PORT (its log follows, as it happens)"
: >"$TMP/server.log"
tail -f "$TMP/server.log" &
TAIL_PID=$!
"$LESSON/lesson02_select_server" --port "$PORT" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
wait_for_log "Waiting for a connection" 1

step "a slow client connects and thinks for 2 s before it sends; a fast client comes right after"
/usr/bin/python3 - "$PORT" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(2)   # connected, but silent: select() simply does not report us
s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Client: slow\r\n\r\n")
s.recv(1024)
PY
SLOW_PID=$!
wait_for_log "Got connection" 1
curl -sS -o /dev/null -H "X-Client: fast" -w "fast client: answered after %{time_total} s (it did not wait)\n" \
  "http://127.0.0.1:$PORT/"
wait "$SLOW_PID"

step "a request in four pieces, 0.5 s apart: one \"Received:\" once the blank line is complete"
/usr/bin/python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
for piece in [b"GET / HT", b"TP/1.1\r\nHost: 127.0.0.1\r\n", b"X-Client: pieces\r\n\r", b"\n"]:
    time.sleep(0.5)
    print("pieces client: sending %r" % piece, flush=True)
    s.sendall(piece)
got = len(s.recv(1024))
sys.stdout.write("pieces client: got %d bytes back\n" % got)   # one write: the server prints too
sys.stdout.flush()
PY
stop_server

# The two short runs below are not traced: the lab's viewer follows one server.
step "select() with its listening socket on fd 1500 (--high-fd): refused"
status=0
(unset ASYNCLAB_TRACE; exec "$LESSON/lesson02_select_server" --port "$PORT" --high-fd) 2>&1 || status=$?
echo "(exit status $status)"

step "poll() with its listening socket on fd 1500 (--high-fd): no limit"
WAITING=$(grep -c "Waiting for a connection" "$TMP/server.log" || true)
(unset ASYNCLAB_TRACE; exec "$LESSON/lesson02_poll_server" --port "$PORT" --high-fd --max-connections 1) \
  >>"$TMP/server.log" 2>&1 &
SERVER_PID=$!
wait_for_log "Waiting for a connection" $((WAITING + 1))
ANSWER=$(curl -sS "http://127.0.0.1:$PORT/")
echo "curl got: $ANSWER"    # one line, so the server's log cannot cut into it
wait "$SERVER_PID" || true
SERVER_PID=

step "done"
