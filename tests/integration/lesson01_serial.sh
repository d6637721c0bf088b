#!/bin/sh
# lesson01_serial.sh — lesson 1 serves one connection at a time. Client A
# connects and stays silent; client B connects and sends a whole request.
# B receives nothing (a non-blocking recv says EAGAIN) while A holds the
# server; once A sends, A is answered, then B. The server's log shows A's
# connection, request and answer strictly before B's.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"
SERVER=$BUILD/lessons/01-blocking-socket/lesson01_blocking_server

PORT=$($RAW freeport)
"$SERVER" --port "$PORT" --max-connections 2 >"$TMP/out" 2>"$TMP/err" &
PID=$!
$RAW waitlog "$TMP/out" 'Waiting for a connection\.\.\.$' --pid "$PID"

# The client checks the answers and B's silence; it prints A's and B's ports.
PORTS=$($RAW serial "$PORT" "$TMP/out")
A=$(echo "$PORTS" | sed -n 's/^A=\([0-9]*\) B=[0-9]*$/\1/p')
B=$(echo "$PORTS" | sed -n 's/^A=[0-9]* B=\([0-9]*\)$/\1/p')
[ -n "$A" ] && [ -n "$B" ] || fail "rawclient printed '$PORTS'"

status=0
wait "$PID" || status=$?
PID=
[ "$status" -eq 0 ] || fail "server exited with status $status: $(cat "$TMP/err")"

# The log, reduced to its milestones, is A's whole story, then B's.
tr -d '\r' <"$TMP/out" | grep -E "Waiting for a connection|Got connection|^X-Client:" |
  sed -E 's/^[0-9-]+ [0-9:.]+ //' >"$TMP/milestones"
cat >"$TMP/expected" <<EXPECTED
Waiting for a connection...
Got connection from ('127.0.0.1', $A)
X-Client: A
Waiting for a connection...
Got connection from ('127.0.0.1', $B)
X-Client: B
EXPECTED
if ! cmp -s "$TMP/milestones" "$TMP/expected"; then
  diff "$TMP/expected" "$TMP/milestones" >&2 || true
  fail "the server did not serve A, then B"
fi
echo "ok: B waited for A ($PORTS)"
