#!/bin/sh
# lesson02_overlap.sh — lesson 2's select() and poll() servers serve
# connections side by side. Client A connects and stays silent; client B
# connects and gets its whole answer while A is still connected and idle;
# then A sends and is answered too. The log shows both connections open
# before either request is printed, B's request before A's.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

for kind in select poll; do
  SERVER=$BUILD/lessons/02-select/lesson02_${kind}_server
  PORT=$($RAW freeport)
  "$SERVER" --port "$PORT" --max-connections 2 >"$TMP/out" 2>"$TMP/err" &
  PID=$!
  $RAW waitlog "$TMP/out" 'Waiting for a connection\.\.\.$' --pid "$PID"

  PORTS=$($RAW overlap "$PORT" "$TMP/out") || fail "$kind: see above"
  A=$(echo "$PORTS" | sed -n 's/^A=\([0-9]*\) B=[0-9]*$/\1/p')
  B=$(echo "$PORTS" | sed -n 's/^A=[0-9]* B=\([0-9]*\)$/\1/p')
  [ -n "$A" ] && [ -n "$B" ] || fail "$kind: rawclient printed '$PORTS'"

  status=0
  wait "$PID" || status=$?
  PID=
  [ "$status" -eq 0 ] || fail "$kind: server exited with status $status: $(cat "$TMP/err")"
  [ ! -s "$TMP/err" ] || fail "$kind: server wrote to stderr: $(cat "$TMP/err")"

  tr -d '\r' <"$TMP/out" | grep -E "Waiting for a connection|Got connection|^X-Client:" |
    sed -E 's/^[0-9-]+ [0-9:.]+ //' >"$TMP/milestones"
  cat >"$TMP/expected" <<EXPECTED
Waiting for a connection...
Got connection from ('127.0.0.1', $A)
Got connection from ('127.0.0.1', $B)
X-Client: B
X-Client: A
EXPECTED
  if ! cmp -s "$TMP/milestones" "$TMP/expected"; then
    diff "$TMP/expected" "$TMP/milestones" >&2 || true
    fail "$kind: the log does not show A and B overlapping"
  fi
  echo "ok: $kind server served B while A was idle ($PORTS)"
done
