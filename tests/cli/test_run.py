#!/usr/bin/python3
"""End-to-end: `steppe run` on the demo study, the results file read back by h5py and
xarray and checked against the demo's closed form; `check`, `info`, `--version`, usage.

usage: test_run.py STEPPE REPO_ROOT
"""
import math
import os
import re
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
import xarray

if len(sys.argv) != 3:
    sys.exit(__doc__)
STEPPE, REPO = map(os.path.abspath, sys.argv[1:3])

# The demo (inputs/demo_tank.yaml): tank C behind a link G to a grid at P0; a source
# steps to Q at 06:00 and to Q_OUT at 18:00; the check valve "Return" is closed while
# the tank is above the grid.
C, G, P0, Q, Q_OUT, P_MAX = 2e-2, 1e-5, 50e5, 20.0, -5.0, 65e5
TAU = C / G
T_ON, T_OFF = 6 * 3600.0, 18 * 3600.0


def closed_form_rise(t):
    """Tank pressure between 06:00 and 18:00 (only the Outlet link conducts)."""
    return P0 + Q / G * (1 - np.exp(-(t - T_ON) / TAU))


def run(*args, cwd=None):
    r = subprocess.run([STEPPE, *args], capture_output=True, text=True, timeout=30, cwd=cwd)
    return r.returncode, r.stdout, r.stderr


def demo():
    return os.path.join(REPO, "inputs", "demo_tank.yaml")


class DemoRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="steppe_run_")
        cls.out = os.path.join(cls.tmp.name, "x.h5")
        rc, _, err = run("run", demo(), "-o", cls.out, "--quiet", cwd=cls.tmp.name)
        assert rc == 0, f"steppe run exited {rc}: {err}"
        assert err == "", f"--quiet run printed: {err!r}"

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_root_attributes(self):
        with h5py.File(self.out, "r") as f:
            self.assertEqual(f.attrs["status"], "complete")
            self.assertEqual(f.attrs["file_type"], "steppe-results")
            with open(demo(), encoding="utf-8") as y:
                self.assertEqual(f.attrs["study"], y.read())
        print("root attributes: status complete, file_type, study text")

    def test_time_axis(self):
        with h5py.File(self.out, "r") as f:
            t = f["time"]
            self.assertTrue(t.attrs["units"].startswith("seconds since 2024-01-15 00:00:00"))
            self.assertEqual(t.shape, (289,))
            np.testing.assert_array_equal(t[...], np.arange(289) * 300.0)
        print("/time: 289 samples every 300 s, units seconds since 2024-01-15 00:00:00")

    def test_pressure_against_closed_form(self):
        with h5py.File(self.out, "r") as f:
            t = f["time"][...]
            ds = f["lumped/nodes/pressure"]
            self.assertEqual(ds.attrs["units"], "Pa")
            self.assertEqual(ds.shape, (289, 2))
            self.assertEqual(list(f["lumped/nodes/node"].asstr()[...]), ["Tank", "Grid"])
            p = ds[...]
        np.testing.assert_allclose(p[:, 1], P0, rtol=1e-9)  # the grid is held
        before = t <= T_ON
        np.testing.assert_allclose(p[before, 0], P0, rtol=1e-6)  # steady start, no flow
        day = (t >= T_ON) & (t <= T_OFF)
        np.testing.assert_allclose(p[day, 0], closed_form_rise(t[day]), rtol=1e-4)
        print(f"Tank pressure matches the closed form at {day.sum()} samples 06:00–18:00 "
              "to 1e-4; Grid held at 50 bar")

    def events(self):
        with h5py.File(self.out, "r") as f:
            e = f["events"]
            return list(zip(e["time"][...], e["kind"].asstr()[...], e["element"].asstr()[...],
                            e["value"][...]))

    def test_events(self):
        events = self.events()
        modes = [e for e in events if e[1] == "mode" and e[2] == "Return"]
        limits = [e for e in events if e[1] == "limit" and e[2] == "Tank"]
        self.assertTrue(modes, events)
        self.assertAlmostEqual(modes[0][0], T_ON, delta=1.0)
        # p(t) = 65 bar on the way up: 1 − exp(−x/τ) = (P_MAX − P0)·G/Q.
        t_up = T_ON - TAU * math.log(1 - (P_MAX - P0) * G / Q)
        # After 18:00 the tank (≈ 70 bar) relaxes towards P0 + Q_OUT/G through the Outlet
        # alone until it falls below the grid, when the check valve opens.
        p_18 = closed_form_rise(T_OFF)
        p_inf = P0 + Q_OUT / G
        t_down = T_OFF + TAU * math.log((p_18 - p_inf) / (P_MAX - p_inf))
        t_open = T_OFF + TAU * math.log((p_18 - p_inf) / (P0 - p_inf))
        self.assertEqual(len(limits), 2, events)
        self.assertAlmostEqual(limits[0][0], t_up, delta=1.0)
        self.assertAlmostEqual(limits[1][0], t_down, delta=1.0)
        for e in limits:
            self.assertAlmostEqual(e[3], P_MAX, delta=1.0)
        self.assertEqual(len(modes), 2, events)
        self.assertAlmostEqual(modes[1][0], t_open, delta=1.0)
        print(f"events: Return closes at {modes[0][0]:.3f} s, opens at {modes[1][0]:.1f} s "
              f"(closed form {t_open:.1f}); Tank limit at {limits[0][0]:.2f} s / "
              f"{limits[1][0]:.2f} s (closed form {t_up:.2f} / {t_down:.2f})")

    def test_xarray(self):
        nodes = xarray.open_dataset(self.out, engine="h5netcdf", group="lumped/nodes")
        with nodes:
            self.assertEqual(nodes["pressure"].dims, ("time", "node"))
            self.assertEqual(nodes["pressure"].attrs["units"], "Pa")
            self.assertEqual(list(nodes["node"].values), ["Tank", "Grid"])
        root = xarray.open_dataset(self.out, engine="h5netcdf")
        with root:
            self.assertIn("time", root.coords)
            self.assertEqual(root.sizes["time"], 289)
            self.assertEqual(root["time"].values[0], np.datetime64("2024-01-15T00:00:00"))
        print("xarray: lumped/nodes pressure (time, name) in Pa; root has the time coordinate")

    def test_info(self):
        rc, out, err = run("info", self.out)
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"status\s+complete")
        self.assertIn("/lumped/nodes/pressure", out)
        self.assertIn("289 samples", out)
        print("steppe info: status complete, /lumped/nodes/pressure, 289 samples")


class Commands(unittest.TestCase):
    def test_set_duration(self):
        with tempfile.TemporaryDirectory(prefix="steppe_run_") as tmp:
            out = os.path.join(tmp, "short.h5")
            rc, _, err = run("run", demo(), "-o", out, "--quiet", "--set", "study.duration=2 h",
                             cwd=tmp)
            self.assertEqual(rc, 0, err)
            with h5py.File(out, "r") as f:
                self.assertEqual(f["time"].shape, (25,))
                self.assertEqual(f["time"][-1], 7200.0)
                self.assertIn("duration: 2 h", f.attrs["study"])
        print("--set study.duration=\"2 h\": 25 samples, the study attribute as run")

    def test_step_report(self):
        """--step-report attributes every step of the run to one unknown of the study."""
        with tempfile.TemporaryDirectory(prefix="steppe_run_") as tmp:
            out = os.path.join(tmp, "steps.h5")
            rc, _, err = run("run", demo(), "-o", out, "--quiet", "--step-report", cwd=tmp)
            self.assertEqual(rc, 0, err)
            with h5py.File(out, "r") as f:
                steps = int(f.attrs["stats_steps"])
            head = re.search(r"steps limited by .*, of (\d+) steps:\n", err)
            self.assertIsNotNone(head, err)
            self.assertEqual(int(head.group(1)), steps)
            rows = re.findall(r"^ +([0-9.]+) % +(\d+)  (.+)$", err, re.M)
            self.assertTrue(rows, err)
            counts = [int(n) for _, n, _ in rows]
            self.assertEqual(counts, sorted(counts, reverse=True))
            self.assertLessEqual(sum(counts), steps)
            for pct, n, unknown in rows:
                self.assertAlmostEqual(float(pct), 100.0 * int(n) / steps, delta=0.05)
                self.assertRegex(unknown, r"^lumped \w+ (Tank|Grid|Outlet|Return|Compressor|"
                                 r"Grid pressure)\b.*: \w+")
        print(f"--step-report: {steps} steps, led by {rows[0][2]} ({rows[0][0]} %)")

    def test_check(self):
        rc, out, err = run("check", demo())
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"5 unknowns, 15 Jacobian non-zeros, 2 root functions")
        self.assertIn("289 samples", out)
        rows = {m[0]: tuple(int(x) for x in m[1:])
                for m in re.findall(r"^(lumped \w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$",
                                    out, re.M)}
        # elements, unknowns, differential, algebraic, non-zeros (entries the kind writes,
        # plus the diagonals of its own unknowns; the kinds add up to the header's 15).
        self.assertEqual(rows, {
            "lumped node": (2, 2, 1, 1, 2),      # p each; Tank C > 0, Grid C = 0 (junction)
            "lumped link": (2, 2, 0, 2, 10),     # ṁ each: 3 entries in its row, 2 in nodes'
            "lumped source": (1, 0, 0, 0, 0),    # a forcing term only
            "lumped boundary": (1, 1, 0, 1, 3),  # q: ∂(p − p_set)/∂p, ∂F_node/∂q, and its
                                                 # structural diagonal (KLU needs it)
        }, out)
        print("steppe check: 5 unknowns (1 differential), per-kind counts as derived")

    def test_check_modes(self):
        # Two zones (H 5 s on 4 and 12 GW, no load damping) on a tie of B = 5 GW/rad and
        # damping K: the swing's ω_n = √(2πB/M_r), ζ = K/(2√(2πB·M_r)) (M = 2HS/f0,
        # M_r = M_A·M_B/(M_A + M_B)); K is chosen for ζ = 0.05. The listing counts the λ = 0
        # modes (10 energy totals, the centre of inertia's frequency) apart and puts the
        # swing first, its pair once, with the unknowns that move most in it.
        f0, H, SA, SB, B, zeta = 50.0, 5.0, 4e9, 12e9, 5e9, 0.05
        MA, MB = 2 * H * SA / f0, 2 * H * SB / f0
        Mr = MA * MB / (MA + MB)
        wn = math.sqrt(2 * math.pi * B / Mr)
        K = 2 * zeta * math.sqrt(2 * math.pi * B * Mr)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "swing.yaml")
            with open(path, "w") as f:
                f.write(f"""study: {{name: swing, duration: 1 h, output_interval: 1 min}}
solver: {{initial: given}}
power:
  zones:
    - {{name: A, inertia: {H} s, base: {SA} W, damping: 0, load: 0}}
    - {{name: B, inertia: {H} s, base: {SB} W, damping: 0, load: 0}}
  ties:
    - {{name: AB, from: A, to: B, susceptance: {B} W, damping: {K!r} W/Hz}}
""")
            rc, out, err = run("check", path, "--modes")
        self.assertEqual(rc, 0, err)
        m = re.search(r"(\d+) finite modes at the initial state, (\d+) growing .*?(\d+) at "
                      r"λ ≈ 0.*\n.*\n\s*(\S+)\s+±(\S+)\s+(\S+)\s+(\S+)\n", out)
        self.assertIsNotNone(m, out)
        finite, growing, zero = (int(x) for x in m.groups()[:3])
        re_l, im_l, period, damping = (float(x) for x in m.groups()[3:])
        self.assertEqual((finite, growing, zero), (13, 0, 11), out)
        self.assertAlmostEqual(re_l / (-zeta * wn), 1, delta=1e-5)
        self.assertAlmostEqual(im_l / (wn * math.sqrt(1 - zeta**2)), 1, delta=1e-5)
        self.assertAlmostEqual(period / (2 * math.pi / im_l), 1, delta=1e-3)
        self.assertAlmostEqual(damping / zeta, 1, delta=1e-3)
        # The swing's shape: M_A·Δf_A + M_B·Δf_B = 0 in it, so A's frequency moves
        # M_B/M_A = 3 times as far as B's.
        moves = out[m.end():].splitlines()[0]
        fa = float(re.search(r"power zone A: frequency_deviation (\S+?)(;|$)", moves).group(1))
        fb = float(re.search(r"power zone B: frequency_deviation (\S+?)(;|$)", moves).group(1))
        self.assertAlmostEqual(fa / fb / (MB / MA), 1, delta=0.01, msg=moves)
        print(f"steppe check --modes: swing {re_l} ± {im_l}i 1/s, ζ {damping} (closed form "
              f"{-zeta * wn:.6g} ± {wn * math.sqrt(1 - zeta**2):.6g}i, ζ {zeta})")

    def test_version_and_usage(self):
        rc, out, _ = run("--version")
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith("steppe "), out)
        for args in ([], ["--no-such-flag"], ["run", "--no-such-flag"], ["frobnicate"]):
            rc, _, err = run(*args)
            self.assertEqual(rc, 2, f"steppe {args} exited {rc}: {err}")
        print("--version exits 0; no subcommand, bad flags, bad subcommand exit 2")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=1)
