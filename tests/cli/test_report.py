#!/usr/bin/python3
"""End-to-end: scripts/report.py on real runs, read back the way an engineer meets the page.

- the corridor (inputs/kazakhstan_china.yaml, 6 h, a 1,500 MW generator trip at 3 h) and an
  ensemble (a two-node gas line, one scenario overloaded until it fails) rendered in
  headless Chromium: a screenshot of each written as a test artefact (not committed),
  every section present and filled, no console message at all (errors, failed loads); the
  console check is shown to catch a page with a script error; the pages refer to nothing
  outside themselves;
- a study with planted coordinates and a planted MAOP violation: one map mark per node,
  each at the study's latitude/longitude (data attributes equal to the study's values, and
  the pixel positions an exact equirectangular map of them: x affine in longitude, y in
  −latitude, the x/y scale ratio cos(mean latitude)); the violation in the constraints
  table with the values of /constraints read by h5py;
- every row of /constraints of the corridor and of every scenario appears in its table;
- the corridor map has one mark per gas node, oil station, terminal and power zone of the
  study file; routine dispatch events are counted, not listed, and the significant ones
  listed; the tie overloads one row per episode (per tie and direction as many as the
  "exceeds" events of /events, which alternate with their ends: no chatter);
- the corridor's run table lists the --set overrides it was run with; the nadir and RoCoF
  after the trip are the solver's exact extremes (frequency_lowest, rocof_lowest/_highest
  read by h5py after the trip), below the lowest output sample shown beside them;
  CS AB1's shaft-power limit (set by --set) and peak shaft power are /gas/compressors';
- a two-pipe oil line with a batch of a second grade: the grade heat map drawn, the
  linefill per grade that of /oil/pipes, the batch's tail where plug flow puts it.

usage: test_report.py STEPPE REPO_ROOT   (artefacts: $STEPPE_ARTEFACTS or
<dir of STEPPE>/test-artefacts/report/)
"""
import html.parser
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml

if len(sys.argv) != 3:
    sys.exit(__doc__)
STEPPE, REPO = map(os.path.abspath, sys.argv[1:3])
REPORT = os.path.join(REPO, "scripts", "report.py")
PYTHON = "/usr/bin/python3"
ARTEFACTS = os.environ.get("STEPPE_ARTEFACTS") or os.path.join(
    os.path.dirname(STEPPE), "test-artefacts", "report")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

PLANTED = """study: {name: report planted, start: 2024-01-15T00:00:00Z, duration: 3 h,
        output_interval: 10 min}
gas:
  fluid: {specific_gravity: 0.6, temperature: 288.15 K}
  nodes:
    - {name: West, latitude: 43.0, longitude: 70.0, initial_pressure: 70 bar}
    - {name: Mid, latitude: 43.5, longitude: 72.5, initial_pressure: 50 bar, max_pressure: 40 bar}
    - {name: East, latitude: 44.2, longitude: 76.0, initial_pressure: 66 bar}
    - {name: North, latitude: 45.9, longitude: 74.1, initial_pressure: 66 bar}
  pipes:
    - {name: W-M, from: West, to: Mid, length: 200 km, diameter: 1 m}
    - {name: M-E, from: Mid, to: East, length: 250 km, diameter: 1 m}
    - {name: M-N, from: Mid, to: North, length: 150 km, diameter: 0.7 m}
  supplies:
    - {name: Source, node: West, pressure: 70 bar}
  offtakes:
    - {name: City, node: East, mass_flow: 200 kg/s}
    - {name: Town, node: North, mass_flow: 50 kg/s}
"""
# Mid passes 250 kg/s through 200 km of DN1000 from the 70 bar supply: p_W² − p_M² =
# λ L ṁ² R T / (A² D) with λ ≈ 0.01, R T ≈ 1.38e5 J/kg gives p_M ≈ 46 bar — above the
# 40 bar MAOP planted at Mid for the whole run.

SWEEP = """study: {name: report sweep, start: 2024-01-15T00:00:00Z, duration: 12 h,
        output_interval: 10 min}
solver: {rtol: 1e-7, atol: 1e-7}
gas:
  fluid: {specific_gravity: 0.6, temperature: 288 K, law: ideal}
  nodes:
    - {name: Inlet, initial_pressure: 60 bar}
    - {name: City, initial_pressure: 55 bar, min_pressure: 30 bar}
  pipes:
    - {name: Line, from: Inlet, to: City, length: 100 km, diameter: 0.5 m, lambda: 0.01,
       max_segment_length: 5 km}
  supplies:
    - {name: Source, node: Inlet, pressure: 60 bar}
  offtakes:
    - {name: Demand, node: City,
       mass_flow: {times: [0, 6 h, 9 h], values: [30 kg/s, 30 kg/s, 45 kg/s]}}
sweep:
  scenarios:
    - name: base
    - name: overload
      set: {gas.offtakes.Demand.mass_flow.values: [30 kg/s, 30 kg/s, 150 kg/s]}
  grid:
    gas.supplies.Source.pressure: [55 bar, 60 bar]
"""
# The overload drains the line to zero pressure (the scenario fails): City passes its
# 30 bar minimum on the way, a violation in /constraints of both overload scenarios.

BATCH = """study: {name: report batch, start: 2024-01-15T00:00:00Z, duration: 6 h,
        output_interval: 10 min}
solver: {rtol: 1e-8, atol: 1e-8}
oil:
  initial_flow: 200 kg/s
  initial_pressure: 20 bar
  fluids:
    - {name: Russian transit, density: 850 kg/m3, viscosity: 12 cSt}
    - {name: Kumkol blend, density: 820 kg/m3, viscosity: 6 cSt}
  pipes:
    - {name: P1, length: 10 km, outer_diameter: 508 mm, wall_thickness: 8 mm,
       roughness: 0.05 mm, max_segment_length: 250 m}
    - {name: P2, length: 10 km, outer_diameter: 508 mm, wall_thickness: 8 mm,
       roughness: 0.05 mm, max_segment_length: 250 m, upstream: P1}
  injections:
    - {name: Receipt, pipe: P1, at: 0, mass_flow: 200 kg/s}
  terminals:
    - {name: Delivery, pipe: P2, end: outlet, pressure: 5 bar}
  batches:
    - {name: K1, pipe: P1, grade: Kumkol blend, start: 1 h, end: 3 h}
"""
# Plug flow: Q = 200 kg/s / 850 kg/m³ (mass flows count the line's own crude), A = π/4
# (0.492 m)²: the Kumkol batch's tail, which entered at 3 h, is at Q (6 h − 3 h)/A ≈ 13.4 km
# at the end; its front (1 h) left the 20 km line at 1 h + A·20 km/Q ≈ 5.5 h.

RUN_SECTIONS = ["run", "constraints", "summaries", "map", "heatmaps", "power", "machines",
                "events"]
ENSEMBLE_SECTIONS = ["run", "constraints", "fans"]


class Doc(html.parser.HTMLParser):
    """Sections (id → has a figure/svg/table), tables (id → rows of cell text), SVG node
    marks (attribute dicts), every src/href."""

    def __init__(self, text):
        super().__init__()
        self.sections, self.tables, self.marks, self.refs = {}, {}, [], []
        self._section = None
        self._table = None
        self._row = None
        self._cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a:
                self.refs.append(a[k])
        if tag == "section":
            self._section = a.get("id")
            self.sections[self._section] = set()
        elif self._section and tag in ("img", "svg", "table"):
            self.sections[self._section].add(tag)
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
        if "node" in (a.get("class") or "").split():
            self.marks.append(a)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row and not all(c == "" for c in self._row):
                self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{' '.join(cmd)}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def report(src, out, *extra):
    r = run([PYTHON, REPORT, src, "-o", out, *extra])
    assert r.stdout.strip() == out, r.stdout
    with open(out, encoding="utf-8") as f:
        return f.read()


def chromium(page, name):
    """Screenshot the page into the artefacts, dump its DOM; → (console lines, DOM)."""
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr", "--v=0", f"--user-data-dir={os.path.dirname(page)}/chr"]
    url = "file://" + page
    shot = os.path.join(ARTEFACTS, name + ".png")
    r1 = subprocess.run(base + ["--window-size=1280,6000", f"--screenshot={shot}", url],
                        capture_output=True, text=True, timeout=120)
    r2 = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    console = [ln for ln in (r1.stderr + r2.stderr).splitlines() if "CONSOLE" in ln]
    assert os.path.getsize(shot) > 10000, f"{shot}: no screenshot\n{r1.stderr[-2000:]}"
    with open(shot, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", shot
    return console, r2.stdout


def check_page(text, name, tmp, sections):
    """Self-contained, every section present with content, clean in Chromium."""
    doc = Doc(text)
    for ref in doc.refs:
        assert ref.startswith(("data:", "#")), f"{name}: refers outside the page: {ref[:80]}"
    assert not re.search(r"<(script|link|iframe)\b", text), f"{name}: script or link element"
    missing = [s for s in sections if s not in doc.sections]
    assert not missing, f"{name}: sections missing: {missing}"
    path = os.path.join(tmp, name + ".html")
    console, dom = chromium(path, name)
    assert not console, f"{name}: console messages in Chromium:\n" + "\n".join(console)
    rendered = Doc(dom)
    for s in sections:
        assert s in rendered.sections, f"{name}: section {s} not in the rendered page"
        assert rendered.sections[s], f"{name}: section {s} has no figure, map or table"
    print(f"{name}: {len(text) / 1e6:.2f} MB, sections {', '.join(sections)} rendered; "
          f"no console messages; screenshot {os.path.join(ARTEFACTS, name + '.png')}")
    return doc


def constraints_h5(path):
    """/constraints of a results file read with h5py: [(group, element, quantity, bound,
    limit_value, worst_value, duration)]."""
    with h5py.File(path, "r") as f:
        if "constraints" not in f:
            return []
        g = f["constraints"]
        n = g["element"].shape[0]
        text = {k: [x.decode() if isinstance(x, bytes) else str(x) for x in g[k][...]]
                for k in ("group", "element", "quantity", "bound", "units")}
        return [(text["group"][i], text["element"][i], text["quantity"][i], text["bound"][i],
                 text["units"][i], float(g["limit_value"][i]), float(g["worst_value"][i]),
                 float(g["duration"][i])) for i in range(n)]


DISPLAY = {"Pa": (1e-5, "bar"), "W": (1e-6, "MW"), "Hz": (1.0, "Hz"), "kg": (1e-3, "t"),
           "kg s-1": (1.0, "kg/s"), "1": (1.0, "")}


def check_constraints(rows, table, scenario=None):
    """Every /constraints row is a table row: its element, quantity, bound, limit and worst
    value (in the display unit, 4 significant digits)."""
    for g, el, q, bound, units, lim, worst, dur in rows:
        k, unit = DISPLAY[units]
        want_lim = f"{lim * k:.4g} {unit}".strip()
        want_worst = f"{worst * k:.4g} {unit}".strip()
        found = [r for r in table if (scenario is None or r[0] == scenario)
                 and g in r and el in r and q in r and want_lim in r and want_worst in r
                 and any(c.startswith(bound) for c in r)]
        assert len(found) == 1, (f"/constraints row {g} {el} {q} {bound} limit {want_lim} "
                                 f"worst {want_worst} found {len(found)} times in the table")
    assert len(table) == len(rows), f"table has {len(table)} rows, /constraints {len(rows)}"


def strings(ds):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in ds[...]]


def check_nadir(table, h5):
    """Each nadir row of the trip against /power/zones read with h5py: the lowest
    frequency_lowest (the solver's own extremes) whose time is after the trip, in the
    samples of the 30 min after it; that is below the lowest sample, which the table shows
    beside it; RoCoF the steepest rocof_lowest/_highest after the trip."""
    header, rows = table[0], [r for r in table[1:] if "Syrdarya TPP" in r]
    assert rows, table
    col = {h: i for i, h in enumerate(header)}
    with h5py.File(h5, "r") as f:
        z = f["power/zones"]
        zones = strings(z["zone"])
        t = f["time"][...]
        ev_t = f["events/time"][...]
        ev_el = strings(f["events/element"])
        te = float(ev_t[ev_el.index("Syrdarya TPP")])
        win = np.nonzero((t > te) & (t <= te + max(1800.0, 3 * np.median(np.diff(t)))))[0]
        f0 = z["nominal_frequency"][...]
        for r in rows:
            i = zones.index(r[col["zone"]])
            lo, lo_t = z["frequency_lowest"][win, i], z["frequency_lowest_time"][win, i]
            nadir = (np.min(lo[lo_t >= te]) - f0[i]) * 1e3
            sampled = (np.min(z["frequency"][win, i]) - f0[i]) * 1e3
            got = float(r[col["nadir Δf (mHz)"]])
            got_sampled = float(r[col["lowest sample Δf (mHz)"]])
            assert abs(got - nadir) <= 1e-5 * abs(nadir), (got, nadir)
            assert abs(got_sampled - sampled) <= 1e-5 * abs(sampled), (got_sampled, sampled)
            assert got < got_sampled, (got, got_sampled)
            rocofs = [v for q in ("rocof_lowest", "rocof_highest")
                      for v, tt in zip(z[q][win, i], z[q + "_time"][win, i]) if tt >= te]
            steepest = max(rocofs, key=abs) * 1e3
            got_rocof = float(r[col["RoCoF (mHz/s)"]])
            assert abs(got_rocof - steepest) <= 1e-5 * abs(steepest), (got_rocof, steepest)
            print(f"nadir after the Syrdarya TPP trip in {zones[i]}: {got:.4g} mHz (h5 "
                  f"{nadir:.4g}), lowest 10-min sample {got_sampled:.4g} mHz; RoCoF "
                  f"{got_rocof:.4g} mHz/s (h5 {steepest:.4g})")


def check_compressor_power(doc, text, h5, name):
    """The power table row of `name` against /gas/compressors; the map caption names the
    power limit."""
    header, rows = doc.tables["compressor-power-table"][0], doc.tables["compressor-power-table"][1:]
    col = {h: i for i, h in enumerate(header)}
    with h5py.File(h5, "r") as f:
        c = f["gas/compressors"]
        i = strings(c["compressor"]).index(name)
        pmax = float(c["power_max"][i])
        peak = float(np.max(c["shaft_power"][:, i]))
        held = int(np.sum(c["active_limit"][:, i] == 2))
    row = next(r for r in rows if r[0] == name)
    assert row[col["power_max (MW)"]] == f"{pmax / 1e6:.4g}", (row, pmax)
    assert row[col["highest shaft power (MW)"]] == f"{peak / 1e6:.4g}", (row, peak)
    assert row[col["of power_max (%)"]] == f"{100 * peak / pmax:.4g}", row
    assert int(row[col["samples at power_max"]]) == held, (row, held)
    assert "power_max (dash-dot" in text
    print(f"compressor {name}: power_max {pmax / 1e6:.4g} MW, peak {peak / 1e6:.4g} MW "
          f"({100 * peak / pmax:.3g} %), {held} samples at the limit — in the table")


def check_tie_episodes(rows, h5):
    """The tie overload table against /events: per tie and direction one row per "exceeds"
    event; and /events itself without chatter: per tie and direction the overloads alternate
    with their ends ("back below … for <overload_reset>"; a trip ends the last)."""
    with h5py.File(h5, "r") as f:
        kind, ek = strings(f["events/kind"]), strings(f["events/element_kind"])
        el, msg = strings(f["events/element"]), strings(f["events/message"])
    seq = {}
    for k, e, n, m in zip(kind, ek, el, msg):
        if k == "limit" and e == "power tie":
            d = "forward" if "forward" in m else "reverse"
            seq.setdefault((n, d), []).append("exceeds" if "exceeds the" in m else "back below")
    for key, s in seq.items():
        assert s[0::2] == ["exceeds"] * len(s[0::2]), (key, s)
        assert s[1::2] == ["back below"] * len(s[1::2]), (key, s)
    starts = {key: s.count("exceeds") for key, s in seq.items()}
    got = {}
    for r in rows:
        got[(r[0], r[1])] = got.get((r[0], r[1]), 0) + 1
    assert got == starts, (got, starts)
    print(f"tie overloads: {sum(starts.values())} episodes, one row each")


def check_batch(doc, text, h5):
    """The grade heat map is drawn; the batch table's linefill per grade is /oil/pipes'
    linefill_volume_<grade> summed at the end, the Kumkol tail where plug flow puts it."""
    assert 'id="heat-oil-grade"' in text, "no grade heat map"
    rows = {r[0]: r for r in doc.tables["batch-table"][1:]}
    with h5py.File(h5, "r") as f:
        p = f["oil/pipes"]
        for g, slug in (("Russian transit", "russian_transit"), ("Kumkol blend", "kumkol_blend")):
            v = float(np.nansum(p["linefill_volume_" + slug][-1, :]))
            assert rows[g][1] == f"{v:.6g}", (rows[g], v)
        pos = float(np.nanmax(p["interface_position_kumkol_blend"][-1, :]))
    area = math.pi / 4 * 0.492 ** 2
    plug = 200 / 850 * 3 * 3600 / area / 1e3
    tail = float(rows["Kumkol blend"][2])
    assert abs(tail - pos / 1e3) < 1e-3 and abs(tail - plug) < 0.02 * plug, (tail, pos, plug)
    print(f"batch: Kumkol tail at {tail:.4g} km (plug flow {plug:.4g} km); linefill per grade "
          "as in /oil/pipes; grade heat map drawn")


def projection_check(marks, study_nodes):
    """The marks of these nodes are an equirectangular map of the study's coordinates."""
    by = {m["data-element"]: m for m in marks if m.get("data-group") == "gas/nodes"}
    assert sorted(by) == sorted(study_nodes), (sorted(by), sorted(study_nodes))
    lat = np.array([study_nodes[n][0] for n in by])
    lon = np.array([study_nodes[n][1] for n in by])
    for n, m in by.items():
        assert float(m["data-lat"]) == study_nodes[n][0], (n, m["data-lat"])
        assert float(m["data-lon"]) == study_nodes[n][1], (n, m["data-lon"])
    px = np.array([float(m["data-x"]) for m in by.values()])
    py = np.array([float(m["data-y"]) for m in by.values()])
    ax, bx = np.polyfit(lon, px, 1)
    ay, by_ = np.polyfit(lat, py, 1)
    rx = np.max(np.abs(np.polyval([ax, bx], lon) - px))
    ry = np.max(np.abs(np.polyval([ay, by_], lat) - py))
    ratio = ax / -ay
    want = math.cos(math.radians(lat.mean()))
    print(f"map: {len(by)} gas nodes; x = {ax:.3f}·lon + c (residual {rx:.1e} px), "
          f"y = {ay:.3f}·lat + c (residual {ry:.1e} px); scale ratio {ratio:.6f}, "
          f"cos(mean latitude) {want:.6f}")
    assert ax > 0 and ay < 0, "east must be right, north up"
    assert rx < 0.01 and ry < 0.01, (rx, ry)
    assert abs(ratio - want) < 1e-4, (ratio, want)


def main():
    assert CHROMIUM, "chromium is not installed (scripts/setup.sh installs it)"
    os.makedirs(ARTEFACTS, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="steppe_report_")
    try:
        # The console check catches a page with a script error.
        bad = os.path.join(tmp, "bad.html")
        with open(bad, "w") as f:
            f.write("<html><body><p>x</p><script>notDefined();</script></body></html>")
        console, _ = chromium(bad, "console_control")
        assert any("notDefined" in c for c in console), console
        os.remove(os.path.join(ARTEFACTS, "console_control.png"))

        # Planted study: coordinates and a MAOP violation.
        study = os.path.join(tmp, "planted.yaml")
        with open(study, "w") as f:
            f.write(PLANTED)
        h5 = os.path.join(tmp, "planted.h5")
        run([STEPPE, "run", study, "-o", h5, "--quiet"])
        text = report(h5, os.path.join(tmp, "planted.html"))
        doc = Doc(text)
        nodes = {n["name"]: (n["latitude"], n["longitude"])
                 for n in yaml.safe_load(PLANTED)["gas"]["nodes"]}
        projection_check(doc.marks, nodes)
        rows = constraints_h5(h5)
        assert [(r[1], r[2], r[3]) for r in rows] == [("Mid", "pressure", "upper")], rows
        assert 40e5 < rows[0][6] < 55e5 and rows[0][7] == 3 * 3600, rows
        check_constraints(rows, doc.tables["constraints-table"][1:])
        print(f"planted violation: Mid pressure above 40 bar, worst {rows[0][6] / 1e5:.4g} "
              f"bar for {rows[0][7] / 3600:.3g} h — in the table")

        # Batch tracking: the grade heat map and the linefill per grade.
        study = os.path.join(tmp, "batch.yaml")
        with open(study, "w") as f:
            f.write(BATCH)
        h5 = os.path.join(tmp, "batch.h5")
        run([STEPPE, "run", study, "-o", h5, "--quiet"])
        text = report(h5, os.path.join(tmp, "batch.html"))
        check_batch(Doc(text), text, h5)

        # The corridor, 6 h, with a generator trip; CS AB1 given a shaft-power limit above
        # its duty (drawn on its map, listed against its peak).
        h5 = os.path.join(tmp, "corridor.h5")
        corridor = os.path.join(REPO, "inputs", "kazakhstan_china.yaml")
        overrides = ["study.duration=6 h", "power.generators.Syrdarya TPP.trip_at=3 h",
                     "gas.compressors.CS AB1.power_max=60 MW"]
        run([STEPPE, "run", corridor, "-o", h5, "--quiet"]
            + [a for o in overrides for a in ("--set", o)])
        text = report(h5, os.path.join(tmp, "corridor.html"))
        doc = check_page(text, "corridor", tmp, RUN_SECTIONS)
        rows = constraints_h5(h5)
        check_constraints(rows, doc.tables["constraints-table"][1:])
        print(f"corridor: {len(rows)} violated limits, all in the table")
        with open(corridor) as f:
            y = yaml.safe_load(f)
        want = {"gas/nodes": len(y["gas"]["nodes"]), "oil/stations": len(y["oil"]["stations"]),
                "oil/terminals": len(y["oil"]["terminals"]),
                "power/zones": len(y["power"]["zones"])}
        got = {g: sum(1 for m in doc.marks if m.get("data-group") == g) for g in want}
        assert got == want, (got, want)
        assert all("data-lat" in m for m in doc.marks), "a corridor mark is not geographic"
        print(f"corridor map: marks per group {got} = the study's elements, all geographic")
        run_rows = dict((r[0], r[1]) for r in doc.tables["run-table"] if len(r) == 2)
        assert run_rows.get("overrides (--set)") == "; ".join(overrides), run_rows
        print(f"corridor run table: overrides {run_rows['overrides (--set)']!r}")
        check_nadir(doc.tables["rocof-table"], h5)
        check_compressor_power(doc, text, h5, "CS AB1")
        with h5py.File(h5, "r") as f:
            ek = [x.decode() for x in f["events/element_kind"][...]]
            kind = [x.decode() for x in f["events/kind"][...]]
            msg = [x.decode() for x in f["events/message"][...]]
        # routine: schedule changes (e.g. the dispatch short of load after the trip) and the
        # generators' dispatch modes and limits, unless they trip
        routine = sum(1 for a, b, m in zip(kind, ek, msg) if a == "schedule" or (
            a in ("mode", "limit") and b == "power generator" and "trip" not in m))
        tie = [(m, b) for a, b, m in zip(kind, ek, msg) if a == "limit" and b == "power tie"]
        listed = doc.tables["events-table"][1:]
        counted = sum(int(r[-1]) for r in doc.tables.get("routine-table", [])[1:])
        assert counted == routine, (counted, routine)
        assert len(listed) == len(kind) - routine - len(tie), (len(listed), len(kind), routine)
        assert any(r[2] == "Syrdarya TPP" and "tripped" in r[5] for r in listed), listed
        check_tie_episodes(doc.tables["tie-episodes-table"][1:], h5)
        print(f"corridor events: {len(kind)}: {len(listed)} listed (the trip among them), "
              f"{len(tie)} tie overload starts/ends as episodes, {routine} routine dispatch "
              "changes counted")

        # An ensemble.
        sweep = os.path.join(tmp, "sweep.yaml")
        with open(sweep, "w") as f:
            f.write(SWEEP)
        d = os.path.join(tmp, "sweep")
        subprocess.run([STEPPE, "sweep", sweep, "-o", d, "--quiet"], capture_output=True)
        text = report(d, os.path.join(tmp, "ensemble.html"))
        doc = check_page(text, "ensemble", tmp, ENSEMBLE_SECTIONS)
        table = doc.tables["constraints-table"][1:]
        total = 0
        with h5py.File(os.path.join(d, "ensemble.h5"), "r") as f:
            names = [x.decode() if isinstance(x, bytes) else x for x in f["scenarios/name"][...]]
            files = [x.decode() if isinstance(x, bytes) else x for x in f["scenarios/file"][...]]
        for n, fn in zip(names, files):
            rows = constraints_h5(os.path.join(d, fn))
            mine = [r for r in table if r[0] == n]
            check_constraints(rows, mine, scenario=n)
            total += len(rows)
        assert total == len(table) and total >= 2, (total, len(table))
        assert any(s.startswith("fan-") for s in
                   [i for i in re.findall(r'<figure id="([^"]+)"', text)]), "no fan chart"
        print(f"ensemble: {len(names)} scenarios, {total} violations, all in the table; "
              "fan charts drawn")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("test_report: ok")


if __name__ == "__main__":
    main()
