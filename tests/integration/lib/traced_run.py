"""traced_run.py — run a lesson program once with a trace, for the lesson tests.

    PYTHONPATH=tests/integration/lib python3 - PROGRAM <<'END'
    from traced_run import PROG, expect, run_traced
    out, events = run_traced(PROG, ["--flag"], timeout=60)

PROG is the program under test: the script's first argument.

The program runs with ASYNCLAB_TRACE set to a file in a temporary folder; it
must exit 0 with nothing on stderr (else "FAIL: ..." and exit 1). Its stdout
is echoed (the test's log shows what the program said; echo=False for a test
that runs it many times) and returned with the trace's events, parsed.
"""
import json
import os
import subprocess
import sys
import tempfile


PROG = sys.argv[1] if len(sys.argv) > 1 else None


def expect(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)


def run_traced(prog, args, timeout, echo=True):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.jsonl")
        p = subprocess.run([prog, *args], capture_output=True, text=True, timeout=timeout,
                           env=dict(os.environ, ASYNCLAB_TRACE=path))
        if echo:
            print(p.stdout, end="")
        expect(p.returncode == 0 and not p.stderr, f"{args}: exit {p.returncode}, stderr {p.stderr!r}")
        with open(path) as f:
            return p.stdout, [json.loads(line) for line in f]
