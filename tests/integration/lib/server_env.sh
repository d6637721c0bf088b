# server_env.sh — what the lesson tests (lessonNN_*.sh) start with: those of
# the lesson servers, and of the lesson programs run from the shell.
# Sourced with the build folder as its argument:
#
#   . "$(dirname "$0")/lib/server_env.sh" "$1"
#
# Sets BUILD, HERE (this folder), RAW (the raw-socket client,
# rawclient.py), TMP (a fresh temporary folder) and PID (the server's pid,
# empty until the test starts one); at exit the server is killed and TMP
# removed, and an interrupt exits 1. fail prints "FAIL: ..." and exits 1.
#
# The steps every lesson server test takes, written once. LABEL, where a
# helper takes one, starts its failure messages ("select: ...").
#
#   start_lesson_server [--trace] SERVER ARGS...
#                           SERVER --port PORT ARGS... on a free PORT, its
#                           stdout in $TMP/out and stderr in $TMP/err; sets
#                           PID; returns once it waits for a connection.
#                           --trace: traced into $TMP/trace.jsonl
#   raise_fd_limit N        at least N open files for what the test starts
#   server_exits_ok [LABEL] the server ends by itself, with status 0
#   stderr_empty [LABEL]    ... and wrote nothing on stderr ($TMP/err)
#   output_is MESSAGE       $TMP/out is exactly the text on stdin (else the
#                           diff, and fail MESSAGE)
#   exact_bytes [LABEL]     curl and a raw client each get the article's
#                           answer byte for byte; sets CURL_PORT (curl's port)
#   client_ports LABEL TEXT A and B from rawclient's "A=port B=port"
#   log_is LABEL [N]        $TMP/out (its first N lines), timestamps made
#                           "<ts>", is $TMP/expected
#   milestones_are MESSAGE  the connections and requests of $TMP/out, in
#                           order, are the lines on stdin
#   lesson01_two_clients_traced
#                           lesson 1's blocking server, traced into
#                           $TMP/trace.jsonl, serves clients A and B one
#                           after the other (rawclient.py serial) and exits
#                           0; sets PORTS ("A=port B=port")
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
RAW="/usr/bin/python3 $HERE/rawclient.py"
TMP=$(mktemp -d)
PID=
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; fi; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

start_lesson_server() {
    trace=
    if [ "$1" = --trace ]; then trace=ASYNCLAB_TRACE=$TMP/trace.jsonl; shift; fi
    server=$1
    shift
    PORT=$($RAW freeport)
    # env execs the server: PID is the server's own
    env $trace "$server" --port "$PORT" "$@" >"$TMP/out" 2>"$TMP/err" &
    PID=$!
    $RAW waitlog "$TMP/out" 'Waiting for a connection\.\.\.$' --pid "$PID"
}

server_exits_ok() {
    status=0
    wait "$PID" || status=$?
    PID=
    [ "$status" -eq 0 ] || fail "${1:+$1: }server exited with status $status: $(cat "$TMP/err")"
}

stderr_empty() {
    [ ! -s "$TMP/err" ] || fail "${1:+$1: }wrote to stderr: $(cat "$TMP/err")"
}

output_is() {
    cat >"$TMP/expected"
    cmp -s "$TMP/out" "$TMP/expected" || { diff "$TMP/expected" "$TMP/out" >&2 || true; fail "$1"; }
}

exact_bytes() {
    printf '{"Hello": "World"}' >"$TMP/body.expected"
    printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n' >"$TMP/headers.expected"
    cat "$TMP/headers.expected" "$TMP/body.expected" >"$TMP/raw.expected"
    CURL_PORT=$(curl -sS --max-time 20 -D "$TMP/headers" -o "$TMP/body" -w '%{local_port}' "http://127.0.0.1:$PORT/")
    cmp "$TMP/body" "$TMP/body.expected" || fail "${1:+$1: }curl body differs: $(cat "$TMP/body")"
    cmp "$TMP/headers" "$TMP/headers.expected" || { od -c "$TMP/headers" >&2; fail "${1:+$1: }curl headers differ"; }
    $RAW get "$PORT" >"$TMP/raw"
    cmp "$TMP/raw" "$TMP/raw.expected" || { od -c "$TMP/raw" >&2; fail "${1:+$1: }raw answer differs"; }
}

client_ports() {
    A=$(echo "$2" | sed -n 's/^A=\([0-9]*\) B=[0-9]*$/\1/p')
    B=$(echo "$2" | sed -n 's/^A=[0-9]* B=\([0-9]*\)$/\1/p')
    [ -n "$A" ] && [ -n "$B" ] || fail "${1:+$1: }rawclient printed '$2'"
}

TS='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}'
log_is() {
    sed -E "s/^$TS /<ts> /" "$TMP/out" | head -n "${2:-1000000}" >"$TMP/normalised"
    if ! cmp -s "$TMP/normalised" "$TMP/expected"; then
        diff "$TMP/expected" "$TMP/normalised" | cat -A >&2 || true
        fail "${1:+$1: }log lines differ from the expected ones (- expected, + got)"
    fi
}

milestones_are() {
    cat >"$TMP/expected"
    tr -d '\r' <"$TMP/out" | grep -E "Waiting for a connection|Got connection|^X-Client:" |
        sed -E 's/^[0-9-]+ [0-9:.]+ //' >"$TMP/milestones"
    if ! cmp -s "$TMP/milestones" "$TMP/expected"; then
        diff "$TMP/expected" "$TMP/milestones" >&2 || true
        fail "$1"
    fi
}

lesson01_two_clients_traced() {
    start_lesson_server --trace "$BUILD/lessons/01-blocking-socket/lesson01_blocking_server" --max-connections 2
    PORTS=$($RAW serial "$PORT" "$TMP/out")
    server_exits_ok
}

# (`ulimit -n` is not in POSIX, but dash, bash and busybox sh all have it.)
raise_fd_limit() {
    if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$1" ]; then
        ulimit -n "$1" || fail "cannot raise the open-files limit to $1 (hard limit: $(ulimit -Hn))"
    fi
}
