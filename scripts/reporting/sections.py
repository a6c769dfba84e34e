"""The sections of a single run's report, in reading order: what the run was, the
constraints, the key summaries, the map, the line heat maps, the power system, the
machines (compressor maps, pump points), the significant events."""
import numpy as np
import pandas as pd
import matplotlib.dates as mdates
import matplotlib.pyplot as plt

from . import lines, netmap
from .common import MAX_SERIES, Colours, chunks, convert, hours, time_axis, to_display, when

ROUTINE_KINDS = {"schedule"}
ROUTINE_ELEMENT_KINDS = {"power generator"}      # dispatch: ramps, output at its limits
SIGNIFICANT_KINDS = {"trip", "failure", "nonphysical"}
NOTABLE = r"trip|fail|shed|offline"     # a dispatch-kind event with one of these matters
EVENT_ROWS_MAX = 200


def _num_t(r):
    return mdates.date2num(pd.DatetimeIndex(r.time).to_pydatetime())


# ---- what the run was ---------------------------------------------------------------
def run_overrides(a):
    """The --set overrides the run used (root attribute `overrides`, "; "-joined)."""
    if "overrides" not in a:
        return "not recorded (a file written before steppe recorded them)"
    return str(a["overrides"]) or "none (the study as written)"


def run_section(page, r, path):
    s = page.section("run", "The run")
    a = r.attrs
    status = str(a.get("status", ""))
    rows = [("study", a.get("study_name", "")), ("study file", a.get("study_path", "")),
            ("results file", path), ("status", status),
            ("message", str(a.get("message", "")).strip().split("\n")[0]),
            ("start (UTC)", when(r.start)),
            ("horizon", hours(a.get("duration_s", r.seconds[-1] if r.seconds.size else 0))),
            ("last sample (UTC)", when(r.time[-1]) if len(r.time) else ""),
            ("output interval", hours(a.get("output_interval_s", 0))),
            ("samples", len(r.time)), ("events", a.get("events", "")),
            ("overrides (--set)", run_overrides(a)),
            ("scenario overrides", a.get("sweep_overrides", "") if "sweep_scenario" in a else ""),
            ("scenario", a.get("sweep_scenario", "")),
            ("steppe", f"{a.get('steppe_version', '')} ({a.get('git_revision', '')})"),
            ("format", r.format_version)]
    s.table(["", ""], [(k, v) for k, v in rows if v != ""], tid="run-table")
    if status != "complete":
        s.p(f"The run did not complete (status {status}); the report shows the samples "
            "it wrote.", "warn")
    solver = [(k, a[k]) for k in sorted(a) if k.startswith("solver_")]
    stats = [(k, a[k]) for k in sorted(a) if k.startswith("stats_")] + [
        (k, a[k]) for k in ("unknowns", "jacobian_nonzeros", "wall_time_s") if k in a]
    s.h3("Solver settings and statistics")
    n = max(len(solver), len(stats))
    solver += [("", "")] * (n - len(solver))
    stats += [("", "")] * (n - len(stats))
    s.table(["setting", "value", "statistic", "value"],
            [(a1, b1, a2, b2) for (a1, b1), (a2, b2) in zip(solver, stats)],
            numeric=[False, True, False, True])


# ---- constraints ------------------------------------------------------------------
def constraint_rows(c):
    rows = []
    for _, row in c.iterrows():
        units = str(row.get("units", ""))
        lim, lab = to_display(row["limit_value"], units)
        worst, _ = to_display(row["worst_value"], units)
        rows.append([row["group"], row["element"], row["quantity"],
                     f"{row['bound']} ({row['limit']})", f"{float(lim):.4g} {lab}".strip(),
                     f"{float(worst):.4g} {lab}".strip(),
                     f"{abs(float(worst) - float(lim)):.3g} {lab}".strip(),
                     when(row["first_time"]), hours(row["duration"]), int(row["episodes"]),
                     when(row["worst_time"])])
    return rows


CONSTRAINT_HEADER = ["group", "element", "quantity", "limit", "limit value", "worst value",
                     "beyond the limit by", "first violated (UTC)", "violated for",
                     "episodes", "worst at (UTC)"]


def constraints_section(page, r):
    s = page.section("constraints", "Constraints")
    c = r.constraints()
    if c.empty:
        s.p("No monitored limit was violated at any output sample.", "ok")
        s.table(CONSTRAINT_HEADER, [], tid="constraints-table")
        return c
    s.p(f"{len(c)} monitored limits violated (checked at every output sample; a violation "
        "shorter than the output interval can be missed). Longest first.", "warn")
    c = c.sort_values("duration", ascending=False).reset_index(drop=True)
    s.table(CONSTRAINT_HEADER, constraint_rows(c), tid="constraints-table",
            row_classes=["bad"] * len(c), numeric=[False] * 9 + [True, False])
    return c


# ---- key summaries ------------------------------------------------------------------
def _integral(r, da):
    """∫ series dt per element (trapezoid over the samples), in the series' units × s."""
    v = np.nan_to_num(np.asarray(da.values, dtype=float))
    return np.trapz(v, r.seconds, axis=0) if r.seconds.size > 1 else np.zeros(v.shape[1])


def summaries_section(page, r):
    s = page.section("summaries", "Key summaries")
    rows = []

    def stat(system, what, da, to, label):
        v = convert(da.values, da.attrs.get("units", ""), to)
        rows.append([system, what, f"{np.nanmean(v):.4g}", f"{np.nanmin(v):.4g}",
                     f"{np.nanmax(v):.4g}", f"{v[0]:.4g}", f"{v[-1]:.4g}", label])

    if "oil/terminals" in r:
        t = r["oil/terminals"]
        for i, n in enumerate(t["terminal"].values):
            stat("oil", f"terminal {n}: flow into the line (− delivery)", t.mass_flow.isel(terminal=i),
                 "Mt/yr", "Mt/yr")
    for group, q, dim, system, what, to in (
            ("oil/pipes", "linefill_mass", "pipe", "oil", "linefill (all pipes)", "kt"),
            ("gas/supplies", "mass_flow", "supply", "gas", "supplied (all supplies)", "kg/s"),
            ("gas/offtakes", "mass_flow", "offtake", "gas", "withdrawn (all offtakes)", "kg/s"),
            ("gas/network", "linepack", "network", "gas", "line pack", "kt")):
        if group in r and q in r[group]:
            da = r[group][q]
            tot = da.sum(dim)
            tot.attrs["units"] = da.attrs.get("units", "")
            stat(system, what, tot, to, to)
    if "power/zones" in r:
        z = r["power/zones"]
        for q in ("load", "generation", "shed_load", "curtailment"):
            if q in z:
                v = z[q].sum("zone")
                v.attrs["units"] = "W"
                stat("power", f"{q.replace('_', ' ')} (all zones)", v, "MW", "MW")
    s.h3("Throughput, line pack, power")
    s.table(["system", "quantity", "mean", "min", "max", "first", "last", "unit"], rows,
            numeric=[False, False, True, True, True, True, True, False], tid="summary-table")
    totals = []
    for k in sorted(r.attrs):
        v = r.attrs[k]
        if k.endswith("_J"):
            totals.append([k[:-2].replace("_", " "), f"{convert(v, 'J', 'GWh'):.6g}", "GWh"])
        elif k.endswith("_kg"):
            totals.append([k[:-3].replace("_", " "), f"{convert(v, 'kg', 't'):.6g}", "t"])
    fuel = []
    if "gas/compressors" in r and "fuel_mass_flow" in r["gas/compressors"]:
        c = r["gas/compressors"]
        burnt = _integral(r, c.fuel_mass_flow)
        fuel.append(["gas compressors (gas-turbine drives)", f"{burnt.sum() / 1e3:.6g}", "t"])
    if "coupling/gas_plants" in r and "fuel_burnt" in r["coupling/gas_plants"]:
        fb = r["coupling/gas_plants"].fuel_burnt.values[-1]
        fuel.append(["gas-fired power plants", f"{np.nansum(fb) / 1e3:.6g}", "t"])
    s.h3("Energy and mass balance (totals over the run)")
    s.table(["total", "value", "unit"], totals + [["fuel burnt: " + a, b, u] for a, b, u in fuel],
            numeric=[False, True, False], tid="totals-table")
    if "power/zones" in r:
        z = r["power/zones"]
        ez = [q for q in ("energy_generated", "energy_served", "energy_shed", "energy_curtailed",
                          "energy_exported") if q in z]
        rows = []
        for i, n in enumerate(z["zone"].values):
            vals = [convert(z[q].values[-1, i], "J", "GWh") for q in ez]
            rows.append([n] + [f"{v:.5g}" for v in vals])
        s.h3("Energy balance per zone (GWh over the run)")
        s.table(["zone"] + [q.replace("energy_", "") for q in ez], rows,
                numeric=[False] + [True] * len(ez))


# ---- the map -------------------------------------------------------------------------
def map_section(page, r, ti, quantity, why):
    s = page.section("map", "Network map")
    maps = netmap.network_maps(r, ti, quantity, f"at {when(r.time[ti])} UTC ({why})")
    if not maps:
        s.p("No network in this file.")
    for sid, markup in maps:
        s.raw(f'<div id="{sid}">{markup}</div>')
    s.p(f"Pipes coloured by {'pressure' if quantity == 'pressure' else 'pressure over MAOP'}"
        f" at {when(r.time[ti])} UTC ({why}); choose with --map-time and --map-quantity.",
        "note")


# ---- heat maps ------------------------------------------------------------------------
def heatmap_section(page, r):
    s = page.section("heatmaps", "Pressure along the lines through time")
    t = _num_t(r)
    any_ = False
    for title, x, q, hi, lo in lines.oil_lines(r):
        any_ = True
        fig, note = lines.heat_map(t, x, q["pressure"], hi, lo, title + ": pressure")
        s.figure(fig, f"{title}: pressure along the route; red: MAOP contour, cyan dashed: "
                 f"vapour-pressure contour. {note}.", fid="heat-oil-pressure")
        if np.isfinite(q["head"]).any():
            fig, _ = lines.heat_map(t, x, q["head"], hi, lo, title + ": head", "head", "m")
            s.figure(fig, f"{title}: piezometric head along the route.", fid="heat-oil-head")
        batch_map(s, r, t, title, x, q)
    for k, (title, x, p, hi, lo, note) in enumerate(lines.gas_lines(r)):
        any_ = True
        fig, lim = lines.heat_map(t, x, p, hi, lo, title + ": pressure")
        s.figure(fig, f"{title}: {note}. Red: MAOP contour, cyan dashed: minimum-pressure "
                 f"contour. {lim}.", fid=f"heat-gas-{k}")
    if not any_:
        s.p("No oil profiles or gas lines in this file.")


def _slug(name):
    """A grade name as the oil model writes it in dataset names (models/oil/batch.cpp)."""
    return "".join(ch.lower() if ch.isalnum() else "_" for ch in str(name))


def batch_map(s, r, t, title, x, q):
    """The grade heat map of the oil line and, per grade, its linefill and leading interface
    at the end (from oil/pipes linefill_volume_<g> and interface_position_<g>)."""
    grades = [f.get("name") for f in ((_study(r).get("oil") or {}).get("fluids") or [])]
    fr = {g: q["fraction_" + _slug(g)] for g in grades[1:] if "fraction_" + _slug(g) in q}
    if len(grades) < 2 or len(fr) != len(grades) - 1:
        s.p("Batch grade along the line: this run tracks no batches (no oil.batches), so "
            "there is no grade heat map.", "note")
        return
    fig = lines.grade_map(t, x, fr, grades, title + ": grade")
    s.figure(fig, f"{title}: the dominant grade at each point and time (grade fractions of "
             "/oil/profiles/<pipe>/fraction_<grade>; the first grade holds the rest); black: "
             "interfaces, where a grade's fraction crosses ½.", fid="heat-oil-grade")
    pipes = r["oil/pipes"]
    rows = []
    for g in grades:
        v = "linefill_volume_" + _slug(g)
        ip = "interface_position_" + _slug(g)
        vol = float(np.nansum(pipes[v].values[-1])) if v in pipes else np.nan
        pos = pipes[ip].values[-1] if ip in pipes else np.array([np.nan])
        pos = float(np.nanmax(pos)) / 1e3 if np.isfinite(pos).any() else np.nan
        rows.append([g, f"{vol:.6g}", f"{pos:.6g}" if np.isfinite(pos) else "—"])
    s.table(["grade", "linefill at the end (m³)", "leading interface at the end (km)"], rows,
            tid="batch-table")


# ---- power ------------------------------------------------------------------------------
def _trip_events(ev):
    if ev.empty:
        return ev
    sel = ev["kind"].isin(["trip", "failure"]) | ev["message"].str.contains("trip", case=False)
    return ev[sel & ev["element_kind"].str.startswith("power")]


def event_window(secs, te):
    """The samples after an event at te s: those in the 30 min (or three output intervals)
    after it, and the index of the last sample at or before it (None without one)."""
    step = np.median(np.diff(secs)) if secs.size > 1 else 1800.0
    after = np.nonzero((secs > te) & (secs <= te + max(1800.0, 3 * step)))[0]
    before = np.nonzero(secs <= te)[0]
    return after, (before[-1] if before.size else None)


def nadir_rows(r, z, names, f0):
    """Per trip or failure in the power system and zone (its generator's zone, else every
    zone): nadir, RoCoF and the lowest sample. Exact (from <q>_lowest/_highest with their
    times) when the file has them, else from the samples. → (rows, exact)."""
    ev = _trip_events(r.events())
    secs = r.seconds
    f = np.asarray(z.frequency.values, dtype=float)
    exact = all(q in z for q in ("frequency_lowest", "frequency_lowest_time", "rocof_lowest",
                                 "rocof_lowest_time", "rocof_highest", "rocof_highest_time"))
    gen_zone = {}
    if "power/generators" in r:
        g = r["power/generators"]
        gen_zone = dict(zip(g["generator"].values, g["zone"].values))
    start = pd.Timestamp(r.start)
    at = lambda sec: when(start + pd.Timedelta(seconds=float(sec)))  # noqa: E731
    rows = []
    for _, e in ev.iterrows():
        te = float(e["time_s"])
        after, b = event_window(secs, te)
        if after.size == 0 or b is None:
            continue
        cand = [names.index(gen_zone[e["element"]])] if gen_zone.get(e["element"]) in names \
            else list(range(len(names)))
        for i in cand:
            k = after[np.argmin(f[after, i])]
            sampled = (f[k, i] - f0[i]) * 1e3
            if exact:
                lo = np.asarray(z.frequency_lowest.values[after, i], dtype=float)
                lo_t = np.asarray(z.frequency_lowest_time.values[after, i], dtype=float)
                ok = lo_t >= te
                if not ok.any():
                    continue
                j = np.argmin(np.where(ok, lo, np.inf))
                nadir, nadir_t = (lo[j] - f0[i]) * 1e3, lo_t[j]
                cands = []
                for q in ("rocof_lowest", "rocof_highest"):
                    v = np.asarray(z[q].values[after, i], dtype=float)
                    vt = np.asarray(z[q + "_time"].values[after, i], dtype=float)
                    cands += [(abs(a), a, t) for a, t in zip(v, vt) if t >= te and np.isfinite(a)]
                _, rocof, rocof_t = max(cands) if cands else (0, np.nan, np.nan)
                rows.append([when(e["time"]), e["kind"], e["element"], e["message"], names[i],
                             f"{nadir:.6g}", at(nadir_t), f"{rocof * 1e3:.6g}", at(rocof_t),
                             f"{sampled:.6g}"])
            else:
                rocof = (f[after[0], i] - f[b, i]) / (secs[after[0]] - secs[b])
                rows.append([when(e["time"]), e["kind"], e["element"], e["message"], names[i],
                             f"{sampled:.6g}", when(r.time[k]), f"{rocof * 1e3:.6g}",
                             "", f"{sampled:.6g}"])
    return rows, exact


def power_section(page, r, colours):
    s = page.section("power", "Power system")
    if "power/zones" not in r:
        s.p("No power system in this study.")
        return
    z = r["power/zones"]
    names = list(z["zone"].values)
    colours.register("power/zones", names)
    t = r.time
    f = np.asarray(z.frequency.values, dtype=float)
    f0 = z["nominal_frequency"].values if "nominal_frequency" in z.coords else np.full(len(names), 50.0)
    df = (f - f0[None, :]) * 1e3
    lo = (z["min_frequency"].values - f0) * 1e3 if "min_frequency" in z.coords else None
    hi = (z["max_frequency"].values - f0) * 1e3 if "max_frequency" in z.coords else None
    groups = chunks(range(len(names)))
    fig, axes = plt.subplots(len(groups), 1, figsize=(11, 3.2 * len(groups)), squeeze=False,
                             sharex=True)
    for ax, idx in zip(axes[:, 0], groups):
        for i in idx:
            ax.plot(t, df[:, i], color=colours("power/zones", names[i]), label=names[i], lw=1.2)
        if lo is not None and np.isfinite(lo).any():
            band_lo, band_hi = np.nanmax(lo), np.nanmin(hi)
            ax.axhspan(band_lo, band_hi, color="green", alpha=0.08, label="normal band")
            ax.axhline(band_lo, color="green", lw=0.8)
            ax.axhline(band_hi, color="green", lw=0.8)
            span = max(abs(band_lo), abs(band_hi), np.nanmax(np.abs(df[:, idx])))
        else:
            span = max(np.nanmax(np.abs(df[:, idx])), 20.0)
        ax.set_ylim(-1.15 * span, 1.15 * span)
        ax.set_ylabel("Δf (mHz)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    axes[0, 0].set_title("Frequency deviation from nominal, with the normal band")
    time_axis(axes[-1, 0])
    s.h3("Frequency")
    s.figure(fig, "Δf = f − f0 in mHz; the shaded band is the zones' normal frequency band "
             "(the monitored limit). Largest |Δf|: " + ", ".join(
                 f"{n} {np.nanmax(np.abs(df[:, i])):.3g} mHz" for i, n in enumerate(names)),
             fid="power-frequency")
    # nadir and RoCoF per event
    s.h3("Nadir and RoCoF per event")
    rows, exact = nadir_rows(r, z, names, f0)
    if exact:
        s.p("Exact extremes: the nadir is the lowest frequency of the solver's solution in the "
            "30 min (or three samples) after the event and RoCoF its steepest df/dt there, from "
            "frequency_lowest and rocof_lowest/_highest, which the run evaluates at every solver "
            "step and between steps (not only at the output samples); the lowest output sample "
            "is shown beside them.", "note")
    else:
        dt = np.median(np.diff(r.seconds)) if r.seconds.size > 1 else 0
        s.p(f"From the output samples (every {hours(dt)}; this file has no exact extremes): "
            "the nadir is the lowest sample in the 30 min (or three samples) after the event, "
            "RoCoF the slope between the samples around it — a finer output interval gives "
            "the true values.", "note")
    s.table(["time (UTC)", "kind", "element", "what", "zone", "nadir Δf (mHz)",
             "nadir at (UTC)", "RoCoF (mHz/s)", "RoCoF at (UTC)", "lowest sample Δf (mHz)"],
            rows, tid="rocof-table")
    if not rows:
        s.p("No trip or failure in the power system.")
    # generation stack per zone
    kinds = [k for k in ("generation_coal", "generation_gas", "generation_hydro",
                         "generation_wind", "generation_solar", "generation_storage",
                         "generation_external") if k in z]
    stack_colours = {"generation_coal": "#444444", "generation_gas": "#d62728",
                     "generation_hydro": "#1f77b4", "generation_wind": "#2ca02c",
                     "generation_solar": "#ffbf00", "generation_storage": "#9467bd",
                     "generation_external": "#8c564b"}
    for idx in chunks(range(len(names))):
        nc = 2
        nr = (len(idx) + 1) // 2
        fig, axes = plt.subplots(nr, nc, figsize=(11, 2.8 * nr), squeeze=False, sharex=True)
        for k, i in enumerate(idx):
            ax = axes[k // nc, k % nc]
            ys = [convert(np.clip(z[q].values[:, i], 0, None), "W", "MW") for q in kinds]
            ax.stackplot(t, *ys, colors=[stack_colours[q] for q in kinds],
                         labels=[q.replace("generation_", "") for q in kinds], alpha=0.85)
            ax.plot(t, convert(z["load"].values[:, i], "W", "MW"), color="k", lw=1.2, label="load")
            ax.set_title(names[i])
            ax.set_ylabel("MW")
            time_axis(ax)
        for k in range(len(idx), nr * nc):
            axes[k // nc, k % nc].set_visible(False)
        axes[0, 0].legend(loc="upper left", fontsize=7, ncol=4)
        s.figure(fig, "Generation stack per zone (storage discharge only; charging is load) "
                 "and the load served.", fid="power-stack")
    # ties
    if "power/ties" in r:
        ties = r["power/ties"]
        tn = list(ties["tie"].values)
        colours.register("power/ties", tn)
        flow = convert(ties.power_flow.values, "W", "MW")
        fwd = convert(ties["max_power_flow"].values, "W", "MW")
        rev = convert(ties["min_power_flow"].values, "W", "MW")
        for idx in chunks(range(len(tn))):
            fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.6),
                                         gridspec_kw={"width_ratios": [3, 2]})
            for i in idx:
                c = colours("power/ties", tn[i])
                util = np.where(flow[:, i] >= 0, flow[:, i] / fwd[i], flow[:, i] / -rev[i])
                a1.plot(t, util * 100, color=c, label=tn[i])
                d = np.sort(np.abs(util))[::-1] * 100
                a2.plot(np.linspace(0, 100, d.size), d, color=c, label=tn[i])
            for ax in (a1, a2):
                ax.axhline(100, color="red", lw=1)
            a1.axhline(-100, color="red", lw=1)
            a1.set_ylabel("flow / limit in its direction (%)")
            a1.set_title("Ties against their limits")
            time_axis(a1)
            a2.set_xlabel("% of the time exceeded")
            a2.set_ylabel("|flow| / limit (%)")
            a2.set_title("Duration curves")
            a2.legend(fontsize=7, loc="upper right")
            s.figure(fig, "Tie flows as a share of the transfer limit in their direction "
                     "(red: the limit) and their duration curves.", fid="power-ties")


# ---- machines ---------------------------------------------------------------------------
def machines_section(page, r, colours):
    s = page.section("machines", "Compressor operating maps and pump operating points")
    done = False
    if "gas/compressors" in r:
        c = r["gas/compressors"]
        names = list(c["compressor"].values)
        tnum = _num_t(r)
        m_exp = _compressor_exponents(r)
        for idx in chunks(range(len(names)), 12):
            nc = 4
            nr = (len(idx) + nc - 1) // nc
            fig, axes = plt.subplots(nr, nc, figsize=(11, 2.6 * nr), squeeze=False)
            for k, i in enumerate(idx):
                ax = axes[k // nc, k % nc]
                q = c.mass_flow.values[:, i]
                ratio = c.pressure_ratio.values[:, i]
                ax.plot(q, ratio, color="0.7", lw=0.8)
                sc = ax.scatter(q, ratio, c=tnum, cmap="viridis", s=6, zorder=3)
                for lim, style in (("ratio_max", "-"), ("ratio_min", "--")):
                    if lim in c.coords and np.isfinite(c[lim].values[i]):
                        ax.axhline(c[lim].values[i], color="red", ls=style, lw=1)
                if "flow_max" in c.coords and np.isfinite(c["flow_max"].values[i]):
                    ax.axvline(c["flow_max"].values[i], color="red", ls=":", lw=1)
                fmax = c["flow_max"].values[i] if "flow_max" in c.coords else np.nan
                top = [v for v in (np.nanmax(np.abs(q)), fmax) if np.isfinite(v)]
                xmax = 1.1 * max(top + [1e-9])
                curve = power_limit_curve(c, i, m_exp.get(names[i], M_DEFAULT), xmax)
                if curve is not None:
                    rmax = c["ratio_max"].values[i] if "ratio_max" in c.coords else np.nan
                    top = np.nanmax([np.nanmax(ratio), rmax if np.isfinite(rmax) else np.nan])
                    ax.plot(curve[0], curve[1], color="red", ls="-.", lw=1.2)
                    ax.set_ylim(min(0.95, 0.95 * np.nanmin(ratio)), 1.1 * top)
                ax.set_xlim(0, xmax)
                ax.set_title(names[i], fontsize=9)
                ax.set_xlabel("mass flow (kg/s)", fontsize=8)
                ax.set_ylabel("pressure ratio", fontsize=8)
            for k in range(len(idx), nr * nc):
                axes[k // nc, k % nc].set_visible(False)
            fig.subplots_adjust(hspace=0.6, wspace=0.35)
            cb = fig.colorbar(sc, ax=axes, shrink=0.6, pad=0.01)
            loc = mdates.AutoDateLocator()
            cb.ax.yaxis.set_major_locator(loc)
            cb.ax.yaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
            s.figure(fig, "Compressor operating maps: pressure ratio against mass flow, the "
                     "run's trajectory coloured by time; red: ratio_max (solid), ratio_min "
                     "(dashed), flow_max (dotted), the shaft-power limit power_max "
                     "(dash-dot: ṁ·Z R T (r^m − 1)/(m η_p) = power_max, m = (κ − 1)/(κ η_p) "
                     "from the study, Z R T/(m η_p) the median of the run's "
                     "P/(ṁ (r^m − 1))).", fid="compressor-maps")
            done = True
        compressor_power_table(s, r, c, names)
    if "oil/stations" in r:
        pump_points(s, r)
        done = True
    if not done:
        s.p("No compressors or pump stations in this study.")


M_DEFAULT = (1.3 - 1) / (1.3 * 0.82)    # m = (κ − 1)/(κ η_p) at the defaults


def _study(r):
    import yaml
    try:
        return yaml.safe_load(str(r.attrs.get("study", ""))) or {}
    except yaml.YAMLError:
        return {}


def _compressor_exponents(r):
    """{compressor: m = (κ − 1)/(κ η_p)} from the study as run (defaults κ 1.3, η_p 0.82)."""
    out = {}
    for cs in ((_study(r).get("gas") or {}).get("compressors") or []):
        try:
            k = float(cs.get("isentropic_exponent", 1.3))
            eta = float(cs.get("polytropic_efficiency", 0.82))
            out[cs.get("name")] = (k - 1) / (k * eta)
        except (TypeError, ValueError):
            continue
    return out


def power_limit_curve(c, i, m, xmax):
    """(flow kg/s, ratio) along the shaft-power limit of compressor i, or None without one:
    P = ṁ·K·(r^m − 1) with K = Z R T/(m η_p) the median over the run of P/(ṁ (r^m − 1))."""
    if "power_max" not in c.coords or not np.isfinite(c["power_max"].values[i]):
        return None
    pmax = float(c["power_max"].values[i])
    q = np.asarray(c.mass_flow.values[:, i], dtype=float)
    r_ = np.asarray(c.pressure_ratio.values[:, i], dtype=float)
    p = np.asarray(c.shaft_power.values[:, i], dtype=float)
    ok = (q > 1e-6) & (r_ > 1 + 1e-6) & (p > 0)
    if not ok.any():
        return None
    K = float(np.median(p[ok] / (q[ok] * (r_[ok] ** m - 1))))
    flow = np.linspace(xmax / 200, xmax, 200)
    return flow, (1 + pmax / (flow * K)) ** (1 / m)


def compressor_power_table(s, r, c, names):
    """Per compressor: its shaft-power limit, the highest shaft power and when, and the time
    its power limit held (active_limit = power_max at the samples)."""
    p = np.asarray(c.shaft_power.values, dtype=float)
    pmax = c["power_max"].values if "power_max" in c.coords else np.full(len(names), np.nan)
    act = np.asarray(c.active_limit.values, dtype=float) if "active_limit" in c else None
    dt = np.median(np.diff(r.seconds)) if r.seconds.size > 1 else 0.0
    rows = []
    for i, n in enumerate(names):
        k = int(np.nanargmax(p[:, i]))
        held = int(np.sum(act[:, i] == 2)) if act is not None else 0
        rows.append([n, f"{pmax[i] / 1e6:.4g}" if np.isfinite(pmax[i]) else "none",
                     f"{p[k, i] / 1e6:.4g}", when(r.time[k]),
                     f"{100 * p[k, i] / pmax[i]:.4g}" if np.isfinite(pmax[i]) else "",
                     held, hours(held * dt)])
    s.h3("Compressor shaft power against its limit")
    s.table(["compressor", "power_max (MW)", "highest shaft power (MW)", "at (UTC)",
             "of power_max (%)", "samples at power_max", "≈ time at power_max"], rows,
            tid="compressor-power-table", numeric=[False, True, True, False, True, True, False])


G = 9.80665


def _station_pumps(r):
    """{station: (n_series, n_parallel, H0 m, k m/(m3/s)^2)} from the study as run (the
    root attribute `study`), through the steppe unit parser."""
    import yaml
    from steppe import units as su
    try:
        study = yaml.safe_load(str(r.attrs.get("study", ""))) or {}
    except yaml.YAMLError:
        return {}
    out = {}
    for st in ((study.get("oil") or {}).get("stations") or []):
        pumps = st.get("pumps") or {}
        try:
            def si(key):
                v = pumps.get(key)
                return None if v is None else (float(v) if isinstance(v, (int, float))
                                               else su.parse_quantity(str(v)).value)
            h0 = si("shutoff_head")
            k = si("curve_coefficient")
            if k is None:
                k = (h0 - si("rated_head")) / si("rated_flow") ** 2
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        n = int(pumps.get("count", 1))
        series = str(pumps.get("arrangement", "series")) == "series"
        out[st.get("name")] = (n if series else 1, 1 if series else n, h0, k)
    return out


def _station_density(r, station_row):
    """ρ at the station's suction from the upstream pipe's profile: head = p/(ρ g) + z, so
    ρ = p / (g (head − z)) at its last point (per sample)."""
    g = "oil/profiles/" + str(station_row)
    if g not in r:
        return None
    pr = r[g]
    if not all(k in pr for k in ("pressure", "head", "elevation")):
        return None
    p = pr["pressure"].values[:, -1]
    hz = pr["head"].values[:, -1] - pr["elevation"].values[:, -1]
    with np.errstate(all="ignore"):
        rho = p / (G * hz)
    return rho


def pump_points(s, r):
    st = r["oil/stations"]
    names = list(st["station"].values)
    pumps = _station_pumps(r)
    nc = 3
    nr = (len(names) + nc - 1) // nc
    fig, axes = plt.subplots(nr, nc, figsize=(11, 2.9 * nr), squeeze=False)
    tnum = _num_t(r)
    curves = 0
    for k, n in enumerate(names):
        ax = axes[k // nc, k % nc]
        h = st["head"].values[:, k]
        speed = st["speed"].values[:, k]
        rho = _station_density(r, st["upstream_pipe"].values[k])
        if rho is not None and np.isfinite(rho).any():
            x = st.mass_flow.values[:, k] / rho * 3600.0
            xlabel = "volume flow (m³/h)"
        else:
            x = convert(st.mass_flow.values[:, k], "kg s-1", "t/h")
            xlabel = "mass flow (t/h)"
        ax.plot(x, h, color="0.7", lw=0.8)
        sc = ax.scatter(x, h, c=tnum, cmap="viridis", s=8, zorder=3)
        xmax = 1.3 * max(np.nanmax(np.abs(x)), 1e-9)
        if n in pumps and xlabel.startswith("volume"):
            ns, npar, h0, kk = pumps[n]
            q = np.linspace(0, xmax, 100)
            for sp, style in ((st["min_speed"].values[k], ":"), (1.0, "-"),
                              (st["max_speed"].values[k], "--"), (np.nanmedian(speed), "-.")):
                if not np.isfinite(sp):
                    continue
                hq = ns * (h0 * sp ** 2 - kk * (q / 3600.0 / npar) ** 2)
                ax.plot(q, np.where(hq > 0, hq, np.nan), color="tab:red", ls=style, lw=0.9,
                        label=f"s = {sp:.2f}")
            curves += 1
            ax.legend(fontsize=6, loc="lower left")
        ax.set_xlim(0, xmax)
        ax.set_ylim(0, 1.2 * max(np.nanmax(np.abs(h)), 1e-9,
                                 pumps[n][0] * pumps[n][2] * 1.05 if n in pumps else 0))
        ax.set_title(f"{n} (speed {np.nanmin(speed):.2f}–{np.nanmax(speed):.2f})", fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel("station head (m)", fontsize=8)
    for k in range(len(names), nr * nc):
        axes[k // nc, k % nc].set_visible(False)
    fig.subplots_adjust(hspace=0.5, wspace=0.3)
    s.figure(fig, "Pump stations: head developed against flow, the run coloured by time, on "
             "the station curves H = n_s (H0 s² − k (Q/n_p)²) of the study's pump keys at the "
             "minimum (dotted), rated (solid), maximum (dashed) and median run speed "
             "(dash-dot); Q = ṁ/ρ with ρ = p/(g (head − z)) at the suction end of the "
             f"upstream profile. Curves drawn for {curves} of {len(names)} stations.",
             fid="pump-points")


# ---- events --------------------------------------------------------------------------------
def significant(ev):
    """A boolean mask: the events that matter (trips, failures, violations, mode switches)
    — all but schedule changes and the generators' dispatch (ramp modes, output at its
    limits) unless a generator trips, fails, sheds or goes offline."""
    if ev.empty:
        return np.zeros(0, dtype=bool)
    kind = ev["kind"].astype(str)
    ek = ev["element_kind"].astype(str) if "element_kind" in ev else pd.Series([""] * len(ev))
    msg = ev["message"].astype(str)
    routine = kind.isin(ROUTINE_KINDS) | (ek.isin(ROUTINE_ELEMENT_KINDS)
                                          & kind.isin(["mode", "limit"])
                                          & ~msg.str.contains(NOTABLE, case=False, regex=True))
    return (~routine | kind.isin(SIGNIFICANT_KINDS)).values


TIE_LIMIT = r"(exceeds|back below) the (forward|reverse) limit"
TIE_LIMIT_ANY = r"(?:exceeds|back below) the (?:forward|reverse) limit"


def tie_limit_events(ev):
    """A boolean mask: the ties' limit events (an overload starting or ending)."""
    if ev.empty:
        return np.zeros(0, dtype=bool)
    ek = ev["element_kind"].astype(str) if "element_kind" in ev else pd.Series([""] * len(ev))
    return ((ek == "power tie") & (ev["kind"].astype(str) == "limit")
            & ev["message"].astype(str).str.contains(TIE_LIMIT_ANY, regex=True)).values


def tie_episodes(ev, end_s):
    """Tie overload episodes as the solver records them (models/power/tie.hpp: a flow
    swinging around its limit is one episode, ended once it has stayed below the limit for
    the tie's overload_reset): per tie and direction, from "exceeds" to "back below", the
    tie's trip or the end of the run. → [(tie, direction, start s, end s, how it ended:
    "back below", "tripped" or "end of run")], in order of start."""
    rows = []
    open_ = {}
    ek = ev["element_kind"].astype(str) if "element_kind" in ev else pd.Series([""] * len(ev))
    trips = (ek == "power tie").values & ev["message"].astype(str).str.contains(
        "tripped", case=False).values
    for _, e in ev[tie_limit_events(ev) | trips].sort_values("time_s", kind="stable").iterrows():
        t = float(e["time_s"])
        if "tripped" in str(e["message"]).lower():   # out of service: its overloads end
            for key in [k for k in open_ if k[0] == e["element"]]:
                rows.append((*key, open_.pop(key), t, "tripped"))
            continue
        m = pd.Series([e["message"]]).str.extract(TIE_LIMIT).iloc[0]
        key = (e["element"], m[1])
        if m[0] == "exceeds":
            open_.setdefault(key, t)
        elif key in open_:
            rows.append((*key, open_.pop(key), t, "back below"))
    rows += [(*key, t0, end_s, "end of run") for key, t0 in open_.items()]
    return sorted(rows, key=lambda row: row[2])


def events_section(page, r):
    s = page.section("events", "Significant events")
    ev = r.events()
    if ev.empty:
        s.p("No events.")
        s.table(["time (UTC)", "kind", "element", "element kind", "value", "what"], [],
                tid="events-table")
        return
    tie = tie_limit_events(ev)
    sig = significant(ev) & ~tie
    imp = ev[sig]
    rest = ev[~sig & ~tie]
    s.p(f"{len(ev)} events: {len(imp)} significant (trips, failures, limits reached, mode "
        f"switches), {int(tie.sum())} tie-line overloads starting or ending as the "
        f"episodes below, {len(rest)} routine dispatch changes folded into the count below.")
    if len(imp):
        labels = list(dict.fromkeys(imp["element"].replace("", "(system)")))[:30]
        fig, ax = plt.subplots(figsize=(11, 1.2 + 0.25 * len(labels)))
        markers = {"trip": ("X", "red"), "failure": ("X", "black"), "limit": ("o", "orange"),
                   "mode": ("s", "tab:blue"), "nonphysical": ("D", "purple"),
                   "schedule": ("|", "gray")}
        shown = set()
        for _, e in imp.iterrows():
            el = e["element"] or "(system)"
            if el not in labels:
                continue
            m, c = markers.get(e["kind"], ("o", "gray"))
            ax.scatter([e["time"]], [labels.index(el)], marker=m, color=c, s=40,
                       label=e["kind"] if e["kind"] not in shown else None)
            shown.add(e["kind"])
        ax.set_yticks(range(len(labels)))
        ax.set_yticklabels(labels, fontsize=8)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set_xlim(r.time[0], r.time[-1])
        time_axis(ax)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.set_title("Event timeline (significant events)")
        s.figure(fig, "Significant events by element" + (
            f" (the first 30 of {imp['element'].nunique()} elements)"
            if imp["element"].nunique() > 30 else ""), fid="event-timeline")
    rows = [[when(e["time"]), e["kind"], e["element"], e.get("element_kind", ""),
             f"{float(e['value']):.6g} {e.get('units', '')}".strip()
             if np.isfinite(e["value"]) else "", e["message"]]
            for _, e in imp.head(EVENT_ROWS_MAX).iterrows()]
    s.table(["time (UTC)", "kind", "element", "element kind", "value", "what"], rows,
            tid="events-table")
    if len(imp) > EVENT_ROWS_MAX:
        s.p(f"… and {len(imp) - EVENT_ROWS_MAX} more significant events (steppe export "
            "writes them all).", "note")
    if tie.any():
        start = pd.Timestamp(r.start)
        at = lambda sec: when(start + pd.Timedelta(seconds=float(sec)))  # noqa: E731
        end_s = float(r.seconds[-1])
        rows = [[n, d, at(a), f"{at(b)} ({how})", hours(b - a)]
                for n, d, a, b, how in tie_episodes(ev, end_s)]
        s.h3("Tie-line overloads")
        s.p("One row per overload episode as the solver records it: from the flow exceeding "
            "the limit to its staying back below for the tie's overload_reset (default 10 s; "
            "a flow swinging around its limit is one episode), the tie's trip or the end of "
            "the run.", "note")
        s.table(["tie", "limit", "overload started (UTC)", "ended (UTC)", "duration"], rows,
                tid="tie-episodes-table")
    if len(rest):
        folded = rest.groupby(["kind", "element_kind", "message"]).size().reset_index(
            name="count").sort_values("count", ascending=False)
        s.h3("Routine dispatch changes (counted)")
        s.table(["kind", "element kind", "what", "count"], folded.values.tolist(),
                numeric=[False, False, False, True], tid="routine-table")
