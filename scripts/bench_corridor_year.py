"""Corridor calibration year: inputs/kazakhstan_china.yaml over calendar 2023 (365 days,
hourly inputs), beside a 30-day run of the same study in the same call, to show whether
memory stays flat in the horizon. Prints the machine, then per run: simulated days, steps,
residual and Jacobian evaluations, re-initialisations, events, wall time, real-time factor
and peak memory (the child's max RSS); then the calibration table's year figures
(scripts/calibration/table.py) from the year's results. Keeps the year's results with
--keep DIR (for `table.py --write`).

usage: bench_corridor_year.py STEPPE [--keep DIR]"""
import os
import subprocess
import sys
import tempfile
import time

import h5py

from bench_common import print_machine, profile_header, record

if len(sys.argv) < 2:
    sys.exit(__doc__)
steppe = sys.argv[1]
keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
study = os.path.join(root, "inputs", "kazakhstan_china.yaml")
sys.path.insert(0, os.path.join(root, "scripts", "calibration"))
import table  # noqa: E402


def run(days, out):
    """Runs `days` in a child whose peak RSS is its own (a fresh python wrapper per run)."""
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c",
                        "import resource, subprocess, sys; "
                        "subprocess.run(sys.argv[1:], check=True); "
                        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
                        steppe, "run", study, "-o", out, "--quiet", "--force", "--set",
                        f"study.duration={days} d"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{days}-day run failed (exit {r.returncode}):\n{r.stderr.strip()}")
    return time.perf_counter() - t0, int(r.stdout.split()[-1]) / 1024.0


print_machine(steppe)
with tempfile.TemporaryDirectory() as tmp:
    where = keep or tmp
    os.makedirs(where, exist_ok=True)
    rows = []
    print(profile_header())
    for days in (30, 365):
        out = os.path.join(where, f"corridor_{days}d.h5")
        wall, peak = run(days, out)
        record(f"corridor-year {days} d", out, wall)
        rows.append((days, out, wall, peak))
    print(f"{'days':>5} {'steps':>8} {'res':>9} {'jac':>7} {'reinit':>7} {'events':>7} "
          f"{'wall s':>8} {'real-time ×':>12} {'peak MB':>8}")
    for days, out, wall, peak in rows:
        with h5py.File(out, "r") as f:
            a = f.attrs
            print(f"{days:>5} {int(a['stats_steps']):>8} {int(a['stats_residual_evals']):>9} "
                  f"{int(a['stats_jacobian_evals']):>7} {int(a['stats_reinitialisations']):>7} "
                  f"{int(a['events']):>7} {wall:>8.1f} {days * 86400 / wall:>12.0f} {peak:>8.1f}")
    print(f"peak memory, 365 d against 30 d: {rows[1][3] / rows[0][3]:.2f}×")
    print()
    print(table.render(table.figures(rows[1][1]), table.figures(rows[0][1])))
