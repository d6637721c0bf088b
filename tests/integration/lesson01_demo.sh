#!/bin/sh
# lesson01_demo.sh — lesson 1's demo.sh (what `asynclab lesson 1` runs)
# completes and shows what it promises: curl's answer, a fast client that
# had to wait for the slow one (by order: the server read the slow client's
# request first, though the fast one sent its request while the slow one was
# still thinking; how long it waited depends on the machine, so that figure
# is only shown), and a server that survives the SIGPIPE client.
set -eu
. "$(dirname "$0")/lib/demo_env.sh" "$1"

run_demo 01-blocking-socket
grep -q '^curl got: {"Hello": "World"}$' "$TMP/out" || fail "no answer from curl"
WAITED=$(sed -n 's/^fast client: answered after \([0-9.]*\) s (it waited for the slow one)$/\1/p' "$TMP/out")
[ -n "$WAITED" ] || fail "no line about the fast client"
grep -qx 'the server read the requests in this order: slow, then fast' "$TMP/out" ||
  fail "the fast client was not served after the slow one"
grep -q '^the server is still serving$' "$TMP/out" || fail "the SIGPIPE demo did not end well"
grep -q 'send to port [0-9]*: Broken pipe$' "$TMP/out" || fail "no EPIPE in the server's log"
grep -q '^read() returned -1, errno EINTR (Interrupted system call): nothing is wrong, call it again$' "$TMP/out" ||
  fail "no EINTR demo"
echo "ok: lesson 1 demo (the fast client waited $WAITED s)"
