#!/bin/sh
# serve_framing.sh — request framing against RFC 9112 §6 (message body
# length, Transfer-Encoding) and §7 (transfer codings), one check per rule,
# over raw sockets. The rules, what we answer and what nginx answers for the
# same bytes are listed in core/http/src/http_parser.c.
#
# A request whose framing is refused gets its status and a close (the bytes
# after it cannot be trusted). A request whose framing is fine is followed on
# the same connection by GET /: its 200 shows the body ended exactly where
# the rule says (a body that hides "GET /nope" would give a 404 if it were
# read as a request).
# Usage: sh serve_framing.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

serve framing
py_test "$PORT" <<'PY'
import os, socket, sys
import http_raw
port = int(sys.argv[1])
H = b"Host: t\r\n"
POST = b"POST / HTTP/1.1\r\n" + H
TE = POST + b"Transfer-Encoding: chunked\r\n\r\n"
NEXT = b"GET / HTTP/1.1\r\n" + H + b"\r\n"
SMUGGLED = b"GET /nope HTTP/1.1\r\n" + H + b"\r\n"   # 404 if it were read as a request

check = http_raw.check   # counts failures for http_raw.done()

def refused(rule, request, status, word, shut=False):
    """The request gets `status`, a detail naming `word`, and a close."""
    s = http_raw.conn(port)
    s.sendall(request + NEXT)
    try:
        st, h, body = http_raw.Reader(s).response()
    except Exception as e:
        check(rule, False, e)
        return
    check("%s: %d, %r" % (rule, status, word), st == status and word.lower() in body.decode().lower(),
          (st, body))
    check("%s: Connection: close, and closed" % rule, h.get("connection") == "close" and http_raw.is_closed(s), h)
    s.close()

def framed(rule, request, status):
    """The request gets `status`, then GET / on the same connection gets 200."""
    s = http_raw.conn(port)
    s.sendall(request + NEXT)
    r = http_raw.Reader(s)
    try:
        got = [r.response()[0], r.response()[0]]
    except Exception as e:
        check(rule, False, e)
        return
    check("%s: %d, then GET / on the same connection: 200" % (rule, status), got == [status, 200], got)
    s.close()

# §6.1: "A server ... that receives an HTTP/1.0 message containing a
# Transfer-Encoding header field MUST treat the message as if the framing is
# faulty, even if a Content-Length is present, and close the connection"
refused("§6.1 Transfer-Encoding in HTTP/1.0",
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400, "")
refused("§6.1 Transfer-Encoding in HTTP/1.0 (no Content-Length)",
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "HTTP/1.0")
# §6.1: a request with both MAY be rejected; "Regardless, the server MUST
# close the connection after responding to such a request" (§6.3 rule 3)
refused("§6.1/§6.3(3) Content-Length with Transfer-Encoding",
        POST + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "content-length")
# §6.3 rule 4: chunked not the final coding in a request: "the server MUST
# respond with the 400 (Bad Request) status code and then close"
refused("§6.3(4) final coding gzip", POST + b"Transfer-Encoding: gzip\r\n\r\nabc", 400, "transfer-encoding")
refused("§6.3(4) chunked, gzip", POST + b"Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400,
        "transfer-encoding")
refused("§6.3(4) an empty Transfer-Encoding (no coding at all)", POST + b"Transfer-Encoding: \r\n\r\n",
        400, "chunked")
refused("§6.3(4) chunked with a parameter is not chunked",
        POST + b"Transfer-Encoding: chunked;a=b\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400, "transfer-encoding")
# §6.1: "A server that receives a request message with a transfer coding it
# does not understand SHOULD respond with 501 (Not Implemented)"
refused("§6.1 unknown coding before chunked: 501",
        POST + b"Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 501, "not implemented")
refused("§6.1 unknown coding on its own line: 501",
        POST + b"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 501,
        "not implemented")
# §6.1: "A sender MUST NOT apply the chunked transfer coding more than once"
refused("§6.1 chunked twice", POST + b"Transfer-Encoding: chunked, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400,
        "transfer-encoding")
refused("§6.1 chunked twice, on two lines",
        POST + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400,
        "transfer-encoding")
# §7: "All transfer-coding names are case-insensitive"
framed("§7 coding names are case-insensitive",
       POST + b"Transfer-Encoding: ChUnKeD\r\n\r\n%x\r\n" % len(SMUGGLED) + SMUGGLED + b"\r\n0\r\n\r\n", 405)
# §6.3 rule 5: an invalid Content-Length in a request: "the server MUST
# respond with a 400 (Bad Request) status code and then close"
for desc, value in (("a sign", b"+3"), ("a list of differing values", b"3, 4"), ("hex", b"0x3"),
                    ("an empty value", b""), ("two numbers", b"3 3"),
                    ("an overflowing number", b"99999999999999999999999")):
    refused("§6.3(5) Content-Length with %s" % desc, POST + b"Content-Length: " + value + b"\r\n\r\nabcd",
            400, "content-length")
refused("§6.3(5) two Content-Length lines that differ",
        POST + b"Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400, "content-length")
# §6.3 rule 6: Content-Length is the body's length; OWS around it is allowed
framed("§6.3(6) Content-Length frames the body",
       POST + b"Content-Length: %d\r\n\r\n" % len(SMUGGLED) + SMUGGLED, 405)
framed("§6.3(6) Content-Length with blanks around the number",
       POST + b"Content-Length:  %d \r\n\r\n" % len(SMUGGLED) + SMUGGLED, 405)
# §6: "Request message framing is independent of method semantics"
framed("§6 a GET's Content-Length body is read as a body",
       b"GET / HTTP/1.1\r\n" + H + b"Content-Length: %d\r\n\r\n" % len(SMUGGLED) + SMUGGLED, 200)
framed("§6 a GET's chunked body is read as a body",
       b"GET / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % len(SMUGGLED) + SMUGGLED +
       b"\r\n0\r\n\r\n", 200)
# §6.3 rule 7: "If this is a request message and none of the above are
# true, then the message body length is zero"
framed("§6.3(7) no Content-Length, no Transfer-Encoding: no body", POST + b"\r\n", 405)
# §6.3 rule 6: a body cut short by the client's close is incomplete: never
# handled, the connection is closed
s = http_raw.conn(port)
s.sendall(POST + b"Content-Length: 10\r\n\r\nabc")
s.shutdown(socket.SHUT_WR)
data = http_raw.read_until_close(s)
check("§6.3(6) a body cut short: not handled, closed", b" 405 " not in data and b" 200 " not in data, data[:60])
s.close()
# §7.1: "Recipients MUST anticipate potentially large hexadecimal numerals
# and prevent parsing errors due to integer conversion overflows"
refused("§7.1 chunk-size overflow", TE + b"ffffffffffffffffffff\r\nabc\r\n0\r\n\r\n", 400, "chunk")
refused("§7.1 chunk-size is hex digits only", TE + b"0x3\r\nabc\r\n0\r\n\r\n", 400, "chunk")
refused("§7.1 chunk data longer than its size", TE + b"3\r\nabcd\r\n0\r\n\r\n", 400, "")
# §7.1 frames chunks with CRLF; a bare LF is refused (nginx takes it)
refused("§7.1 bare LF after the chunk size", TE + b"3\nabc\r\n0\r\n\r\n", 400, "")
refused("§7.1 bare LF after the chunk data", TE + b"3\r\nabc\n0\r\n\r\n", 400, "")
# §7.1.1: "A recipient MUST ignore unrecognized chunk extensions"; and
# "A server ought to limit the total length of chunk extensions ... and
# generate an appropriate 4xx (Client Error) response if that amount is exceeded"
framed("§7.1.1 chunk extensions are ignored",
       TE + b"%x;a=b\r\n" % len(SMUGGLED) + SMUGGLED + b"\r\n0;flag;last=\"q s\"\r\n\r\n", 405)
# Known gap, llhttp 8.1.0's: a second extension after a token value, and a
# quoted-pair, are refused (400 and close: refused, never misframed); fixed
# upstream in llhttp 9.1 (nodejs/llhttp#248). This check fails on the day
# Debian's llhttp takes them: then move them up into the test above.
for ext in (b";a=b;c=d", b';a="q \\" s"'):
    refused("§7.1.1 known gap: llhttp 8.1 refuses %r" % ext.decode(), TE + b"3" + ext + b"\r\nabc\r\n0\r\n\r\n",
            400, "chunk")
refused("§7.1.1 chunk extensions past 8 KiB", TE + b"3;a=" + b"x" * 9000 + b"\r\nabc\r\n0\r\n\r\n", 400,
        "extension")
s = http_raw.conn(port)   # 8 KiB in total, not per chunk
s.sendall(TE + b"".join(b"1;a=" + b"x" * 1000 + b"\r\nz\r\n" for _ in range(9)) + b"0\r\n\r\n")
st = http_raw.Reader(s).response()[0]
check("§7.1.1 the limit counts all chunks of a request: 400", st == 400, st)
s.close()
# §7.1.2: trailer fields MAY be discarded; a trailer cannot reframe the body
framed("§7.1.2 trailer fields are read and discarded",
       TE + b"3\r\nabc\r\n0\r\nX-T: 1\r\nContent-Length: 99\r\n\r\n", 405)
refused("§7.1.2 trailer fields count against the header limit",
        TE + b"0\r\nX-T: " + b"x" * 9000 + b"\r\n\r\n", 431, "too large")
http_raw.done()
PY
check "RFC 9112 §6 and §7 framing (above)" [ $? -eq 0 ]
stop "$PID"
check "exit 0 after SIGINT" [ "$STATUS" -eq 0 ]
exit "$FAILED"
