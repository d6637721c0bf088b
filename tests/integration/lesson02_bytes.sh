#!/bin/sh
# lesson02_bytes.sh — lesson 2's select() and poll() servers each answer
# with exactly the article's bytes: curl sees the 18-byte JSON body and the
# exact headers, a raw-socket client the whole answer byte for byte, and the
# log has lesson 1's lines.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

printf '{"Hello": "World"}' >"$TMP/body.expected"
printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n' >"$TMP/headers.expected"
cat "$TMP/headers.expected" "$TMP/body.expected" >"$TMP/raw.expected"

for kind in select poll; do
  SERVER=$BUILD/lessons/02-select/lesson02_${kind}_server
  PORT=$($RAW freeport)
  "$SERVER" --port "$PORT" --max-connections 2 >"$TMP/out" 2>"$TMP/err" &
  PID=$!
  $RAW waitlog "$TMP/out" 'Waiting for a connection\.\.\.$' --pid "$PID"

  CURL_PORT=$(curl -sS --max-time 20 -D "$TMP/headers" -o "$TMP/body" -w '%{local_port}' "http://127.0.0.1:$PORT/")
  cmp "$TMP/body" "$TMP/body.expected" || fail "$kind: curl body differs: $(cat "$TMP/body")"
  cmp "$TMP/headers" "$TMP/headers.expected" || { od -c "$TMP/headers" >&2; fail "$kind: curl headers differ"; }

  $RAW get "$PORT" >"$TMP/raw"
  cmp "$TMP/raw" "$TMP/raw.expected" || { od -c "$TMP/raw" >&2; fail "$kind: raw answer differs"; }

  status=0
  wait "$PID" || status=$?
  PID=
  [ "$status" -eq 0 ] || fail "$kind: server exited with status $status: $(cat "$TMP/err")"
  [ ! -s "$TMP/err" ] || fail "$kind: server wrote to stderr: $(cat "$TMP/err")"

  # The first connection's log lines, as in lesson 1 (timestamps by pattern).
  TS='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}'
  sed -E "s/^$TS /<ts> /" "$TMP/out" | head -n 8 >"$TMP/normalised"
  {
    printf '<ts> Waiting for a connection...\n'
    printf "<ts> Got connection from ('127.0.0.1', %s)\n" "$CURL_PORT"
    printf 'Received: GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: curl/%s\r\nAccept: */*\r\n\r\n\n' \
      "$PORT" "$(curl --version | awk 'NR == 1 { print $2 }')"
  } >"$TMP/expected"
  if ! cmp -s "$TMP/normalised" "$TMP/expected"; then
    diff "$TMP/expected" "$TMP/normalised" | cat -A >&2 || true
    fail "$kind: log lines differ from the expected ones"
  fi
  echo "ok: $kind server sends the exact bytes"
done
