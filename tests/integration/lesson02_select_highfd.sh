#!/bin/sh
# lesson02_select_highfd.sh — with --high-fd the select() server's listening
# socket is fd 1500, beyond FD_SETSIZE: the server refuses with a clear
# message and exits 1 instead of corrupting memory with FD_SET().
set -eu
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
RAW="/usr/bin/python3 $HERE/rawclient.py"
SERVER=$BUILD/lessons/02-select/lesson02_select_server
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

PORT=$($RAW freeport)
status=0
"$SERVER" --port "$PORT" --high-fd >"$TMP/out" 2>"$TMP/err" || status=$?
[ "$status" -eq 1 ] || fail "exited with status $status, expected 1; stderr: $(cat "$TMP/err")"
EXPECTED="fd 1500 >= FD_SETSIZE (1024): select() cannot watch it; cannot serve on this listening socket"
[ "$(cat "$TMP/err")" = "$EXPECTED" ] || fail "stderr was '$(cat "$TMP/err")', expected '$EXPECTED'"
[ ! -s "$TMP/out" ] || fail "it printed: $(cat "$TMP/out")"
echo "ok: select() server refuses fd 1500"
