#!/bin/sh
# timeline_lesson01.sh — lesson 1's blocking server, hit by two clients while
# traced, seen through the viewer's model: `asynclab timeline` draws a lane
# for the server and one per connection, and the Perfetto export shows them
# serialised: the second connection first runs after the first has exited,
# and while one is served the server waits for it (join), not for the next.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"
A=$BUILD/tui/asynclab

lesson01_two_clients_traced   # $TMP/trace.jsonl, PORTS

"$A" timeline "$TMP/trace.jsonl" --width 100 >"$TMP/timeline.txt" || fail "timeline failed"
cat "$TMP/timeline.txt"
for p in $PORTS; do
    grep -q "^ conn ${p#*=} " "$TMP/timeline.txt" || fail "no lane for conn ${p#*=}"
done
grep -q "^server " "$TMP/timeline.txt" || fail "no lane for the server"

"$A" export "$TMP/trace.jsonl" --perfetto "$TMP/trace.json" || fail "export failed"
/usr/bin/python3 - "$TMP/trace.json" "$PORTS" <<'CHECK' || fail "the connections are not serialised"
import json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
a_port, b_port = (int(p.split("=")[1]) for p in sys.argv[2].split())
tid = {e["args"]["name"].split(" (task")[0]: e["tid"] for e in events if e.get("name") == "thread_name"}
def slices(name, prefix=""):
    return sorted((e["ts"], e["dur"], e["name"]) for e in events
                  if e["ph"] == "X" and e["tid"] == tid[name] and e["name"].startswith(prefix))
a, b = f"conn {a_port}", f"conn {b_port}"
a_exit = slices(a, "exit")[0][0]
b_first_run = slices(b, "running")[0][0]
if b_first_run < a_exit:
    sys.exit(f"conn B runs at {b_first_run} before conn A exits at {a_exit}")
joins = [s for s in slices("server", "join task") if s[0] <= a_exit <= s[0] + s[1]]
if not joins:
    sys.exit("the server is not waiting for conn A when it exits")
print(f"ok   conn B first runs at {b_first_run} µs, after conn A exits at {a_exit} µs")
CHECK
