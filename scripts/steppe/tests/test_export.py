"""`steppe export` (issue 17): CSV, one file per group, ISO times, units in the header —
every value read back from the CSV equals the HDF5 value bit for bit (NaN where NaN)."""
import csv
import glob
import os
import re
import subprocess

import h5py
import numpy as np
import pytest

HEADER = re.compile(r"^(?P<q>[^\[\]]+)\[(?P<e>.*)\] \((?P<u>[^()]*)\)$")


def _read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def exported(steppe_exe, every_kind_h5, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("csv"))
    r = subprocess.run([steppe_exe, "export", every_kind_h5, "-o", out],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


def _series_groups(f):
    out = []
    f.visititems(lambda name, obj: out.append(obj.parent.name.lstrip("/"))
                 if isinstance(obj, h5py.Dataset) and obj.ndim == 2 else None)
    return sorted(set(out))


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def test_series_round_trip(every_kind_h5, exported):
    values = 0
    with h5py.File(every_kind_h5, "r") as f:
        t = f["time"][...]
        day = _text(f["time"].attrs["units"]).split("since ")[1][:10]
        groups = _series_groups(f)
        assert len(groups) >= 20
        for group in groups:
            g = f[group]
            header, rows = _read(os.path.join(exported, group.replace("/", ".") + ".csv"))
            assert header[:2] == ["time", "time_s"], header[:2]
            assert rows[0][0].startswith(day) and rows[0][0].endswith("Z"), rows[0][0]
            data = np.array([[float(x) for x in row[1:]] for row in rows])
            np.testing.assert_array_equal(data[:, 0], t)  # seconds, exactly
            for j, col in enumerate(header[2:], start=1):
                m = HEADER.match(col)
                assert m, col
                ds = g[m["q"]]
                assert m["u"] == _text(ds.attrs["units"]), col
                # the element: the dataset's dimension scale (names, or distances in m)
                scale = f[ds.dims[1][0].name][...]
                if scale.dtype.kind == "f":
                    k = int(np.flatnonzero(scale == float(m["e"]))[0])
                else:
                    k = [_text(x) for x in scale].index(m["e"])
                want = ds[: len(t), k]
                np.testing.assert_array_equal(data[:, j], want, err_msg=group + " " + col)
                values += want.size
    print("export round trip: %d series values bit-identical" % values)
    assert values > 1000


def test_static_and_events_round_trip(every_kind_h5, exported):
    with h5py.File(every_kind_h5, "r") as f:
        header, rows = _read(os.path.join(exported, "events.csv"))
        n = f["events/event"].shape[0]
        assert len(rows) == n
        v = np.array([float(r[header.index("value")]) for r in rows])
        np.testing.assert_array_equal(v, f["events/value"][:n])
        static = 0
        for path in glob.glob(os.path.join(exported, "*.elements.csv")):
            group = os.path.basename(path)[: -len(".elements.csv")].replace(".", "/")
            header, rows = _read(path)
            for j, col in enumerate(header[1:], start=1):
                name = col.split(" (")[0]
                ds = f[group][name]
                if ds.dtype.kind != "f":
                    continue
                np.testing.assert_array_equal([float(r[j]) for r in rows], ds[...],
                                              err_msg=group + name)
                static += ds.size
        assert static > 20


def test_select_one_dataset(steppe_exe, every_kind_h5, tmp_path):
    r = subprocess.run([steppe_exe, "export", every_kind_h5, "-o", str(tmp_path),
                        "--select", "gas/nodes/pressure"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    files = sorted(os.listdir(tmp_path))
    assert files == ["gas.nodes.csv", "gas.nodes.elements.csv"], files  # + their static data
    header, _ = _read(os.path.join(tmp_path, "gas.nodes.csv"))
    assert all(c.startswith("pressure[") for c in header[2:]), header
