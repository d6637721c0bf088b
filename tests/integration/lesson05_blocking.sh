#!/bin/sh
# lesson05_blocking.sh — a blocking sleep inside the coroutines (--blocking)
# stalls the loop:
#   - on the virtual clock, traced: each coroutine runs from resume to exit
#     in one step (no suspend), the loop records a "slow" event of at least
#     the blocked time for each (>= 100 ms, the threshold), and the timeline
#     is serial: exits at 0.2, 0.4, 0.6 s;
#   - untraced: the asyncio-style warnings on stderr, one per slow step, named
#     after the task (stackless and fiber); with --sequential one, for main;
#   - on the real clock each finish is at least 0.2 s after the previous one.
# Steps are timed in real time, so a loaded machine can make any step slow:
# other tasks' slow steps are tolerated (check_slow_steps says which are not).
set -eu
BUILD=$1
/usr/bin/python3 - "$BUILD/lessons/05-coroutines/coroutines" <<'END'
import json, os, re, subprocess, sys, tempfile
from datetime import datetime

PROG = sys.argv[1]
S = 200000
failures = []

def run(args, trace=None):
    env = dict(os.environ, TZ="UTC")
    env.pop("ASYNCLAB_TRACE", None)
    if trace:
        env["ASYNCLAB_TRACE"] = trace
    p = subprocess.run([PROG, *args], capture_output=True, text=True, timeout=60, env=env)
    if p.returncode != 0:
        raise AssertionError(f"exit {p.returncode}, stderr {p.stderr!r}")
    return p.stdout, p.stderr

def expect(cond, what):
    if not cond:
        raise AssertionError(what)

def times(out):
    """Microseconds since the first line's timestamp, per (n, started|finished)."""
    at = {}
    for m in re.finditer(r"^Coroutine (\d) (started|finished) at (.*)$", out, re.M):
        d = datetime.strptime(m[3], "%Y-%m-%d %H:%M:%S.%f")
        at[(int(m[1]), m[2])] = int(d.timestamp()) * 1000000 + d.microsecond
    t0 = at[(1, "started")]
    return {k: v - t0 for k, v in at.items()}

def check_serial(out, exact):
    lines = out.splitlines()
    expect(lines[0] == "Main started" and lines[-1] == "Main finished", f"lines {lines}")
    expect([re.sub(r" at .*", "", l) for l in lines[1:-1]] ==
           [f"Coroutine {n} {w}" for n in (1, 2, 3) for w in ("started", "finished")],
           f"a blocking run is serial: {lines}")
    at = times(out)
    for n in (1, 2, 3):
        if exact:
            expect(at[(n, "started")] == (n - 1) * S and at[(n, "finished")] == n * S, f"virtual times {at}")
        else:
            expect(at[(n, "finished")] >= n * S, f"real times {at}: finished {n} too early")

WARN = r"Executing <Task '(.*)'> took (\d+\.\d{3}) seconds"
CORO = ["Coroutine 1", "Coroutine 2", "Coroutine 3"]

def check_slow_steps(slow, blocker=CORO, at_least=S / 1e6, unit=1e6):
    """slow: (task name, duration) per slow event or warning, in order. Each
    blocker has exactly one slow step (its only step: it never awaits), of
    at least its blocking time, in order. A stall of the machine can make any
    other step (main's, a callback) slow too, so theirs are tolerated, for
    any duration; but no slow step is shorter than the 100 ms threshold:
    load makes steps longer, never shorter."""
    mine = [(n, t) for n, t in slow if n in blocker]
    expect([n for n, _ in mine] == list(blocker), f"slow steps {slow}: expected one per {blocker}")
    expect(all(t >= at_least * unit for _, t in mine), f"slow steps {slow}: a blocker's is under {at_least} s")
    expect(all(t >= 0.1 * unit for _, t in slow), f"slow steps {slow}: one is under the 0.1 s threshold")

def check(what, fn):
    try:
        fn()
    except (AssertionError, KeyError, IndexError, ValueError) as e:
        failures.append(f"{what}: {type(e).__name__}: {e}")

def traced_virtual(kind):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.jsonl")
        out, err = run(["--virtual", "--blocking", "--seconds", "0.2", *kind], trace=path)
        expect(err == "", f"with a trace file the warnings go to the trace, stderr was {err!r}")
        check_serial(out, exact=True)
        events = [json.loads(l) for l in open(path)]
    names = {e["task"]: e["name"] for e in events if e["ev"] == "spawn"}
    slow = [(names.get(e["task"], "a callback"), e["us"]) for e in events if e["ev"] == "slow"]
    check_slow_steps(slow)
    for task, name in names.items():
        if name.startswith("Coroutine"):
            evs = [e["ev"] for e in events if e.get("task") == task and e["ev"] != "output"]
            expect("suspend" not in evs, f"{name} never awaits, yet: {evs}")
            exit_t = [e["t"] for e in events if e.get("task") == task and e["ev"] == "exit"]
            expect(exit_t == [int(name[-1]) * S], f"{name} exits at {exit_t}")

def untraced_virtual(kind, sequential):
    args = ["--virtual", "--blocking", "--seconds", "0.2", *kind] + (["--sequential"] if sequential else [])
    out, err = run(args)
    check_serial(out, exact=True)
    warnings = err.splitlines()
    parsed = [re.fullmatch(WARN, w) for w in warnings]
    expect(all(parsed), f"stderr lines not like asyncio's warning: {warnings}")
    got = [(m[1], float(m[2])) for m in parsed]
    if sequential:   # main's one step (it never awaits) held the loop for all three sleeps
        check_slow_steps(got, blocker=["main"], at_least=0.6, unit=1)
    else:
        check_slow_steps(got, unit=1)

def real_clock():
    out, err = run(["--blocking", "--seconds", "0.2"])
    check_serial(out, exact=False)
    parsed = [re.fullmatch(WARN, w) for w in err.splitlines()]
    expect(all(parsed), f"stderr lines not like asyncio's warning: {err!r}")
    check_slow_steps([(m[1], float(m[2])) for m in parsed], unit=1)

for kind in ([], ["--fiber"]):
    label = " ".join(kind) or "stackless"
    check(f"{label} traced", lambda: traced_virtual(kind))
    check(f"{label} untraced", lambda: untraced_virtual(kind, False))
    check(f"{label} --sequential untraced", lambda: untraced_virtual(kind, True))
check("real clock", real_clock)

if failures:
    sys.exit("FAIL:\n  " + "\n  ".join(failures))
print("ok: lesson 5 --blocking (slow events, warnings, serial timeline)")
END
