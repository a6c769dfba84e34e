"""Oil figures: pressure and hydraulic head along the route (with MAOP), pressures over
time, linefill, pump stations, terminals and injections, valves."""
import matplotlib.pyplot as plt
import numpy as np

from .common import element_names, names, series
from .generic import generic_group
from .profiles import profile_lines, profile_times
from .units import axis_label, display, pressure_pa, units_of


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


def plot_profile(pl, prof):
    """Pressure along the route at a few times, and (when the file has heads) the hydraulic
    gradient over the pipe's elevation; MAOP dashed on both."""
    maop = oil_maop(pl.study)
    times = profile_times(pl, [series(prof[p], "pressure", pl.nt) for p in prof
                               if "pressure" in prof[p]])
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
        profile_lines(pl, axp, d, pv, times, pi == 0)
        if pipe in maop:
            axp.plot([d[0], d[-1]], [maop[pipe] * 1e-5] * 2, color="tab:red", ls="--",
                     lw=1.2, label=None if maop_done else "MAOP")
            maop_done = True
        if have_head and "head" in grp:
            h = series(grp, "head", pl.nt)
            hv, hlab = display(h, units_of(grp["head"]))
            profile_lines(pl, axes[1, 0], d, hv, times, pi == 0)
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


def plot_oil(pl, g):
    all_names = element_names(g, skip=("profiles",))
    prof = g.get("profiles")
    if prof is not None and len(prof):
        plot_profile(pl, prof)
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

