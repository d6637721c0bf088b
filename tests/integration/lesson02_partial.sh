#!/bin/sh
# lesson02_partial.sh — lesson 2's select() and poll() servers buffer a
# request that arrives in pieces (four sends, with pauses between them) and
# answer only once the blank line that ends it is complete: no byte comes
# back earlier, then the whole answer; the log shows one "Received:" with
# the whole request.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

for kind in select poll; do
  start_lesson_server "$BUILD/lessons/02-select/lesson02_${kind}_server" --max-connections 1

  RESULT=$($RAW partial "$PORT") || fail "$kind: see above"
  CLIENT_PORT=$(echo "$RESULT" | sed -n 's/^port=\([0-9]*\) pieces=4$/\1/p')
  [ -n "$CLIENT_PORT" ] || fail "$kind: rawclient printed '$RESULT'"

  server_exits_ok "$kind"
  stderr_empty "$kind"

  {
    printf '<ts> Waiting for a connection...\n'
    printf "<ts> Got connection from ('127.0.0.1', %s)\n" "$CLIENT_PORT"
    printf 'Received: GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nX-Client: partial\r\n\r\n\n' "$PORT"
  } >"$TMP/expected"
  log_is "$kind"
  echo "ok: $kind server answered a request sent in 4 pieces, once complete"
done
