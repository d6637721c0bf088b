#!/bin/sh
# export_perfetto.sh — `asynclab export --perfetto` writes what Perfetto
# (ui.perfetto.dev) and chrome://tracing read, by the rules of
# tui/model/export_perfetto.h, checked with Python's json on:
#   a fresh virtual-clock trace of lesson 5, and the recorded fixtures
#   (lesson 5 on the real clock and blocking, lesson 1's blocking server):
#   - the object form, "displayTimeUnit" its first key;
#   - every track (tid) named by a thread_name metadata event;
#   - per track, "X" slices sorted by ts never overlap;
#   - every flow start ("s") has exactly one end ("f", "bp":"e") with its id;
#   - lesson 5: each coroutine's track sleeps from 0 to 1 s, and the timer
#     that ends the sleep is an arrow from the loop's track to its resume.
set -eu
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
TRACES=$HERE/../fixtures/traces
A=$BUILD/tui/asynclab
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

ASYNCLAB_TRACE=$TMP/lesson05.jsonl "$BUILD/lessons/05-coroutines/coroutines" --virtual >/dev/null
for t in "$TMP/lesson05.jsonl" "$TRACES"/lesson05-real.jsonl "$TRACES"/lesson05-blocking.jsonl "$TRACES"/lesson01.jsonl; do
    name=$(basename "$t" .jsonl)
    "$A" export "$t" --perfetto "$TMP/$name.json" || fail "export of $name failed"
    /usr/bin/python3 - "$TMP/$name.json" "$name" <<'CHECK' || fail "$name: the Perfetto JSON breaks a rule"
import json, sys
from collections import defaultdict
path, name = sys.argv[1], sys.argv[2]
def check(ok, what):
    if not ok:
        sys.exit(f"{name}: {what}")
pairs = json.load(open(path, encoding="utf-8"), object_pairs_hook=lambda kv: kv)
check(pairs[0][0] == "displayTimeUnit", f"first key is {pairs[0][0]!r}")
doc = json.load(open(path, encoding="utf-8"))
events = doc["traceEvents"]
names, slices, starts, ends = {}, defaultdict(list), defaultdict(list), defaultdict(list)
for e in events:
    if e["ph"] == "M":
        if e["name"] == "thread_name":
            names[e["tid"]] = e["args"]["name"]
        continue
    check(e["tid"] in names, f"tid {e['tid']} has no thread_name")
    if e["ph"] == "X":
        check(e["dur"] >= 0, f"negative dur {e}")
        slices[e["tid"]].append((e["ts"], e["dur"], e["name"]))
    elif e["ph"] == "s":
        starts[e["id"]].append(e)
    elif e["ph"] == "f":
        check(e.get("bp") == "e", f"flow end without bp e: {e}")
        ends[e["id"]].append(e)
    else:
        check(False, f"unexpected phase {e['ph']}")
for tid, ss in slices.items():
    ss.sort(key=lambda s: (s[0], s[1]))
    for a, b in zip(ss, ss[1:]):
        check(b[0] >= a[0] + a[1], f"track {names[tid]!r}: {a} overlaps {b}")
check(starts and set(starts) == set(ends), f"flow ids without a partner: {set(starts) ^ set(ends)}")
for i in starts:
    check(len(starts[i]) == 1 and len(ends[i]) == 1, f"flow {i} has {len(starts[i])} starts, {len(ends[i])} ends")
    s, f = starts[i][0], ends[i][0]
    check((s["cat"], s["name"]) == (f["cat"], f["name"]), f"flow {i}: cat/name differ")
    check(s["ts"] <= f["ts"], f"flow {i} goes back in time")
if name == "lesson05":
    tid_of = {v: k for k, v in names.items()}
    loop = tid_of["event loop"]
    for n in (1, 2, 3):
        tid = tid_of[f"Coroutine {n} (task {n + 1})"]
        check((0, 1000000, "sleep until 1.000000 s") in slices[tid], f"Coroutine {n} does not sleep 0..1 s")
        woke = [i for i in ends if ends[i][0]["tid"] == tid and ends[i][0]["ts"] == 1000000]
        check(len(woke) == 1 and starts[woke[0]][0]["tid"] == loop, f"Coroutine {n}: no arrow from the timer")
print(f"ok   {name}: {sum(len(s) for s in slices.values())} slices on {len(names)} named tracks, {len(starts)} flows")
CHECK
done
