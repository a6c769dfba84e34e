"""Gas benchmarks: (1) one 1,300 km DN1067 transit line (six compressor stations) at 1 km
segments with daily demand swings 380–520 kg/s (12–16 bcm/yr), 7 simulated days, with BDF order capped at 2 and at 5; (2) a scaling run of the
same line cut finer, from 10³ to 10⁵ unknowns, 12 simulated hours each: wall time per step
must grow no faster than linearly; (3) real gas and heat: the same line (1 simulated day)
and GasLib-134 (the Greek network, one day of its 2011-11-01 nomination), each run
isothermal with Papay (the reference), with GERG-2008, with the energy equation, and with
composition tracking (10 % hydrogen blended at the entry from 6 h), side by side with the
cost relative to the reference; (4) GasLib-134 through the 30 daily nominations of 2011-11
as a day-by-day schedule (3 with --quick) at rtol 1e-6 and 1e-7, with peak memory and the
mass balance relative to the line pack; (5) GasLib-582 (Germany, GasModels' MATGAS form)
for 24 h with every exit swinging daily by ±2, 4, 5 and 10 %. Prints the machine, states, steps, residual and Jacobian
evaluations, wall time and the real-time factor."""
import os
import subprocess
import sys
import tempfile

import h5py

from bench_common import print_machine

DAILY_SWING = """{times: [0, 6 h, 9 h, 18 h, 22 h], values: [380, 380, 520, 500, 380],
                  repeat: daily}"""


def line_study(length_km, dx_km, duration, max_order, stations=6, *, diameter="1067 mm",
               pressure="98 bar", pipe="roughness: 0.012 mm", station="ratio_max: 1.6",
               offtake=DAILY_SWING, solver="rtol: 1e-6, atol: 1e-6",
               fluid="specific_gravity: 0.6, temperature: 288.15 K, law: papay",
               output_interval="1 h"):
    """The line cut into stations + 1 equal sections with a compressor station (discharge
    `pressure`, plus the `station` keys) at the head of each section after the first; the
    supply holds `pressure` at N0, the offtake profile `offtake` draws at the end node
    S<stations + 1>. `pipe` and `solver` are extra keys of every pipe and of `solver`."""
    sections = stations + 1
    nodes = [f"    - {{name: N0, initial_pressure: {pressure}}}"]
    pipes, compressors = [], []
    for k in range(sections):
        head = "N0" if k == 0 else f"D{k}"
        nodes.append(f"    - {{name: S{k + 1}, initial_pressure: 70 bar}}")
        pipes.append(f"    - {{name: L{k + 1}, from: {head}, to: S{k + 1}, "
                     f"length: {length_km * 1000 / sections!r}, diameter: {diameter}, "
                     f"{pipe}, max_segment_length: {dx_km} km}}")
        if k + 1 < sections:
            nodes.append(f"    - {{name: D{k + 1}, initial_pressure: {pressure}}}")
            compressors.append(f"    - {{name: CS{k + 1}, from: S{k + 1}, to: D{k + 1}, "
                               f"control: discharge, set_point: {pressure}, {station}}}")
    nl = "\n"
    return f"""study: {{name: line, duration: {duration}, output_interval: {output_interval}}}
solver: {{{solver}, max_order: {max_order}, max_steps: 200000}}
gas:
  fluid: {{{fluid}}}
  nodes:
{nl.join(nodes)}
  pipes:
{nl.join(pipes)}
{"  compressors:" + nl + nl.join(compressors) if compressors else ""}
  supplies:
    - {{name: Supply, node: N0, pressure: {pressure}}}
  offtakes:
    - name: Outlet
      node: S{sections}
      mass_flow: {offtake}
"""


def run(steppe, tmp, name, text, overrides=()):
    """Runs the study `text` (None: the file written by the previous call of that name)
    with the `--set` overrides; returns the results' size and solver figures."""
    path = os.path.join(tmp, name + ".yaml")
    if text is not None:
        with open(path, "w") as f:
            f.write(text)
    out = os.path.join(tmp, name + ".h5")
    cmd = [steppe, "run", path, "-o", out, "--quiet", "--force"]
    for o in overrides:
        cmd += ["--set", o]
    subprocess.run(cmd, check=True)
    with h5py.File(out, "r") as f:
        a = f.attrs
        return {k: a[k] for k in ("unknowns", "jacobian_nonzeros", "stats_steps",
                                  "stats_residual_evals", "stats_jacobian_evals",
                                  "wall_time_s", "duration_s")}


# A typical lean natural gas (not a measured corridor analysis) and the real-gas variants.
GAS = ("{methane: 0.92, ethane: 0.04, propane: 0.01, nitrogen: 0.02, carbon_dioxide: 0.01}")
GERG = f"gas.fluid={{law: gerg2008, temperature: 288.15 K, composition: {GAS}}}"
ENERGY = "gas.energy={ground_temperature: 280 K, heat_transfer_coefficient: 2 W/m2/K}"
BLEND = ("{composition: {hydrogen: 1}, fraction: {times: [0, 6 h], values: [0, 10 %], "
         "interpolation: step}}")
VARIANTS = [
    ("papay, isothermal", []),
    ("gerg2008, isothermal", [GERG]),
    ("papay + energy", [ENERGY]),
    ("gerg2008 + energy", [GERG, ENERGY]),
    ("gerg2008 + tracking (H2)", [GERG, "gas.tracking=true"]),
    ("gerg2008 + energy + tracking", [GERG, ENERGY, "gas.tracking=true"]),
]


def real_gas_table(steppe, tmp, title, name, text, supply):
    print(f"\n{title}")
    print(f"{'case':<30} {'unknowns':>8} {'steps':>7} {'res':>7} {'jac':>6} {'wall s':>8} "
          f"{'real-time ×':>12} {'cost ×':>7}")
    ref = None
    for label, sets in VARIANTS:
        sets = list(sets)
        if "gas.tracking=true" in sets:
            sets.append(f"gas.supplies.{supply}.blend={BLEND}")
        r = run(steppe, tmp, name, text, sets)
        text = None  # the study file is written once
        steps, wall, unk = int(r["stats_steps"]), float(r["wall_time_s"]), int(r["unknowns"])
        ref = ref or wall
        print(f"{label:<30} {unk:>8} {steps:>7} {int(r['stats_residual_evals']):>7} "
              f"{int(r['stats_jacobian_evals']):>6} {wall:>8.2f} "
              f"{float(r['duration_s']) / wall:>12.0f} {wall / ref:>7.2f}")


def mass_balance(g):
    """|Δ line pack − (supplied − withdrawn − fuel)| at its worst over the samples, relative
    to the initial line pack, from a results file's /gas group."""
    pack = g["network/linepack"][:, 0]
    flows = (g["supplies/delivered_mass"][...].sum(axis=1) -
             g["offtakes/withdrawn_mass"][...].sum(axis=1) -
             (g["compressors/fuel_burnt"][...].sum(axis=1) if "compressors" in g else 0.0))
    return abs((pack - pack[0]) - (flows - flows[0])).max() / pack[0]


def gaslib_month(steppe, tmp, gaslib, days, rtols):
    """GasLib-134 through `days` of its 2011-11 daily nominations as a day-by-day schedule
    (step profiles): per tolerance the states, steps, wall time, real-time factor, peak
    memory and the mass balance, |Δ line pack − (supplied − withdrawn − fuel)| at its worst
    over the samples, relative to the initial line pack."""
    noms = sorted(os.listdir(os.path.join(gaslib, "nominations-2011-11")))[:days]
    study = os.path.join(tmp, "gaslib134_month.yaml")
    subprocess.run([steppe, "import", "gaslib", os.path.join(gaslib, "GasLib-134-v2.net")] +
                   [os.path.join(gaslib, "nominations-2011-11", n) for n in noms] +
                   ["-o", study, "--force"], check=True, capture_output=True)
    print(f"\nGasLib-134 (Greece), {days} daily nominations from 2011-11-01 as a schedule")
    print(f"{'case':<14} {'unknowns':>8} {'steps':>8} {'reinit':>6} {'wall s':>8} "
          f"{'real-time ×':>12} {'peak MB':>8} {'balance/pack':>13}")
    for rtol in rtols:
        out = os.path.join(tmp, "gaslib134_month.h5")
        proc = subprocess.Popen([steppe, "run", study, "-o", out, "--quiet", "--force",
                                 "--set", f"solver.rtol={rtol}"])
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            print(f"rtol {rtol:<9g} failed (exit {os.waitstatus_to_exitcode(status)})")
            continue
        with h5py.File(out, "r") as f:
            a, g = f.attrs, f["gas"]
            balance = mass_balance(g)
            wall = float(a["wall_time_s"])
            print(f"rtol {rtol:<9g} {int(a['unknowns']):>8} {int(a['stats_steps']):>8} "
                  f"{int(a['stats_reinitialisations']):>6} {wall:>8.1f} "
                  f"{float(a['duration_s']) / wall:>12.0f} {usage.ru_maxrss / 1024:>8.1f} "
                  f"{balance:>13.3g}")


def gaslib582(steppe, tmp, path, swings):
    """GasLib-582 imported from MATGAS (controls from the operating point of its nomination)
    and run for 24 h with every exit swinging daily by ± each of `swings`: states, steps,
    re-initialisations, events, wall time, real-time factor, peak memory and the mass
    balance relative to the line pack (as gaslib_month)."""
    print("\nGasLib-582 (Germany, MATGAS), 24 h, exits swinging daily")
    print(f"{'case':<14} {'unknowns':>8} {'steps':>8} {'reinit':>6} {'events':>6} {'wall s':>8} "
          f"{'real-time ×':>12} {'peak MB':>8} {'balance/pack':>13}")
    for swing in swings:
        study = os.path.join(tmp, f"gaslib582_{swing}.yaml")
        subprocess.run([steppe, "import", "matgas", path, "--inverse-drag", "4.67e11",
                        "--demand-swing", str(swing), "-o", study, "--force"], check=True,
                       capture_output=True)
        out = os.path.join(tmp, f"gaslib582_{swing}.h5")
        err_path = os.path.join(tmp, "gaslib582.err")
        with open(err_path, "w") as err_file:
            proc = subprocess.Popen([steppe, "run", study, "-o", out, "--quiet", "--force"],
                                    stderr=err_file)
            _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        label = f"±{100 * swing:g} %"
        if code != 0:
            with open(err_path) as err_file:
                err = err_file.read()
            first = next((l for l in err.splitlines() if "error" in l), err.strip()[:200])
            print(f"{label:<14} failed (exit {code}): {first}")
            continue
        with h5py.File(out, "r") as f:
            a, g = f.attrs, f["gas"]
            balance = mass_balance(g)
            wall = float(a["wall_time_s"])
            events = f["events/time"].shape[0] if "events" in f else 0
            print(f"{label:<14} {int(a['unknowns']):>8} {int(a['stats_steps']):>8} "
                  f"{int(a['stats_reinitialisations']):>6} {events:>6} {wall:>8.2f} "
                  f"{float(a['duration_s']) / wall:>12.0f} "
                  f"{usage.ru_maxrss / 1024:>8.1f} {balance:>13.3g}")


def main():
    steppe = sys.argv[1]
    quick = "--quick" in sys.argv
    only_real_gas = "--real-gas" in sys.argv  # part (3) alone
    # Where the shared data lives (GasLib): beside the checkout, or --data DIR.
    data_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
                            "data")
    if "--data" in sys.argv:
        data_dir = sys.argv[sys.argv.index("--data") + 1]
    print_machine(steppe)
    header = (f"{'case':<26} {'unknowns':>8} {'steps':>7} {'res':>7} {'jac':>6} {'wall s':>8} "
              f"{'real-time ×':>12} {'µs/step':>9} {'ns/step/unk':>11}")

    def row(label, r):
        steps, wall, unk = int(r["stats_steps"]), float(r["wall_time_s"]), int(r["unknowns"])
        print(f"{label:<26} {unk:>8} {steps:>7} {int(r['stats_residual_evals']):>7} "
              f"{int(r['stats_jacobian_evals']):>6} {wall:>8.2f} "
              f"{float(r['duration_s']) / wall:>12.0f} {1e6 * wall / steps:>9.1f} "
              f"{1e9 * wall / steps / unk:>11.1f}")

    with tempfile.TemporaryDirectory() as tmp:
        if not only_real_gas:
            print("\n1,300 km DN1067 line, 6 stations, 1 km segments, 7 days, demand 380–520 kg/s")
            print(header)
            for order in (2, 5):
                study = line_study(1300, 1, "1 d" if quick else "7 d", order)
                row(f"max_order {order}", run(steppe, tmp, f"line_o{order}", study))
            print("\nscaling: the same line cut finer, 12 simulated hours (one ramp), max_order 2")
            print(header)
            for dx in ((2.6, 0.26) if quick else (2.6, 0.26, 0.026)):
                row(f"dx = {dx} km",
                    run(steppe, tmp, f"scale_{dx}", line_study(1300, dx, "12 h", 2)))
        real_gas_table(steppe, tmp, "real gas and heat: the 1,300 km line, 1 km segments, 1 day",
                       "rg_line", line_study(1300, 1, "1 d", 2), 0)
        gaslib = os.path.join(data_dir, "gaslib", "GasLib-134")
        if not os.path.isdir(gaslib):
            print(f"\nGasLib-134 not found at {gaslib} (give --data DIR): skipped")
        else:
            study = os.path.join(tmp, "rg_gaslib.yaml")
            subprocess.run([steppe, "import", "gaslib", os.path.join(gaslib, "GasLib-134-v2.net"),
                            os.path.join(gaslib, "nominations-2011-11", "2011-11-01.scn"), "-o",
                            study, "--force"], check=True, capture_output=True)
            real_gas_table(steppe, tmp, "real gas and heat: GasLib-134 (Greece), 2011-11-01 "
                           "nomination, 1 day", "rg_gaslib", None, 0)
            if not only_real_gas:
                gaslib_month(steppe, tmp, gaslib, 3 if quick else 30, (1e-6, 1e-7))
        g582 = os.path.join(data_dir, "gaslib", "GasLib-582", "gaslib-582-G.m")
        if only_real_gas:
            pass
        elif not os.path.isfile(g582):
            print(f"\nGasLib-582 not found at {g582} (give --data DIR): skipped")
        else:
            gaslib582(steppe, tmp, g582, (0.02, 0.04, 0.05, 0.10))

if __name__ == "__main__":
    main()
