#!/bin/sh
# serve_emfile.sh — out of descriptors on accept() (a low ulimit -n): the
# server neither crashes nor spins on the still-readable listening socket
# (it pauses accepting), keeps serving the connections it has, and accepts
# again once descriptors are free.
# Usage: sh serve_emfile.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# 32 descriptors: stdio, the loop's, the listener, the signal pipe, and a
# couple of dozen clients at most. --idle-timeout 30: idle clients stay.
( ulimit -n 32; exec "$A" serve --port "$PORT" --backend "${ASYNCLAB_BACKEND:-epoll}" --idle-timeout 30 ) >"$TMP/emfile.log" 2>&1 &
PID=$!
PIDS="$PIDS $PID"
$RAW waitport "$TMP/emfile.log" "$PID" >/dev/null || { cat "$TMP/emfile.log"; exit 1; }

py_test "$PORT" "$PID" <<'PY'
import os, socket, sys, time
import http_raw
port, pid = int(sys.argv[1]), int(sys.argv[2])

check = http_raw.check   # counts failures for http_raw.done()

def cpu_seconds():
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

first = http_raw.conn(port)            # accepted while descriptors last
first.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
check("a first client is served", http_raw.read_response(first)[0] == 200)
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(60)]   # more than fit
nfds = lambda: len(os.listdir("/proc/%d/fd" % pid))
http_raw.wait_for(lambda: nfds() >= 31)   # it accepts them as it gets to them
check("the server is out of descriptors (%d open of 32)" % nfds(), nfds() >= 31)
before = cpu_seconds()
time.sleep(1.0)
used = cpu_seconds() - before
check("out of descriptors, the server does not spin (%.2f s CPU in 1 s)" % used, used < 0.3)
first.sendall(b"GET /items/3 HTTP/1.1\r\nHost: t\r\n\r\n")
st, h, body = http_raw.read_response(first)
check("a connection it already had is still served", st == 200 and body == b'{"item_id":3,"q":null}', body)
for s in idle:
    s.close()
deadline = time.monotonic() + 10
ok = False
while time.monotonic() < deadline and not ok:
    try:
        c = http_raw.conn(port, 2)
        c.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        ok = http_raw.read_until_close(c, 2).endswith(b'{"Hello": "World"}')
    except OSError:
        time.sleep(0.1)
check("once the idle clients left, new connections are served", ok)
http_raw.done()
PY
check "EMFILE (above)" [ $? -eq 0 ]
stop "$PID"
check "exit 0 after SIGINT" [ "$STATUS" -eq 0 ]
exit "$FAILED"
