#!/bin/sh
# timeline_lesson05.sh — `asynclab timeline` on fresh virtual-clock traces of
# lesson 5 prints exactly the pictures kept in tests/fixtures/timeline/:
#   - the three coroutines sleep together and finish at 1.0 s, on every
#     backend (the title names the backend; nothing else may differ);
#   - --ascii, --width 40 (--sequential: done at 1, 2, 3 s) and --blocking;
#   - no width given and not a terminal: 80 columns; "-" reads stdin;
#   - colour codes only with --color, and never with NO_COLOR set.
# After a deliberate change to the picture, regenerate the golden files (see
# tests/fixtures/timeline/README) and read the diff.
# The fresh traces go through lib/drop_slow.py: the loop times steps in real
# time, so load may add a "slow" event (a "loop !" row) to any run; only the
# --blocking coroutines' slow steps, which block on purpose, are kept.
set -eu
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
GOLD=$HERE/../fixtures/timeline
A=$BUILD/tui/asynclab
P=$BUILD/lessons/05-coroutines/coroutines
drop_slow() { /usr/bin/python3 "$HERE/lib/drop_slow.py" "$@"; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
same() {  # same GOLDEN FILE
    diff -u "$1" "$2" >&2 || fail "$2 differs from $1"
}

for be in ${AL_BACKENDS:-select poll epoll uv uring}; do   # AL_BACKENDS: the ones that work here (tests/CMakeLists.txt)
    ASYNCLAB_TRACE=$TMP/raw.jsonl "$P" --virtual --backend "$be" >/dev/null
    drop_slow "$TMP/raw.jsonl" >"$TMP/$be.jsonl"
    "$A" timeline "$TMP/$be.jsonl" --width 80 | sed "s/ · $be backend · / · epoll backend · /" >"$TMP/$be.txt"
    same "$GOLD/lesson05.txt" "$TMP/$be.txt"
done
echo "ok   lesson 5 on every backend: three lanes asleep together, all done at 1.0 s"

T=$TMP/epoll.jsonl
"$A" timeline "$T" --width 80 --ascii >"$TMP/ascii.txt"
same "$GOLD/lesson05-ascii.txt" "$TMP/ascii.txt"
LC_ALL=C grep -q "$(printf '[\200-\377]')" "$TMP/ascii.txt" && fail "--ascii printed a byte that is not ASCII"
echo "ok   --ascii"

"$A" timeline "$T" >"$TMP/default.txt"
same "$GOLD/lesson05.txt" "$TMP/default.txt"
"$A" timeline - --width=80 <"$T" >"$TMP/stdin.txt"
same "$GOLD/lesson05.txt" "$TMP/stdin.txt"
echo "ok   80 columns when not on a terminal; - reads stdin"

ASYNCLAB_TRACE=$TMP/raw.jsonl "$P" --virtual --sequential --backend epoll >/dev/null
drop_slow "$TMP/raw.jsonl" >"$TMP/seq.jsonl"
"$A" timeline "$TMP/seq.jsonl" --width 40 >"$TMP/seq.txt"
same "$GOLD/lesson05-sequential-40.txt" "$TMP/seq.txt"
/usr/bin/python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 40 for l in open(sys.argv[1], encoding="utf-8")))' \
    "$TMP/seq.txt" || fail "a line is wider than 40 columns"
echo "ok   --sequential at --width 40: done at 1, 2, 3 s"

ASYNCLAB_TRACE=$TMP/raw.jsonl "$P" --virtual --blocking --seconds 0.2 --backend epoll >/dev/null 2>&1
drop_slow "$TMP/raw.jsonl" --keep "Coroutine " >"$TMP/blk.jsonl"
"$A" timeline "$TMP/blk.jsonl" --width 100 >"$TMP/blk.txt"
same "$GOLD/lesson05-blocking-100.txt" "$TMP/blk.txt"
echo "ok   --blocking: one coroutine at a time, slow steps on the loop's lane"

ESC=$(printf '\033')
"$A" timeline "$T" | grep -q "$ESC" && fail "colour codes without --color"
"$A" timeline "$T" --color | grep -q "$ESC\[32m" || fail "--color gave no colour"
NO_COLOR=1 "$A" timeline "$T" --color | grep -q "$ESC" && fail "colour codes although NO_COLOR is set"
echo "ok   colour only with --color, never with NO_COLOR"
