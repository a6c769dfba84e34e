#!/usr/bin/python3
"""The corridor's scenario answers: runs each scenario of inputs/scenarios.txt that answers a
question of DESIGN.md (and the base case it is compared with), computes the figures its
answer quotes, and writes the answer paragraphs into inputs/README.md (between the
scenario-answers markers) — or, without --write, prints them.

  scenarios.py STEPPE [--write inputs/README.md] [--keep DIR]

`answers(steppe, tmp)` returns {scenario: {figure: value}}; tests/cli/test_corridor_scenarios.py
re-derives them from fresh runs and compares them with the numbers in the paragraphs.
"""
import argparse
import os
import re
import shlex
import subprocess
import tempfile

import h5py
import numpy as np

from markers import read_block, write_block

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDY = os.path.join(ROOT, "inputs", "kazakhstan_china.yaml")
BEGIN = "<!-- scenario-answers:begin (scripts/calibration/scenarios.py writes this block) -->"
END = "<!-- scenario-answers:end -->"
H = 3600.0
NORMAL_DENSITY = 0.72


def scenario_args():
    """{name: [arguments]} of inputs/scenarios.txt."""
    out = {}
    for line in open(os.path.join(ROOT, "inputs", "scenarios.txt"), encoding="utf-8"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, args = (p.strip() for p in line.split("|", 2))
        out[name] = shlex.split(args)
    return out


def run(steppe, tmp, name, args, duration, extra=()):
    out = os.path.join(tmp, name + ".h5")
    cmd = [steppe, "run", STUDY, "-o", out, "--quiet", "--force", "--set",
           f"study.duration={duration}"] + list(args) + list(extra)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{name}: exit {r.returncode}\n{r.stderr}")
    return h5py.File(out, "r")


def col(f, group, name):
    g = f[group]
    scale = next(k for k in g if k != "time" and "CLASS" in g[k].attrs)
    return list(g[scale].asstr()[:]).index(name)


def integral(t, y):
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(t)))


def pump_trip(f):
    t = f["time"][:]
    d = -f["oil/terminals/mass_flow"][:, col(f, "oil/terminals", "Alashankou")]
    before = d[t < 6 * H][-1]
    after = t >= 6 * H
    lost = integral(t[after], before - d[after]) / 1e6  # kt
    pmax = f["oil/pipes/max_pressure"][:][after]
    maop = f["oil/pipes/maop"][:]
    maop = maop[0] if maop.ndim == 2 else maop
    j = int(np.unravel_index(np.argmax(pmax), pmax.shape)[1])
    names = list(f["oil/pipes/pipe"].asstr()[:])
    off = (t >= 6 * H) & (t < 8 * H)
    back = t[(t > 8 * H) & (np.abs(d - before) <= 0.01 * before)]
    return {"before_kg_s": before, "after_kg_s": d[off].min(), "lost_kt": lost,
            "recovery_min": (back[0] - 8 * H) / 60 if back.size else float("nan"),
            "peak_bar": pmax[:, j].max() / 1e5, "peak_pipe": names[j],
            "maop_bar": maop[j] / 1e5, "hours": (t[-1] - 6 * H) / H}


def wind_drop(f):
    t = f["time"][:]
    i0 = int(np.argmin(np.abs(t - 22800.0)))
    win = (t >= 22800.0) & (t <= 22800.0 + 2 * H)
    w = f["power/wind/power"][:, col(f, "power/wind", "Zhanatas")]
    g = f["power/generators/power"][:, col(f, "power/generators", "Almaty TPP-2")]
    ns = f["power/ties/power_flow"][:, col(f, "power/ties", "North-South")]
    lim = f["power/ties/limit_forward"][0, col(f, "power/ties", "North-South")]
    p = f["gas/nodes/pressure"][:, col(f, "gas/nodes", "Almaty")]
    return {"wind_before_MW": w[i0] / 1e6, "wind_after_MW": w[win][-1] / 1e6,
            "tpp2_before_MW": g[i0] / 1e6, "tpp2_max_MW": g[win].max() / 1e6,
            "ns_before_MW": ns[i0] / 1e6, "ns_max_MW": ns[win].max() / 1e6,
            "ns_loading_pct": 100 * ns[win].max() / lim,
            "almaty_before_bar": p[i0] / 1e5, "almaty_min_bar": p[win].min() / 1e5,
            "sag_bar": (p[i0] - p[win].min()) / 1e5}


def jan2022(f):
    t = f["time"][:]
    k = col(f, "power/zones", "South")
    fr = f["power/zones/frequency"][:, k]
    shed = f["power/zones/shed_load"][:, k]
    load = f["power/zones/load"][:, k]
    after = t >= 6 * H
    ev = f["events"]
    trip = [ev["time"][i] for i in range(len(ev["time"]))
            if ev["element"].asstr()[i] == "North-South" and "tripped" in ev["message"].asstr()[i]]
    m = int(np.argmax(shed))
    return {"nadir_Hz": fr[after].min(), "shed_MW": shed.max() / 1e6,
            "south_load_MW": load[m] / 1e6 + 0.0,
            "ns_trip_s": (trip[0] - 6 * H) if trip else float("nan"),
            "end_Hz": fr[-1]}


def linec_outage(f):
    t = f["time"][:]
    p = f["gas/nodes/pressure"][:, col(f, "gas/nodes", "Horgos C")]
    c5 = f["gas/nodes/pressure"][:, col(f, "gas/nodes", "C5 suction")]
    before = p[t < 6 * H][-1]
    after = t >= 6 * H
    below = t[after & (p < 40e5)]
    return {"before_bar": before / 1e5, "min_bar": p[after].min() / 1e5,
            "end_bar": p[-1] / 1e5, "hours": (t[-1] - 6 * H) / H,
            "to_40_h": (below[0] - 6 * H) / H if below.size else float("nan"),
            "c5_before_bar": c5[t < 6 * H][-1] / 1e5, "c5_min_bar": c5[after].min() / 1e5}


def cold(f):
    t = f["time"][:]
    burnt = f["coupling/gas_plants/fuel_burnt"][-1, :].sum() / NORMAL_DENSITY / 1e6
    pack = f["gas/network/linepack"][:].ravel()
    ns = f["power/ties/power_flow"][:, col(f, "power/ties", "North-South")]
    k = col(f, "power/zones", "South")
    ev = f["events"]
    trips = [ev["time"][i] for i in range(len(ev["time"]))
             if ev["element"].asstr()[i] == "North-South" and "tripped" in ev["message"].asstr()[i]]
    horgos = sum(f["gas/offtakes/withdrawn_mass"][-1, col(f, "gas/offtakes", n)]
                 for n in ("Horgos export AB", "Horgos export C")) / NORMAL_DENSITY / 1e6
    return {"burn_mcm": burnt, "pack_change_kt": (pack[-1] - pack[0]) / 1e6,
            "ns_mean_MW": integral(t, ns) / (t[-1] - t[0]) / 1e6, "ns_max_MW": ns.max() / 1e6,
            "south_min_Hz": f["power/zones/frequency"][:, k].min(),
            "south_gen_GWh": integral(t, f["power/zones/generation"][:, k]) / 3.6e12,
            "shed_GWh": f["power/zones/energy_shed"][-1, k] / 3.6e12,
            "horgos_mcm": horgos, "ns_trip_h": trips[0] / H if trips else float("nan")}


def cycling(f):
    """Zhambyl GRES committed by dispatch: its starts and stops (from /events), the hours it is
    off, its gas, and what the South's tie and AGC see."""
    t = f["time"][:]
    k = col(f, "power/generators", "Zhambyl GRES")
    ev = f["events"]
    switches = [(ev["time"][i], "started" in ev["message"].asstr()[i])
                for i in range(len(ev["time"]))
                if ev["element"].asstr()[i] == "Zhambyl GRES" and "by dispatch" in ev["message"].asstr()[i]]
    on = f["power/generators/at_limit"][0, k] != 2  # as the initial dispatch committed it
    since, ups, downs, off_h = t[0], [], [], 0.0
    for when, started in switches:
        assert started != on, "a start while on or a stop while off"
        if since > t[0]:  # a whole spell (the first began before the study)
            (downs if started else ups).append((when - since) / H)
        if started:
            off_h += (when - since) / H
        on, since = started, when
    if not on:
        off_h += (t[-1] - since) / H
    g = col(f, "coupling/gas_plants", "Zhambyl GRES")
    ns = f["power/ties/power_flow"][:, col(f, "power/ties", "North-South")]
    z = col(f, "power/zones", "South")
    return {"starts": float(f["power/generators/starts"][-1, k]),
            "stops": float(sum(1 for _, s in switches if not s)),
            "off_h": off_h, "hours": (t[-1] - t[0]) / H,
            "shortest_up_h": min(ups, default=float("nan")),
            "shortest_down_h": min(downs, default=float("nan")),
            "zhambyl_mcm": f["coupling/gas_plants/fuel_burnt"][-1, g] / NORMAL_DENSITY / 1e6,
            "ns_mean_MW": integral(t, ns) / (t[-1] - t[0]) / 1e6, "ns_max_MW": ns.max() / 1e6,
            "south_reserve_min_MW": f["power/zones/regulating_reserve_up"][:, z].min() / 1e6,
            "south_min_Hz": f["power/zones/frequency"][:, z].min()}


def answers(steppe, tmp):
    a = scenario_args()
    out = {}
    with run(steppe, tmp, "pump_trip", a["pump_trip"], "12 h") as f:
        out["pump_trip"] = pump_trip(f)
    with run(steppe, tmp, "wind_drop", a["wind_drop"], "9 h") as f:
        out["wind_drop"] = wind_drop(f)
    with run(steppe, tmp, "jan2022", a["jan2022"], "6.5 h",
             ["--set", "study.output_interval=1 s"]) as f:
        out["jan2022"] = jan2022(f)
    with run(steppe, tmp, "linec_outage", a["linec_outage"], "2 d") as f:
        out["linec_outage"] = linec_outage(f)
    with run(steppe, tmp, "cold_base", [], "3 d") as f:
        base = cold(f)
        base_cycling = cycling(f)
    with run(steppe, tmp, "zhambyl_cycling", a["zhambyl_cycling"], "3 d") as f:
        out["zhambyl_cycling"] = {**{"base_" + k: v for k, v in base_cycling.items()}, **cycling(f)}
    with run(steppe, tmp, "cold_snap", a["cold_snap"], "3 d") as f:
        snap = cold(f)
    out["cold_snap"] = {**{"base_" + k: v for k, v in base.items()}, **snap}
    return out


def render(r):
    p, w, j, c, s, z = (r[k] for k in ("pump_trip", "wind_drop", "jan2022", "linec_outage",
                                       "cold_snap", "zhambyl_cycling"))
    to40 = (f"falls below 40 bar {c['to_40_h']:.1f} h after the trip" if np.isfinite(c["to_40_h"])
            else f"stays above 40 bar for the {c['hours']:.0f} h run")
    trip = (f"trips {j['ns_trip_s']:.1f} s after the loss" if np.isfinite(j["ns_trip_s"])
            else "does not trip")
    trip_cold = ("The southern units and the 90 % of the North–South limit that dispatch "
                 "may use do not cover the load: the tie overloads and trips "
                 f"{s['ns_trip_h']:.2f} h into the run, South and Central Asia island and "
                 "UFLS sheds load. " if np.isfinite(s["ns_trip_h"]) else "")
    return f"""
**Atasu–Alashankou pump-station trip** (`pump_trip`: AA PS2 trips at 6 h UTC and restarts at
8 h, 12 h run, at the 2023 flow). Before the trip Alashankou receives {p['before_kg_s']:.1f}
kg/s; while AA PS2 is off the delivery falls to {p['after_kg_s']:.1f} kg/s (AA PS3 on its
suction limit). After the restart the delivery is back within 1 % of its earlier rate in
{p['recovery_min']:.0f} min. Over the {p['hours']:.0f} h after the trip {p['lost_kt']:.2f} kt are not
delivered. The highest pressure after the trip is {p['peak_bar']:.1f} bar in {p['peak_pipe']}
(MAOP {p['maop_bar']:.1f} bar): at 56 % of capacity the trip raises no surge above the
stations' set points.

**Zhanatas drops 80 MW in 10 minutes while TPP-2 ramps on gas** (`wind_drop`: hub speed
12.5 → 7.1 m/s between 6 h 20 min and 6 h 30 min, TPP-2 limited to 5 MW/min; TPP-2 as the
2026 gas CCGT). Zhanatas falls from {w['wind_before_MW']:.1f} to {w['wind_after_MW']:.1f} MW;
TPP-2 rises from {w['tpp2_before_MW']:.1f} to {w['tpp2_max_MW']:.1f} MW within 2 h. The
North–South transit goes from {w['ns_before_MW']:.0f} to at most {w['ns_max_MW']:.0f} MW
({w['ns_loading_pct']:.1f} % of its 2,100 MW limit). The Almaty gas node goes from
{w['almaty_before_bar']:.2f} bar to {w['almaty_min_bar']:.2f} bar at its lowest, a sag of
{w['sag_bar']:.2f} bar.

**25 January 2022** (`jan2022`: the 1,500 MW Syrdarya block trips at 6 h = 12:00 local,
1 s output). The North–South tie {trip}; South and Central Asia form an island; the South's
frequency falls to {j['nadir_Hz']:.3f} Hz in the 1 s samples (below 49.0 Hz between them: stage 2
picks up) and UFLS sheds {j['shed_MW']:.0f} MW of a
{j['south_load_MW']:.0f} MW southern load, against ≈ 1,800 MW shed of ≈ 3,300 MW reported
(S, D); at the end of the run the South is at {j['end_Hz']:.3f} Hz. The model sheds less:
its UFLS stages (10 % of the load each at 49.2, 49.0 and 48.8 Hz, E; the real settings were
not found) stop once the island's units at their maximum hold the frequency.

**Line C compressor-station outage in January** (`linec_outage`: CS C4 loses its compression
at 6 h, its set point falls to 1 bar so it passes gas at ratio 1; January 2023 nominations,
2-day run). The next station's suction (C5) falls from {c['c5_before_bar']:.2f} to
{c['c5_min_bar']:.2f} bar; C5–C7 recompress to their 98 bar set point, so Horgos C stays at
{c['before_bar']:.2f} bar before and {c['min_bar']:.2f} bar at its lowest ({c['end_bar']:.2f}
bar at the end): at January 2023's flow (Line C 11.8 bcm/yr) the delivery pressure {to40}
and the line pack downstream is never drawn on.

**Cold snap: southern load +15 % for three days** (`cold_snap`: South load × 1.15, 3 days,
against the base's same 3 days). {trip_cold}Gas burnt by TPP-2 and Zhambyl GRES: {s['burn_mcm']:.1f}
mcm against {s['base_burn_mcm']:.1f} mcm; line pack change over the 3 days
{s['pack_change_kt']:+.1f} kt against {s['base_pack_change_kt']:+.1f} kt; North–South transit
mean {s['ns_mean_MW']:.0f} MW (base {s['base_ns_mean_MW']:.0f} MW), at most
{s['ns_max_MW']:.0f} MW; Horgos deliveries {s['horgos_mcm']:.0f} mcm (base
{s['base_horgos_mcm']:.0f} mcm, nominated); southern generation {s['south_gen_GWh']:.1f} GWh
(base {s['base_south_gen_GWh']:.1f} GWh), load shed {s['shed_GWh']:.2f} GWh, lowest southern
frequency {s['south_min_Hz']:.3f} Hz.

**Zhambyl GRES stopped at night** (`zhambyl_cycling`: the plant committed by dispatch with a
6 h minimum up time, a 4 h minimum down time and a start cost of 3,000 per start, in the
currency of the merit-order costs, E; 3 days of January against the base's same 3 days).
Dispatch stops it {z['stops']:.0f} times and starts it {z['starts']:.0f} times: it is off
{z['off_h']:.1f} h of {z['hours']:.0f} (shortest spell on {z['shortest_up_h']:.1f} h, off
{z['shortest_down_h']:.1f} h, within its minimum times). It burns {z['zhambyl_mcm']:.1f} mcm
of gas against {z['base_zhambyl_mcm']:.1f} mcm; the North–South transit averages
{z['ns_mean_MW']:.0f} MW (base {z['base_ns_mean_MW']:.0f} MW), at most {z['ns_max_MW']:.0f} MW;
the South's AGC up-reserve falls to {z['south_reserve_min_MW']:.0f} MW at its lowest (base
{z['base_south_reserve_min_MW']:.0f} MW) and its frequency to {z['south_min_Hz']:.3f} Hz (base
{z['base_south_min_Hz']:.3f} Hz).
"""


def numbers(text):
    """Every number of a rendered answer block, in order (the test compares them)."""
    return [float(x.replace(",", "")) for x in re.findall(r"[-+]?\d[\d,]*\.?\d*", text)]


def block(path):
    return read_block(path, BEGIN, END)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("steppe")
    ap.add_argument("--write")
    ap.add_argument("--keep")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        text = render(answers(a.steppe, a.keep or tmp))
    if a.write:
        write_block(a.write, BEGIN, END, text)
    else:
        print(text)


if __name__ == "__main__":
    main()
