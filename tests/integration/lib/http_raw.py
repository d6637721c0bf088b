#!/usr/bin/python3
"""http_raw.py - raw-socket HTTP for the JSON server's tests (standard library only).

curl hides what these tests are about: the exact bytes, pipelining, a client
that sends a byte every 200 ms, one that never reads, one that resets. Every
wait is bounded; a failed expectation raises Fail, and `main` prints
"FAIL: ..." and exits 1.

As a program:
    http_raw.py waitport LOG PID    wait until LOG has the server's
                                    "running on http://HOST:PORT" line; print PORT
As a library (tests import it with sys.path):
    conn(port)                      a connected socket (10 s timeouts)
    read_response(sock)             one response: (status, headers dict, body)
    read_until_close(sock)          everything until EOF
    is_closed(sock)                 the server closed (EOF or reset) within 5 s
    check(desc, ok, got="")         print "ok   DESC", or "FAIL DESC  (got ...)"
                                    and count it
    check_hello(port, desc)         check: a new client's GET / gets the article's
                                    answer (the server still serves)
    done()                          exit 1 if a check failed, else 0
    wait_for(pred, limit=10)        poll pred() until true (at most `limit` s);
                                    its last value
    in_nanosleep(pid, main=True)    the server's main thread (main=False: another
                                    of its threads) is blocked in nanosleep now
                                    (/proc/PID/task/TID/wchan): a handler's
                                    blocking call is under way
    trace_task_waits(trace, name, reason="sleep")
                                    how many tasks NAME the trace (ASYNCLAB_TRACE,
                                    written out before the loop sleeps) shows
                                    suspended for REASON: handlers under way
"""
import json
import os
import re
import socket
import sys
import time

TIMEOUT = 10.0


class Fail(Exception):
    pass


failed = 0


def check(desc, ok, got=""):
    global failed
    print(("ok   " if ok else "FAIL ") + desc + ("" if ok else "  (got %r)" % (got,)))
    failed += not ok


def check_hello(port, desc):
    s = conn(port)
    s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    st, h, body = read_response(s)
    s.close()
    check(desc, st == 200 and body == b'{"Hello": "World"}', body)


def done():
    sys.exit(1 if failed else 0)


def conn(port, timeout=TIMEOUT):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    return s


class Reader:
    """Buffered reads over a socket, so pipelined answers can be split."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise Fail("connection closed early; buffered %r" % self.buf[:200])
        self.buf += data

    def response(self):
        while b"\r\n\r\n" not in self.buf:
            self.fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.1 (\d{3}) ", lines[0] + " ")
        if not m:
            raise Fail("bad status line %r" % lines[0])
        headers = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        while len(self.buf) < n:
            self.fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        return int(m.group(1)), headers, body


def read_response(sock):
    return Reader(sock).response()


def read_until_close(sock, limit=TIMEOUT):
    sock.settimeout(limit)
    chunks = []
    try:
        while True:
            d = sock.recv(65536)
            if not d:
                break
            chunks.append(d)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def is_closed(sock, within=5.0):
    """True if the server closed the connection (EOF or reset) within `within` s."""
    sock.settimeout(within)
    try:
        while True:
            d = sock.recv(65536)
            if not d:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def wait_for(pred, limit=10.0):
    deadline = time.monotonic() + limit
    while True:
        got = pred()
        if got or time.monotonic() >= deadline:
            return got
        time.sleep(0.005)


def in_nanosleep(pid, main=True):
    try:
        tids = [pid] if main else [int(t) for t in os.listdir("/proc/%d/task" % pid) if int(t) != pid]
    except OSError:
        return False
    for tid in tids:
        try:
            if "nanosleep" in open("/proc/%d/task/%d/wchan" % (pid, tid)).read():
                return True
        except OSError:
            pass
    return False


def trace_task_waits(trace, name, reason="sleep"):
    ids, waited = set(), set()
    try:
        lines = open(trace).read().split("\n")
    except OSError:
        return 0
    for line in lines:
        try:
            e = json.loads(line)
        except ValueError:
            continue   # the line being written, or the end
        if e.get("ev") == "spawn" and e.get("name") == name:
            ids.add(e.get("task"))
        elif e.get("ev") == "suspend" and e.get("task") in ids and e.get("reason") == reason:
            waited.add(e.get("task"))
    return len(waited)


def waitport(log, pid, limit=15.0):
    deadline = time.monotonic() + limit
    pat = re.compile(r"running on http://[0-9.]+:(\d+)")
    while time.monotonic() < deadline:
        try:
            m = pat.search(open(log).read())
        except OSError:
            m = None
        if m:
            return int(m.group(1))
        try:
            os.kill(pid, 0)
            state = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                break
        except (OSError, IndexError):
            break
        time.sleep(0.02)
    raise Fail("no 'running on' line in %s" % log)


def main(argv):
    try:
        if argv[1] == "waitport":
            print(waitport(argv[2], int(argv[3])))
        else:
            raise Fail("unknown command %r" % argv[1])
    except Fail as e:
        sys.stderr.write("FAIL: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
