#!/bin/sh
# lesson01_bytes.sh — lesson 1 answers with exactly the article's bytes:
# curl sees the 18-byte JSON body and the exact headers, and a raw-socket
# client receives the whole answer byte for byte.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"
SERVER=$BUILD/lessons/01-blocking-socket/lesson01_blocking_server

PORT=$($RAW freeport)
"$SERVER" --port "$PORT" --max-connections 2 >"$TMP/out" 2>"$TMP/err" &
PID=$!
$RAW waitlog "$TMP/out" 'Waiting for a connection\.\.\.$' --pid "$PID"

# 1. curl: body and headers.
curl -sS --max-time 20 -D "$TMP/headers" -o "$TMP/body" "http://127.0.0.1:$PORT/"
printf '{"Hello": "World"}' >"$TMP/body.expected"
cmp "$TMP/body" "$TMP/body.expected" || fail "curl body differs: $(cat "$TMP/body")"
[ "$(wc -c <"$TMP/body")" -eq 18 ] || fail "body is not 18 bytes"
printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n' >"$TMP/headers.expected"
cmp "$TMP/headers" "$TMP/headers.expected" || { od -c "$TMP/headers" >&2; fail "curl headers differ"; }

# 2. raw socket: the whole answer, byte for byte.
$RAW get "$PORT" >"$TMP/raw"
printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n{"Hello": "World"}' >"$TMP/raw.expected"
cmp "$TMP/raw" "$TMP/raw.expected" || { od -c "$TMP/raw" >&2; fail "raw answer differs"; }

# Two connections served: the server exits by itself, cleanly.
status=0
wait "$PID" || status=$?
PID=
[ "$status" -eq 0 ] || fail "server exited with status $status: $(cat "$TMP/err")"
[ ! -s "$TMP/err" ] || fail "server wrote to stderr: $(cat "$TMP/err")"
echo "ok: exact bytes to curl and to a raw client"
