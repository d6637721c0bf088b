"""drop_slow.py — a trace (JSON lines) without the "slow" events load may add.

    python3 drop_slow.py TRACE [--keep NAME_PREFIX] > FILTERED

The loop times every step in real time, even on the virtual clock, so on a
loaded machine any step may pass the 100 ms line and leave a "slow" event.
A test that compares a whole timeline with a golden one reads it through
this filter. --keep: the slow events of the tasks whose names start with
NAME_PREFIX stay (the steps that block on purpose, which the picture must
show). The other lines are copied byte for byte.
"""
import json
import sys


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--keep"):
        sys.exit("usage: drop_slow.py TRACE [--keep NAME_PREFIX]")
    keep = argv[3] if len(argv) == 4 else None
    kept_tasks = set()
    with open(argv[1]) as f:
        for line in f:
            e = json.loads(line)
            if e["ev"] == "spawn" and keep is not None and e["name"].startswith(keep):
                kept_tasks.add(e["task"])
            if e["ev"] == "slow" and e.get("task") not in kept_tasks:
                continue
            sys.stdout.write(line)


if __name__ == "__main__":
    main(sys.argv)
