#!/bin/sh
# serve_pipelining.sh — pipelined requests answered in order (a slow one in
# the middle holds the ones behind it); bodies by Content-Length and chunked
# to a route; and two clients that misbehave: one floods pipelined requests
# and never reads, one asks for answers and never reads. The server's memory
# stays bounded (it stops handling, then stops reading: TCP pushes back) and
# it keeps serving everyone else. Python's http.client checks keep-alive.
# Usage: sh serve_pipelining.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

serve pipe
py_test "$PORT" "$PID" <<'PY'
import http.client, os, socket, sys, time
import http_raw
port, pid = int(sys.argv[1]), int(sys.argv[2])

check = http_raw.check   # counts failures for http_raw.done()

def rss_kib():
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

# 1. twenty pipelined requests in one write, a slow one among them
reqs = b"".join(b"GET /items/%d HTTP/1.1\r\nHost: t\r\n\r\n" % i for i in range(1, 11))
reqs += b"GET /sleep?s=0.2 HTTP/1.1\r\nHost: t\r\n\r\n"
reqs += b"".join(b"GET /items/%d HTTP/1.1\r\nHost: t\r\n\r\n" % i for i in range(11, 20))
s = http_raw.conn(port)
s.sendall(reqs)
r = http_raw.Reader(s)
got = []
for _ in range(20):
    st, h, body = r.response()
    got.append(body)
want = [b'{"item_id":%d,"q":null}' % i for i in range(1, 11)] + [b'{"Hello":"World","slept":0.2}'] + \
       [b'{"item_id":%d,"q":null}' % i for i in range(11, 20)]
check("20 pipelined requests: 20 answers, in order", got == want, got[:3])
s.close()

# 2. bodies, by Content-Length and chunked (to a GET route: 405, body consumed, connection kept)
s = http_raw.conn(port)
s.sendall(b"POST /items/1 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: t\r\n\r\n"
          b"POST /items/1 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
          b"GET /items/7 HTTP/1.1\r\nHost: t\r\n\r\n")
r = http_raw.Reader(s)
codes = [r.response()[0] for _ in range(4)]
check("Content-Length and chunked bodies keep the framing: 405 200 405 200", codes == [405, 200, 405, 200], codes)
s.close()

# 3. Python's http.client: keep-alive over one connection
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
bodies = []
for path in ("/", "/items/5?q=x", "/"):
    c.request("GET", path)
    resp = c.getresponse()
    bodies.append((resp.status, resp.read()))
check("http.client: three requests on one connection",
      bodies == [(200, b'{"Hello": "World"}'), (200, b'{"item_id":5,"q":"x"}'), (200, b'{"Hello": "World"}')],
      bodies)
c.close()

# 4. a pipelining flood from a client that never reads: the server answers
# (into the kernel's buffers), closes after its 1000 requests per connection,
# and drops what keeps coming; its memory does not follow the flood.
before = rss_kib()
flood = socket.create_connection(("127.0.0.1", port))
flood.setblocking(False)
one = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n" * 1000
closed = False
deadline = time.monotonic() + 8.0
while time.monotonic() < deadline and not closed:
    try:
        flood.send(one)
    except BlockingIOError:
        time.sleep(0.01)
    except (BrokenPipeError, ConnectionResetError):
        closed = True
after = rss_kib()
check("flood: the server closed the flooding connection", closed)
check("flood: server RSS grew by %d KiB (bounded: < 8 MiB)" % (after - before), after - before < 8192)

# 5. a client that asks for many answers and never reads them
lazy = socket.create_connection(("127.0.0.1", port))
lazy.sendall(b"GET /items/1 HTTP/1.1\r\nHost: t\r\n\r\n" * 5000)

# meanwhile everyone else is served
s = http_raw.conn(port)
s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
st, h, body = http_raw.read_response(s)
check("others are still served meanwhile", st == 200 and body == b'{"Hello": "World"}', body)
check("RSS still bounded with both of them connected (%d KiB more)" % (rss_kib() - before),
      rss_kib() - before < 8192)
flood.close()
lazy.close()
http_raw.done()
PY
check "pipelining (above)" [ $? -eq 0 ]
stop "$PID"
check "exit 0 after SIGINT" [ "$STATUS" -eq 0 ]
exit "$FAILED"
