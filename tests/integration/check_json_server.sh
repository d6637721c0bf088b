#!/bin/sh
# asynclab check --suite seed against asynclab's own JSON server (asynclab
# serve): GET / is the article's {"Hello": "World"}, as JSON, with the right
# headers; 6 /sleep requests of 0.25 s overlap (all done in < 0.9 s).
# Skipped (and passing) until the serve command exists.
# Usage: sh check_json_server.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

if ! have_serve; then
    echo "skip: asynclab serve is not built yet"
    exit 0
fi
listen serve "$A" serve
seed_passes serve "http://127.0.0.1:$PORT/"
run_status "$A" check "http://127.0.0.1:$PORT/" --suite concurrency --clients 6 --sleep 0.25
check "serve, concurrency: exit 0" [ "$STATUS" -eq 0 ]
check "serve, concurrency: the /sleep requests overlap" has "PASS  6 concurrent /sleep requests overlap"
exit "$FAILED"
