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

# The server is traced (ASYNCLAB_TRACE, written out before its loop sleeps):
# a signal goes once the trace shows the request's handler sleeping, not
# after a guessed delay.
drain_test() {   # drain_test SIGNAL
    export ASYNCLAB_TRACE="$TMP/drain-$1.jsonl"
    serve "drain-$1" --access-log
    unset ASYNCLAB_TRACE
    py_test "$PORT" "$PID" "$1" "$TMP/drain-$1.log" "$TMP/drain-$1.jsonl" <<'PY'
import os, select, signal, socket, sys
import http_raw
port, pid, sig, log, trace = int(sys.argv[1]), int(sys.argv[2]), getattr(signal, sys.argv[3]), sys.argv[4], sys.argv[5]
name = sys.argv[3]
check = http_raw.check   # counts failures for http_raw.done()

def refused():
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return False
    except OSError:
        return True

idle = http_raw.conn(port)                   # a keep-alive client, between requests
idle.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
http_raw.read_response(idle)
busy = http_raw.conn(port)
busy.sendall(b"GET /sleep?s=1.5 HTTP/1.1\r\nHost: t\r\n\r\n")
check("%s: the request is in flight (the trace: GET /sleep sleeps)" % name,
      http_raw.wait_for(lambda: http_raw.trace_task_waits(trace, "GET /sleep")))
os.kill(pid, sig)
check("%s: the server says it is shutting down" % name,
      http_raw.wait_for(lambda: "shutting down" in open(log).read()))
# Refused by the server that still has a request to answer (not because it
# is gone): the busy client has no answer yet.
check("%s: new connections are refused (within 5 s of that line)" % name, http_raw.wait_for(refused, 5))
check("%s: ... while the request in flight is unanswered" % name, not select.select([busy], [], [], 0)[0])
check("%s: the idle keep-alive connection is closed" % name, http_raw.is_closed(idle, 5))
st, h, body = http_raw.read_response(busy)
check("%s: the request in flight is answered" % name, st == 200 and b'"slept":1.5' in body, body)
check("%s: ... with Connection: close" % name, h.get("connection") == "close", h)
http_raw.done()
PY
    check "$1: drain (above)" [ $? -eq 0 ]
    n=0
    while kill -0 "$PID" 2>/dev/null && [ "$(sed -n 's/^[0-9]* (.*) \(.\).*/\1/p' "/proc/$PID/stat" 2>/dev/null)" != Z ] && [ $n -lt 100 ]; do
        sleep 0.05; n=$((n + 1))
    done
    [ $n -lt 100 ] || kill -9 "$PID" 2>/dev/null   # not by itself within 5 s: a failure, not a hang
    wait "$PID"
    STATUS=$?
    check "$1: the server exits 0 by itself" [ "$STATUS" -eq 0 ]
    check "$1: it said so" grep -q 'shutting down' "$TMP/drain-$1.log"
    check "$1: the access log has the request" grep -q '"GET /sleep?s=1.5 HTTP/1.1" 200 OK' "$TMP/drain-$1.log"
}
drain_test SIGTERM
drain_test SIGINT

# Two signals: the second cancels the handler still sleeping. Each goes
# once the server shows it handled what came before (the handler sleeps in
# the trace; "shutting down"): two signals read at once would be one test.
export ASYNCLAB_TRACE="$TMP/force.jsonl"
serve force --access-log
unset ASYNCLAB_TRACE
py_test "$PORT" "$PID" "$TMP/force.log" "$TMP/force.jsonl" <<'PY'
import os, signal, sys
import http_raw
port, pid, log, trace = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
check = http_raw.check
busy = http_raw.conn(port)
busy.sendall(b"GET /sleep?s=30 HTTP/1.1\r\nHost: t\r\n\r\n")
check("the request is in flight (the trace: GET /sleep sleeps)",
      http_raw.wait_for(lambda: http_raw.trace_task_waits(trace, "GET /sleep")))
os.kill(pid, signal.SIGINT)
check("first signal: shutting down", http_raw.wait_for(lambda: "shutting down" in open(log).read()))
os.kill(pid, signal.SIGINT)
check("second signal: the connection of the cancelled handler is closed", http_raw.is_closed(busy, 10))
http_raw.done()
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
