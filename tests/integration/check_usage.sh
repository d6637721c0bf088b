#!/bin/sh
# asynclab check's command line: --help, bad inputs exit 2 without running a
# check, and a server that is not there fails every check (exit 1, the count
# on the last line).
# Usage: sh check_usage.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

usage_error() {   # usage_error MESSAGE ARGS...
    usage_error_of check "$@"
    shift
    check "check $*: runs no check" sh -c "! grep -q 'passed,' '$TMP/out'"
}
help_of check "seed|http|concurrency|robustness|all"   # the suites

usage_error "which URL?"
usage_error "unknown suite 'speed'" http://127.0.0.1:8000/ --suite speed
usage_error "is not a loopback address" http://192.0.2.1:8000/
usage_error "is not an http://host[:port]/path URL" ftp://127.0.0.1/
usage_error "--clients expects a whole number from 2 to 1000" http://127.0.0.1:8000/ --clients 1
usage_error "--sleep expects seconds" http://127.0.0.1:8000/ --sleep 0
usage_error "--timeout expects seconds" http://127.0.0.1:8000/ --timeout x
usage_error "unknown option '--fast'" http://127.0.0.1:8000/ --fast
usage_error "is not a path" http://127.0.0.1:8000/ --sleep-path "sleep?s={s}"

PORT=$(free_port)
run_status "$A" check "http://127.0.0.1:$PORT/" --suite seed
check "nobody listening: exit status 1 (checks failed)" [ "$STATUS" -eq 1 ]
check "nobody listening: says why" has "expected 200, got no answer (Connection refused)"
check "nobody listening: 0 passed, 4 failed" has "0 passed, 4 failed"
exit "$FAILED"
