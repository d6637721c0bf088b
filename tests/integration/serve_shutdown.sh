#!/bin/sh
# serve_shutdown.sh — graceful shutdown on SIGTERM and SIGINT: the server
# stops accepting at once, answers the request in flight (with Connection:
# close), closes idle keep-alive connections, and exits 0. A second signal
# forces: the handler still running is cancelled and the server exits 0.
# SIGPIPE is ignored: a client that vanishes mid-answer is harmless.
# Usage: sh serve_shutdown.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

drain_test() {   # drain_test SIGNAL
    serve "drain-$1" --access-log
    py_test "$PORT" "$PID" "$1" <<'PY'
import os, signal, socket, sys, time
import http_raw
port, pid, sig = int(sys.argv[1]), int(sys.argv[2]), getattr(signal, sys.argv[3])
check = http_raw.check   # counts failures for http_raw.done()

idle = http_raw.conn(port)                   # a keep-alive client, between requests
idle.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
http_raw.read_response(idle)
busy = http_raw.conn(port)
busy.sendall(b"GET /sleep?s=0.8 HTTP/1.1\r\nHost: t\r\n\r\n")
time.sleep(0.2)
os.kill(pid, sig)
time.sleep(0.2)
refused = False
try:
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
except OSError:
    refused = True
check("%s: new connections are refused at once" % sys.argv[3], refused)
check("%s: the idle keep-alive connection is closed" % sys.argv[3], http_raw.is_closed(idle, 2))
st, h, body = http_raw.read_response(busy)
check("%s: the request in flight is answered" % sys.argv[3], st == 200 and b'"slept":0.8' in body, body)
check("%s: ... with Connection: close" % sys.argv[3], h.get("connection") == "close", h)
http_raw.done()
PY
    check "$1: drain (above)" [ $? -eq 0 ]
    n=0
    while kill -0 "$PID" 2>/dev/null && [ "$(sed -n 's/^[0-9]* (.*) \(.\).*/\1/p' "/proc/$PID/stat" 2>/dev/null)" != Z ] && [ $n -lt 100 ]; do
        sleep 0.05; n=$((n + 1))
    done
    wait "$PID"
    STATUS=$?
    check "$1: the server exits 0 by itself" [ "$STATUS" -eq 0 ]
    check "$1: it said so" grep -q 'shutting down' "$TMP/drain-$1.log"
    check "$1: the access log has the request" grep -q '"GET /sleep?s=0.8 HTTP/1.1" 200 OK' "$TMP/drain-$1.log"
}
drain_test SIGTERM
drain_test SIGINT

# Two signals: the second cancels the handler still sleeping.
serve force --access-log
py_test "$PORT" "$PID" <<'PY'
import os, signal, sys, time
import http_raw
port, pid = int(sys.argv[1]), int(sys.argv[2])
busy = http_raw.conn(port)
busy.sendall(b"GET /sleep?s=30 HTTP/1.1\r\nHost: t\r\n\r\n")
time.sleep(0.2)
os.kill(pid, signal.SIGINT)
time.sleep(0.2)
os.kill(pid, signal.SIGINT)
ok = http_raw.is_closed(busy, 5)
print(("ok   " if ok else "FAIL ") + "second signal: the connection of the cancelled handler is closed")
sys.exit(0 if ok else 1)
PY
check "force (above)" [ $? -eq 0 ]
stop "$PID"
check "force: exit 0" [ "$STATUS" -eq 0 ]
check "force: the cancelled request is logged as 499" grep -q '"GET /sleep?s=30 HTTP/1.1" 499' "$TMP/force.log"

# SIGPIPE: clients that reset while their answer is being written
serve pipe
$PY - "$PORT" <<'PY'
import socket, struct
for _ in range(200):
    s = socket.create_connection(("127.0.0.1", int(__import__("sys").argv[1])))
    s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n" * 50)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
PY
check "after 200 resets mid-answer the server is alive and serving" \
    [ "$(body "http://127.0.0.1:$PORT/")" = '{"Hello": "World"}' ]
stop "$PID"
check "... and exits 0" [ "$STATUS" -eq 0 ]
exit "$FAILED"
