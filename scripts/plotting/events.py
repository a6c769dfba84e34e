"""The event log as a figure: a table of the events when few, else a timeline with a row
per element and a marker per kind."""
import matplotlib.pyplot as plt

from .figure import legend_outside

EVENT_LIST_MAX = 40         # a text list of events up to this many, else a timeline


def plot_events(pl):
    ev = pl.events
    n = ev.time.size
    if n == 0:
        return
    if n <= EVENT_LIST_MAX:
        rows = [(pl.tl.event_when(ev.time[i]), ev.kind[i], ev.element[i], ev.message[i])
                for i in range(n)]
        w = [max(len(r[k]) for r in rows + [("time (UTC)", "kind", "element", "")])
             for k in range(3)]
        text = [f"{'time (UTC)':<{w[0]}}  {'kind':<{w[1]}}  {'element':<{w[2]}}  message"]
        text += [f"{a:<{w[0]}}  {b:<{w[1]}}  {c:<{w[2]}}  {m[:110]}" for a, b, c, m in rows]
        width = max(len(t) for t in text)
        fig = plt.figure(figsize=(max(8.0, 0.075 * width + 0.6), 0.9 + 0.19 * len(text)))
        fig.text(0.01, 0.99, f"Events ({n}){pl.tag}", va="top", fontsize=11)
        fig.text(0.01, 0.99 - 0.45 / fig.get_figheight(), "\n".join(text), va="top",
                 family="monospace", fontsize=8.5, linespacing=1.35)
        pl.save(fig, "events.png")
        return
    # a timeline: one row per element, marker per kind
    elems = list(dict.fromkeys(ev.element))
    fig, ax = plt.subplots(figsize=(11, 1.5 + 0.25 * len(elems)))
    kinds = list(dict.fromkeys(ev.kind))
    markers = "o^sDvP*X"
    for j, k in enumerate(kinds):
        idx = [i for i in range(n) if ev.kind[i] == k]
        ax.scatter(pl.tl.x(ev.time[idx]), [elems.index(ev.element[i]) for i in idx],
                   marker=markers[j % len(markers)], s=18, label=f"{k} ({len(idx)})")
    ax.set_yticks(range(len(elems)))
    ax.set_yticklabels(elems)
    ax.invert_yaxis()
    ax.set_ylabel("element")
    ax.set_title(f"Events ({n}) by element and kind{pl.tag}")
    legend_outside(ax)
    pl.tl.format(ax)
    pl.save(fig, "events.png")
