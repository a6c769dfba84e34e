"""Corridor benchmark: the coupled study inputs/kazakhstan_china.yaml run for 30 simulated
days. Prints the machine, states, Jacobian non-zeros, steps, residual and Jacobian
evaluations, re-initialisations, events, wall time, peak memory and the real-time factor;
then accuracy against work: 2 days at rtol = atol 1e-4 … 1e-8 (the study's 1e-6 among
them) against a reference at 1e-9 — steps, wall time, events, and the largest deviation at
the output samples of what an engineer reads (tie flows, zone frequencies, gas node pressures,
oil pipe inflows, generator outputs); then where the time goes, from `perf
record` on a 2-day run when perf is available (shares by library and by the hottest
functions).

usage: bench_corridor.py STEPPE [DAYS]"""
import collections
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

from bench_common import print_machine, profile_header, record

if len(sys.argv) < 2:
    sys.exit(__doc__)
steppe = sys.argv[1]
days = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
study = os.path.join(root, "inputs", "kazakhstan_china.yaml")

# What the accuracy table compares: (label, dataset, scale to the printed unit, unit).
ACCURACY_QUANTITIES = (
    ("tie flow", "power/ties/power_flow", 1e-6, "MW"),
    ("frequency", "power/zones/frequency", 1e3, "mHz"),
    ("generator", "power/generators/power", 1e-6, "MW"),
    ("gas node p", "gas/nodes/pressure", 1e-3, "kPa"),
    ("oil flow", "oil/pipes/inlet_mass_flow", 1.0, "kg/s"),
)


def run_2d(tmp, rtol):
    out = os.path.join(tmp, f"accuracy_{rtol:g}.h5")
    subprocess.run([steppe, "run", study, "-o", out, "--quiet", "-f", "--set",
                    "study.duration=2 d", "--set", f"solver.rtol={rtol:g}", "--set",
                    f"solver.atol={rtol:g}"], check=True)
    with h5py.File(out, "r") as f:
        r = {"steps": int(f.attrs["stats_steps"]), "wall": float(f.attrs["wall_time_s"]),
             "events": int(f.attrs["events"])}
        for _, path, _, _ in ACCURACY_QUANTITIES:
            r[path] = f[path][:]
    os.remove(out)
    return r


def accuracy_against_work(tmp):
    """The study's tolerance against looser and tighter ones: what each costs and how far
    its results lie from a run at 1e-9 (the 1e-8 row shows how far the reference itself
    may be off: deviations fall 4.5–15× per decade)."""
    ref = run_2d(tmp, 1e-9)
    print("\naccuracy against work, 2 days: largest deviation from rtol = atol = 1e-9 at the "
          "10-minute samples")
    head = "".join(f" {f'{q} {u}':>16}" for q, _, _, u in ACCURACY_QUANTITIES)
    print(f"{'rtol = atol':>11} {'steps':>7} {'wall s':>7} {'events':>6}{head}")
    for rtol in (1e-4, 1e-5, 1e-6, 1e-7, 1e-8):
        r = run_2d(tmp, rtol)
        cells = "".join(f" {np.max(np.abs(r[path] - ref[path])) * k:>16.3g}"
                        for _, path, k, _ in ACCURACY_QUANTITIES)
        mark = "  (the study's)" if rtol == 1e-6 else ""
        print(f"{rtol:>11g} {r['steps']:>7} {r['wall']:>7.2f} {r['events']:>6}{cells}{mark}")
    print(f"{'1e-9':>11} {ref['steps']:>7} {ref['wall']:>7.2f} {ref['events']:>6}")


print_machine(steppe)
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "corridor.h5")
    t0 = time.perf_counter()
    subprocess.run([steppe, "run", study, "-o", out, "--quiet",
                    "--set", f"study.duration={days} d"], check=True)
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    print(profile_header())
    record(f"corridor {days:g} d", out, wall)
    with h5py.File(out, "r") as f:
        a = f.attrs
        print(f"corridor study, {days:g} simulated days")
        print(f"{'states':>7} {'nnz':>7} {'steps':>8} {'res':>8} {'jac':>6} {'reinit':>7} "
              f"{'events':>7} {'wall s':>8} {'peak MB':>8} {'real-time ×':>12}")
        print(f"{int(a['unknowns']):>7} {int(a['jacobian_nonzeros']):>7} {int(a['stats_steps']):>8} "
              f"{int(a['stats_residual_evals']):>8} {int(a['stats_jacobian_evals']):>6} "
              f"{int(a['stats_reinitialisations']):>7} {int(a['events']):>7} {wall:>8.2f} "
              f"{peak_mb:>8.1f} {days * 86400 / wall:>12.0f}")
        kinds = collections.Counter(f["events/kind"].asstr()[:])
        print("events by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))

    accuracy_against_work(tmp)

    if shutil.which("perf"):
        data = os.path.join(tmp, "perf.data")
        r = subprocess.run(["perf", "record", "-q", "-o", data, steppe, "run", study, "-o",
                            os.path.join(tmp, "p.h5"), "--quiet", "--set", "study.duration=2 d"],
                           capture_output=True, text=True)
        if r.returncode == 0:
            rep = subprocess.run(["perf", "report", "-i", data, "--no-children", "--stdio",
                                  "--sort", "dso,symbol"], capture_output=True, text=True).stdout
            by_dso, top = collections.Counter(), []
            for line in rep.splitlines():
                parts = line.split()
                if len(parts) >= 4 and parts[0].endswith("%"):
                    share = float(parts[0].rstrip("%"))
                    by_dso[parts[1]] += share
                    if len(top) < 12:
                        top.append((share, parts[1], " ".join(parts[3:])[:70]))
            print("\nwhere the time goes (perf, 2-day run): by library")
            for dso, share in by_dso.most_common(8):
                print(f"  {share:5.1f} %  {dso}")
            print("hottest functions")
            for share, dso, sym in top:
                print(f"  {share:5.1f} %  {sym}  [{dso}]")
        else:
            print(f"(perf record failed: {r.stderr.strip()[:200]})")
    else:
        print("(perf not installed: no breakdown)")
