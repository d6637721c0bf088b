#!/bin/sh
# asynclab load's command line: --help, and every bad input named with exit
# 2 before anything is sent: no URL, URLs that are not http://host[:port]/path,
# a host that is not loopback (unless --allow-remote), bad numbers, -n with
# -d. Nothing listening is an error summary and exit 1, at once.
# Usage: sh load_usage.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

help_of load "usage: asynclab load URL [-c N] [-n M | -d SECONDS]"

usage_error() { usage_error_of load "$@"; }   # usage_error MESSAGE ARGS...
usage_error "which URL?"
usage_error "is not an http://host[:port]/path URL" 127.0.0.1:8000/
usage_error "https is not supported" https://127.0.0.1/
usage_error "is not a loopback address" http://10.1.2.3:8000/
usage_error "is not a loopback address" http://example.com/
usage_error "the port is not a number from 1 to 65535" http://127.0.0.1:0/
usage_error "the port is not a number from 1 to 65535" http://127.0.0.1:99999/
usage_error "the port is not a number from 1 to 65535" http://127.0.0.1:x/
usage_error "a #fragment is never sent" "http://127.0.0.1:8000/#top"
usage_error "the path must be printable ASCII" "http://127.0.0.1:8000/a b"
usage_error "user:password@ is not supported" http://me@127.0.0.1/
usage_error "the host is missing" http:///x
usage_error "-c expects a whole number from 1 to 10000, not '0'" http://127.0.0.1:8000/ -c 0
usage_error "-n expects a whole number" http://127.0.0.1:8000/ -n many
usage_error "-d expects seconds" http://127.0.0.1:8000/ -d -1
usage_error "-n and -d exclude each other" http://127.0.0.1:8000/ -n 5 -d 1
usage_error "--timeout expects seconds" http://127.0.0.1:8000/ --timeout 0
usage_error "unknown option '--bogus'" http://127.0.0.1:8000/ --bogus
usage_error "one URL only" http://127.0.0.1:8000/ http://127.0.0.1:8001/
usage_error "--trace needs a file name" http://127.0.0.1:8000/ --trace

# Nothing listens: a summary, exit 1, and no hammering of the closed port.
PORT=$(free_port)
run_status "$A" load "http://127.0.0.1:$PORT/" -d 30 -c 3
check "refused: exit 1" [ "$STATUS" -eq 1 ]
check "refused: says so" has "nothing is listening at http://127.0.0.1:$PORT/ (connection refused): stopped"
check "refused: counted as connect errors" grep -qE "errors       [1-3]  \(connect [1-3]," "$TMP/out"
check "refused: stops at once, not after 30 s" grep -qE "requests     [0-9]+ in 0\.[0-9]+ s" "$TMP/out"
run_status "$A" load "http://localhost:$PORT/" -n 5 --json
check "refused (localhost), --json: refused is true" [ "$(json_field refused)" = True ]
check "... and no rate made of failures (req_per_s null)" [ "$(json_field req_per_s)" = None ]
run_status "$A" load "http://127.0.0.1:$PORT/" -n 10
check "refused, -n 10: 'nothing is listening' comes first" \
    sh -c "sed -n 2p '$TMP/out' | grep -q 'nothing is listening'"
check "... and no req/s computed from failures" grep -qE "10 in [0-9.]+ s, no successful answer: no rate" "$TMP/out"
check "... no 'req/s' at all" sh -c "! grep -q 'req/s' '$TMP/out'"
exit "$FAILED"
