#!/bin/sh
# asynclab load reads answers strictly: good answers framed every legal way
# (chunked with an extension and a trailer, one byte at a time, until the
# server closes, after a 100 Continue) count as ok; broken ones are parse
# errors naming what is wrong; a server that hangs up mid-answer is a read
# error, one that never answers a timeout. Each from a fake server.
# Usage: sh load_parse.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

good() {   # good MODE CONNECTIONS: 3 requests, 3 ok, that many connections
    start_fake "$1"
    run_status "$A" load "http://127.0.0.1:$PORT/" -n 3 -c 1 --timeout 5 --json
    check "$1: exit 0" [ "$STATUS" -eq 0 ]
    check "$1: 3 ok" [ "$(json_field ok)" = 3 ]
    check "$1: $2 connection(s)" [ "$(json_field connects)" = "$2" ]
    stop_server "$SERVER_PID"
}
bad() {   # bad MODE KIND [MESSAGE]: 3 requests, 3 errors of KIND
    # a generous timeout, so that a slow fake server (a loaded machine) is still
    # seen for what it sends; only "silent", which never answers, waits it out
    # (0.5 s, 3 times)
    timeout=5
    [ "$2" = timeout ] && timeout=0.5
    start_fake "$1"
    run_status "$A" load "http://127.0.0.1:$PORT/" -n 3 -c 1 --timeout "$timeout" --json
    check "$1: exit 1" [ "$STATUS" -eq 1 ]
    check "$1: 3 $2 errors" [ "$(json_error "$2")" = 3 ]
    if [ $# -ge 3 ]; then
        check "$1: the first error says '$3'" grep -qF "$3" "$TMP/out"
    fi
    stop_server "$SERVER_PID"
}

good chunked 1
good split 1
good until-close 3
good continue 1

bad bare-lf parse "ends with a bare LF"
bad bare-cr parse "the response head holds a bare CR"
bad bad-status parse "the status code is not three digits"
bad two-lengths parse "two Content-Length headers disagree"
bad obs-fold parse "folded (obs-fold)"
bad gzip parse "Transfer-Encoding that does not end in chunked"
bad extra parse "more bytes arrived than the response holds"
bad garbage parse "does not start with"
bad close-early read
bad 404 status "the server answered 404 Not Found"
bad silent timeout "a request timed out"
exit "$FAILED"
