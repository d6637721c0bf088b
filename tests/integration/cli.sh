#!/bin/sh
# The asynclab command: help lists only working commands, bad input is named
# and exits 2, the lab lists the lessons, bench core --json is one JSON object;
# every command reads its options the same way (tui/cli/cli_opts.h): --opt=value
# and --opt value alike, an unknown option, a missing value or a value given
# to a flag is exit 2 with a message naming the option.
set -u
A="$1/tui/asynclab"
. "$(dirname "$0")/lib/cli_check.sh"   # check DESCRIPTION STATUS PATTERN -- command...
check "help lists lesson"            0 "^  lesson +run a lesson" -- "$A" --help
check "help lists bench"             0 "^  bench +measure the core" -- "$A" --help
check "unknown command"              2 "unknown command 'frobnicate'" -- "$A" frobnicate
check "lesson without a number"      2 "usage: asynclab lesson N" -- "$A" lesson
check "lesson that does not exist"   2 "there is no lesson 42" -- "$A" lesson 42
check "lesson number that is not"    2 "lesson number expects a whole number" -- "$A" lesson one
check "bench without a name"         2 "usage: asynclab bench core" -- "$A" bench
check "bench unknown"                2 "unknown benchmark 'disk'" -- "$A" bench disk
check "bench bad option"             2 "unknown option '--fast'" -- "$A" bench core --fast
check "lab lists lesson 1"           0 "^ +1  " -- "$A" </dev/null
check "lesson --list"                0 "^ +1  " -- "$A" lesson --list

# One way to read a command line. Each value-taking option is shown taken in
# both spellings by getting past it to the command's next, later complaint
# (an option refused would say "unknown option" instead).
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf '{"v":1,"ev":"hello","t":0}\n{"t":1,"ev":"spawn","task":1,"name":"a"}\n' >"$TMP/t.jsonl"
both() {  # both DESCRIPTION PATTERN COMMAND OPTION VALUE ARGS...: --opt=value and --opt value
    desc=$1 pattern=$2 cmd=$3 opt=$4 val=$5
    shift 5
    check "$desc ($opt=$val)" 2 "$pattern" -- "$A" "$cmd" "$opt=$val" "$@"
    check "$desc ($opt $val)" 2 "$pattern" -- "$A" "$cmd" "$opt" "$val" "$@"
}
both "load --timeout"     "^asynclab load: which URL"            load --timeout 5
check "load -c 3 (a short option's value: the next word)" 2 "^asynclab load: which URL" -- "$A" load -c 3
both "load --trace"       "^asynclab load: -n and -d exclude"    load --trace "$TMP/x" http://127.0.0.1:1/ -n 1 -d 1
both "check --clients"    "^asynclab check: which URL"           check --clients 3
both "check --sleep-path" "^asynclab check: which URL"           check --sleep-path /s
both "compare --clients"  "^asynclab compare: --path 'x' is not a path" compare --clients 2 --path=x
both "compare --with"     "^asynclab compare: --path 'x' is not a path" compare --with "a=b {port}" --path x
both "view --max-events"  "^asynclab view: what to show"         view --max-events 5
both "view --record"      "^asynclab view: --record and --step are for a live program" view --record "$TMP/r" "$TMP/t.jsonl"
both "timeline --width"   "^asynclab timeline: one trace at a time" timeline --width 80 "$TMP/t.jsonl" "$TMP/t.jsonl"
both "export --svg"       "^asynclab export: --perfetto and --svg name the same file" export --svg "$TMP/o" "$TMP/t.jsonl" --perfetto "$TMP/o"
both "export --svg-width" "^asynclab export: say what to write"  export --svg-width 400 "$TMP/t.jsonl"
both "grade --jobs"       "^asynclab grade: no exercise '99'"    grade --jobs 2 99
both "grade --src"        "^asynclab grade: --solution and --src exclude" grade --src /tmp 1 --solution
both "classroom --out"    "^asynclab classroom: which exercise"  classroom --out "$TMP/a.zip" gradescope
both "classroom --tests"  "^asynclab classroom: which platform"  classroom --tests "$TMP"
both "watch --interval"   "^asynclab watch: no exercise '99'"    watch --interval 100 99
both "watch --src"        "^asynclab watch: .*is not a folder"   watch --src "$TMP/none" 4
check "grade -j2 (a short option's attached value)" 2 "^asynclab grade: no exercise '99'" -- "$A" grade -j2 99
both "serve --port"       "^asynclab serve: unknown backend 'nope'" serve --port 0 --backend nope
both "serve --upstream-timeout" "^asynclab serve: unknown backend 'nope'" serve --upstream-timeout 2 --backend=nope
check "serve --status out of range"    2 "^asynclab serve: --status expects a whole number from 200 to 599" -- "$A" serve --status=99
# Unknown options, whatever the command.
for cmd in lesson view timeline export load compare check start grade classroom watch hint progress serve "bench core"; do
    # shellcheck disable=SC2086
    check "$cmd --bogus" 2 "^asynclab ${cmd%% *}: unknown option '--bogus'" -- "$A" $cmd --bogus
done
check "an abbreviation is refused"     2 "^asynclab load: unknown option '--time'" -- "$A" load --time 5 http://127.0.0.1:1/
check "unknown short option"           2 "^asynclab grade: unknown option '-x'" -- "$A" grade -x
# A missing value names the option and what it needs.
check "load --trace without a file"    2 "^asynclab load: --trace needs a file name" -- "$A" load http://127.0.0.1:1/ --trace
check "load --trace= (empty)"          2 "^asynclab load: --trace needs a file name" -- "$A" load http://127.0.0.1:1/ --trace=
check "check --suite without a name"   2 "^asynclab check: --suite needs a name" -- "$A" check --suite
check "compare --with without NAME=CMD" 2 "^asynclab compare: --with needs NAME=CMD" -- "$A" compare --with
check "view --record without a file"   2 "^asynclab view: --record needs a file name" -- "$A" view --record
check "export --perfetto without file" 2 "^asynclab export: --perfetto needs a file name" -- "$A" export "$TMP/t.jsonl" --perfetto
check "grade --json without a file"    2 "^asynclab grade: --json needs a file name" -- "$A" grade 1 --json
check "grade -o without a folder"      2 "^asynclab grade: -o needs a folder" -- "$A" grade 1 --roster "$TMP" -o
check "classroom -o without a file"    2 "^asynclab classroom: -o needs a file name" -- "$A" classroom gradescope 3 -o
check "watch --interval without value" 2 "^asynclab watch: --interval needs a value" -- "$A" watch 4 --interval
check "... and says where help is"     2 "^\(try asynclab watch --help\)" -- "$A" watch 4 --interval
# A flag given a value is refused by name.
check "hint --all=1"                   2 "^asynclab hint: --all takes no value" -- "$A" hint 1 --all=1
check "progress --reset=yes"           2 "^asynclab progress: --reset takes no value" -- "$A" progress --reset=yes
check "lesson --step=1"                2 "^asynclab lesson: --step takes no value" -- "$A" lesson 1 --step=1
check "bench core --quick=x"           2 "^asynclab bench: --quick takes no value" -- "$A" bench core --quick=x
# --json: alone, the report on stdout (below); --json=FILE, into FILE; a FILE
# that cannot be written is named before anything runs (exit 3).
check "bench --json=unwritable"        3 "^asynclab bench: --json=$TMP/no/such: No such file" -- "$A" bench core --quick --json="$TMP/no/such"
"$A" bench core --quick --json="$TMP/bench.json" >"$TMP/bench.out" 2>"$TMP/bench.err"
if [ -s "$TMP/bench.out" ] || ! /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/bench.json"; then
    echo "FAIL bench core --json=FILE: expected the JSON in the file and nothing on stdout"; fail=1
else
    echo "ok   bench core --json=FILE writes the file"
fi
# -- ends the options: what follows is an argument, even if it starts with -
check "grade -- -1"                    2 "^asynclab grade: no exercise '-1'" -- "$A" grade -- -1
check "start -- --x"                   2 "^asynclab start: no exercise '--x'" -- "$A" start -- --x

# bench core --quick --json: one JSON object with every figure (not a speed test)
json=$("$A" bench core --quick --json 2>/dev/null)
if printf '%s' "$json" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
keys = ["stackless_resume_ns", "stackful_switch_ns", "swapcontext_switch_ns", "task_switch_ns",
        "stackless_1m_wall_s", "stackless_1m_bytes_per_task", "stackful_100k_wall_s",
        "stackful_100k_bytes_per_task", "trace_file_ns_per_event", "trace_ring_ns_per_event"]
missing = [k for k in keys if k not in d]
bad = [k for k in keys if k in d and not (isinstance(d[k], (int, float)) and d[k] > 0)]
assert not missing and not bad, (missing, bad)
assert d["quick"] is True
'; then echo "ok   bench core --json"; else echo "FAIL bench core --json: $json"; fail=1; fi
exit $fail
