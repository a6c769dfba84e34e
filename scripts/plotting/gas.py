"""Gas figures: pressure profiles along chains of pipes, node pressures, line pack,
compressor stations, supplies and offtakes, valves."""
import collections

import matplotlib.pyplot as plt
import numpy as np

from .common import element_names, names, series
from .figure import file_safe
from .generic import generic_group
from .profiles import profile_lines, profile_times
from .units import axis_label, display, units_of

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



def plot_gas(pl, g):
    all_names = element_names(g)
    # pressure along pipes
    prof = g.get("profiles")
    if prof is not None and len(prof):
        chains = gas_chains(pl.study, list(prof.keys()))
        for ci, chain in enumerate(chains):
            fig, ax = plt.subplots(figsize=(11, 5))
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
                profile_lines(pl, ax, offset + d, pv, times, pi == 0)
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
            pl.save(fig, f"gas_profile_{file_safe(chain[0])}.png")
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

