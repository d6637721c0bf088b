#!/bin/sh
# serve_upstream_odd.sh — GET /external-api against an upstream that answers
# oddly (a hand-written Python server sending canned bytes, chosen by path):
#   interim 1xx first (100 Continue, 103 Early Hints), then 200 -> the 200's
#     JSON: interim answers are read past, never passed on as ours
#   an unasked 101 Switching Protocols, a banner that is not HTTP, a body cut
#     short -> 502 {"detail":"Upstream sent an invalid answer: GET URL"}
#   a status beyond HTTP's (999) -> 502 {"detail":"Failed to fetch data"}
#   204 -> 204 with no body (FastAPI: no body for a status that allows none)
# and after all of it the server still answers GET / and exits 0 (under ASan:
# nothing leaked).
# Usage: sh serve_upstream_odd.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

$PY - "$TMP/odd.port" >"$TMP/odd.log" 2>&1 <<'PY' &
import socket, sys
answers = {
    "/interim": b"HTTP/1.1 100 Continue\r\n\r\n"
                b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n"
                b'{"after": "1xx"}',
    "/switch": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    "/banner": b"SSH-2.0-OpenSSH_9.2\r\n",
    "/cut": b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"cut\": ",
    "/s999": b"HTTP/1.1 999 Strange\r\nContent-Length: 2\r\n\r\n{}",
    "/s204": b"HTTP/1.1 204 No Content\r\n\r\n",
}
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept()
    c.settimeout(5)
    try:
        req = b""
        while b"\r\n\r\n" not in req:
            chunk = c.recv(4096)
            if not chunk:
                break
            req += chunk
        path = req.split(b" ")[1].decode() if req.count(b" ") >= 2 else "/"
        c.sendall(answers.get(path, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))
    except OSError:
        pass
    c.close()
PY
ODD_PID=$!
PIDS="$PIDS $ODD_PID"
n=0
until [ -s "$TMP/odd.port" ]; do
    n=$((n + 1))
    [ $n -lt 200 ] || { echo "FAIL: the odd upstream did not start"; cat "$TMP/odd.log"; exit 1; }
    sleep 0.05
done
UP="http://127.0.0.1:$(cat "$TMP/odd.port")"

serve interim --upstream "$UP/interim"
check "100 and 103, then 200: the 200's JSON is passed on" \
    [ "$(code "http://127.0.0.1:$PORT/external-api")/$(body "http://127.0.0.1:$PORT/external-api")" = \
      '200/{"after": "1xx"}' ]
stop "$PID"
check "... exit 0" [ "$STATUS" -eq 0 ]

for what in switch banner cut; do
    serve "$what" --upstream "$UP/$what"
    check "$what: 502 {\"detail\":\"Upstream sent an invalid answer: GET $UP/$what\"}" \
        [ "$(code "http://127.0.0.1:$PORT/external-api")/$(body "http://127.0.0.1:$PORT/external-api")" = \
          "502/{\"detail\":\"Upstream sent an invalid answer: GET $UP/$what\"}" ]
    check "... and GET / still answers" [ "$(body "http://127.0.0.1:$PORT/")" = '{"Hello": "World"}' ]
    stop "$PID"
    check "... exit 0" [ "$STATUS" -eq 0 ]
done

serve s999 --upstream "$UP/s999"
check "status 999: 502 {\"detail\":\"Failed to fetch data\"}" \
    [ "$(code "http://127.0.0.1:$PORT/external-api")/$(body "http://127.0.0.1:$PORT/external-api")" = \
      '502/{"detail":"Failed to fetch data"}' ]
stop "$PID"

serve s204 --upstream "$UP/s204"
curl -s --max-time 10 -D "$TMP/h204" -o "$TMP/b204" "http://127.0.0.1:$PORT/external-api"
check "204: 204" grep -q '^HTTP/1.1 204 ' "$TMP/h204"
check "... with no body and no Content-Length" \
    sh -c '[ ! -s "$1" ] && ! grep -qi "^content-length" "$2"' _ "$TMP/b204" "$TMP/h204"
# two requests in one curl: the second reuses the connection (0 new connects)
check "... and the connection stays usable (keep-alive: the next request reuses it)" \
    [ "$(curl -s --max-time 10 -o /dev/null -o /dev/null -w '%{http_code}:%{num_connects} ' \
         "http://127.0.0.1:$PORT/external-api" "http://127.0.0.1:$PORT/")" = "204:1 200:0 " ]
stop "$PID"
check "... exit 0 (and, under ASan, no leak)" [ "$STATUS" -eq 0 ]
exit "$FAILED"
