#!/bin/sh
# grade_private_tree.sh — the grader works from a checkout nobody else may
# read (issue 11). On a fresh Debian the checkout is often in root's home,
# mode 0700, and the compile and the tests run as a private unprivileged uid
# (grade.c) that cannot even enter it. Here a copy of what grading needs
# (exercises, the runner's header, the core's headers, the built library and
# asynclab itself) sits in a 0700 directory, written with umask 077: every
# reference solution must still score full marks, and the copy's
# permissions must be as they were (the grader stages, it does not widen).
set -eu
BUILD=$1
SRC=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
    echo "skip: only root grades as another user, so only root can meet an unreadable checkout"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
umask 077
HOME_DIR=$T/home
mkdir "$HOME_DIR"
mkdir -p "$HOME_DIR/src/tests" "$HOME_DIR/src/core" "$HOME_DIR/build/core" "$HOME_DIR/build/tui"
cp -R "$SRC/exercises" "$HOME_DIR/src/"
cp -R "$SRC/tests/runner" "$HOME_DIR/src/tests/"
cp -R "$SRC/core/include" "$HOME_DIR/src/core/"
cp "$BUILD/core/libasynclab_core.a" "$HOME_DIR/build/core/"
[ ! -f "$BUILD/libllhttp.a" ] || cp "$BUILD/libllhttp.a" "$HOME_DIR/build/"
# asynclab finds its build directory from its own location (BUILD/tui/asynclab).
cp "$BUILD/tui/asynclab" "$HOME_DIR/build/tui/"
AL=$HOME_DIR/build/tui/asynclab
before=$(stat -c '%a' "$HOME_DIR" "$HOME_DIR/src/exercises/common/answer.h" \
         "$HOME_DIR/build/core/libasynclab_core.a" | tr '\n' ' ')
[ "$before" = "700 600 600 " ] || { echo "FAIL: the setup is not private: $before" >&2; exit 1; }

export XDG_DATA_HOME="$T/xdg"
if ! ASYNCLAB_SOURCE_DIR="$HOME_DIR/src" "$AL" grade all --solution --csv="$T/r.csv" \
        >"$T/out.txt" 2>&1; then
    cat "$T/out.txt"
    echo "FAIL: the references do not all pass when the checkout is private (mode 0700)" >&2
    exit 1
fi
# Every exercise was graded and every one of its tests passed with full
# points (not just "no test failed").
exercises=$(ls -d "$HOME_DIR"/src/exercises/[0-9][0-9]-* | wc -l)
/usr/bin/python3 - "$T/r.csv" "$exercises" <<'END'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
short = [f"{r['exercise']}:{r['test']} {r['status']} {r['points']}/{r['max_points']}"
         for r in rows if r["status"] != "PASS" or float(r["points"]) != float(r["max_points"])]
graded = {r["exercise"] for r in rows}
if short or len(graded) != int(sys.argv[2]) or len(rows) < 10:
    sys.exit(f"FAIL: {len(graded)} of {sys.argv[2]} exercises graded, {len(rows)} tests; "
             f"not full marks: {', '.join(short) or 'none'}")
print(f"{len(graded)} exercises, {len(rows)} tests, full marks")
END
after=$(stat -c '%a' "$HOME_DIR" "$HOME_DIR/src/exercises/common/answer.h" \
        "$HOME_DIR/build/core/libasynclab_core.a" | tr '\n' ' ')
[ "$after" = "$before" ] || { echo "FAIL: grading changed the checkout's modes: $before-> $after" >&2; exit 1; }
echo "ok: the reference solutions grade to full marks from a 0700 checkout, its modes untouched"
