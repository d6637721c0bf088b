#!/bin/sh
# lesson06_shutdown.sh — lesson 6's graceful shutdown, step by step
# (shutdown.c: the lesson's server and three client tasks on one loop):
#   - after the shutdown: a new client is refused, the idle keep-alive
#     client reads end-of-file, and only then the request in flight gets its
#     200 with Connection: close; the program ends with step 4 and exits 0;
#   - on the trace, the "GET /sleep" handler exits ok after the shutdown;
#   - --force: the handler ends cancelled and the busy client gets no answer.
set -eu
PYTHONPATH="$(dirname "$0")/lib" /usr/bin/python3 - "$1/lessons/06-json-server/shutdown" <<'END'
import subprocess, sys
from traced_run import PROG, expect, run_traced

def run(*args):
    out, events = run_traced(PROG, args, timeout=60)
    return out.splitlines(), events

def at(lines, text):
    expect(text in lines, f"missing line {text!r}")
    return lines.index(text)

lines, ev = run()
down = at(lines, "main: 2 connections open, 1 handler running: shutting down")
expect(at(lines, 'idle: got "HTTP/1.1 200 OK", keeps the connection open') < down, "idle answered before the shutdown")
expect(at(lines, "step 1: stop accepting: the listening socket is closed") == down + 1, "step 1")
late = at(lines, "late: connect() connection refused")
eof = at(lines, "idle: end-of-file: the server closed my idle connection")
busy = at(lines, 'busy: got "HTTP/1.1 200 OK" with Connection: close')
expect(down < eof < busy, "the idle connection must close before the request in flight is answered")
expect(lines[-1] == "step 4: no connection and no handler left: the loop runs dry, exit" and late < len(lines) - 1,
       f"last line {lines[-1]!r}")
handler = next(e["task"] for e in ev if e["ev"] == "spawn" and e["name"] == "GET /sleep")
shut_i = next(i for i, e in enumerate(ev) if e["ev"] == "output" and e["text"].startswith("step 1"))
exit_i = next(i for i, e in enumerate(ev) if e["ev"] == "exit" and e["task"] == handler)
expect(ev[exit_i]["status"] == "ok" and exit_i > shut_i, "the handler should finish ok after the shutdown")

lines, ev = run("--force")
at(lines, "steps 2 and 3, forced: close every connection, cancel the running handler")
at(lines, "busy: the connection closed without an answer")
at(lines, "late: connect() connection refused")
expect(lines[-1] == "step 4: no connection and no handler left: the loop runs dry, exit", lines[-1])
handler = next(e["task"] for e in ev if e["ev"] == "spawn" and e["name"] == "GET /sleep")
expect(next(e for e in ev if e["ev"] == "exit" and e["task"] == handler)["status"] == "cancelled",
       "--force: the handler should be cancelled")

p = subprocess.run([PROG, "--bogus"], capture_output=True, text=True, timeout=10)
expect(p.returncode == 2 and "unknown option '--bogus'" in p.stderr, f"bad flag: {p.returncode} {p.stderr!r}")
print("ok: lesson 6 graceful shutdown step by step")
END
