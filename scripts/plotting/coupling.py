"""Coupling figures: per gas-fired plant, its electrical output, fuel offtake, gas supply
pressure and whatever else moves (heat rate …); other coupling groups generically."""
import re

import h5py
import matplotlib.pyplot as plt
import numpy as np

from .common import attr_str, find_key, names, series
from .figure import file_safe, legend_outside
from .generic import generic_group
from .units import axis_label, display, units_of


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
                legend_outside(ax)

            def missing(ax, what):
                ax.text(0.5, 0.5, f"no {what} in the file", ha="center", transform=ax.transAxes)

            # (dataset, else columns from elsewhere × factor in unit, legend label, else
            # label, quantity, unit suffix, colour, what is missing when neither)
            for key, alt, factor, unit, label, alt_label, quantity, suffix, color, what in (
                    (kp, gen_power, 1e-6, "MW", f"{n} output", f"{n} output",
                     "electrical output", "", "tab:orange", "electrical output"),
                    (kf, None, None, None, f"{n} fuel offtake", None,
                     "fuel gas mass flow", "", "tab:red", "fuel flow"),
                    (kpr, node_p, 1e-5, "bar", "gas supply pressure", "gas node pressure",
                     "gas node pressure", " abs", "tab:blue", "gas node pressure")):
                if key is not None:
                    y, lab = display(series(gp, key, pl.nt)[:, i], units_of(gp[key]))
                    put(axes[r, 0], y, label, axis_label(quantity, lab + suffix), color)
                elif alt and alt[i] is not None:
                    put(axes[r, 0], alt[i] * factor, alt_label,
                        axis_label(quantity, unit + suffix), color)
                else:
                    missing(axes[r, 0], what)
                r += 1
            if kd is not None:
                flag = series(gp, kd, pl.nt)[:, i] > 0.5
                if flag.any():
                    edges = np.flatnonzero(np.diff(np.r_[0, flag.astype(int), 0]))
                    for j, (a, b) in enumerate(zip(edges[::2], edges[1::2])):
                        axes[0, 0].axvspan(x[a], x[min(b, len(x) - 1)], color="tab:red",
                                           alpha=0.15,
                                           label=kd.replace("_", " ") if j == 0 else None)
                    legend_outside(axes[0, 0])
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
            pl.finish(fig, axes, f"Gas–power coupling: {n}", f"coupling_{file_safe(n)}.png",
                      align=True)
    for k in c:
        if k != "gas_plants" and isinstance(c[k], h5py.Group):
            generic_group(pl, c[k], f"coupling_{k}.png", f"Coupling: {k.replace('_', ' ')}")
