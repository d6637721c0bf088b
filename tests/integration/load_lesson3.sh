#!/bin/sh
# asynclab load against lesson 3's callback server, which closes every
# connection after one answer: the counts are exact (-n 200 is 200 requests,
# 200 connections, 0 errors), in JSON and in text, and the load generator
# itself runs on every backend.
# Usage: sh load_lesson3.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

listen callback "$LESSONS/03-epoll-loop/lesson03_callback_server"
URL="http://127.0.0.1:$PORT/"

run_status "$A" load "$URL" -n 200 -c 10 --json
check "-n 200 exits 0" [ "$STATUS" -eq 0 ]
check "-n 200: 200 requests" [ "$(json_field requests)" = 200 ]
check "-n 200: 200 ok" [ "$(json_field ok)" = 200 ]
check "-n 200: 0 errors" [ "$(json_field errors_total)" = 0 ]
check "-n 200: one connection per request (the server closes each)" [ "$(json_field connects)" = 200 ]
check "-n 200: latency percentiles in order" $PY -c '
import json, sys
l = json.load(open(sys.argv[1]))["latency_us"]
assert 0 < l["p50"] <= l["p90"] <= l["p99"] <= l["max"], l' "$TMP/out"

run_status "$A" load "$URL" -n 37 -c 5
check "text: exits 0" [ "$STATUS" -eq 0 ]
check "text: the request count" has "requests     37 in"
check "text: no errors" has "errors       0  (connect 0, write 0, read 0, parse 0, status 0, timeout 0)"
check "text: percentiles" grep -qE "latency +p50 [0-9.]+ ms +p90 [0-9.]+ ms +p99 [0-9.]+ ms +max [0-9.]+ ms" "$TMP/out"
check "text: not a terminal, so no progress line" sh -c "! grep -q 'req/s   ' '$TMP/out'"

all_ok() { [ "$STATUS" -eq 0 ] && [ "$(json_field ok)" = "$1" ] && [ "$(json_field errors_total)" = 0 ]; }
for backend in ${AL_BACKENDS:-select poll epoll uv uring}; do   # AL_BACKENDS: the ones that work here (tests/CMakeLists.txt)
    run_status env ASYNCLAB_BACKEND=$backend "$A" load "$URL" -n 50 -c 4 --json
    check "the load generator on $backend: 50 ok" all_ok 50
done

run_status "$A" load "$URL" -d 0.3 -c 4 --json
check "-d 0.3: no errors" all_ok "$(json_field requests)"
check "-d 0.3: reports 0.3 s" [ "$(json_field elapsed_s)" = 0.3 ]
exit "$FAILED"
