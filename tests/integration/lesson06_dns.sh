#!/bin/sh
# lesson06_dns.sh — lesson 6's DNS demo (dns.c): the HTTP client's
# getaddrinfo("localhost") (from /etc/hosts, no network) inline or offloaded,
# with a simulated slow resolver (--slow-dns 0.3). From the trace:
#   - inline: the resolve task's lookup step is one step, no ticker event
#     happens inside it, and the loop records it as "slow" (>= 300 ms: the
#     step sleeps that long by construction);
#   - offloaded (default and uv backends): the resolve task suspends while the
#     worker looks up, and the ticker runs during that wait;
#   - both resolve localhost to 127.0.0.1; bad flags are refused.
set -eu
PYTHONPATH="$(dirname "$0")/lib" /usr/bin/python3 - "$1/lessons/06-json-server/dns" <<'END'
import re, subprocess, sys
from traced_run import PROG, expect, run_traced

def run(*args):
    out, events = run_traced(PROG, args, timeout=60)
    expect(re.search(r"^resolve: localhost -> 127\.0\.0\.1, the lookup took [0-9.]+ ms", out, re.M),
           f"{args}: not resolved: {out!r}")
    return out, events

def ids(ev):
    return {e["name"]: e["task"] for e in ev if e["ev"] == "spawn"}

# inline: the lookup is the resolve task's last step
out, ev = run("--slow-dns", "0.3")
t = ids(ev)
last_resume = max(i for i, e in enumerate(ev) if e["ev"] == "resume" and e["task"] == t["resolve"])
exit_at = next(i for i, e in enumerate(ev) if e["ev"] == "exit" and e["task"] == t["resolve"])
inside = [e for e in ev[last_resume:exit_at] if e.get("task") == t["ticker"]]
expect(not inside, f"inline: the ticker ran during the lookup: {inside}")
slow = [e for e in ev if e["ev"] == "slow" and e["task"] == t["resolve"]]
expect(slow and slow[0]["us"] >= 300000, f"inline: no slow step of >= 300 ms for resolve: {slow}")
gap = float(re.search(r"longest gap between two was ([0-9.]+) ms", out)[1])
expect(gap >= 300, f"inline: the ticker's longest gap {gap} ms, the lookup blocked for 300")
expect("(inline: the loop waited)" in out, out)

for backend in (None, "uv"):   # None: the README's command, on the default backend
    out, ev = run("--slow-dns", "0.3", "--offload", *(["--backend", backend] if backend else []))
    t = ids(ev)
    sus = [i for i, e in enumerate(ev) if e["ev"] == "suspend" and e["task"] == t["resolve"]]
    expect(len(sus) == 2, f"{backend}: resolve should wait twice (its 50 ms sleep, the worker): {len(sus)}")
    woke = next(i for i, e in enumerate(ev) if i > sus[1] and e["ev"] == "ready" and e["task"] == t["resolve"])
    ticks = [e for e in ev[sus[1]:woke] if e["ev"] == "resume" and e["task"] == t["ticker"]]
    expect(ticks, f"{backend}: the ticker did not run while the lookup was offloaded")
    expect(not [e for e in ev if e["ev"] == "slow" and e["task"] == t["resolve"] and e["us"] >= 300000],
           f"{backend}: the offloaded lookup held the loop")
    expect("(on a worker thread: the loop went on)" in out, out)

out, ev = run()   # the README's plain run: a real lookup of localhost, inline
for bad in (["--slow-dns", "x"], ["--bogus"]):
    p = subprocess.run([PROG, *bad], capture_output=True, text=True, timeout=10)
    expect(p.returncode == 2 and "dns: " in p.stderr, f"{bad}: {p.returncode} {p.stderr!r}")
print("ok: lesson 6 DNS inline and offloaded")
END
