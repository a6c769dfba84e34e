#!/usr/bin/python3
"""End-to-end: hostile inputs that the bad-study corpus cannot hold as files of its own.

- profile CSVs naming /dev/zero, /dev/urandom or a FIFO: exit 2 at once (well under 5 s),
  one error at the csv key, nothing written;
- a CSV with a UTF-8 BOM (as spreadsheets write it) is read: the run is bitwise equal to
  the run without the BOM;
- control characters in a study or CSV, a 10 MB CSV cell, a 1 MB unit: escaped and cut in
  what is echoed (no raw ESC or BEL reaches the terminal, stderr stays under 4 kB);
- `steppe check` of a 1e300 s duration: exit 2 with the limit, no negative sample count;
- `steppe info` of a crafted file whose /time has 10^12 samples: answered from its first
  and last value, no bad_alloc, under 5 s;
- `--set` of a whole list item, by name and by index, and the same in a sweep scenario:
  the run equals the edited study bitwise and differs from the base case;
- `steppe import gaslib` with a gas temperature below 0 K or a pipe of 1e300 km: exit 2
  at the element's line, nothing written.

usage: test_hostile_inputs.py STEPPE REPO_ROOT
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

import h5py

if len(sys.argv) != 3:
    sys.exit(__doc__)
STEPPE, REPO = map(os.path.abspath, sys.argv[1:3])
DEMO = os.path.join(REPO, "inputs", "demo_tank.yaml")
CSV_STUDY = os.path.join(REPO, "tests", "data", "bad_studies", "csv_bad_row.yaml")
# shared/data beside the repository, or beside the directory of worktrees.
GASLIB = next((d for d in (os.path.join(REPO, "..", "shared", "data", "gaslib", "GasLib-11"),
                           os.path.join(REPO, "..", "..", "shared", "data", "gaslib", "GasLib-11"))
               if os.path.isdir(d)), "")


def steppe(*args, cwd=None):
    t0 = time.monotonic()
    r = subprocess.run([STEPPE, *args], capture_output=True, timeout=60, cwd=cwd)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr, time.monotonic() - t0


def refused(tmp, args, message, label, max_err_bytes=4096):
    """exit 2 at once, `message` in stderr, one error, nothing new in `tmp`, no raw control
    characters and a bounded stderr."""
    before = set(os.listdir(tmp))
    rc, _, err, wall = steppe(*args, cwd=tmp)
    text = err.decode("utf-8", "replace")
    assert rc == 2, f"{label}: exit {rc}\n{text[:2000]}"
    assert message in text, f"{label}: {message!r} not in\n{text[:2000]}"
    assert text.count(": error: ") == 1, f"{label}: not one error\n{text[:2000]}"
    assert len(err) <= max_err_bytes, f"{label}: {len(err)} bytes of stderr"
    raw = [c for c in err if c < 0x20 and c not in (0x0a, 0x09)]
    assert not raw, f"{label}: raw control characters {sorted(set(raw))} in stderr"
    assert set(os.listdir(tmp)) == before, f"{label}: files written: {set(os.listdir(tmp)) - before}"
    assert wall < 5, f"{label}: {wall:.1f} s"
    print(f"ok  {label} ({wall * 1000:.0f} ms, {len(err)} B): {text.splitlines()[0][:110]}")
    return text


def csv_study(tmp, name, csv):
    with open(CSV_STUDY, encoding="utf-8") as f:
        text = f.read().replace("csv: bad_rows.csv", f"csv: {csv}")
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def pressures(path):
    with h5py.File(path, "r") as f:
        return f["lumped/nodes/pressure"][...]


with tempfile.TemporaryDirectory(prefix="steppe_hostile_") as tmp:
    # --- Profile CSVs that are not regular files -----------------------------------------
    for dev in ("/dev/zero", "/dev/urandom"):
        s = csv_study(tmp, "dev.yaml", dev)
        refused(tmp, ["run", s, "-o", os.path.join(tmp, "o.h5"), "-q"],
                "is a character device, not a regular file", f"CSV {dev}")
    os.mkfifo(os.path.join(tmp, "fifo.csv"))
    s = csv_study(tmp, "fifo.yaml", "fifo.csv")
    refused(tmp, ["run", s, "-o", os.path.join(tmp, "o.h5"), "-q"],
            "is a FIFO, not a regular file", "CSV naming a FIFO (nobody writes it)")
    os.remove(os.path.join(tmp, "fifo.csv"))

    # --- A UTF-8 BOM is read --------------------------------------------------------------
    rows = "time_s, flow\n0, 1\n43200, 3\n86400, 2\n"
    for name, data in (("plain.csv", rows.encode()), ("bom.csv", b"\xef\xbb\xbf" + rows.encode())):
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(data)
    outs = []
    for name in ("plain.csv", "bom.csv"):
        s = csv_study(tmp, "s.yaml", name)
        out = os.path.join(tmp, name + ".h5")
        rc, _, err, _ = steppe("run", s, "-o", out, "-q")
        assert rc == 0, err
        outs.append(pressures(out))
    assert outs[0].tobytes() == outs[1].tobytes()
    print("ok  a CSV with a UTF-8 BOM: read, the run bitwise equal to the one without")
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))

    # --- Echoes: control characters escaped, long values cut -----------------------------
    with open(os.path.join(tmp, "ctl.csv"), "w", encoding="utf-8") as f:
        f.write("time_s, flow\n0, 1\n86400, 2\x1b[31mred\x07\n")
    s = csv_study(tmp, "ctl.yaml", "ctl.csv")
    refused(tmp, ["check", s], r"'2\x1b[31mred\x07' is not a number",
            "control characters in a CSV cell")
    with open(os.path.join(tmp, "big.csv"), "w", encoding="utf-8") as f:
        f.write("time_s, flow\n0, 1\n86400, " + "7" * 10_000_000 + "\n")
    s = csv_study(tmp, "big.yaml", "big.csv")
    refused(tmp, ["check", s], "bytes long (limit 8192)", "a 10 MB CSV cell")
    with open(DEMO, encoding="utf-8") as f:
        demo = f.read()
    assert "capacitance: 2e-2 kg/Pa" in demo
    for label, unit, message in (
            ("terminal escapes in a study value", "kg/Pa\x1b]0;owned\x07\x1b[2J",
             r"unexpected '\x1b' in unit"),
            ("a 1 MB unit", "kg/P" + "a" * 1_000_000, "unknown unit")):
        with open(os.path.join(tmp, "v.yaml"), "w", encoding="utf-8") as f:
            f.write(demo.replace("capacitance: 2e-2 kg/Pa", f"capacitance: 2e-2 {unit}"))
        refused(tmp, ["check", "v.yaml"], message, label)
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))

    # --- Counts that overflow -----------------------------------------------------------
    text = refused(tmp, ["check", DEMO, "--set", "study.duration=1e300 s"],
                   "beyond any plausible time (the magnitude must not exceed 1e+10 s)",
                   "steppe check of a 1e300 s duration")
    assert "samples" not in text and "-9" not in text, text
    crafted = os.path.join(tmp, "crafted.h5")
    with h5py.File(crafted, "w") as f:
        f.attrs["file_type"] = "steppe-results"
        t = f.create_dataset("time", shape=(10**12,), dtype="f8", chunks=(1024,))
        t[0], t[-1] = 0.0, 3600.0
    assert os.path.getsize(crafted) < 100_000
    rc, out, err, wall = steppe("info", crafted)
    assert rc == 0 and "1000000000000 samples, 0 s to 3600 s" in out, (rc, out, err)
    assert wall < 5, wall
    print(f"ok  steppe info of a 10^12-sample /time: {wall * 1000:.0f} ms, first and last value")
    os.remove(crafted)

    # --- --set of a whole list item takes effect ----------------------------------------
    item = "{name: Tank, capacitance: 4e-2 kg/Pa, max_pressure: 65 bar}"
    edited = os.path.join(tmp, "edited.yaml")
    with open(edited, "w", encoding="utf-8") as f:
        f.write(demo.replace("capacitance: 2e-2 kg/Pa", "capacitance: 4e-2 kg/Pa"))
    runs = {}
    for label, args in (("base", [DEMO]), ("edited", [edited]),
                        ("by name", [DEMO, "--set", f"lumped.nodes.Tank={item}"]),
                        ("by index", [DEMO, "--set", f"lumped.nodes.0={item}"])):
        out = os.path.join(tmp, label.replace(" ", "_") + ".h5")
        rc, _, err, _ = steppe("run", *args, "-o", out, "-q")
        assert rc == 0, err
        runs[label] = pressures(out)
    assert runs["base"].tobytes() != runs["edited"].tobytes()
    for label in ("by name", "by index"):
        assert runs[label].tobytes() == runs["edited"].tobytes(), label
    sweep = os.path.join(tmp, "sweep.yaml")
    with open(sweep, "w", encoding="utf-8") as f:
        f.write(demo + "\nsweep:\n  scenarios:\n    - name: base\n"
                f"    - name: byname\n      set: {{lumped.nodes.Tank: {item}}}\n"
                f"    - name: byindex\n      set: {{lumped.nodes.0: {item}}}\n")
    rc, _, err, _ = steppe("sweep", sweep, "-o", os.path.join(tmp, "sw"), "-q")
    assert rc == 0, err
    got = {n: pressures(os.path.join(tmp, "sw", f"{i:04d}_{n}.h5"))
           for i, n in enumerate(("base", "byname", "byindex"))}
    assert got["base"].tobytes() == runs["base"].tobytes()
    assert got["byname"].tobytes() == runs["edited"].tobytes()
    assert got["byindex"].tobytes() == runs["edited"].tobytes()
    print("ok  --set of a whole list item (by name, by index, in sweep scenarios): bitwise the "
          "edited study, not the base case")
    shutil.rmtree(os.path.join(tmp, "sw"))
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))

    # --- GasLib values no network holds ---------------------------------------------------
    net = os.path.join(GASLIB, "GasLib-11.net")
    if GASLIB and os.path.exists(net):
        with open(net, encoding="utf-8") as f:
            xml = f.read()
        for label, old, new, where, message in (
                ("a GasLib gas temperature of -300 degC", '<gasTemperature unit="Celsius" value="10"/>',
                 '<gasTemperature unit="Celsius" value="-300"/>', ":45:7:", "is below absolute zero"),
                ("a GasLib pipe of 1e300 km", '<length unit="km" value="55"/>',
                 '<length unit="km" value="1e300"/>', ":152:7:", "beyond any plausible value")):
            assert old in xml
            bad = os.path.join(tmp, "bad.net")
            with open(bad, "w", encoding="utf-8") as f:
                f.write(xml.replace(old, new, 1))
            text = refused(tmp, ["import", "gaslib", bad, os.path.join(GASLIB, "GasLib-11.scn"),
                                 "-o", os.path.join(tmp, "out.yaml")], message, label)
            assert f"{bad}{where}" in text, text
            os.remove(bad)
    else:
        print("skip GasLib cases: ../shared/data/gaslib not beside the repository")
print("ok")
