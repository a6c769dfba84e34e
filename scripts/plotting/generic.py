"""Groups with no figure of their own (valves, the lumped network, other coupling
groups): a panel per [time × element] dataset."""
import h5py

from .common import attr_str, names
from .units import axis_label


def generic_group(pl, grp, fname, title, max_panels=4):
    """A panel per [time × element] dataset of the group (the first few)."""
    keys = [k for k in grp if k != "name" and isinstance(grp[k], h5py.Dataset)
            and grp[k].ndim == 2 and grp[k].shape[1] == len(names(grp))]
    panels = []
    for k in keys[:max_panels]:
        lab, lines = pl.element_lines(grp, k)
        ln = attr_str(grp[k], "long_name", "")
        q = ln if ln and len(ln) <= 28 else k.replace("_", " ")
        panels.append((axis_label(q, lab), lines))
    pl.time_panels(fname, title, panels, names(grp))


def plot_lumped(pl, g):
    for k in g:
        if isinstance(g[k], h5py.Group):
            generic_group(pl, g[k], f"lumped_{k}.png", f"Lumped network: {k}")
