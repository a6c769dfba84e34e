#!/usr/bin/python3
"""Ensemble throughput: the corridor study's sweep block (inputs/kazakhstan_china.yaml),
each scenario shortened to BENCH_SWEEP_DURATION (default 2 d), run serially (1 rank) and
under `mpirun -np 2`; prints scenarios per minute for both and the speed-up.

usage: bench_sweep.py STEPPE"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import print_machine  # noqa: E402

STEPPE = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STUDY = os.path.join(ROOT, "inputs", "kazakhstan_china.yaml")
DURATION = os.environ.get("BENCH_SWEEP_DURATION", "2 d")
print_machine(STEPPE)

n = int(subprocess.run([STEPPE, "sweep", STUDY, "--count"], capture_output=True, text=True,
                       check=True).stdout)
common = ["sweep", STUDY, "--set", f"study.duration={DURATION}", "-q"]
mpirun = shutil.which("mpirun")
results = {}
with tempfile.TemporaryDirectory() as tmp:
    for ranks in (1, 2):
        out = os.path.join(tmp, f"r{ranks}")
        cmd = [STEPPE, *common, "-o", out]
        if ranks > 1:
            if not mpirun:
                print("mpirun not found: 2-rank case skipped")
                break
            cmd = [mpirun, "--allow-run-as-root", "--oversubscribe", "-np", str(ranks), *cmd]
        t0 = time.monotonic()
        p = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.monotonic() - t0
        if p.returncode not in (0, 1):
            sys.exit(f"sweep on {ranks} rank(s) failed ({p.returncode}):\n{p.stderr}")
        results[ranks] = wall
        print(f"{ranks} rank{'s' if ranks > 1 else ''}: {n} scenarios of {DURATION} in "
              f"{wall:.1f} s = {60 * n / wall:.1f} scenarios/min")
if 1 in results and 2 in results:
    print(f"speed-up 2 ranks vs 1: {results[1] / results[2]:.2f}")
