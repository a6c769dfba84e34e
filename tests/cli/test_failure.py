"""A run the integrator cannot finish ends with exit 1, names the time and IDA's flag,
and keeps every sample up to the failure in a file marked status = "failed".

The demo tank is steady until its source steps at 06:00; with at most 20 steps per
hourly output (and steps of at most 10 min) the 6 h before the step pass, and the
transient after it exhausts the step budget."""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

steppe, root = sys.argv[1], sys.argv[2]

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "failed.h5")
    run = subprocess.run(
        [steppe, "run", os.path.join(root, "inputs", "demo_tank.yaml"), "-o", out, "--quiet",
         "--set", "solver.max_steps=20", "--set", "solver.max_step=10 min",
         "--set", "study.output_interval=1 h"],
        capture_output=True, text=True, timeout=60)
    print(run.stderr)
    assert run.returncode == 1, run.returncode
    assert "IDA_TOO_MUCH_WORK" in run.stderr
    assert "failed at t = 216" in run.stderr  # just after the step at 21600 s
    assert 'status "failed"' in run.stderr
    # The unknowns whose weighted local error estimates were largest: five, largest first,
    # each named by its element; the stepped flow and the tank it fills among them.
    listed = run.stderr.split("largest weighted local errors:\n")[1].splitlines()[:5]
    sizes = [float(line.split()[0]) for line in listed]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > 0, listed
    assert any("link Outlet: mass_flow" in line for line in listed), listed
    assert any("node Tank: pressure" in line for line in listed), listed
    with h5py.File(out, "r") as f:
        assert f.attrs["status"] == "failed"
        assert "IDA_TOO_MUCH_WORK" in f.attrs["message"]
        t = f["time"][:]
        np.testing.assert_array_equal(t, np.arange(7) * 3600.0)  # 00:00 … 06:00
        p = f["lumped/nodes/pressure"][:]
        assert p.shape == (7, 2) and np.all(np.isfinite(p))
        kinds = list(f["events/kind"].asstr()[:])
        assert kinds[-1] == "failure", kinds
        assert 21600 <= f["events/time"][-1] < 25200
print("failure path: exit 1, status failed, 7 samples kept")
