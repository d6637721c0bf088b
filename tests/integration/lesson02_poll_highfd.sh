#!/bin/sh
# lesson02_poll_highfd.sh — with --high-fd the poll() server's listening
# socket is fd 1500 (checked in /proc), and it serves as usual: poll() has
# no FD_SETSIZE limit.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

start_lesson_server "$BUILD/lessons/02-select/lesson02_poll_server" --high-fd --max-connections 2

case "$(readlink "/proc/$PID/fd/1500" 2>/dev/null || true)" in
  socket:*) ;;
  *) fail "fd 1500 of the server is not its listening socket" ;;
esac

[ "$(curl -sS --max-time 20 "http://127.0.0.1:$PORT/")" = '{"Hello": "World"}' ] || fail "curl got no answer"
$RAW get "$PORT" >"$TMP/raw"
printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n{"Hello": "World"}' >"$TMP/raw.expected"
cmp "$TMP/raw" "$TMP/raw.expected" || fail "raw answer differs"

server_exits_ok
stderr_empty
echo "ok: poll() server serves on fd 1500"
