"""client.py — raw-socket clients for lesson 3's tests (tests/integration/lesson03_*.sh).

Run with /usr/bin/python3 (standard library only). Each scenario prints what
it saw and exits 0 when the server behaved as the lesson says, 1 when not.
Every wait is bounded; no sleep stands in for synchronisation: we wait for
the server's own log lines (the server flushes each line).

  client.py get PORT [--half-close] [--timeout S]
      send one request in one piece, read until the server closes; write the
      bytes received to stdout. Exit 0 on a complete reply, 3 if the server
      sent nothing more for S seconds (that is how a hang is detected).
  client.py overlap PORT LOG
      A connects and stays silent; B must get its answer while A is idle;
      then A asks and is answered too.
  client.py emfile PORT LOG PID
      open more idle connections than the server has descriptors; expect one
      EMFILE message per refused client, little CPU time, and service again
      once the idle clients leave.
"""
import os
import select
import socket
import sys
import time

REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n"
RESPONSE = (b"HTTP/1.1 200 OK\r\n"
            b"Content-Type: application/json\r\n"
            b"Content-Length: 18\r\n"
            b"Connection: close\r\n"
            b"\r\n"
            b'{"Hello": "World"}')


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def read_reply(sock, timeout):
    """Read until EOF. Returns (bytes, True) or (bytes so far, False) on timeout."""
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return data, True
            data += chunk
    except socket.timeout:
        return data, False


def log_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def wait_for_log(path, predicate, what, timeout=15.0):
    """Poll the server's log until predicate(lines) holds; fail after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = log_lines(path)
        if predicate(lines):
            return lines
        time.sleep(0.02)
    fail("timed out waiting for the server to log " + what + "; log:\n" + "\n".join(log_lines(path)))


def accepted_line(port):
    return "Accepted connection from ('127.0.0.1', %d)" % port


def cmd_get(args):
    port = int(args[0])
    half_close = "--half-close" in args
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 10.0
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(REQUEST)            # one piece: one segment on loopback
    if half_close:
        sock.shutdown(socket.SHUT_WR)  # "I am done sending"; still reading
    data, complete = read_reply(sock, timeout)
    sock.close()
    sys.stdout.buffer.write(data)
    return 0 if complete else 3


def cmd_overlap(args):
    port, log = int(args[0]), args[1]
    a = socket.create_connection(("127.0.0.1", port))
    a_port = a.getsockname()[1]
    wait_for_log(log, lambda ls: accepted_line(a_port) in ls, "A's accept")
    print("A connected from port %d and stays silent" % a_port)

    b = socket.create_connection(("127.0.0.1", port))
    b_port = b.getsockname()[1]
    b.sendall(REQUEST)
    data, complete = read_reply(b, 10.0)
    b.close()
    if not complete or data != RESPONSE:
        fail("B (port %d) got %r while A was idle" % (b_port, data))
    # A is still connected and has received nothing: the server did not
    # answer it early, nor close it.
    a.setblocking(False)
    try:
        early = a.recv(100)
        fail("A received %r before asking" % early)
    except BlockingIOError:
        pass
    print("B (port %d) got the full response while A was still idle" % b_port)

    a.setblocking(True)
    a.sendall(REQUEST)
    data, complete = read_reply(a, 10.0)
    a.close()
    if not complete or data != RESPONSE:
        fail("A got %r" % data)
    print("A got the full response afterwards")

    # The server's log tells the same story: A accepted, B accepted, one
    # answer (B's), then another (A's). (Earlier clients may precede A.)
    def since_a(ls):
        return ls[ls.index(accepted_line(a_port)):]
    lines = wait_for_log(log, lambda ls: since_a(ls).count("Closing connection") >= 2,
                         "two closings after A's accept")
    order = [l for l in since_a(lines) if l.startswith("Accepted") or l == "response to"]
    want = [accepted_line(a_port), accepted_line(b_port), "response to", "response to"]
    if order != want:
        fail("log order %r, expected %r" % (order, want))
    print("log order: A accepted, B accepted, B answered, A answered")
    return 0


def cpu_seconds(pid):
    with open("/proc/%s/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])   # utime + stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


EMFILE_TAG = "EMFILE"


def cmd_emfile(args):
    port, log, pid = int(args[0]), args[1], args[2]
    n = 24
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]

    # Every client is either accepted (and idle) or refused: wait until the
    # server has logged a verdict for each.
    def verdicts(ls):
        return sum(1 for l in ls if l.startswith("Accepted") or EMFILE_TAG in l)
    wait_for_log(log, lambda ls: verdicts(ls) >= n, "a verdict for all %d clients" % n)

    # The episode: clients idle, fds exhausted, listen queue empty. A server
    # that spins on the readable listening socket burns a core here.
    hold_until = time.monotonic() + 1.5
    while time.monotonic() < hold_until:
        time.sleep(0.1)
    lines = log_lines(log)
    accepted = sum(1 for l in lines if l.startswith("Accepted"))
    refused = sum(1 for l in lines if EMFILE_TAG in l)
    print("%d clients: %d accepted, %d refused with EMFILE" % (n, accepted, refused))
    if refused == 0 or accepted == 0:
        fail("expected some clients accepted and some refused")
    if accepted + refused != n:
        fail("the server logged %d verdicts for %d clients (spinning?)" % (accepted + refused, n))
    cpu = cpu_seconds(pid)
    print("server CPU time so far: %.2f s" % cpu)
    if cpu >= 0.5:
        fail("the server used %.2f s of CPU: it spins on EMFILE" % cpu)

    # The refused clients were closed at once (EOF), the accepted ones not.
    readable, _, _ = select.select(clients, [], [], 2.0)
    eof = 0
    for c in readable:
        c.settimeout(1.0)
        if c.recv(100) == b"":
            eof += 1
    if eof != refused:
        fail("%d clients saw their connection closed, expected %d" % (eof, refused))
    print("the %d refused clients saw their connection closed" % refused)

    for c in clients:
        c.close()
    wait_for_log(log, lambda ls: ls.count("Closing connection") >= accepted,
                 "the idle clients' closings")
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(REQUEST)
    data, complete = read_reply(sock, 10.0)
    sock.close()
    if not complete or data != RESPONSE:
        fail("after the idle clients left, got %r" % data)
    print("after the idle clients left, a new client got the full response")
    return 0


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    cmd, args = sys.argv[1], sys.argv[2:]
    return {"get": cmd_get, "overlap": cmd_overlap, "emfile": cmd_emfile}[cmd](args)


if __name__ == "__main__":
    sys.exit(main())
