#!/usr/bin/python3
"""Smoke test of the oil surge benchmark's method-of-characteristics reference
(scripts/bench_reference/moc_liquid.cpp) against its own oracles: at Courant 1 without
friction an instantaneous closure gives exactly ρaV0 = Z m0 at the valve, a trough of −Z m0
and the period 4L/a; with friction the first plateau lies above Joukowsky (line packing).

usage: test_moc_reference.py MOC_LIQUID"""
import json
import math
import subprocess
import sys

if len(sys.argv) != 2:
    sys.exit(__doc__)
moc = sys.argv[1]


def run(*args):
    r = subprocess.run([moc, *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


rho, D, a, L = 856.0, 0.48, 1000.0, 1000.0
A = math.pi * D * D / 4
zeta = 2 * 1e5 / rho
r = run(L, a, D, rho, 0, 50e5, 49e5, zeta, 100, 1, 17, 1)
Z = a / A
assert abs(r["m0"] - rho * A * 1.0) < 1e-9 * r["m0"], r  # V0 = 1 m/s by construction
assert abs(r["peak_pa"] - Z * r["m0"]) < 1e-9 * Z * r["m0"], r
assert abs(r["trough_pa"] + Z * r["m0"]) < 1e-9 * Z * r["m0"], r
assert abs(r["period_s"] - 4 * L / a) < 1e-9, r
assert r["steps"] == 1700, r
f = run(10000, a, D, rho, 0.02, 50e5, 40e5, 100, 200, 1, 18, 1)
assert f["peak_pa"] > Z * f["m0"] * 1.05, f  # line packing adds to the Joukowsky rise
print(f"MOC reference: peak {r['peak_pa']:.6g} Pa = Z m0, period {r['period_s']} s, "
      f"{r['steps']} steps; with friction the peak {f['peak_pa'] / (Z * f['m0']):.3f} × Z m0")
