#!/bin/sh
# lesson05_nursery.sh — lesson 5's structured concurrency demo (nursery.c),
# traced on the virtual clock:
#   - "fetch orders" exits with ECONNREFUSED at t = 1 s;
#   - its siblings, asleep until 3 s and 5 s, are woken by "cancel" at 1 s
#     and exit "cancelled" at 1 s: nobody runs on after the failure;
#   - main waits on the nursery's future and is woken by it ("future") only
#     after the last child's exit; its last line names the error;
#   - --all-ok: every child exits ok, main waits for the slowest (5 s).
set -eu
PYTHONPATH="$(dirname "$0")/lib" /usr/bin/python3 - "$1/lessons/05-coroutines/nursery" <<'END'
import subprocess, sys
from traced_run import PROG, expect, run_traced
S = 1000000

def traced(*args):
    return run_traced(PROG, ["--virtual", *args], timeout=60)

def ids(events):
    return {e["name"]: e["task"] for e in events if e["ev"] == "spawn"}

def exits(events):
    return {e["task"]: (e["t"], e["status"], e.get("errname")) for e in events if e["ev"] == "exit"}

out, ev = traced()
t, x = ids(ev), exits(ev)
expect(x[t["fetch orders"]] == (S, "error", "ECONNREFUSED"), f"fetch orders: {x[t['fetch orders']]}")
for name in ("fetch users", "fetch prices"):
    expect(x[t[name]] == (S, "cancelled", "ECANCELED"), f"{name}: {x[t[name]]}, expected cancelled at 1 s")
    woke = [(e["t"], e["by"]) for e in ev if e["ev"] == "ready" and e["task"] == t[name]]
    expect(woke[-1] == (S, "cancel"), f"{name} woke by {woke}, expected cancel at 1 s")
main = t["main"]
expect(all(e["parent"] == main for e in ev if e["ev"] == "spawn" and e["task"] != main), "children's parent")
suspends = [e["reason"] for e in ev if e["ev"] == "suspend" and e["task"] == main]
expect(suspends == ["future"], f"main waits on {suspends}, expected the nursery's future")
last_child_exit = max(i for i, e in enumerate(ev) if e["ev"] == "exit" and e["task"] != main)
wake = [i for i, e in enumerate(ev) if e["ev"] == "ready" and e["task"] == main and e["by"] == "future"]
expect(len(wake) == 1 and wake[0] > last_child_exit, "main must be woken by the future after every child exited")
expect(out.splitlines()[-1] == "main: the nursery failed with connection refused after 1.0 s; no child is left running",
       f"last line {out.splitlines()[-1]!r}")
expect(not any("done" in l for l in out.splitlines() if l.startswith("fetch")), f"a child finished after the failure:\n{out}")

out, ev = traced("--all-ok")
t, x = ids(ev), exits(ev)
expect({n: x[t[n]] for n in ("fetch users", "fetch orders", "fetch prices")} ==
       {"fetch users": (3 * S, "ok", None), "fetch orders": (S, "ok", None), "fetch prices": (5 * S, "ok", None)},
       f"--all-ok exits {x}")
expect(out.splitlines()[-1] == "main: all children done after 5.0 s", f"--all-ok last line {out.splitlines()[-1]!r}")

# The README's real-clock run: same story, on real time (no timing asserted).
p = subprocess.run([PROG], capture_output=True, text=True, timeout=60)
expect(p.returncode == 0 and "fetch prices: cancelled" in p.stdout and "main: the nursery failed" in p.stdout,
       f"real clock run: {p.returncode} {p.stdout!r} {p.stderr!r}")

p = subprocess.run([PROG, "--bogus"], capture_output=True, text=True, timeout=10)
expect(p.returncode == 2 and "unknown option '--bogus'" in p.stderr, f"bad flag: {p.returncode} {p.stderr!r}")
print("ok: lesson 5 nursery: a failing child cancels its siblings")
END
