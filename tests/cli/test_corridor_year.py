"""The corridor's calibration year (inputs/kazakhstan_china.yaml, 2023) over its first 30 days:
physical invariants and the month's figures against the calibration table.

- oil mass: linefill change = ∫ (terminal flows + injections) dt, to 1e-8 of the throughput;
- gas mass: Δ line pack = supplied − withdrawn − compressor fuel − plant fuel, to 1e-8 of
  the gas supplied;
- every zone's energy: generated = served + exported, to 1e-9;
- no generator set point above what it has available; the AGC signal within its regulating
  range and its integral within its limits (1 kW, 5 MW slack as tests/cli/test_corridor.py);
- every zone's frequency within 49.8–50.2 Hz at every sample; every tie within its limits;
- the month's oil delivery against the D figure for January (346.4 kg/s: 2,396 kt of Russian
  transit over Q1 (S) + the Kazakh 1,209 kt/yr (S)), 2 %;
- the figures scripts/calibration/table.py computes from this run against the table's column
  "model, 1–30 Jan" in inputs/README.md (regression, 0.5 %): the table was written from a run
  of the same study, so a change of the study or the model that moves a figure shows here.

Usage: python3 test_corridor_year.py STEPPE REPO_ROOT"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

steppe, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "scripts", "calibration"))
import table  # noqa: E402

study = os.path.join(root, "inputs", "kazakhstan_china.yaml")
DAYS = 30


def integral(t, y):
    return np.concatenate([[0.0], np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(t))])


def check_oil(f, t):
    assert f["oil/pipes/linefill_mass"].attrs["units"] in (b"kg", "kg")
    linefill = f["oil/pipes/linefill_mass"][:].sum(axis=1)
    # what the terminals and injections put in: their running totals (integrated with the state)
    net = sum(f[g]["cumulative_mass"][-1, :].sum() for g in ("oil/terminals", "oil/injections"))
    delivered = -table.series(f, "oil/terminals", "mass_flow", "Alashankou")
    throughput = integral(t, delivered)[-1]
    err = abs((linefill[-1] - linefill[0]) - net) / throughput
    rate = throughput / (t[-1] - t[0])
    print(f"oil: Alashankou {rate:.2f} kg/s; Δlinefill {linefill[-1] - linefill[0]:.6g} kg, "
          f"running totals {net:.6g} kg, error {err:.2e} of the throughput")
    assert err < 1e-8, err
    # East of Atasu the line carries the Russian transit mixed with the Kazakh crude that
    # passes Atasu PS: by volume φ_K = Q_K/(Q_K + Q_R) at the 5 °C line temperature.
    pipes = f["oil/pipes"]
    k = list(pipes["pipe"].asstr()[:]).index("Atasu-PS2")
    ru = table.series(f, "oil/injections", "mass_flow", "Russian transit at Atasu")[-1]
    kz = table.series(f, "oil/pipes", "outlet_mass_flow", "Kumkol-Atasu")[-1]
    q_k, q_r = kz / (820 * (1 + 7e-4 * 15)), ru / (850 * (1 + 7e-4 * 15))
    prof = f["oil/profiles/Atasu-PS2/fraction_russian_transit"][-1, :]
    mid = prof[len(prof) // 2]
    print(f"oil: Atasu-PS2 mid-line Russian fraction {mid:.6f}, by volume {q_r / (q_r + q_k):.6f}")
    assert abs(mid - q_r / (q_r + q_k)) < 2e-3, (mid, q_r / (q_r + q_k))
    jan = 2396e6 / (90 * 86400) + 1209e6 / (365 * 86400)
    assert abs(rate - jan) <= 0.02 * jan, (rate, jan)


def check_gas(f, t):
    pack = f["gas/network/linepack"][:].ravel()
    supplied = f["gas/supplies/delivered_mass"][-1, :].sum()
    withdrawn = f["gas/offtakes/withdrawn_mass"][-1, :].sum()
    fuel = f["gas/compressors/fuel_burnt"][-1, :].sum()  # running totals (with the state)
    plants = f["coupling/gas_plants/fuel_burnt"][-1, :].sum()
    err = abs((pack[-1] - pack[0]) - (supplied - withdrawn - fuel - plants)) / supplied
    print(f"gas: supplied {supplied:.6g} kg, withdrawn {withdrawn:.6g}, compressor fuel "
          f"{fuel:.6g}, plant fuel {plants:.6g}, Δpack {pack[-1] - pack[0]:.6g}; error {err:.2e}")
    assert err < 1e-8, err


def check_power(f):
    z = f["power/zones"]
    for j, name in enumerate(z["zone"].asstr()[:]):
        g, s, e = (z[d][-1, j] for d in ("energy_generated", "energy_served", "energy_exported"))
        err = abs(g - s - e) / max(abs(g), abs(s), abs(e), 1.0)
        print(f"zone {name}: generated − served − exported = {err:.1e} of its energy")
        assert err < 1e-9, (name, err)
    freq = z["frequency"][:]
    print(f"frequency {freq.min():.4f} … {freq.max():.4f} Hz")
    assert freq.min() >= 49.8 and freq.max() <= 50.2
    gen = f["power/generators"]
    over = (gen["set_point"][:] - gen["available"][:]).max()
    print(f"set point − available: max {over / 1e6:.6f} MW")
    assert over <= 1e3, over
    sig, lam = z["agc_signal"][:], z["agc_integral"][:]
    beyond = max((sig - z["regulating_range_up"][:]).max(), (-z["regulating_range_down"][:] - sig).max())
    wind = max((lam - z["agc_integral_limit_up"][:]).max(), (z["agc_integral_limit_down"][:] - lam).max())
    print(f"AGC: signal beyond its range {beyond / 1e6:.6f} MW, integral beyond its limits "
          f"{wind / 1e6:.6f} MW; |integral| ≤ {np.abs(lam).max() / 1e6:.1f} MW")
    assert beyond <= 1e3, beyond
    assert wind <= 5e6, wind
    ties = f["power/ties"]
    flow, fwd, rev = ties["power_flow"][:], ties["limit_forward"][:], ties["limit_reverse"][:]
    for j, name in enumerate(ties["tie"].asstr()[:]):
        lo, hi = flow[:, j].min(), flow[:, j].max()
        print(f"tie {name}: {lo / 1e6:.1f} … {hi / 1e6:.1f} MW (limits −{rev[0, j] / 1e6:.0f}, "
              f"+{fwd[0, j] / 1e6:.0f})")
        assert hi <= fwd[0, j] and -lo <= rev[0, j], name


def check_table(path):
    got = table.figures(path)
    want = table.month_values(table.block(os.path.join(root, "inputs", "README.md")))
    assert want, "no 'model, 1–30 Jan' column in inputs/README.md's calibration table"
    labels = {label: key for key, label, *_ in table.ROWS}
    for label, value in want.items():
        m = got[labels[label]]
        tol = max(0.005 * abs(value), 0.5 * 10 ** -table.decimals(value))
        print(f"{label}: {m:.6g} (table {value:g})")
        assert abs(m - value) <= tol, (label, m, value)


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "month.h5")
    r = subprocess.run([steppe, "run", study, "-o", out, "--quiet", "--set",
                        f"study.duration={DAYS} d"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["status"] == "complete"
        t = f["time"][:]
        check_oil(f, t)
        check_gas(f, t)
        check_power(f)
    check_table(out)
print("corridor year (30 days): ok")
