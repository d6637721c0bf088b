#!/bin/sh
# lesson02_trace.sh — with ASYNCLAB_TRACE set, lesson 2's select() and
# poll() servers write a trace the viewer can draw: a hello naming the
# backend, poll begin/end around each wait, task 1 "server" and one task
# "conn <port>" per connection — and, the lesson's point, connection tasks
# that overlap: B is spawned, served and exits while A is alive and waiting
# to read.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

for kind in select poll; do
  start_lesson_server --trace "$BUILD/lessons/02-select/lesson02_${kind}_server" --max-connections 2
  PORTS=$($RAW overlap "$PORT" "$TMP/out") || fail "$kind: see above"
  server_exits_ok "$kind"
  stderr_empty "$kind"

  /usr/bin/python3 - "$TMP/trace.jsonl" "$PORTS" "$kind" <<'CHECK' || fail "$kind: the trace is not what lesson 2 does"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
a_port, b_port = (int(p.split("=")[1]) for p in sys.argv[2].split())
kind = sys.argv[3]
def check(ok, what):
    if not ok:
        sys.exit("trace: " + what)
hello = events[0]
check(hello["ev"] == "hello" and hello["backend"] == kind, "first event is not hello/%s: %r" % (kind, hello))
tasks = {e["name"]: e["task"] for e in events if e["ev"] == "spawn"}
check(tasks.get("server") == 1, "no task 1 'server': %r" % tasks)
a, b = tasks.get("conn %d" % a_port), tasks.get("conn %d" % b_port)
check(a and b, "no tasks for conn %d and conn %d: %r" % (a_port, b_port, tasks))
def index(ev, task):
    return next(i for i, e in enumerate(events) if e["ev"] == ev and e.get("task") == task)
check(index("spawn", a) < index("spawn", b) < index("exit", b) < index("exit", a),
      "conn B's life is not inside conn A's")
# At least three waits, whatever the timing: the one that finds A, one
# that finds B's request (B may be accepted in the first, when it connects
# while the server is still accepting), and one that finds A's request,
# sent only after B was answered. More when B's accept has its own.
begins = sum(e["ev"] == "poll_begin" for e in events)
ends = sum(e["ev"] == "poll_end" for e in events)
check(begins >= 3 and begins - ends in (0, 1), "poll begin/end: %d/%d" % (begins, ends))
check(any(e["ev"] == "fd_ready" for e in events), "no fd_ready events")
said = [(e["task"], e["text"]) for e in events if e["ev"] == "output"]
check((a, "X-Client: A") in said and (b, "X-Client: B") in said, "request lines not attributed to their tasks")
# A's request was found by a wait that ended after B was gone: the server
# was back in select()/poll(), not blocked in A's recv().
a_said = next(i for i, e in enumerate(events)
              if e["ev"] == "output" and e.get("task") == a and e["text"] == "X-Client: A")
check(any(e["ev"] == "poll_end" for e in events[index("exit", b):a_said]),
      "no wait between B's exit and A's request")
CHECK
  echo "ok: $kind trace shows the connections overlapping"
done
