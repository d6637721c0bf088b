#!/bin/sh
# export_svg.sh — `asynclab export --svg` draws a well-formed, self-contained
# SVG (checked with Python's xml.etree): one <rect> per span at least (the
# spans counted from the Perfetto export of the same trace), every lane's
# label, no scripts. And the picture of lesson 5 that the README shows,
# lessons/05-coroutines/timeline.svg, is what this command makes today from a
# fresh virtual-clock trace; after a deliberate change to the picture:
#   sh tests/integration/export_svg.sh BUILD --update
set -eu
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
PICTURE=$HERE/../../lessons/05-coroutines/timeline.svg
A=$BUILD/tui/asynclab
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

ASYNCLAB_TRACE=$TMP/lesson05.jsonl "$BUILD/lessons/05-coroutines/coroutines" --virtual --backend epoll >/dev/null
"$A" export "$TMP/lesson05.jsonl" --svg "$TMP/lesson05.svg" --perfetto "$TMP/lesson05.json"
/usr/bin/python3 - "$TMP/lesson05.svg" "$TMP/lesson05.json" <<'CHECK' || fail "the SVG is not what it should be"
import json, sys
import xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
def check(ok, what):
    if not ok:
        sys.exit("svg: " + what)
check(root.tag == NS + "svg", f"root is {root.tag}")
spans = sum(1 for e in json.load(open(sys.argv[2]))["traceEvents"] if e["ph"] == "X" and e["cat"] == "state")
rects = root.findall(f".//{NS}rect")
titled = [r for r in rects if r.find(f"{NS}title") is not None]
check(len(titled) >= spans, f"{len(titled)} titled rects for {spans} spans")
texts = ["".join(t.itertext()) for t in root.iter(NS + "text")]
for label in ("main", "Coroutine 1", "Coroutine 2", "Coroutine 3"):
    check(label in texts, f"no lane label {label!r}")
check(any(t.startswith("coroutines") for t in texts), "no title")
check("1.0 s" in texts, "no time axis label 1.0 s")
check(not root.findall(f".//{NS}script") and not root.findall(f".//{NS}image"), "not self-contained")
print(f"ok   {len(rects)} rects ({len(titled)} spans of {spans}), labels and axis present")
CHECK

if [ "${2:-}" = "--update" ]; then
    cp "$TMP/lesson05.svg" "$PICTURE"
    echo "updated $PICTURE"
fi
cmp -s "$TMP/lesson05.svg" "$PICTURE" ||
    fail "lessons/05-coroutines/timeline.svg is not what 'asynclab export --svg' draws today (--update regenerates it)"
echo "ok   lessons/05-coroutines/timeline.svg is up to date"
