#!/usr/bin/env python3
"""The scripts a document shows are the files users run: each FILE appears,
byte for byte, as one ```sh block of DOC (docs/cluster.md shows
tools/slurm/*.sh, which were run under Slurm as they are).
usage: docs_scripts.py DOC FILE...   (exit 0 when every FILE is there)"""
import os
import re
import sys


def main(doc, files):
    with open(doc) as f:
        blocks = set(re.findall(r"^```sh\n(.*?)^```$", f.read(), re.S | re.M))
    bad = 0
    for path in files:
        with open(path) as f:
            text = f.read()
        there = text in blocks
        bad += not there
        print("%s %s in %s" % ("PASS" if there else "FAIL", os.path.basename(path),
                               os.path.basename(doc) + (" verbatim" if there else ": no block is this file")))
    return 1 if bad or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
