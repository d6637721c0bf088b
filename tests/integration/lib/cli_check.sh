# cli_check.sh — one command line, its exit status and what it says: the
# check of the tests of asynclab's command line (cli.sh, timeline_errors.sh,
# view_usage.sh). Sourced (POSIX sh):
#
#   . "$(dirname "$0")/lib/cli_check.sh"
#   check DESCRIPTION EXPECTED_STATUS PATTERN -- command...
#   exit $fail
#
# The command runs with stdin from /dev/null (nothing may wait for input, and
# the viewer must see that there is no terminal); its stdout and stderr
# together must match the extended regular expression PATTERN. Prints
# "ok   DESCRIPTION", or "FAIL ..." with the first lines of the output and
# sets fail=1.
fail=0
check() {
    desc=$1 want=$2 pattern=$3
    shift 4
    out=$("$@" 2>&1 </dev/null)
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL $desc: expected exit $want, got $got"; echo "$out" | head -5; fail=1; return
    fi
    if ! printf '%s\n' "$out" | grep -qE -- "$pattern"; then
        echo "FAIL $desc: expected output matching /$pattern/, got:"; echo "$out" | head -5; fail=1; return
    fi
    echo "ok   $desc"
}
