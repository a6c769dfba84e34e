#!/usr/bin/python3
"""End-to-end `steppe sweep` on tests/data/sweep_gas.yaml (2 cases × 2 supply pressures;
the two "overload" scenarios drive the delivery pressure to zero and fail).

- `--count` and `--list`;
- the serial sweep, the same sweep under `mpirun -np 2`, and the SLURM-array path
  (`--index i` for each i, then `--gather`) give identical results files, scenario by
  scenario, and the same ensemble index;
- the index (h5py, virtual datasets resolved; also xarray): scenario table with the failed
  ones marked with their message, [scenario × time × element] arrays equal to each file;
- a second sweep into the same directory keeps the complete scenarios;
- SIGTERM stops a sweep (exit 143): the running scenario keeps a checkpoint, the index
  marks it interrupted, and the next sweep continues it to the same result as a run
  that was never stopped;
- a bad sweep block: exit 2, every error with file:line:column, nothing written.

usage: test_sweep.py STEPPE REPO_ROOT
"""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

if len(sys.argv) != 3:
    sys.exit(__doc__)
STEPPE = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
STUDY = os.path.join(ROOT, "tests", "data", "sweep_gas.yaml")
N, T = 4, 73


def run(args, expect, env=None, launcher=()):
    p = subprocess.run([*launcher, STEPPE, *args], capture_output=True, text=True, timeout=600,
                       env=env)
    assert p.returncode == expect, f"{args}: exit {p.returncode}, expected {expect}\n" \
                                   f"{p.stdout}\n{p.stderr}"
    return p


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fi":
                out[name] = obj[...]
        f.visititems(visit)
        attrs = {k: f.attrs[k] for k in ("status", "message", "sweep_scenario", "exit_code")}
    return out, attrs


def same_results(dir_a, dir_b, name):
    a, aa = datasets(os.path.join(dir_a, name))
    b, ab = datasets(os.path.join(dir_b, name))
    assert a.keys() == b.keys(), (name, a.keys() ^ b.keys())
    for k in a:
        if not np.array_equal(a[k], b[k], equal_nan=True):
            d = np.abs(a[k] - b[k]) if a[k].shape == b[k].shape else None
            where = np.unravel_index(np.nanargmax(d), d.shape) if d is not None else None
            raise AssertionError(f"{dir_a} vs {dir_b}: {name}: {k} differs: shapes "
                                 f"{a[k].shape} {b[k].shape}, max |Δ| "
                                 f"{None if d is None else np.nanmax(d)} at {where}")
    assert aa == ab, (aa, ab)


def index_table(d):
    with h5py.File(os.path.join(d, "ensemble.h5"), "r") as f:
        s = f["scenarios"]
        return {
            "name": list(s["name"].asstr()[...]),
            "status": list(s["status"].asstr()[...]),
            "file": list(s["file"].asstr()[...]),
            "exit_code": list(s["exit_code"][...]),
            "message": list(s["message"].asstr()[...]),
        }


def check_index(d):
    tab = index_table(d)
    assert tab["name"] == ["base+pressure=55 bar", "base+pressure=60 bar",
                           "overload+pressure=55 bar", "overload+pressure=60 bar"], tab["name"]
    assert tab["status"] == ["complete", "complete", "failed", "failed"], tab["status"]
    assert tab["exit_code"] == [0, 0, 1, 1], tab["exit_code"]
    for k in (2, 3):
        assert "absolute pressure fell to zero" in tab["message"][k], tab["message"][k]
    # Run from another directory: the virtual datasets find their sources beside the index.
    with h5py.File(os.path.join(d, "ensemble.h5"), "r") as f:
        p = f["gas/nodes/pressure"]
        assert p.shape[0] == N and p.shape[1] == T, p.shape
        stacked = p[...]
        names = list(f["gas/nodes/node"].asstr()[...])
        assert names == ["Inlet", "City"], names
        for k, fname in enumerate(tab["file"]):
            with h5py.File(os.path.join(d, fname), "r") as g:
                src = g["gas/nodes/pressure"][...]
            rows = src.shape[0]
            assert np.array_equal(stacked[k, :rows], src), f"scenario {k}: stacked ≠ file"
            assert np.all(np.isnan(stacked[k, rows:])), f"scenario {k}: no NaN after row {rows}"
            if tab["status"][k] == "complete":
                assert rows == T
            else:
                assert rows < T
        # Supply pressure as set by the grid: 55 and 60 bar at the inlet.
        assert np.allclose(stacked[[0, 2], 0, 0], 55e5) and np.allclose(stacked[[1, 3], 0, 0], 60e5)
    return tab


with tempfile.TemporaryDirectory() as tmp:
    os.chdir(tmp)  # relative paths everywhere below; the index is read from elsewhere
    p = run(["sweep", STUDY, "--count"], 0)
    assert p.stdout.strip() == str(N), p.stdout
    p = run(["sweep", STUDY, "--list"], 0)
    lines = p.stdout.strip().splitlines()
    assert len(lines) == N and lines[2].startswith("2\toverload+pressure=55 bar\t"), lines

    # Serial.
    p = run(["sweep", STUDY, "-o", "serial"], 1)
    assert "2 complete, 2 failed" in p.stderr, p.stderr
    os.chdir("/")
    tab = check_index(os.path.join(tmp, "serial"))
    os.chdir(tmp)

    # MPI, 2 ranks (leaks inside Open MPI are not ours: LeakSanitizer off for mpirun).
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    mpirun = shutil.which("mpirun")
    assert mpirun, "mpirun not found (Debian openmpi-bin)"
    p = run(["sweep", STUDY, "-o", "mpi"], 1, env=env,
            launcher=(mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "2"))
    ranks = {line.split("[rank ")[1][0] for line in p.stderr.splitlines() if "[rank " in line}
    assert ranks == {"0", "1"}, f"not both ranks ran scenarios:\n{p.stderr}"
    assert index_table("mpi") == tab
    check_index(os.path.join(tmp, "mpi"))
    for fname in tab["file"]:
        same_results("serial", "mpi", fname)

    # SLURM-array path: one scenario per call, then --gather.
    for i in range(N):
        run(["sweep", STUDY, "-o", "array", "--index", str(i), "-q"], 1 if i >= 2 else 0)
    assert not os.path.exists(os.path.join("array", "ensemble.h5"))
    run(["sweep", "--gather", "array"], 1)
    assert index_table("array") == tab
    for fname in tab["file"]:
        same_results("serial", "array", fname)

    p = run(["info", os.path.join("serial", "ensemble.h5")], 0)
    assert "Steppe ensemble index: 4 scenarios, 2 complete, 2 failed" in p.stdout, p.stdout

    # xarray reads the stacked array with its coordinates.
    import xarray as xr
    ds = xr.open_dataset(os.path.join("serial", "ensemble.h5"), engine="h5netcdf",
                         group="gas/nodes")
    assert ds["pressure"].dims == ("scenario", "time", "node"), ds["pressure"].dims
    assert ds["pressure"].shape == (N, T, 2)
    assert str(ds["time"].values[1]) .startswith("2024-01-15T00:10")

    # Resuming: complete scenarios are kept, failed ones run again.
    p = run(["sweep", STUDY, "-o", "serial"], 1)
    assert p.stderr.count("complete already, kept") == 2, p.stderr
    p = run(["sweep", STUDY, "-o", "serial", "--force"], 1)
    assert "kept" not in p.stderr and p.stderr.count(": complete, 73 samples") == 2, p.stderr
    p = run(["sweep", STUDY, "-o", "serial", "--index", "9"], 2)

    # SIGTERM in the middle of the first scenario; the next sweep continues it.
    import signal
    import time
    long_run = ["--set", "study.duration=30 d", "--set", "study.output_interval=10 s", "-q"]
    proc = subprocess.Popen([STEPPE, "sweep", STUDY, "-o", "term", *long_run],
                            stderr=subprocess.PIPE, text=True)
    part = os.path.join("term", tab["file"][0] + ".part")
    deadline = time.monotonic() + 120
    while True:
        try:
            with h5py.File(part, "r", swmr=True) as f:
                if f["time"].shape[0] > 2000:
                    break
        except (OSError, KeyError):
            pass
        assert proc.poll() is None, f"sweep ended early: {proc.stderr.read()}"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) == 143, proc.returncode
    term = index_table("term")
    assert term["status"] == ["interrupted", "missing", "missing", "missing"], term["status"]
    assert os.path.isfile(os.path.join("term", tab["file"][0] + ".ckpt"))
    p = run(["sweep", STUDY, "-o", "term", *long_run[:-1]], 1)
    assert "continuing from its checkpoint" in p.stderr, p.stderr
    assert index_table("term")["status"] == tab["status"]
    run(["sweep", STUDY, "-o", "term_ref", "--index", "0", *long_run], 0)
    same_results("term", "term_ref", tab["file"][0])

    # A bad sweep block: exit 2, errors at their place, nothing written.
    bad = os.path.join(ROOT, "tests", "data", "bad_sweeps", "override_wrong_unit.yaml")
    p = run(["sweep", bad, "-o", "bad"], 2)
    assert "override_wrong_unit.yaml:" in p.stderr and "nothing was written" in p.stderr, p.stderr
    assert not os.path.exists("bad")
    # The same under MPI: the job ends with exit 2, the error said once, nothing written.
    p = run(["sweep", bad, "-o", "bad"], 2, env=env,
            launcher=(mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "2"))
    assert p.stderr.count("override_wrong_unit.yaml:") == 1, p.stderr
    assert not os.path.exists("bad")
print("ok")
