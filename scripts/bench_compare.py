"""Compares the cases a benchmark run recorded (JSON lines) with scripts/bench_baseline.json
(the figures of an earlier commit, kept in the repository): steps and wall time, and their
ratios now/baseline, so that a regression shows. `--update` writes the run's figures as the
new baseline (keeping cases this run did not measure).

usage: bench_compare.py RESULTS.jsonl BASELINE.json [--update]"""
import json
import os
import subprocess
import sys

if len(sys.argv) < 3:
    sys.exit(__doc__)
results_path, baseline_path = sys.argv[1:3]
update = "--update" in sys.argv[3:]

rows = []
if os.path.exists(results_path):
    with open(results_path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
baseline = {}
if os.path.exists(baseline_path):
    with open(baseline_path) as f:
        baseline = json.load(f)
cases = baseline.get("cases", {})

if rows:
    rev = baseline.get("revision", "none")
    print(f"\n=== against the baseline ({rev}, {baseline.get('machine', '?')})")
    print(f"{'case':<34} {'steps':>8} {'base':>8} {'ratio':>7} {'wall s':>8} {'base':>8} {'ratio':>7}")
    for r in rows:
        b = cases.get(r["case"])
        if not b:
            print(f"{r['case']:<34} {r['steps']:>8.0f} {'—':>8} {'':>7} {r['wall s']:>8.3g} {'—':>8}")
            continue
        rs = r["steps"] / b["steps"] if b.get("steps") else float("nan")
        rw = r["wall s"] / b["wall s"] if b.get("wall s") else float("nan")
        print(f"{r['case']:<34} {r['steps']:>8.0f} {b['steps']:>8.0f} {rs:>7.2f} "
              f"{r['wall s']:>8.3g} {b['wall s']:>8.3g} {rw:>7.2f}")

if update and rows:
    from bench_common import cpu_model

    for r in rows:
        cases[r["case"]] = {k: v for k, v in r.items() if k != "case"}
    rev = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=12"],
                         capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    with open(baseline_path, "w") as f:
        json.dump({"revision": rev, "machine": f"{cpu_model()}, {os.cpu_count()} cores",
                   "cases": cases}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"baseline written: {baseline_path} ({len(rows)} cases from {rev})")
