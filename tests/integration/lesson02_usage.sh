#!/bin/sh
# lesson02_usage.sh — the command line of lesson 2's select() and poll()
# servers: --help prints usage and exits 0; an unknown flag or a bad value
# is a clear message and exit 2.
set -eu
BUILD=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for kind in select poll; do
  NAME=lesson02_${kind}_server
  SERVER=$BUILD/lessons/02-select/$NAME
  "$SERVER" --help >"$TMP/out" || fail "$NAME --help exited $?"
  grep -q "^usage: $NAME \[--port N\] \[--max-connections N\] \[--high-fd\]$" "$TMP/out" ||
    fail "$NAME --help printed: $(cat "$TMP/out")"
  grep -q "single $kind()" "$TMP/out" || fail "$NAME --help does not name $kind()"

  for args in "--bogus|$NAME: unknown option '--bogus' (try --help)" \
              "--port 0|$NAME: --port needs a number from 1 to 65535, not '0'" \
              "--port|$NAME: missing value after '--port' (try --help)" \
              "--max-connections -3|$NAME: --max-connections needs a number from 1 to 1000000000, not '-3'"; do
    flags=${args%%|*}
    message=${args#*|}
    status=0
    # shellcheck disable=SC2086 # the flags are meant to split
    "$SERVER" $flags >"$TMP/out" 2>"$TMP/err" || status=$?
    [ "$status" -eq 2 ] || fail "$NAME $flags exited $status, expected 2"
    [ "$(cat "$TMP/err")" = "$message" ] || fail "$NAME $flags said '$(cat "$TMP/err")', expected '$message'"
  done
  echo "ok: $NAME --help and bad flags"
done
