"""grade_check.py — checks the grade_*.sh integration tests share.

Run with /usr/bin/python3 (standard library only). Each function raises
SystemExit with a message that says what is wrong.

  check_gradescope(path)       results.json against Gradescope's schema
  check_junit(path, n)         JUnit XML: parses, n testcases
  check_csv(path, n)           CSV: header and n rows
  manifest(ex_dir)             an exercise.ini as {"exercise": {...}, "tests": {name: {...}}}
  results_by_test(path)        {(exercise_id, test): (status_word, score, max, output)}
"""
import csv
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}


def fail(msg):
    sys.exit("FAIL: " + msg)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_keys(obj, where, keys):
    """Every (key, kind) of keys is in obj, of that kind ("number": int or
    float, not bool; else a type)."""
    for key, kind in keys:
        if key not in obj:
            fail(f"{where}: key '{key}' is missing")
        ok = is_number(obj[key]) if kind == "number" else isinstance(obj[key], kind)
        if not ok:
            fail(f"{where}: '{key}' has the wrong type ({type(obj[key]).__name__})")


def check_gradescope(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: not valid JSON: {e}")
    if not isinstance(data, dict):
        fail(f"{path}: the top level is not an object")
    check_keys(data, f"{path}: top-level", (("score", "number"), ("execution_time", "number"),
                                             ("output", str), ("tests", list)))
    if data["execution_time"] < 0:
        fail(f"{path}: negative execution_time")
    for key in ("visibility", "stdout_visibility"):
        if key in data and data[key] not in VISIBILITY:
            fail(f"{path}: top-level {key} '{data[key]}' is not one of {sorted(VISIBILITY)}")
    numbers = set()
    total = 0.0
    for i, t in enumerate(data["tests"]):
        where = f"{path}: tests[{i}]"
        if not isinstance(t, dict):
            fail(f"{where} is not an object")
        check_keys(t, where, (("name", str), ("number", str), ("score", "number"),
                              ("max_score", "number"), ("status", str), ("output", str),
                              ("visibility", str)))
        if t["status"] not in ("passed", "failed"):
            fail(f"{where}: status '{t['status']}' is not passed or failed")
        if t["visibility"] not in VISIBILITY:
            fail(f"{where}: visibility '{t['visibility']}' is not one of {sorted(VISIBILITY)}")
        if not 0 <= t["score"] <= t["max_score"]:
            fail(f"{where}: score {t['score']} outside 0..{t['max_score']}")
        if (t["status"] == "passed") != (t["score"] == t["max_score"]):
            fail(f"{where}: status {t['status']} with {t['score']} of {t['max_score']} points")
        if not re.fullmatch(r"\d+\.\d+", t["number"]):
            fail(f"{where}: number '{t['number']}' is not like '3.2'")
        if t["number"] in numbers:
            fail(f"{where}: number '{t['number']}' is used twice")
        numbers.add(t["number"])
        if "tags" in t and not (isinstance(t["tags"], list) and all(isinstance(x, str) for x in t["tags"])):
            fail(f"{where}: tags is not a list of strings")
        total += t["score"]
    if abs(total - data["score"]) > 1e-9:
        fail(f"{path}: the top-level score {data['score']} is not the sum of the tests' ({total})")
    return data


def check_junit(path, n):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        fail(f"{path}: not valid XML: {e}")
    if root.tag != "testsuites":
        fail(f"{path}: the root is <{root.tag}>, expected <testsuites>")
    cases = root.findall("./testsuite/testcase")
    if len(cases) != n:
        fail(f"{path}: {len(cases)} testcases, expected {n}")
    for suite in root.findall("testsuite"):
        bad = len(suite.findall("testcase/failure")) + len(suite.findall("testcase/error"))
        bad += len(suite.findall("testcase/skipped"))
        declared = sum(int(suite.get(k, "0")) for k in ("failures", "errors", "skipped"))
        if bad != declared:
            fail(f"{path}: suite {suite.get('name')} declares {declared} problems, holds {bad}")
    return root


def check_csv(path, n):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0][:6] != ["exercise", "number", "test", "points", "max_points", "status"]:
        fail(f"{path}: unexpected header {rows[:1]}")
    if len(rows) - 1 != n:
        fail(f"{path}: {len(rows) - 1} rows, expected {n}")
    for r in rows[1:]:
        if len(r) != len(rows[0]):
            fail(f"{path}: a row has {len(r)} fields, the header {len(rows[0])}")
    return rows


def manifest(ex_dir):
    """The manifest dialect is a subset of what this parser reads."""
    out = {"exercise": {}, "tests": {}}
    section = None
    with open(os.path.join(ex_dir, "exercise.ini"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            m = re.fullmatch(r"\[(\w+)(?:\s+(\w+))?\]", line)
            if m:
                section = out["exercise"] if m.group(1) == "exercise" else out["tests"].setdefault(m.group(2), {})
                continue
            key, _, value = line.partition("=")
            section[key.strip()] = value.strip()
    return out


def results_by_test(path):
    data = check_gradescope(path)
    out = {}
    for t in data["tests"]:
        ex, _, name = t["name"].partition(": ")
        result = next((x for x in t.get("tags", []) if x in ("PASS", "FAIL", "CRASH", "TIMEOUT", "NOT RUN")), "?")
        out[(ex, name)] = (result, t["score"], t["max_score"], t["output"])
    return out
