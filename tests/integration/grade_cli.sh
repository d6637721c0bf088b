#!/bin/sh
# grade_cli.sh — the command lines of grade, watch, hint and progress:
# --help works, bad usage is exit status 2 with a message naming the
# problem, an unknown exercise lists the real ones.
set -eu
. "$(dirname "$0")/lib/grade_env.sh" "$1"

check() {   # check WANT_STATUS WORDS COMMAND...
    want=$1 words=$2
    shift 2
    status=0
    "$@" >"$T/out.txt" 2>&1 || status=$?
    if [ "$status" -ne "$want" ] || ! grep -q -- "$words" "$T/out.txt"; then
        cat "$T/out.txt"
        echo "FAIL: '$*': expected exit $want and '$words', got exit $status" >&2
        exit 1
    fi
}

check 0 "usage: asynclab grade" "$AL" grade --help
check 0 "usage: asynclab watch" "$AL" watch --help
check 0 "usage: asynclab hint" "$AL" hint --help
check 0 "usage: asynclab progress" "$AL" progress --help
check 0 "grade " "$AL" --help
check 2 "which exercise" "$AL" grade
check 2 "no exercise 'nine'" "$AL" grade nine
check 2 "01-blocking-server" "$AL" grade 42
check 2 "unknown option '--bogus'" "$AL" grade 1 --bogus
check 2 "\-\-json needs a file name" "$AL" grade 1 --json
check 2 "exclude each other" "$AL" grade 1 --solution --src /tmp
check 2 "not a directory" "$AL" grade 1 --tests "$T/none"
check 0 "05-scheduler" "$AL" grade --list
# the list is a table: every row's points in the same column, however long a title
cols=$(awk '{ print index($0, " points") }' "$T/out.txt" | sort -u)
[ "$(echo "$cols" | wc -l)" -eq 1 ] && [ "$cols" -gt 0 ] || { cat "$T/out.txt"; echo "FAIL: grade --list: the points are not in one column" >&2; exit 1; }
# an exercise that requires io_uring says so in the list (tests/unit/test_uring.c
# grades it where io_uring is refused: exit 4, one line, nothing built)
grep -q "07-uring-server .* points  (requires io_uring)$" "$T/out.txt" \
    || { cat "$T/out.txt"; fail "grade --list does not say exercise 7 requires io_uring"; }
[ "$(grep -c "requires" "$T/out.txt")" -eq 1 ] || fail "grade --list: only exercise 7 requires io_uring"
# a manifest that requires what the grader does not know is refused, naming the line
mkdir -p "$T/tree"
for d in lessons tests core; do ln -s "$SRC/$d" "$T/tree/$d"; done
cp -R "$SRC/exercises" "$T/tree/exercises"
sed -i 's/^requires = io_uring$/requires = io_uring kqueue/' "$T/tree/exercises/07-uring-server/exercise.ini"
ASYNCLAB_SOURCE_DIR="$T/tree" check 3 \
    "07-uring-server/exercise.ini:[0-9]*: requires: unknown \"kqueue\" (what can be required: io_uring)" \
    "$AL" grade --list
check 2 "which exercise" "$AL" watch
check 2 "is not a folder" "$AL" watch 4 --src "$T/none"
check 2 "--interval expects" "$AL" watch 4 --interval 0
check 2 "which exercise" "$AL" hint
check 2 "no exercise" "$AL" hint 99
check 2 "unknown option '--x'" "$AL" progress --x
# The exercises cannot be read: every command that needs them exits 3, "could
# not do the job" (tui/cli/exit_codes.h), and says where it looked.
mkdir "$T/empty"
for cmd in "grade 1" "watch 1" "hint 1" "start 1" "classroom gradescope 1 -o $T/x.zip"; do
    # shellcheck disable=SC2086
    ASYNCLAB_SOURCE_DIR="$T/empty" check 3 "$T/empty/exercises: No such file" "$AL" $cmd
done
echo "ok: grade, watch, hint and progress command lines"
