#!/usr/bin/python3
"""End-to-end: a run killed with SIGKILL mid-way leaves a readable results file (SWMR)
holding every sample up to its last flush, marked status = "running".

The study is the demo network with a daily-repeating linear source over 3000 days at
1-minute output (about a minute of work on a 2-core machine): the test reads the
growing file, kills the run once 200 samples are on disk, and reads what is left.

usage: test_kill.py STEPPE REPO_ROOT
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

if len(sys.argv) != 3:
    sys.exit(__doc__)
STEPPE = os.path.abspath(sys.argv[1])
FLUSH_EVERY, MIN_SAMPLES, TIMEOUT = 8, 200, 60.0
GRID = 50e5

STUDY = f"""\
study:
  name: killed daily cycle
  start: 2024-01-15T00:00:00Z
  duration: 3000 d
  output_interval: 1 min
  flush_every: {FLUSH_EVERY}
lumped:
  nodes:
    - {{name: Tank, capacitance: 2e-2 kg/Pa}}
    - {{name: Grid, capacitance: 0 kg/Pa}}
  links:
    - {{name: Outlet, from: Tank, to: Grid, conductance: 1e-5 kg/s/Pa}}
    - {{name: Return, from: Grid, to: Tank, conductance: 1e-6 kg/s/Pa, check_valve: true}}
  sources:
    - name: Compressor
      node: Tank
      mass_flow:
        times: [0, 6 h, 12 h, 18 h]
        values: [0, 20 kg/s, 10 kg/s, -5 kg/s]
        interpolation: linear
        repeat: daily
  boundaries:
    - {{name: Grid pressure, node: Grid, pressure: 50 bar}}
"""


def samples_on_disk(path):
    """Rows of /time a SWMR reader sees now (0 while the file is not ready)."""
    try:
        with h5py.File(path, "r", swmr=True) as f:
            return f["time"].shape[0]
    except (OSError, KeyError):
        return 0


def run_and_kill(study, out):
    """Runs into `out` (written as out.part while it goes) and kills the run mid-way."""
    part = out + ".part"
    proc = subprocess.Popen([STEPPE, "run", study, "-o", out, "--quiet", "--force"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + TIMEOUT
        while samples_on_disk(part) < MIN_SAMPLES:
            if proc.poll() is not None:
                raise AssertionError(f"steppe ended early ({proc.returncode}): "
                                     f"{proc.stderr.read().decode()}")
            assert time.monotonic() < deadline, f"< {MIN_SAMPLES} samples after {TIMEOUT} s"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL, f"exit {proc.returncode}: not killed mid-run"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def rows(f):
    """Rows of /time and of every [time × element] series."""
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and (name == "time" or obj.ndim == 2):
            out[name] = obj.shape[0]

    f.visititems(visit)
    return out


def check_file(out):
    with h5py.File(out, "r", swmr=True) as f:
        assert f.attrs["status"] == "running", f.attrs["status"]
        lengths = rows(f)
        t = f["time"][...]
        p = f["lumped/nodes/pressure"][...]
    n = len(t)
    # /time is extended only after the series of a flush are on disk: it counts complete
    # rows, and a kill inside a flush leaves series at most one flush longer.
    for name, length in lengths.items():
        assert n <= length <= n + FLUSH_EVERY, f"{name}: {length} rows, /time {n}"
    assert n >= MIN_SAMPLES and n % FLUSH_EVERY == 0, f"{n} samples"
    np.testing.assert_array_equal(t, np.arange(n) * 60.0)
    p = p[:n]
    assert p.shape == (n, 2), p.shape
    assert np.all(np.isfinite(p))
    # Real rows, not fill values: the grid is held, the tank stays near it.
    np.testing.assert_allclose(p[:, 1], GRID, rtol=1e-9)
    assert np.all((p[:, 0] > 40e5) & (p[:, 0] < 75e5)), (p[:, 0].min(), p[:, 0].max())
    print(f"killed file: status running, {n} samples (a multiple of {FLUSH_EVERY}) every "
          f"60 s from 0 in /time, all {len(lengths) - 1} series at least as long; pressure "
          f"finite, physical")
    return n


def check_info(out, n):
    r = subprocess.run([STEPPE, "info", out], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert "running" in r.stdout and f"{n} samples" in r.stdout, r.stdout
    print("steppe info reads the killed file: status running")


def main():
    with tempfile.TemporaryDirectory(prefix="steppe_kill_") as tmp:
        study, out = os.path.join(tmp, "long.yaml"), os.path.join(tmp, "long.h5")
        with open(study, "w", encoding="utf-8") as f:
            f.write(STUDY)
        # An earlier good results file at the target path must survive the killed run.
        r = subprocess.run([STEPPE, "run", study, "-o", out, "--quiet",
                            "--set", "study.duration=2 h"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        run_and_kill(study, out)
        with h5py.File(out, "r") as f:
            assert f.attrs["status"] == "complete" and f["time"].shape[0] == 121
        print("the earlier complete file at the target path is untouched")
        part = out + ".part"
        check_info(part, check_file(part))


if __name__ == "__main__":
    main()
