#!/usr/bin/python3
"""Files that cannot be lost or mixed up. Each case asserts the exit code, the message,
that every file there before is byte for byte unchanged, and that nothing was left.

Destinations: -o onto a directory, /dev/null, a FIFO, a symbolic link (all with --force),
onto the study file, under a regular file; --checkpoint onto the results file; the .part
of an unfinished run without --force (refused) and with it (replaced).
Restarts: a results file of another run or another study beside the checkpoint; a final
file of another run beside the checkpoint's .part (the data loss of the old rename); a
cut results file.
Checkpoints: a value of IDA's history changed, the study text edited, next_output edited,
a dataset removed, a byte of the stored data flipped on disk, the file truncated, another
format version: each exit 2, nothing written.
Start: SIGKILL at 0–80 ms after start never leaves a .part that cannot be opened.

usage: test_file_safety.py STEPPE REPO_ROOT
"""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

if len(sys.argv) != 3:
    sys.exit(__doc__)
STEPPE = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
DEMO = os.path.join(ROOT, "inputs", "demo_tank.yaml")
CORRIDOR = os.path.join(ROOT, "inputs", "kazakhstan_china.yaml")
SHORT = ["--set", "study.duration=12 h", "--set", "study.output_interval=10 min",
         "--set", "study.flush_every=4"]


def steppe(*args, cwd=None):
    return subprocess.run([STEPPE, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def snapshot(directory):
    """Name → (kind, sha256) of everything in `directory` (recursively)."""
    out = {}
    for base, dirs, files in os.walk(directory):
        for d in dirs:
            out[os.path.relpath(os.path.join(base, d), directory)] = ("dir", None)
        for f in files:
            p = os.path.join(base, f)
            if os.path.islink(p) or not os.path.isfile(p):
                out[os.path.relpath(p, directory)] = ("special", os.readlink(p)
                                                      if os.path.islink(p) else None)
            else:
                with open(p, "rb") as fh:
                    out[os.path.relpath(p, directory)] = ("file", hashlib.sha256(fh.read()).hexdigest())
    return out


def refused(tmp, args, message, label):
    """Runs steppe; exit 2 with `message` in stderr, and `tmp` exactly as before."""
    before = snapshot(tmp)
    r = steppe(*args)
    after = snapshot(tmp)
    assert r.returncode == 2, f"{label}: exit {r.returncode}\n{r.stderr}"
    assert message in r.stderr, f"{label}: {message!r} not in\n{r.stderr}"
    assert len(r.stderr.splitlines()) <= 3, f"{label}: one error expected\n{r.stderr}"
    # A lock file left by a killed run may be taken over and removed; nothing else changes.
    locks = lambda snap: {k for k in snap if k.endswith(".lock")}
    assert locks(after) <= locks(before), f"{label}: a lock file was left"
    strip = lambda snap: {k: v for k, v in snap.items() if not k.endswith(".lock")}
    assert strip(before) == strip(after), f"{label}: files changed: " \
        f"{sorted(set(strip(before).items()) ^ set(strip(after).items()))}"
    print(f"ok  {label}: {r.stderr.splitlines()[0][:140]}")


def sigterm_run(out, *extra, study=CORRIDOR, sets=SHORT, at_rows=20):
    """A run stopped by SIGTERM once `at_rows` samples are on disk: final file (status
    interrupted) and checkpoint."""
    p = subprocess.Popen([STEPPE, "run", study, *sets, "-o", out, "-q", "--force", *extra],
                         stderr=subprocess.PIPE, text=True)
    while True:
        try:
            with h5py.File(out + ".part", "r", swmr=True) as f:
                if f["time"].shape[0] >= at_rows:
                    break
        except (OSError, KeyError):
            pass
        assert p.poll() is None, p.stderr.read()
        time.sleep(0.005)
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=120) == 143, p.stderr.read()
    assert os.path.isfile(out + ".ckpt")


with tempfile.TemporaryDirectory(prefix="steppe_files_") as tmp:
    # --- Destinations ----------------------------------------------------------------
    d = os.path.join(tmp, "adir")
    os.mkdir(d)
    refused(tmp, ["run", DEMO, "-o", d, "--force", "-q"], "is a directory",
            "-o onto a directory with --force")
    fifo = os.path.join(tmp, "fifo.h5")
    os.mkfifo(fifo)
    t0 = time.monotonic()
    refused(tmp, ["run", DEMO, "-o", fifo, "--force", "-q"], "is a FIFO", "-o onto a FIFO")
    assert time.monotonic() - t0 < 5
    os.remove(fifo)
    r = steppe("run", DEMO, "-o", "/dev/null", "--force", "-q")
    assert r.returncode == 2 and "is a character device" in r.stderr, r.stderr
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    print("ok  -o /dev/null --force: refused, the device stays")
    target = os.path.join(tmp, "target.h5")
    shutil.copy(DEMO, target)
    os.symlink(target, os.path.join(tmp, "link.h5"))
    refused(tmp, ["run", DEMO, "-o", os.path.join(tmp, "link.h5"), "--force", "-q"],
            "is a symbolic link", "-o onto a symbolic link")
    study = os.path.join(tmp, "study.yaml")
    shutil.copy(DEMO, study)
    refused(tmp, ["run", study, "-o", study, "--force", "-q"], "is the study file itself",
            "-o onto the study file")
    refused(tmp, ["run", DEMO, "-o", os.path.join(target, "x.h5"), "-q"], "is not a directory",
            "-o under a regular file")
    out = os.path.join(tmp, "r.h5")
    refused(tmp, ["run", DEMO, "-o", out, "--checkpoint", out, "-q"],
            "must be different files", "--checkpoint onto the results file")
    for f in ("link.h5", "target.h5", "study.yaml"):
        os.remove(os.path.join(tmp, f))
    os.rmdir(d)

    # --- An unfinished run's .part: refused without --force, replaced with it ----------
    out = os.path.join(tmp, "kill.h5")
    p = subprocess.Popen([STEPPE, "run", CORRIDOR, *SHORT, "-o", out, "-q"],
                         stderr=subprocess.DEVNULL)
    while not os.path.exists(out + ".part"):
        assert p.poll() is None
        time.sleep(0.002)
    time.sleep(0.1)
    p.kill()
    p.wait()
    refused(tmp, ["run", CORRIDOR, *SHORT, "-o", out, "-q"], "did not finish",
            "a killed run's .part without --force")
    r = steppe("run", CORRIDOR, *SHORT, "-o", out, "-q", "--force")
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp)) == ["kill.h5"], os.listdir(tmp)
    print("ok  --force replaces the .part; nothing left beside the results")
    os.remove(out)

    # --- Restarts that do not belong together ------------------------------------------
    out = os.path.join(tmp, "s.h5")
    sigterm_run(out)
    other = os.path.join(tmp, "other.h5")
    assert steppe("run", DEMO, "-o", other, "-q").returncode == 0
    keep = os.path.join(tmp, "keep.h5")
    os.replace(out, keep)
    shutil.copy(other, out)  # another study's complete file where the checkpoint's was
    refused(tmp, ["run", "--restart", out + ".ckpt", "-q"], "written by another run",
            "restart beside another study's results")
    assert steppe("run", CORRIDOR, *SHORT, "-o", other, "-q", "--force").returncode == 0
    shutil.copy(other, out)  # the same study, another run
    refused(tmp, ["run", "--restart", out + ".ckpt", "-q"], "written by another run",
            "restart beside another run of the same study")
    with h5py.File(keep, "r") as f:
        rows = f["time"].shape[0]
    shutil.copy(keep, out)
    with h5py.File(out, "a") as f:  # cut below the checkpoint's rows
        f["time"].resize((rows // 4,))
    refused(tmp, ["run", "--restart", out + ".ckpt", "-q"], "was cut or replaced since",
            "restart of a cut results file")
    os.replace(keep, out)
    r = steppe("run", "--restart", out + ".ckpt", "-q")
    assert r.returncode == 0, r.stderr
    assert sorted(f for f in os.listdir(tmp) if f.startswith("s.h5")) == ["s.h5"]
    print("ok  the matching results file continues and completes")
    os.remove(other)

    # The old data loss: a complete file of another run beside the killed run's .part.
    out = os.path.join(tmp, "loss.h5")
    assert steppe("run", DEMO, "-o", out, "-q").returncode == 0
    earlier = snapshot(tmp)["loss.h5"]
    p = subprocess.Popen([STEPPE, "run", CORRIDOR, *SHORT, "-o", out, "-q", "--force",
                          "--checkpoint-every", "1 h"], stderr=subprocess.DEVNULL)
    while not os.path.exists(out + ".ckpt"):
        assert p.poll() is None
        time.sleep(0.002)
    p.kill()
    p.wait()
    assert snapshot(tmp)["loss.h5"] == earlier, "the earlier file changed before the restart"
    r = steppe("run", "--restart", out + ".ckpt", "-q")
    assert r.returncode == 0, r.stderr
    ref = os.path.join(tmp, "ref.h5")
    assert steppe("run", CORRIDOR, *SHORT, "-o", ref, "-q").returncode == 0
    with h5py.File(out, "r") as a, h5py.File(ref, "r") as b:
        assert a.attrs["status"] == "complete"
        assert a["time"][...].tobytes() == b["time"][...].tobytes()
        assert a["oil/pipes/inlet_pressure"][...].tobytes() == \
            b["oil/pipes/inlet_pressure"][...].tobytes()
    assert sorted(f for f in os.listdir(tmp) if f.startswith("loss.h5")) == ["loss.h5"]
    print("ok  killed --force run beside an earlier complete file: the restart continues the "
          ".part (not the earlier file) and ends equal to an uninterrupted run")
    os.remove(out)

    # --- Checkpoints that were damaged or edited ----------------------------------------
    out = os.path.join(tmp, "c.h5")
    sigterm_run(out)
    ckpt = out + ".ckpt"
    pristine = os.path.join(tmp, "pristine.ckpt.bak")
    shutil.copy(ckpt, pristine)

    def edited(label, edit, message):
        shutil.copy(pristine, ckpt)
        edit()
        refused(tmp, ["run", "--restart", ckpt, "-q"], message, f"checkpoint: {label}")

    def set_value():
        with h5py.File(ckpt, "a") as f:
            v = f["state/ida.phi1"][...]
            i = int(np.argmax(np.abs(v)))  # a value that changes when scaled (not a zero)
            v[i] = v[i] * 1.0000001 if v[i] != 0 else 1.0
            f["state/ida.phi1"][...] = v

    def set_attr(name, value):
        def go():
            with h5py.File(ckpt, "a") as f:
                f.attrs[name] = value
        return go

    def drop():
        with h5py.File(ckpt, "a") as f:
            del f["state/ida.ee"]

    def flip_on_disk():
        with h5py.File(ckpt, "r") as f:
            offset = f["state/y"].id.get_offset()
        with open(ckpt, "r+b") as fh:
            fh.seek(offset + 100)
            b = fh.read(1)
            fh.seek(offset + 100)
            fh.write(bytes([b[0] ^ 0x10]))

    def truncate():
        with open(ckpt, "r+b") as fh:
            fh.truncate(os.path.getsize(ckpt) // 2)

    with h5py.File(pristine, "r") as f:
        text = f.attrs["study"]
        nxt = int(f.attrs["next_output"])
    edited("one value of IDA's history changed", set_value, "/state/ida.phi1 does not match its checksum")
    edited("study text edited", set_attr("study", text.replace("rtol: 1e-6", "rtol: 1e-5")),
           "study text does not match its checksum")
    # An edit the counts still allow is caught by the seal; one they do not, by the counts.
    edited("next_output edited (plausible)", set_attr("next_output", np.int64(nxt + 2)),
           "do not match its checksum")
    edited("next_output edited (below the samples)", set_attr("next_output", np.int64(nxt - 3)),
           "do not fit together")
    edited("a dataset removed", drop, "do not match its checksum")
    edited("a bit flipped on disk in /state/y", flip_on_disk, "/state/y does not match its checksum")
    edited("cut in half", truncate, "checkpoint")
    edited("another format version", set_attr("format_version", "1.0"), "written in format 1.0")
    shutil.copy(pristine, ckpt)
    os.remove(pristine)
    assert steppe("run", "--restart", ckpt, "-q").returncode == 0
    os.remove(out)

    # --- SIGKILL right after start: a .part that opens, or none -----------------------
    out = os.path.join(tmp, "early.h5")
    for ms in (0, 5, 10, 20, 40, 80, 160):
        p = subprocess.Popen([STEPPE, "run", CORRIDOR, *SHORT, "-o", out, "-q", "--force"],
                             stderr=subprocess.DEVNULL)
        time.sleep(ms / 1000)
        p.kill()
        p.wait()
        if os.path.exists(out + ".part"):
            assert os.path.getsize(out + ".part") > 0, f"{ms} ms: a 0-byte .part"
            with h5py.File(out + ".part", "r", swmr=True) as f:
                assert f.attrs["file_type"] == "steppe-results"
        r = steppe("run", CORRIDOR, *SHORT, "-o", out, "-q", "--force")
        assert r.returncode == 0, r.stderr
        assert sorted(f for f in os.listdir(tmp) if f.startswith("early.h5")) == ["early.h5"], \
            os.listdir(tmp)
        os.remove(out)
    print("ok  SIGKILL 0–160 ms after start: no .part that cannot be opened; the next run "
          "cleans up and completes")
print("ok")
