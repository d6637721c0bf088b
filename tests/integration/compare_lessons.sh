#!/bin/sh
# asynclab compare with 4 clients and S = 0.5 s per request: the blocking
# server (lesson 1) handles one request at a time, so it needs at least 4 x S
# (its own sleeps, one after another) and in flight is 1; the select (lesson
# 2) and epoll (lesson 3) servers, and asynclab serve once it exists, handle
# all 4 at once: in flight is 4 (all four handling windows share an instant,
# compare's measure of overlap). Total time has a lower bound from the sleeps,
# and an upper one only as a hang guard. S = 0.5 s, not less: compare does
# not count overlaps under S / 10, so a blocking server's "1" survives the
# client seeing one answer up to 50 ms late on a busy machine. Then the
# timelines (the viewer's renderer, one lane per client) and the side-by-side SVG.
# Usage: sh compare_lessons.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

S=0.5
run_status "$A" compare --clients 4 --delay "$S" --ascii --svg "$TMP/c.svg"
check "exit 0" [ "$STATUS" -eq 0 ]
check "the header" has "asynclab compare: 4 clients at once, each GET /sleep?s=0.5 (handling takes 0.5 s)"

check "blocking: 1 in flight, >= 4 x S" compare_handled "blocking (lesson 1)" 1 4 "$S"
check "select: 4 in flight, >= S" compare_handled "select (lesson 2)" 4 1 "$S"
check "epoll: 4 in flight, >= S" compare_handled "epoll (lesson 3)" 4 1 "$S"
SERVERS=3
if have_serve; then
    check "asynclab serve: 4 in flight, >= S" compare_handled "asynclab serve" 4 1 "$S"
    SERVERS=4
fi

for name in "blocking (lesson 1)" "select (lesson 2)" "epoll (lesson 3)"; do
    check "a timeline for $name" has "$name: one lane per client, each sending one request"
    check "... headed as the client's view, not with the client's backend as if the server's" \
        sh -c "grep -A1 -F '$name: one lane per client' '$TMP/out' | tail -1 | grep -q '^the client.s view (asynclab load) . real clock'"
done
lanes=$(grep -c '^conn [1-4] ' "$TMP/out")
check "4 client lanes per timeline ($lanes for $SERVERS servers)" [ "$lanes" -eq $((4 * SERVERS)) ]
same_scale() {   # the renderer's scale line ("1 column = ...") is the same for all
    [ "$(grep '^1 column = ' "$TMP/out" | sed 's/, from .*//' | sort -u | wc -l)" -eq 1 ] &&
        [ "$(grep -c '^1 column = ' "$TMP/out")" -eq "$SERVERS" ]
}
check "one time scale for all" same_scale
check "--ascii: only ASCII" sh -c "! LC_ALL=C grep -q '[^ -~]' '$TMP/out'"

check "the SVG is well-formed XML with a panel per server" $PY -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
texts = "".join(root.itertext())
for name in ["blocking (lesson 1)", "select (lesson 2)", "epoll (lesson 3)"]:
    assert name in texts, name
panels = root.findall("{http://www.w3.org/2000/svg}g/{http://www.w3.org/2000/svg}svg")
assert len(panels) == int(sys.argv[2]), len(panels)' "$TMP/c.svg" "$SERVERS"
check "the output names the SVG" has "timelines drawn side by side in $TMP/c.svg"
exit "$FAILED"
