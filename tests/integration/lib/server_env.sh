# server_env.sh — what the lesson server tests (lessonNN_*.sh) start with.
# Sourced with the build folder as its argument:
#
#   . "$(dirname "$0")/lib/server_env.sh" "$1"
#
# Sets BUILD, HERE (this folder), RAW (the raw-socket client,
# rawclient.py), TMP (a fresh temporary folder) and PID (the server's pid,
# empty until the test starts one); at exit the server is killed and TMP
# removed, and an interrupt exits 1. fail prints "FAIL: ..." and exits 1.
#
#   lesson01_two_clients_traced   lesson 1's blocking server, traced into
#                                 $TMP/trace.jsonl, serves clients A and B
#                                 one after the other (rawclient.py serial)
#                                 and exits; sets PORTS ("A=port B=port", the
#                                 clients' ports); its log in $TMP/out and
#                                 $TMP/err; fails unless it exits 0.
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
RAW="/usr/bin/python3 $HERE/rawclient.py"
TMP=$(mktemp -d)
PID=
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; fi; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

lesson01_two_clients_traced() {
    PORT=$($RAW freeport)
    ASYNCLAB_TRACE=$TMP/trace.jsonl "$BUILD/lessons/01-blocking-socket/lesson01_blocking_server" \
        --port "$PORT" --max-connections 2 >"$TMP/out" 2>"$TMP/err" &
    PID=$!
    $RAW waitlog "$TMP/out" 'Waiting for a connection\.\.\.$' --pid "$PID"
    PORTS=$($RAW serial "$PORT" "$TMP/out")
    status=0
    wait "$PID" || status=$?
    PID=
    [ "$status" -eq 0 ] || fail "server exited with status $status: $(cat "$TMP/err")"
}
