# harness.sh — shell helpers for the load/compare/check tests (sourced, POSIX sh).
#
#   BUILD=$1; . "$(dirname "$0")/lib/harness.sh"
#
# Sets A (the asynclab program), LESSONS (the built lessons), PEERS (the
# peer apps), PY (/usr/bin/python3, which sees Debian's fastapi, uvicorn and
# aiohttp), NET (netutil.py), TMP (removed at exit) and FAILED (a count).
#
#   free_port                     print a free port on 127.0.0.1
#   start_server NAME CMD...      start CMD in the background, output to
#                                 $TMP/NAME.log; sets SERVER_PID; stopped at exit
#   wait_port PORT PID            wait (at most 15 s) until PORT accepts, or fail
#   seed_passes LABEL URL         `asynclab check URL --suite seed` exits 0,
#                                 all 4 checks passed
#   listen NAME CMD...            start_server NAME CMD... --port PORT on a free
#                                 PORT, and wait_port
#   start_fake MODE               start netutil.py's fake server; sets PORT
#   stop_server PID               stop one server now
#   check DESC CMD...             run CMD: "ok DESC" or "FAIL DESC" (counted)
#   run_status CMD...             run CMD, output to $TMP/out (stdout+stderr),
#                                 its exit status in STATUS
#   has TEXT                      $TMP/out contains the fixed string TEXT
#   have_serve                    true once `asynclab serve` exists
#   usage_error_of CMD MESSAGE ARGS...
#                                 `asynclab CMD ARGS...` exits 2 saying MESSAGE
#   help_of CMD TEXT              `asynclab CMD --help` exits 0 showing TEXT,
#                                 and `asynclab --help` lists CMD
#   compare_handled NAME IN_FLIGHT SLEEPS S
#                                 the row NAME of `asynclab compare --delay S`
#                                 in $TMP/out: IN_FLIGHT in flight, no errors,
#                                 a total of at least SLEEPS x S (less a
#                                 sliver: the client stamps a request sent a
#                                 few µs after the server may have it) and
#                                 under 20 x S (only a hang guard)

A="$BUILD/tui/asynclab"
LESSONS="$BUILD/lessons"
HARNESS_LIB=$(cd "$(dirname "$0")/lib" && pwd)
PEERS=$(cd "$HARNESS_LIB/../../peers" && pwd)
PY=/usr/bin/python3
NET="$PY $HARNESS_LIB/netutil.py"
FAILED=0
SERVERS=""
TMP=$(mktemp -d "${TMPDIR:-/tmp}/asynclab-harness.XXXXXX")

stop_server() {
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}
cleanup() {
    for pid in $SERVERS; do stop_server "$pid"; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() { $NET freeport; }

start_server() {
    name=$1
    shift
    "$@" >"$TMP/$name.log" 2>&1 &
    SERVER_PID=$!
    SERVERS="$SERVERS $SERVER_PID"
}

wait_port() {
    if ! $NET waitport "$1" --pid "$2" --timeout 15; then
        echo "FAIL: the server did not start; its output:"
        cat "$TMP"/*.log
        exit 1
    fi
}

seed_passes() {
    run_status "$A" check "$2" --suite seed
    check "$1, seed: exit 0" [ "$STATUS" -eq 0 ]
    check "$1, seed: 4 passed, 0 failed" has "4 passed, 0 failed"
}

listen() {
    PORT=$(free_port)
    start_server "$@" --port "$PORT"
    wait_port "$PORT" "$SERVER_PID"
}

start_fake() {
    start_server "fake-$1" $NET fake "$1"
    tries=0
    until grep -q '^PORT [0-9]*$' "$TMP/fake-$1.log" 2>/dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -gt 300 ]; then
            echo "FAIL: the fake server ($1) did not start"
            cat "$TMP/fake-$1.log"
            exit 1
        fi
        sleep 0.05
    done
    PORT=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$TMP/fake-$1.log")
}

check() {
    desc=$1
    shift
    if "$@"; then
        echo "ok   $desc"
    else
        echo "FAIL $desc"
        [ -f "$TMP/out" ] && sed 's/^/     | /' "$TMP/out" | head -40
        FAILED=$((FAILED + 1))
    fi
}

run_status() {
    STATUS=0
    "$@" >"$TMP/out" 2>&1 || STATUS=$?
}

has() { grep -qF -- "$1" "$TMP/out"; }

usage_error_of() {
    cmd=$1 msg=$2
    shift 2
    run_status "$A" "$cmd" "$@"
    check "$cmd $*: exit 2" [ "$STATUS" -eq 2 ]
    check "$cmd $*: says '$msg'" has "$msg"
}

help_of() {
    run_status "$A" "$1" --help
    check "--help exits 0" [ "$STATUS" -eq 0 ]
    check "--help shows '$2'" has "$2"
    check "asynclab --help lists $1" sh -c "'$A' --help | grep -q '^  $1 '"
}

have_serve() { "$A" --help 2>/dev/null | grep -q '^  serve '; }

# The value of a top-level number in the JSON object in $TMP/out:
#   json_field requests
json_field() {
    $PY -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$TMP/out" "$1"
}
json_error() {
    $PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["errors"][sys.argv[2]])' "$TMP/out" "$1"
}

compare_handled() {
    r=$(sed -n "s/^  $1 *\([0-9.]*\) s *[0-9.]* *\([0-9]*\) *\([0-9]*\)\$/\1 \2 \3/p" "$TMP/out")
    $PY -c '
import sys
total, inflight, errors = sys.argv[1].split()
want, sleeps, s = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
assert int(inflight) == want, ("in flight", inflight, "expected", want)
assert errors == "0", ("errors", errors)
assert sleeps * s * 0.98 <= float(total) < 20 * s, ("total", total, "expected >=", sleeps, "x", s)' "$r" "$2" "$3" "$4"
}
