"""The summary table: a row per quantity worth a glance, by domain (oil throughput and
minimum pressure, gas line pack, power energy and frequency, coupling fuel, lumped
pressures, the event count by kind)."""
import collections

import numpy as np

from .common import find_key, names, series
from .units import kg_s_to_mt_yr



def oil_rows(pl, add):
    """The oil rows: add(domain, quantity, value) each."""
    f, tl, nt = pl.f, pl.tl, pl.nt
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


def gas_rows(pl, add):
    """The gas rows: add(domain, quantity, value) each."""
    f, tl, nt = pl.f, pl.tl, pl.nt
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


def power_rows(pl, add):
    """The power rows: add(domain, quantity, value) each."""
    f, tl, nt = pl.f, pl.tl, pl.nt
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


def coupling_rows(pl, add):
    """The coupling rows: add(domain, quantity, value) each."""
    f, nt = pl.f, pl.nt
    if "coupling" in f:
        gp = f["coupling"].get("gas_plants")
        if gp is not None:
            kf = find_key(gp, r"fuel_mass_flow", r"fuel", units=("kg s-1",))
            if kf:
                a = series(gp, kf, nt)
                for i, n in enumerate(names(gp)):
                    add("coupling", f"fuel offtake {n}",
                        f"{np.nanmin(a[:, i]):.2f} … {np.nanmax(a[:, i]):.2f} kg/s")


def lumped_rows(pl, add):
    """The lumped rows: add(domain, quantity, value) each."""
    f, nt = pl.f, pl.nt
    if "lumped" in f and "nodes" in f["lumped"] and "pressure" in f["lumped/nodes"]:
        a = series(f["lumped/nodes"], "pressure", nt)
        for i, n in enumerate(names(f["lumped/nodes"])):
            add("lumped", f"pressure {n}",
                f"{np.nanmin(a[:, i]) * 1e-5:.2f} … {np.nanmax(a[:, i]) * 1e-5:.2f} bar")


def summarize(pl):
    """The table's lines: a header, a rule, then domain, quantity, value columns."""
    rows = []

    def add(domain, quantity, value):
        rows.append((domain, quantity, value))

    for domain_rows in (oil_rows, gas_rows, power_rows, coupling_rows, lumped_rows):
        domain_rows(pl, add)
    ev = pl.events
    counts = collections.Counter(ev.kind)
    add("events", "count by kind",
        ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) if counts else "none")
    w = max(len(r[0]) for r in rows)
    q = max(len(r[1]) for r in rows)
    lines = [f"{'domain':<{w}}  {'quantity':<{q}}  value", f"{'-' * w}  {'-' * q}  {'-' * 5}"]
    lines += [f"{d:<{w}}  {qq:<{q}}  {v}" for d, qq, v in rows]
    return lines
