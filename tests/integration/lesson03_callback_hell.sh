#!/bin/sh
# lesson03_callback_hell.sh — the picture behind lesson 3's "callback hell"
# paragraph, read from the callback server's trace (--delay 0.2, one curl):
# one request's story is cut into three callbacks run by the loop, the
# listener's fd_ready (accept), the connection's fd_ready (read) and a timer
# (respond, close), with no task holding it together: every output is the
# loop's (task 0) and nothing is spawned.
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
BIN="$1/lessons/03-epoll-loop/lesson03_callback_server"

ASYNCLAB_TRACE="$TMP/trace.jsonl" start_server "$TMP/log" "$BIN" --port 0 --delay 0.2 --max-connections 1 || exit 1
curl -s --max-time 20 -o "$TMP/body" "http://127.0.0.1:$PORT/"
wait_server_exit
check "exits 0 after its one connection" [ "$SERVER_STATUS" -eq 0 ]
check "the three callbacks of one request, in order, all on the loop" /usr/bin/python3 - "$TMP/trace.jsonl" <<'END'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
steps = [e for e in ev if e["ev"] in ("fd_ready", "timer", "output", "spawn")]
assert not [e for e in steps if e["ev"] == "spawn"], "a task was spawned"
assert all(e.get("task", 0) == 0 for e in steps), "an event outside the loop's lane"
names = []
for e in steps:
    if e["ev"] == "fd_ready":
        names.append(("fd", e["fd"]))
    elif e["ev"] == "timer":
        names.append(("timer",))
    elif e["text"] in ("handler_name: accept", "handler_name: read", "response to", "Closing connection"):
        names.append(e["text"])
listener, conn = names[0][1], names[2][1]
want = [("fd", listener), "handler_name: accept", ("fd", conn), "handler_name: read", ("timer",),
        "response to", "Closing connection"]
assert names == want and listener != conn, f"got {names}"
END
[ "$FAILED" -eq 0 ] || exit 1
echo "ok: lesson 3 one request, three callbacks"
