"""The results layout as xarray reads it (issue 17, "What it must show"): every group of the
corridor results opens with plain xarray.open_dataset(…, engine="h5netcdf") with a
datetime64 time coordinate equal to start + /time; .sel(time=…) works; node and pipe
datasets merge with distinct dimensions; every coded value decodes through its
flag_values/flag_meanings. The steppe package gives the same Datasets."""
import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr

import steppe


def series_groups(path):
    out = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.ndim == 2 and name.split("/")[0] not in (
                    "events", "constraints"):
                g = obj.parent.name.lstrip("/")
                if g not in out:
                    out.append(g)
        f.visititems(visit)
        start = pd.Timestamp(f.attrs["start_time"].decode() if isinstance(
            f.attrs["start_time"], bytes) else str(f.attrs["start_time"]))
        seconds = f["time"][...]
    return out, start.tz_localize(None) if start.tzinfo else start, seconds


@pytest.fixture(scope="module")
def layout(corridor_h5):
    return series_groups(corridor_h5)


def test_every_group_has_datetime_time(corridor_h5, layout):
    groups, start, seconds = layout
    assert len(groups) >= 15, groups
    expected = (np.datetime64(start.to_datetime64(), "ns")
                + np.round(seconds * 1e9).astype("int64").astype("timedelta64[ns]"))
    for g in groups:
        with xr.open_dataset(corridor_h5, group=g, engine="h5netcdf") as ds:
            assert "time" in ds.coords, g
            assert ds.time.dtype == np.dtype("datetime64[ns]"), (g, ds.time.dtype)
            np.testing.assert_array_equal(ds.time.values, expected, err_msg=g)
            dims = [d for d in ds.dims if d != "time"]  # the kind (node, …) or distance
            assert dims and "name" not in dims, (g, dims)


def test_sel_by_time(corridor_h5):
    with xr.open_dataset(corridor_h5, group="gas/nodes", engine="h5netcdf") as ds:
        t = ds.time.values[6]  # 1 h after the start at 10-min output
        p = ds.pressure.sel(time=str(pd.Timestamp(t)))
        np.testing.assert_array_equal(p.values, ds.pressure.values[6])
        one = ds.pressure.sel(node=str(ds.node.values[0]), time=t)
        assert float(one) == ds.pressure.values[6, 0]
        assert ds.pressure.attrs["units"] == "Pa"


def test_nodes_and_pipes_merge_with_distinct_dims(corridor_h5):
    with xr.open_dataset(corridor_h5, group="gas/nodes", engine="h5netcdf") as n, \
         xr.open_dataset(corridor_h5, group="gas/pipes", engine="h5netcdf") as p:
        m = xr.merge([n.rename({"pressure": "node_pressure"}),
                      p[["mass_flow_in"]] if "mass_flow_in" in p else p], compat="override")
        assert "node" in m.dims and "pipe" in m.dims
        assert m.sizes["node"] == n.sizes["node"] and m.sizes["pipe"] == p.sizes["pipe"]
        assert m.node_pressure.dims == ("time", "node")
        # no padding: every node pressure is finite
        assert np.isfinite(m.node_pressure.values).all()


def test_flags_decode_every_value(corridor_h5, every_kind_h5):
    coded = 0
    for path in (corridor_h5, every_kind_h5):
        with steppe.open_results(path) as r:
            for g in r.groups:
                ds = r[g]
                for k, da in ds.data_vars.items():
                    if "flag_values" not in da.attrs:
                        continue
                    coded += 1
                    meanings = steppe.flag_meanings(da)
                    assert len(meanings) == len(np.atleast_1d(da.attrs["flag_values"]))
                    decoded = steppe.decode_flags(da)   # raises on a value without meaning
                    present = ~np.isnan(da.values)
                    assert (decoded.values[present] != "").all(), (g, k)
    assert coded >= 10, coded


def test_package_matches_xarray(corridor_h5):
    with steppe.open_results(corridor_h5) as r:
        assert r.format_version == "2.0"
        for g in r.groups:
            ds = r[g]
            with xr.open_dataset(corridor_h5, group=g, engine="h5netcdf") as raw:
                np.testing.assert_array_equal(ds.time.values, raw.time.values)
                for k in ds.data_vars:
                    np.testing.assert_array_equal(ds[k].values, raw[k].values, err_msg=g + k)
                    assert ds[k].attrs.get("units") == raw[k].attrs.get("units")


def test_events_carry_units_and_kinds(corridor_h5, every_kind_h5):
    rows = 0
    for path in (corridor_h5, every_kind_h5):
        ev = steppe.events(path)
        assert ev.time.dtype == np.dtype("datetime64[ns]")
        with steppe.open_results(path) as r:
            np.testing.assert_array_equal(
                ev.time.values, r.start.to_datetime64() + np.round(ev.time_s.values * 1e9).astype(
                    "int64").astype("timedelta64[ns]"))  # to the nanosecond
        for _, e in ev.iterrows():
            if e.element:
                assert e.element_kind, e
            if np.isfinite(e.value) and e.value != 0:
                assert e.units, e  # a value means something in its units
            rows += 1
    assert rows >= 5, rows
