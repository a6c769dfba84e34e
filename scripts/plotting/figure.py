"""The figure helpers every domain draws with: the Plotter (the open file, its time axis
and events, the output directory), stacked time-series panels, legends, file names."""
import os
import re

import matplotlib.pyplot as plt

from .common import Events, Timeline, attr_str, file_topology, names, series
from .units import display, units_of

DPI = 110
EVENT_MARKERS_MAX = 20      # vertical event markers on time plots up to this many events

plt.rcParams.update({"figure.dpi": DPI, "axes.grid": True, "grid.alpha": 0.3,
                     "legend.fontsize": 8, "axes.titlesize": 11, "font.size": 9,
                     "axes.formatter.useoffset": False})


def legend_outside(ax, **kw):
    """The legend to the right of the axes, top-aligned."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, **kw)


def panel_name(ax, text):
    ax.text(0.01, 0.96, text, transform=ax.transAxes, va="top", ha="left", fontsize=9,
            fontweight="bold", bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.5))


def file_safe(name):
    """An element name as part of a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


class Plotter:
    def __init__(self, f, out_dir):
        self.f = f
        self.out = out_dir
        self.tl = Timeline(f)
        self.nt = self.tl.t.size
        self.events = Events(f)
        self.written = []
        self.study = file_topology(f)  # topology, limits, ratings: the file's static data
        name = attr_str(f, "study_name")
        self.tag = f" — {name}" if name else ""

    def save(self, fig, fname):
        path = os.path.join(self.out, fname)
        fig.savefig(path, dpi=DPI, bbox_inches="tight")
        plt.close(fig)
        self.written.append(path)

    def mark_events(self, ax, elements, first=True):
        """Faint vertical lines at the events of these elements (when few)."""
        idx = self.events.of(elements)
        if not idx or len(idx) > EVENT_MARKERS_MAX:
            return
        xs = self.tl.x(self.events.time[idx])
        for k, x in enumerate(xs):
            ax.axvline(x, color="0.35", ls=":", lw=0.9,
                       label="events" if (first and k == 0) else None)

    def legend(self, ax, n):
        if n > 6:
            legend_outside(ax, ncol=1 + n // 25)
        elif n > 0:
            ax.legend(loc="best")

    def time_panels(self, fname, title, panels, elements=()):
        """panels: list of (ylabel, [(label, seconds-independent y array, style dict)])."""
        panels = [p for p in panels if p[1]]
        if not panels:
            return
        fig, axes = plt.subplots(len(panels), 1, sharex=True, squeeze=False,
                                 figsize=(11, 2.2 + 2.6 * len(panels)))
        x = self.tl.x(self.tl.t)
        for ax, (ylabel, lines) in zip(axes[:, 0], panels):
            many = len(lines) > 10   # beyond the default 10-colour cycle
            for i, (label, y, style) in enumerate(lines):
                if many and "color" not in style:
                    style = dict(style, color=plt.get_cmap("tab20")(i % 20))
                    if i >= 20:
                        style.setdefault("ls", ("-", "--", ":", "-.")[(i // 20) % 4])
                ax.plot(x, y, label=label, **style)
            ax.set_ylabel(ylabel)
            self.mark_events(ax, elements, first=ax is axes[0, 0])
            self.legend(ax, len(ax.get_legend_handles_labels()[1]))
        self.finish(fig, axes, title, fname, align=True)

    def finish(self, fig, axes, title, fname, align=False):
        """Title the top panel, put the time axis under the bottom one, save."""
        axes[0, 0].set_title(title + self.tag)
        self.tl.format(axes[-1, 0])
        if align:
            fig.align_ylabels(axes[:, 0])
        self.save(fig, fname)

    def element_lines(self, group, key, scale=None, names_=None):
        """(ylabel unit, [(name, y, {})]) for every element of a [time × element] dataset."""
        a = series(group, key, self.nt)
        if a is None:
            return "", []
        y, label = display(a, units_of(group[key]), scale)
        nm = names_ or names(group) or [f"{key} {i}" for i in range(y.shape[1])]
        return label, [(nm[i], y[:, i], {}) for i in range(y.shape[1])]

    def long_name(self, group, key, fallback):
        return attr_str(group[key], "long_name", fallback) if key in group else fallback

