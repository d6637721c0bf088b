#!/bin/sh
# asynclab compare --with: outside servers join the comparison. uvicorn +
# FastAPI and aiohttp, running the article's apps, handle 3 requests of
# 0.2 s at once like the select and epoll servers. A --with command that
# dies is reported ("did not run") with exit 1; bad options exit 2.
# Usage: sh compare_with.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

run_status "$A" compare --clients 3 --delay 0.2 \
    --with "fastapi=$PY -m uvicorn --app-dir $PEERS fastapi_app:app --port {port}" \
    --with "aiohttp=$PY $PEERS/aiohttp_app.py --port {port}"
check "exit 0" [ "$STATUS" -eq 0 ]
row_ok() {   # row_ok NAME MAX_TOTAL IN_FLIGHT
    r=$(sed -n "s/^  $1 *\([0-9.]*\) s *\([0-9.]*\) *\([0-9]*\) *\([0-9]*\)\$/\1 \3 \4/p" "$TMP/out")
    $PY -c '
import sys
total, inflight, errors = sys.argv[1].split()
assert 0.19 <= float(total) < float(sys.argv[2]) and int(inflight) == int(sys.argv[3]) and errors == "0", sys.argv[1]' "$r" "$2" "$3"
}
check "fastapi: 3 at once, under 0.4 s" row_ok fastapi 0.4 3
check "aiohttp: 3 at once, under 0.4 s" row_ok aiohttp 0.4 3
check "blocking still queues: 1 in flight" row_ok "blocking (lesson 1)" 5 1
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
