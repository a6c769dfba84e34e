"""The network map: every node of every system as one SVG mark placed by its latitude and
longitude (equirectangular, x ∝ longitude·cos(mean latitude), y ∝ −latitude) where the study
gives them, else on a schematic layout; pipes and ties as lines coloured by a quantity at
one time; compressor and pump stations marked.

Each node mark carries class "node", data-group, data-element and, when placed
geographically, data-lat/data-lon, so a reader (or a test) can tie it to the study."""
import math

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.colors import Normalize, to_hex

from .common import convert
from .page import esc

WIDTH = 1000.0
MARGIN = 40.0
LABEL_ROOM = 90.0       # right of the easternmost mark, for its name
QUANTITIES = ("utilisation", "pressure")


class Mark:
    def __init__(self, group, element, shape, lat=None, lon=None, x=None, y=None, label=True):
        self.group, self.element, self.shape = group, element, shape
        self.lat, self.lon, self.x, self.y = lat, lon, x, y
        self.label = label
        self.px = self.py = None


def _finite(*v):
    return all(v_ is not None and np.isfinite(v_) for v_ in v)


def _coords(ds, dim):
    if "latitude" in ds.coords and "longitude" in ds.coords:
        return dict(zip(ds[dim].values, zip(ds["latitude"].values, ds["longitude"].values)))
    return {}


def _layered(names, edges):
    """A schematic layout: x = longest-path layer along the edges (from → to), y = order in
    the layer. Cycles are cut by ignoring edges that would close them."""
    idx = {n: i for i, n in enumerate(names)}
    layer = {n: 0 for n in names}
    for _ in range(len(names)):
        changed = False
        for a, b in edges:
            if a in idx and b in idx and layer[b] < layer[a] + 1 and layer[a] + 1 < len(names):
                layer[b] = layer[a] + 1
                changed = True
        if not changed:
            break
    slot = {}
    pos = {}
    for n in names:
        k = layer[n]
        pos[n] = (float(k), float(slot.get(k, 0)))
        slot[k] = slot.get(k, 0) + 1
    return pos


class System:
    """The marks and lines of one system (gas, oil, power, lumped)."""

    def __init__(self, name):
        self.name = name
        self.marks = []
        self.lines = []      # (mark a, mark b, value or nan, title, kind)

    def mark(self, element):
        for m in self.marks:
            if m.element == element:
                return m
        return None

    @property
    def geographic(self):
        return bool(self.marks) and all(_finite(m.lat, m.lon) for m in self.marks)


def _place(system, ds, group, dim, shape):
    """A mark per element of a group, at its latitude/longitude when it has them."""
    names = list(ds[dim].values)
    ll = _coords(ds, dim)
    for n in names:
        lat, lon = ll.get(n, (np.nan, np.nan))
        system.marks.append(Mark(group, n, shape, lat, lon))
    return names


def _at(da, ti):
    return np.asarray(da.isel(time=ti).values, dtype=float)


def gas_system(r, ti, quantity):
    if "gas/nodes" not in r:
        return None
    nodes = r["gas/nodes"]
    s = System("gas")
    names = _place(s, nodes, "gas/nodes", "node", "circle")
    p = dict(zip(names, _at(nodes.pressure, ti)))
    maop = dict(zip(names, nodes["max_pressure"].values)) if "max_pressure" in nodes.coords else {}
    edges = []
    if "gas/pipes" in r:
        pipes = r["gas/pipes"]
        for name, a, b in zip(pipes["pipe"].values, pipes["from_node"].values,
                              pipes["to_node"].values):
            edges.append((a, b))
            if quantity == "pressure":
                v = convert(0.5 * (p[a] + p[b]), "Pa", "bar")
            else:
                ratios = [p[n] / maop[n] for n in (a, b) if np.isfinite(maop.get(n, np.nan))]
                v = max(ratios) if ratios else np.nan
            s.lines.append((s.mark(a), s.mark(b), v, f"gas pipe {name}: {a} → {b}", "pipe"))
    for grp, dim in (("gas/compressors", "compressor"), ("gas/valves", "valve")):
        if grp in r:
            g = r[grp]
            for name, a, b in zip(g[dim].values, g["from_node"].values, g["to_node"].values):
                edges.append((a, b))
                if grp == "gas/compressors":
                    s.lines.append((s.mark(a), s.mark(b), np.nan, f"compressor {name}", "station"))
    if not s.geographic:
        pos = _layered(names, edges)
        for m in s.marks:
            m.x, m.y = pos[m.element]
    return s


def _oil_route(r):
    """Oil marks in route order: (chainage, Mark)."""
    out = []
    pipes = r["oil/pipes"]
    start = dict(zip(pipes["pipe"].values, pipes["start"].values))
    length = dict(zip(pipes["pipe"].values, pipes["length"].values))
    for grp, dim, shape in (("oil/stations", "station", "triangle"),
                            ("oil/terminals", "terminal", "square"),
                            ("oil/points", "point", "circle")):
        if grp not in r:
            continue
        g = r[grp]
        ll = _coords(g, dim)
        for i, n in enumerate(g[dim].values):
            if grp == "oil/stations":
                ch = start.get(g["downstream_pipe"].values[i], np.nan)
            elif grp == "oil/terminals":
                pipe = g["pipe"].values[i]
                ch = start.get(pipe, np.nan) + (length.get(pipe, 0.0)
                                               if g["end"].values[i] == "outlet" else 0.0)
            else:
                d = g["distance"].values[0, i] if "distance" in g else np.nan
                ch = float(d)
            lat, lon = ll.get(n, (np.nan, np.nan))
            out.append((float(ch), Mark(grp, n, shape, lat, lon, label=grp != "oil/points")))
    out.sort(key=lambda t: t[0])
    return out


def oil_system(r, ti, quantity):
    if "oil/pipes" not in r:
        return None
    s = System("oil")
    route = _oil_route(r)
    pipes = r["oil/pipes"]
    names = list(pipes["pipe"].values)
    start = pipes["start"].values
    end = start + pipes["length"].values
    pmax = _at(pipes.max_pressure, ti)
    maop = pipes["maop"].values if "maop" in pipes.coords else np.full(len(names), np.nan)
    for k, (ch, m) in enumerate(route):
        s.marks.append(m)
        m.x, m.y = ch / 1000.0, 0.0
    for (c0, a), (c1, b) in zip(route, route[1:]):
        mid = 0.5 * (c0 + c1)
        inside = [i for i in range(len(names)) if start[i] <= mid <= end[i]]
        if inside:
            v = (convert(max(pmax[i] for i in inside), "Pa", "bar") if quantity == "pressure"
                 else max(pmax[i] / maop[i] for i in inside))
            title = "oil pipe " + ", ".join(names[i] for i in inside)
        else:
            v, title = np.nan, "oil line"
        s.lines.append((a, b, v, title, "pipe"))
    return s


def power_system(r, ti):
    if "power/zones" not in r:
        return None
    zones = r["power/zones"]
    s = System("power")
    _place(s, zones, "power/zones", "zone", "zone")
    if "power/ties" in r:
        ties = r["power/ties"]
        loading = _at(ties.loading, ti) if "loading" in ties else np.full(ties.sizes["tie"], np.nan)
        for k, (name, a, b) in enumerate(zip(ties["tie"].values, ties["from_zone"].values,
                                             ties["to_zone"].values)):
            s.lines.append((s.mark(a), s.mark(b), abs(loading[k]), f"tie {name}: {a} → {b}", "tie"))
    if not s.geographic:
        for i, m in enumerate(s.marks):
            a = 2 * math.pi * i / max(1, len(s.marks))
            m.x, m.y = math.cos(a), math.sin(a)
    return s


def lumped_system(r, ti, quantity):
    if "lumped/nodes" not in r:
        return None
    nodes = r["lumped/nodes"]
    s = System("lumped")
    names = list(nodes["node"].values)
    xs = nodes["x"].values if "x" in nodes.coords else np.full(len(names), np.nan)
    ys = nodes["y"].values if "y" in nodes.coords else np.full(len(names), np.nan)
    for n, x, y in zip(names, xs, ys):
        s.marks.append(Mark("lumped/nodes", n, "circle", x=x, y=-y))
    p = dict(zip(names, _at(nodes.pressure, ti)))
    edges = []
    if "lumped/links" in r:
        links = r["lumped/links"]
        for name, a, b in zip(links["link"].values, links["from_node"].values,
                              links["to_node"].values):
            edges.append((a, b))
            s.lines.append((s.mark(a), s.mark(b), convert(0.5 * (p[a] + p[b]), "Pa", "bar")
                            if quantity == "pressure" else np.nan, f"link {name}", "pipe"))
    if not all(_finite(m.x, m.y) for m in s.marks):
        pos = _layered(names, edges)
        for m in s.marks:
            m.x, m.y = pos[m.element]
    return s


def project(marks, geographic):
    """Pixel positions in a WIDTH-wide box; returns the box height."""
    if geographic:
        lat0 = math.radians(float(np.mean([m.lat for m in marks])))
        xy = [(m.lon * math.cos(lat0), -m.lat) for m in marks]
    else:
        xy = [(m.x, m.y) for m in marks]
    xs = np.array([p[0] for p in xy], dtype=float)
    ys = np.array([p[1] for p in xy], dtype=float)
    spanx = max(xs.max() - xs.min(), 1e-9)
    spany = max(ys.max() - ys.min(), 1e-9)
    if geographic or spany > 1e-6:
        scale = (WIDTH - 2 * MARGIN - LABEL_ROOM) / max(spanx, spany * 1.6)
    else:
        scale = (WIDTH - 2 * MARGIN - LABEL_ROOM) / spanx
    height = spany * scale + 2 * MARGIN
    for m, x, y in zip(marks, xs, ys):
        m.px = MARGIN + (x - xs.min()) * scale
        m.py = MARGIN + (y - ys.min()) * scale
    return max(height, 120.0)


def _shape(m, colour):
    x, y = m.px, m.py
    attrs = (f'class="node" data-group="{esc(m.group)}" data-element="{esc(m.element)}"'
             + (f' data-lat="{float(m.lat)!r}" data-lon="{float(m.lon)!r}"' if _finite(m.lat, m.lon) else "")
             + f' data-x="{x:.3f}" data-y="{y:.3f}"')
    title = f"<title>{esc(m.group)}: {esc(m.element)}</title>"
    if m.shape == "triangle":
        pts = f"{x:.2f},{y - 7:.2f} {x - 6:.2f},{y + 5:.2f} {x + 6:.2f},{y + 5:.2f}"
        return f'<polygon {attrs} points="{pts}" fill="{colour}" stroke="#000">{title}</polygon>'
    if m.shape == "square":
        return (f'<rect {attrs} x="{x - 5:.2f}" y="{y - 5:.2f}" width="10" height="10" '
                f'fill="{colour}" stroke="#000">{title}</rect>')
    r = 9 if m.shape == "zone" else 3.5
    return (f'<circle {attrs} cx="{x:.2f}" cy="{y:.2f}" r="{r}" fill="{colour}" '
            f'stroke="#000" stroke-width="0.6">{title}</circle>')


COLOURS = {"gas": "#1f77b4", "oil": "#8c564b", "power": "#ff7f0e", "lumped": "#7f7f7f"}


def svg(systems, quantity, when, title):
    """One SVG of the given systems (all geographic, or one schematic system)."""
    marks = [m for s in systems for m in s.marks]
    if not marks:
        return ""
    geo = all(s.geographic for s in systems)
    height = project(marks, geo)
    if quantity == "pressure":
        vals = [ln[2] for s in systems if s.name != "power" for ln in s.lines
                if np.isfinite(ln[2])]
        norm = Normalize(min(vals) if vals else 0, max(vals) if vals else 1)
        cmap = plt.get_cmap("viridis")
        pipe_label = "pressure (bar)"
    else:
        norm = Normalize(0.0, 1.1)
        cmap = plt.get_cmap("RdYlGn_r")
        pipe_label = "pressure / MAOP"
    tie_norm, tie_cmap = Normalize(0.0, 1.1), plt.get_cmap("RdYlGn_r")
    h = height + 80
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="netmap" viewBox="0 0 {WIDTH:.0f} '
           f'{h:.0f}" width="100%" role="img" aria-label="{esc(title)}">',
           f'<rect x="0" y="0" width="{WIDTH:.0f}" height="{h:.0f}" fill="#fbfbf8"/>',
           f'<text x="10" y="18" font-size="13" font-weight="bold">{esc(title)}</text>']
    for s in systems:
        for a, b, v, t, kind in s.lines:
            if a is None or b is None:
                continue
            if kind == "tie":
                c = to_hex(tie_cmap(tie_norm(v))) if np.isfinite(v) else "#999"
                width, dash = 4, ' stroke-dasharray="8 4"'
            elif kind == "station":
                continue
            else:
                c = to_hex(cmap(norm(v))) if np.isfinite(v) else "#aaa"
                width, dash = 3, ""
            label = f"{t}: {v:.3g}" if np.isfinite(v) else t
            out.append(f'<line class="{kind}" x1="{a.px:.2f}" y1="{a.py:.2f}" x2="{b.px:.2f}" '
                       f'y2="{b.py:.2f}" stroke="{c}" stroke-width="{width}"{dash} '
                       f'stroke-linecap="round"><title>{esc(label)}</title></line>')
    for s in systems:
        for a, b, v, t, kind in s.lines:
            if kind == "station" and a is not None and b is not None:
                x, y = 0.5 * (a.px + b.px), 0.5 * (a.py + b.py)
                out.append(f'<rect class="station" x="{x - 6:.2f}" y="{y - 6:.2f}" width="12" '
                           f'height="12" fill="none" stroke="#1f3f7f" stroke-width="1.6">'
                           f'<title>{esc(t)}</title></rect>')
    labelled = set()
    for s in systems:
        for m in s.marks:
            out.append(_shape(m, COLOURS[s.name]))
    for s in systems:
        for m in s.marks:
            key = (round(m.px / 25), round(m.py / 12))
            if not m.label or key in labelled or (s.name == "gas" and len(s.marks) > 12
                                                  and "suction" in m.element):
                continue
            labelled.add(key)
            out.append(f'<text x="{m.px + 8:.1f}" y="{m.py - 6:.1f}" font-size="10" '
                       f'fill="#333">{esc(m.element)}</text>')
    # legend: colour bars and the mark shapes
    y0 = height + 10
    for k, (lab, nm, cm) in enumerate(((pipe_label, norm, cmap),
                                       ("tie loading (flow / limit)", tie_norm, tie_cmap))):
        x0 = 20 + k * 330
        for i in range(20):
            v = nm.vmin + (nm.vmax - nm.vmin) * (i + 0.5) / 20
            out.append(f'<rect x="{x0 + i * 10}" y="{y0}" width="10" height="10" '
                       f'fill="{to_hex(cm(nm(v)))}"/>')
        out.append(f'<text x="{x0}" y="{y0 + 24}" font-size="10">{nm.vmin:.3g}</text>'
                   f'<text x="{x0 + 200}" y="{y0 + 24}" font-size="10" text-anchor="end">'
                   f'{nm.vmax:.3g}</text><text x="{x0 + 210}" y="{y0 + 9}" font-size="10">'
                   f'{esc(lab)}</text>')
    keys = [(COLOURS[s.name], s.name) for s in systems]
    for i, (c, nm) in enumerate(keys):
        out.append(f'<circle cx="{700 + i * 70}" cy="{y0 + 5}" r="5" fill="{c}"/>'
                   f'<text x="{708 + i * 70}" y="{y0 + 9}" font-size="10">{esc(nm)}</text>')
    out.append(f'<text x="20" y="{y0 + 42}" font-size="10" fill="#444">{esc(when)} · '
               + ("geographic (longitude, latitude)" if geo else "schematic layout") + '</text>'
               f'<text x="20" y="{y0 + 56}" font-size="10" fill="#444">circles: nodes, '
               'triangles: pump stations, squares: terminals, open squares: compressor '
               'stations, dashed: power ties</text>')
    out.append("</svg>")
    return "\n".join(out)


def network_maps(r, ti, quantity, when):
    """[(title, svg)]: one geographic map of every system with coordinates, one schematic
    map per system without."""
    systems = [s for s in (gas_system(r, ti, quantity), oil_system(r, ti, quantity),
                           power_system(r, ti), lumped_system(r, ti, quantity)) if s and s.marks]
    geo = [s for s in systems if s.geographic]
    out = []
    if geo:
        out.append(("map", svg(geo, quantity, when, "Network map: " + ", ".join(
            s.name for s in geo))))
    for s in systems:
        if not s.geographic:
            out.append((f"schematic-{s.name}", svg([s], quantity, when,
                                                   f"Schematic: {s.name} (no coordinates)")))
    return out
