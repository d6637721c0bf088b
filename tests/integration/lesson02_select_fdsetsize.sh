#!/bin/sh
# lesson02_select_fdsetsize.sh — the select() server can only watch fds
# below FD_SETSIZE (1024). 1030 silent clients connect: the connections that
# land on fd 1024 or above are closed, each with a clear message on stderr,
# and the server keeps serving the rest (and new clients afterwards).
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

raise_fd_limit 2100   # server and client both need more than 1030 descriptors
start_lesson_server "$BUILD/lessons/02-select/lesson02_select_server"

$RAW fdsetsize "$PORT" "$TMP/out" "$TMP/err" 1030 >"$TMP/result" || fail "see above"
kill -0 "$PID" 2>/dev/null || fail "the server died: $(tail -n 3 "$TMP/err")"

# The first refusal is for fd 1024 exactly, in the promised words. Besides
# refusals, stderr may only note the clients that hung up without a request
# (all of them, at the end).
head -n 1 "$TMP/err" >"$TMP/first"
[ "$(cat "$TMP/first")" = "fd 1024 >= FD_SETSIZE (1024): select() cannot watch it; closing this connection" ] ||
  fail "first stderr line: $(cat "$TMP/first")"
if grep -v -e '^fd [0-9]* >= FD_SETSIZE (1024): select() cannot watch it; closing this connection$' \
    -e '^lesson02_select_server: connection from port [0-9]*: closed before sending a whole request$' \
    "$TMP/err" >"$TMP/other"; then
  fail "unexpected stderr lines: $(head -n 5 "$TMP/other")"
fi
echo "ok: select() server refused fds >= FD_SETSIZE and kept serving ($(cat "$TMP/result"))"
