#!/bin/sh
# lesson04_coroutine.sh — generator_coroutine prints "Start coroutine <ts>"
# and "End coroutine <ts>". On the tiny loop's virtual clock End is exactly
# 1.000000 s after Start; on the real clock at least 1 s after it (the loop
# never wakes early) and the run takes at least 1 s (at most 15 s: a hang
# guard, not a speed test).
set -eu
BIN=$1/lessons/04-generators
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

check() {   # check FILE MODE: two lines, the right format, the right gap
  /usr/bin/python3 - "$1" "$2" <<'END'
import re, sys
from datetime import datetime, timedelta
path, mode = sys.argv[1], sys.argv[2]
lines = open(path).read().splitlines()
ts = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6})"
if len(lines) != 2:
    sys.exit(f"expected 2 lines, got {lines!r}")
m1 = re.fullmatch("Start coroutine " + ts, lines[0])
m2 = re.fullmatch("End coroutine " + ts, lines[1])
if not m1 or not m2:
    sys.exit(f"lines do not match 'Start coroutine <ts>' / 'End coroutine <ts>': {lines!r}")
fmt = "%Y-%m-%d %H:%M:%S.%f"
gap = datetime.strptime(m2[1], fmt) - datetime.strptime(m1[1], fmt)
if mode == "virtual" and gap != timedelta(seconds=1):
    sys.exit(f"virtual clock: End should be exactly 1 s after Start, got {gap}")
if mode == "real" and not (timedelta(seconds=1) <= gap < timedelta(seconds=15)):
    sys.exit(f"real clock: End should be 1 s (and a little) after Start, got {gap}")
END
}

TZ=UTC "$BIN/generator_coroutine" --virtual >"$TMP/virtual" 2>"$TMP/err" || fail "--virtual exited $?"
check "$TMP/virtual" virtual || fail "--virtual output wrong"
[ ! -s "$TMP/err" ] || fail "wrote to stderr: $(cat "$TMP/err")"

# The virtual run starts at the real time of day (within a minute of now).
/usr/bin/python3 - "$TMP/virtual" <<'END' || fail "the virtual timeline does not start at the real time"
import sys
from datetime import datetime, timezone
first = open(sys.argv[1]).readline().split(" ", 2)[2].strip()
start = datetime.strptime(first, "%Y-%m-%d %H:%M:%S.%f")
sys.exit(abs((datetime.now(timezone.utc).replace(tzinfo=None) - start).total_seconds()) > 60)
END

/usr/bin/python3 - "$BIN/generator_coroutine" "$TMP/real" <<'END' || fail "real-clock run outside 1-15 s"
import os, subprocess, sys, time
t0 = time.monotonic()
with open(sys.argv[2], "w") as out:
    rc = subprocess.run([sys.argv[1]], stdout=out, env=dict(os.environ, TZ="UTC")).returncode
took = time.monotonic() - t0
if rc != 0 or not (1.0 <= took <= 15):   # the 1 s sleep; above 15 s, a hang
    sys.exit(f"exit {rc}, took {took:.3f} s")
END
check "$TMP/real" real || fail "real-clock output wrong"

status=0
"$BIN/generator_coroutine" --bogus >/dev/null 2>"$TMP/err" || status=$?
[ "$status" -eq 2 ] || fail "an unknown option should exit 2, got $status"
grep -q "unknown option '--bogus'" "$TMP/err" || fail "no clear message: $(cat "$TMP/err")"
echo "ok: generator_coroutine"
