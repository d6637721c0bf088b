#!/bin/sh
# lesson04_trace.sh — the tiny loop of generator_coroutine describes itself to
# the viewer: one task that runs, sleeps until exactly 1 s (virtual clock),
# is woken by its timer, prints and exits; the core's reader accepts it.
set -eu
BUILD=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ASYNCLAB_TRACE="$TMP/t.jsonl" "$BUILD/lessons/04-generators/generator_coroutine" --virtual >/dev/null
/usr/bin/python3 - "$TMP/t.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
seq = [(e["ev"], e.get("reason") or e.get("by") or e.get("status"), e["t"]) for e in ev[1:] if e["ev"] != "output"]
want = [("spawn", None, 0), ("ready", "spawn", 0), ("resume", None, 0), ("suspend", "sleep", 0),
        ("timer", None, 1000000), ("ready", "timer", 1000000), ("resume", None, 1000000),
        ("exit", "ok", 1000000)]
assert seq == want, f"expected {want}\n     got {seq}"
assert ev[0]["ev"] == "hello" and ev[0]["clock"] == "virtual", ev[0]
out = [e["text"] for e in ev if e["ev"] == "output"]
assert len(out) == 2 and out[0].startswith("Start coroutine ") and out[1].startswith("End coroutine "), out
susp = [e for e in ev if e["ev"] == "suspend"][0]
assert susp["until"] == 1000000, susp
print("ok: the tiny loop's trace reads as one coroutine sleeping 1 s")
PY
# and asynclab reads it back without complaint
"$BUILD/tui/asynclab" timeline "$TMP/t.jsonl" --width 60 | grep -q "my_coroutine"
