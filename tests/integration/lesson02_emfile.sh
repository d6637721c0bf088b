#!/bin/sh
# lesson02_emfile.sh — out of descriptors on accept(): the select() and poll()
# servers say so, do not spin on the still-readable listening socket, and
# serve again once descriptors are free.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

for kind in select poll; do
  SERVER=$BUILD/lessons/02-select/lesson02_${kind}_server
  PORT=$($RAW freeport)
  # 16 descriptors: stdio, the listener, and a dozen clients at most.
  ( ulimit -n 16; exec "$SERVER" --port "$PORT" ) >"$TMP/out" 2>"$TMP/err" &
  PID=$!
  $RAW waitlog "$TMP/out" 'Waiting for a connection\.\.\.$' --pid "$PID"
  /usr/bin/python3 - "$PORT" "$PID" "$TMP/err" <<'PY'
import os, re, socket, sys, time
port, pid, err = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def fail(msg):
    print("FAIL:", msg); sys.exit(1)
def cpu_seconds():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
idle = []
for _ in range(30):                       # more than the server can hold
    s = socket.create_connection(("127.0.0.1", port)); idle.append(s)
deadline = time.monotonic() + 10
while "pausing accept" not in open(err).read():
    if time.monotonic() > deadline: fail("no EMFILE message on stderr: " + open(err).read()[-300:])
    time.sleep(0.05)
# The measurement window: a server that spins burns ~1 s of CPU here.
before = cpu_seconds(); time.sleep(1.0); used = cpu_seconds() - before
if used > 0.3: fail(f"the server spun while out of descriptors: {used:.2f} s CPU in 1 s")
for s in idle: s.close()
# Once they are gone, a normal request is answered again (retry while the
# server notices the closed clients; bounded).
deadline = time.monotonic() + 10
while True:
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while True:
            chunk = c.recv(4096)
            if not chunk: break
            data += chunk
        if data.endswith(b'{"Hello": "World"}'): break
    except OSError:
        pass
    if time.monotonic() > deadline: fail("no answer after the idle clients left")
    time.sleep(0.1)
print(f"ok: EMFILE handled, {used:.2f} s CPU while paused")
PY
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=
done
