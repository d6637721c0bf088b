#!/bin/sh
# asynclab check against the lesson servers, told to take 0.25 s per request.
# Concurrency asks with 6 clients: its rule (all done in < 6 x 0.25 x 0.6 =
# 0.9 s) leaves a concurrent server 0.65 s to spare over its 0.25 s on a busy
# machine, and a blocking one cannot pass it (it sleeps 6 x 0.25 = 1.5 s).
# Lesson 1 (blocking) passes the seed suite but fails the concurrency suite,
# naming the check, exit status 1 and its count on the last line; lesson 2
# (select) passes it. The lesson servers are not HTTP parsers: they answer
# garbage with 200, and robustness says so, check by check.
# Usage: sh check_lessons.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

listen blocking "$LESSONS/01-blocking-socket/lesson01_blocking_server" --delay 0.25
URL="http://127.0.0.1:$PORT/"

seed_passes "lesson 1" "$URL"

run_status "$A" check "$URL" --suite concurrency --clients 6 --sleep 0.25
check "lesson 1, concurrency: exit status 1 (one failure)" [ "$STATUS" -eq 1 ]
check "lesson 1, concurrency: names the failed check" has "FAIL  6 concurrent /sleep requests overlap"
check "lesson 1, concurrency: says what was expected and what came back" \
    grep -qE "expected all done in < 0\.900 s \(N x S x 0\.6 = 6 x 0\.25 x 0\.6\), got [0-9.]+ s: the server handled them one at a time" "$TMP/out"
check "lesson 1, concurrency: each answer did take S" has "PASS  each /sleep answer takes at least S"
check "lesson 1, concurrency: 2 passed, 1 failed" has "2 passed, 1 failed"

run_status "$A" check "$URL" --suite http
check "lesson 1, http: closing after each answer is allowed" has "PASS  keep-alive: two requests on one connection"
check "lesson 1, http: ... and said so" has "the server closes after each response"
check "lesson 1, http: exit 0" [ "$STATUS" -eq 0 ]
stop_server "$SERVER_PID"

listen select "$LESSONS/02-select/lesson02_select_server" --delay 0.25
run_status "$A" check "http://127.0.0.1:$PORT/" --suite concurrency --clients 6 --sleep 0.25
check "lesson 2, concurrency: exit 0" [ "$STATUS" -eq 0 ]
check "lesson 2, concurrency: the requests overlap" has "PASS  6 concurrent /sleep requests overlap"

run_status "$A" check "http://127.0.0.1:$PORT/" --suite robustness
check "lesson 2, robustness: garbage answered 200 is a failure" has "FAIL  a garbage request line gets a 4xx or a close"
check "lesson 2, robustness: ... saying what came back" has "expected 4xx or a close, got 200 OK"
check "lesson 2, robustness: a huge head is closed (8 KiB limit)" has "PASS  a 1 MiB header gets a 4xx or a close"
check "lesson 2, robustness: the server stays up" sh -c "[ \$(grep -c 'PASS  the server still answers GET /' '$TMP/out') -eq 3 ]"
check "lesson 2, robustness: exit status 1 (checks failed)" [ "$STATUS" -eq 1 ]
check "lesson 2, robustness: ... two of them, says the last line" sh -c "tail -1 '$TMP/out' | grep -q ' 2 failed\$'"
exit "$FAILED"
