#!/bin/sh
# lesson06_backpressure.sh — lesson 6's backpressure demo (backpressure.c):
# a client sends 64 MiB to an echo server and reads nothing until told.
#   - default: the client is pushed back before it has sent everything, the
#     server's RSS grows by less than 16 MiB (one 64 KiB buffer is what it
#     holds; the generous bound is for the allocator and the stack), and on
#     the timeline the echo task's last wait before the report is "write";
#   - --unbounded: the client sends all 64 MiB, at least 32 MiB wait in the
#     server's queue and its RSS grows by at least as much;
#   - both: the client reads back every byte it sent, in order.
set -eu
PYTHONPATH="$(dirname "$0")/lib" /usr/bin/python3 - "$1/lessons/06-json-server/backpressure" <<'END'
import re, subprocess, sys
from traced_run import PROG, expect, run_traced

def run(*args):
    out, events = run_traced(PROG, args, timeout=120)
    expect(out.splitlines()[-1] == "client: read back all 64 MiB, byte for byte", f"{args}: {out!r}")
    return out, events

out, ev = run()
m = re.search(r"^server: the echo task waits for writable and reads nothing; the client got ([0-9.]+) of 64 MiB "
              r"in before its own send\(\) said EAGAIN: TCP pushed back\. Server RSS ([-+][0-9.]+) MiB$", out, re.M)
expect(m, f"no backpressure report: {out!r}")
expect(float(m[1]) < 64, f"the client got {m[1]} MiB in: not pushed back")
expect(float(m[2]) < 16, f"server RSS grew by {m[2]} MiB with backpressure")
echo = next(e["task"] for e in ev if e["ev"] == "spawn" and e["name"] == "echo")
report = next(i for i, e in enumerate(ev) if e["ev"] == "output" and e["text"].startswith("server: the echo task"))
waits = [e["reason"] for e in ev[:report] if e["ev"] == "suspend" and e["task"] == echo]
expect(waits and waits[-1] == "write", f"the echo task's last wait before the report: {waits[-1:]}")
expect("read" in waits, "the echo task never waited to read")

out, ev = run("--unbounded")
m = re.search(r"^server: the client sent all 64 MiB, never pushed back; ([0-9.]+) MiB wait in the server's queue\. "
              r"Server RSS ([-+][0-9.]+) MiB$", out, re.M)
expect(m, f"no --unbounded report: {out!r}")
expect(float(m[1]) >= 32 and float(m[2]) >= 32, f"--unbounded: queue {m[1]} MiB, RSS {m[2]} MiB")

p = subprocess.run([PROG, "--mib", "0"], capture_output=True, text=True, timeout=10)
expect(p.returncode == 2 and "--mib wants 1 to 1024, got '0'" in p.stderr, f"--mib 0: {p.returncode} {p.stderr!r}")
print("ok: lesson 6 backpressure")
END
