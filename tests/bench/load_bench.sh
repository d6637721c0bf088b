#!/bin/sh
# load_bench.sh — asynclab load against wrk, same server, same connection count.
#
#   sh tests/bench/load_bench.sh BUILD_DIR [SECONDS] [CONNECTIONS]
#
# A benchmark, not a test: it is not registered with ctest and takes
# 2 x SECONDS (default 10 s each, 50 connections). The server is
# `asynclab serve` when it exists, else lesson 3's callback server (which
# closes every connection after one answer, so both clients also measure
# connect/accept); the first line says which. Both clients get one thread
# (wrk -t1; asynclab load is one loop on one thread). The target: asynclab
# load reaches at least 90 % of wrk's requests per second. See
# README-load.md for what the figures mean on a 2-core machine.
#
# LOAD_BENCH_URL=http://127.0.0.1:PORT/ benchmarks a server you started
# yourself instead (nginx, say: a server fast enough that the clients, not
# the server, are the bottleneck).
set -eu
BUILD=${1:?usage: load_bench.sh BUILD_DIR [SECONDS] [CONNECTIONS]}
SECONDS_EACH=${2:-10}
CONNS=${3:-50}
A="$BUILD/tui/asynclab"
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
NET="$PY $HERE/../integration/lib/netutil.py"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/load_bench.XXXXXX")
PID=
cleanup() {
    if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

command -v wrk >/dev/null || { echo "load_bench: wrk is not installed (scripts/install-deps)"; exit 2; }
[ -x "$A" ] || { echo "load_bench: $A is not built"; exit 2; }

PORT=$($NET freeport)
URL="http://127.0.0.1:$PORT/"
if [ -n "${LOAD_BENCH_URL:-}" ]; then
    SERVER="yours"
    URL=$LOAD_BENCH_URL
elif "$A" --help | grep -q '^  serve '; then
    SERVER="asynclab serve"
    "$A" serve --port "$PORT" >"$TMP/server.log" 2>&1 &
    PID=$!
else
    SERVER="lesson 3's callback server (asynclab serve is not built yet; this one closes after each answer)"
    "$BUILD/lessons/03-epoll-loop/lesson03_callback_server" --port "$PORT" >/dev/null 2>"$TMP/server.log" &
    PID=$!
fi
if [ -n "$PID" ]; then
    $NET waitport "$PORT" --pid "$PID" --timeout 15 || { cat "$TMP/server.log"; exit 1; }
fi

# CPU seconds (user + sys) of a finished child, from /usr/bin/time if present.
TIME=""
[ -x /usr/bin/time ] && TIME="/usr/bin/time -f %U+%S -o $TMP/cpu"
cpu() { [ -s "$TMP/cpu" ] && $PY -c "print('%.2f s' % ($(tail -1 "$TMP/cpu")))" || echo "?"; }

echo "load_bench: server = $SERVER"
echo "            $URL, $CONNS connections, ${SECONDS_EACH} s per client, one client thread each"

$TIME wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" "$URL" >"$TMP/wrk.txt"
WRK=$(sed -n 's/^Requests\/sec: *\([0-9.]*\)$/\1/p' "$TMP/wrk.txt")
WRK_CPU=$(cpu)
WRK_ERR=$(grep -E "Non-2xx|Socket errors" "$TMP/wrk.txt" || true)

$TIME "$A" load "$URL" -c "$CONNS" -d "$SECONDS_EACH" --json >"$TMP/ours.json" || true
OURS=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["req_per_s"])' "$TMP/ours.json")
OURS_ERR=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors_total"])' "$TMP/ours.json")
OURS_CPU=$(cpu)

printf '  %-34s %10.0f req/s   client CPU %s%s\n' "wrk -t1 -c$CONNS -d${SECONDS_EACH}s" "$WRK" "$WRK_CPU" \
    "${WRK_ERR:+   ($WRK_ERR)}"
printf '  %-34s %10.0f req/s   client CPU %s   (%s errors)\n' "asynclab load -c $CONNS -d $SECONDS_EACH" \
    "$OURS" "$OURS_CPU" "$OURS_ERR"
$PY -c '
import sys
wrk, ours = float(sys.argv[1]), float(sys.argv[2])
ratio = 100 * ours / wrk if wrk else 0
print("  asynclab load / wrk = %.0f %%   (target >= 90 %%): %s" % (ratio, "met" if ratio >= 90 else "NOT met"))
sys.exit(0 if ratio >= 90 else 1)' "$WRK" "$OURS"
