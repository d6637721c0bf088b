# demo_env.sh — what the lessonNN_demo.sh tests start with: each runs a
# lesson's demo.sh (what `asynclab lesson N` runs) and reads its output.
# Sourced with the build folder as its argument:
#
#   . "$(dirname "$0")/lib/demo_env.sh" "$1"
#   run_demo 01-blocking-socket      # the output in $TMP/out
#
# Sets BUILD, HERE (this folder) and TMP (removed at exit); fail prints
# "FAIL: ..." and the demo's output, and exits 1. run_demo gives the demo a
# free port (PORT, for the demos that serve) and no ASYNCLAB_TRACE (a trace
# is what a test asks for, not what it inherits); a demo that fails fails
# the test.
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$TMP/out" >&2; exit 1; }

run_demo() {
    PORT=$(/usr/bin/python3 "$HERE/rawclient.py" freeport)
    env -u ASYNCLAB_TRACE PORT="$PORT" sh "$HERE/../../lessons/$1/demo.sh" "$BUILD" >"$TMP/out" 2>&1 ||
        fail "demo.sh exited $?"
}
