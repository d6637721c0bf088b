#!/bin/sh
# lesson05_output.sh — lesson 5's printed timeline on the virtual clock,
# asserted to the microsecond: the article's lines in the article's order,
# three coroutines that all finish exactly S after they started (S = 1, or
# --seconds), the sequential variant finishing at +S, +2S, +3S, the fiber
# variants identical, and bad command lines refused with exit status 2.
set -eu
BUILD=$1
/usr/bin/python3 - "$BUILD/lessons/05-coroutines/coroutines" <<'END'
import os, re, subprocess, sys
from datetime import datetime

PROG = sys.argv[1]
TS = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6})"
failures = []

def run(*args):
    p = subprocess.run([PROG, *args], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, TZ="UTC"))
    return p.returncode, p.stdout, p.stderr

def us(ts):
    d = datetime.strptime(ts, "%Y-%m-%d %H:%M:%S.%f")
    return int(d.timestamp()) * 1000000 + d.microsecond

def check(args, seconds, sequential):
    S = round(seconds * 1e6)
    rc, out, err = run("--virtual", *args)
    where = " ".join(args) or "(default)"
    if rc != 0 or err:
        failures.append(f"{where}: exit {rc}, stderr {err!r}")
        return
    lines = out.splitlines()
    if sequential:
        shape = [("Main", None)] + [(n, w) for n in (1, 2, 3) for w in ("started", "finished")] + [("Main", None)]
    else:
        shape = [("Main", None)] + [(n, "started") for n in (1, 2, 3)] + [(n, "finished") for n in (1, 2, 3)] + [("Main", None)]
    if len(lines) != len(shape):
        failures.append(f"{where}: expected {len(shape)} lines, got {lines!r}")
        return
    if lines[0] != "Main started" or lines[-1] != "Main finished":
        failures.append(f"{where}: first/last lines are {lines[0]!r} / {lines[-1]!r}")
    at = {}
    for line, (n, what) in zip(lines[1:-1], shape[1:-1]):
        m = re.fullmatch(f"Coroutine {n} {what} at " + TS, line)
        if not m:
            failures.append(f"{where}: expected 'Coroutine {n} {what} at <ts>', got {line!r}")
            return
        at[(n, what)] = us(m[1])
    t0 = at[(1, "started")]
    for n in (1, 2, 3):
        start = (n - 1) * S if sequential else 0
        want = {(n, "started"): start, (n, "finished"): start + S}
        for key, offset in want.items():
            if at[key] - t0 != offset:
                failures.append(f"{where}: Coroutine {key[0]} {key[1]} at +{at[key] - t0} us, expected +{offset}")

for kind in ([], ["--fiber"]):
    check(kind, 1, False)
    check(kind + ["--seconds", "0.25"], 0.25, False)
    check(kind + ["--seconds", "2.5"], 2.5, False)
    check(kind + ["--sequential"], 1, True)
    check(kind + ["--sequential", "--seconds", "0.25"], 0.25, True)
check(["--seconds", "0"], 0, False)

# Bad command lines: exit 2 and a message that names the problem.
for args, words in ((["--seconds", "-1"], "from 0 to 60"), (["--seconds", "61"], "from 0 to 60"),
                    (["--seconds", "abc"], "from 0 to 60"), (["--seconds", "nan"], "from 0 to 60"),
                    (["--seconds"], "incomplete option"), (["--backend", "kqueue"], "unknown backend 'kqueue'"),
                    (["--backend"], "incomplete option"), (["--bogus"], "unknown or incomplete option '--bogus'")):
    rc, out, err = run(*args)
    if rc != 2 or words not in err or out:
        failures.append(f"{' '.join(args)}: expected exit 2 and '{words}' on stderr, got {rc} {err!r} {out!r}")
rc, out, err = run("--help")
if rc != 0 or "usage: coroutines" not in out:
    failures.append(f"--help: exit {rc}, {out!r}")

if failures:
    sys.exit("FAIL:\n  " + "\n  ".join(failures))
print("ok: lesson 5 output on the virtual clock")
END
