#!/bin/sh
# serve_basics.sh — `asynclab serve` answers the article's endpoints with
# FastAPI's conventions, as curl sees them: bodies, types, 404/405/422,
# HEAD, Date, keep-alive, Connection: close, HTTP/1.0; and its command line.
# Usage: sh serve_basics.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

serve basics
U="http://127.0.0.1:$PORT"
check "the start-up line names the real port and the uv backend" \
    grep -q "running on http://127.0.0.1:$PORT (backend uv" "$TMP/basics.log"

curl -s -D "$TMP/h" -o "$TMP/b" "$U/"
check "GET / is {\"Hello\": \"World\"}" [ "$(cat "$TMP/b")" = '{"Hello": "World"}' ]
check "... as application/json" grep -qi '^content-type: application/json' "$TMP/h"
check "... with a Date header" grep -qE '^Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT' "$TMP/h"
check "GET /items/42" [ "$(body "$U/items/42")" = '{"item_id":42,"q":null}' ]
check "GET /items/42?q=a%20b" [ "$(body "$U/items/42?q=a%20b")" = '{"item_id":42,"q":"a b"}' ]
check "GET /items/x is 422" [ "$(code "$U/items/x")" = 422 ]
check "... with pydantic's detail" [ "$(body "$U/items/x")" = \
    '{"detail":[{"loc":["path","item_id"],"msg":"value is not a valid integer","type":"type_error.integer"}]}' ]
check "GET /nope is 404 {\"detail\":\"Not Found\"}" [ "$(body "$U/nope")" = '{"detail":"Not Found"}' ]
check "... status 404" [ "$(code "$U/nope")" = 404 ]
curl -s -D "$TMP/h" -o "$TMP/b" -X POST "$U/"
check "POST / is 405" grep -q '^HTTP/1.1 405 Method Not Allowed' "$TMP/h"
check "... with Allow: GET, HEAD" grep -q '^Allow: GET, HEAD' "$TMP/h"
check "... and FastAPI's body" [ "$(cat "$TMP/b")" = '{"detail":"Method Not Allowed"}' ]
curl -s -I "$U/" >"$TMP/h"
check "HEAD / has Content-Length: 18 and no body" grep -q '^Content-Length: 18' "$TMP/h"
check "GET /sleep?s=x is 422 about query s" [ "$(body "$U/sleep?s=x")" = \
    '{"detail":[{"loc":["query","s"],"msg":"value is not a valid float","type":"type_error.float"}]}' ]
check "GET /sleep?s=0.05" [ "$(body "$U/sleep?s=0.05")" = '{"Hello":"World","slept":0.05}' ]

# keep-alive: curl reuses one connection for three URLs
curl -sv "$U/" "$U/items/1" "$U/" >"$TMP/b" 2>"$TMP/v"
check "keep-alive: three requests, one connection" [ "$(grep -c 'Connected to' "$TMP/v")" -eq 1 ]
check "... and curl re-used it" grep -q 'Re-using existing connection' "$TMP/v"
curl -s -D "$TMP/h" -o /dev/null -H 'Connection: close' "$U/"
check "Connection: close is honoured and echoed" grep -q '^Connection: close' "$TMP/h"
curl -s -0 -D "$TMP/h" -o "$TMP/b" "$U/"
check "HTTP/1.0: answered, then closed" grep -q '^Connection: close' "$TMP/h"
check "HTTP/1.0: the body" [ "$(cat "$TMP/b")" = '{"Hello": "World"}' ]
check "POST with a JSON body to a GET route is 405" [ "$(code "$U/items/3" -d '{"a":1}')" = 405 ]

stop "$PID"
check "SIGINT: exit 0" [ "$STATUS" -eq 0 ]
check "... saying it stopped" grep -q 'asynclab serve: stopped' "$TMP/basics.log"

# The last line counts what was served: here 3 requests on 2 connections
# (curl keeps one connection for two URLs), and how often the loop slept.
serve count
curl -s -o /dev/null -o /dev/null "http://127.0.0.1:$PORT/" "http://127.0.0.1:$PORT/items/1"
curl -s -o /dev/null "http://127.0.0.1:$PORT/nope"
stop "$PID"
check "the last line: 3 requests on 2 connections, the iterations, the sleeps" \
    grep -qE '^asynclab serve: stopped: 3 requests on 2 connections, [1-9][0-9]* loop iterations, the loop.s thread slept [0-9]+ times$' \
    "$TMP/count.log"

# the command line
"$A" serve --help >"$TMP/out" 2>&1
check "--help exits 0" [ $? -eq 0 ]
check "--help names --upstream-timeout" grep -q -- '--upstream-timeout S' "$TMP/out"
"$A" serve --bogus >"$TMP/out" 2>&1
check "an unknown flag exits 2" [ $? -eq 2 ]
check "... naming it" grep -q "unknown option '--bogus'" "$TMP/out"
"$A" serve --port 70000 >"$TMP/out" 2>&1
check "--port 70000 exits 2" [ $? -eq 2 ]
"$A" serve --backend kqueue >"$TMP/out" 2>&1
check "--backend kqueue exits 2, naming the choices" grep -q "unknown backend 'kqueue'; choose one of: select poll epoll uv uring" "$TMP/out"
"$A" serve --upstream https://leapcell.io >"$TMP/out" 2>&1
check "an https:// upstream is refused at start-up (exit 2)" [ $? -eq 2 ]
check "... with a clear message" grep -q 'only http:// URLs are supported' "$TMP/out"
"$A" serve --upstream-timeout 0 >"$TMP/out" 2>&1
check "--upstream-timeout 0 exits 2" [ $? -eq 2 ]
"$A" serve --port >"$TMP/out" 2>&1
check "a flag without its value exits 2, naming it" grep -q -- '--port needs a value' "$TMP/out"
exit "$FAILED"
