"""Reading a Steppe results file (docs/results-format.md) into xarray and pandas.

    import steppe
    with steppe.open_results("outputs/kazakhstan_china.h5") as r:
        nodes = r["gas/nodes"]                       # xarray.Dataset
        nodes.pressure.sel(node="Almaty", time="2024-01-15T06:00")   # Pa
        comp = r["gas/compressors"]
        suction = nodes.pressure.sel(node=comp.from_node)           # topology as coordinates
        r.events()                                   # pandas DataFrame
        r.constraints()

Every group becomes one Dataset: `time` (datetime64, UTC) and the element dimension (named
for the kind: node, pipe, …) as coordinates, each [time × element] series a data variable
with its attributes (units, long_name, flag_values/flag_meanings, companion_of), and the
group's static data — topology (from_node, zone, …; attribute element_group), ratings,
limits and coordinates — as non-index coordinates along the element dimension. Files of
format 1.0 (elements along `name`) and files of a run that was killed (opened in SWMR
mode, series cut to the complete samples of /time) read the same way.
"""
import collections.abc
import os

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from . import units as _units

TIME_PREFIX = "seconds since "


def open_file(path):
    """The HDF5 file read-only; a file left by a killed run needs SWMR mode."""
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    try:
        return h5py.File(path, "r")
    except OSError:
        return h5py.File(path, "r", swmr=True)


def _text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.shape == ():
        return _text(v[()])
    return v


def _attrs(obj):
    out = {}
    for k, v in obj.attrs.items():
        if k in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Dimid"):
            continue
        v = _text(v)
        if isinstance(v, np.generic):
            v = v.item()
        out[k] = v
    return out


def time_origin(units):
    """'seconds since 2024-01-15 00:00:00' → pandas Timestamp (UTC, naive)."""
    if not units or not units.startswith(TIME_PREFIX):
        raise ValueError("not a time axis: units %r" % units)
    return pd.Timestamp(units[len(TIME_PREFIX):].replace("T", " ").rstrip("Z"))


def to_datetime(seconds, origin):
    """Seconds since `origin` → datetime64[ns] (to the nanosecond)."""
    s = np.asarray(seconds, dtype=float)
    ns = np.round(s * 1e9).astype("int64")
    return np.datetime64(origin.to_datetime64(), "ns") + ns.astype("timedelta64[ns]")


def _strings(ds):
    if h5py.check_string_dtype(ds.dtype) is not None:
        return np.array([_text(x) for x in ds.asstr()[...]], dtype=object)
    return np.array([_text(x) for x in ds[...]], dtype=object)


def _scale_name(ds, dim):
    """The dataset attached as dimension scale `dim` of `ds` (its path), or None."""
    try:
        scales = list(ds.dims[dim].values())
    except Exception:  # noqa: BLE001 - a file without dimension scales
        return None
    return scales[0].name if scales else None


class Results(collections.abc.Mapping):
    """A results file: a mapping group path → xarray.Dataset (built when first read), with
    the root attributes, the time axis, events, constraints and static data."""

    def __init__(self, path):
        self.path = path
        self.file = open_file(path)
        f = self.file
        self.attrs = _attrs(f)
        self.format_version = str(self.attrs.get("format_version", "1.0"))
        if "time" not in f:
            raise ValueError("%s: no /time dataset (not a Steppe results file?)" % path)
        self.time_units = _text(f["time"].attrs.get("units", ""))
        self.start = time_origin(self.time_units)
        self.seconds = f["time"][...].astype(float)
        self.time = pd.DatetimeIndex(to_datetime(self.seconds, self.start), name="time")
        self._groups = self._find_groups()
        self._cache = {}

    # ---- the mapping -----------------------------------------------------------------
    def _find_groups(self):
        out = []

        def visit(name, obj):
            if not isinstance(obj, h5py.Group):
                return
            top = name.split("/")[0]
            if top in ("events", "constraints", "scenarios"):
                return
            if any(isinstance(v, h5py.Dataset) and v.ndim == 2 and v.dtype.kind == "f"
                   for v in obj.values()):
                out.append(name)

        self.file.visititems(visit)
        return out

    def __getitem__(self, group):
        group = group.strip("/")
        if group not in self._groups:
            raise KeyError("%s: no group %r (groups: %s)" % (self.path, group,
                                                              ", ".join(self._groups)))
        if group not in self._cache:
            self._cache[group] = self._dataset(group)
        return self._cache[group]

    def __iter__(self):
        return iter(self._groups)

    def __len__(self):
        return len(self._groups)

    @property
    def groups(self):
        return list(self._groups)

    @property
    def status(self):
        return str(self.attrs.get("status", ""))

    def domain(self, name):
        """The groups of a domain ('gas') as {kind: Dataset}, e.g. {'nodes': …, 'pipes': …}."""
        pre = name.strip("/") + "/"
        return {g[len(pre):]: self[g] for g in self._groups if g.startswith(pre)}

    # ---- building a group ------------------------------------------------------------
    def _dataset(self, group):
        g = self.file[group]
        n = self.seconds.size
        series = [k for k, v in g.items()
                  if isinstance(v, h5py.Dataset) and v.ndim == 2 and v.dtype.kind == "f"]
        first = g[series[0]]
        coord_path = _scale_name(first, 1)
        if coord_path is None or coord_path.split("/")[-1] == "time":
            coord_path = "/" + group + "/name" if "name" in g else None
        if coord_path is not None:
            cds = self.file[coord_path]
            dim = coord_path.split("/")[-1]
            coord_values = (_strings(cds) if cds.dtype.kind in "OSU" else cds[...])
            coord_attrs = _attrs(cds)
        else:
            dim = "element"
            coord_values = np.arange(first.shape[1])
            coord_attrs = {}
        width = len(coord_values)
        data_vars = {}
        for k in series:
            ds = g[k]
            a = ds[:n, :] if ds.shape[0] >= n else np.vstack(
                [ds[...], np.full((n - ds.shape[0], ds.shape[1]), np.nan)])
            data_vars[k] = xr.Variable(("time", dim), a, attrs=_attrs(ds))
        coords = {
            "time": xr.Variable("time", self.time.values,
                                attrs={"long_name": "time (UTC)", "start": str(self.start)}),
            dim: xr.Variable(dim, coord_values, attrs=coord_attrs),
        }
        # Static data: 1-D datasets along the elements (not scales, not the time link).
        for k, v in g.items():
            if (not isinstance(v, h5py.Dataset) or v.ndim != 1 or k in (dim, "time", "name")
                    or v.shape[0] != width or "CLASS" in v.attrs):
                continue
            values = _strings(v) if v.dtype.kind in "OSU" else v[...].astype(float)
            coords[k] = xr.Variable(dim, values, attrs=_attrs(v))
        out = xr.Dataset(data_vars, coords=coords)
        out.attrs = {"group": group, "file": self.path, "status": self.status,
                     "format_version": self.format_version}
        return out

    # ---- tables --------------------------------------------------------------------
    def topology(self, group):
        """The static data of a group's elements (topology, ratings, limits, coordinates)
        as a DataFrame indexed by element."""
        ds = self[group]
        dim = element_dim(ds)
        cols = {k: v.values for k, v in ds.coords.items() if v.dims == (dim,) and k != dim}
        return pd.DataFrame(cols, index=pd.Index(ds[dim].values, name=dim))

    def _table(self, name, index):
        f = self.file
        if name not in f:
            return pd.DataFrame()
        g = f[name]
        rows = g[index].shape[0] if index in g else None
        cols = {}
        for k, v in g.items():
            if not isinstance(v, h5py.Dataset) or v.ndim != 1 or k == index:
                continue
            a = _strings(v) if v.dtype.kind in "OSU" else v[...]
            if rows is not None:
                a = a[:rows]
            u = _text(v.attrs.get("units", ""))
            if isinstance(u, str) and u.startswith(TIME_PREFIX):
                cols[k] = to_datetime(a, time_origin(u))
                cols[k + "_s"] = a.astype(float)
            else:
                cols[k] = a
        n = rows if rows is not None else (len(next(iter(cols.values()))) if cols else 0)
        return pd.DataFrame(cols, index=pd.RangeIndex(n, name=index))

    def events(self):
        """/events as a DataFrame: time (datetime64) and time_s, kind, element,
        element_kind, value, units, message (format 1.0: time in s, no units or kinds)."""
        df = self._table("events", "event")
        if df.empty:
            return df
        if "time_s" not in df and "time" in df:   # format 1.0: plain seconds
            df["time_s"] = df["time"].astype(float)
            df["time"] = to_datetime(df["time_s"].values, self.start)
        order = [c for c in ("time", "time_s", "kind", "element", "element_kind", "value",
                             "units", "message") if c in df]
        return df[order + [c for c in df if c not in order]]

    def constraints(self):
        """/constraints as a DataFrame: one row per violated limit (group, element,
        quantity, limit, bound, units, limit_value, first_time, duration [s], worst_value,
        worst_time, episodes, samples); empty when nothing was violated."""
        df = self._table("constraints", "constraint")
        order = [c for c in ("group", "element", "quantity", "limit", "bound", "units",
                             "limit_value", "first_time", "first_time_s", "duration",
                             "worst_value", "worst_time", "worst_time_s", "episodes", "samples")
                 if c in df]
        return df[order + [c for c in df if c not in order]] if not df.empty else df

    # ---- all of it -------------------------------------------------------------------
    def datasets(self):
        """{group: Dataset} for every group."""
        return {g: self[g] for g in self._groups}

    def tree(self):
        """An xarray DataTree of all groups when the installed xarray has one, else the
        {group: Dataset} dict of datasets()."""
        dt = getattr(xr, "DataTree", None)
        if dt is None:
            return self.datasets()
        return dt.from_dict({"/" + g: ds for g, ds in self.datasets().items()})

    def close(self):
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<steppe.Results %s: status %s, %d samples, %d groups>" % (
            self.path, self.status, self.seconds.size, len(self._groups))


def element_dim(ds):
    """The element dimension of a group's Dataset (its dimension other than time)."""
    dims = [d for d in ds.dims if d != "time"]
    return dims[0] if dims else None


def flag_meanings(da):
    """{value: meaning} of a coded DataArray (CF flag_values / flag_meanings), or {}."""
    values = da.attrs.get("flag_values")
    meanings = da.attrs.get("flag_meanings")
    if values is None or not meanings:
        return {}
    return {float(v): m for v, m in zip(np.atleast_1d(values), str(meanings).split())}


def decode_flags(da):
    """A coded DataArray as its meanings (object array of str; '' for NaN)."""
    table = flag_meanings(da)
    if not table:
        raise ValueError("%s has no flag_values/flag_meanings" % da.name)
    out = np.full(da.shape, "", dtype=object)
    values = da.values
    for v, m in table.items():
        out[values == v] = m
    unknown = ~np.isnan(values) & (out == "")
    if unknown.any():
        raise ValueError("%s holds values without a meaning: %s" % (
            da.name, sorted(set(values[unknown].tolist()))))
    return da.copy(data=out)


def in_units(da, to):
    """A DataArray converted from its `units` attribute to `to` (through the one parser,
    steppe.units), with the new units in its attributes."""
    out = _units.convert(da, da.attrs.get("units", ""), to)
    out.attrs = dict(da.attrs, units=to)
    return out


def open_results(path):
    """A Results mapping (group → xarray.Dataset) of a Steppe results file."""
    return Results(path)


def open_group(path, group):
    """One group of a results file as an xarray.Dataset (loaded, the file closed)."""
    with Results(path) as r:
        return r[group].load()


def events(path):
    """The /events table of a results file as a pandas DataFrame."""
    with Results(path) as r:
        return r.events()


def constraints(path):
    """The /constraints table of a results file as a pandas DataFrame."""
    with Results(path) as r:
        return r.constraints()
