"""The ensemble report (a `steppe sweep` directory): what the sweep was, the scenarios, the
distribution of violations across them, and fan charts (median, 5–95 %) of chosen
quantities."""
import os

import h5py
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

from .common import MAX_SERIES, chunks, hours, time_axis, to_display, when
from .sections import CONSTRAINT_HEADER, constraint_rows, run_overrides

# group/quantity shown as fan charts when none are asked for (those the files hold)
DEFAULT_FANS = ["power/zones/frequency", "gas/nodes/pressure", "gas/network/linepack",
                "oil/terminals/mass_flow", "power/ties/power_flow", "gas/offtakes/mass_flow",
                "oil/stations/discharge_pressure"]


def _index_attrs(directory):
    path = os.path.join(directory, "ensemble.h5")
    if not os.path.exists(path):
        return {}
    with h5py.File(path, "r") as f:
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}


def sweep_section(page, ens, directory):
    s = page.section("run", "The sweep")
    a = _index_attrs(directory)
    first = ens.result(ens.names[0])
    sc = ens.scenarios
    n_ok = int((sc["status"] == "complete").sum()) if "status" in sc else 0
    rows = [("study", a.get("study_name", first.attrs.get("study_name", ""))),
            ("study file", a.get("study_path", first.attrs.get("sweep_study", ""))),
            ("directory", directory), ("scenarios", len(sc)),
            ("complete", n_ok), ("not complete", len(sc) - n_ok),
            ("overrides (--set, every scenario)", run_overrides(first.attrs)),
            ("start (UTC)", when(first.start)),
            ("horizon", hours(first.attrs.get("duration_s", 0))),
            ("output interval", hours(first.attrs.get("output_interval_s", 0))),
            ("steppe", f"{first.attrs.get('steppe_version', '')} "
                       f"({first.attrs.get('git_revision', '')})")]
    s.table(["", ""], rows, tid="run-table")
    s.h3("Scenarios")
    srows = []
    for _, row in sc.iterrows():
        nviol = len(ens.result(row["name"]).constraints()) if row["name"] in ens.names else ""
        srows.append([row.get("name", ""), row.get("status", ""), row.get("overrides", ""),
                      row.get("samples", ""), nviol,
                      str(row.get("message", "")).split("\n")[0]])
    s.table(["scenario", "status", "overrides", "samples", "violated limits", "message"],
            srows, tid="scenario-table", numeric=[False, False, False, True, True, False],
            row_classes=["" if r_[1] == "complete" else "bad" for r_ in srows])


def violations_section(page, ens):
    s = page.section("constraints", "Violations across the scenarios")
    frames = []
    for n in ens.names:
        c = ens.result(n).constraints()
        if not c.empty:
            frames.append(c.assign(scenario=n))
    if not frames:
        s.p(f"No monitored limit was violated in any of the {len(ens.names)} scenarios.", "ok")
        s.table(["scenario"] + CONSTRAINT_HEADER, [], tid="constraints-table")
        return
    c = pd.concat(frames, ignore_index=True)
    key = c["group"] + " · " + c["element"] + " · " + c["quantity"] + " " + c["bound"]
    c = c.assign(key=key)
    per = c.groupby("key").agg(scenarios=("scenario", "nunique"),
                               median_duration=("duration", "median"),
                               max_duration=("duration", "max")).sort_values(
        ["scenarios", "max_duration"], ascending=False)
    s.p(f"{c['scenario'].nunique()} of {len(ens.names)} scenarios violate at least one "
        f"monitored limit; {len(per)} distinct limits are violated.", "warn")
    top = per.head(20)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 1.5 + 0.3 * max(len(top), 4)),
                                 gridspec_kw={"width_ratios": [3, 2]})
    a1.barh(range(len(top)), top["scenarios"] / len(ens.names) * 100, color="tab:red")
    a1.set_yticks(range(len(top)))
    a1.set_yticklabels(top.index, fontsize=7)
    a1.invert_yaxis()
    a1.set_xlim(0, 100)
    a1.set_xlabel("% of scenarios violating it")
    a1.set_title("How often each limit is violated")
    counts = c.groupby("scenario").size().reindex(ens.names, fill_value=0)
    a2.hist(counts.values, bins=np.arange(counts.max() + 2) - 0.5, color="tab:gray")
    a2.set_xlabel("violated limits in a scenario")
    a2.set_ylabel("scenarios")
    a2.set_title("Violations per scenario")
    s.figure(fig, "The distribution of violations across the scenarios.",
             fid="ensemble-violations")
    s.table(["limit", "scenarios", "median duration", "longest"],
            [[k, int(v.scenarios), hours(v.median_duration), hours(v.max_duration)]
             for k, v in per.iterrows()], numeric=[False, True, False, False],
            tid="violation-summary")
    rows = constraint_rows(c)
    s.raw(f"<details><summary>Every violation ({len(rows)} rows, by scenario)</summary>")
    s.table(["scenario"] + CONSTRAINT_HEADER,
            [[sc] + row for sc, row in zip(c["scenario"], rows)], tid="constraints-table",
            row_classes=["bad"] * len(rows))
    s.raw("</details>")


def fan_section(page, ens, quantities):
    s = page.section("fans", "Fan charts")
    asked = bool(quantities)
    quantities = quantities or DEFAULT_FANS
    shown = 0
    for q in quantities:
        group, _, name = q.rpartition("/")
        element = None
        if ":" in name:
            name, element = name.split(":", 1)
        if group not in ens.groups:
            if asked:
                s.p(f"{q}: no group {group} in these results.", "warn")
            continue
        ds = ens[group]
        if name not in ds:
            if asked:
                s.p(f"{q}: no dataset {name} in {group}.", "warn")
            continue
        da = ds[name]
        dim = [d for d in da.dims if d not in ("scenario", "time")][0]
        elements = list(ds[dim].values)
        v, label = to_display(da.values, da.attrs.get("units", ""))
        band = None
        if name == "frequency":
            f0 = ds["nominal_frequency"].values if "nominal_frequency" in ds.coords else 50.0
            v = (np.asarray(da.values) - f0) * 1e3
            label = "Δf (mHz)"
            if "min_frequency" in ds.coords and "max_frequency" in ds.coords:
                band = ((ds["min_frequency"].values - f0) * 1e3,
                        (ds["max_frequency"].values - f0) * 1e3)
        if element is not None:
            pick = [elements.index(element)] if element in elements else []
        else:
            spread = np.nanmax(np.nanpercentile(v, 95, axis=0) - np.nanpercentile(v, 5, axis=0),
                               axis=0) if v.size else np.array([])
            pick = list(np.argsort(-np.nan_to_num(spread, nan=-1))[:MAX_SERIES])
            pick.sort()
        if not pick:
            continue
        nc = 2
        nr = (len(pick) + 1) // 2
        fig, axes = plt.subplots(nr, nc, figsize=(11, 2.7 * nr), squeeze=False, sharex=True)
        t = ds["time"].values
        for k, i in enumerate(pick):
            ax = axes[k // nc, k % nc]
            y = v[:, :, i]
            with np.errstate(all="ignore"):
                lo, med, hi = (np.nanpercentile(y, p, axis=0) for p in (5, 50, 95))
            count = np.sum(np.isfinite(y), axis=0)
            ax.fill_between(t, lo, hi, color="tab:blue", alpha=0.25, label="5–95 %")
            ax.plot(t, med, color="tab:blue", lw=1.5, label="median")
            for row in y:
                ax.plot(t, row, color="0.5", lw=0.4, alpha=0.5)
            if band is not None and np.isfinite(band[0][i]) and np.isfinite(band[1][i]):
                # the normal band, and an axis that shows it: noise stays noise
                ax.axhspan(band[0][i], band[1][i], color="green", alpha=0.08)
                span = max(abs(band[0][i]), abs(band[1][i]), np.nanmax(np.abs(y)))
                ax.set_ylim(-1.15 * span, 1.15 * span)
            elif name == "frequency":
                span = max(20.0, np.nanmax(np.abs(y)) if np.isfinite(y).any() else 0.0)
                ax.set_ylim(-1.15 * span, 1.15 * span)
            ax.set_title(f"{elements[i]}", fontsize=9)
            ax.set_ylabel(label, fontsize=8)
            if count.min() < y.shape[0]:
                ax.text(0.01, 0.02, f"{y.shape[0] - count.min()} scenarios end early",
                        transform=ax.transAxes, fontsize=7, color="#a11")
            time_axis(ax)
        for k in range(len(pick), nr * nc):
            axes[k // nc, k % nc].set_visible(False)
        axes[0, 0].legend(fontsize=7, loc="best")
        fig.suptitle(f"{group}/{name} across {len(ens.names)} scenarios", y=1.0)
        s.figure(fig, f"{group}/{name}: median and 5–95 % band over the scenarios (grey: each "
                 f"scenario{'; green: the normal frequency band' if band is not None else ''})"
                 f"{'' if element else f'; the {len(pick)} elements of {len(elements)} with the widest band'}.",
                 fid="fan-" + q.replace("/", "-").replace(":", "-").replace(" ", "_"))
        shown += 1
    if not shown:
        s.p("None of the quantities asked for are in these results.")
