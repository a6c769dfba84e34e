#!/usr/bin/python3
"""Figures and a summary table from any Steppe results file.

usage: /usr/bin/python3 scripts/plot.py RESULTS.h5 [-o DIR] [--allow-incomplete]

Writes PNG figures of whatever the file holds (gas, oil, power, coupling, lumped, events)
into DIR (default: <results stem>_plots/ beside the file), prints where they are and a
summary table per domain (also written to DIR/summary.txt). A file whose root attribute
`status` is not "complete" is refused (exit 2) unless --allow-incomplete is given; a
file left by a killed run is read in SWMR mode.

Uses Debian's matplotlib (Agg), h5py and numpy. Values are shown in engineer units (bar,
MW, GWh, Hz, t/h, Mt/yr, km, kt) converted from each dataset's `units` attribute; element
names come from each group's `name` dataset.
"""
import argparse
import collections
import datetime as dt
import os
import re
import signal
import sys

import h5py
import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

YEAR_S = 365 * 86400.0
DPI = 110
EVENT_MARKERS_MAX = 20      # vertical event markers on time plots up to this many events
EVENT_LIST_MAX = 40         # a text list of events up to this many, else a timeline
PROFILE_TIMES = 5           # pressure profiles drawn at this many times

plt.rcParams.update({"figure.dpi": DPI, "axes.grid": True, "grid.alpha": 0.3,
                     "legend.fontsize": 8, "axes.titlesize": 11, "font.size": 9,
                     "axes.formatter.useoffset": False})


# ---------------------------------------------------------------------------------------
# units

# SI units as written by Steppe → (factor to the display unit, display unit)
_DISPLAY = {
    "Pa": (1e-5, "bar"),
    "W": (1e-6, "MW"),
    "J": (1 / 3.6e12, "GWh"),
    "m s-1": (1.0, "m/s"),
    "W m-2": (1.0, "W/m²"),
    "kg s-1": (1.0, "kg/s"),
    "t h-1": (1.0, "t/h"),
    "Mt yr-1": (1.0, "Mt/yr"),
    "m3 h-1": (1.0, "m³/h"),
    "m3": (1.0, "m³"),
    "Hz": (1.0, "Hz"),
    "1": (1.0, ""),
    "s": (1 / 3600.0, "h"),
}


def display(values, units, scale=None):
    """values in `units` (a Steppe units attribute) → (values, label) in engineer units.
    Masses (kg, t) go to t or kt by magnitude; `scale` forces a display unit."""
    v = np.asarray(values, dtype=float)
    if scale is not None:
        factor, label = scale
        return v * factor, label
    if units in ("kg", "t"):
        tonnes = v / 1000.0 if units == "kg" else v
        big = np.nanmax(np.abs(tonnes)) if tonnes.size else 0.0
        return (tonnes / 1000.0, "kt") if big >= 1e4 else (tonnes, "t")
    if units in _DISPLAY:
        factor, label = _DISPLAY[units]
        return v * factor, label
    return v, units.replace(" ", "·") if units else ""


def units_of(ds):
    u = ds.attrs.get("units", "")
    return u.decode() if isinstance(u, bytes) else str(u)


def axis_label(quantity, label):
    return f"{quantity} ({label})" if label else quantity


def kg_s_to_mt_yr(x):
    return np.asarray(x) * YEAR_S / 1e9


# ---------------------------------------------------------------------------------------
# reading

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
    if "name" not in group:
        return []
    return [str(n) for n in group["name"].asstr()[...]]


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


def study_yaml(f):
    """The study as run (root attribute `study`) parsed, or {} (PyYAML missing, bad text)."""
    try:
        import yaml
        return yaml.safe_load(attr_str(f, "study")) or {}
    except Exception:
        return {}


_PRESSURE_UNITS = {"pa": 1.0, "kpa": 1e3, "mpa": 1e6, "bar": 1e5, "barg": 1e5, "psi": 6894.757,
                   "atm": 101325.0}


def pressure_pa(v):
    """A study pressure (bare Pa or "90 bar") in Pa, or None."""
    if isinstance(v, (int, float)):
        return float(v)
    m = re.match(r"\s*([-+0-9.eE]+)\s*([A-Za-z]+)\s*$", str(v))
    if m and m.group(2).lower() in _PRESSURE_UNITS:
        return float(m.group(1)) * _PRESSURE_UNITS[m.group(2).lower()]
    return None


# ---------------------------------------------------------------------------------------
# figure helpers

class Plotter:
    def __init__(self, f, out_dir):
        self.f = f
        self.out = out_dir
        self.tl = Timeline(f)
        self.nt = self.tl.t.size
        self.events = Events(f)
        self.written = []
        self.study = study_yaml(f)
        name = attr_str(f, "study_name")
        self.tag = f" — {name}" if name else ""

    def save(self, fig, fname):
        path = os.path.join(self.out, fname)
        fig.savefig(path, dpi=DPI, bbox_inches="tight")
        plt.close(fig)
        self.written.append(path)

    def mark_events(self, ax, elements, first=True):
        """Faint vertical lines at the events of these elements (when few)."""
        idx = self.events.of(elements)
        if not idx or len(idx) > EVENT_MARKERS_MAX:
            return
        xs = self.tl.x(self.events.time[idx])
        for k, x in enumerate(xs):
            ax.axvline(x, color="0.35", ls=":", lw=0.9,
                       label="events" if (first and k == 0) else None)

    def legend(self, ax, n):
        if n > 6:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), ncol=1 + n // 25,
                      borderaxespad=0)
        elif n > 0:
            ax.legend(loc="best")

    def time_panels(self, fname, title, panels, elements=()):
        """panels: list of (ylabel, [(label, seconds-independent y array, style dict)])."""
        panels = [p for p in panels if p[1]]
        if not panels:
            return
        fig, axes = plt.subplots(len(panels), 1, sharex=True, squeeze=False,
                                 figsize=(11, 2.2 + 2.6 * len(panels)))
        x = self.tl.x(self.tl.t)
        for ax, (ylabel, lines) in zip(axes[:, 0], panels):
            many = len(lines) > 10   # beyond the default 10-colour cycle
            for i, (label, y, style) in enumerate(lines):
                if many and "color" not in style:
                    style = dict(style, color=plt.get_cmap("tab20")(i % 20))
                    if i >= 20:
                        style.setdefault("ls", ("-", "--", ":", "-.")[(i // 20) % 4])
                ax.plot(x, y, label=label, **style)
            ax.set_ylabel(ylabel)
            self.mark_events(ax, elements, first=ax is axes[0, 0])
            self.legend(ax, len(ax.get_legend_handles_labels()[1]))
        axes[0, 0].set_title(title + self.tag)
        self.tl.format(axes[-1, 0])
        fig.align_ylabels(axes[:, 0])
        self.save(fig, fname)

    def element_lines(self, group, key, scale=None, names_=None):
        """(ylabel unit, [(name, y, {})]) for every element of a [time × element] dataset."""
        a = series(group, key, self.nt)
        if a is None:
            return "", []
        y, label = display(a, units_of(group[key]), scale)
        nm = names_ or names(group) or [f"{key} {i}" for i in range(y.shape[1])]
        return label, [(nm[i], y[:, i], {}) for i in range(y.shape[1])]

    def long_name(self, group, key, fallback):
        return attr_str(group[key], "long_name", fallback) if key in group else fallback


# ---------------------------------------------------------------------------------------
# gas

JOINS = {}   # pipe → the compressor or valve feeding it within a chain (from gas_chains)


def gas_chains(study, profiled):
    """Profile pipes joined in series (through compressors and valves) from the study's
    topology: lists of pipe names. Pipes whose topology is unknown stand alone. Records
    the connector at the head of each chained pipe in JOINS."""
    gas = study.get("gas") if isinstance(study, dict) else None
    if not isinstance(gas, dict):
        return [[p] for p in profiled]
    pipes = {p.get("name"): p for p in gas.get("pipes", []) or [] if isinstance(p, dict)}
    links = collections.defaultdict(list)   # node → (downstream node, connector name)
    for kind in ("compressors", "valves"):
        for c in gas.get(kind, []) or []:
            if isinstance(c, dict) and "from" in c and "to" in c:
                links[c["from"]].append((c["to"], c.get("name", "")))
    starts_at = collections.defaultdict(list)
    for p in profiled:
        if p in pipes:
            starts_at[pipes[p].get("from")].append(p)

    def successor(p):
        end = pipes[p].get("to")
        cands = [(q, "") for q in starts_at.get(end, [])]
        for n, via in links.get(end, []):
            cands += [(q, via) for q in starts_at.get(n, [])]
        if len(cands) != 1:
            return None
        JOINS[cands[0][0]] = cands[0][1]
        return cands[0][0]

    succ = {p: successor(p) for p in profiled if p in pipes}
    has_pred = {s for s in succ.values() if s}
    chains, seen = [], set()
    for p in profiled:
        if p in seen or p in has_pred:
            continue
        chain = [p]
        seen.add(p)
        while succ.get(chain[-1]) and succ[chain[-1]] not in seen:
            chain.append(succ[chain[-1]])
            seen.add(chain[-1])
        chains.append(chain)
    for p in profiled:     # cycles
        if p not in seen:
            chains.append([p])
            seen.add(p)
    return chains


def profile_times(pl, profiles, n=PROFILE_TIMES):
    """Sample indices at which to draw profiles: the first and last, then greedily the
    samples whose profiles differ most from those already chosen (so a trip or a daily
    swing shows, rather than evenly spaced but alike states)."""
    nt = pl.nt
    if nt <= n:
        return list(range(nt))
    a = np.concatenate([np.asarray(p, float) for p in profiles], axis=1)
    a = np.nan_to_num(a - np.nanmean(a, axis=0))
    chosen = [0, nt - 1]
    dist = np.minimum(np.linalg.norm(a - a[0], axis=1), np.linalg.norm(a - a[-1], axis=1))
    while len(chosen) < n:
        k = int(np.argmax(dist))
        if dist[k] <= 1e-9 * (np.abs(a).max() + 1):
            break
        chosen.append(k)
        dist = np.minimum(dist, np.linalg.norm(a - a[k], axis=1))
    if len(chosen) < n:     # alike states: fill evenly
        chosen += [int(round(i)) for i in np.linspace(0, nt - 1, n)]
    return sorted(set(chosen))[:max(n, 2)]


def plot_gas(pl, g):
    tl = pl.tl
    all_names = []
    for k in g:
        if isinstance(g[k], h5py.Group):
            all_names += names(g[k])
    # pressure along pipes
    prof = g.get("profiles")
    if prof is not None and len(prof):
        chains = gas_chains(pl.study, list(prof.keys()))
        for ci, chain in enumerate(chains):
            fig, ax = plt.subplots(figsize=(11, 5))
            cmap = plt.get_cmap("viridis")
            times = profile_times(pl, [series(prof[p], "pressure", pl.nt) for p in chain
                                       if "pressure" in prof[p]])
            offset = 0.0
            for pi, pipe in enumerate(chain):
                grp = prof[pipe]
                d = grp["distance"][...] / 1e3
                p = series(grp, "pressure", pl.nt)
                if p is None:
                    continue
                pv, plab = display(p, units_of(grp["pressure"]))
                for k, ti in enumerate(times):
                    ax.plot(offset + d, pv[ti], color=cmap(k / max(1, len(times) - 1)),
                            label=tl.short_when(tl.t[ti]) if pi == 0 else None)
                if len(chain) > 1:
                    ax.axvline(offset, color="0.6", lw=0.6)
                    if pi > 0 and JOINS.get(pipe):
                        ax.text(offset, 0.02, " " + JOINS[pipe], rotation=90, ha="right",
                                va="bottom", transform=ax.get_xaxis_transform(), fontsize=7,
                                color="tab:red")
                    ax.text(offset + 0.5 * (d[-1] - d[0]), 0.98, pipe, ha="center",
                            va="top", transform=ax.get_xaxis_transform(), fontsize=7,
                            color="0.3")
                offset += d[-1]
            ax.set_xlabel("distance along the line (km)" if len(chain) > 1 else
                          "distance from the inlet (km)")
            ax.set_ylabel(axis_label("pressure", plab + " abs"))
            what = chain[0] if len(chain) == 1 else f"{chain[0]} … {chain[-1]}"
            ax.set_title(f"Gas pressure along {what} at {len(times)} times{pl.tag}")
            ax.legend(title="time", loc="best")
            safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", chain[0])
            pl.save(fig, f"gas_profile_{safe}.png")
    # node pressures
    if "nodes" in g:
        lab, lines = pl.element_lines(g["nodes"], "pressure")
        pl.time_panels("gas_node_pressure.png", "Gas node pressures",
                       [(axis_label("pressure", lab + " abs"), lines)], all_names)
    # line pack
    panels = []
    if "network" in g and "linepack" in g["network"]:
        lp = series(g["network"], "linepack", pl.nt)
        y, lab = display(lp[:, 0], units_of(g["network"]["linepack"]))
        panels.append((axis_label("total line pack", lab), [("all pipes", y, {"color": "k"})]))
    if "pipes" in g and "linepack" in g["pipes"]:
        lab, lines = pl.element_lines(g["pipes"], "linepack")
        panels.append((axis_label("line pack per pipe", lab), lines))
    pl.time_panels("gas_linepack.png", "Gas line pack", panels, all_names)
    # compressors
    if "compressors" in g:
        c = g["compressors"]
        panels = []
        for key, q in (("shaft_power", "shaft power"), ("electric_power", "electric power"),
                       ("pressure_ratio", "pressure ratio"), ("fuel_mass_flow", "fuel gas")):
            a = series(c, key, pl.nt)
            if a is None or (key in ("electric_power", "fuel_mass_flow") and
                             not np.any(np.nan_to_num(a))):
                continue
            lab, lines = pl.element_lines(c, key)
            panels.append((axis_label(q, lab), lines))
        pl.time_panels("gas_compressors.png", "Gas compressor stations", panels, names(c))
    # supplies and offtakes
    panels = []
    for grp, q in (("supplies", "supplied"), ("offtakes", "withdrawn")):
        if grp in g and "mass_flow" in g[grp]:
            lab, lines = pl.element_lines(g[grp], "mass_flow")
            panels.append((axis_label(f"mass flow {q}", lab), lines))
    pl.time_panels("gas_supplies_offtakes.png", "Gas supplies and offtakes", panels, all_names)
    if "valves" in g:
        generic_group(pl, g["valves"], "gas_valves.png", "Gas valves")


# ---------------------------------------------------------------------------------------
# oil

def oil_maop(study):
    """{pipe: MAOP in Pa} from the study text."""
    oil = study.get("oil") if isinstance(study, dict) else None
    out = {}
    if isinstance(oil, dict):
        for p in oil.get("pipes", []) or []:
            if isinstance(p, dict) and "maop" in p:
                v = pressure_pa(p["maop"])
                if v is not None:
                    out[p.get("name")] = v
    return out


def plot_oil(pl, g):
    tl = pl.tl
    all_names = []
    for k in g:
        if isinstance(g[k], h5py.Group) and k != "profiles":
            all_names += names(g[k])
    prof = g.get("profiles")
    if prof is not None and len(prof):
        maop = oil_maop(pl.study)
        times = profile_times(pl, [series(prof[p], "pressure", pl.nt) for p in prof
                                   if "pressure" in prof[p]])
        cmap = plt.get_cmap("viridis")
        have_head = any("head" in prof[p] for p in prof)
        fig, axes = plt.subplots(2 if have_head else 1, 1, sharex=True, squeeze=False,
                                 figsize=(11, 8.5 if have_head else 5))
        axp = axes[0, 0]
        pipes = sorted(prof.keys(), key=lambda p: float(prof[p]["distance"][0]))
        maop_done = elev_done = maop_head_done = False
        for pi, pipe in enumerate(pipes):
            grp = prof[pipe]
            d = grp["distance"][...] / 1e3
            p = series(grp, "pressure", pl.nt)
            pv, plab = display(p, units_of(grp["pressure"]))
            for k, ti in enumerate(times):
                axp.plot(d, pv[ti], color=cmap(k / max(1, len(times) - 1)),
                         label=tl.short_when(tl.t[ti]) if pi == 0 else None)
            if pipe in maop:
                axp.plot([d[0], d[-1]], [maop[pipe] * 1e-5] * 2, color="tab:red", ls="--",
                         lw=1.2, label=None if maop_done else "MAOP")
                maop_done = True
            if have_head and "head" in grp:
                h = series(grp, "head", pl.nt)
                hv, hlab = display(h, units_of(grp["head"]))
                for k, ti in enumerate(times):
                    axes[1, 0].plot(d, hv[ti], color=cmap(k / max(1, len(times) - 1)),
                                    label=tl.short_when(tl.t[ti]) if pi == 0 else None)
                if "elevation" in grp:
                    z = series(grp, "elevation", pl.nt)
                    zv, zlab = display(z, units_of(grp["elevation"]))
                    axes[1, 0].fill_between(d, zv[0] - 1e4, zv[0],
                                            color="tan", alpha=0.5, lw=0,
                                            label=None if elev_done else "ground (pipe) elevation")
                    axes[1, 0].plot(d, zv[0], color="saddlebrown", lw=1)
                    elev_done = True
                    if pipe in maop:
                        # the MAOP as a head line: p_max/(ρg) + z, ρg from p/(h − z)
                        pz = p[0] / np.where(np.abs(h[0] - z[0]) > 1e-6, h[0] - z[0], np.nan)
                        rho_g = np.nanmedian(pz)
                        if np.isfinite(rho_g) and rho_g > 0:
                            axes[1, 0].plot(d, maop[pipe] / rho_g + zv[0], color="tab:red",
                                            ls="--", lw=1.2,
                                            label=None if maop_head_done else "MAOP head")
                            maop_head_done = True
        axp.set_ylabel(axis_label("pressure", plab + " abs"))
        axp.set_title(f"Oil pressure along the line at {len(times)} times{pl.tag}")
        axp.axhline(0, color="k", lw=0.5)
        axp.legend(title="time", loc="best")
        if have_head:
            ax = axes[1, 0]
            ax.set_ylabel("hydraulic head and elevation (m)")
            ax.set_title("Hydraulic gradient: head p/(ρg) + z over the pipe's elevation")
            ax.legend(loc="best")
            ys = np.concatenate([np.asarray(l.get_ydata(), float) for l in ax.lines])
            lo, hi = np.nanmin(ys), np.nanmax(ys)
            ax.set_ylim(lo - 0.05 * (hi - lo) - 10, hi + 0.05 * (hi - lo) + 10)
        axes[-1, 0].set_xlabel("route chainage (km)")
        for pipe in pipes[1:]:
            for ax in axes[:, 0]:
                ax.axvline(prof[pipe]["distance"][0] / 1e3, color="0.6", lw=0.6)
        pl.save(fig, "oil_profile.png")
    # pressures over time: stations, terminals, points
    lines = []
    lab = "bar"
    if "stations" in g:
        st = g["stations"]
        for key, suffix in (("suction_pressure", "suction"), ("discharge_pressure", "discharge")):
            a = series(st, key, pl.nt)
            if a is not None:
                y, lab = display(a, units_of(st[key]))
                lines += [(f"{n} {suffix}", y[:, i],
                           {"ls": "-" if suffix == "discharge" else "--", "color": f"C{i % 10}"})
                          for i, n in enumerate(names(st))]
    for grp in ("terminals", "points", "injections"):
        if grp in g and "pressure" in g[grp]:
            a = series(g[grp], "pressure", pl.nt)
            y, lab = display(a, units_of(g[grp]["pressure"]))
            c0 = len(lines)
            lines += [(n, y[:, i], {"ls": "-.", "color": f"C{(c0 + i) % 10}"})
                      for i, n in enumerate(names(g[grp]))]
    if "pipes" in g and not lines:
        for key in ("inlet_pressure", "outlet_pressure"):
            a = series(g["pipes"], key, pl.nt)
            if a is not None:
                y, lab = display(a, units_of(g["pipes"][key]))
                lines += [(f"{n} {key.split('_')[0]}", y[:, i], {})
                          for i, n in enumerate(names(g["pipes"]))]
    pl.time_panels("oil_pressures.png", "Oil pressures: stations, terminals and points",
                   [(axis_label("pressure", lab + " abs"), lines)], all_names)
    # linefill
    if "pipes" in g and "linefill_mass" in g["pipes"]:
        pp = g["pipes"]
        a = series(pp, "linefill_mass", pl.nt)
        total, tlab = display(np.nansum(a, axis=1), units_of(pp["linefill_mass"]))
        lab, lines = pl.element_lines(pp, "linefill_mass")
        pl.time_panels("oil_linefill.png", "Oil linefill",
                       [(axis_label("total linefill", tlab),
                         [("all pipes", total, {"color": "k"})]),
                        (axis_label("linefill per pipe", lab), lines)], all_names)
    # pump stations
    if "stations" in g:
        st = g["stations"]
        panels = []
        for key, q in (("electric_power", "electric power"), ("annual_rate", "throughput"),
                       ("throughput", "throughput"), ("speed", "pump speed (rated = 1)"),
                       ("head", "head")):
            if key == "throughput" and "annual_rate" in st:
                continue
            if key in st:
                lab, lines = pl.element_lines(st, key)
                panels.append((axis_label(q, lab), lines))
        pl.time_panels("oil_stations.png", "Oil pump stations", panels, all_names)
    # deliveries and injections
    panels = []
    for grp, q in (("terminals", "terminal flow into the line"),
                   ("injections", "injection")):
        if grp in g and "mass_flow" in g[grp]:
            a = series(g[grp], "mass_flow", pl.nt)
            y = a * 3.6
            panels.append((axis_label(q, "t/h"),
                           [(n, y[:, i], {}) for i, n in enumerate(names(g[grp]))]))
    pl.time_panels("oil_terminals.png", "Oil terminals and injections (+ into the line)",
                   panels, all_names)
    if "valves" in g:
        generic_group(pl, g["valves"], "oil_valves.png", "Oil valves")


# ---------------------------------------------------------------------------------------
# power

TYPE_COLOURS = collections.OrderedDict([
    ("coal", "#4d4d4d"), ("gas", "#e07b39"), ("hydro", "#3b75af"), ("wind", "#7fc97f"),
    ("solar", "#f2c12e"), ("storage", "#9467bd"), ("external", "#b0b0b0"),
    ("import", "#d9d9d9")])


def panel_name(ax, text):
    ax.text(0.01, 0.96, text, transform=ax.transAxes, va="top", ha="left", fontsize=9,
            fontweight="bold", bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.5))


def plot_generation(pl, g):
    """Generation stacked by type against load, one panel per zone plus the system."""
    z = g.get("zones")
    if z is None or "load" not in z:
        return
    zn = names(z)
    load = series(z, "load", pl.nt) * 1e-6
    stacks = collections.OrderedDict()
    typed = any(f"generation_{k}" in z for k in TYPE_COLOURS)
    if typed:
        for k in TYPE_COLOURS:
            a = series(z, f"generation_{k}", pl.nt)
            if a is not None:
                stacks[k] = a * 1e-6
    else:
        gens = g.get("generators")
        if gens is not None and "power" in gens:
            # no per-zone type columns: group generators by a `type` dataset if present
            gp = series(gens, "power", pl.nt) * 1e-6
            gnames = names(gens)
            gtype = (list(gens["type"].asstr()[...]) if "type" in gens else gnames)
            gzone = list(gens["zone"].asstr()[...]) if "zone" in gens else None
            for i, ty in enumerate(gtype):
                col = stacks.setdefault(ty, np.zeros_like(load))
                zi = zn.index(gzone[i]) if gzone and gzone[i] in zn else 0
                col[:, zi] += gp[:, i]
    storage_neg = None
    if "storage" in stacks:
        storage_neg = np.minimum(stacks["storage"], 0)
        stacks["storage"] = np.maximum(stacks["storage"], 0)
    nx = series(z, "net_interchange", pl.nt)
    if nx is not None:
        stacks["import"] = np.maximum(-nx * 1e-6, 0)
    stacks = collections.OrderedDict((k, v) for k, v in stacks.items() if np.any(np.abs(v) > 1e-3))
    panels = [("system (all zones)", slice(None))] if len(zn) > 1 else []
    panels += [(n, i) for i, n in enumerate(zn)]
    fig, axes = plt.subplots(len(panels), 1, sharex=True, squeeze=False,
                             figsize=(11, 1.5 + 2.8 * len(panels)))
    x = pl.tl.x(pl.tl.t)
    for ax, (title, sel) in zip(axes[:, 0], panels):
        def pick(a):
            return a[:, sel].sum(axis=1) if isinstance(sel, slice) else a[:, sel]
        keys = [k for k in stacks if not (isinstance(sel, slice) and k == "import")
                and np.any(np.abs(pick(stacks[k])) > 1e-3)]
        ys = [pick(stacks[k]) for k in keys]
        cols = [TYPE_COLOURS.get(k) for k in keys]
        if ys:
            ax.stackplot(x, ys, labels=keys, colors=[c for c in cols] if all(cols) else None,
                         alpha=0.9, lw=0)
        ax.plot(x, pick(load), color="k", lw=1.6, label="load served")
        demand = pick(load)
        extra = []
        if nx is not None:
            exp = np.maximum(nx * 1e-6, 0)
            if not isinstance(sel, slice) and np.any(exp[:, sel] > 1e-3):
                demand = demand + exp[:, sel]
                extra.append("export")
        if storage_neg is not None and np.any(pick(storage_neg) < -1e-3):
            demand = demand - pick(storage_neg)
            extra.append("charging")
        if extra:
            ax.plot(x, demand, color="k", lw=1.0, ls="--", label="load + " + " + ".join(extra))
        shed = series(z, "shed_load", pl.nt)
        if shed is not None and np.any(pick(shed) > 0):
            ax.plot(x, pick(load) + pick(shed) * 1e-6, color="tab:red", lw=1, ls=":",
                    label="load before shedding")
        ax.set_ylabel("power (MW)")
        panel_name(ax, title)
        ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * 1.08)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    axes[0, 0].set_title("Generation by type against load" + pl.tag)
    pl.tl.format(axes[-1, 0])
    pl.save(fig, "power_generation.png")


def plot_power(pl, g):
    all_names = []
    for k in g:
        if isinstance(g[k], h5py.Group):
            all_names += names(g[k])
    if "zones" in g and "frequency" in g["zones"]:
        z = g["zones"]
        lab, lines = pl.element_lines(z, "frequency")
        # zones of one synchronous area share a frequency: one line for each group of
        # zones whose curves coincide at the plot's resolution
        span = max(float(np.nanmax([np.nanmax(y) - np.nanmin(y) for _, y, _ in lines])), 0.0)
        tol = max(1e-6, 2e-3 * span)
        groups = []
        for n, y, st in lines:
            for grp in groups:
                if np.allclose(grp[1], y, rtol=0, atol=tol, equal_nan=True):
                    grp[0].append(n)
                    break
            else:
                groups.append(([n], y, st))
        lines = [(", ".join(ns) + (" (coincide)" if len(ns) > 1 else ""), y, st)
                 for ns, y, st in groups]
        f0 = (pl.study.get("power") or {}).get("frequency", 50) if isinstance(
            pl.study.get("power"), dict) else 50
        try:
            f0 = float(str(f0).split()[0])
        except ValueError:
            f0 = 50.0
        lines.append((f"nominal {f0:g} Hz", np.full(pl.nt, f0),
                      {"color": "0.5", "ls": "--", "lw": 0.8}))
        panels = [(axis_label("frequency", lab), lines)]
        shed = series(z, "shed_load", pl.nt)
        if shed is not None and np.any(shed > 0):
            l2, sl = pl.element_lines(z, "shed_load")
            panels.append((axis_label("load shed", l2), sl))
        pl.time_panels("power_frequency.png", "Zone frequency", panels, all_names)
    plot_generation(pl, g)
    if "generators" in g and "power" in g["generators"]:
        lab, lines = pl.element_lines(g["generators"], "power")
        pl.time_panels("power_generators.png", "Generator outputs",
                       [(axis_label("electrical output", lab), lines)], names(g["generators"]))
    # ties against their limits
    t = g.get("ties")
    if t is not None and "power_flow" in t:
        tn = names(t)
        flow = series(t, "power_flow", pl.nt) * 1e-6
        fwd = series(t, "limit_forward", pl.nt)
        rev = series(t, "limit_reverse", pl.nt)
        fig, axes = plt.subplots(len(tn), 1, sharex=True, squeeze=False,
                                 figsize=(11, 1.5 + 2.4 * len(tn)))
        x = pl.tl.x(pl.tl.t)
        for i, (ax, n) in enumerate(zip(axes[:, 0], tn)):
            ax.plot(x, flow[:, i], color="tab:blue", label="flow")
            # a direction's limit is drawn when the flow runs that way
            if (fwd is not None and np.all(np.isfinite(fwd[:, i])) and np.any(fwd[:, i] > 0)
                    and np.nanmax(flow[:, i]) > 0):
                ax.plot(x, fwd[:, i] * 1e-6, color="tab:red", ls="--", label="limit (forward)")
            if (rev is not None and np.all(np.isfinite(rev[:, i])) and np.any(rev[:, i] > 0)
                    and np.nanmin(flow[:, i]) < 0):
                ax.plot(x, -rev[:, i] * 1e-6, color="tab:red", ls=":", label="limit (reverse)")
            ax.set_ylabel("power flow (MW)")
            panel_name(ax, f"{n} (+ from → to)")
            pl.mark_events(ax, [n], first=True)
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        axes[0, 0].set_title("Transit and tie flows against their limits" + pl.tag)
        pl.tl.format(axes[-1, 0])
        pl.save(fig, "power_ties.png")
    # wind and solar
    panels = []
    for grp, q in (("wind", "wind"), ("solar", "solar")):
        if grp in g and "power" in g[grp]:
            lab, lines = pl.element_lines(g[grp], "power")
            lines = [(f"{n} output", y, {"color": f"C{i}"}) for i, (n, y, _) in enumerate(lines)]
            if "available" in g[grp]:
                _, av = pl.element_lines(g[grp], "available")
                lines += [(f"{n} available", y, {"color": f"C{i}", "ls": "--", "lw": 0.9})
                          for i, (n, y, _) in enumerate(av)]
            panels.append((axis_label(f"{q} power", lab), lines))
    if "wind" in g and "hub_speed" in g["wind"]:
        lab, lines = pl.element_lines(g["wind"], "hub_speed")
        panels.append((axis_label("hub wind speed", lab), lines))
    if "solar" in g and "irradiance" in g["solar"]:
        lab, lines = pl.element_lines(g["solar"], "irradiance")
        panels.append((axis_label("irradiance", lab), lines))
    pl.time_panels("power_renewables.png", "Wind and solar output (dashed: available)",
                   panels, all_names)
    # storage
    s = g.get("storage")
    if s is not None:
        panels = []
        if "state_of_charge" in s:
            lab, lines = pl.element_lines(s, "state_of_charge", scale=(100.0, "%"))
            panels.append((axis_label("state of charge", lab), lines))
        if "power" in s:
            lab, lines = pl.element_lines(s, "power")
            panels.append((axis_label("output (+ discharge)", lab), lines))
        pl.time_panels("power_storage.png", "Storage", panels, names(s))


# ---------------------------------------------------------------------------------------
# coupling

def find_key(group, *patterns, units=None):
    """First dataset of `group` whose name matches one of the patterns (and units)."""
    for pat in patterns:
        for k in group:
            if k == "name" or not isinstance(group[k], h5py.Dataset) or group[k].ndim != 2:
                continue
            if re.search(pat, k) and (units is None or units_of(group[k]) in units):
                return k
    return None


def lookup(pl, path, key, element_names):
    """Columns of `path/key` for the given element names (None where missing)."""
    g = pl.f.get(path)
    if g is None or key not in g:
        return None
    a = series(g, key, pl.nt)
    nm = names(g)
    return [a[:, nm.index(n)] if n in nm else None for n in element_names]


def plot_coupling(pl, c):
    gp = c.get("gas_plants")
    if gp is not None:
        pn = names(gp)
        x = pl.tl.x(pl.tl.t)
        kp = find_key(gp, r"^electric_power$", r"^power$", r"output", r"power", units=("W",))
        kf = find_key(gp, r"fuel_mass_flow", r"fuel", r"mass_flow", units=("kg s-1",))
        kpr = find_key(gp, r"node_pressure", r"pressure", units=("Pa",))
        gen_power = None
        if kp is None:  # the generator of the same name in /power/generators
            gen_power = lookup(pl, "power/generators", "power", pn)
        node_p = None
        if kpr is None and "node" in gp:
            node_p = lookup(pl, "gas/nodes", "pressure", list(gp["node"].asstr()[...]))
        kd = find_key(gp, r"derate", r"trip")      # 0/1 flags: shading on the output panel
        extra = [k for k in gp if k not in ("name", "node", kp, kf, kpr, kd)
                 and isinstance(gp[k], h5py.Dataset) and gp[k].ndim == 2
                 and not re.search(r"burnt|energy|since", k + attr_str(gp[k], "long_name"))]
        extra.sort(key=lambda k: 0 if "heat_rate" in k else 1)
        for i, n in enumerate(pn):
            # panels for the extras that move during the run (the first two)
            ex = [k for k in extra if np.nanmax(series(gp, k, pl.nt)[:, i])
                  - np.nanmin(series(gp, k, pl.nt)[:, i]) > 0][:2]
            rows = 3 + len(ex)
            fig, axes = plt.subplots(rows, 1, sharex=True, squeeze=False,
                                     figsize=(11, 1.5 + 2.3 * rows))
            r = 0

            def put(ax, y, label, ylabel, color):
                ax.plot(x, y, color=color, label=label)
                ax.set_ylabel(ylabel)
                ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)

            if kp is not None:
                y, lab = display(series(gp, kp, pl.nt)[:, i], units_of(gp[kp]))
                put(axes[r, 0], y, f"{n} output", axis_label("electrical output", lab),
                    "tab:orange")
            elif gen_power and gen_power[i] is not None:
                put(axes[r, 0], gen_power[i] * 1e-6, f"{n} output", "electrical output (MW)",
                    "tab:orange")
            else:
                axes[r, 0].text(0.5, 0.5, "no electrical output in the file", ha="center",
                                transform=axes[r, 0].transAxes)
            r += 1
            if kf is not None:
                y, lab = display(series(gp, kf, pl.nt)[:, i], units_of(gp[kf]))
                put(axes[r, 0], y, f"{n} fuel offtake", axis_label("fuel gas mass flow", lab),
                    "tab:red")
            else:
                axes[r, 0].text(0.5, 0.5, "no fuel flow in the file", ha="center",
                                transform=axes[r, 0].transAxes)
            r += 1
            if kpr is not None:
                y, lab = display(series(gp, kpr, pl.nt)[:, i], units_of(gp[kpr]))
                put(axes[r, 0], y, "gas supply pressure",
                    axis_label("gas node pressure", lab + " abs"), "tab:blue")
            elif node_p and node_p[i] is not None:
                put(axes[r, 0], node_p[i] * 1e-5, "gas node pressure",
                    "gas node pressure (bar abs)", "tab:blue")
            else:
                axes[r, 0].text(0.5, 0.5, "no gas node pressure in the file", ha="center",
                                transform=axes[r, 0].transAxes)
            r += 1
            if kd is not None:
                flag = series(gp, kd, pl.nt)[:, i] > 0.5
                if flag.any():
                    edges = np.flatnonzero(np.diff(np.r_[0, flag.astype(int), 0]))
                    for j, (a, b) in enumerate(zip(edges[::2], edges[1::2])):
                        axes[0, 0].axvspan(x[a], x[min(b, len(x) - 1)], color="tab:red",
                                           alpha=0.15,
                                           label=kd.replace("_", " ") if j == 0 else None)
                    axes[0, 0].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0),
                                      borderaxespad=0)
            for k in ex:
                # a heat rate in J/J reads as MJ/kWh
                scale = (3.6, "MJ/kWh") if "heat_rate" in k and units_of(gp[k]) == "1" else None
                y, lab = display(series(gp, k, pl.nt)[:, i], units_of(gp[k]), scale)
                ln = attr_str(gp[k], "long_name", "")
                put(axes[r, 0], y, ln[:60] or k.replace("_", " "),
                    axis_label(k.replace("_", " "), lab), "tab:green")
                r += 1
            for ax in axes[:, 0]:
                pl.mark_events(ax, [n])
            axes[0, 0].set_title(f"Gas–power coupling: {n}{pl.tag}")
            pl.tl.format(axes[-1, 0])
            fig.align_ylabels(axes[:, 0])
            safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", n)
            pl.save(fig, f"coupling_{safe}.png")
    for k in c:
        if k != "gas_plants" and isinstance(c[k], h5py.Group):
            generic_group(pl, c[k], f"coupling_{k}.png", f"Coupling: {k.replace('_', ' ')}")


# ---------------------------------------------------------------------------------------
# anything else, events

def generic_group(pl, grp, fname, title, max_panels=4):
    """A panel per [time × element] dataset of the group (the first few)."""
    keys = [k for k in grp if k != "name" and isinstance(grp[k], h5py.Dataset)
            and grp[k].ndim == 2 and grp[k].shape[1] == len(names(grp))]
    panels = []
    for k in keys[:max_panels]:
        lab, lines = pl.element_lines(grp, k)
        ln = attr_str(grp[k], "long_name", "")
        q = ln if ln and len(ln) <= 28 else k.replace("_", " ")
        panels.append((axis_label(q, lab), lines))
    pl.time_panels(fname, title, panels, names(grp))


def plot_lumped(pl, g):
    for k in g:
        if isinstance(g[k], h5py.Group):
            generic_group(pl, g[k], f"lumped_{k}.png", f"Lumped network: {k}")


def plot_events(pl):
    ev = pl.events
    n = ev.time.size
    if n == 0:
        return
    if n <= EVENT_LIST_MAX:
        rows = [(pl.tl.event_when(ev.time[i]), ev.kind[i], ev.element[i], ev.message[i])
                for i in range(n)]
        w = [max(len(r[k]) for r in rows + [("time (UTC)", "kind", "element", "")])
             for k in range(3)]
        text = [f"{'time (UTC)':<{w[0]}}  {'kind':<{w[1]}}  {'element':<{w[2]}}  message"]
        text += [f"{a:<{w[0]}}  {b:<{w[1]}}  {c:<{w[2]}}  {m[:110]}" for a, b, c, m in rows]
        width = max(len(t) for t in text)
        fig = plt.figure(figsize=(max(8.0, 0.075 * width + 0.6), 0.9 + 0.19 * len(text)))
        fig.text(0.01, 0.99, f"Events ({n}){pl.tag}", va="top", fontsize=11)
        fig.text(0.01, 0.99 - 0.45 / fig.get_figheight(), "\n".join(text), va="top",
                 family="monospace", fontsize=8.5, linespacing=1.35)
        pl.save(fig, "events.png")
        return
    # a timeline: one row per element, marker per kind
    elems = list(dict.fromkeys(ev.element))
    fig, ax = plt.subplots(figsize=(11, 1.5 + 0.25 * len(elems)))
    kinds = list(dict.fromkeys(ev.kind))
    markers = "o^sDvP*X"
    for j, k in enumerate(kinds):
        idx = [i for i in range(n) if ev.kind[i] == k]
        ax.scatter(pl.tl.x(ev.time[idx]), [elems.index(ev.element[i]) for i in idx],
                   marker=markers[j % len(markers)], s=18, label=f"{k} ({len(idx)})")
    ax.set_yticks(range(len(elems)))
    ax.set_yticklabels(elems)
    ax.invert_yaxis()
    ax.set_ylabel("element")
    ax.set_title(f"Events ({n}) by element and kind{pl.tag}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    pl.tl.format(ax)
    pl.save(fig, "events.png")


# ---------------------------------------------------------------------------------------
# summary

def summarize(pl):
    f, tl = pl.f, pl.tl
    rows = []

    def add(domain, quantity, value):
        rows.append((domain, quantity, value))

    nt = pl.nt
    if "oil" in f:
        o = f["oil"]
        st = o.get("stations")
        if st is not None and "annual_rate" in st:
            a = series(st, "annual_rate", nt)
            for i, n in enumerate(names(st)):
                add("oil", f"throughput at {n}",
                    f"{np.nanmean(a[:, i]):.2f} Mt/yr mean ({a[0, i]:.2f} → {a[-1, i]:.2f})")
        te = o.get("terminals")
        if te is not None and "mass_flow" in te:
            a = series(te, "mass_flow", nt)
            for i, n in enumerate(names(te)):
                if np.nanmean(a[:, i]) < 0:
                    r = -kg_s_to_mt_yr(a[:, i])
                    add("oil", f"delivered at {n}",
                        f"{np.nanmean(r):.2f} Mt/yr mean ({r[0]:.2f} → {r[-1]:.2f})")
        pmin = None
        prof = o.get("profiles")
        if prof is not None:
            for p in prof:
                a = series(prof[p], "pressure", nt)
                if a is None or not np.isfinite(a).any():
                    continue
                ti, xi = np.unravel_index(np.nanargmin(a), a.shape)
                if pmin is None or a[ti, xi] < pmin[0]:
                    pmin = (a[ti, xi], f"{p} at km {prof[p]['distance'][xi] / 1e3:.1f}", ti)
        elif "pipes" in o:
            for key in ("inlet_pressure", "outlet_pressure"):
                a = series(o["pipes"], key, nt)
                if a is not None and np.isfinite(a).any():
                    ti, xi = np.unravel_index(np.nanargmin(a), a.shape)
                    if pmin is None or a[ti, xi] < pmin[0]:
                        pmin = (a[ti, xi], f"{names(o['pipes'])[xi]} {key.split('_')[0]}", ti)
        if pmin:
            add("oil", "minimum pressure (abs)",
                f"{pmin[0] * 1e-5:.2f} bar, {pmin[1]}, {tl.when(tl.t[pmin[2]])}")
        if "pipes" in o and "linefill_mass" in o["pipes"]:
            a = np.nansum(series(o["pipes"], "linefill_mass", nt), axis=1)
            add("oil", "linefill first → last",
                f"{a[0] / 1e3:.2f} → {a[-1] / 1e3:.2f} kt ({a[-1] - a[0]:+.1f} t)")
        if st is not None and "electric_power" in st:
            a = np.nansum(series(st, "electric_power", nt), axis=1) * 1e-6
            add("oil", "pump stations electric power", f"{np.nanmean(a):.1f} MW mean, "
                f"{np.nanmax(a):.1f} MW max")
    if "gas" in f:
        g = f["gas"]
        if "network" in g and "linepack" in g["network"]:
            lp = series(g["network"], "linepack", nt)[:, 0]
            d = lp[-1] - lp[0]
            add("gas", "line pack first → last",
                f"{lp[0] / 1e6:.2f} → {lp[-1] / 1e6:.2f} kt ({d / 1e6:+.2f} kt, "
                f"{100 * d / lp[0]:+.2f} %)" if lp[0] else "0")
        for key, q in (("gas_mass_supplied_kg", "mass supplied"),
                       ("gas_mass_withdrawn_kg", "mass withdrawn")):
            if key in f.attrs:
                add("gas", q, f"{float(f.attrs[key]) / 1e6:.2f} kt")
        if "nodes" in g and "pressure" in g["nodes"]:
            a = series(g["nodes"], "pressure", nt)
            ti, ni = np.unravel_index(np.nanargmin(a), a.shape)
            add("gas", "minimum node pressure (abs)",
                f"{a[ti, ni] * 1e-5:.2f} bar at {names(g['nodes'])[ni]}, {tl.when(tl.t[ti])}")
        if "compressors" in g:
            c = g["compressors"]
            for key, q in (("shaft_power", "compressor shaft power"),):
                if key in c:
                    a = np.nansum(series(c, key, nt), axis=1) * 1e-6
                    add("gas", q, f"{np.nanmean(a):.1f} MW mean, {np.nanmax(a):.1f} MW max")
            if "fuel_mass_flow" in c:
                a = np.nansum(series(c, "fuel_mass_flow", nt), axis=1)
                fuel = np.trapz(a, tl.t) if nt > 1 else 0.0
                if fuel:
                    add("gas", "compressor fuel burnt", f"{fuel / 1e3:.1f} t")
    if "power" in f:
        for k in ("generated", "served", "shed", "curtailed"):
            key = f"power_energy_{k}_J"
            if key in f.attrs:
                add("power", f"energy {k}", f"{float(f.attrs[key]) / 3.6e12:.3f} GWh")
            elif "zones" in f["power"] and f"energy_{k}" in f["power/zones"]:
                a = series(f["power/zones"], f"energy_{k}", nt)
                add("power", f"energy {k}", f"{np.nansum(a[-1]) / 3.6e12:.3f} GWh")
        z = f["power"].get("zones")
        if z is not None and "frequency" in z:
            a = series(z, "frequency", nt)
            for i, n in enumerate(names(z)):
                add("power", f"frequency {n}",
                    f"{np.nanmin(a[:, i]):.3f} … {np.nanmax(a[:, i]):.3f} Hz "
                    f"(min {tl.when(tl.t[np.nanargmin(a[:, i])])})")
        t = f["power"].get("ties")
        if t is not None and "power_flow" in t and "limit_forward" in t:
            fl = series(t, "power_flow", nt)
            lf = series(t, "limit_forward", nt)
            for i, n in enumerate(names(t)):
                peak = np.nanmax(np.abs(fl[:, i])) * 1e-6
                lim = np.nanmax(lf[:, i]) * 1e-6
                s = f"{peak:.0f} MW peak" + (f" (limit {lim:.0f} MW)" if lim > 0 else "")
                add("power", f"tie {n}", s)
    if "coupling" in f:
        gp = f["coupling"].get("gas_plants")
        if gp is not None:
            kf = find_key(gp, r"fuel_mass_flow", r"fuel", units=("kg s-1",))
            if kf:
                a = series(gp, kf, nt)
                for i, n in enumerate(names(gp)):
                    add("coupling", f"fuel offtake {n}",
                        f"{np.nanmin(a[:, i]):.2f} … {np.nanmax(a[:, i]):.2f} kg/s")
    if "lumped" in f and "nodes" in f["lumped"] and "pressure" in f["lumped/nodes"]:
        a = series(f["lumped/nodes"], "pressure", nt)
        for i, n in enumerate(names(f["lumped/nodes"])):
            add("lumped", f"pressure {n}",
                f"{np.nanmin(a[:, i]) * 1e-5:.2f} … {np.nanmax(a[:, i]) * 1e-5:.2f} bar")
    ev = pl.events
    counts = collections.Counter(ev.kind)
    add("events", "count by kind",
        ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) if counts else "none")
    w = max(len(r[0]) for r in rows)
    q = max(len(r[1]) for r in rows)
    lines = [f"{'domain':<{w}}  {'quantity':<{q}}  value", f"{'-' * w}  {'-' * q}  {'-' * 5}"]
    lines += [f"{d:<{w}}  {qq:<{q}}  {v}" for d, qq, v in rows]
    return lines


# ---------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="Steppe results file (.h5)")
    ap.add_argument("-o", "--output-dir", help="directory for the figures "
                    "(default: <results stem>_plots/ beside the file)")
    ap.add_argument("--allow-incomplete", action="store_true",
                    help="plot a file whose status is not 'complete' (running, failed)")
    args = ap.parse_args(argv)
    path = args.results
    if not os.path.isfile(path):
        print(f"plot.py: error: no such file: {path}", file=sys.stderr)
        return 2
    try:
        f = open_results(path)
    except OSError as e:
        print(f"plot.py: error: cannot open {path} as HDF5: {e}", file=sys.stderr)
        return 2
    with f:
        status = attr_str(f, "status", "(none)")
        if status != "complete" and not args.allow_incomplete:
            msg = attr_str(f, "message").strip().split("\n")[0]
            print(f"plot.py: error: {path} has status \"{status}\", not \"complete\""
                  + (f" ({msg})" if msg else "")
                  + "; pass --allow-incomplete to plot the samples it holds", file=sys.stderr)
            return 2
        if "time" not in f or f["time"].shape[0] == 0:
            print(f"plot.py: error: {path} holds no samples (/time is missing or empty)",
                  file=sys.stderr)
            return 2
        out = args.output_dir or os.path.join(
            os.path.dirname(os.path.abspath(path)),
            os.path.splitext(os.path.basename(path))[0] + "_plots")
        os.makedirs(out, exist_ok=True)
        pl = Plotter(f, out)
        for domain, fn in (("gas", plot_gas), ("oil", plot_oil), ("power", plot_power),
                           ("coupling", plot_coupling), ("lumped", plot_lumped)):
            if domain in f:
                fn(pl, f[domain])
        plot_events(pl)
        table = summarize(pl)
        tl = pl.tl
        head = (f"{attr_str(f, 'study_name') or os.path.basename(path)}: status {status}, "
                f"{tl.when(tl.t[0])} → {tl.when(tl.t[-1])} UTC, {pl.nt} samples")
        with open(os.path.join(out, "summary.txt"), "w", encoding="utf-8") as s:
            s.write(head + "\n" + "\n".join(table) + "\n")
    print(f"{len(pl.written)} figures in {out}/:")
    for p in pl.written:
        print(f"  {os.path.basename(p)}")
    print()
    print(head)
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # quiet when piped into head
    sys.exit(main())
