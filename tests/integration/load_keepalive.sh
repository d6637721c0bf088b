#!/bin/sh
# asynclab load keeps connections alive: against servers that allow it
# (aiohttp running the article's app, and asynclab's own JSON server once it
# exists), -n 200 -c 4 is 200 answers over exactly 4 connections. A 404 path
# counts every answer as a status error (on connections still kept), and the
# exit status says so.
# Usage: sh load_keepalive.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

keepalive() {   # keepalive NAME URL
    run_status "$A" load "$2" -n 200 -c 4 --json
    check "$1: exits 0" [ "$STATUS" -eq 0 ]
    check "$1: 200 ok" [ "$(json_field ok)" = 200 ]
    check "$1: 0 errors" [ "$(json_field errors_total)" = 0 ]
    check "$1: 4 connections for 200 requests (keep-alive)" [ "$(json_field connects)" = 4 ]
}

listen aiohttp $PY "$PEERS/aiohttp_app.py"
keepalive aiohttp "http://127.0.0.1:$PORT/"
# --json=FILE: the same report into FILE, nothing on stdout.
run_status "$A" load "http://127.0.0.1:$PORT/" -n 20 -c 2 --json="$TMP/report.json"
check "--json=FILE: exits 0, nothing on stdout" [ "$STATUS" -eq 0 ] && [ ! -s "$TMP/out" ]
cp "$TMP/report.json" "$TMP/out"
check "--json=FILE: the report is in FILE" [ "$(json_field ok)" = 20 ]

run_status "$A" load "http://127.0.0.1:$PORT/no-such-page" -n 20 -c 2 --json
check "404s: exit 1" [ "$STATUS" -eq 1 ]
all_status() { [ "$(json_field requests)" = 20 ] && [ "$(json_error status)" = 20 ]; }
check "404s: 20 requests, all status errors" all_status
check "404s: a whole 404 keeps the connection (2 connections)" [ "$(json_field connects)" = 2 ]
check "404s: the first error says 404" $PY -c '
import json, sys; e = json.load(open(sys.argv[1]))["first_error"]
assert e.startswith("the server answered 404"), e' "$TMP/out"
stop_server "$SERVER_PID"

if have_serve; then
    listen serve "$A" serve
    keepalive "asynclab serve" "http://127.0.0.1:$PORT/"
else
    echo "skip asynclab serve: not built yet"
fi
exit "$FAILED"
