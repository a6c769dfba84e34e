"""Oil benchmark: the 965 km Atasu–Alashankou section of the Kazakhstan–China oil
pipeline (OD 813 × 11.9 mm, ../shared/data/CORRIDOR.md) at ≈ 20 Mt/yr with two pump
stations — the Atasu head station on discharge-pressure control and an intermediate
station at km 480 on suction-pressure control — the intermediate one tripping at
t = 1 h, 12 simulated hours, 1 km segments. Reports states, steps, wall time and the
real-time factor (simulated / wall), for BDF order caps 2 and 5, read back from the
results file's statistics, with the throughput before and after the trip and the
limit events found.

usage: /usr/bin/python3 scripts/bench_oil.py STEPPE [max_order ...]"""
import os
import subprocess
import sys
import tempfile
import time

import h5py

from bench_common import print_machine
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
            names = list(f["oil/stations/name"].asstr()[:])
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
