"""Reads the ensemble index fixture written by tests/test_ensemble.cpp with h5py and
xarray (h5netcdf engine): python3 ensemble_index_check.py DIR

Not a ctest of its own (no test_ prefix): the Catch2 test "Ensemble index maps the
scenario files into virtual datasets" writes DIR with the real results writer and runs
this script from / . Exits non-zero on the first failed check.

Fixture: 4 scenarios, 7 output times (0..3600 s every 600 s), gas/nodes (A, B, C)
pressure = 1e5·(s+1) + 100·k + e, gas/pipes (P1, P2) flow = −(same); scenario 2 failed
after 4 samples, scenario 3 has no file.
"""
import os
import shutil
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr

directory = os.path.abspath(sys.argv[1])
N, T = 4, 7
ROWS = [7, 7, 4, 0]


def expected(e_count, sign=1.0):
    s, k, e = np.meshgrid(np.arange(N), np.arange(T), np.arange(e_count), indexing="ij")
    v = sign * (1e5 * (s + 1) + 100.0 * k + e)
    for i, rows in enumerate(ROWS):
        v[i, rows:, :] = np.nan
    return v


def check_h5py(path):
    with h5py.File(path, "r") as f:
        assert f.attrs["file_type"] == "steppe-ensemble", f.attrs["file_type"]
        assert f.attrs["scenario_count"] == N
        assert f.attrs["complete"] == 2 and f.attrs["failed"] == 1
        assert "gas/nodes/density" in f.attrs["notes"], f.attrs["notes"]
        status = list(f["scenarios/status"].asstr()[...])
        assert status == ["complete", "complete", "failed", "missing"], status
        names = list(f["scenarios/name"].asstr()[...])
        assert names == ["base", "supply +10%", "überlast", "never ran"], names
        assert list(f["scenarios/samples"][...]) == ROWS
        assert list(f["scenarios/exit_code"][...]) == [0, 0, 1, -1]
        msg = f["scenarios/message"].asstr()[...]
        assert msg[2].startswith("IDA failed at t = 1800 s"), msg[2]
        assert msg[3] == "no results file", msg[3]

        p = f["gas/nodes/pressure"]
        assert p.is_virtual
        assert p.shape == (N, T, 3), p.shape
        assert p.attrs["units"] == "Pa"
        data = p[...]
        np.testing.assert_array_equal(data, expected(3))
        flow = f["gas/pipes/flow"][...]
        np.testing.assert_array_equal(flow, expected(2, -1.0))
        assert np.isnan(data[2, 4:, :]).all() and np.isnan(data[3]).all()
        # Values equal the scenario files' own datasets.
        files = list(f["scenarios/file"].asstr()[...])
        for s, name in enumerate(files[:3]):
            with h5py.File(os.path.join(os.path.dirname(path), name), "r") as src:
                np.testing.assert_array_equal(data[s, : ROWS[s]], src["gas/nodes/pressure"][...])
        assert list(f["gas/nodes/name"].asstr()[...]) == ["A", "B", "C"]
        assert f["time"].attrs["units"] == "seconds since 2024-01-15 00:00:00"
        np.testing.assert_array_equal(f["time"][...], np.arange(T) * 600.0)
        # Dimension scales on all three axes of the virtual dataset.
        assert [list(d.keys()) for d in p.dims] == [["scenario"], ["time"], ["name"]], [
            list(d.keys()) for d in p.dims
        ]
    return data


def check_xarray(path):
    with xr.open_dataset(path, engine="h5netcdf", group="gas/nodes") as nodes:
        pressure = nodes["pressure"]
        assert pressure.dims == ("scenario", "time", "name"), pressure.dims
        assert nodes["time"].dtype.kind == "M", nodes["time"].dtype
        assert nodes["time"].values[0] == np.datetime64("2024-01-15T00:00:00")
        assert nodes["time"].values[-1] == np.datetime64("2024-01-15T01:00:00")
        assert list(nodes["name"].values) == ["A", "B", "C"]
        assert list(nodes["scenario"].values) == [0, 1, 2, 3]
        assert pressure.attrs["units"] == "Pa"
        np.testing.assert_array_equal(pressure.values, expected(3))
        b = pressure.sel(name="B", scenario=1).values
        np.testing.assert_array_equal(b, 2e5 + 100.0 * np.arange(T) + 1)
    with xr.open_dataset(path, engine="h5netcdf", group="scenarios") as sc:
        assert sc["status"].dims == ("scenario",), sc["status"].dims
        assert list(sc["status"].values) == ["complete", "complete", "failed", "missing"]
        assert list(sc["scenario"].values) == [0, 1, 2, 3]
        assert np.isnan(sc["wall_time_s"].values[3])
    with xr.open_dataset(path, engine="h5netcdf") as root:
        assert dict(root.sizes) == {"scenario": N, "time": T}, dict(root.sizes)
        assert root["time"].dtype.kind == "M"


path = os.path.join(directory, "ensemble.h5")
os.chdir("/")
check_h5py(path)
check_xarray(path)
print(f"h5py + xarray: {path} read from cwd /")

# Another working directory, and a copy of the sweep directory elsewhere (the virtual
# datasets name their source files relative to the ensemble file).
with tempfile.TemporaryDirectory() as tmp:
    os.chdir(tmp)
    copy = os.path.join(tmp, "copied sweep")
    shutil.copytree(directory, copy)
    os.rename(os.path.join(directory, "base.h5"), os.path.join(directory, "base.h5.away"))
    try:
        data = check_h5py(os.path.join(copy, "ensemble.h5"))
        check_xarray(os.path.join(copy, "ensemble.h5"))
        # The original, without its base.h5: that slab reads as NaN (not the copy's).
        with h5py.File(path, "r") as f:
            assert np.isnan(f["gas/nodes/pressure"][0]).all()
    finally:
        os.rename(os.path.join(directory, "base.h5.away"), os.path.join(directory, "base.h5"))
    os.chdir("/")
print("h5py + xarray: a copy of the sweep directory reads its own scenario files")
