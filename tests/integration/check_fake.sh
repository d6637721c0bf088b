#!/bin/sh
# asynclab check fails servers that break the contract, and says how: a
# text/plain "hello" fails the JSON and Content-Type checks; a chunked answer
# has no Content-Length, a short body a wrong one; pipelined answers sent back in the wrong order are
# caught; a server that never answers costs the timeout, not a hang.
# Usage: sh check_fake.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

start_fake text
run_status "$A" check "http://127.0.0.1:$PORT/" --suite seed
check "text: exit status 1 (checks failed)" [ "$STATUS" -eq 1 ]
check "text: the body check fails, showing the body" has "expected {\"Hello\": \"World\"}, got 'hello', which is not JSON"
check "text: the Content-Type check fails, showing it" has "expected application/json (parameters allowed), got text/plain"
check "text: 2 passed, 2 failed" has "2 passed, 2 failed"
stop_server "$SERVER_PID"

start_fake chunked
run_status "$A" check "http://127.0.0.1:$PORT/" --suite seed
check "chunked: the body is still the JSON" has "PASS  GET / body is the JSON"
check "chunked: but there is no Content-Length" has "expected a Content-Length header, got a chunked body"
check "chunked: exit status 1" [ "$STATUS" -eq 1 ]
stop_server "$SERVER_PID"

# short's 18 bytes must arrive within the timeout, which then runs out waiting
# for the last 2: 2 s leaves a slow (loaded) fake server room to answer
start_fake short
run_status "$A" check "http://127.0.0.1:$PORT/" --suite seed --timeout 2
check "short: a Content-Length larger than the body fails" has "expected 20 bytes of body (its Content-Length), got 18, then no whole answer within the timeout"
check "short: the status line is still seen" has "PASS  GET / answers 200"
stop_server "$SERVER_PID"

start_fake reverse
run_status "$A" check "http://127.0.0.1:$PORT/" --suite http
check "reverse: pipelining fails" has "FAIL  pipelining: two requests in one write, two answers in order"
check "reverse: ... saying the answers were swapped" has "got them swapped"
check "reverse: keep-alive passes" has "PASS  keep-alive: two requests on one connection"
stop_server "$SERVER_PID"

start_fake silent
run_status "$A" check "http://127.0.0.1:$PORT/" --suite seed --timeout 0.3
check "silent: every seed check fails (exit 1)" [ "$STATUS" -eq 1 ]
check "silent: ... all four of them" has "0 passed, 4 failed"
check "silent: no answer within the timeout" has "expected 200, got no answer (no whole answer within the timeout)"
exit "$FAILED"   # (the harness stops the server at exit)
