#!/bin/sh
# lesson01_usage.sh — lesson 1's command line: --help prints usage and
# exits 0; an unknown flag or a bad value is a clear message and exit 2.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"
SERVER=$BUILD/lessons/01-blocking-socket/lesson01_blocking_server

"$SERVER" --help >"$TMP/out" || fail "--help exited $?"
grep -q '^usage: lesson01_blocking_server \[--port N\]' "$TMP/out" || fail "--help printed: $(cat "$TMP/out")"
grep -q -- '--max-connections N' "$TMP/out" || fail "--help does not mention --max-connections"

expect_usage_error() {
  message=$1
  shift
  status=0
  "$SERVER" "$@" >"$TMP/out" 2>"$TMP/err" || status=$?
  [ "$status" -eq 2 ] || fail "'$*' exited $status, expected 2"
  [ "$(cat "$TMP/err")" = "$message" ] || fail "'$*' said '$(cat "$TMP/err")', expected '$message'"
  [ ! -s "$TMP/out" ] || fail "'$*' wrote to stdout"
}
expect_usage_error "lesson01_blocking_server: unknown option '--bogus' (try --help)" --bogus
expect_usage_error "lesson01_blocking_server: --port needs a number from 1 to 65535, not 'http'" --port http
expect_usage_error "lesson01_blocking_server: --port needs a number from 1 to 65535, not '70000'" --port 70000
expect_usage_error "lesson01_blocking_server: missing value after '--max-connections' (try --help)" --max-connections
echo "ok: --help and bad flags"
