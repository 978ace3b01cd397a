#!/usr/bin/env python3
"""Two orbscreen results folders hold the same results: orbscreen.json equal
apart from timings and the run's command line and date, orbscreen.csv equal
apart from wall_s, orbitals.svg and every Molden file byte-identical, the
journals the same lines (apart from wall_s) in any order.
usage: results_same.py DIR_A DIR_B   (exit 0 when the same; differences printed)"""
import json
import os
import sys

RUN_VARIES = {"command_line", "date", "wall_s", "threads"}


def load_json(d):
    with open(os.path.join(d, "orbscreen.json")) as f:
        doc = json.load(f)
    for k in RUN_VARIES:
        doc.pop(k, None)
    for m in doc["molecules"]:
        m.pop("wall_s", None)
    return doc


def csv_rows(d):
    with open(os.path.join(d, "orbscreen.csv")) as f:
        rows = [line.rstrip("\n").split(",") for line in f]
    col = rows[0].index("wall_s")
    return [r[:col] + r[col + 1:] for r in rows]


def journal(d):
    out = []
    with open(os.path.join(d, "orbscreen.jsonl")) as f:
        for line in f:
            m = json.loads(line)
            m.pop("wall_s", None)
            out.append(json.dumps(m, sort_keys=True))
    return sorted(out)


def raw(d, name):
    with open(os.path.join(d, name), "rb") as f:
        return f.read()


def main(a, b):
    bad = []
    ja, jb = load_json(a), load_json(b)
    if ja != jb:
        for i, (x, y) in enumerate(zip(ja["molecules"], jb["molecules"])):
            if x != y:
                bad.append("orbscreen.json molecule %d differs: %s" % (i, sorted(k for k in x if x.get(k) != y.get(k))))
        if len(ja["molecules"]) != len(jb["molecules"]):
            bad.append("orbscreen.json: %d vs %d molecules" % (len(ja["molecules"]), len(jb["molecules"])))
        if not bad:
            bad.append("orbscreen.json run fields differ")
    if csv_rows(a) != csv_rows(b):
        bad.append("orbscreen.csv differs")
    if journal(a) != journal(b):
        bad.append("orbscreen.jsonl differs")
    if raw(a, "orbitals.svg") != raw(b, "orbitals.svg"):
        bad.append("orbitals.svg differs")
    ma = sorted(n for n in os.listdir(a) if n.endswith(".molden"))
    mb = sorted(n for n in os.listdir(b) if n.endswith(".molden"))
    if ma != mb:
        bad.append("Molden files: %s vs %s" % (ma, mb))
    for n in set(ma) & set(mb):
        if raw(a, n) != raw(b, n):
            bad.append(n + " differs")
    for line in bad:
        print("results_same: " + line)
    print("results_same: %s and %s: %s (%d molecules)" % (a, b, "same" if not bad else "DIFFERENT", len(ja["molecules"])))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
