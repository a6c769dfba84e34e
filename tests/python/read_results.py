#!/usr/bin/python3
"""Check that a Steppe results file opens with h5py and xarray (h5netcdf engine).

usage: read_results.py RESULTS.h5 [--swmr]

--swmr opens with h5py in SWMR-read mode only (for a file whose writer is still running
or was killed: see solver/io/results_file.hpp). Without it, the file must also open with
xarray: the root (time), every element group (dims time × name/coordinate), and
/events. Prints each dataset's shape. Exits non-zero on the first failed assertion.
"""
import sys

import h5py
import numpy as np


def series_groups(f):
    """Paths of groups holding [time × element] series."""
    out = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.ndim == 2:
            parent = obj.parent.name.lstrip("/")
            if parent not in out:
                out.append(parent)

    f.visititems(visit)
    return out


def check_h5py(path, swmr):
    with h5py.File(path, "r", swmr=swmr) as f:
        assert f.attrs["file_type"] == "steppe-results", f.attrs.get("file_type")
        assert isinstance(f.attrs["status"], str)
        print(f"status={f.attrs['status']} format_version={f.attrs['format_version']}")
        n = f["time"].shape[0]
        assert f["time"].attrs["units"].startswith("seconds since "), f["time"].attrs["units"]
        print(f"/time {f['time'].shape}")
        for g in series_groups(f):
            grp = f[g]
            coord = "name" if "name" in grp else None
            for name, ds in grp.items():
                if ds.ndim == 2:
                    assert ds.shape[0] == n, (g, name, ds.shape, n)
                    assert isinstance(ds.attrs["units"], str)
                    assert isinstance(ds.attrs["long_name"], str)
                    data = ds[...]
                    assert not np.isnan(data).any(), f"{g}/{name} has unwritten samples"
                    print(f"/{g}/{name} {ds.shape} units={ds.attrs['units']}")
            if coord:
                names = grp["name"].asstr()[...]
                assert all(isinstance(s, str) for s in names)
        ev = f["events"]
        m = ev["time"].shape[0]
        for col in ("event", "time", "kind", "element", "value", "message"):
            assert ev[col].shape == (m,), (col, ev[col].shape)
        messages = ev["message"].asstr()[...]
        assert all(isinstance(s, str) for s in messages)
        print(f"/events {m} events")
        return series_groups(f)


def check_xarray(path, groups):
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf") as root:
        assert "time" in root.dims, root.dims
        print(f"xarray root: dims={dict(root.sizes)}")
    for g in groups:
        with xr.open_dataset(path, engine="h5netcdf", group=g) as ds:
            for name, var in ds.data_vars.items():
                assert var.dims[0] == "time", (g, name, var.dims)
                assert "units" in var.attrs, (g, name, var.attrs)
            print(f"xarray {g}: " + ", ".join(f"{k}{v.dims}" for k, v in ds.data_vars.items()))
    with xr.open_dataset(path, engine="h5netcdf", group="events") as ev:
        assert ev["message"].dims == ("event",), ev["message"].dims
        if ev.sizes["event"]:
            assert isinstance(ev["message"].values[0], str), type(ev["message"].values[0])
            assert isinstance(ev["kind"].values[0], str), type(ev["kind"].values[0])
        print(f"xarray events: {dict(ev.sizes)} vars={list(ev.data_vars)}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    swmr = "--swmr" in sys.argv[2:]
    groups = check_h5py(path, swmr)
    if not swmr:
        check_xarray(path, groups)
    print("OK")


if __name__ == "__main__":
    main()
