#!/bin/sh
# serve_backends.sh — the JSON server on each of the five backends: GET /,
# three /sleep requests that overlap (sent one after the other, the shorter
# later ones finish first), and the lesson's point about blocking: while GET
# /blocking holds the loop, GET / waits for it; while GET /offload runs on
# the thread pool (libuv's, or the fallback thread), GET / is answered first.
# Each "while" is seen, not guessed: GET / goes once /proc shows the loop's
# thread (or the pool's) blocked in nanosleep.
# Usage: sh serve_backends.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

for backend in ${AL_BACKENDS:-select poll epoll uv uring}; do   # AL_BACKENDS: the ones that work here (tests/CMakeLists.txt)
    serve "$backend" --backend "$backend"
    check "$backend: the start-up line says so" grep -q "(backend $backend;" "$TMP/$backend.log"
    check "$backend: GET /" [ "$(body "http://127.0.0.1:$PORT/")" = '{"Hello": "World"}' ]
    py_test "$PORT" "$PID" <<'PY'
import sys, threading, time
import http_raw
port, pid = int(sys.argv[1]), int(sys.argv[2])
check = http_raw.check   # counts failures for http_raw.done()
done = {}      # tag: (status, when its answer came)
readers = []

def send(tag, path):
    """Send GET path, read its answer on a thread from now on; the time just
    before it was sent (the server cannot have begun it earlier)."""
    s = http_raw.conn(port, 20)
    sent = time.monotonic()
    s.sendall(("GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % path).encode())
    def read():
        status = http_raw.read_response(s)[0]
        done[tag] = (status, time.monotonic())
        s.close()
    readers.append(threading.Thread(target=read))
    readers[-1].start()
    return sent

def finish():
    """Wait for the answers; the tags in the order they came."""
    for t in readers: t.join(20)
    readers.clear()
    order = sorted(done, key=lambda tag: done[tag][1])
    statuses = sorted(done[tag][0] for tag in order)
    done.clear()
    return order, statuses

# Overlap, shown by order: 1.4 s, 0.7 s and 0.05 s sleeps sent one after
# the other finish in reverse, each ending while the earlier, longer ones
# still sleep; one after another they would finish in the order sent. (The
# margins, 0.65 s, are what a loaded machine may delay a client thread or
# the server's read of one request: sleeps started 0.05 s apart came back
# swapped on a fresh-machine CI run.)
for tag, s in ("a", 1.4), ("b", 0.7), ("c", 0.05):
    send(tag, "/sleep?s=%s" % s)
order, statuses = finish()
check("three /sleep all 200", statuses == [200, 200, 200], statuses)
check("... they overlap: the shortest, sent last, ends first (order %s)" % order, order == ["c", "b", "a"])

# /blocking holds the loop: GET /, sent once the server's loop thread is
# in the blocking call, is answered only after the call's 0.8 s are over.
sent = send("blocking", "/blocking?s=0.8")
check("/blocking blocks the server's loop thread (in nanosleep)",
      http_raw.wait_for(lambda: http_raw.in_nanosleep(pid)))
send("root", "/")
for t in readers: t.join(20)
took = done.get("root", (0, sent))[1] - sent
order, statuses = finish()
check("... GET / waits for it: answered %.2f s after /blocking?s=0.8 was sent" % took, took >= 0.8)
check("... and both answer 200", statuses == [200, 200], statuses)

# /offload runs the same call on a thread: GET /, sent once that thread
# sleeps, is answered first.
send("offload", "/offload?s=1.2")
check("/offload sleeps on another thread",
      http_raw.wait_for(lambda: http_raw.in_nanosleep(pid, main=False)))
send("root", "/")
order, statuses = finish()
check("... meanwhile GET / is served first (%s)" % order, order == ["root", "offload"])
check("... and /offload answers 200", statuses == [200, 200], statuses)
http_raw.done()
PY
    check "$backend: the concurrency checks" [ $? -eq 0 ]
    stop "$PID"
    check "$backend: SIGINT, exit 0" [ "$STATUS" -eq 0 ]
done
exit "$FAILED"
