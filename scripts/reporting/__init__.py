"""The engineer's report: one self-contained HTML page from a Steppe results file or an
ensemble directory (scripts/report.py). Figures are matplotlib PNGs and SVG drawn here,
embedded in the page; it needs no network and no script to be read or printed."""
