#!/bin/sh
# lesson05_trace.sh — lesson 5's timeline as the trace records it
# (ASYNCLAB_TRACE=file, JSON lines), on the virtual clock:
#   - each coroutine task: spawn, ready(spawn), resume, suspend(sleep until
#     1000000), timer, ready(timer), resume, exit(ok) at t = 1000000, and its
#     two output lines at t = 0 and t = 1000000; all three suspends come
#     before the first timer (they wait together);
#   - --sequential: a single task, main, sleeping until 1, 2 and 3 s, with
#     "Coroutine N finished" at t = N s and its exit at 3000000;
#   - stackless and fiber, on every backend: the same timeline, event for event.
# "slow" events are left out: they measure real time, which load can stretch.
set -eu
PYTHONPATH="$(dirname "$0")/lib" /usr/bin/python3 - "$1/lessons/05-coroutines/coroutines" <<'END'
import os, re, sys
from traced_run import PROG, run_traced
S = 1000000
failures = []

def traced(*args):
    """The run's events, without "slow" ones: the loop measures each step in
    real time even on the virtual clock, so a loaded machine may add one
    anywhere (lesson05_blocking.sh and test_task.c test them)."""
    try:
        events = run_traced(PROG, ["--virtual", *args], timeout=60, echo=False)[1]
    except SystemExit as e:   # a run that fails is one failure among the others, below
        raise AssertionError(str(e))
    return [e for e in events if e["ev"] != "slow"]

def expect(cond, what):
    if not cond:
        raise AssertionError(what)

def lane(events, task):
    return [e for e in events if e.get("task") == task]

def check_hello(events, backend):
    h = events[0]
    expect(h["ev"] == "hello" and h["v"] == 1 and h["clock"] == "virtual", f"first line {h}")
    expect(h["backend"] == backend, f"backend {h['backend']}, expected {backend}")

def tasks_by_name(events):
    return {e["name"]: e for e in events if e["ev"] == "spawn"}

def check_concurrent(events, kind):
    spawned = tasks_by_name(events)
    expect(sorted(spawned) == ["Coroutine 1", "Coroutine 2", "Coroutine 3", "main"], f"tasks {sorted(spawned)}")
    main = spawned["main"]["task"]
    expect(all(s["kind"] == kind for s in spawned.values()), f"kinds {[s['kind'] for s in spawned.values()]}")
    for n in (1, 2, 3):
        sp = spawned[f"Coroutine {n}"]
        task = sp["task"]
        expect(sp["parent"] == main, f"Coroutine {n}'s parent is {sp['parent']}, main is {main}")
        got = [(e["t"], e["ev"], e.get("by") or e.get("reason") or e.get("status") or "", e.get("until"))
               for e in lane(events, task) if e["ev"] != "output"]
        want = [(0, "spawn", "", None), (0, "ready", "spawn", None), (0, "resume", "", None),
                (0, "suspend", "sleep", S), (S, "timer", "", None), (S, "ready", "timer", None),
                (S, "resume", "", None), (S, "exit", "ok", None)]
        expect(got == want, f"Coroutine {n}'s lane:\n    got  {got}\n    want {want}")
        outs = [(e["t"], re.sub(r" at .*", "", e["text"])) for e in lane(events, task) if e["ev"] == "output"]
        expect(outs == [(0, f"Coroutine {n} started"), (S, f"Coroutine {n} finished")], f"Coroutine {n}'s output {outs}")
    first_timer = next(i for i, e in enumerate(events) if e["ev"] == "timer")
    sleeps = [i for i, e in enumerate(events) if e["ev"] == "suspend" and e["reason"] == "sleep"]
    expect(len(sleeps) == 3 and max(sleeps) < first_timer, "the three sleeps should all begin before the first timer")
    main_lane = lane(events, main)
    expect(main_lane[-1]["ev"] == "exit" and main_lane[-1]["status"] == "ok" and main_lane[-1]["t"] == S,
           f"main's last event {main_lane[-1]}")
    outs = [(e["t"], e["text"]) for e in main_lane if e["ev"] == "output"]
    expect(outs == [(0, "Main started"), (S, "Main finished")], f"main's output {outs}")

def check_sequential(events, kind):
    spawned = tasks_by_name(events)
    expect(list(spawned) == ["main"], f"--sequential should have one task, got {list(spawned)}")
    expect(spawned["main"]["kind"] == kind, f"kind {spawned['main']['kind']}")
    main = spawned["main"]["task"]
    sleeps = [(e["t"], e["until"]) for e in lane(events, main) if e["ev"] == "suspend"]
    expect(sleeps == [(0, S), (S, 2 * S), (2 * S, 3 * S)], f"main's sleeps {sleeps}")
    timers = [e["t"] for e in lane(events, main) if e["ev"] == "timer"]
    expect(timers == [S, 2 * S, 3 * S], f"main's timers {timers}")
    finished = [(e["t"], re.sub(r" at .*", "", e["text"])) for e in lane(events, main)
                if e["ev"] == "output" and "finished" in e["text"]]
    expect(finished == [(n * S, f"Coroutine {n} finished") for n in (1, 2, 3)] + [(3 * S, "Main finished")],
           f"finish lines {finished}")
    last = lane(events, main)[-1]
    expect(last["ev"] == "exit" and last["status"] == "ok" and last["t"] == 3 * S, f"main's exit {last}")

def normalised(events):
    """The timeline without what may differ between runs and backends:
    the hello line, polls, and the wall-clock text of output lines."""
    out = []
    for e in events[1:]:
        if e["ev"] in ("poll_begin", "poll_end"):
            continue
        e = dict(e)
        if "text" in e:
            e["text"] = re.sub(r" at .*", "", e["text"])
        if e["ev"] == "spawn":
            e.pop("kind")
        out.append(e)
    return out

reference = None
# AL_BACKENDS: the backends that work here (tests/CMakeLists.txt); epoll first, the reference
backends = ["epoll"] + [b for b in os.environ.get("AL_BACKENDS", "select poll epoll uv uring").split() if b != "epoll"]
for backend in backends:
    for kind, flags in (("stackless", []), ("fiber", ["--fiber"])):
        where = f"--backend {backend} {' '.join(flags)}"
        try:
            events = traced("--backend", backend, *flags)
            check_hello(events, backend)
            check_concurrent(events, kind)
            if reference is None:
                reference = normalised(events)
            else:
                expect(normalised(events) == reference, "the timeline differs from stackless on epoll")
            events = traced("--backend", backend, "--sequential", *flags)
            check_hello(events, backend)
            check_sequential(events, kind)
        except (AssertionError, KeyError, StopIteration, IndexError, ValueError) as e:
            failures.append(f"{where}: {type(e).__name__}: {e}")

if failures:
    sys.exit("FAIL:\n  " + "\n  ".join(failures))
print(f"ok: lesson 5 trace timelines (stackless and fiber, {len(backends)} backends: {' '.join(backends)})")
END
