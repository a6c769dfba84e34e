"""Engine benchmark: a chain of N lumped tanks joined by links, fed at one end by a
daily-repeating demand profile and held at the other, integrated over 7 days with KLU
(and with the dense solver for N ≤ 300). Reports wall time, steps, residual and
Jacobian evaluations, and the cost per step and per unknown, read back from the
results file's statistics attributes."""
import os
import subprocess
import sys
import tempfile
import time

import h5py

from bench_common import print_machine, profile_header, record

steppe = sys.argv[1]
sizes = [int(a) for a in sys.argv[2:]] or [100, 1000, 10000]


def chain_study(n, solver):
    nodes = "\n".join(f"    - {{name: N{i}, capacitance: 1e-3}}" for i in range(n))
    links = "\n".join(f"    - {{name: L{i}, from: N{i}, to: N{i + 1}, conductance: 1e-3}}"
                      for i in range(n - 1))
    return f"""study: {{name: chain {n}, duration: 7 d, output_interval: 1 h}}
solver: {{rtol: 1e-6, atol: 1e-6, linear_solver: {solver}}}
lumped:
  nodes:
{nodes}
  links:
{links}
  sources:
    - name: Demand
      node: N0
      mass_flow: {{times: [0, 6 h, 9 h, 18 h, 22 h], values: [50, 50, 120, 120, 50],
                  interpolation: linear, repeat: daily}}
  boundaries:
    - {{name: Hold, node: N{n - 1}, pressure: 50 bar}}
"""


print_machine(steppe)
print(f"{'solver':>6} {'N':>6} {'unknowns':>8} {'nnz':>7} {'wall s':>8} {'steps':>6} "
      f"{'res':>6} {'jac':>5} {'µs/step':>9} {'ns/step/unk':>11}")
profiles = []
with tempfile.TemporaryDirectory() as tmp:
    for n in sizes:
        for solver in ["klu", "dense"] if n <= 300 else ["klu"]:
            path = os.path.join(tmp, f"chain{n}.yaml")
            with open(path, "w") as f:
                f.write(chain_study(n, solver))
            out = os.path.join(tmp, f"chain{n}_{solver}.h5")
            t0 = time.perf_counter()
            subprocess.run([steppe, "run", path, "-o", out, "--quiet"], check=True)
            wall = time.perf_counter() - t0
            with h5py.File(out, "r") as f:
                a = f.attrs
                steps = int(a["stats_steps"])
                unk = int(a["unknowns"])
                solve = float(a["wall_time_s"])
                print(f"{solver:>6} {n:>6} {unk:>8} {int(a['jacobian_nonzeros']):>7} {wall:>8.3f} "
                      f"{steps:>6} {int(a['stats_residual_evals']):>6} "
                      f"{int(a['stats_jacobian_evals']):>5} {1e6 * solve / steps:>9.1f} "
                      f"{1e9 * solve / steps / unk:>11.1f}")
            profiles.append((n, solver, out, wall))
    print("wall s: the whole process (load, assemble, solve, write); µs/step from the run's own "
          "wall_time_s (initialisation, integration and output)")
    print()
    print(profile_header())
    for n, solver, out, wall in profiles:
        record(f"engine chain {n} {solver}", out, wall)
