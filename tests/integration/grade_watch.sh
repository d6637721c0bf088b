#!/bin/sh
# grade_watch.sh — `asynclab watch 4` grades at once, grades again after
# every save (with inotify, and with --poll), notices a save made by
# rename (as editors do), and stops on `q` and on SIGINT. Every wait is
# bounded; the watcher is killed by the trap if anything goes wrong.
set -eu
. "$(dirname "$0")/lib/grade_env.sh" "$1"

/usr/bin/python3 - "$AL" "$SRC/exercises/04-generators" "$T" <<'END'
import os, signal, subprocess, sys, time
AL, EX, T = sys.argv[1:]
solution = open(f"{EX}/solution/generators.c").read()
starter = open(f"{EX}/starter/generators.c").read()
half = solution.replace("AL_GEN_YIELD(g, f->i);", "AL_GEN_YIELD(g, f->i + 1);")

def wait_for(path, text, count, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if open(path, errors="replace").read().count(text) >= count:
            return
        time.sleep(0.05)
    sys.exit(f"FAIL: '{text}' did not appear {count} time(s) within {seconds} s:\n"
             + open(path, errors="replace").read()[-3000:])

def save(path, text, by_rename):
    if by_rename:
        with open(path + ".swp", "w") as f:
            f.write(text)
        os.replace(path + ".swp", path)
    else:
        with open(path, "w") as f:
            f.write(text)

for mode, args in (("inotify", []), ("poll", ["--poll", "--interval", "100"])):
    work = f"{T}/{mode}"
    os.makedirs(work)
    src = f"{work}/generators.c"
    save(src, starter, False)
    out = f"{T}/{mode}.out"
    with open(out, "w") as f:
        p = subprocess.Popen([AL, "watch", "4", "--src", work, *args], stdin=subprocess.PIPE,
                             stdout=f, stderr=subprocess.STDOUT)
    try:
        wait_for(out, "0 passed, 10 failed", 1)
        save(src, solution, mode == "inotify")
        wait_for(out, "10 passed, 0 failed", 1)
        save(src, half, False)
        wait_for(out, "7 passed, 3 failed", 1)
        # Unrelated files in the folder do not trigger a grade.
        open(f"{work}/notes.txt", "w").write("x")
        time.sleep(0.6)
        grades = open(out).read().count("==== ")
        if grades != 3:
            sys.exit(f"FAIL: {mode}: expected 3 grades, saw {grades}")
        p.stdin.write(b"q")
        p.stdin.flush()
        rc = p.wait(timeout=20)
        if rc != 0 or "stopped" not in open(out).read():
            sys.exit(f"FAIL: {mode}: 'q' should stop the watch with status 0, got {rc}")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    print(f"ok: watch ({mode}) graded 3 times and stopped on q")

# SIGINT stops it too, even in the middle of waiting.
out = f"{T}/sigint.out"
with open(out, "w") as f:
    p = subprocess.Popen([AL, "watch", "4", "--src", f"{T}/poll"], stdin=subprocess.PIPE,
                         stdout=f, stderr=subprocess.STDOUT)
try:
    wait_for(out, "passed,", 1)
    p.send_signal(signal.SIGINT)
    rc = p.wait(timeout=20)
    if rc != 0:
        sys.exit(f"FAIL: SIGINT should stop the watch with status 0, got {rc}")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
print("ok: watch stops on SIGINT")
END
