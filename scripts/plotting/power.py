"""Power figures: zone frequency, generation stacked by type against load, generator
outputs, ties against their limits, wind and solar, storage."""
import collections

import matplotlib.pyplot as plt
import numpy as np

from .common import element_names, names, series
from .figure import legend_outside, panel_name
from .units import axis_label

TYPE_COLOURS = collections.OrderedDict([
    ("coal", "#4d4d4d"), ("gas", "#e07b39"), ("hydro", "#3b75af"), ("wind", "#7fc97f"),
    ("solar", "#f2c12e"), ("storage", "#9467bd"), ("external", "#b0b0b0"),
    ("import", "#d9d9d9")])



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
        legend_outside(ax)
    pl.finish(fig, axes, "Generation by type against load", "power_generation.png")


def plot_ties(pl, t):
    """Each tie's flow (+ from → to) against its limit in the direction it runs."""
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
        legend_outside(ax)
    pl.finish(fig, axes, "Transit and tie flows against their limits", "power_ties.png")


def plot_power(pl, g):
    all_names = element_names(g)
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
    t = g.get("ties")
    if t is not None and "power_flow" in t:
        plot_ties(pl, t)
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

