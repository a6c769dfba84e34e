"""Run totals land in the results file's root attributes and equal the sum of the
per-element running totals in the datasets: gas mass supplied and withdrawn, power energy
generated, served, shed and curtailed (a one-hour constant load gives load·3600 s)."""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

steppe = sys.argv[1]

GAS = """study: {name: gas totals, duration: 6 h, output_interval: 30 min}
gas:
  fluid: {specific_gravity: 0.6, temperature: 288.15 K}
  nodes:
    - {name: A, initial_pressure: 70 bar}
    - {name: B, initial_pressure: 65 bar}
  pipes:
    - {name: P, from: A, to: B, length: 80 km, diameter: 1067 mm}
  supplies:
    - {name: S, node: A, pressure: 70 bar}
  offtakes:
    - {name: D1, node: B, mass_flow: {times: [0, 3 h], values: [200, 300]}}
    - {name: D2, node: B, mass_flow: 50 kg/s}
"""

POWER = """study: {name: power totals, duration: 1 h, output_interval: 5 min}
power:
  zones:
    - {name: Z, inertia: 5 s, base: 2000 MW, damping: 1, load: 1000 MW}
  generators:
    - {name: G, zone: Z, capacity: 1500 MW, droop: 0.05, set_point: 1000 MW}
"""


def run(tmp, name, text):
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    out = os.path.join(tmp, name + ".h5")
    r = subprocess.run([steppe, "run", path, "-o", out, "--quiet"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return h5py.File(out, "r")


with tempfile.TemporaryDirectory() as tmp:
    with run(tmp, "gas", GAS) as f:
        supplied = f["gas/supplies/delivered_mass"][-1, :].sum()
        withdrawn = f["gas/offtakes/withdrawn_mass"][-1, :].sum()
        assert np.isclose(f.attrs["gas_mass_supplied_kg"], supplied, rtol=1e-12)
        assert np.isclose(f.attrs["gas_mass_withdrawn_kg"], withdrawn, rtol=1e-12)
        # 200 → 300 kg/s over 3 h then 300 kg/s, plus 50 kg/s, over 6 h:
        expected = (250 * 3 + 300 * 3 + 50 * 6) * 3600.0
        assert np.isclose(withdrawn, expected, rtol=1e-6), (withdrawn, expected)
        print(f"gas: withdrawn {withdrawn:.6g} kg (expected {expected:.6g}), "
              f"supplied {supplied:.6g} kg")
    with run(tmp, "power", POWER) as f:
        served = f.attrs["power_energy_served_J"]
        assert np.isclose(served, f["power/zones/energy_served"][-1, :].sum(), rtol=1e-12)
        assert np.isclose(served, 1000e6 * 3600, rtol=1e-6), served
        for k in ("generated", "shed", "curtailed"):
            assert f"power_energy_{k}_J" in f.attrs, k
        assert f.attrs["power_energy_shed_J"] == 0.0
        print(f"power: served {served / 3.6e9:.6f} MWh over one hour at 1000 MW")
print("run totals written as root attributes")
