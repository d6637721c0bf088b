# serve_lib.sh — shell helpers for the JSON server's tests (sourced, POSIX sh).
#
#   BUILD=$1; . "$(dirname "$0")/lib/serve_lib.sh"
#
# Sets A (the asynclab program), JSON_SERVER (lesson 6's binary), PY
# (/usr/bin/python3), RAW (http_raw.py, the raw-socket client), TMP (removed
# at exit) and FAILED (a count of failed checks).
#
#   serve NAME ARGS...      start `asynclab serve --port 0 ARGS...` in the
#                           background, output in $TMP/NAME.log; wait (at most
#                           15 s) for its "running on http://HOST:PORT" line;
#                           sets PID and PORT. Stopped at exit.
#   stop PID                SIGINT, then wait (at most 10 s); sets STATUS
#   check DESC CMD...       "ok DESC" or "FAIL DESC" (counted in FAILED)
#   body URL                curl the URL, print the body
#   code URL [curl args]    curl the URL, print the status code
#   py_test ARGS... <<'PY'  run the Python on stdin with ARGS, http_raw
#                           importable (PYTHONPATH: this folder)

A="$BUILD/tui/asynclab"
JSON_SERVER="$BUILD/lessons/06-json-server/json_server"
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1   # importing http_raw must not write into the source tree
SERVE_LIB=$(cd "$(dirname "$0")/lib" && pwd)
RAW="$PY $SERVE_LIB/http_raw.py"
FAILED=0
PIDS=""
TMP=$(mktemp -d "${TMPDIR:-/tmp}/asynclab-serve.XXXXXX")

cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

check() {
    desc=$1
    shift
    if "$@"; then echo "ok   $desc"; else echo "FAIL $desc"; FAILED=$((FAILED + 1)); fi
}

# serve NAME ARGS...: the server under test (asynclab serve), on a free port.
serve() {
    name=$1
    shift
    : >"$TMP/$name.log"
    "$A" serve --port 0 "$@" >"$TMP/$name.log" 2>&1 &
    PID=$!
    PIDS="$PIDS $PID"
    PORT=$($PY "$SERVE_LIB/http_raw.py" waitport "$TMP/$name.log" "$PID") || {
        echo "FAIL: asynclab serve $* did not start:"
        cat "$TMP/$name.log"
        exit 1
    }
}

# stop PID: what Ctrl+C does; the exit status in STATUS (124: did not exit).
stop() {
    kill -INT "$1" 2>/dev/null
    n=0
    while kill -0 "$1" 2>/dev/null && [ "$(sed -n 's/^[0-9]* (.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)" != Z ]; do
        n=$((n + 1))
        if [ $n -gt 200 ]; then STATUS=124; kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null; return; fi
        sleep 0.05
    done
    wait "$1"
    STATUS=$?
}

py_test() { PYTHONPATH="$SERVE_LIB" "$PY" - "$@"; }

body() { curl -s --max-time 10 "$@"; }
code() { u=$1; shift; curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$@" "$u"; }
