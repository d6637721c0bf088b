#!/bin/sh
# lesson01_log.sh — lesson 1 prints the article's log lines, in order:
#   <ts> Waiting for a connection...
#   <ts> Got connection from ('127.0.0.1', <port>)
#   Received: <the request, raw, "\r\n" and all>
# Timestamps are checked by pattern (and must not go backwards); ports must
# be the clients' real ports, taken from curl.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

start_lesson_server "$BUILD/lessons/01-blocking-socket/lesson01_blocking_server" --max-connections 2

# Two requests; curl tells us which local port each one used.
P1=$(curl -sS --max-time 20 -o /dev/null -w '%{local_port}' "http://127.0.0.1:$PORT/")
P2=$(curl -sS --max-time 20 -o /dev/null -w '%{local_port}' "http://127.0.0.1:$PORT/")
server_exits_ok

CURL_VERSION=$(curl --version | awk 'NR == 1 { print $2 }')
for p in "$P1" "$P2"; do
  printf '<ts> Waiting for a connection...\n'
  printf "<ts> Got connection from ('127.0.0.1', %s)\n" "$p"
  printf 'Received: GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: curl/%s\r\nAccept: */*\r\n\r\n\n' \
    "$PORT" "$CURL_VERSION"
done >"$TMP/expected"

log_is ""

# Four timestamps, in order (the format sorts as text).
grep -oE "^$TS" "$TMP/out" >"$TMP/times"
[ "$(wc -l <"$TMP/times")" -eq 4 ] || fail "expected 4 timestamps"
sort -c "$TMP/times" || fail "timestamps go backwards: $(cat "$TMP/times")"
stderr_empty
echo "ok: log lines in order"
