#!/bin/sh
# lesson06_demo.sh — lesson 6's demo runs to the end (bounded) and shows what
# it promises: the article's answers, three sleeps overlapping, the access log,
# a clean Ctrl+C. Usage: sh lesson06_demo.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

timeout 60 sh "$(dirname "$0")/../../lessons/06-json-server/demo.sh" "$BUILD" >"$TMP/demo" 2>&1
check "demo.sh exits 0" [ $? -eq 0 ]
check "GET / answered" grep -qx '{"Hello": "World"}' "$TMP/demo"
check "/items/42?q=hi answered" grep -qx '{"item_id":42,"q":"hi"}' "$TMP/demo"
check "/items/x is a 422 detail" grep -q '"msg":"value is not a valid integer"' "$TMP/demo"
check "the three sleeps overlap (under 2 s)" grep -qE 'all three answered after (0|1)\.[0-9]+ s' "$TMP/demo"
check "three /sleep lines in the access log" [ "$(grep -c '"GET /sleep?s=1 HTTP/1.1" 200 OK' "$TMP/demo")" -eq 3 ]
check "/offload in the access log" grep -q '"GET /offload?s=1 HTTP/1.1" 200 OK' "$TMP/demo"
check "the server stopped cleanly" grep -q 'json_server: stopped' "$TMP/demo"
check "asynclab lesson --list shows lesson 6" sh -c "'$A' lesson --list | grep -q ' 6  the JSON server'"
exit "$FAILED"
