"""Power benchmark: Kazakhstan's system as four zones (North, South, West, East) with AGC,
coal, gas and hydro units, Zhanatas wind, Burnoye solar, a battery and under-frequency
load shedding; 30 simulated days with merit-order dispatch every hour and a 500 MW unit
tripping every day at 18:00 (back at 22:00). Prints states, steps, wall time and the
real-time factor, read back from the results file's attributes.

usage: bench_power.py STEPPE [DAYS]"""
import os
import subprocess
import sys
import tempfile
import time

import h5py

from bench_common import print_machine

if len(sys.argv) < 2:
    sys.exit(__doc__)
steppe = sys.argv[1]
days = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0

STUDY = """study: {{name: power bench, start: 2024-01-15T00:00:00Z, duration: {days} d,
        output_interval: 10 min}}
solver: {{rtol: 1e-6, atol: 1e-6}}
power:
  zones:
    - name: North
      inertia: 6 s
      base: 12 GW
      load: {{times: [0, 7 h, 10 h, 18 h, 21 h], values: [7.2 GW, 8.4 GW, 8.6 GW, 9.3 GW, 8.0 GW],
             interpolation: linear, repeat: daily}}
      agc: {{time_constant: 60 s}}
    - name: South
      inertia: 4 s
      base: 6 GW
      load: {{times: [0, 7 h, 10 h, 18 h, 21 h], values: [3.6 GW, 4.3 GW, 4.4 GW, 4.7 GW, 4.0 GW],
             interpolation: linear, repeat: daily}}
      agc: {{time_constant: 60 s}}
      ufls:
        - {{threshold: 49.2 Hz, delay: 0.3 s, fraction: 5 %}}
        - {{threshold: 49.0 Hz, delay: 0.3 s, fraction: 5 %}}
    - name: West
      inertia: 5 s
      base: 3 GW
      load: {{times: [0, 12 h], values: [2.0 GW, 2.4 GW], interpolation: linear, repeat: daily}}
      agc: {{time_constant: 60 s}}
    - name: East
      inertia: 5 s
      base: 2 GW
      load: {{times: [0, 12 h], values: [1.2 GW, 1.5 GW], interpolation: linear, repeat: daily}}
      agc: {{time_constant: 60 s}}
  ties:
    - {{name: North-South, from: North, to: South, susceptance: 15 GW, limit: 2100 MW}}
    - {{name: North-East, from: North, to: East, susceptance: 10 GW, limit: 1500 MW}}
    - {{name: North-West, from: North, to: West, susceptance: 5 GW, limit: 500 MW}}
  generators:
    - {{name: Ekibastuz GRES-1, zone: North, capacity: 4000 MW, min_output: 1500 MW, cost: 8,
       ramp: 40 MW/min, hp_fraction: 0.3, turbine_time: 7 s}}
    - {{name: Ekibastuz GRES-2, zone: North, capacity: 1000 MW, min_output: 400 MW, cost: 9,
       ramp: 10 MW/min, hp_fraction: 0.3, turbine_time: 7 s}}
    - {{name: North CHP, zone: North, capacity: 5500 MW, min_output: 2000 MW, cost: 15,
       ramp: 60 MW/min}}
    - {{name: Unit 500, zone: North, capacity: 500 MW, min_output: 200 MW, cost: 7,
       ramp: 10 MW/min, availability: {{times: [0, 18 h, 22 h], values: [1, 0, 1],
       interpolation: step, repeat: daily}}}}
    - {{name: Almaty TPP-2, zone: South, type: gas, capacity: 600 MW, min_output: 200 MW,
       cost: 40, ramp: 30 MW/min, turbine_time: 1 s}}
    - {{name: Zhambyl GRES, zone: South, type: gas, capacity: 1070 MW, min_output: 200 MW,
       cost: 45, ramp: 20 MW/min}}
    - {{name: South CHP, zone: South, capacity: 1500 MW, min_output: 800 MW, cost: 20,
       ramp: 20 MW/min}}
    - {{name: Kapshagay, zone: South, type: hydro, capacity: 364 MW, cost: 2, droop: 0.08,
       water_time: 1.0 s, ramp: 100 MW/min}}
    - {{name: Moinak, zone: South, type: hydro, capacity: 300 MW, cost: 2, droop: 0.08,
       water_time: 1.0 s, ramp: 100 MW/min}}
    - {{name: West gas, zone: West, type: gas, capacity: 2500 MW, min_output: 600 MW, cost: 30,
       ramp: 40 MW/min}}
    - {{name: East CHP, zone: East, capacity: 1400 MW, min_output: 500 MW, cost: 12,
       ramp: 20 MW/min}}
    - {{name: Bukhtarma, zone: East, type: hydro, capacity: 750 MW, cost: 2, droop: 0.08,
       water_time: 1.0 s, ramp: 100 MW/min}}
  wind:
    - name: Zhanatas
      zone: South
      turbines: 40
      rated_power: 2.5 MW
      hub_height: 90 m
      measurement_height: 10 m
      shear_exponent: 0.16
      speed: {{times: [0, 4 h, 9 h, 15 h, 20 h], values: [5.5, 7.0, 4.0, 6.5, 8.5],
              interpolation: linear, repeat: daily}}
  solar:
    - {{name: Burnoye, zone: South, clear_sky: true, latitude: 42.6, longitude: 70.7,
       capacity: 100 MW, inverter_limit: 95 MW, air_temperature: -5 degC,
       cloud_factor: {{times: [0, 1 d, 2 d], values: [1, 0.4, 0.8], interpolation: step,
                      repeat: weekly}}}}
  storage:
    - {{name: South BESS, zone: South, energy: 200 MWh, power: 50 MW, droop: 0.02,
       schedule: {{times: [0, 6 h, 12 h, 17 h, 22 h], values: [-30 MW, 0, -30 MW, 40 MW, 0],
                  interpolation: step, repeat: daily}}}}
  dispatch: {{interval: 1 h}}
"""


print_machine(steppe)
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "power_bench.yaml")
    with open(path, "w") as f:
        f.write(STUDY.format(days=days))
    out = os.path.join(tmp, "power_bench.h5")
    t0 = time.perf_counter()
    subprocess.run([steppe, "run", path, "-o", out, "--quiet"], check=True)
    wall = time.perf_counter() - t0
    with h5py.File(out, "r") as f:
        a = f.attrs
        steps = int(a["stats_steps"])
        solve = float(a["wall_time_s"])
        kinds = f["events/kind"].asstr()[:]
        msgs = f["events/message"].asstr()[:]
        served = f["power/zones/energy_served"][-1, :].sum() / 3.6e12
        shed = f["power/zones/energy_shed"][-1, :].sum() / 3.6e12
        curtailed = f["power/zones/energy_curtailed"][-1, :].sum() / 3.6e12
        fmin = f["power/zones/frequency"][:].min()
        print(f"{'days':>5} {'states':>7} {'nnz':>6} {'steps':>7} {'res':>7} {'jac':>6} "
              f"{'events':>7} {'wall s':>8} {'solve s':>8} {'real-time factor':>17}")
        print(f"{days:>5g} {int(a['unknowns']):>7} {int(a['jacobian_nonzeros']):>6} {steps:>7} "
              f"{int(a['stats_residual_evals']):>7} {int(a['stats_jacobian_evals']):>6} "
              f"{len(kinds):>7} {wall:>8.2f} {solve:>8.2f} {days * 86400 / wall:>17.3g}")
        trips = sum("offline" in m for m in msgs)
        print(f"unit trips: {trips}, UFLS/limit events: {sum(k == 'limit' for k in kinds)}, "
              f"lowest sampled frequency {fmin:.4f} Hz")
        print(f"energy served {served:.1f} GWh, shed {shed:.3f} GWh, curtailed {curtailed:.3f} GWh")
print("wall s: the whole process (load, assemble, solve, write); solve s: the run's own "
      "wall_time_s; real-time factor = simulated time / wall s")
