# server_env.sh — what the lesson server tests (lessonNN_*.sh) start with.
# Sourced with the build folder as its argument:
#
#   . "$(dirname "$0")/lib/server_env.sh" "$1"
#
# Sets BUILD, HERE (this folder), RAW (the raw-socket client,
# rawclient.py), TMP (a fresh temporary folder) and PID (the server's pid,
# empty until the test starts one); at exit the server is killed and TMP
# removed, and an interrupt exits 1. fail prints "FAIL: ..." and exits 1.
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
RAW="/usr/bin/python3 $HERE/rawclient.py"
TMP=$(mktemp -d)
PID=
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; fi; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
