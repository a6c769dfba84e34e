"""Reading a results file: opening it (SWMR fallback), attributes, element names, [time ×
element] series, the time axis, the event log and the study text."""
import datetime as dt
import re

import h5py
import numpy as np
import matplotlib.dates as mdates

from .units import units_of


def open_results(path):
    """Open read-only; a file left by a killed run needs SWMR mode."""
    try:
        return h5py.File(path, "r")
    except OSError:
        return h5py.File(path, "r", swmr=True)


def attr_str(obj, key, default=""):
    v = obj.attrs.get(key, default)
    return v.decode() if isinstance(v, bytes) else str(v)


def names(group):
    """A group's element names: the dimension scale of its series (format 2.0: `node`,
    `pipe`, …), or its `name` dataset (format 1.0)."""
    return _element_names(group)


def series(group, key, nt):
    """[time × element] dataset trimmed to the rows /time has (a killed file may differ)."""
    if key not in group or not isinstance(group[key], h5py.Dataset):
        return None
    ds = group[key]
    a = ds[...]
    if a.ndim == 0:
        return None
    n = min(nt, a.shape[0])
    a = a[:n]
    if n < nt:
        pad = np.full((nt - n,) + a.shape[1:], np.nan)
        a = np.concatenate([a, pad])
    return a


class Timeline:
    """The /time axis as calendar dates (or minutes since the start for short runs)."""

    def __init__(self, f):
        self.t = f["time"][...].astype(float)
        units = attr_str(f["time"], "units", "seconds since 1970-01-01 00:00:00")
        m = re.match(r"seconds since (\d{4}-\d\d-\d\d)[ T]?(\d\d:\d\d(:\d\d(\.\d*)?)?)?", units)
        day, clock = (m.group(1), m.group(2) or "00:00:00") if m else ("1970-01-01", "00:00:00")
        if len(clock) == 5:
            clock += ":00"
        self.start = dt.datetime.fromisoformat(f"{day} {clock[:8]}")
        span = self.t[-1] - self.t[0] if self.t.size > 1 else 0.0
        self.short = span < 3 * 3600.0
        self.label = (f"time since {self.start:%Y-%m-%d %H:%M} UTC (min)" if self.short
                      else "time (UTC)")

    def x(self, seconds):
        s = np.asarray(seconds, dtype=float)
        if self.short:
            return s / 60.0
        base = np.datetime64(self.start, "ms")
        return base + np.round(s * 1e3).astype("timedelta64[ms]")

    def when(self, seconds):
        """A time for the summary table."""
        return f"{self.start + dt.timedelta(seconds=float(seconds)):%Y-%m-%d %H:%M}"

    def event_when(self, seconds):
        t = self.start + dt.timedelta(seconds=float(seconds))
        frac = f".{t.microsecond // 10000:02d}" if t.microsecond else ""
        return f"{t:%Y-%m-%d %H:%M:%S}{frac}"

    def short_when(self, seconds):
        if self.short:
            return f"t = {seconds / 60:.1f} min"
        return f"{self.start + dt.timedelta(seconds=float(seconds)):%d %b %H:%M}"

    def format(self, ax):
        ax.set_xlabel(self.label)
        if not self.short:
            loc = mdates.AutoDateLocator(minticks=4, maxticks=10)
            ax.xaxis.set_major_locator(loc)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


class Events:
    def __init__(self, f):
        g = f.get("events")
        self.time = np.array([])
        self.kind, self.element, self.message = [], [], []
        if g is None or "time" not in g:
            return
        self.time = g["time"][...].astype(float)
        n = self.time.size
        self.kind = list(g["kind"].asstr()[:n]) if "kind" in g else [""] * n
        self.element = list(g["element"].asstr()[:n]) if "element" in g else [""] * n
        self.message = list(g["message"].asstr()[:n]) if "message" in g else [""] * n

    def of(self, elements):
        """Indices of the events whose element is one of `elements`."""
        s = set(elements)
        return [i for i, e in enumerate(self.element) if e in s]


def _static_text(g, name, n):
    if name not in g:
        return [""] * n
    return [x.decode() if isinstance(x, bytes) else str(x) for x in g[name][...]]


def _element_names(g):
    """A group's element names: its dimension scale (format 2.0) or `name` (1.0)."""
    for k in g:
        d = g[k]
        if isinstance(d, h5py.Dataset) and d.ndim == 2 and d.dims[1]:
            scale = d.dims[1][0]
            if h5py.check_string_dtype(scale.dtype) is None:
                return []  # a numeric coordinate (distance along a profile)
            return [x.decode() if isinstance(x, bytes) else str(x) for x in scale[...]]
    return _static_text(g, "name", g["name"].shape[0]) if "name" in g else []


def file_topology(f):
    """What the figures need of the network, from the file's static data (format 2.0:
    topology, limits, ratings), shaped like the study's sections:
    {"gas": {"pipes"|"compressors"|"valves": [{name, from, to}]},
     "oil": {"pipes": [{name, maop (Pa)}]}, "power": {"frequency": Hz}}.
    A format 1.0 file has none: the study text it holds is read instead (PyYAML), its
    quantities through the one unit parser (steppe.units)."""
    if "format_version" not in f.attrs or attr_str(f, "format_version").startswith("1."):
        return _study_yaml(f)
    out = {}
    gas = {}
    for kind in ("pipes", "compressors", "valves"):
        g = f.get("gas/" + kind)
        if g is None or "from_node" not in g:
            continue
        names = _element_names(g)
        n = len(names)
        gas[kind] = [{"name": a, "from": b, "to": c} for a, b, c in
                     zip(names, _static_text(g, "from_node", n), _static_text(g, "to_node", n))]
    if gas:
        out["gas"] = gas
    g = f.get("oil/pipes")
    if g is not None and "maop" in g:
        out["oil"] = {"pipes": [{"name": a, "maop": float(m)} for a, m in
                                zip(_element_names(g), g["maop"][...]) if np.isfinite(m)]}
    g = f.get("power/zones")
    if g is not None and "nominal_frequency" in g and g["nominal_frequency"].size:
        out["power"] = {"frequency": float(g["nominal_frequency"][0])}
    return out


def _study_yaml(f):
    """The study as run (root attribute `study`) parsed, or {} (PyYAML missing, bad text)."""
    try:
        import yaml
        return yaml.safe_load(attr_str(f, "study")) or {}
    except Exception:
        return {}


def find_key(group, *patterns, units=None):
    """First dataset of `group` whose name matches one of the patterns (and units)."""
    for pat in patterns:
        for k in group:
            if k == "name" or not isinstance(group[k], h5py.Dataset) or group[k].ndim != 2:
                continue
            if re.search(pat, k) and (units is None or units_of(group[k]) in units):
                return k
    return None




def element_names(domain, skip=()):
    """The element names of every group of a domain (but those in `skip`), in file order."""
    out = []
    for k in domain:
        if isinstance(domain[k], h5py.Group) and k not in skip:
            out += names(domain[k])
    return out
