"""`steppe recover` (issue 17): 20 runs killed with SIGKILL at random moments; after
`steppe recover` each file opens with plain h5py and xarray (no h5clear, no SWMR mode),
its status is "interrupted", and its rows are the first rows of the uninterrupted run's,
bit for bit (series and events). A run killed while it was still creating its file (no
sample yet) is refused with a message, never "repaired" into a file with broken metadata."""
import os
import random
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest
import xarray as xr

KILLS = 20
# What `steppe recover` says of a file killed before its first sample (while created).
EARLY = ("before its first sample", "not a Steppe results file", "truncated file")
STUDY = """\
study:
  name: killed daily cycle
  start: 2024-01-15T00:00:00Z
  duration: 20 d
  output_interval: 1 min
  flush_every: 16
lumped:
  nodes:
    - {name: Tank, capacitance: 2e-2 kg/Pa}
    - {name: Grid, capacitance: 0 kg/Pa}
  links:
    - {name: Outlet, from: Tank, to: Grid, conductance: 1e-5 kg/s/Pa}
    - {name: Return, from: Grid, to: Tank, conductance: 1e-6 kg/s/Pa, check_valve: true}
  sources:
    - name: Compressor
      node: Tank
      mass_flow:
        times: [0, 6 h, 12 h, 18 h]
        values: [0, 20 kg/s, 10 kg/s, -5 kg/s]
        interpolation: linear
        repeat: daily
  boundaries:
    - {name: Grid pressure, node: Grid, pressure: 50 bar}
"""


def _series(f):
    out = {}
    f.visititems(lambda n, o: out.__setitem__(n, o[...])
                 if isinstance(o, h5py.Dataset) and (o.ndim == 2 or n.startswith("events/"))
                 else None)
    return out


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    d = tmp_path_factory.mktemp("recover")
    path = d / "cycle.yaml"
    path.write_text(STUDY)
    return str(path), d


@pytest.fixture(scope="module")
def reference(steppe_exe, study):
    path, d = study
    out = str(d / "full.h5")
    t0 = time.monotonic()
    r = subprocess.run([steppe_exe, "run", path, "-o", out, "--quiet"], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        return time.monotonic() - t0, f["time"][...], _series(f)


def test_recover_killed_runs(steppe_exe, study, reference):
    path, d = study
    wall, t_full, full = reference
    rng = random.Random(17)
    counts, attempts = [], 0
    while len([c for c in counts if c >= 0]) < KILLS:
        attempts += 1
        assert attempts <= 2 * KILLS, counts
        i = attempts
        out = str(d / ("killed%02d.h5" % i))
        proc = subprocess.Popen([steppe_exe, "run", path, "-o", out, "--quiet"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.02, 0.75) * wall)
        if proc.poll() is not None:  # finished before the kill: nothing to recover
            continue
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        part = out + ".part"
        if not os.path.exists(part):  # killed before the file was created
            counts.append(-1)
            continue
        r = subprocess.run([steppe_exe, "recover", part], capture_output=True, text=True)
        if r.returncode != 0 and any(m in r.stderr for m in EARLY):
            counts.append(-1)  # killed while the file was being laid out: refused, said so
            continue
        assert r.returncode == 0, r.stderr
        with h5py.File(part, "r") as f:  # plain mode: the SWMR mark is gone
            assert f.attrs["status"] in (b"interrupted", "interrupted"), f.attrs["status"]
            t = f["time"][...]
            got = _series(f)
        n = len(t)
        np.testing.assert_array_equal(t, t_full[:n])
        for name, a in got.items():
            if name.startswith("events/"):
                np.testing.assert_array_equal(a, full[name][: len(a)], err_msg=name)
            else:
                assert a.shape[0] == n, (name, a.shape, n)
                np.testing.assert_array_equal(a, full[name][:n], err_msg=name)
        for g in ("lumped/nodes", "lumped/links"):
            with xr.open_dataset(part, group=g, engine="h5netcdf") as ds:
                assert ds.sizes["time"] == n
        counts.append(n)
    recovered = [c for c in counts if c >= 0]
    print("full run %.2f s, %d samples; %d runs, %d killed files recovered: samples kept %s"
          % (wall, len(t_full), attempts, len(recovered), sorted(recovered)))
    assert len(set(recovered)) >= 5, counts  # really at different moments
