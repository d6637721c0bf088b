#!/bin/sh
# lesson02_bytes.sh — lesson 2's select() and poll() servers each answer
# with exactly the article's bytes: curl sees the 18-byte JSON body and the
# exact headers, a raw-socket client the whole answer byte for byte, and the
# log has lesson 1's lines.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

for kind in select poll; do
  start_lesson_server "$BUILD/lessons/02-select/lesson02_${kind}_server" --max-connections 2

  exact_bytes "$kind"

  server_exits_ok "$kind"
  stderr_empty "$kind"

  # The first connection's log lines, as in lesson 1 (timestamps by pattern).
  {
    printf '<ts> Waiting for a connection...\n'
    printf "<ts> Got connection from ('127.0.0.1', %s)\n" "$CURL_PORT"
    printf 'Received: GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: curl/%s\r\nAccept: */*\r\n\r\n\n' \
      "$PORT" "$(curl --version | awk 'NR == 1 { print $2 }')"
  } >"$TMP/expected"
  log_is "$kind" 8
  echo "ok: $kind server sends the exact bytes"
done
