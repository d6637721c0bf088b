#!/bin/sh
# roster_bench.sh — how long a class takes: a roster of 100 submissions of
# exercise 3 (copies of the reference and of the known-wrong ones, in turn)
# graded with `asynclab grade 3 --roster DIR -j 2`. A benchmark, not a test:
# run it by hand on a quiet machine.
#
#   sh tests/bench/roster_bench.sh build [N] [JOBS]
#
# Prints the wall time, seconds per submission, and seconds per submission
# per core (wall x JOBS / N): the target of issue 11 is at most 2 s.
set -eu
BUILD=${1:-build}
N=${2:-100}
JOBS=${3:-2}
AL=$BUILD/tui/asynclab
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
EX=$SRC/exercises/03-epoll-server
T=$(mktemp -d)
chmod 711 "$T"
trap 'rm -rf "$T"' EXIT
set -- "$EX/solution" "$EX"/wrong/*/
kinds=$#
i=0
while [ "$i" -lt "$N" ]; do
    k=$((i % kinds + 1))
    eval "from=\${$k}"
    dir=$(printf '%s/roster/s%03d' "$T" "$i")
    mkdir -p "$dir"
    cp "$from"/*.c "$dir/"
    i=$((i + 1))
done
echo "roster_bench: $N submissions of exercise 3 ($kinds kinds: the reference and $((kinds - 1)) known-wrong), -j $JOBS, $(nproc) cores"
start=$(date +%s.%N)
status=0
"$AL" grade 3 --roster "$T/roster" -j "$JOBS" -o "$T/out" >"$T/stdout" 2>"$T/err" || status=$?
end=$(date +%s.%N)
[ "$status" -eq 0 ] || { cat "$T/err"; echo "roster_bench: the grade exited $status" >&2; exit 1; }
sed -n '/^score distribution/,$p' "$T/stdout"
grep "timed out next to others" "$T/err" || true
awk -v s="$start" -v e="$end" -v n="$N" -v j="$JOBS" 'BEGIN {
    w = e - s
    printf "wall %.1f s; %.2f s per submission; %.2f s per submission per core (target <= 2)\n", w, w / n, w * j / n
}'
