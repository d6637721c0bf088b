#!/usr/bin/python3
"""readme_commands.py SRC BUILD [README...] — run every shell command the READMEs show.

Every README.md of the tree (top level, core, lessons, exercises, tests; not
the build directories) is read, and each fenced block marked sh, bash, shell
or console is run as it is written, so that no command a reader is told to
type can drift from what the programs do. New READMEs and new blocks are
picked up as they appear: there is no list of commands here, only the short
list of what cannot run as written, below, each with its reason.

How a block runs
  - In a fresh directory holding links to the source tree's top-level
    entries and `build` -> BUILD, so `build/...`, `lessons/...`,
    `exercises/...` resolve as in a checkout, and whatever a command writes
    (trace.jsonl, ...) lands in that directory. HOME is that directory too
    (grading records progress there). BUILD/tui is first on PATH, for the
    READMEs' bare `asynclab`.
  - In a network namespace of its own (unshare -n, as root; unshare -rn
    otherwise) with only a loopback: the READMEs' fixed ports (8000, 8001,
    9000) are then the block's alone, and no other test, helper or user can
    hold them or be disturbed.
  - By bash with `set -e`: every command must succeed. A block whose lines
    start with "$ " is a transcript: the "$ " lines are the commands, the
    other lines what they print; each must show up in the output, and there
    is no `set -e` (a transcript may show a failure and `echo $?`).
  - A README starts a server with `&` and asks it on the next line, as a
    person would in two terminals. A person waits for it to start; so does
    the test: after a line that puts a program (not curl, not a loop) in the
    background, it waits until a new socket listens in the block's network
    namespace (all of them are the block's), or the program ends, 10 s at
    most. Background jobs still running when the block ends are killed with
    the block's process group.

Exit status: 0 when every block passed, 1 otherwise.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

BLOCK_TIMEOUT = 120

# Lines that cannot run as written, and why. Matched against the command
# with its trailing comment removed.
SKIP = [
    (r"^scripts/install-deps\b",
     "installs Debian packages with apt (root and a network); CI's fresh-Debian job runs it"),
    (r"^scripts/lab\b",
     "installs, builds and opens the interactive lab: the lab is driven under tmux by "
     "view_browser.sh, the build is the one this test runs in"),
    (r"^(scripts/test|ctest)\b", "runs the whole test suite, this test included"),
    (r"^cmake\b",
     "configures or builds the tree: this test runs in the build it would make "
     "(a fresh configure and build is CI's job)"),
]

# A block that belongs to another machine, skipped whole.
SKIP_BLOCK = [
    (r"/autograder/",
     "a Gradescope script: it runs in Gradescope's container (/autograder/...); "
     "grade_cli.sh and grade_schema.sh run its asynclab grade --json"),
]

# Lines run with a change, and why.
REWRITE = [
    (r"^((?:build/tui/)?asynclab lesson \d+)(?!.*--no-tui)(.*)$", r"\1 --no-tui\2",
     "the viewer needs a terminal: --no-tui runs the same demo (view_*.sh drive the "
     "viewer itself under tmux)"),
    (r"^((?:build/tui/)?asynclab watch\b.*)$", r"echo q | \1",
     "watch grades, then waits for q: the test types it"),
    (r"^((?:echo q \| )?(?:build/tui/)?asynclab (?:grade|watch)\b.*)$", r"\1 || [ $? -eq 1 ]",
     "a grade with failing tests exits 1 (the untouched starter fails them all); "
     "2 and more mean it could not grade, and fail here"),
    (r"^((?:cc|gcc|clang)\b.*)/starter/(.*)$", r"\1/solution/\2",
     "compiling a student's code by hand: the reference solution stands in for the "
     "untouched starter, which does nothing yet"),
]

# Put before each block: how many sockets listen (the namespace is the
# block's own), and a wait for one more, while the program started lives.
PRELUDE = """__listeners() { awk '$4 == "0A"' /proc/net/tcp /proc/net/tcp6 2>/dev/null | wc -l; }
__wait_listen() {
    __n=0
    while [ "$(__listeners)" -le "$1" ] && kill -0 "$2" 2>/dev/null && [ $__n -lt 200 ]; do
        sleep 0.05; __n=$((__n + 1))
    done
}
"""
# A line that starts a program in the background: "prog ... &" (maybe
# followed by "name=$!"), not "a && b", not curl, not a loop.
BACKGROUND = re.compile(r"^(?!\s*(?:for|while|curl)\b)(?:\w+=\S+\s+)*\S.*[^&]&(?:\s*\w+=\$!)?\s*$")


def strip_comment(line):
    """The command without its trailing # comment (quotes respected)."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def readmes(src, build):
    skip = {os.path.realpath(build)}
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "build"))
                         and os.path.realpath(os.path.join(root, d)) not in skip)
        if "README.md" in files:
            yield os.path.join(root, "README.md")


def blocks(path):
    """(first line number, indent-stripped lines) of each shell block."""
    fence = re.compile(r"^(\s*)```\s*(\w*)\s*$")
    out, cur, indent, start = [], None, "", 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = fence.match(line)
            if m and cur is None:
                cur, indent, start = ([] if m.group(2) in ("sh", "bash", "shell", "console") else False), m.group(1), n + 1
                continue
            if m and cur is not None:
                if cur is not False:
                    out.append((start, cur))
                cur = None
                continue
            if cur is not None and cur is not False:
                cur.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
    return out


def prepare(lines, where, notes):
    """The block's script (or None when skipped) and its transcript checks."""
    text = "\n".join(lines)
    for pat, why in SKIP_BLOCK:
        if re.search(pat, text):
            notes.append(f"skip {where}: the whole block: {why}")
            return None, []
    joined = []                       # a command continued with "\" is one line
    for l in lines:
        if joined and joined[-1].endswith("\\"):
            joined[-1] = joined[-1][:-1].rstrip() + " " + l.strip()
        else:
            joined.append(l)
    lines = joined
    transcript = any(l.startswith("$ ") for l in lines)
    script, expect = [], []
    for i, raw in enumerate(lines):
        line = raw
        if transcript:
            if not raw.startswith("$ "):
                if raw.strip() and expect:
                    expect[-1][1].append(raw.strip())   # what the command before prints
                continue
            line = raw[2:]
        cmd = strip_comment(line)
        lead = cmd[: len(cmd) - len(cmd.lstrip())]
        body = cmd.lstrip()
        skipped = False
        for pat, why in SKIP:
            if re.search(pat, body):
                notes.append(f"skip {where}+{i}: {body}: {why}")
                skipped = True
                break
        if skipped:
            continue
        for pat, rep, why in REWRITE:
            new = re.sub(pat, rep, body)
            if new != body:
                notes.append(f"run  {where}+{i} as: {new}  ({why})")
                body = new
        waits = bool(BACKGROUND.match(body))
        if waits:
            script.append("__before=$(__listeners)")
        if transcript:
            n = len(expect)
            expect.append((body, []))
            script.append(f'{{ {body}\n}} >"$__OUT/{n}" 2>&1')
        else:
            script.append(lead + body)
        if waits:
            script.append('__wait_listen "$__before" $!')
    if not any(s.strip() for s in script):
        return None, []
    head = [PRELUDE] + (["set -e"] if not transcript else [])
    return "\n".join(head + script) + "\n", expect


def netns_prefix():
    if os.geteuid() == 0:
        return ["unshare", "-n"]
    return ["unshare", "-rn"]


def make_workdir(src, build):
    work = tempfile.mkdtemp(prefix="asynclab-readme.")
    for name in os.listdir(src):
        if name.startswith((".", "build")):
            continue
        os.symlink(os.path.join(src, name), os.path.join(work, name))
    os.symlink(build, os.path.join(work, "build"))
    return work


def fixtures(work, script):
    """Folders the READMEs' examples name as the reader's own: --src DIR and
    --tests DIR that do not exist are made from the exercise's starter/ and
    tests/ (the student's copy, the course's hidden tests), --roster DIR as a
    class of two (one folder holding the starter, one the reference)."""
    for m in re.finditer(r"asynclab (?:grade|classroom gradescope) (\d+)[^\n]*", script):
        ex = m.group(1)
        exdir = next((d for d in sorted(os.listdir(os.path.join(work, "exercises")))
                      if d.startswith(f"{int(ex):02d}-")), None)
        if not exdir:
            continue
        for flag, part in (("--src", "starter"), ("--tests", "tests")):
            f = re.search(flag + r"\s+(\S+)", m.group(0))
            if not f:
                continue
            dest = os.path.join(work, f.group(1).replace("~", work, 1).rstrip("/"))
            if not os.path.exists(dest):
                shutil.copytree(os.path.join(work, "exercises", exdir, part), dest)
        f = re.search(r"--roster\s+(\S+)", m.group(0))
        if f:
            dest = os.path.join(work, f.group(1).replace("~", work, 1).rstrip("/"))
            for student, part in (("ada", "starter"), ("grace", "solution")):
                if not os.path.exists(os.path.join(dest, student)):
                    shutil.copytree(os.path.join(work, "exercises", exdir, part),
                                    os.path.join(dest, student))


def run_block(src, build, script, expect, where):
    work = make_workdir(src, build)
    out_dir = os.path.join(work, ".out")
    os.mkdir(out_dir)
    fixtures(work, script)
    path = os.path.join(work, ".block.sh")
    with open(path, "w") as f:
        f.write(script)
    env = dict(os.environ, HOME=work, __OUT=out_dir,
               PATH=f"{build}/tui:{os.environ.get('PATH', '/usr/bin:/bin')}")
    env.pop("ASYNCLAB_TRACE", None)
    env.pop("ASYNCLAB_STEP", None)
    if "strace" in script:
        # A block that counts system calls runs the programs under ptrace,
        # where LeakSanitizer (in a sanitizer build) cannot run and fails the
        # program at exit; the leak checks are the lesson tests' job.
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS", ""), "detect_leaks=0"]))
    cmd = netns_prefix() + ["sh", "-c", 'ip link set lo up && exec bash "$0"', path]
    # Output to a file, not a pipe: a server left running in the background
    # holds its copy of stdout open long after the block is over.
    log = open(os.path.join(work, ".block.log"), "w+b")
    p = subprocess.Popen(cmd, cwd=work, env=env, stdin=subprocess.DEVNULL,
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        status = p.wait(timeout=BLOCK_TIMEOUT)
    except subprocess.TimeoutExpired:
        status = f"timeout after {BLOCK_TIMEOUT} s"
    try:
        os.killpg(p.pid, signal.SIGKILL)      # and the servers the block left running
    except ProcessLookupError:
        pass
    p.wait()
    log.seek(0)
    output = log.read()
    log.close()
    problems = []
    if status != 0:
        problems.append(f"exit status {status}")
    for n, (cmd_text, lines) in enumerate(expect):
        try:
            got = open(os.path.join(out_dir, str(n)), errors="replace").read()
        except OSError:
            got = ""
        output += f"$ {cmd_text}\n{got}".encode()
        for want in lines:
            if want not in got:
                problems.append(f"'{cmd_text}' did not print '{want}'")
    shutil.rmtree(work, ignore_errors=True)
    return problems, output.decode(errors="replace")


def main(argv):
    src, build = os.path.realpath(argv[1]), os.path.realpath(argv[2])
    only = [os.path.realpath(a) for a in argv[3:]]
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        print("FAIL: needs unshare (util-linux) and ip (iproute2): a network namespace "
              "per block keeps the READMEs' fixed ports private")
        return 1
    probe = subprocess.run(netns_prefix() + ["sh", "-c", "ip link set lo up"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        print("FAIL: cannot make a network namespace with its own loopback "
              f"({' '.join(netns_prefix())}: {probe.stderr.strip()}); the READMEs' fixed "
              "ports would otherwise be shared with every other program on this machine")
        return 1
    failed = ran = 0
    for readme in readmes(src, build):
        if only and os.path.realpath(readme) not in only:
            continue
        rel = os.path.relpath(readme, src)
        for start, lines in blocks(readme):
            where = f"{rel}:{start}"
            notes = []
            script, expect = prepare(lines, where, notes)
            for n in notes:
                print("     " + n)
            if script is None:
                continue
            ran += 1
            problems, output = run_block(src, build, script, expect, where)
            if problems:
                failed += 1
                print(f"FAIL {where}: " + "; ".join(problems))
                print("\n".join("     | " + l for l in output.splitlines()[-40:]))
            else:
                print(f"ok   {where}")
    print(f"{ran} blocks run, {failed} failed")
    if ran == 0:
        print("FAIL: no README block found")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
