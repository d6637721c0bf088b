#!/bin/sh
# serve_hostile.sh — requests a server must refuse, over raw sockets: each
# gets its status, a JSON body {"detail": ...}, and the connection closed
# (its framing is in doubt). Then the server still serves a normal client.
#   400: malformed request line, obs-fold (CVE-2024-27982's " Content-Length"
#        line), Content-Length with Transfer-Encoding, duplicate and invalid
#        Content-Length, chunked in HTTP/1.0, missing and duplicate Host
#   414: request target over 8 KiB; 431: header block over 8 KiB, over 100
#   headers; 413: Content-Length over 1 MiB (answered before the body is
#   sent), a chunked body passing 1 MiB.
# Usage: sh serve_hostile.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

serve hostile
py_test "$PORT" <<'PY'
import json, os, sys
import http_raw
port = int(sys.argv[1])

check = http_raw.check   # counts failures for http_raw.done()

def refused(desc, request, status, word):
    s = http_raw.conn(port)
    s.sendall(request)
    try:
        st, h, body = http_raw.read_response(s)
    except Exception as e:
        check(desc, False, e)
        return
    try:
        detail = json.loads(body)["detail"]
    except Exception:
        detail = None
    check("%s: %d" % (desc, status), st == status, st)
    check("%s: JSON detail mentions %r" % (desc, word),
          isinstance(detail, str) and word.lower() in detail.lower(), body)
    check("%s: Connection: close, and closed" % desc,
          h.get("connection") == "close" and http_raw.is_closed(s), h)
    s.close()

H = b"Host: t\r\n"
refused("malformed request line", b"GET /\r\n\r\n", 400, "version")
refused("garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400, "invalid")
refused("obs-fold", b"GET / HTTP/1.1\r\n" + H + b"X-A: 1\r\n 2\r\n\r\n", 400, "folded")
refused("obs-fold hiding Content-Length (CVE-2024-27982)",
        b"POST / HTTP/1.1\r\n" + H + b"X-A: 1\r\n Content-Length: 5\r\n\r\nhello", 400, "folded")
refused("Content-Length with Transfer-Encoding",
        b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400, "content-length")
refused("duplicate Content-Length",
        b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400, "content-length")
refused("invalid Content-Length", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: -1\r\n\r\n", 400,
        "content-length")
refused("chunked in HTTP/1.0", b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
        "transfer-encoding")
refused("missing Host", b"GET / HTTP/1.1\r\n\r\n", 400, "host")
refused("duplicate Host", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "host")
refused("target over 8 KiB", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + H + b"\r\n", 414, "too long")
refused("header block over 8 KiB", b"GET / HTTP/1.1\r\n" + H + b"X-Big: " + b"b" * 9000 + b"\r\n\r\n",
        431, "too large")
refused("101 headers", b"GET / HTTP/1.1\r\n" + H + b"".join(b"X-%d: v\r\n" % i for i in range(100)) +
        b"\r\n", 431, "too many")
# announced too large: the answer comes without our sending a byte of body
refused("Content-Length over 1 MiB", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 1048577\r\n\r\n",
        413, "too large")
chunk = b"%x\r\n" % 65536 + b"c" * 65536 + b"\r\n"
s = http_raw.conn(port)
s.sendall(b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n")
try:
    for _ in range(17):            # 17 x 64 KiB > 1 MiB
        s.sendall(chunk)
except OSError:
    pass                           # the server may close while we still send
data = http_raw.read_until_close(s)
check("chunked body passing 1 MiB: 413 with a JSON body",
      data.startswith(b"HTTP/1.1 413 ") and b'{"detail":"Request Entity Too Large"}' in data, data[:80])

# exactly at the limits is fine
s = http_raw.conn(port)
s.sendall(b"GET /" + b"a" * 8000 + b" HTTP/1.1\r\n" + H + b"".join(b"X-%d: v\r\n" % i for i in range(98)) + b"\r\n")
st, h, body = http_raw.read_response(s)
check("an 8000-byte target and 99 headers: an ordinary 404", st == 404, st)
# and the server still serves
http_raw.check_hello(port, "after all that, GET / still answers")
http_raw.done()
PY
check "hostile requests (above)" [ $? -eq 0 ]
stop "$PID"
check "exit 0 after SIGINT" [ "$STATUS" -eq 0 ]
exit "$FAILED"
