#!/bin/sh
# lesson06_demo.sh — lesson 6's demo runs to the end (bounded) and shows what
# it promises: the article's answers, three sleeps overlapping (by their order
# in the server's trace, not by a time), the access log, a clean Ctrl+C.
# Usage: sh lesson06_demo.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"

# The server's trace (it honours ASYNCLAB_TRACE) shows the sleeps overlap by
# their order: each of the three /sleep tasks suspended before any exited.
ASYNCLAB_TRACE=$TMP/trace.jsonl timeout 60 sh "$(dirname "$0")/../../lessons/06-json-server/demo.sh" "$BUILD" \
    >"$TMP/demo" 2>&1
check "demo.sh exits 0" [ $? -eq 0 ]
check "GET / answered" grep -qx '{"Hello": "World"}' "$TMP/demo"
check "/items/42?q=hi answered" grep -qx '{"item_id":42,"q":"hi"}' "$TMP/demo"
check "/items/x is a 422 detail" grep -q '"msg":"value is not a valid integer"' "$TMP/demo"
sleeps_overlap() {   # in the trace: three GET /sleep tasks, all asleep before the first one exits
    $PY - "$TMP/trace.jsonl" <<'END'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
tasks = {e["task"] for e in events if e["ev"] == "spawn" and e["name"] == "GET /sleep"}
asleep = [i for i, e in enumerate(events) if e.get("task") in tasks and e["ev"] == "suspend" and e["reason"] == "sleep"]
exits = [i for i, e in enumerate(events) if e.get("task") in tasks and e["ev"] == "exit"]
ok = len(tasks) == len(asleep) == len(exits) == 3 and max(asleep) < min(exits)
sys.exit(0 if ok else f"GET /sleep tasks {sorted(tasks)}: sleeps at event {asleep}, exits at {exits}")
END
}
check "the three sleeps overlap (all asleep before one ends)" sleeps_overlap
# ... and the demo says how long they took: the 1 s sleep, at least.
check "the demo prints the sleeps' time" sh -c "sed -n 's/^all three answered after \([0-9.]*\) s:\$/\1/p' '$TMP/demo' |
    awk '{ n++; ok = \$1 >= 1.0 } END { exit !(n == 1 && ok) }'"
check "three /sleep lines in the access log" [ "$(grep -c '"GET /sleep?s=1 HTTP/1.1" 200 OK' "$TMP/demo")" -eq 3 ]
check "/offload in the access log" grep -q '"GET /offload?s=1 HTTP/1.1" 200 OK' "$TMP/demo"
check "the server stopped cleanly" grep -q 'json_server: stopped' "$TMP/demo"
check "asynclab lesson --list shows lesson 6" sh -c "'$A' lesson --list | grep -q ' 6  the JSON server'"
exit "$FAILED"
