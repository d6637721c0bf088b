#!/bin/sh
# run_autograder_here.sh ASYNCLAB EX DIR — Gradescope's entry point, run on
# this machine: `asynclab classroom gradescope EX` makes the zip, and its
# run_autograder runs with /autograder moved to DIR/autograder (the tree
# being this asynclab's own build: DIR/autograder/source/asynclab/build is a
# link to it). The submission folder is DIR/autograder/submission (made
# empty if missing); the grade is in DIR/autograder/results/results.json.
# run_autograder always exits 0, as Gradescope wants; so does this.
set -eu
AL=$1 EX=$2 DIR=$3
AG="$DIR/autograder"
mkdir -p "$AG/source/asynclab" "$AG/submission"
ln -sfn "$(dirname "$(dirname "$AL")")" "$AG/source/asynclab/build"   # .../build/tui/asynclab
"$AL" classroom gradescope "$EX" -o "$DIR/autograder.zip" >/dev/null
/usr/bin/python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("run_autograder").decode())' \
    "$DIR/autograder.zip" | sed "s|/autograder|$AG|g" >"$AG/run_autograder"
exec bash "$AG/run_autograder"
