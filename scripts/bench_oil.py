"""Oil benchmark: the 965 km Atasu–Alashankou section of the Kazakhstan–China oil
pipeline (OD 813 × 11.9 mm, ../shared/data/CORRIDOR.md) at ≈ 20 Mt/yr with two pump
stations — the Atasu head station on discharge-pressure control and an intermediate
station at km 480 on suction-pressure control — the intermediate one tripping at
t = 1 h, 12 simulated hours, 1 km segments. Reports states, steps, wall time and the
real-time factor (simulated / wall), for BDF order caps 2 and 5, read back from the
results file's statistics, with the throughput before and after the trip and the
limit events found.

Then the surge cases: the 1,000 m frictionless reservoir–pipe–valve line (a = 1000 m/s,
V0 = 1 m/s, 100 cells) with an instantaneous closure at 1 s, 17 s simulated, with the
solver defaults and with the settings inputs/README.md recommends for surge (max_order 2,
max_step Δx/(2a)); beside it, in the same run, the method of characteristics at Courant 1
on the same grid (scripts/bench_reference/moc_liquid.cpp, compiled here with g++ -O2): its
steps and wall time, our steps and wall time, the ratios, and both peaks against ρaV0.

usage: /usr/bin/python3 scripts/bench_oil.py STEPPE [max_order ...]"""
import os
import subprocess
import sys
import tempfile
import time

import json

import h5py

from bench_common import print_machine, record
import numpy as np

if len(sys.argv) < 2:
    sys.exit(__doc__)
steppe = sys.argv[1]
orders = [int(a) for a in sys.argv[2:]] or [2, 5]

STUDY = """study: {{name: Atasu-Alashankou pump trip, duration: 12 h, output_interval: 5 min}}
solver: {{rtol: 1e-6, atol: 1e-6, max_order: {order}}}
oil:
  initial_flow: 20 Mt/yr
  initial_pressure: 40 bar
  fluids:
    - name: Russian transit blend
      density: 850 kg/m3
      reference_temperature: 20 degC
      viscosity: {{temperatures: [20 degC, 50 degC], values: [6 cSt, 3 cSt]}}
      vapour_pressure: 0.3 bar
      temperature: 30 degC
  route:
    distance:  [0, 120 km, 300 km, 480 km, 650 km, 800 km, 965 km]
    elevation: [500 m, 560 m, 430 m, 390 m, 470 m, 350 m, 300 m]
  pipes:
    - {{name: Atasu manifold, length: 1 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm}}
    - {{name: Atasu-PS2, length: 480 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       max_segment_length: 1 km, maop: 90 bar}}
    - {{name: PS2-Alashankou, length: 485 km, outer_diameter: 813 mm, wall_thickness: 11.9 mm,
       max_segment_length: 1 km, maop: 90 bar}}
  stations:
    - name: Atasu PS
      upstream: Atasu manifold
      downstream: Atasu-PS2
      pumps: {{count: 3, arrangement: series, shutoff_head: 400 m, rated_head: 330 m,
              rated_flow: 0.75 m3/s, best_efficiency: 0.86}}
      control: {{variable: discharge, setpoint: 88 bar, proportional_band: 20 bar,
                integral_time: 120 s, min_suction_pressure: 1.5 bar, max_speed: 1.1}}
    - name: PS-2
      upstream: Atasu-PS2
      downstream: PS2-Alashankou
      pumps: {{count: 3, arrangement: series, shutoff_head: 400 m, rated_head: 330 m,
              rated_flow: 0.75 m3/s, best_efficiency: 0.86}}
      control: {{variable: suction, setpoint: 5 bar, proportional_band: 20 bar,
                integral_time: 120 s, max_discharge_pressure: 88 bar, max_speed: 1.1}}
      trips: [1 h]
      rundown_time: 20 s
  terminals:
    - {{name: Atasu tank farm, pipe: Atasu manifold, end: inlet, pressure: 2 bar}}
    - {{name: Alashankou, pipe: PS2-Alashankou, end: outlet, pressure: 3 bar}}
  points:
    - {{name: km 240, pipe: Atasu-PS2, at: 240 km}}
    - {{name: km 720, pipe: PS2-Alashankou, at: 240 km}}
"""


print_machine(steppe)
print("case: Atasu–Alashankou 965 km, 2 pump stations, PS-2 trips at 1 h, 12 h simulated")
print(f"{'order':>5} {'states':>6} {'nnz':>6} {'wall s':>7} {'steps':>6} {'res':>6} {'jac':>5} "
      f"{'RTF':>8} {'Mt/yr t=0':>9} {'Mt/yr 12h':>9} {'events':>6}")
with tempfile.TemporaryDirectory() as tmp:
    for order in orders:
        path = os.path.join(tmp, f"oil{order}.yaml")
        with open(path, "w") as f:
            f.write(STUDY.format(order=order))
        out = os.path.join(tmp, f"oil{order}.h5")
        t0 = time.perf_counter()
        r = subprocess.run([steppe, "run", path, "-o", out, "--quiet"], capture_output=True,
                           text=True)
        wall = time.perf_counter() - t0
        if r.returncode != 0:
            print(f"{order:>5} failed (exit {r.returncode}): {r.stderr.strip()[:400]}")
            continue
        with h5py.File(out, "r") as f:
            a = f.attrs
            names = list(f["oil/stations/station"].asstr()[:])
            rate = f["oil/stations/annual_rate"][:, names.index("Atasu PS")]
            kinds = f["events/kind"].asstr()[:]
            msgs = f["events/message"].asstr()[:]
            print(f"{order:>5} {int(a['unknowns']):>6} {int(a['jacobian_nonzeros']):>6} "
                  f"{wall:>7.2f} {int(a['stats_steps']):>6} {int(a['stats_residual_evals']):>6} "
                  f"{int(a['stats_jacobian_evals']):>5} {12 * 3600 / wall:>8.0f} "
                  f"{rate[0]:>9.2f} {rate[-1]:>9.2f} {len(kinds):>6}")
            if order == orders[-1]:
                p = f["oil/stations/discharge_pressure"][:]
                s = f["oil/stations/suction_pressure"][:]
                pw = f["oil/stations/electric_power"][:]
                for i, n in enumerate(names):
                    print(f"  {n}: suction {s[0, i] / 1e5:.1f} → {s[-1, i] / 1e5:.1f} bar, "
                          f"discharge {p[0, i] / 1e5:.1f} → {p[-1, i] / 1e5:.1f} bar, "
                          f"electric {pw[0, i] / 1e6:.2f} → {pw[-1, i] / 1e6:.2f} MW")
                seen = set()
                for k, m in zip(kinds, msgs):
                    key = (k, m.split(" at ")[0])
                    if key in seen:
                        continue
                    seen.add(key)
                    print(f"  event {k}: {m}")
print("wall s: the whole process (load, steady start, integration, HDF5 output); "
      "RTF = 12 h / wall s")


# ---- surge: the 1,000 m closure against the method of characteristics ----
SURGE = """study: {{name: surge closure, duration: 17 s, output_interval: 5 ms}}
solver: {{{solver}}}
oil:
  initial_flow: 155 kg/s
  initial_pressure: 50 bar
  fluids:
    - {{name: Crude, density: 850 kg/m3, reference_temperature: 20 degC,
       thermal_expansion: 7e-4, viscosity: 8 cSt, temperature: 10 degC}}
  pipes:
    - {{name: P1, length: 1000 m, outer_diameter: 0.5, wall_thickness: 0.01, wave_speed: 1000,
       friction: 0, max_segment_length: 10 m}}
  valves:
    - name: V
      upstream: P1
      outlet_pressure: 49 bar
      loss_coefficient: {zeta}
      opening: {{times: [0, 1 s], values: [1, 0], interpolation: step}}
  terminals:
    - {{name: Reservoir, pipe: P1, end: inlet, pressure: 50 bar}}
"""
RHO = 850 * (1 - 7e-4 * (283.15 - 293.15))  # the fluid at 10 degC
ZETA = 2 * 1e5 / RHO  # V0 = 1 m/s through the valve (D = 0.48 m)
HERE = os.path.dirname(os.path.abspath(__file__))
print()
print("case: surge, 1,000 m frictionless line, a = 1000 m/s, V0 = 1 m/s, 100 cells, "
      "instantaneous closure at 1 s, 17 s simulated")
with tempfile.TemporaryDirectory() as tmp:
    moc = os.path.join(tmp, "moc_liquid")
    subprocess.run(["g++", "-O2", "-std=c++20",
                    os.path.join(HERE, "bench_reference", "moc_liquid.cpp"), "-o", moc],
                   check=True)
    r = subprocess.run([moc, "1000", "1000", "0.48", repr(RHO), "0", "50e5", "49e5", repr(ZETA),
                        "100", "1", "17", "20"], capture_output=True, text=True, check=True)
    ref = json.loads(r.stdout)
    A = 3.141592653589793 * 0.48 ** 2 / 4
    dpj = 1000.0 * ref["m0"] / A  # ρ a V0 = Z m0
    print(f"MOC reference (Courant 1, g++ -O2): {ref['steps']} steps, "
          f"{ref['wall_s'] * 1e3:.3f} ms (best of 20), peak {100 * (ref['peak_pa'] / dpj - 1):+.3f} "
          f"% of ρaV0 = {dpj:.6g} Pa")
    for label, solver in [("default tolerances", "max_order: 2"),
                          ("surge settings", "max_order: 2, max_step: 5 ms"),
                          ("loose tolerances", "max_order: 2, rtol: 1e-4, atol: 1e-4")]:
        path = os.path.join(tmp, "surge.yaml")
        with open(path, "w") as f:
            f.write(SURGE.format(solver=solver, zeta=ZETA))
        out = os.path.join(tmp, f"surge_{label[:5]}.h5")
        t0 = time.perf_counter()
        r = subprocess.run([steppe, "run", path, "-o", out, "--quiet"], capture_output=True,
                           text=True)
        wall = time.perf_counter() - t0
        if r.returncode != 0:
            print(f"{label}: failed (exit {r.returncode}): {r.stderr.strip()[:400]}")
            continue
        row = record(f"oil surge closure ({label})", out, wall)
        with h5py.File(out, "r") as f:
            pv = f["oil/valves/upstream_pressure"][:, 0]
            integ = float(f.attrs["wall_time_s"]) - float(f.attrs.get("output_time_s", 0.0))
        peak = (pv.max() - pv[0]) / dpj - 1
        print(f"  {label} ({solver}): {int(row['steps'])} steps = {row['steps'] / ref['steps']:.2f} "
              f"× MOC; integration {integ:.3f} s = {integ / ref['wall_s']:.0f} × MOC, process "
              f"{wall:.3f} s; peak {100 * peak:+.3f} % of ρaV0 (5 ms samples)")
print("ratio: steppe / MOC at Courant 1 on the same 100 cells (MOC is exact here: Courant 1 "
      "and no friction)")
