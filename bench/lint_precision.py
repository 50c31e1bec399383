#!/usr/bin/env python3
"""Lint precision on the corpus of bench/lint_corpus/: how many findings are false alarms.

    cargo build --release
    python3 bench/lint_precision.py              # the judged sample and the false-positive rate
    python3 bench/lint_precision.py --template   # also prints the unjudged sample as TSV rows

Lints each project of bench/lint_corpus/projects/ as a user would (`sluice lint --format
json` in the project folder, offline), takes a fixed random sample of 100 findings
(seed 20261204), and joins it with bench/lint_corpus/judged.tsv, where each sampled finding
was judged by reading the statement and what the rule claims about it:

    true        the claim is right and a reviewer wants to hear it
    defensible  the claim is right, but a team may reasonably accept the risk as written
    false       the claim is wrong (the statement does not do what the finding says)

The false-positive rate is false / sampled. A sampled finding with no judgement (the corpus
or the linter changed) is listed and the script exits 1: judge it, then run again.
"""
import collections
import csv
import json
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "bench", "lint_corpus", "projects")
JUDGED = os.path.join(ROOT, "bench", "lint_corpus", "judged.tsv")
SEED = 20261204
SAMPLE = 100


def binary():
    for b in ("release", "debug"):
        p = os.path.join(ROOT, "target", b, "sluice")
        if os.path.exists(p):
            return p
    sys.exit("build first: cargo build --release")


def findings():
    out, statements = [], 0
    for project in sorted(os.listdir(CORPUS)):
        cwd = os.path.join(CORPUS, project)
        r = subprocess.run([binary(), "lint", "--format", "json"], cwd=cwd, capture_output=True, text=True)
        if r.returncode not in (0, 1):
            sys.exit(f"{project}: sluice lint exited {r.returncode}:\n{r.stderr}")
        doc = json.loads(r.stdout)
        for f in doc["files"]:
            statements += len(f["statements"])
            lines = open(os.path.join(cwd, f["path"])).read().splitlines()
            for x in f["findings"]:
                text = lines[x["line"] - 1].strip() if 0 < x["line"] <= len(lines) else ""
                out.append({
                    "project": project,
                    "path": f["path"],
                    "line": str(x["line"]),
                    "rule": x["rule"],
                    "severity": x["severity"],
                    "message": x["message"],
                    "text": text,
                })
    return out, statements


def main():
    found, statements = findings()
    sample = random.Random(SEED).sample(found, min(SAMPLE, len(found)))
    sample.sort(key=lambda x: (x["project"], x["path"], int(x["line"]), x["rule"]))
    judged = {}
    if os.path.exists(JUDGED):
        with open(JUDGED) as f:
            for row in csv.DictReader(f, delimiter="\t"):
                judged[(row["project"], row["path"], row["line"], row["rule"])] = row
    verdicts = collections.Counter()
    by_rule = collections.defaultdict(collections.Counter)
    missing = []
    for x in sample:
        j = judged.get((x["project"], x["path"], x["line"], x["rule"]))
        if j is None or j["verdict"] not in ("true", "defensible", "false"):
            missing.append(x)
            continue
        verdicts[j["verdict"]] += 1
        by_rule[x["rule"]][j["verdict"]] += 1
    print(f"corpus: {len(os.listdir(CORPUS))} projects, {statements} statements, {len(found)} findings")
    print(f"sample: {len(sample)} findings (seed {SEED})")
    for rule in sorted(by_rule):
        c = by_rule[rule]
        print(f"  {rule:<44} true {c['true']:3}  defensible {c['defensible']:3}  false {c['false']:3}")
    n = sum(verdicts.values())
    if n:
        print(f"verdicts: true {verdicts['true']}, defensible {verdicts['defensible']}, false {verdicts['false']}")
        print(f"false-positive rate: {verdicts['false']}/{n} = {100 * verdicts['false'] / n:.1f} %")
    if missing:
        print(f"\n{len(missing)} sampled finding(s) not judged in {os.path.relpath(JUDGED, ROOT)}:")
        w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        if "--template" in sys.argv:
            for x in missing:
                w.writerow([x["project"], x["path"], x["line"], x["rule"], "?", x["message"], x["text"]])
        else:
            for x in missing:
                print(f"  {x['project']} {x['path']}:{x['line']} {x['rule']}: {x['message']}")
        sys.exit(1)


if __name__ == "__main__":
    main()
