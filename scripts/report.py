#!/usr/bin/python3
"""The engineer's report: one self-contained HTML page from a Steppe results file or a
sweep directory.

usage: /usr/bin/python3 scripts/report.py RESULTS.h5|SWEEP_DIR [-o REPORT.html]
           [--map-time end|worst|ISO-TIME] [--map-quantity utilisation|pressure]
           [--fan GROUP/QUANTITY[:ELEMENT] ...] [--allow-incomplete]

A results file gives: the run (study, overrides, horizon, solver statistics, status), the
violated constraints, the key summaries, the network map, pressure heat maps along the
lines, the power system (Δf, nadir and RoCoF per event, generation stacks, ties), the
compressor and pump operating points and the significant events. A sweep directory gives
the sweep, the violations across its scenarios and fan charts. Figures are embedded; the
page needs no network. Prints the path of the page (default: RESULTS stem + .html beside
the results file, SWEEP_DIR/report.html for a sweep). Exit 2 on a missing or unreadable
input, or a results file whose status is not "complete" without --allow-incomplete.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:    # the steppe and reporting packages beside this file
    sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import steppe  # noqa: E402
from reporting import ensemble, sections  # noqa: E402
from reporting.common import Colours  # noqa: E402
from reporting.netmap import QUANTITIES  # noqa: E402
from reporting.page import Page  # noqa: E402


def map_time(r, spec, constraints):
    """(time index, why) for the map."""
    if spec == "worst":
        if constraints is not None and not constraints.empty:
            row = constraints.sort_values("duration", ascending=False).iloc[0]
            t = pd.Timestamp(row["worst_time"])
            why = f"worst value of the longest violation: {row['element']} {row['quantity']}"
        else:
            return len(r.time) - 1, "the end: no violation"
    elif spec == "end":
        return len(r.time) - 1, "the end of the run"
    else:
        try:
            t = pd.Timestamp(spec.rstrip("Z"))
        except ValueError:
            raise SystemExit(f"report.py: error: --map-time {spec!r}: not end, worst or a time")
        why = "asked for"
    i = int(np.argmin(np.abs((r.time - t).total_seconds())))
    return i, why


def run_report(path, args):
    r = steppe.open_results(path)
    if r.status != "complete" and not args.allow_incomplete:
        print(f"report.py: error: {path} has status \"{r.status}\", not \"complete\"; pass "
              "--allow-incomplete to report the samples it holds", file=sys.stderr)
        return None
    if len(r.time) == 0:
        print(f"report.py: error: {path} holds no samples", file=sys.stderr)
        return None
    name = r.attrs.get("study_name", os.path.basename(path))
    page = Page(f"Steppe report: {name}")
    colours = Colours()
    sections.run_section(page, r, path)
    c = sections.constraints_section(page, r)
    sections.summaries_section(page, r)
    ti, why = map_time(r, args.map_time, c)
    sections.map_section(page, r, ti, args.map_quantity, why)
    sections.heatmap_section(page, r)
    sections.power_section(page, r, colours)
    sections.machines_section(page, r, colours)
    sections.events_section(page, r)
    r.close()
    return page


def ensemble_report(directory, args):
    ens = steppe.open_ensemble(directory)
    name = ens.result(ens.names[0]).attrs.get("study_name", os.path.basename(directory))
    page = Page(f"Steppe ensemble report: {name}")
    ensemble.sweep_section(page, ens, directory)
    ensemble.violations_section(page, ens)
    ensemble.fan_section(page, ens, args.fan)
    ens.close()
    return page


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="Steppe results file (.h5) or sweep directory")
    ap.add_argument("-o", "--output", help="the HTML page to write")
    ap.add_argument("--map-time", default="worst",
                    help="when the map is drawn: end, worst (the worst value of the longest "
                    "violation; the end without one; default) or a UTC time")
    ap.add_argument("--map-quantity", default="utilisation", choices=QUANTITIES,
                    help="pipe colour: pressure over MAOP (utilisation, default) or pressure")
    ap.add_argument("--fan", action="append", default=[],
                    help="a fan chart of GROUP/QUANTITY[:ELEMENT] (sweep; repeatable)")
    ap.add_argument("--allow-incomplete", action="store_true",
                    help="report a file whose status is not 'complete'")
    args = ap.parse_args(argv)
    src = args.results.rstrip("/")
    if os.path.isdir(src):
        out = args.output or os.path.join(src, "report.html")
        try:
            page = ensemble_report(src, args)
        except (FileNotFoundError, OSError, KeyError) as e:
            print(f"report.py: error: {src}: {e}", file=sys.stderr)
            return 2
    elif os.path.isfile(src):
        out = args.output or os.path.splitext(src)[0] + ".html"
        try:
            page = run_report(src, args)
        except OSError as e:
            print(f"report.py: error: {src}: {e}", file=sys.stderr)
            return 2
        if page is None:
            return 2
    else:
        print(f"report.py: error: no such file or directory: {src}", file=sys.stderr)
        return 2
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    page.write(out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
