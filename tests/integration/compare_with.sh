#!/bin/sh
# asynclab compare --with: outside servers join the comparison. uvicorn +
# FastAPI and aiohttp, running the article's apps, handle 3 requests of
# S = 0.5 s at once like the select and epoll servers (3 in flight), while
# the blocking server still takes them one at a time (1 in flight, at least
# 3 x S). S = 0.5, not less: compare does not count overlaps under S / 10, so
# lesson 1's "1" survives an answer seen up to 50 ms late on a busy machine.
# A --with command that dies is reported ("did not run") with exit 1; bad
# options exit 2.
# Usage: sh compare_with.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

S=0.5
run_status "$A" compare --clients 3 --delay "$S" \
    --with "fastapi=$PY -m uvicorn --app-dir $PEERS fastapi_app:app --port {port}" \
    --with "aiohttp=$PY $PEERS/aiohttp_app.py --port {port}"
check "exit 0" [ "$STATUS" -eq 0 ]
check "fastapi: 3 at once" compare_handled fastapi 3 1 "$S"
check "aiohttp: 3 at once" compare_handled aiohttp 3 1 "$S"
check "blocking still queues: 1 in flight, >= 3 x S" compare_handled "blocking (lesson 1)" 1 3 "$S"
check "a timeline for fastapi" has "fastapi: one lane per client"

run_status env TMPDIR="$TMP" "$A" compare --clients 2 --delay 0.1 --with "broken=/bin/sh -c 'exit 3' {port}"
check "a --with server that dies: exit 1" [ "$STATUS" -eq 1 ]
check "... reported as not run" has "broken                   did not run: it exited before listening"

usage_error() { usage_error_of compare "$@"; }   # usage_error MESSAGE ARGS...
usage_error "the command must contain {port}" --with "x=python3 -m http.server"
usage_error "--with expects NAME=CMD" --with "=cmd {port}"
usage_error "--with expects NAME=CMD" --with "nameonly"
usage_error "--clients expects a whole number from 1 to 1000" --clients 0
usage_error "--delay expects seconds" --delay soon
usage_error "is not a path" --path "no-slash"
usage_error "unknown option '--fast'" --fast
run_status "$A" compare --help
check "--help exits 0" [ "$STATUS" -eq 0 ]
check "--help documents {port}" has "{port}"
exit "$FAILED"
