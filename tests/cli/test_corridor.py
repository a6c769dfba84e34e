"""The corridor study (inputs/kazakhstan_china.yaml) on a shortened run, and its scenario
variants (inputs/scenarios.txt): oil throughput at Alashankou the January 2023 rate, 346.4
kg/s (D: 2,396 kt Russian transit over Q1 (S) + 1,209 kt/yr Kazakh oil (S)) ± 2 %; oil and gas
mass conserved to 1e-6; every zone's energy balance closed to 1e-6; normal-day frequency
within 50 ± 0.2 Hz; the TPP-2 ramp of the wind-drop scenario is an Almaty gas offtake change
of Δ(P·HR)/LHV; each scenario runs and produces its events.

Usage: python3 test_corridor.py STEPPE REPO_ROOT"""
import os
import shlex
import subprocess
import sys
import tempfile

import h5py
import numpy as np

steppe, root = sys.argv[1], sys.argv[2]
study = os.path.join(root, "inputs", "kazakhstan_china.yaml")
SHORT = "12 h"
YEAR = 365.25 * 86400.0
LHV = 33.5e6 / 0.72  # J/kg: 33.5 MJ/m3(n) with the study's normal density 0.72 kg/m3


def run(tmp, name, extra):
    out = os.path.join(tmp, name + ".h5")
    cmd = [steppe, "run", study, "-o", out, "--quiet", "--set", f"study.duration={SHORT}"] + extra
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, f"{name}: exit {r.returncode}\n{r.stderr}"
    f = h5py.File(out, "r")
    assert f.attrs["status"] == "complete", f.attrs["status"]
    return f


def integral(t, y):
    """Running trapezoid integral of samples y(t) (rates → amounts)."""
    return np.concatenate([[0.0], np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(t))])


def col(f, group, name):
    g = f[group]  # the element dimension scale (format 2.0: node, terminal, zone, …)
    scale = next(k for k in g if k != "time" and "CLASS" in g[k].attrs)
    names = list(g[scale].asstr()[:])
    return names.index(name)


def check_base(f):
    t = f["time"][:]
    # Oil throughput at Alashankou (terminal flow into the line is negative: delivery).
    k = col(f, "oil/terminals", "Alashankou")
    delivered = -f["oil/terminals/mass_flow"][:, k]
    rate = integral(t, delivered)[-1] / (t[-1] - t[0])
    jan = 2396e6 / (90 * 86400) + 1209e6 / (365 * 86400)
    print(f"oil: {rate:.2f} kg/s at Alashankou ({rate * YEAR / 1e9:.3f} Mt/yr), January 2023 {jan:.2f}")
    assert abs(rate - jan) <= 0.02 * jan, rate

    check_oil_books(f, t, delivered)

    # Gas mass: Δ line pack = supplied − withdrawn − compressor fuel − plant fuel.
    pack = f["gas/network/linepack"][:].ravel()
    supplied = f["gas/supplies/delivered_mass"][-1, :].sum()
    withdrawn = f["gas/offtakes/withdrawn_mass"][-1, :].sum()
    assert np.isclose(supplied, f.attrs["gas_mass_supplied_kg"], rtol=1e-12)
    assert np.isclose(withdrawn, f.attrs["gas_mass_withdrawn_kg"], rtol=1e-12)
    # compressor fuel: the running totals, each the integral of its sampled rate (1e-4)
    fuel = f["gas/compressors/fuel_burnt"][-1, :].sum()
    assert np.isclose(fuel, f.attrs["gas_fuel_burnt_kg"], rtol=1e-12)
    assert abs(fuel - integral(t, f["gas/compressors/fuel_mass_flow"][:].sum(axis=1))[-1]) <= 1e-4 * fuel
    plants = f["coupling/gas_plants/fuel_burnt"][-1, :].sum()
    assert np.isclose(plants, f.attrs["coupling_gas_plant_fuel_burnt_kg"], rtol=1e-12)
    residual = (pack[-1] - pack[0]) - (supplied - withdrawn - fuel - plants)
    err = abs(residual) / supplied
    print(f"gas mass: Δpack {pack[-1] - pack[0]:.6g} kg, supplied {supplied:.6g}, withdrawn "
          f"{withdrawn:.6g}, compressor fuel {fuel:.6g}, plant fuel {plants:.6g}; error {err:.2e}")
    assert err < 1e-6, err

    # Energy balance of every zone: generated = served + exported (served includes the
    # coupled pump loads).
    z = f["power/zones"]
    for j, name in enumerate(z["zone"].asstr()[:]):
        g, s, e = (z[d][-1, j] for d in ("energy_generated", "energy_served", "energy_exported"))
        scale = max(abs(g), abs(s), abs(e), 1.0)
        err = abs(g - s - e) / scale
        print(f"zone {name}: generated {g:.6g} J, served {s:.6g}, exported {e:.6g}; error {err:.1e}")
        assert err < 1e-6, (name, err)
    served = z["energy_served"][-1, :].sum()
    assert np.isclose(served, f.attrs["power_energy_served_J"], rtol=1e-9)

    # Normal day: frequency within 50 ± 0.2 Hz everywhere.
    freq = z["frequency"][:]
    print(f"frequency {freq.min():.4f} … {freq.max():.4f} Hz")
    assert np.all(np.abs(freq - 50.0) <= 0.2)

    check_power_control(f)

    # Coupled plants: fuel = P·HR/LHV at every sample.
    cp = f["coupling/gas_plants"]
    fuel_rate = cp["fuel_mass_flow"][:]
    expect = cp["power"][:] * cp["heat_rate"][:] / LHV
    assert np.allclose(fuel_rate, expect, rtol=1e-9), np.abs(fuel_rate - expect).max()


def check_oil_books(f, t, delivered, tol=1e-9):
    """Oil mass: the linefill changes by what the terminals and injections put in, each
    element's running total (`cumulative_mass`, integrated with the state) to `tol` of the
    throughput; each running total is the integral of its own sampled flow (trapezoid on the
    samples, 1e-4: a check that the totals are the flows' and not something else)."""
    assert f["oil/pipes/linefill_mass"].attrs["units"] in (b"kg", "kg")
    linefill = f["oil/pipes/linefill_mass"][:].sum(axis=1)
    totals = [f[g]["cumulative_mass"][:] for g in ("oil/terminals", "oil/injections")]
    net = sum(c[-1, :].sum() for c in totals)
    throughput = integral(t, delivered)[-1]
    err = abs((linefill[-1] - linefill[0]) - net) / throughput
    print(f"oil mass: Δlinefill {linefill[-1] - linefill[0]:.6g} kg, running totals {net:.6g} kg, "
          f"error {err:.2e} of the throughput")
    assert err < tol, err
    for g, c in zip(("oil/terminals", "oil/injections"), totals):
        flows = f[g]["mass_flow"][:]
        for j in range(c.shape[1]):
            trap = integral(t, flows[:, j])[-1]
            assert abs(c[-1, j] - trap) <= 1e-4 * throughput, (g, j, c[-1, j], trap)
        assert np.all(c[0, :] == 0.0)


def check_power_control(f):
    """No set point above what the unit has available, no AGC signal beyond the regulating
    range and no AGC integral beyond its limits, at any sample. Slack: 1 kW for the share
    switches' hysteresis (1e-7·base per unit); 5 MW for the saturated integral, which follows
    a moving limit with a 1 s lag (τ·dΛ/dt, Λ moving at a unit's ramp over its α)."""
    g = f["power/generators"]
    over = (g["set_point"][:] - g["available"][:]).max()
    print(f"set point − available: max {over / 1e6:.6f} MW")
    assert over <= 1e3, over
    z = f["power/zones"]
    sig, lam = z["agc_signal"][:], z["agc_integral"][:]
    up, dn = z["regulating_range_up"][:], z["regulating_range_down"][:]
    lup, ldn = z["agc_integral_limit_up"][:], z["agc_integral_limit_down"][:]
    beyond = max((sig - up).max(), (-dn - sig).max())
    wind = max((lam - lup).max(), (ldn - lam).max())
    print(f"AGC: signal beyond its range by {beyond / 1e6:.6f} MW, integral beyond its limits by "
          f"{wind / 1e6:.6f} MW at most; |integral| ≤ {np.abs(lam).max() / 1e6:.1f} MW")
    assert beyond <= 1e3, beyond
    assert wind <= 5e6, wind


def check_jan2022(f):
    """Syrdarya TPP (1,500 MW) trips at 6 h (sampled every second): the North–South tie
    trips on overload and leaves South and Central Asia an island; the South's nadir falls
    through its first two UFLS stages (49.2 and 49.0 Hz; January 2023 hydro gives the island
    207 MW of its 790 MW), which shed 10 % of its load each; the frequency then recovers
    above 49.6 Hz within 15 min and stays there (the island's units at their maximum); no
    set point beyond capacity, no AGC wind-up throughout."""
    t = f["time"][:]
    z = f["power/zones"]
    names = list(z["zone"].asstr()[:])
    k = names.index("South")
    fr = z["frequency"][:, k]
    after = t >= 6 * 3600.0
    nadir = fr[after].min()
    t_nadir = t[after][np.argmin(fr[after])] - 6 * 3600.0
    late = t >= 6 * 3600.0 + 900
    shed = z["shed_load"][:, k]
    print(f"jan2022 South: nadir {nadir:.4f} Hz {t_nadir:.0f} s after the trip, shed "
          f"{shed.max() / 1e6:.0f} MW, {fr[late].min():.4f} … {fr[late].max():.4f} Hz from 15 min")
    assert nadir < 49.2, nadir
    assert t_nadir < 30, t_nadir
    load = z["load"][:, k] + shed
    assert np.allclose(shed[late] / load[late], 0.2, rtol=0.01)  # stages 1 + 2: 20 %, held
    assert fr[late].min() > 49.6, fr[late].min()
    # The UES is a finite zone: its inertia and governors answer the loss. Its frequency
    # dips before the North–South trip separates it from the island, and its fleet rises
    # above its base point by the governors' response, of the sign and order of the droop
    # law K·|Δf|/f0 (K = 160 GW / 0.1) at its lowest frequency (the reheat lag keeps it below).
    u = names.index("UES")
    first = (t >= 6 * 3600.0) & (t <= 6 * 3600.0 + 5)
    dip = fr[t < 6 * 3600.0][-1] - z["frequency"][first, u].min()
    g = f["power/generators"]
    ku = col(f, "power/generators", "UES fleet")
    rise = (g["power"][first, ku] - g["base_point"][first, ku]).max()
    droop = 160e9 / 0.1 * dip / 50.0
    print(f"jan2022 UES: dips {dip * 1e3:.1f} mHz in the first 5 s, fleet +{rise / 1e6:.0f} MW "
          f"(droop law at the dip {droop / 1e6:.0f} MW)")
    assert dip > 0.01, dip
    assert 0.2 * droop < rise <= 1.01 * droop, (rise, droop)
    check_power_control(f)


def check_wind_drop(f):
    t = f["time"][:]
    i0 = int(np.argmin(np.abs(t - 22800.0)))  # 6 h 20 min: before the drop
    i1 = int(np.argmin(np.abs(t - 24600.0)))  # 6 h 50 min: after it, before the next dispatch
    w = f["power/wind/power"][:, col(f, "power/wind", "Zhanatas")]
    print(f"Zhanatas {w[i0] / 1e6:.1f} → {w[i1] / 1e6:.1f} MW")
    assert w[i0] - w[i1] > 70e6
    cp = f["coupling/gas_plants"]
    k = col(f, "coupling/gas_plants", "Almaty TPP-2")
    P, HR, q = cp["power"][:, k], cp["heat_rate"][:, k], cp["fuel_mass_flow"][:, k]
    dP = P[i1] - P[i0]
    dq = q[i1] - q[i0]
    expect = (P[i1] * HR[i1] - P[i0] * HR[i0]) / LHV
    print(f"TPP-2 {P[i0] / 1e6:.1f} → {P[i1] / 1e6:.1f} MW: Almaty offtake change {dq:.4f} kg/s, "
          f"Δ(P·HR)/LHV {expect:.4f} kg/s (ΔP·HR1/LHV {dP * HR[i1] / LHV:.4f})")
    assert dP > 30e6, dP
    assert abs(dq - expect) <= 1e-6 * abs(expect), (dq, expect)
    # drawn at the Almaty gas node: its pressure falls
    print(f"Almaty node {cp['node_pressure'][i0, k] / 1e5:.2f} → {cp['node_pressure'][i1, k] / 1e5:.2f} bar")
    assert cp["node_pressure"][i1, k] < cp["node_pressure"][i0, k]


with tempfile.TemporaryDirectory() as tmp:
    r = subprocess.run([steppe, "check", study], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

    with run(tmp, "base", []) as f:
        check_base(f)

    scen_file = os.path.join(root, "inputs", "scenarios.txt")
    seen = 0
    for line in open(scen_file, encoding="utf-8"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, expected, args = (p.strip() for p in line.split("|", 2))
        seen += 1
        with run(tmp, name, shlex.split(args)) as f:
            ev = f["events"]
            got = set(zip(ev["kind"].asstr()[:], ev["element"].asstr()[:]))
            for want in expected.split(","):
                kind, element = (s.strip() for s in want.split(":", 1))
                assert (kind, element) in got, f"{name}: no {kind} event on {element}"
            print(f"scenario {name}: {len(ev['time'])} events, found {expected}")
            if name == "wind_drop":
                check_wind_drop(f)
    with run(tmp, "jan2022_1s", ["--set", "power.generators.Syrdarya TPP.trip_at=6 h",
                                 "--set", "study.output_interval=1 s"]) as f:
        check_jan2022(f)
    assert seen >= 3, seen
print("corridor: ok")
