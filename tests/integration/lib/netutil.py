#!/usr/bin/python3
"""netutil.py - ports, waits and a misbehaving HTTP server for the harness tests.

Standard library only; run with /usr/bin/python3. Every wait is bounded.

    netutil.py freeport                   print a TCP port on 127.0.0.1 that was free
    netutil.py waitport PORT [--pid PID] [--timeout S]
                                          exit 0 once something accepts on the port,
                                          1 after S seconds (default 10) or when PID died
    netutil.py fake MODE                  an HTTP server on a free port that answers
                                          every request the way MODE says; prints
                                          "PORT N" first, serves until killed

Modes (see MODES below): good answers framed in unusual ways (chunked, split,
until-close, continue), broken ones (bare-lf, bare-cr, bad-status, two-lengths,
obs-fold, gzip, extra, garbage, close-early, silent), and servers that break
one rule of the contract (text, short, reverse, 404), and one whose reason
phrase and Content-Type hold terminal escapes and bytes that are not UTF-8
(hostile-text).
"""
import os
import socket
import sys
import threading
import time

HELLO = b'{"Hello": "World"}'


def ok(body=HELLO, ctype=b"application/json", extra=b""):
    return (b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype + b"\r\nContent-Length: " +
            str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body)


NOT_FOUND = (b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
             b"Content-Length: 22\r\n\r\n" + b'{"detail":"Not Found"}')

# mode -> (answer bytes for "/", close after answering?)
MODES = {
    "chunked": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
                b"7\r\n{\"Hello\r\n4;ext=1\r\n\": \"\r\n7\r\nWorld\"}\r\n0\r\nX-Trailer: yes\r\n\r\n", False),
    "split": (ok(), False),                                   # sent one byte at a time
    "until-close": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + HELLO, True),
    "continue": (b"HTTP/1.1 100 Continue\r\n\r\n" + ok(), False),
    "bare-lf": (b"HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", False),
    "bad-status": (b"HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nhi", False),
    "bare-cr": (b"HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\nhi", False),
    "two-lengths": (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi!", False),
    "obs-fold": (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Folded: a\r\n b\r\n\r\nhi", False),
    "gzip": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhi", False),
    "extra": (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi!!", False),
    "garbage": (b"hello there\r\n\r\n", False),
    "close-early": (b"HTTP/1.1 200 OK\r\nContent-Le", True),
    "silent": (None, False),
    "text": (ok(b"hello", b"text/plain"), False),
    "short": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n" + HELLO, False),
    "404": (NOT_FOUND, False),
    "reverse": (ok(), False),                                 # pipelined answers swapped
    # bytes a terminal obeys (ESC, a colour; OSC 0 retitles the window) and
    # bytes that are not UTF-8 (0xff, an overlong "/"), in the reason phrase
    # and the Content-Type: none may reach the terminal or JSON as they are
    "hostile-text": (b"HTTP/1.1 500 OK\x1b[31m\x1b]0;pwned\x07\xff\xc0\xaf\r\n"
                     b"Content-Type: application/json\xff\r\nContent-Length: 2\r\n\r\n{}", False),
}


def cmd_freeport():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cmd_waitport(args):
    port = int(args[0])
    pid = int(args[args.index("--pid") + 1]) if "--pid" in args else None
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 10.0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid is not None and not alive(pid):
            print(f"FAIL: process {pid} exited before listening on {port}", file=sys.stderr)
            return 1
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return 0
        except OSError:
            time.sleep(0.02)
    print(f"FAIL: nothing listens on 127.0.0.1:{port} after {timeout} s", file=sys.stderr)
    return 1


def answer_for(mode, path):
    body, close = MODES[mode]
    if mode in ("reverse", "404") or path == "/":
        return body, close
    return NOT_FOUND, False


def serve(conn, mode):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    try:
        while True:
            while b"\r\n\r\n" not in buf:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
            heads = []
            while b"\r\n\r\n" in buf:
                head, buf = buf.split(b"\r\n\r\n", 1)
                parts = head.split(b" ")
                heads.append(parts[1].decode("latin-1") if len(parts) > 1 else "?")
            if mode == "reverse":
                heads.reverse()
                answers = [ok() if p == "/" else NOT_FOUND for p in heads]
                conn.sendall(b"".join(answers))
                continue
            for path in heads:
                body, close = answer_for(mode, path)
                if body is None:
                    time.sleep(3600)      # "silent": never answer
                if mode == "split":
                    for i in range(len(body)):
                        conn.sendall(body[i:i + 1])
                        time.sleep(0.001)
                else:
                    conn.sendall(body)
                if close:
                    return
    except OSError:
        pass
    finally:
        conn.close()


def cmd_fake(mode):
    if mode not in MODES:
        print(f"unknown mode {mode}; modes: {' '.join(MODES)}", file=sys.stderr)
        return 2
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


def main(argv):
    if len(argv) >= 2 and argv[1] == "freeport":
        cmd_freeport()
        return 0
    if len(argv) >= 3 and argv[1] == "waitport":
        return cmd_waitport(argv[2:])
    if len(argv) == 3 and argv[1] == "fake":
        return cmd_fake(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
