#!/bin/sh
# asynclab check against the article's apps on real Python servers
# (Debian's packages, /usr/bin/python3): uvicorn + FastAPI and aiohttp pass
# the seed suite (4 checks), and every other suite too (concurrency: 6
# requests of 0.3 s all done in < 1.08 s, 0.78 s to spare on a busy machine).
# Usage: sh check_peers.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

passes() {   # passes NAME URL
    seed_passes "$1" "$2"
    check "$1: the JSON body compared parsed" has "PASS  GET / body is the JSON {\"Hello\": \"World\"} (compared parsed)"
    run_status "$A" check "$2" --clients 6 --sleep 0.3
    check "$1: all suites exit 0" [ "$STATUS" -eq 0 ]
    check "$1: all suites: 16 passed, 0 failed" has "16 passed, 0 failed"
}

listen uvicorn $PY -m uvicorn --app-dir "$PEERS" fastapi_app:app
passes "uvicorn + FastAPI" "http://127.0.0.1:$PORT/"
stop_server "$SERVER_PID"

listen aiohttp $PY "$PEERS/aiohttp_app.py"
passes "aiohttp" "http://localhost:$PORT/"
exit "$FAILED"
