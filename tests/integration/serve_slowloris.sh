#!/bin/sh
# serve_slowloris.sh — slow clients meet deadlines (short ones, set by the
# test-only flags, so this takes seconds):
#   - slowloris: a header byte every 200 ms keeps the connection busy but
#     never finishes; the head deadline is absolute, so at --header-timeout
#     the client gets 408 {"detail": ...} and the connection closes, however
#     regularly it trickles;
#   - a keep-alive connection that sends nothing more is closed silently
#     after --idle-timeout;
#   - meanwhile other clients are served; slowhttptest's slowloris mode
#     finds the server still available.
# Usage: sh serve_slowloris.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

serve slow --header-timeout 1 --idle-timeout 1
py_test "$PORT" <<'PY'
import os, select, sys, threading, time
import http_raw
port = int(sys.argv[1])

check = http_raw.check   # counts failures for http_raw.done()

result = {}
def slowloris():
    s = http_raw.conn(port)
    head = b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: " + b"a" * 100
    t0 = time.monotonic()
    sent = 0
    for b in head:             # one byte, then wait 200 ms for an answer
        s.send(bytes([b]))
        sent += 1
        if select.select([s], [], [], 0.2)[0]:
            break
    result["took"] = time.monotonic() - t0
    data = http_raw.read_until_close(s, 5)
    result["sent"] = sent
    result["data"] = data

t = threading.Thread(target=slowloris)
t.start()
time.sleep(0.3)
s = http_raw.conn(port)
s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
st, h, body = http_raw.read_response(s)
check("while the slow client trickles, GET / is answered", st == 200, st)
t0 = time.monotonic()
closed = http_raw.is_closed(s, 5)
idle = time.monotonic() - t0
check("an idle keep-alive connection is closed after about 1 s (%.2f s)" % idle, closed and 0.7 < idle < 3)
t.join(15)
d = result.get("data", b"")
check("slowloris: 408 with a JSON body", d.startswith(b"HTTP/1.1 408 Request Timeout\r\n") and
      d.endswith(b'{"detail":"Request Timeout"}'), d[:60])
check("slowloris: at the absolute deadline (%.2f s, %d bytes trickled)" % (result.get("took", 0), result.get("sent", 0)),
      0.7 < result.get("took", 0) < 3 and result.get("sent", 0) < 20)
http_raw.done()
PY
check "slow clients (above)" [ $? -eq 0 ]

# slowhttptest (the standard tool): 50 slowloris connections for 3 s. The
# server closes each at its head deadline, so the tool ends early with "No
# open connections left", and GET / is answered throughout.
if command -v slowhttptest >/dev/null 2>&1; then
    slowhttptest -H -c 50 -r 50 -i 1 -l 3 -s 8192 -t GET -u "http://127.0.0.1:$PORT/" -p 2 \
        -o "$TMP/slowhttp" >"$TMP/slowhttptest.out" 2>&1
    check "slowhttptest slowloris: still answering GET /" [ "$(body "http://127.0.0.1:$PORT/")" = '{"Hello": "World"}' ]
    sed 's/\x1b\[[0-9;]*m//g' "$TMP/slowhttptest.out" | tr '\r' '\n' >"$TMP/slowhttptest.txt"
    check "slowhttptest: the server closed every slow connection" \
        grep -q 'Exit status: No open connections left' "$TMP/slowhttptest.txt"
    check "slowhttptest: the service stayed available" grep -q 'service available: *YES' "$TMP/slowhttptest.txt"
fi
stop "$PID"
check "exit 0 after SIGINT" [ "$STATUS" -eq 0 ]
exit "$FAILED"
