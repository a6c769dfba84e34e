#!/usr/bin/python3
"""Figures and a summary table from any Steppe results file.

usage: /usr/bin/python3 scripts/plot.py RESULTS.h5 [-o DIR] [--allow-incomplete]

Writes PNG figures of whatever the file holds (gas, oil, power, coupling, lumped, events)
into DIR (default: <results stem>_plots/ beside the file), prints where they are and a
summary table per domain (also written to DIR/summary.txt). A file whose root attribute
`status` is not "complete" is refused (exit 2) unless --allow-incomplete is given; a
file left by a killed run is read in SWMR mode.

Uses Debian's matplotlib (Agg), h5py and numpy. Values are shown in engineer units (bar,
MW, GWh, Hz, t/h, Mt/yr, km, kt) converted from each dataset's `units` attribute; element
names come from each group's `name` dataset.
"""
import argparse
import os
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:    # the plotting package beside this file, from any cwd
    sys.path.insert(0, HERE)

from plotting.common import attr_str, open_results  # noqa: E402
from plotting.coupling import plot_coupling  # noqa: E402
from plotting.events import plot_events  # noqa: E402
from plotting.figure import Plotter  # noqa: E402
from plotting.gas import plot_gas  # noqa: E402
from plotting.generic import plot_lumped  # noqa: E402
from plotting.oil import plot_oil  # noqa: E402
from plotting.power import plot_power  # noqa: E402
from plotting.summary import summarize  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="Steppe results file (.h5)")
    ap.add_argument("-o", "--output-dir", help="directory for the figures "
                    "(default: <results stem>_plots/ beside the file)")
    ap.add_argument("--allow-incomplete", action="store_true",
                    help="plot a file whose status is not 'complete' (running, failed)")
    args = ap.parse_args(argv)
    path = args.results
    if not os.path.isfile(path):
        print(f"plot.py: error: no such file: {path}", file=sys.stderr)
        return 2
    try:
        f = open_results(path)
    except OSError as e:
        print(f"plot.py: error: cannot open {path} as HDF5: {e}", file=sys.stderr)
        return 2
    with f:
        status = attr_str(f, "status", "(none)")
        if status != "complete" and not args.allow_incomplete:
            msg = attr_str(f, "message").strip().split("\n")[0]
            print(f"plot.py: error: {path} has status \"{status}\", not \"complete\""
                  + (f" ({msg})" if msg else "")
                  + "; pass --allow-incomplete to plot the samples it holds", file=sys.stderr)
            return 2
        if "time" not in f or f["time"].shape[0] == 0:
            print(f"plot.py: error: {path} holds no samples (/time is missing or empty)",
                  file=sys.stderr)
            return 2
        out = args.output_dir or os.path.join(
            os.path.dirname(os.path.abspath(path)),
            os.path.splitext(os.path.basename(path))[0] + "_plots")
        os.makedirs(out, exist_ok=True)
        pl = Plotter(f, out)
        for domain, fn in (("gas", plot_gas), ("oil", plot_oil), ("power", plot_power),
                           ("coupling", plot_coupling), ("lumped", plot_lumped)):
            if domain in f:
                fn(pl, f[domain])
        plot_events(pl)
        table = summarize(pl)
        tl = pl.tl
        head = (f"{attr_str(f, 'study_name') or os.path.basename(path)}: status {status}, "
                f"{tl.when(tl.t[0])} → {tl.when(tl.t[-1])} UTC, {pl.nt} samples")
        with open(os.path.join(out, "summary.txt"), "w", encoding="utf-8") as s:
            s.write(head + "\n" + "\n".join(table) + "\n")
    print(f"{len(pl.written)} figures in {out}/:")
    for p in pl.written:
        print(f"  {os.path.basename(p)}")
    print()
    print(head)
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # quiet when piped into head
    sys.exit(main())
