#!/bin/sh
# http_bench_smoke.sh — tests/bench/http_bench.sh keeps working: one tiny
# run (1 s per server and client, no 10k check, no tracing run) of the
# servers issue 15 compares: ours, ours-epoll, ours-uring (where the kernel
# allows io_uring) and nginx, under wrk and asynclab load, then each server
# alone under strace. Nothing here is timed: the checks are that every
# server was measured under both clients with every request answered 2xx, that
# the JSON has the issue-15 targets with their ratios, and what the system
# call counts say about the two kinds of server, which do not depend on
# speed: a readiness server makes a recv and a send per request (two or
# more calls), the uring server hands them to the ring (well under one).
# Usage: sh http_bench_smoke.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"
BENCH="$(dirname "$0")/../bench/http_bench.sh"
N=4000   # requests counted under strace: start-up calls add ~0.1 per request

SERVERS="ours ours-epoll nginx"
case " ${AL_BACKENDS:-uring} " in *" uring "*) SERVERS="ours ours-epoll ours-uring nginx" ;; esac
only=$(echo "$SERVERS" | tr ' ' ',')

# strace and LeakSanitizer cannot both trace a process (the ASan build):
# leaks are the other tests' business.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    sh "$BENCH" "$BUILD" --duration 1 --runs 1 --only "$only" --skip-c10k --skip-trace \
    --strace "$N" --json "$TMP/bench.json" >"$TMP/out.txt" 2>&1
rc=$?
check "http_bench.sh exits 0 (it exited $rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || { tail -30 "$TMP/out.txt"; exit 1; }

for s in $SERVERS; do
    check "the table has $s @wrk and $s @load" \
        sh -c "grep -q '^$s @wrk ' '$TMP/out.txt' && grep -q '^$s @load ' '$TMP/out.txt'"
done

$PY - "$TMP/bench.json" $SERVERS <<'PY' || FAILED=$((FAILED + 1))
import json, sys
report, names = json.load(open(sys.argv[1])), sys.argv[2:]
bad = []
for name in names:
    for key in (name, name + "@load"):
        s = report["servers"].get(key)
        if not s:
            bad.append("no figures for %s" % key)
        elif not s["median_rps"] > 0 or not s["cpu_us_per_request"] > 0:
            bad.append("%s: req/s %s, CPU/request %s" % (key, s["median_rps"], s["cpu_us_per_request"]))
        elif any(r["non_2xx"] for r in s["runs"]):
            bad.append("%s: answers that were not 2xx (or load's errors): %s"
                       % (key, [r["non_2xx"] for r in s["runs"]]))
    calls = report.get("syscalls", {}).get(name)
    if not calls or calls["requests"] < 4000:
        bad.append("%s: no system call count over 4000 requests (%s)" % (name, calls))
    elif name == "ours-uring" and not calls["per_request"] < 0.5:
        bad.append("ours-uring: %.3f system calls per request, expected well under 1 (the ring "
                   "does the recv and send): %s" % (calls["per_request"], calls["top"]))
    elif name != "ours-uring" and not calls["per_request"] >= 2.0:
        bad.append("%s: %.3f system calls per request, expected a recv and a send each: %s"
                   % (name, calls["per_request"], calls["top"]))
if "ours-uring" in names:
    for t in ("uring_rps_vs_nginx", "uring_rps_vs_nginx_load", "uring_cpu_vs_nginx", "uring_cpu_vs_nginx_load"):
        v = report["targets"].get(t)
        if not v or not v.get("ratio", 0) > 0 or "target" not in v:
            bad.append("target %s: %s" % (t, v))
for b in bad:
    print("FAIL " + b)
if not bad:
    print("ok   every server measured under both clients; system calls per request: " +
          ", ".join("%s %.3f" % (n, report["syscalls"][n]["per_request"]) for n in names))
sys.exit(1 if bad else 0)
PY
exit "$FAILED"
