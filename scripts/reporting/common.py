"""What every section uses: engineer units through the steppe unit parser, one colour per
element (the same in every figure), panels of at most MAX_SERIES series, times."""
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
import matplotlib.dates as mdates

from steppe import units as su

MAX_SERIES = 8      # series per panel

# SI units of the file → the unit an engineer reads
DISPLAY = {"Pa": "bar", "W": "MW", "J": "GWh", "kg": "t", "kg s-1": "kg/s", "m3 s-1": "m3/s",
           "m": "m", "Hz": "Hz", "1": "1", "s": "s", "W m-2": "W m-2", "m s-1": "m/s"}
LABEL = {"m3/s": "m³/s", "1": "", "W m-2": "W/m²"}


def to_display(values, units):
    """(values in the display unit, its label)."""
    target = DISPLAY.get(units)
    if target is None or target == units:
        return np.asarray(values, dtype=float), LABEL.get(units, units)
    return su.convert(np.asarray(values, dtype=float), units, target), LABEL.get(target, target)


def convert(values, units, to):
    return su.convert(np.asarray(values, dtype=float), units, to)


class Colours:
    """One colour per element of a group, fixed by its position in the group."""

    def __init__(self):
        self._groups = {}

    def register(self, group, names):
        self._groups[group] = {n: i for i, n in enumerate(names)}

    def __call__(self, group, name):
        idx = self._groups.get(group, {}).get(name)
        if idx is None:
            idx = abs(hash((group, name))) % 20
        n = len(self._groups.get(group, {}))
        if n <= 10:
            return plt.get_cmap("tab10")(idx % 10)
        return plt.get_cmap("tab20")(idx % 20)


def chunks(seq, n=MAX_SERIES):
    seq = list(seq)
    return [seq[i:i + n] for i in range(0, len(seq), n)] or [[]]


def time_axis(ax):
    loc = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def when(t):
    """A datetime64/Timestamp as 'YYYY-MM-DD HH:MM:SS' (UTC)."""
    if t is None or (isinstance(t, float) and t != t):
        return ""
    ts = pd.Timestamp(t)
    if ts is pd.NaT:
        return ""
    return ts.strftime("%Y-%m-%d %H:%M:%S")


def hours(seconds):
    s = float(seconds)
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    if s < 3 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.2f} d"


def has(ds, *names):
    return all(n in ds for n in names)
