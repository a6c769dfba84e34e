#!/usr/bin/python3
"""The explicit reference scheme of the gas benchmarks
(scripts/bench_reference/explicit_gas.cpp) against oracles of its own: a quick smoke test, so the speed comparisons of
scripts/bench_gas_table.py set Steppe against a scheme that converges.

- Ideal gas, isothermal, fixed λ: the steady outlet pressure has the closed form
  p_out² = p_in² − λ ṁ² R_s T L / (D A²); after the withdrawal steps up and the line settles
  (24 h on a 100 km line) the scheme must reach it.
- A withdrawal ramp: the outlet pressure's differences between successive grids (4, 2, 1,
  0.5 km, time step tied to the cell by CFL 0.9) must fall at least 2.5× per halving, i.e.
  the scheme converges at close to second order (Gyrya & Zlotnik 2019); measured 4.0 (ideal)
  and 4.4, 3.1 (Papay).

usage: test_explicit_reference.py EXPLICIT_GAS
"""
import math
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

if len(sys.argv) < 2:
    sys.exit(__doc__)
PROGRAM = os.path.abspath(sys.argv.pop(1))

LENGTH, DIAMETER, LAMBDA, INLET = 100e3, 0.6, 0.012, 70e5  # m, m, 1, Pa
GRAVITY, TEMPERATURE = 0.6, 288.15


def outlet_pressure(tmp, cells, law, duration, withdrawal):
    """The outlet pressure every 600 s: an array of (time s, pressure Pa) rows."""
    table = os.path.join(tmp, "w.csv")
    with open(table, "w") as f:
        f.write("t,w\n" + "".join(f"{t},{w}\n" for t, w in withdrawal))
    case = os.path.join(tmp, "case.in")
    with open(case, "w") as f:
        f.write(f"specific_gravity {GRAVITY}\ntemperature {TEMPERATURE}\nlaw {law}\n"
                f"supply_pressure {INLET}\nsection {LENGTH} {DIAMETER} {LAMBDA} {cells}\n"
                f"withdrawal {table}\nperiod 0\nduration {duration}\noutput_interval 600\n")
    out = os.path.join(tmp, "out.csv")
    subprocess.run([PROGRAM, case, out], check=True, capture_output=True)
    return np.loadtxt(out, delimiter=",", skiprows=1)


class ExplicitReference(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def test_settles_on_the_closed_form_steady_state(self):
        rs = 8.314462618 / (GRAVITY * 28.9647e-3)
        area = math.pi * DIAMETER ** 2 / 4

        def steady(w):
            return math.sqrt(INLET ** 2 - LAMBDA * w * w * rs * TEMPERATURE * LENGTH
                             / (DIAMETER * area ** 2))

        p = outlet_pressure(self.tmp, 25, "ideal", 86400, [(0, 40), (3600, 40), (5400, 60)])
        self.assertLess(abs(p[0, 1] - steady(40)) / steady(40), 1e-9)  # the steady start
        self.assertGreater(abs(p[12, 1] - steady(60)) / steady(60), 1e-2)  # far off at 2 h
        self.assertLess(abs(p[-1, 1] - steady(60)) / steady(60), 1e-9)  # settled at 24 h

    def test_error_falls_with_the_grid(self):
        ramp = [(0, 40), (3600, 40), (5400, 60)]
        for law in ("ideal", "papay"):
            runs = [outlet_pressure(self.tmp, round(LENGTH / (dx * 1e3)), law, 4 * 3600, ramp)
                    for dx in (4, 2, 1, 0.5)]
            diffs = [np.max(np.abs(a[:, 1] - b[:, 1])) for a, b in zip(runs, runs[1:])]
            self.assertGreater(diffs[0], 10.0, law)  # the grid matters on this ramp (Pa)
            for coarse, fine in zip(diffs, diffs[1:]):
                self.assertGreater(coarse / fine, 2.5, f"{law}: differences {diffs} Pa")


if __name__ == "__main__":
    unittest.main()
