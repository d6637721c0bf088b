#!/bin/sh
# serve_upstream.sh — GET /external-api, the article's Example 2, against
# the lesson's own upstream (asynclab serve --upstream-demo), offline:
#   upstream 200      -> its JSON body, byte for byte
#   upstream 503/404  -> that status, {"detail": "Failed to fetch data"}
#   slower than --upstream-timeout -> 504; nobody listening -> 502
#   the client resets while we wait for the upstream -> our upstream call is
#   cancelled (the upstream sees its client go: it logs 499), and the next
#   client is served. Under ASan the server's exit checks that nothing leaked.
# Usage: sh serve_upstream.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

export ASYNCLAB_TRACE="$TMP/upstream.jsonl"   # its handlers' sleeps, seen in the reset test
serve upstream --upstream-demo --access-log
unset ASYNCLAB_TRACE
UP=$PORT
UPID=$PID
check "the demo upstream says what it is" grep -q "demo upstream running on http://127.0.0.1:$UP" "$TMP/upstream.log"
check "the demo upstream answers JSON" [ "$(body "http://127.0.0.1:$UP/data?delay=0")" = \
    '{"source":"upstream-demo","delay":0,"request":1}' ]

serve ok --upstream "http://127.0.0.1:$UP/data" --access-log
check "200: the upstream's JSON, passed through" [ "$(body "http://127.0.0.1:$PORT/external-api")" = \
    '{"source":"upstream-demo","delay":0,"request":2}' ]
curl -s -D "$TMP/h" -o /dev/null "http://127.0.0.1:$PORT/external-api"
check "... as application/json" grep -qi '^content-type: application/json' "$TMP/h"
stop "$PID"

serve s503 --upstream "http://127.0.0.1:$UP/data?status=503"
check "upstream 503: 503" [ "$(code "http://127.0.0.1:$PORT/external-api")" = 503 ]
check "... with FastAPI's HTTPException body" [ "$(body "http://127.0.0.1:$PORT/external-api")" = \
    '{"detail":"Failed to fetch data"}' ]
stop "$PID"
serve s404 --upstream "http://127.0.0.1:$UP/nope"
check "upstream 404: 404 {\"detail\":\"Failed to fetch data\"}" \
    [ "$(code "http://127.0.0.1:$PORT/external-api")/$(body "http://127.0.0.1:$PORT/external-api")" = \
      '404/{"detail":"Failed to fetch data"}' ]
stop "$PID"

serve slow --upstream "http://127.0.0.1:$UP/data?delay=2" --upstream-timeout 0.3
check "slower than --upstream-timeout: 504" [ "$(code "http://127.0.0.1:$PORT/external-api")" = 504 ]
check "... naming the URL tried and how long we waited" [ "$(body "http://127.0.0.1:$PORT/external-api")" = \
    "{\"detail\":\"Upstream timed out: GET http://127.0.0.1:$UP/data?delay=2 (after 0.3 s)\"}" ]
stop "$PID"
check "... exit 0 (and, under ASan, no leak)" [ "$STATUS" -eq 0 ]

DEAD=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
serve dead --upstream "http://127.0.0.1:$DEAD/"
check "nobody listening upstream: 502" [ "$(code "http://127.0.0.1:$PORT/external-api")" = 502 ]
check "... naming the URL tried and why" [ "$(body "http://127.0.0.1:$PORT/external-api")" = \
    "{\"detail\":\"Upstream unreachable: GET http://127.0.0.1:$DEAD/ (connection refused)\"}" ]
check "... the server's log says how to start one (--upstream-demo)" grep -q \
    "^asynclab serve: /external-api: nothing listens at http://127.0.0.1:$DEAD/; start the lesson's upstream in another terminal: asynclab serve --upstream-demo --port $DEAD\$" \
    "$TMP/dead.log"
check "... once, not per request" [ "$(grep -c 'upstream-demo' "$TMP/dead.log")" = 1 ]
stop "$PID"

# A client that resets while /external-api waits for a 30 s upstream (and
# our timeout is 60 s: only the reset can end the call early); it resets
# once the upstream's trace shows our call's handler sleeping there.
serve reset --upstream "http://127.0.0.1:$UP/data?delay=30" --upstream-timeout 60 --access-log
py_test "$PORT" "$TMP/upstream.log" "$TMP/upstream.jsonl" <<'PY'
import socket, struct, sys
import http_raw
port, uplog, uptrace = int(sys.argv[1]), sys.argv[2], sys.argv[3]
check = http_raw.check   # counts failures for http_raw.done()

before = http_raw.trace_task_waits(uptrace, "upstream")
s = http_raw.conn(port)
s.sendall(b"GET /external-api HTTP/1.1\r\nHost: t\r\n\r\n")
check("our upstream call is in flight (the upstream's trace: its handler sleeps)",
      http_raw.wait_for(lambda: http_raw.trace_task_waits(uptrace, "upstream") > before))
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()                                       # RST
want = '"GET /data?delay=30 HTTP/1.1" 499'
check("the upstream saw our call cancelled (its access log: 499, not its answer after 30 s)",
      http_raw.wait_for(lambda: want in open(uplog).read()), open(uplog).read()[-300:])
check("... and answered nothing", '"GET /data?delay=30 HTTP/1.1" 200' not in open(uplog).read())
http_raw.check_hello(port, "the next client is served")
http_raw.done()
PY
check "reset mid-upstream-call (above)" [ $? -eq 0 ]
stop "$PID"
check "reset: exit 0 (and, under ASan, no leak)" [ "$STATUS" -eq 0 ]
check "reset: our access log has the 499" grep -q '"GET /external-api HTTP/1.1" 499' "$TMP/reset.log"
stop "$UPID"
check "the upstream exits 0" [ "$STATUS" -eq 0 ]
exit "$FAILED"
