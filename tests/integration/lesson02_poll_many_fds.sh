#!/bin/sh
# lesson02_poll_many_fds.sh — the poll() server has no FD_SETSIZE limit:
# 1030 silent clients connect, all are accepted and kept (the newest sit on
# fds above 1024), and both the newest and the oldest are then served.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

raise_fd_limit 2100   # server and client both need more than 1030 descriptors
start_lesson_server "$BUILD/lessons/02-select/lesson02_poll_server"

$RAW many "$PORT" "$TMP/out" 1030 >"$TMP/result" || fail "see above"
kill -0 "$PID" 2>/dev/null || fail "the server died: $(tail -n 3 "$TMP/err")"
# stderr may only note the clients that hung up without a request (all of
# them, at the end).
if grep -v '^lesson02_poll_server: connection from port [0-9]*: closed before sending a whole request$' \
    "$TMP/err" >"$TMP/other"; then
  fail "unexpected stderr lines: $(head -n 5 "$TMP/other")"
fi
echo "ok: poll() server kept and served 1030 connections ($(cat "$TMP/result"))"
