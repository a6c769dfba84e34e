"""Pressure profiles along pipes: which samples to draw, and drawing them coloured early →
late."""
import matplotlib.pyplot as plt
import numpy as np

PROFILE_TIMES = 5           # pressure profiles drawn at this many times


def profile_times(pl, profiles, n=PROFILE_TIMES):
    """Sample indices at which to draw profiles: the first and last, then greedily the
    samples whose profiles differ most from those already chosen (so a trip or a daily
    swing shows, rather than evenly spaced but alike states)."""
    nt = pl.nt
    if nt <= n:
        return list(range(nt))
    a = np.concatenate([np.asarray(p, float) for p in profiles], axis=1)
    a = np.nan_to_num(a - np.nanmean(a, axis=0))
    chosen = [0, nt - 1]
    dist = np.minimum(np.linalg.norm(a - a[0], axis=1), np.linalg.norm(a - a[-1], axis=1))
    while len(chosen) < n:
        k = int(np.argmax(dist))
        if dist[k] <= 1e-9 * (np.abs(a).max() + 1):
            break
        chosen.append(k)
        dist = np.minimum(dist, np.linalg.norm(a - a[k], axis=1))
    if len(chosen) < n:     # alike states: fill evenly
        chosen += [int(round(i)) for i in np.linspace(0, nt - 1, n)]
    return sorted(set(chosen))[:max(n, 2)]



def profile_lines(pl, ax, d, values, times, labelled):
    """values[ti] against distance `d` at each chosen sample, viridis from the first to the
    last; labelled with the time when `labelled` (the first pipe of a figure)."""
    cmap = plt.get_cmap("viridis")
    for k, ti in enumerate(times):
        ax.plot(d, values[ti], color=cmap(k / max(1, len(times) - 1)),
                label=pl.tl.short_when(pl.tl.t[ti]) if labelled else None)
