#!/bin/sh
# lesson01_trace.sh — with ASYNCLAB_TRACE set, lesson 1 writes a trace the
# viewer can draw: a hello (backend "blocking"), task 1 "server", one task
# "conn <port>" per connection, and — the lesson's point — the connection
# tasks strictly one after another: A's task exits before B's is spawned,
# while the server waits (join) for each in turn.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

lesson01_two_clients_traced   # $TMP/trace.jsonl, PORTS
[ ! -s "$TMP/err" ] || fail "server wrote to stderr: $(cat "$TMP/err")"

/usr/bin/python3 - "$TMP/trace.jsonl" "$PORTS" <<'CHECK' || fail "the trace is not what lesson 1 does"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
a_port, b_port = (int(p.split("=")[1]) for p in sys.argv[2].split())
def check(ok, what):
    if not ok:
        sys.exit("trace: " + what)
hello = events[0]
check(hello["ev"] == "hello" and hello["backend"] == "blocking", "first event is not hello/blocking: %r" % hello)
tasks = {e["name"]: e["task"] for e in events if e["ev"] == "spawn"}
check(tasks.get("server") == 1, "no task 1 'server': %r" % tasks)
kinds = {e.get("kind", "stackless") for e in events if e["ev"] == "spawn"}
check(kinds == {"plain"}, "lesson 1 has no coroutines, yet its tasks say kind %r" % kinds)
a, b = tasks.get("conn %d" % a_port), tasks.get("conn %d" % b_port)
check(a and b, "no tasks for conn %d and conn %d: %r" % (a_port, b_port, tasks))
def index(ev, task):
    return next(i for i, e in enumerate(events) if e["ev"] == ev and e.get("task") == task)
check(index("exit", a) < index("spawn", b), "conn B was spawned before conn A exited")
for conn in (a, b):
    check({"ev": "suspend", "task": 1, "reason": "join", "joined": conn} in
          [{k: e.get(k) for k in ("ev", "task", "reason", "joined")} for e in events],
          "the server never waits for task %d" % conn)
    check(any(e["ev"] == "suspend" and e["task"] == conn and e["reason"] == "read" for e in events),
          "task %d never waits to read" % conn)
said = [(e["task"], e["text"]) for e in events if e["ev"] == "output"]
check((a, "X-Client: A") in said and (b, "X-Client: B") in said, "request lines not attributed to their tasks")
check(events[-1] == {**events[-1], "ev": "exit", "task": 1}, "the server task does not exit last")
CHECK
echo "ok: lesson 1 trace shows the connections one after another"
