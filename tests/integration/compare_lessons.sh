#!/bin/sh
# asynclab compare with 4 clients and 0.2 s per request: the blocking server
# (lesson 1) needs about 4 x 0.2 s and handles one request at a time; the
# select (lesson 2) and epoll (lesson 3) servers, and asynclab serve once it
# exists, need about 0.2 s and handle all 4 at once. Real time, generous bounds. Then the timelines (the viewer's
# renderer, one lane per client) and the side-by-side SVG.
# Usage: sh compare_lessons.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

run_status "$A" compare --clients 4 --delay 0.2 --ascii --svg "$TMP/c.svg"
check "exit 0" [ "$STATUS" -eq 0 ]
check "the header" has "asynclab compare: 4 clients at once, each GET /sleep?s=0.2 (handling takes 0.2 s)"

# row NAME: "total req/s in_flight errors" from the table
row() {
    sed -n "s/^  $1 *\([0-9.]*\) s *\([0-9.]*\) *\([0-9]*\) *\([0-9]*\)\$/\1 \2 \3 \4/p" "$TMP/out"
}
within() {   # within NAME MIN_TOTAL MAX_TOTAL IN_FLIGHT
    r=$(row "$1")
    $PY -c '
import sys
total, rate, inflight, errors = sys.argv[1].split()
lo, hi, want = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
assert lo <= float(total) < hi, ("total", total, lo, hi)
assert int(inflight) == want, ("in flight", inflight, want)
assert int(errors) == 0, ("errors", errors)' "$r" "$2" "$3" "$4"
}
check "blocking: about 4 x 0.2 s (>= 0.7 s), 1 in flight" within "blocking (lesson 1)" 0.7 5 1
check "select: under 2 x 0.2 s, 4 in flight" within "select (lesson 2)" 0.19 0.4 4
check "epoll: under 2 x 0.2 s, 4 in flight" within "epoll (lesson 3)" 0.19 0.4 4
SERVERS=3
if have_serve; then
    check "asynclab serve: under 2 x 0.2 s, 4 in flight" within "asynclab serve" 0.19 0.4 4
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
