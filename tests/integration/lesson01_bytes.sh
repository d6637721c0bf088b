#!/bin/sh
# lesson01_bytes.sh — lesson 1 answers with exactly the article's bytes:
# curl sees the 18-byte JSON body and the exact headers, and a raw-socket
# client receives the whole answer byte for byte.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

start_lesson_server "$BUILD/lessons/01-blocking-socket/lesson01_blocking_server" --max-connections 2

# curl: body and headers; a raw socket: the whole answer, byte for byte.
exact_bytes
[ "$(wc -c <"$TMP/body")" -eq 18 ] || fail "body is not 18 bytes"

# Two connections served: the server exits by itself, cleanly.
server_exits_ok
stderr_empty
echo "ok: exact bytes to curl and to a raw client"
