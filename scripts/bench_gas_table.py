"""Gas benchmarks against an explicit reference, side by side in one run on one machine.

The explicit reference is scripts/bench_reference/explicit_gas.cpp, the staggered-grid scheme
of Gyrya & Zlotnik (2019) at CFL 0.9 (its header gives the equations), compiled here with
g++ -O3 -fno-math-errno (GCC 12 vectorises its loops only at -O3, and its square roots only
without errno; -O2 runs it 1.6× slower), the same class of flags as Steppe's Release build.
Both programs solve the same physics on the same grid in space: Steppe's isothermal pipe
with Papay's Z (the line) or an ideal gas (Yamal-Europe), a fixed Darcy λ (for the line
Colebrook's at its mean flow, given to both) and no gravity; pressure at points, mass flow
on segments, end half-cells at the nodes. Compressor stations hold their discharge pressure
(electric drives, so no fuel is drawn from the line, and no limits), which the explicit
program imposes as a pressure boundary at the head of each section; the sections are
coupled by the station flows. Both start from the discrete
steady state at the initial withdrawal and read the same withdrawal table (a CSV file).

Cases
- Line: 1,300 km of DN1067 (inner 1,067 mm, λ from ε = 0.012 mm) in 7 equal sections with
  6 compressor stations, supply and discharge pressures 98 bar, gas of specific gravity 0.6
  at 288.15 K, 1 km cells, 7 days. The withdrawal at the end follows the daily shape
  w(t) = 450 − 70·cos(2πt / 1 d) kg/s (380–520 kg/s), given either as a table with a point
  every 60 s ("60 s table", 1,440 points a day) or as a table with a point every 2 h
  ("smooth"), both linear and repeated daily.
- Yamal-Europe, the GasTranSim.jl example (examples/data/yamal-europe): one pipe of 122 km,
  D 1.422 m, λ 0.01065, ideal gas of specific gravity 0.6 at 285.11 K, inlet held at 8.4 MPa,
  24 h; the outlet draws 400 kg/s, ramps to 600 kg/s between 6 h and 7 h, holds until 15 h
  and returns to 400 kg/s at 16 h. 1 km cells (122), from the steady state at 400 kg/s.

What is measured
1. 60 s table against smooth: Steppe's steps, re-initialisations, continued stops (input
   kinks IDA goes on across), residual and Jacobian evaluations, wall time and real-time
   factor, and the explicit program's steps and wall time. Must show: the 60 s table needs
   at most 2× the steps of the smooth case.
2. Accuracy at equal error, for the line with the 60 s table and for Yamal-Europe: the
   reference is the explicit scheme on a 4× finer grid, checked against Steppe on that grid
   at a tight tolerance; the error is the largest
   relative deviation of the outlet pressure from the reference over the 10-minute samples.
   The explicit scheme's error at 1 km is the target; Steppe runs a grid of cell sizes,
   tolerances (rtol = atol) and maximum orders, and the cheapest configuration whose error
   is at most the target is set against the explicit scheme's wall time (both re-run, the
   best of 3 runs each). Must show: Steppe faster at equal outlet-pressure error.
3. Solver settings at equal error (this feeds the defaults): for each maximum BDF order,
   the cheapest cell size and tolerance that reach the target, and that configuration
   again with SUNDIALS' own vector kernels (solver.vector_kernels: sundials).
Wall times are Steppe's own `wall_time_s` (the whole run: reading, steady start,
integration, output) and the explicit program's own (reading to writing).

usage: bench_gas_table.py STEPPE [--quick] [--case=line|yamal|line-smooth]...
  --quick: 1 day of the line, fewer configurations; --case: only that case (default: line
  and yamal; line-smooth: section 2 also for the line with the smooth profile, i.e. what
  the line would cost if the table's 10,079 kinks cost nothing)"""
import math
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

import h5py
import numpy as np

from bench_common import print_machine
from bench_gas import line_study

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE_SOURCE = os.path.join(HERE, "bench_reference", "explicit_gas.cpp")
DAY = 86400.0


def colebrook(mdot, diameter, roughness, viscosity=1.1e-5):
    """Darcy λ from Colebrook–White at the Reynolds number of mass flow `mdot`."""
    re = mdot * diameter / (math.pi * diameter ** 2 / 4 * viscosity)
    lam = 0.01
    for _ in range(50):
        lam = (-2 * math.log10(roughness / diameter / 3.7 + 2.51 / (re * math.sqrt(lam)))) ** -2
    return lam


@dataclass
class Line:
    """A line of `stations` + 1 equal sections with discharge-controlled stations."""
    name: str
    length_km: float
    stations: int
    diameter: float  # m, inner
    pressure: float  # Pa, supply and station discharge
    gravity: float
    temperature: float  # K
    lam: float  # Darcy friction factor
    duration: float  # s
    period: float  # s, of the withdrawal table (0: none)
    law: str = "papay"
    output_interval: float = 600.0  # s: the outlet-pressure samples compared
    tables: dict = field(default_factory=dict)  # input name → CSV path

    def steppe_study(self, table, dx_km, rtol, order, kernels):
        offtake = (f"{{csv: {self.tables[table]}, time_column: t, value_column: w, "
                   f"time_unit: s, unit: kg/s"
                   + (", repeat: daily}" if self.period == DAY else "}"))
        return line_study(
            self.length_km, dx_km, f"{self.duration} s", order, self.stations,
            diameter=f"{self.diameter} m", pressure=f"{self.pressure} Pa",
            pipe=f"friction: fixed, lambda: {self.lam!r}", station="drive: electric",
            offtake=offtake,
            solver=f"rtol: {rtol}, atol: {rtol}, vector_kernels: {kernels}",
            fluid=f"specific_gravity: {self.gravity}, temperature: {self.temperature} K, "
                  f"law: {self.law}",
            output_interval=f"{self.output_interval} s")

    def explicit_input(self, table, dx_km, cfl=0.9):
        sections = self.stations + 1
        length = self.length_km * 1000 / sections
        segments = math.ceil(length / (dx_km * 1000) - 1e-9)  # as Steppe cuts a pipe
        lines = [f"specific_gravity {self.gravity}", f"temperature {self.temperature}",
                 f"law {self.law}", f"supply_pressure {self.pressure}",
                 f"discharge_pressure {self.pressure}"]
        lines += [f"section {length!r} {self.diameter} {self.lam!r} {segments}"] * sections
        lines += [f"withdrawal {self.tables[table]}", f"period {self.period}",
                  f"duration {self.duration}", f"cfl {cfl}",
                  f"output_interval {self.output_interval}"]
        return "\n".join(lines) + "\n"


def write_table(path, times, values):
    with open(path, "w") as f:
        f.write("t,w\n")
        for t, v in zip(times, values):
            f.write(f"{t:.6f},{v:.12g}\n")
    return path


class Bench:
    def __init__(self, steppe, tmp):
        self.steppe, self.tmp = steppe, tmp
        self.explicit = os.path.join(tmp, "explicit_gas")
        subprocess.run(["g++", "-O3", "-fno-math-errno", "-std=c++20", REFERENCE_SOURCE,
                        "-o", self.explicit], check=True)
        self.count = 0

    def steppe_run(self, line, table, dx_km, rtol, order, kernels="steppe", timeout=None):
        """Steppe's statistics and outlet pressure; None if it ran longer than `timeout` s."""
        self.count += 1
        base = os.path.join(self.tmp, f"s{self.count}")
        with open(base + ".yaml", "w") as f:
            f.write(line.steppe_study(table, dx_km, rtol, order, kernels))
        try:
            subprocess.run([self.steppe, "run", base + ".yaml", "-o", base + ".h5", "--quiet"],
                           check=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        with h5py.File(base + ".h5", "r") as f:
            names = list(f["gas/nodes/node"].asstr()[:])  # the element dimension scale
            col = names.index(f"S{line.stations + 1}")
            r = {k: f.attrs[k] for k in f.attrs if k.startswith("stats_")}
            r.update(unknowns=int(f.attrs["unknowns"]), wall=float(f.attrs["wall_time_s"]),
                     t=f["time"][:], p=f["gas/nodes/pressure"][:, col])
        os.remove(base + ".h5")
        return r

    def explicit_run(self, line, table, dx_km, cfl=0.9):
        self.count += 1
        base = os.path.join(self.tmp, f"e{self.count}")
        with open(base + ".in", "w") as f:
            f.write(line.explicit_input(table, dx_km, cfl))
        out = subprocess.run([self.explicit, base + ".in", base + ".csv"], check=True,
                             capture_output=True, text=True).stdout.split()
        stats = dict(zip(out[::2], out[1::2]))
        data = np.loadtxt(base + ".csv", delimiter=",", skiprows=1)
        return {"steps": int(stats["steps"]), "dt": float(stats["dt"]),
                "cells": int(stats["cells"]), "wall": float(stats["wall_s"]),
                "t": data[:, 0], "p": data[:, 1]}


def error(run, ref):
    """Largest relative deviation of the outlet pressure from the reference's."""
    if len(run["p"]) != len(ref["p"]) or np.max(np.abs(run["t"] - ref["t"])) > 1e-6:
        raise RuntimeError("the runs sample the outlet pressure at different times")
    return float(np.max(np.abs(run["p"] - ref["p"]) / ref["p"]))


STEPPE_HEADER = (f"{'':<36} {'unknowns':>8} {'steps':>7} {'reinit':>6} {'cont.':>6} {'res':>7} "
                 f"{'jac':>6} {'wall s':>8} {'real-time ×':>11}")


def steppe_row(label, r, duration):
    return (f"{label:<36} {r['unknowns']:>8} {int(r['stats_steps']):>7} "
            f"{int(r['stats_reinitialisations']):>6} {int(r['stats_continued_stops']):>6} "
            f"{int(r['stats_residual_evals']):>7} {int(r['stats_jacobian_evals']):>6} "
            f"{r['wall']:>8.3f} {duration / r['wall']:>11.0f}")


def explicit_row(label, r, duration):
    return (f"{label:<36} {2 * r['cells']:>8} {r['steps']:>7} {'':>6} {'':>6} {'':>7} {'':>6} "
            f"{r['wall']:>8.3f} {duration / r['wall']:>11.0f}")


def shared_data(*parts):
    """A file of the shared reference data beside the repository, or None."""
    root = os.path.dirname(HERE)
    for base in (os.path.join(root, "..", "shared"), os.path.join(root, "..", "..", "shared")):
        path = os.path.join(base, "data", *parts)
        if os.path.exists(path):
            return path
    return None


def validate_reference(b, tmp):
    """The explicit program against the published one-pipe benchmark (Gyrya & Zlotnik 2019
    §5.2, outlet pressure as computed by GasTranSim.jl): 20 km, D 0.9144 m, λ 0.01, ideal gas
    at 239.11 K, inlet 6.5 MPa, outlet draw 0 → 787.63 kg/s at 600 s → 78.76 kg/s at 1800 s."""
    path = shared_data("benchmarks", "gas_1pipe_fast", "reference_outlet.csv")
    if path is None:
        print("validation skipped: shared/data/benchmarks/gas_1pipe_fast not found beside the "
              "repository")
        return
    published = np.loadtxt(path, delimiter=",", skiprows=1)
    pipe = Line("one pipe", 20, 0, 0.9144, 6.5e6, 0.6, 239.11, 0.01, 3600, 0, law="ideal",
                output_interval=60.0)
    pipe.tables["steps"] = write_table(os.path.join(tmp, "gyrya.csv"),
                                       [0, 599, 600, 1799, 1800],
                                       [0, 0, 787.63, 787.63, 78.76])
    r = b.explicit_run(pipe, "steps", 0.25)
    t, p = published[:, 0], published[:, 2]
    ours = np.interp(t, r["t"], r["p"])
    rel = np.abs(ours - p) / p
    away = (np.abs(t - 600) > 120) & (np.abs(t - 1800) > 120)
    print(f"explicit program vs the published one-pipe benchmark (GasTranSim.jl's outlet "
          f"pressure, 250 m cells): largest relative difference {rel[away].max():.2e} away "
          f"from the draw's steps (±120 s), {rel.max():.2e} overall")


def make_cases(tmp, quick):
    line = Line("line", 1300, 6, 1.067, 98e5, 0.6, 288.15, colebrook(450, 1.067, 1.2e-5),
                (1 if quick else 7) * DAY, DAY)
    shape = lambda t: 450 - 70 * np.cos(2 * np.pi * t / DAY)  # noqa: E731
    for name, every in (("60 s table", 60.0), ("smooth", 7200.0)):
        t = np.arange(0.0, DAY, every)
        line.tables[name] = write_table(os.path.join(tmp, f"line_{every:.0f}.csv"), t, shape(t))
    # GasTranSim.jl's examples/data/yamal-europe: one pipe, ideal gas, inlet held.
    yamal = Line("Yamal-Europe", 122, 0, 1.422, 8.4e6, 0.6, 285.11, 0.01065, DAY, 0.0,
                 law="ideal")
    yamal.tables["GasTranSim draw"] = write_table(
        os.path.join(tmp, "yamal.csv"), [0, 6 * 3600, 7 * 3600, 15 * 3600, 16 * 3600, DAY],
        [400, 400, 600, 600, 400, 400])
    return line, yamal


class Search:
    """Steppe configurations of one case at equal error, runs cached by configuration. A
    run taking longer than `budget` × the explicit scheme's wall time is stopped: it cannot
    be the cheapest."""

    budget = 5.0

    def __init__(self, b, case, table):
        self.b, self.case, self.table = b, case, table
        self.explicit = b.explicit_run(case, table, 1.0)
        self.timeout = max(2.0, self.budget * self.explicit["wall"])
        self.runs = {}

    def steppe(self, dx, rtol, order, kernels="steppe", limit=True):
        key = (dx, rtol, order, kernels)
        if key not in self.runs:
            self.runs[key] = self.b.steppe_run(self.case, self.table, dx, rtol, order, kernels,
                                               self.timeout if limit else None)
        return self.runs[key]

    def cost(self, dx, rtol, order, kernels="steppe"):
        r = self.steppe(dx, rtol, order, kernels)
        return math.inf if r is None else r["wall"]

    def cheapest(self, ref, target, order, cells, rtols):
        """Per cell size, tolerances from loose to tight until the error reaches the target;
        a configuration costing more than the best found ends its cell size (tighter costs
        more) and, at the loosest tolerance, the search (finer cells cost more)."""
        best = None
        for dx in cells:
            for rtol in rtols:
                r = self.steppe(dx, rtol, order)
                label = f"  order {order}, {dx:g} km, rtol {rtol:g}"
                if r is None:
                    print(f"{label:<36} stopped after {self.timeout:.1f} s "
                          f"({self.budget:g}× the explicit scheme)")
                    break
                err = error(r, ref)
                ok = err <= target
                print(steppe_row(label, r, self.case.duration)
                      + f"  {err:.2e}{' ≤' if ok else ''}")
                if ok and (best is None or r["wall"] < best[3]["wall"]):
                    best = (dx, rtol, err, r)
                if ok or (best is not None and r["wall"] >= best[3]["wall"]):
                    break
            if best is not None and self.cost(dx, rtols[0], order) >= best[3]["wall"]:
                break
        return best


def steps_against_smooth(line, searches):
    print(f"\n1. {line.name}: 60 s table against the smooth profile, 1 km cells, "
          f"{line.duration / DAY:g} d, rtol 1e-6")
    print(STEPPE_HEADER)
    for order in (2, 5):
        steps = {}
        for name in ("60 s table", "smooth"):
            r = searches[name].steppe(1.0, 1e-6, order, limit=False)
            steps[name] = int(r["stats_steps"])
            print(steppe_row(f"Steppe {name}, max_order {order}", r, line.duration))
        ratio = steps["60 s table"] / steps["smooth"]
        print(f"  steps 60 s table / smooth at max_order {order}: {ratio:.2f} (must be ≤ 2: "
              f"{'met' if ratio <= 2 else 'NOT met'})")
    for name in ("60 s table", "smooth"):
        r = searches[name].explicit
        print(explicit_row(f"explicit {name} (dt {r['dt']:.3f} s)", r, line.duration))


CELLS = (1.0, 0.9, 0.8, 0.7)  # km
RTOLS = (1e-5, 1e-6, 3e-7, 1e-7, 3e-8, 1e-8)
REPEATS = 3  # the final comparison: the best wall time of this many runs of each
ORDERS = (2, 3, 5)


def equal_error(b, search, quick):
    case, table = search.case, search.table
    print(f"\n2. {case.name}, {table}, {case.duration / DAY:g} d: equal outlet-pressure error")
    print(STEPPE_HEADER + "  error")
    ref = b.explicit_run(case, table, 0.25)
    half = b.explicit_run(case, table, 0.5)
    print(explicit_row("reference: explicit, 0.25 km", ref, case.duration)
          + f"  ~{np.max(np.abs(ref['p'] - half['p']) / ref['p']) / 3:.1e} (Richardson "
          "against 0.5 km)")
    # Checks over the first day (at most): Steppe on the reference's grid, and the explicit
    # scheme's own time error (its error at 1 km with CFL 0.1 instead of 0.9).
    day = Line(**{**case.__dict__, "duration": min(case.duration, DAY)})
    over = " over the first day" if case.duration > DAY else ""
    n = int(round(day.duration / case.output_interval)) + 1
    check = b.steppe_run(day, table, 0.25, 1e-9, 5)
    print(steppe_row("check: Steppe, 0.25 km, rtol 1e-9, o5", check, day.duration)
          + f"  {error(check, truncate(ref, n)):.1e} from the reference{over}")
    explicit = search.explicit
    target = error(explicit, ref)
    print(explicit_row("explicit, 1 km (the target)", explicit, case.duration)
          + f"  {target:.2e}")
    slow = b.explicit_run(day, table, 1.0, cfl=0.1)
    print(explicit_row("explicit, 1 km, CFL 0.1", slow, day.duration)
          + f"  {error(slow, truncate(ref, n)):.2e}{over} (0.9: "
          f"{error(truncate(explicit, n), truncate(ref, n)):.2e}): the error is the grid's")
    cells, rtols = ((1.0, 0.8), (1e-6, 1e-7, 1e-8)) if quick else (CELLS, RTOLS)
    best = {order: search.cheapest(ref, target, order, cells, rtols) for order in ORDERS}
    found = [v + (o,) for o, v in best.items() if v is not None]
    if not found:
        print(f"  no configuration tried reaches the explicit scheme's error {target:.2e} "
              "(must be faster at equal error: NOT met)")
        return best
    dx, rtol, err, r, order = min(found, key=lambda v: v[3]["wall"])
    steppe_wall = min([r["wall"]] + [b.steppe_run(case, table, dx, rtol, order)["wall"]
                                     for _ in range(REPEATS - 1)])
    explicit_wall = min([explicit["wall"]] + [b.explicit_run(case, table, 1.0)["wall"]
                                              for _ in range(REPEATS - 1)])
    ratio = explicit_wall / steppe_wall
    print(f"  cheapest at equal error: max_order {order}, {dx:g} km, rtol {rtol:g}, "
          f"{int(r['stats_steps'])} steps: error {err:.2e} against the explicit scheme's "
          f"{target:.2e} (1 km, {explicit['steps']} steps); wall, best of {REPEATS}: Steppe "
          f"{steppe_wall:.3f} s, explicit {explicit_wall:.3f} s: explicit/Steppe "
          f"{ratio:.2f} (Steppe {'faster' if ratio > 1 else 'SLOWER'}; must be faster: "
          f"{'met' if ratio > 1 else 'NOT met'})")
    return best


def truncate(run, n):
    return {**run, "t": run["t"][:n], "p": run["p"][:n]}


def settings_table(searches, results):
    print("\n3. solver settings at equal error: per maximum order the cheapest cell size and "
          "rtol found above, and that configuration with SUNDIALS' own vector kernels")
    print(f"{'case':<28} {'order':>5} {'km':>4} {'rtol':>6} {'error':>8} {'steps':>7} "
          f"{'jac':>6} {'wall s':>8} {'sundials s':>10} {'kernels ×':>9} {'explicit/Steppe':>15}")
    for key, search in searches.items():
        label = f"{search.case.name}, {search.table}"
        for order, v in results[key].items():
            if v is None:
                print(f"{label:<28} {order:>5}  (the target is not reached)")
                continue
            dx, rtol, err, r = v
            s = search.cost(dx, rtol, order, "sundials")
            kernels = (f"{s:>10.3f} {s / r['wall']:>9.2f}" if s < math.inf
                       else f"{'> ' + format(search.timeout, '.1f'):>10} {'':>9}")
            print(f"{label:<28} {order:>5} {dx:>4g} {rtol:>6g} {err:>8.2e} "
                  f"{int(r['stats_steps']):>7} {int(r['stats_jacobian_evals']):>6} "
                  f"{r['wall']:>8.3f} {kernels} {search.explicit['wall'] / r['wall']:>15.2f}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    steppe = args[0]
    quick = "--quick" in sys.argv
    only = {a[len("--case="):] for a in sys.argv if a.startswith("--case=")} or {"line", "yamal"}
    print_machine(steppe)
    with tempfile.TemporaryDirectory() as tmp:
        b = Bench(steppe, tmp)
        print("explicit reference: scripts/bench_reference/explicit_gas.cpp, "
              "g++ -O3 -fno-math-errno, CFL 0.9")
        validate_reference(b, tmp)
        line, yamal = make_cases(tmp, quick)
        cases = []
        if "line" in only:
            cases += [(line, "60 s table"), (line, "smooth")]
        elif "line-smooth" in only:
            cases += [(line, "smooth")]
        if "yamal" in only:
            cases += [(yamal, "GasTranSim draw")]
        searches = {(case.name, table): Search(b, case, table) for case, table in cases}
        if "line" in only:
            steps_against_smooth(line, {t: searches[("line", t)] for t in ("60 s table", "smooth")})
            if "line-smooth" not in only:  # the steps only: the 60 s table is the case at issue
                del searches[("line", "smooth")]
        results = {key: equal_error(b, search, quick) for key, search in searches.items()}
        settings_table(searches, results)


if __name__ == "__main__":
    main()
