"""Chainage × time heat maps along each trunk line: pressure (with the MAOP and minimum-
pressure contours) and, for oil, head and the batch grade.

Oil: the profiles (/oil/profiles/<pipe>) are along the route distance already; they are
laid side by side in route order. Gas: a trunk line is a longest path (by length) through
pipes, compressors and valves taken from → to; the next line is the longest path through
the edges left, and so on (at most MAX_LINES). Along a pipe written as a profile
(/gas/profiles/<pipe>) its profile is used; otherwise the line has the pressures of its
nodes at their chainage, drawn linearly between them (said in the caption)."""
import numpy as np
import matplotlib.pyplot as plt

from .common import convert, time_axis

MAX_LINES = 6


def _longest_paths(nodes, edges):
    """edges: [(a, b, length, name)]; parallel edges count once. → [[edge, …], …]."""
    left = {}
    for e in edges:
        left.setdefault((e[0], e[1]), e)
    paths = []
    while left and len(paths) < MAX_LINES:
        indeg = {n: 0 for n in nodes}
        out = {n: [] for n in nodes}
        for (a, b), e in left.items():
            indeg[b] += 1
            out[a].append(e)
        order = [n for n in nodes if indeg[n] == 0]
        i = 0
        while i < len(order):
            for e in out[order[i]]:
                indeg[e[1]] -= 1
                if indeg[e[1]] == 0:
                    order.append(e[1])
            i += 1
        best = {n: (0.0, None) for n in nodes}
        for n in order:
            for e in out[n]:
                cand = best[n][0] + e[2] + 1e-3       # compressors (0 m) still count
                if cand > best[e[1]][0]:
                    best[e[1]] = (cand, e)
        end = max(nodes, key=lambda n: best[n][0])
        if best[end][1] is None:
            break
        path = []
        n = end
        while best[n][1] is not None and len(path) <= len(left):
            e = best[n][1]
            path.append(e)
            n = e[0]
        path.reverse()
        if paths and sum(e[2] for e in path) < 0.15 * sum(e[2] for e in paths[0]):
            break
        paths.append(path)
        for e in path:
            left.pop((e[0], e[1]), None)
    return paths


def gas_lines(r):
    """[(title, x km [n], pressure Pa [time × n], maop [n], pmin [n], note)] per gas line."""
    if "gas/nodes" not in r or "gas/pipes" not in r:
        return []
    nodes = r["gas/nodes"]
    names = list(nodes["node"].values)
    col = {n: i for i, n in enumerate(names)}
    p = np.asarray(nodes.pressure.values, dtype=float)
    maop = nodes["max_pressure"].values if "max_pressure" in nodes.coords else np.full(len(names), np.nan)
    pmin = nodes["min_pressure"].values if "min_pressure" in nodes.coords else np.full(len(names), np.nan)
    pipes = r["gas/pipes"]
    edges = [(a, b, float(L), "pipe:" + n) for n, a, b, L in zip(
        pipes["pipe"].values, pipes["from_node"].values, pipes["to_node"].values,
        pipes["length"].values)]
    for grp, dim in (("gas/compressors", "compressor"), ("gas/valves", "valve")):
        if grp in r:
            g = r[grp]
            edges += [(a, b, 0.0, dim + ":" + n) for n, a, b in zip(
                g[dim].values, g["from_node"].values, g["to_node"].values)]
    out = []
    for path in _longest_paths(names, edges):
        xs, cols, lim_hi, lim_lo = [], [], [], []
        profiled = 0
        x = 0.0

        def add(xkm, values, hi, lo):
            if xs and xkm <= xs[-1]:
                xkm = xs[-1] + 1e-3
            xs.append(xkm)
            cols.append(values)
            lim_hi.append(hi)
            lim_lo.append(lo)

        for k, (a, b, L, what) in enumerate(path):
            hi = np.nanmin([maop[col[a]], maop[col[b]]]) if np.isfinite(
                [maop[col[a]], maop[col[b]]]).any() else np.nan
            lo = np.nanmax([pmin[col[a]], pmin[col[b]]]) if np.isfinite(
                [pmin[col[a]], pmin[col[b]]]).any() else np.nan
            if k == 0:
                add(x, p[:, col[a]], maop[col[a]], pmin[col[a]])
            prof = "gas/profiles/" + what.split(":", 1)[1]
            if what.startswith("pipe:") and prof in r:
                pr = r[prof]
                d = np.asarray(pr["distance"].values, dtype=float)
                pp = np.asarray(pr.pressure.values, dtype=float)
                for j in range(1, d.size - 1):
                    add(x + d[j] / 1000.0, pp[:, j], hi, lo)
                profiled += 1
            x += L / 1000.0
            add(x, p[:, col[b]], maop[col[b]] if L == 0 else hi if np.isnan(maop[col[b]])
                else maop[col[b]], pmin[col[b]])
        start, end = path[0][0], path[-1][1]
        npipes = sum(1 for e in path if e[3].startswith("pipe:"))
        note = (f"{npipes} pipes, {sum(1 for e in path if e[3].startswith('compressor:'))} "
                f"compressors; " + (f"{profiled} pipes from their profiles, the others "
                                    if profiled else "")
                + "between nodes drawn linearly from the node pressures")
        out.append((f"gas line {start} → {end}", np.array(xs), np.array(cols).T,
                    np.array(lim_hi, dtype=float), np.array(lim_lo, dtype=float), note))
    return out


def oil_lines(r):
    """[(title, x km, {quantity: [time × n]}, maop [n], vapour [n])] — one route."""
    profs = [g for g in r.groups if g.startswith("oil/profiles/")]
    if not profs:
        return []
    pipes = r["oil/pipes"]
    maop = dict(zip(pipes["pipe"].values, pipes["maop"].values)) if "maop" in pipes.coords else {}
    pv = dict(zip(pipes["pipe"].values, pipes["vapour_pressure"].values)) \
        if "vapour_pressure" in pipes.coords else {}
    parts = []
    for g in profs:
        ds = r[g]
        pipe = g.split("/", 2)[2]
        d = np.asarray(ds["distance"].values, dtype=float) / 1000.0
        parts.append((d[0], pipe, d, ds))
    parts.sort(key=lambda t: t[0])
    xs, hi, lo = [], [], []
    fractions = sorted({k for _, _, _, ds in parts for k in ds.data_vars
                        if k.startswith("fraction_")})
    q = {k: [] for k in ["pressure", "head"] + fractions}
    for _, pipe, d, ds in parts:
        dd = d.copy()
        if xs and dd[0] <= xs[-1][-1]:
            dd = dd + (xs[-1][-1] - dd[0] + 1e-3)
        xs.append(dd)
        hi.append(np.full(d.size, maop.get(pipe, np.nan)))
        lo.append(np.full(d.size, pv.get(pipe, np.nan)))
        for k in q:
            q[k].append(np.asarray(ds[k].values, dtype=float) if k in ds
                        else np.full((ds.sizes["time"], d.size), np.nan))
    x = np.concatenate(xs)
    out = {k: np.concatenate(v, axis=1) for k, v in q.items()}
    return [("oil line " + parts[0][1] + " … " + parts[-1][1], x, out, np.concatenate(hi),
             np.concatenate(lo))]


def grade_map(time, x, fractions, names, title):
    """The grade along the line through time: each point coloured by its dominant grade
    (the first grade holds 1 − Σ of the others' fractions), interfaces (a grade's fraction
    crossing ½) drawn black. `fractions`: {grade name: [time × n]} for the grades after the
    first; `names`: every grade in the study's order. → (figure, {grade: end share})."""
    rest = 1.0 - sum(fractions.values())
    stack = np.stack([rest] + [fractions[n] for n in names[1:]])      # [grade × time × n]
    dominant = np.argmax(np.nan_to_num(stack, nan=-1.0), axis=0).astype(float)
    dominant[~np.isfinite(stack).all(axis=0)] = np.nan
    cmap = plt.get_cmap("tab10", 10)
    fig, ax = plt.subplots(figsize=(11, 4.2))
    ax.pcolormesh(x, time, dominant, shading="nearest", cmap=cmap, vmin=-0.5, vmax=9.5)
    for n in names[1:]:
        v = fractions[n]
        if np.nanmin(v) < 0.5 < np.nanmax(v):
            ax.contour(x, time, np.ma.masked_invalid(v), levels=[0.5], colors="k",
                       linewidths=0.9)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=cmap(k), label=n) for k, n in enumerate(names)],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, title="grade")
    ax.set_xlabel("chainage (km)")
    ax.set_title(title)
    time_axis_y(ax)
    return fig


def heat_map(time, x, values_pa, hi, lo, title, quantity="pressure", units="Pa"):
    """A chainage × time heat map; for pressure, the limit contours (where the value
    crosses the limit of its place)."""
    hi = np.where(np.isfinite(hi), hi, np.nan)     # an infinite limit is no limit
    lo = np.where(np.isfinite(lo), lo, np.nan)
    fig, ax = plt.subplots(figsize=(11, 4.2))
    if units == "Pa":
        z = convert(values_pa, "Pa", "bar")
        label = f"{quantity} (bar)"
    else:
        z = np.asarray(values_pa, dtype=float)
        label = f"{quantity} ({units})"
    mesh = ax.pcolormesh(x, time, z, shading="gouraud", cmap="viridis")
    fig.colorbar(mesh, ax=ax, label=label, pad=0.01)
    notes = []
    if units == "Pa":
        for lim, colour, style, name in ((hi, "red", "solid", "MAOP"),
                                         (lo, "cyan", "dashed", "minimum pressure")):
            if not np.isfinite(lim).any():
                continue
            margin = np.asarray(values_pa, dtype=float) - lim[None, :]
            m = np.ma.masked_invalid(margin)
            worst = (np.nanmax(margin) if name == "MAOP" else np.nanmin(margin))
            crosses = (worst > 0) if name == "MAOP" else (worst < 0)
            if m.count() and np.nanmin(margin) < 0 < np.nanmax(margin):
                ax.contour(x, time, m, levels=[0.0], colors=colour, linestyles=style,
                           linewidths=1.6)
            ax.plot([], [], color=colour, ls=style, label=f"{name} contour")
            notes.append(f"{name}: {'crossed' if crosses else 'not reached'}, closest "
                         f"{convert(abs(worst), 'Pa', 'bar'):.3g} bar "
                         f"{'above' if (worst > 0) else 'below'} it")
        if notes:
            ax.legend(loc="upper right", fontsize=8)
    ax.set_xlabel("chainage (km)")
    ax.set_title(title)
    time_axis_y(ax)
    return fig, "; ".join(notes)


def time_axis_y(ax):
    import matplotlib.dates as mdates
    loc = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.yaxis.set_major_locator(loc)
    ax.yaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    ax.invert_yaxis()
    ax.set_ylabel("time (UTC), downwards")


__all__ = ["gas_lines", "oil_lines", "heat_map", "grade_map", "time_axis"]
