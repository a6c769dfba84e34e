"""The constraints report (issue 17): a study built so that each of 12 monitored limits is
violated exactly once (lumped node pressure, gas node MAOP and minimum pressure, line-pack
bounds, tie transfer limits both ways, zone frequency band both ways, gas-plant supply pressure, oil MAOP and vapour pressure) gets one /constraints
row per limit, with the first violating sample and the worst value of the closed forms
below; limits not violated (the generators' capacities: a set point beyond capacity is bad input,
and AGC keeps within it) get none; a clean study
(inputs/every_kind.yaml) gets an empty table and no summary.

Oracles (not Steppe's output): pressures held by schedules (gas supply, oil terminals) are
the schedules; the tie flow of a zone on an infinite bus is load − generation; the island
zone's quasi-static frequency deviation with a droop governor and load damping is
Δf = (P_set − L)/(C/(R·f0) + D·L/f0); the lumped tank (steady start, feed ramped down
linearly over T) is x(t) = Q0/G·[1 + τ/T − t/T − (τ/T)·e^(−t/τ)], τ = C/G, then decays as
e^(−(t−T)/τ). First times are the first output sample (10 min) strictly beyond the limit.
The line-pack rows are checked against the file's own sampled line pack (the monitor's
bookkeeping), their times against the pressure schedule's extremes."""
import math
import os
import re
import subprocess

import numpy as np
import pytest

import steppe

DT = 600.0
BAR, MW, H = 1e5, 1e6, 3600.0
STUDY = """\
study: {name: every limit once, start: 2024-01-15T00:00:00Z, duration: 4 h, output_interval: 10 min}
solver: {rtol: 1e-7, atol: 1e-6}
normal_conditions: {density: 0.72 kg/m3}
lumped:
  nodes:
    - {name: Tank, capacitance: 2e-2 kg/Pa, max_pressure: 65 bar}
    - {name: Grid, capacitance: 0}
  links:
    - {name: Outlet, from: Tank, to: Grid, conductance: 1e-5 kg/s/Pa}
  sources:
    - {name: Feed, node: Tank, mass_flow: {times: [0, 2 h], values: [20 kg/s, 0 kg/s], interpolation: linear}}
  boundaries:
    - {name: Grid pressure, node: Grid, pressure: 50 bar}
gas:
  fluid: {specific_gravity: 0.6, temperature: 288.15 K, law: papay}
  max_segment_length: 5 km
  min_linepack: 176 t
  max_linepack: 212 t
  nodes:
    - {name: Border, initial_pressure: 60 bar, min_pressure: 56 bar, max_pressure: 64 bar}
    - {name: City, initial_pressure: 60 bar}
  pipes:
    - {name: P1, from: Border, to: City, length: 20 km, diameter: 500 mm}
  supplies:
    - name: Import
      node: Border
      pressure: {times: [0, 1 h, 2 h, 3 h, 4 h], values: [60 bar, 70 bar, 60 bar, 50 bar, 60 bar], interpolation: linear}
  offtakes:
    - {name: City gate, node: City, mass_flow: 20 kg/s}
oil:
  initial_flow: 5 Mt/yr
  initial_pressure: 20 bar
  fluids:
    - {name: Crude, density: 850 kg/m3, viscosity: {temperatures: [5 degC, 20 degC], values: [20 cSt, 10 cSt]}}
  pipes:
    - {name: Line, length: 60 km, outer_diameter: 610 mm, wall_thickness: 9.5 mm, max_segment_length: 5 km, maop: 42 bar}
  terminals:
    - name: Head
      pipe: Line
      end: inlet
      pressure: {times: [0, 1 h, 2 h], values: [30 bar, 50 bar, 30 bar], interpolation: linear}
    - name: Tail
      pipe: Line
      end: outlet
      pressure: {times: [0, 2 h, 3 h, 4 h], values: [5 bar, 5 bar, 0.1 bar, 5 bar], interpolation: linear}
power:
  frequency: 50 Hz
  zones:
    - {name: Grid, infinite_bus: true}
    - {name: North, load: {times: [0, 1 h, 2 h, 3 h, 4 h], values: [1000 MW, 1400 MW, 1000 MW, 600 MW, 1000 MW], interpolation: linear}}
    - {name: East, load: 500 MW}
    - name: South
      frequency_band: 0.2 Hz
      load: {times: [0, 1 h, 2 h, 3 h, 4 h], values: [1000 MW, 1200 MW, 1000 MW, 800 MW, 1000 MW], interpolation: linear}
  ties:
    - {name: Grid-North, from: Grid, to: North, susceptance: 20 GW, limit: 300 MW}
    - {name: Grid-East, from: Grid, to: East, susceptance: 20 GW}
  generators:
    - {name: Coal, zone: North, capacity: 2000 MW, set_point: 1000 MW}
    - {name: Peaker, zone: East, capacity: 520 MW, set_point: {times: [0, 1 h, 2 h], values: [400 MW, 500 MW, 400 MW], interpolation: linear}}
    - {name: GT, zone: East, type: gas, capacity: 200 MW, set_point: 100 MW}
    - {name: South unit, zone: South, capacity: 2000 MW, set_point: 1000 MW}
coupling:
  gas_plants:
    - {generator: GT, gas_node: Border, heat_rate: 7.5 MJ/kWh, lhv: 33.5 MJ/m3(n), min_supply_pressure: 52 bar}
"""


def first_sample_after(t_cross):
    """The first output sample strictly after a crossing at t_cross."""
    return (math.floor(t_cross / DT) + 1) * DT


def tank_excess(t):
    """x = p − p_grid of the lumped tank (Pa), closed form."""
    q0, g, c, T = 20.0, 1e-5, 2e-2, 2 * H
    tau = c / g
    if t <= T:
        return q0 / g * (1 + tau / T - t / T - tau / T * math.exp(-t / tau))
    return tank_excess(T) * math.exp(-(t - T) / tau)


def south_df(load):
    """Quasi-static frequency deviation (Hz) of the island zone South at load (W)."""
    cap, droop, f0, d = 2000 * MW, 0.05, 50.0, 1.0
    return (1000 * MW - load) / (cap / (droop * f0) + d * load / f0)


def crossing(f, a, b, level):
    """Bisection for f(t) = level on [a, b] (f − level changes sign there)."""
    fa = f(a) - level
    for _ in range(200):
        m = 0.5 * (a + b)
        if (f(m) - level) * fa > 0:
            a, fa = m, f(m) - level
        else:
            b = m
    return 0.5 * (a + b)


def ramp(times, values):
    return lambda t: float(np.interp(t, times, values))


# (group, element, limit) → (first time s, worst value, worst time s, tolerance of worst)
def expected():
    border = ramp([0, H, 2 * H, 3 * H, 4 * H], np.array([60, 70, 60, 50, 60]) * BAR)
    south_load = ramp([0, H, 2 * H, 3 * H, 4 * H], np.array([1000, 1200, 1000, 800, 1000]) * MW)
    south_f = lambda t: 50.0 + south_df(south_load(t))  # noqa: E731
    north_tie = lambda t: ramp([0, H, 2 * H, 3 * H, 4 * H],  # noqa: E731
                               np.array([0, 400, 0, -400, 0]) * MW)(t)
    head = ramp([0, H, 2 * H], np.array([30, 50, 30]) * BAR)
    tail = ramp([0, 2 * H, 3 * H, 4 * H], np.array([5, 5, 0.1, 5]) * BAR)
    e = {
        ("lumped/nodes", "Tank", "max_pressure"): (0.0, 50 * BAR + tank_excess(0), 0.0, 1e-9),
        ("gas/nodes", "Border", "max_pressure"):
            (first_sample_after(crossing(border, 0, H, 64 * BAR)), 70 * BAR, H, 1e-9),
        ("gas/nodes", "Border", "min_pressure"):
            (first_sample_after(crossing(border, 2 * H, 3 * H, 56 * BAR)), 50 * BAR, 3 * H, 1e-9),
        ("coupling/gas_plants", "GT", "min_supply_pressure"):
            (first_sample_after(crossing(border, 2 * H, 3 * H, 52 * BAR)), 50 * BAR, 3 * H, 1e-9),
        ("power/ties", "Grid-North", "max_power_flow"):
            (first_sample_after(crossing(north_tie, 0, H, 300 * MW)), 400 * MW, H, 1e-5),
        ("power/ties", "Grid-North", "min_power_flow"):
            (first_sample_after(crossing(north_tie, 2 * H, 3 * H, -300 * MW)), -400 * MW,
             3 * H, 1e-5),
        ("power/zones", "South", "min_frequency"):
            (first_sample_after(crossing(south_f, 0, H, 49.8)), south_f(H), H, 2e-5),
        ("power/zones", "South", "max_frequency"):
            (first_sample_after(crossing(south_f, 2 * H, 3 * H, 50.2)), south_f(3 * H), 3 * H,
             2e-5),
        ("oil/pipes", "Line", "maop"):
            (first_sample_after(crossing(head, 0, H, 42 * BAR)), 50 * BAR, H, 1e-6),
        ("oil/pipes", "Line", "vapour_pressure"):
            (first_sample_after(crossing(tail, 2 * H, 3 * H, 0.3 * BAR)), 0.1 * BAR, 3 * H, 1e-6),
    }
    return e


@pytest.fixture(scope="module")
def violating(steppe_exe, tmp_path_factory):
    d = tmp_path_factory.mktemp("constraints")
    study = d / "limits.yaml"
    study.write_text(STUDY)
    out = str(d / "limits.h5")
    r = subprocess.run([steppe_exe, "run", str(study), "-o", out], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    return out, r.stdout + r.stderr


def test_each_limit_reported_once(violating):
    path, _ = violating
    table = steppe.constraints(path)
    keys = list(zip(table.group, table.element, table.limit))
    assert len(keys) == len(set(keys)), keys  # each limit at most one row
    want = expected()
    linepack = {("gas/network", "total", "min_linepack"), ("gas/network", "total", "max_linepack")}
    assert set(keys) == set(want) | linepack, set(keys) ^ (set(want) | linepack)
    assert (table.episodes == 1).all(), table[["element", "limit", "episodes"]]
    for _, row in table.iterrows():
        key = (row.group, row.element, row.limit)
        if key in linepack:
            continue
        first, worst, worst_t, tol = want[key]
        assert row.first_time_s == first, (key, row.first_time_s, first)
        assert row.worst_time_s == worst_t, (key, row.worst_time_s, worst_t)
        assert row.worst_value == pytest.approx(worst, rel=tol), (key, row.worst_value, worst)
        print("%-20s %-12s %-20s first %5.0f s (oracle %5.0f), worst %.9g (oracle %.9g, "
              "rel. diff %.1e)" % (row.group, row.element, row.limit, row.first_time_s, first,
                                   row.worst_value, worst, abs(row.worst_value / worst - 1)))


def test_linepack_rows_match_the_sampled_series(violating):
    path, _ = violating
    table = steppe.constraints(path).set_index("limit")
    with steppe.open_results(path) as r:
        net = r["gas/network"]
        pack = net.linepack.sel(network="total").values
        t = r.seconds
        for limit, sign, extreme_t in (("max_linepack", 1, H), ("min_linepack", -1, 3 * H)):
            row = table.loc[limit]
            bound = float(net[limit].sel(network="total"))
            beyond = sign * (pack - bound) > 1e-6 * abs(bound)
            assert row.first_time_s == t[np.argmax(beyond)]
            assert row.samples == beyond.sum()
            k = np.argmax(sign * pack)
            assert row.worst_value == pack[k] and row.worst_time_s == t[k]
            # the extremes of line pack follow the supply pressure's (1 h and 3 h)
            assert abs(row.worst_time_s - extreme_t) <= DT, row.worst_time_s


def test_summary_printed(violating):
    _, text = violating
    m = re.search(r"(\d+) of (\d+) monitored limits violated", text)
    assert m and int(m[1]) == 12 and int(m[2]) == 16, text[-2000:]
    assert "Grid-North" in text and "Border" in text


def test_clean_study_reports_nothing(steppe_exe, root, tmp_path):
    out = str(tmp_path / "clean.h5")
    r = subprocess.run([steppe_exe, "run", os.path.join(root, "inputs", "every_kind.yaml"),
                        "-o", out], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "monitored limits violated" not in r.stdout + r.stderr
    assert steppe.constraints(out).empty
