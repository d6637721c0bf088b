#!/bin/sh
# lesson05_realtime.sh — lesson 5 on the real clock: in the default run
# (three 1 s sleeps as tasks) the three coroutines sleep at the same time
# (every one started before any finished: order, not speed), each finishes
# at least 1 s after it started (timers never fire early), and the run takes
# at least 1 s (at most 15 s: a hang guard); the same for --fiber;
# --sequential with 0.3 s sleeps finishes each coroutine at least 0.3 s
# after the previous one.
set -eu
BUILD=$1
/usr/bin/python3 - "$BUILD/lessons/05-coroutines/coroutines" <<'END'
import os, re, subprocess, sys, time
from datetime import datetime

PROG = sys.argv[1]
failures = []

def run(*args):
    env = dict(os.environ, TZ="UTC")
    env.pop("ASYNCLAB_TRACE", None)
    t0 = time.monotonic()
    p = subprocess.run([PROG, *args], capture_output=True, text=True, timeout=60, env=env)
    return p, time.monotonic() - t0

def times(out):
    at = {}
    for m in re.finditer(r"^Coroutine (\d) (started|finished) at (.*)$", out, re.M):
        d = datetime.strptime(m[3], "%Y-%m-%d %H:%M:%S.%f")
        at[(int(m[1]), m[2])] = int(d.timestamp()) * 1000000 + d.microsecond
    return at

for kind in ([], ["--fiber"]):
    p, took = run(*kind)
    where = " ".join(kind) or "(default)"
    if p.returncode != 0 or p.stderr:
        failures.append(f"{where}: exit {p.returncode}, stderr {p.stderr!r}")
        continue
    if not 1.0 <= took <= 15:   # the sleeps' 1 s; above, a hang (overlap is proved by order, below)
        failures.append(f"{where}: took {took:.3f} s, expected about 1 s")
    at = times(p.stdout)
    if len(at) != 6:
        failures.append(f"{where}: output {p.stdout!r}")
        continue
    for n in (1, 2, 3):
        if at[(n, "finished")] - at[(n, "started")] < 1000000:
            failures.append(f"{where}: Coroutine {n} finished less than 1 s after it started")
    if max(at[(n, "started")] for n in (1, 2, 3)) >= min(at[(n, "finished")] for n in (1, 2, 3)):
        failures.append(f"{where}: the coroutines did not sleep at the same time: {at}")

p, took = run("--sequential", "--seconds", "0.3")
at = times(p.stdout)
if p.returncode != 0 or len(at) != 6:
    failures.append(f"--sequential: exit {p.returncode}, output {p.stdout!r}")
else:
    previous = at[(1, "started")]
    for n in (1, 2, 3):
        if at[(n, "finished")] - previous < 300000:
            failures.append(f"--sequential: Coroutine {n} finished less than 0.3 s after the previous one")
        previous = at[(n, "finished")]

if failures:
    sys.exit("FAIL:\n  " + "\n  ".join(failures))
print("ok: lesson 5 on the real clock")
END
