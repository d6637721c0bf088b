#!/usr/bin/python3
"""rawclient.py - a raw-socket HTTP client for the lesson integration tests.

curl hides the bytes and the timing; these scenarios need both: the exact
bytes of an answer, a client that connects and stays silent, a request sent
in pieces. Standard library only (socket, select), run with /usr/bin/python3.

Every wait is bounded; a scenario that does not see what it expects prints
"FAIL: ..." on stderr and exits 1.

    rawclient.py freeport                     print a free TCP port on 127.0.0.1
    rawclient.py waitlog FILE REGEX [N] [--pid PID]
                                              wait until N lines (default 1) of
                                              FILE match REGEX
    rawclient.py get PORT                     one request; the answer's raw bytes
                                              to stdout
    rawclient.py serial PORT LOG              lesson 1: B waits while A holds
    rawclient.py overlap PORT LOG             lesson 2: B is served while A holds
    rawclient.py partial PORT                 a request in pieces, with pauses
    rawclient.py fdsetsize PORT OUT ERR N     N silent clients against select()
    rawclient.py many PORT OUT N              N silent clients against poll()
"""
import errno
import os
import re
import select
import socket
import sys
import time

sys.dont_write_bytecode = True   # importing from lib/ must not write into the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from netutil import cmd_freeport  # noqa: E402  (one free-port finder for every test)

EXPECTED = (b"HTTP/1.1 200 OK\r\n"
            b"Content-Type: application/json\r\n"
            b"Content-Length: 18\r\n"
            b"Connection: close\r\n"
            b"\r\n"
            b'{"Hello": "World"}')

TIMEOUT = 20.0  # seconds: the bound on every wait


def fail(message):
    sys.stderr.write("FAIL: %s\n" % message)
    sys.exit(1)


def request(port, client):
    """A complete request head; X-Client names the client in the server log."""
    return ("GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Client: %s\r\n\r\n"
            % (port, client)).encode()


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return s


def read_all(sock, who):
    """Read until the server closes the connection."""
    sock.settimeout(TIMEOUT)
    chunks = []
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return b"".join(chunks)
            chunks.append(data)
    except socket.timeout:
        fail("%s: no end of answer within %.0f s (got %r)" % (who, TIMEOUT, b"".join(chunks)))


def expect_answer(sock, who):
    got = read_all(sock, who)
    if got != EXPECTED:
        fail("%s: wrong answer\n  got      %r\n  expected %r" % (who, got, EXPECTED))


def expect_nothing_yet(sock, who, window):
    """Nothing has arrived on sock: not within `window` seconds, and a
    non-blocking recv() says EAGAIN (no data, and not closed either)."""
    readable, _, _ = select.select([sock], [], [], window)
    if readable:
        fail("%s: received something while it should still be waiting" % who)
    sock.setblocking(False)
    try:
        data = sock.recv(1)
        fail("%s: recv() returned %r while it should still be waiting" % (who, data))
    except BlockingIOError:
        pass
    finally:
        sock.setblocking(True)


def count_matching(path, pattern):
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return 0
    return sum(1 for line in text.split("\n") if pattern.search(line))


def wait_log(path, regex, count=1, pid=None):
    """Bounded wait until `count` lines of the file match the regex."""
    pattern = re.compile(regex)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if count_matching(path, pattern) >= count:
            return
        if pid is not None:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                if count_matching(path, pattern) >= count:
                    return
                fail("process %d exited before %s had %d line(s) matching %r"
                     % (pid, path, count, regex))
        time.sleep(0.02)
    fail("%s: no %d line(s) matching %r within %.0f s" % (path, count, regex, TIMEOUT))


def got_connection_regex(port):
    return r"Got connection from \('127\.0\.0\.1', %d\)$" % port


# ---- commands -----------------------------------------------------------------

def cmd_waitlog(args):
    pid = None
    if "--pid" in args:
        i = args.index("--pid")
        pid = int(args[i + 1])
        del args[i:i + 2]
    path, regex = args[0], args[1]
    count = int(args[2]) if len(args) > 2 else 1
    wait_log(path, regex, count, pid)


def cmd_get(port):
    s = connect(port)
    s.sendall(request(port, "get"))
    sys.stdout.buffer.write(read_all(s, "get"))
    s.close()


def a_silent_then_b(port, log):
    """A connects (the server logs it) and says nothing; B connects and sends
    a whole request. Returns both sockets."""
    a = connect(port)
    wait_log(log, got_connection_regex(a.getsockname()[1]))
    b = connect(port)
    b.sendall(request(port, "B"))
    return a, b


def close_and_print_ports(a, b):
    """What the shell test reads: "A=port B=port", the clients' own ports."""
    print("A=%d B=%d" % (a.getsockname()[1], b.getsockname()[1]))
    a.close()
    b.close()


def cmd_serial(port, log):
    """Lesson 1: while A is connected and silent, the blocking server sits in
    recv() for A; B's complete request gets no answer until A is done."""
    a, b = a_silent_then_b(port, log)
    expect_nothing_yet(b, "B (while A holds the server)", 0.5)

    a.sendall(request(port, "A"))
    expect_answer(a, "A")
    expect_answer(b, "B")
    close_and_print_ports(a, b)


def cmd_overlap(port, log):
    """Lesson 2: while A is connected and silent, B is served in full; A is
    still waiting (nothing received, not closed) and is served afterwards."""
    a, b = a_silent_then_b(port, log)
    expect_answer(b, "B (while A is idle)")
    expect_nothing_yet(a, "A (idle, after B was served)", 0.0)

    a.sendall(request(port, "A"))
    expect_answer(a, "A")
    close_and_print_ports(a, b)


def cmd_partial(port):
    """One request in four pieces with pauses in between (the pauses are the
    shape of the input). No answer may come before the blank line is
    complete; then the whole answer."""
    c = connect(port)
    c_port = c.getsockname()[1]
    whole = request(port, "partial")
    cut1 = whole.index(b"HTTP/1.1") + 2      # "GET / HT"
    cut2 = whole.index(b"X-Client")          # up to the end of the Host line
    cut3 = len(whole) - 1                    # all but the very last "\n"
    pieces = [whole[:cut1], whole[cut1:cut2], whole[cut2:cut3], whole[cut3:]]
    for i, piece in enumerate(pieces):
        c.sendall(piece)
        if i < len(pieces) - 1:
            time.sleep(0.2)
            expect_nothing_yet(c, "client after piece %d of %d" % (i + 1, len(pieces)), 0.0)
    expect_answer(c, "client after the last piece")
    c.close()
    print("port=%d pieces=%d" % (c_port, len(pieces)))


def connect_many(port, n):
    socks = []
    for i in range(n):
        try:
            socks.append(connect(port))
        except OSError as e:
            fail("connection %d of %d: %s" % (i + 1, n, e))
    return socks


def closed_by_server(sock):
    """True if the server closed it (EOF), False if it is open and silent."""
    sock.setblocking(False)  # a socket with a timeout would wait in recv()
    try:
        data = sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    finally:
        sock.setblocking(True)
    if data:
        fail("a silent client received data: %r" % data)
    return True


def cmd_fdsetsize(port, out_log, err_log, n):
    """select(): N silent clients. The server can watch fds below FD_SETSIZE
    only; it must close exactly the connections it refused (one message on
    stderr each), keep the others open, and go on serving them."""
    socks = connect_many(port, n)
    got = re.compile(r"Got connection from ")
    refusal = re.compile(r"^fd \d+ >= FD_SETSIZE \(\d+\): select\(\) cannot watch it; "
                         r"closing this connection$")
    deadline = time.monotonic() + TIMEOUT
    while count_matching(out_log, got) + count_matching(err_log, refusal) < n:
        if time.monotonic() > deadline:
            fail("the server accounted for only %d of %d connections"
                 % (count_matching(out_log, got) + count_matching(err_log, refusal), n))
        time.sleep(0.02)
    refused = count_matching(err_log, refusal)
    if refused < 1:
        fail("no connection was refused: were there %d descriptors below FD_SETSIZE?" % n)

    # The refused ones see EOF (bounded wait: the close follows the message).
    while True:
        closed = [s for s in socks if closed_by_server(s)]
        if len(closed) >= refused or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if len(closed) != refused:
        fail("%d connections closed by the server, %d refusal messages" % (len(closed), refused))

    closed_ids = set(id(s) for s in closed)
    kept = [s for s in socks if id(s) not in closed_ids]
    kept[0].sendall(request(port, "first"))
    expect_answer(kept[0], "the first connection, after the refusals")
    for s in socks:
        s.close()
    fresh = connect(port)
    fresh.sendall(request(port, "fresh"))
    expect_answer(fresh, "a new connection, after the others closed")
    fresh.close()
    print("accepted=%d refused=%d" % (n - refused, refused))


def cmd_many(port, out_log, n):
    """poll(): N silent clients, so the server's last fds are above 1024.
    All are accepted and kept; the newest (highest fd) and the oldest are
    both served."""
    socks = connect_many(port, n)
    wait_log(out_log, r"Got connection from ", n)
    closed = [s for s in socks if closed_by_server(s)]
    if closed:
        fail("%d connections were closed by the server" % len(closed))
    socks[-1].sendall(request(port, "newest"))
    expect_answer(socks[-1], "the newest connection")
    socks[0].sendall(request(port, "oldest"))
    expect_answer(socks[0], "the oldest connection")
    for s in socks:
        s.close()
    print("accepted=%d" % n)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "freeport":
        cmd_freeport()
    elif cmd == "waitlog":
        cmd_waitlog(args)
    elif cmd == "get":
        cmd_get(int(args[0]))
    elif cmd == "serial":
        cmd_serial(int(args[0]), args[1])
    elif cmd == "overlap":
        cmd_overlap(int(args[0]), args[1])
    elif cmd == "partial":
        cmd_partial(int(args[0]))
    elif cmd == "fdsetsize":
        cmd_fdsetsize(int(args[0]), args[1], args[2], int(args[3]))
    elif cmd == "many":
        cmd_many(int(args[0]), args[1], int(args[2]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
