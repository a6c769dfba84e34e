#!/usr/bin/python3
"""End-to-end: scripts/plot.py on a short gas study (two pipes written as profiles, a
compressor between them) and a short two-zone power study: exit 0, the expected PNG
figures written as valid PNGs, the summary table naming the expected quantities; a
"failed" and a "running" file refused with exit 2 unless --allow-incomplete.

usage: test_plot.py STEPPE REPO_ROOT
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import h5py

if len(sys.argv) != 3:
    sys.exit(__doc__)
STEPPE, REPO = map(os.path.abspath, sys.argv[1:3])
PLOT = os.path.join(REPO, "scripts", "plot.py")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

GAS = """study: {name: plot gas, duration: 6 h, output_interval: 15 min}
gas:
  fluid: {specific_gravity: 0.6, temperature: 288.15 K}
  nodes:
    - {name: A, initial_pressure: 70 bar}
    - {name: B, initial_pressure: 60 bar}
    - {name: C, initial_pressure: 70 bar}
    - {name: D, initial_pressure: 60 bar}
  pipes:
    - {name: West leg, from: A, to: B, length: 120 km, diameter: 1067 mm, profile: true,
       max_segment_length: 10 km}
    - {name: East leg, from: C, to: D, length: 120 km, diameter: 1067 mm, profile: true,
       max_segment_length: 10 km}
  compressors:
    - {name: CS mid, from: B, to: C, control: discharge, set_point: 70 bar, ratio_max: 1.6}
  supplies:
    - {name: Border, node: A, pressure: 70 bar}
  offtakes:
    - {name: City, node: D, mass_flow: {times: [0, 2 h, 4 h], values: [250, 350, 300]}}
"""

POWER = """study: {name: plot power, start: 2024-01-15T00:00:00Z, duration: 6 h,
        output_interval: 5 min}
power:
  zones:
    - {name: North, inertia: 6 s, base: 6 GW, load: {times: [0, 6 h], values: [4 GW, 4.6 GW]},
       agc: {time_constant: 60 s}}
    - {name: South, inertia: 4 s, base: 3 GW, load: {times: [0, 6 h], values: [2 GW, 2.4 GW]},
       agc: {time_constant: 60 s}}
  ties:
    - {name: North-South, from: North, to: South, susceptance: 10 GW, limit: 1200 MW}
  generators:
    - {name: Coal N, zone: North, capacity: 6000 MW, min_output: 1000 MW, cost: 8,
       ramp: 60 MW/min}
    - {name: Gas S, zone: South, type: gas, capacity: 1500 MW, min_output: 200 MW, cost: 40,
       ramp: 30 MW/min}
    - {name: Gas S2, zone: South, type: gas, capacity: 200 MW, min_output: 50 MW, cost: 30,
       ramp: 30 MW/min, trip_at: 3 h}
    - {name: Hydro S, zone: South, type: hydro, capacity: 400 MW, cost: 2, ramp: 100 MW/min}
  wind:
    - {name: Wind S, zone: South, turbines: 40, rated_power: 2.5 MW,
       speed: {times: [0, 3 h, 6 h], values: [5, 9, 6]}}
  storage:
    - {name: BESS, zone: South, energy: 200 MWh, power: 50 MW,
       schedule: {times: [0, 3 h], values: [-30 MW, 40 MW], interpolation: step}}
  dispatch: {interval: 1 h}
"""

GAS_FIGURES = ["gas_profile_West_leg.png", "gas_node_pressure.png", "gas_linepack.png",
               "gas_compressors.png"]
POWER_FIGURES = ["power_frequency.png", "power_generation.png", "power_ties.png",
                 "power_renewables.png", "power_storage.png", "events.png"]


def run_study(tmp, name, text, *extra):
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    out = os.path.join(tmp, name + ".h5")
    r = subprocess.run([STEPPE, "run", path, "-o", out, "--quiet", *extra],
                       capture_output=True, text=True, timeout=60)
    return r, out


def plot(*args):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([PYTHON, PLOT, *args], capture_output=True, text=True, timeout=120,
                          env=env)


def check_png(test, path):
    test.assertTrue(os.path.isfile(path), f"missing {path}")
    with open(path, "rb") as f:
        sig = f.read(8)
    test.assertEqual(sig, b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
    test.assertGreater(os.path.getsize(path), 10_000, f"{path} is suspiciously small")


class Plot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="steppe_plot_")
        r, cls.gas = run_study(cls.tmp.name, "gas", GAS)
        assert r.returncode == 0, r.stderr
        r, cls.power = run_study(cls.tmp.name, "power", POWER)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_gas(self):
        out = os.path.join(self.tmp.name, "gas_figs")
        r = plot(self.gas, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in GAS_FIGURES:
            check_png(self, os.path.join(out, name))
        # the two legs chain through the compressor into one profile figure
        self.assertFalse(os.path.exists(os.path.join(out, "gas_profile_East_leg.png")))
        self.assertIn(out, r.stdout)
        for words in ("line pack first → last", "%", "minimum node pressure", "bar",
                      "compressor shaft power", "MW", "events"):
            self.assertIn(words, r.stdout)
        self.assertTrue(os.path.isfile(os.path.join(out, "summary.txt")))
        print(r.stdout)

    def test_power_default_dir(self):
        r = plot(self.power)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = os.path.join(self.tmp.name, "power_plots")
        for name in POWER_FIGURES:
            check_png(self, os.path.join(out, name))
        for words in ("energy served", "energy shed", "energy curtailed", "GWh",
                      "frequency North", "frequency South", "Hz", "tie North-South",
                      "count by kind", "limit"):
            self.assertIn(words, r.stdout)
        print(r.stdout)

    def test_incomplete_refused(self):
        # a real failed run (as in test_failure.py) and a file marked "running"
        with open(os.path.join(REPO, "inputs", "demo_tank.yaml"), encoding="utf-8") as y:
            demo = y.read()
        r, failed = run_study(self.tmp.name, "failed", demo, "--set", "solver.max_steps=20",
                              "--set", "solver.max_step=10 min",
                              "--set", "study.output_interval=1 h")
        self.assertEqual(r.returncode, 1, r.stderr)
        running = os.path.join(self.tmp.name, "running.h5")
        shutil.copy(self.gas, running)
        with h5py.File(running, "a") as f:
            f.attrs["status"] = "running"
        for path, status in ((failed, "failed"), (running, "running")):
            out = os.path.join(self.tmp.name, status + "_figs")
            r = plot(path, "-o", out)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn(f'status "{status}"', r.stderr)
            self.assertIn("--allow-incomplete", r.stderr)
            self.assertFalse(os.path.exists(out))
            r = plot(path, "-o", out, "--allow-incomplete")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(any(n.endswith(".png") for n in os.listdir(out)))
        print("failed and running files refused (exit 2), plotted with --allow-incomplete")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
