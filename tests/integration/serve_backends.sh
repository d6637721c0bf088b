#!/bin/sh
# serve_backends.sh — the JSON server on each of the five backends: GET /,
# three /sleep requests that overlap (they finish together, not one after
# another), and the lesson's point about blocking: while GET /blocking holds
# the loop, GET / waits for it; while GET /offload runs on the thread pool
# (libuv's, or the fallback thread), GET / is answered first.
# Usage: sh serve_backends.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

for backend in ${AL_BACKENDS:-select poll epoll uv uring}; do   # AL_BACKENDS: the ones that work here (tests/CMakeLists.txt)
    serve "$backend" --backend "$backend"
    check "$backend: the start-up line says so" grep -q "(backend $backend;" "$TMP/$backend.log"
    check "$backend: GET /" [ "$(body "http://127.0.0.1:$PORT/")" = '{"Hello": "World"}' ]
    SERVE_LIB="$SERVE_LIB" $PY - "$PORT" <<'PY'
import os, sys, threading, time
sys.path.insert(0, os.environ["SERVE_LIB"])
import http_raw
port = int(sys.argv[1])
done = []
lock = threading.Lock()

def get(path, tag):
    sent = time.monotonic()
    s = http_raw.conn(port)
    s.sendall(("GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % path).encode())
    status, _, body = http_raw.read_response(s)
    with lock:
        done.append((tag, status, time.monotonic(), time.monotonic() - sent))
    s.close()

def run(pairs, gap=0.15):
    done.clear()
    ts = []
    for path, tag in pairs:
        t = threading.Thread(target=get, args=(path, tag)); t.start(); ts.append(t)
        time.sleep(gap)
    for t in ts: t.join(20)
    return [d[0] for d in sorted(done, key=lambda d: d[2])], done

def waited(d, tag):
    return [x[3] for x in d if x[0] == tag][0]

fails = 0
def check(desc, ok):
    global fails
    print(("ok   " if ok else "FAIL ") + desc)
    fails += not ok

# Three 0.6 s sleeps started 0.2 s apart: concurrent, they all end by ~1.0 s;
# one after another they would take 1.8 s. The gap is what orders their
# ends: 0.05 s was less than a loaded machine (a fresh-machine CI run) may
# delay one client thread, and the ends came back swapped.
t0 = time.monotonic()
order, d = run([("/sleep?s=0.6", "a"), ("/sleep?s=0.6", "b"), ("/sleep?s=0.6", "c")], gap=0.2)
took = time.monotonic() - t0
check("three /sleep?s=0.6 all 200", [x[1] for x in d] == [200, 200, 200])
check("... they overlap (%.2f s for all three, sequential would be 1.8 s)" % took, took < 1.6)
check("... and finish in the order they started", order == ["a", "b", "c"])

# GET / is sent 0.15 s into a 0.6 s blocking call: it cannot be answered
# before the call ends, so it waits at least the remaining ~0.45 s.
order, d = run([("/blocking?s=0.6", "blocking"), ("/", "root")])
check("while /blocking holds the loop, GET / waits for it (%.2f s)" % waited(d, "root"),
      waited(d, "root") >= 0.35)
order, d = run([("/offload?s=1", "offload"), ("/", "root")])
check("while /offload runs on a thread, GET / is served first (%s)" % order, order == ["root", "offload"])
check("... and /offload answers 200", sorted(x[1] for x in d) == [200, 200])
sys.exit(1 if fails else 0)
PY
    check "$backend: the concurrency checks" [ $? -eq 0 ]
    stop "$PID"
    check "$backend: SIGINT, exit 0" [ "$STATUS" -eq 0 ]
done
exit "$FAILED"
