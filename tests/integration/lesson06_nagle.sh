#!/bin/sh
# lesson06_nagle.sh — lesson 6's Nagle/delayed-ACK demo (nagle.c). What is
# asserted is the mechanism, read from the kernel (SIOCOUTQNSD: bytes still
# unsent right after the second small write), not a time:
#   - Nagle on: the second piece is held back in at least half the rounds
#     (it waits for the ACK of the first, which the receiver delays);
#   - TCP_NODELAY: never held back;
# the times are printed as measured. --verbose prints one line per round;
# bad flags are refused.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"
PROG=$BUILD/lessons/06-json-server/nagle
fail() { echo "FAIL: $*" >&2; cat "$TMP/out" >&2; exit 1; }   # with what the program said

timeout 60 "$PROG" >"$TMP/out" 2>&1 || fail "exit $?"
cat "$TMP/out"
held=$(sed -n 's/^Nagle on (the default): \([0-9]*\) of 20 rounds held the second write back; [0-9]* took over 20 ms; median [0-9.]* ms$/\1/p' "$TMP/out")
[ -n "$held" ] && [ "$held" -ge 10 ] || fail "Nagle on: expected the second write held back in at least 10 of 20 rounds, got '$held'"
grep -Eq '^TCP_NODELAY: 0 of 20 rounds held the second write back; [0-9]+ took over 20 ms; median [0-9.]+ ms$' "$TMP/out" ||
  fail "TCP_NODELAY: a write was held back"

timeout 60 "$PROG" --verbose --only nagle --rounds 8 >"$TMP/out" 2>&1 || fail "--verbose: exit $?"
[ "$(grep -Ec '^Nagle on \(the default\) round +[1-8]: +[0-9.]+ ms, (0|8) bytes held back after the second write$' "$TMP/out")" -eq 8 ] ||
  fail "--verbose: expected 8 round lines"
! grep -q '^TCP_NODELAY' "$TMP/out" || fail "--only nagle ran TCP_NODELAY too"

status=0
"$PROG" --rounds 0 >"$TMP/out" 2>&1 || status=$?
[ "$status" -eq 2 ] && grep -q "^nagle: --rounds wants 1 to 1000, got '0'$" "$TMP/out" || fail "--rounds 0: exit $status"
echo "ok: lesson 6 Nagle and delayed ACK"
