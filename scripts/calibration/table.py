#!/usr/bin/python3
"""The corridor's calibration table: every public 2023 figure in
inputs/calibration/calibration_figures.yaml that the study can be compared with, beside the
model's value from a run of inputs/kazakhstan_china.yaml, the difference, the source and the
S/D/E flag.

  table.py YEAR.h5 [--month MONTH.h5] [--write inputs/README.md]

YEAR.h5: a run of the calendar year (`--set study.duration="365 d"`); MONTH.h5 (optional): a
run of its first 30 days, whose figures fill the column "model, 1–30 Jan" (the regression
column tests/cli/test_corridor_year.py re-derives). Without --write the table is printed;
with it, the table replaces the block between the calibration-table markers of that file.
The figures are computed by `figures(h5)`, which the test imports.
"""
import argparse
import datetime
import os
import sys

import h5py
import numpy as np

from markers import read_block, write_block

NORMAL_DENSITY = 0.72  # kg/m3(n), the study's normal_conditions.density
BEGIN = "<!-- calibration-table:begin (scripts/calibration/table.py writes this block) -->"
END = "<!-- calibration-table:end -->"

KMG = "[KMG AR 2024](https://ar2024.kmg.kz/en/strategic-report/operating-review/midstream)"
KEGOC = "[KEGOC chairman via Zakon.kz](https://ortalyq.kz/aza-standa-biyl-k-z-ajlarynda-elektr-tapshyly-y-sezile-bastajdy/)"
SAMRUK = "[Samruk-Energy AR 2023](https://ar2023.samruk-energy.kz/en/overview-of-the-electricity-and-coal-market-in-kazakhstan.html)"


def names(f, group):
    g = f[group]
    scale = next(k for k in g if k != "time" and "CLASS" in g[k].attrs)
    return list(g[scale].asstr()[:])


def series(f, group, quantity, element):
    return f[group][quantity][:, names(f, group).index(element)]


def integral(t, y):
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(t)))


def figures(path):
    """{id: model value} of a run, in the units of the table's rows."""
    f = h5py.File(path, "r")
    t = f["time"][:]
    out = {}
    # ---- oil (kt)
    deliv = -series(f, "oil/terminals", "mass_flow", "Alashankou")
    ru = series(f, "oil/injections", "mass_flow", "Russian transit at Atasu")
    kumkol = -series(f, "oil/injections", "mass_flow", "Kumkol offtake")
    out["oil_delivered"] = integral(t, deliv) / 1e6
    out["oil_transit"] = integral(t, ru) / 1e6
    out["oil_export"] = out["oil_delivered"] - out["oil_transit"]
    out["oil_domestic"] = integral(t, kumkol) / 1e6
    # ---- gas (bcm, mcm)
    offt = names(f, "gas/offtakes")
    wd = f["gas/offtakes/withdrawn_mass"][-1, :]
    horgos = sum(wd[offt.index(n)] for n in ("Horgos export AB", "Horgos export C"))
    out["gas_horgos"] = horgos / NORMAL_DENSITY / 1e9
    sup = names(f, "gas/supplies")
    dm = f["gas/supplies/delivered_mass"][-1, :]
    border = sum(dm[sup.index(n)] for n in ("Uzbek border AB", "Uzbek border C"))
    out["gas_border"] = border / NORMAL_DENSITY / 1e9
    out["gas_bbs"] = dm[sup.index("Beineu supply")] / NORMAL_DENSITY / 1e9
    fuel = f["gas/compressors/fuel_burnt"][-1, :].sum()
    out["gas_fuel_share"] = 100 * fuel / dm.sum()
    plants = names(f, "coupling/gas_plants")
    burnt = f["coupling/gas_plants/fuel_burnt"][-1, :]
    out["gas_tpp2"] = burnt[plants.index("Almaty TPP-2")] / NORMAL_DENSITY / 1e6
    out["gas_zhambyl"] = burnt[plants.index("Zhambyl GRES")] / NORMAL_DENSITY / 1e6
    almaty = series(f, "gas/offtakes", "mass_flow", "Almaty city") + series(
        f, "coupling/gas_plants", "fuel_mass_flow", "Almaty TPP-2")
    out["gas_almaty_peak"] = almaty.max() / NORMAL_DENSITY * 3600
    # ---- power
    zones = names(f, "power/zones")
    kz = [zones.index(z) for z in ("North", "South", "West")]
    z = f["power/zones"]
    out["consumption"] = z["energy_served"][-1, kz].sum() / 3.6e15
    out["generation"] = z["energy_generated"][-1, kz].sum() / 3.6e15
    out["net_import"] = -z["energy_exported"][-1, kz].sum() / 3.6e15
    eloads = f["coupling/electric_loads/power"][:].sum(axis=1) if "coupling/electric_loads" in f else 0
    load = z["load"][:, kz].sum(axis=1) + eloads
    k = int(np.argmax(load))
    out["peak"] = load[k] / 1e6
    out["peak_time"] = float(t[k])
    out["peak_generation"] = z["generation"][k, kz].sum() / 1e6
    out["load_factor"] = integral(t, load) / (t[-1] - t[0]) / load[k]
    out["south_peak"] = (z["load"][:, zones.index("South")]).max() / 1e6
    ns = series(f, "power/ties", "power_flow", "North-South")
    out["ns_max"] = ns.max() / 1e6
    out["ns_energy"] = integral(t, ns) / 3.6e15
    out["zhanatas"] = integral(t, series(f, "power/wind", "power", "Zhanatas")) / 3.6e12
    out["burnoye"] = integral(t, series(f, "power/solar", "power", "Burnoye")) / 3.6e12
    for g in ("Kapshagay", "Shardara", "Moinak"):
        out[g.lower()] = integral(t, series(f, "power/generators", "power", g)) / 3.6e12
    out["start"] = f.attrs.get("start", b"")
    out["duration_d"] = (t[-1] - t[0]) / 86400
    return out


# id, figure, public value (number or (low, high) or (">", low)), unit, flag, source, note
ROWS = [
    ("oil_delivered", "Oil delivered at Alashankou", 11188, "kt", "D", KMG,
     "export 1,209 + transit 9,979 kt (S); 11.2 Mt also stated"),
    ("oil_transit", "Russian transit injected at Atasu", 9979, "kt", "S", KMG, "input (monthly, D)"),
    ("oil_export", "Kazakh oil past Atasu to China", 1209, "kt", "S", KMG,
     "delivery − transit"),
    ("oil_domestic", "KCP domestic oil leaving at Kumkol", 7618, "kt", "S", KMG, "input"),
    ("gas_horgos", "Gas to China at Horgos, A/B/C", 40.1, "bcm", "D", "[TASS 16 Jul 2024](https://tass.com/economy/1817549); [Bizmedia](https://dzen.ru/a/ZUSRhmze-TqgT0Ui)",
     "transit 35.6 (D) + Kazakh export 4.5 (S, low end); by line not public"),
    ("gas_border", "Gas entering at the Uzbek border", 35.6, "bcm", "D", "[TASS 16 Jul 2024](https://tass.com/economy/1817549)",
     "the figure is the transit; the model's border gas also feeds Taraz, Almaty and fuel"),
    ("gas_bbs", "Beineu–Bozoi–Shymkent throughput", (6, 10), "bcm", "S", "[Ta Kung Pao 2017](http://www.takungpao.com.hk/mainland/text/2017/0416/74665.html)",
     "capacity range; 2023 flow not found"),
    ("gas_fuel_share", "Compressor fuel share of gas supplied", None, "%", "—", "not found", ""),
    ("gas_tpp2", "Gas burnt by Almaty TPP-2", 0, "mcm", "S", "[Egemen Qazaqstan](http://lat.egemen.kz/article/398357-almatydaghy-zheo-2-ninh-gazgha-qashan-koshiriletini-belgili-boldy)",
     "coal-fired in 2023; the study's gas CCGT is the 2026 plant"),
    ("gas_zhambyl", "Gas burnt by Zhambyl GRES", None, "mcm", "—", "not found", ""),
    ("gas_almaty_peak", "Almaty peak gas draw (city + TPP-2)", 800000, "m3(n)/h", "S", "[Kazakh Townsman](https://kazakh-townsman.com/aktualno/item/17419-nu-i-aes-s-nim)",
     "the pipeline's maximum"),
    ("consumption", "Electricity consumption (N + S + W)", 115.068, "TWh", "S", SAMRUK, "input shape scaled to it"),
    ("generation", "Electricity generation (N + S + W)", 112.82, "TWh", "S", KEGOC, ""),
    ("net_import", "Net import (from Russia's UES)", 2.24, "TWh", "D", KEGOC, "consumption − generation"),
    ("peak", "Peak load", 16626, "MW", "S", KEGOC, "13 Dec 2023"),
    ("peak_generation", "Generation at the peak", 15107, "MW", "S", KEGOC, "1,519 MW from Russia"),
    ("load_factor", "Load factor (mean / peak)", 0.790, "1", "D", KEGOC + "; " + SAMRUK, ""),
    ("south_peak", "South zone peak load", (">", 4500), "MW", "S", "[Kazinform via syrboyi.kz](https://syrboyi.kz/akparat/kelesi-qysta-qazaqstanda-jelektr-jenergijasy-tapshy-bolady-166684/)",
     "forecast winter 2024/25, 'may exceed'"),
    ("ns_max", "North–South transit, largest flow", ("<=", 2100), "MW", "S", "[KEGOC 2018](https://kegoc.kz/en/press-centr/press-relizy/kegoc-completed-largest-infrastructure-project-power-sector-north-east)",
     "capability"),
    ("ns_energy", "North–South transit energy", (8, 10), "TWh", "S", "[Central Asian Light](https://centralasianlight.org/news/electricity-shortage-grows-in-kazakhstan)",
     "ministry forecast of the northern surplus sent south; measured 2023 not found"),
    ("zhanatas", "Zhanatas wind energy", (319, 350), "GWh", "S", "[AIIB](https://www.aiib.org/en/projects/details/2019/approved/Kazakhstan-Zhanatas-100-MW-Wind-Power-Plant.html); SPIC",
     "design; 2023 actual not found"),
    ("burnoye", "Burnoye 1 + 2 solar energy", 146, "GWh", "D", "[Kazinform 2015](https://en.inform.kz/news/industrialization-day-burnoye-solar-1-solar-power-station-commissioned-in-zhambyl-region_a2792955/)",
     "2 × 73 GWh design of Burnoye-1 (S); Burnoye-2 alike (E)"),
    ("kapshagay", "Kapshagay hydro energy", 972, "GWh", "S", "[Wikipedia (ALES)](https://en.wikipedia.org/wiki/Kapshagay_Hydroelectric_Power_Plant)", "average year"),
    ("shardara", "Shardara hydro energy", 537, "GWh", "S", "[KASE 2020](https://kase.kz/en/news/show/1443606/)", "after modernisation"),
    ("moinak", "Moinak hydro energy", 820, "GWh", "D", "[NS Energy](https://www.nsenergybusiness.com/projects/moinak-hydroelectric-power-plant/)", "6.5 TWh over 7.9 years"),
]


def difference(public, model):
    """Relative difference in %, against the nearest bound of a range; '' if none."""
    if public is None:
        return None
    if isinstance(public, tuple):
        if public[0] == ">":
            return 0.0 if model >= public[1] else 100 * (model - public[1]) / public[1]
        if public[0] == "<=":
            return 0.0 if model <= public[1] * 1.005 else 100 * (model - public[1]) / public[1]
        lo, hi = public
        if lo <= model <= hi:
            return 0.0
        b = lo if model < lo else hi
        return 100 * (model - b) / b
    if public == 0:
        return None
    return 100 * (model - public) / public


def fmt(x):
    if x is None:
        return "—"
    if isinstance(x, tuple):
        if x[0] in (">", "<="):
            return ("> " if x[0] == ">" else "≤ ") + fmt(x[1])
        return f"{fmt(x[0])}–{fmt(x[1])}"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.1f}"
    if a >= 10:
        return f"{x:.2f}"
    if a >= 1:
        return f"{x:.3f}"
    return f"{x:.4f}"


def fmt_public(x):
    """A public figure as the source gives it."""
    if x is None:
        return "—"
    if isinstance(x, tuple):
        if x[0] in (">", "<="):
            return ("> " if x[0] == ">" else "≤ ") + fmt_public(x[1])
        return f"{fmt_public(x[0])}–{fmt_public(x[1])}"
    return f"{x:,}" if isinstance(x, int) else f"{x:g}"


def decimals(x):
    """Decimals fmt(x) shows (the table's rounding)."""
    s = fmt(x)
    return len(s.split(".")[1]) if "." in s else 0


def render(year, month=None):
    head = ("| figure (2023) | public | model, year | difference | model, 1–30 Jan | unit | flag | source | note |\n"
            "|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for key, label, public, unit, flag, source, note in ROWS:
        m = year[key]
        d = difference(public, m)
        ds = "—" if d is None else ("within" if d == 0 and isinstance(public, tuple) else f"{d:+.1f} %")
        mj = fmt(month[key]) if month else "—"
        lines.append(f"| {label} | {fmt_public(public)} | {fmt(m)} | {ds} | {mj} | {unit} | {flag} | {source} | {note} |")
    return head + "\n".join(lines) + "\n"


def month_values(text):
    """{figure label: value} of the column 'model, 1–30 Jan' in a rendered table."""
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 9 and cells[0] not in ("figure (2023)", "---"):
            if cells[4] not in ("—", ""):
                out[cells[0]] = float(cells[4].replace(",", ""))
    return out


def block(path):
    return read_block(path, BEGIN, END)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("year")
    ap.add_argument("--month")
    ap.add_argument("--write")
    a = ap.parse_args()
    year = figures(a.year)
    month = figures(a.month) if a.month else None
    if year["duration_d"] < 364.9:
        print(f"warning: {a.year} covers {year['duration_d']:.2f} d, not the year", file=sys.stderr)
    t = year["peak_time"]
    when = datetime.datetime(2023, 1, 1) + datetime.timedelta(seconds=t)
    table = render(year, month)
    table += (f"\nModel peak at {when:%d %b %Y %H:%M} UTC. Run: `{os.path.basename(a.year)}`, "
              f"{year['duration_d']:.2f} days" + (f"; month run {month['duration_d']:.2f} days" if month else "") + ".\n")
    if a.write:
        write_block(a.write, BEGIN, END, "\n" + table)
    else:
        print(table)


if __name__ == "__main__":
    main()
