#!/usr/bin/python3
"""End-to-end checkpoint/restart on the corridor study (2 days, 10-minute output).

1. A reference run, never interrupted.
2. SIGTERM at an arbitrary point (a random number of samples on disk, seed printed):
   exit 143, results at the final name with status "interrupted", a checkpoint beside
   them; `steppe run --restart CKPT` completes the same file. Done twice, the second
   time stopping the restarted run again (two restarts in one file).
3. SIGINT: exit 130, the same continuation.
4. Periodic checkpoints (--checkpoint-every 6 h) then SIGKILL: the results file is left
   SWMR-flagged with rows past the checkpoint; the restart cuts them and goes on.
5. A 1-day output interval: SIGTERM stops the run between two samples (at the step it
   arrives in), the checkpoint carries the exact extremes gathered since the last sample,
   and the restart completes the file.
Each continued file must equal the reference to 1e-8 relative in every series, with the
same events at the same times.

usage: test_restart.py STEPPE REPO_ROOT
"""
import os
import random
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
STUDY = os.path.join(ROOT, "inputs", "kazakhstan_china.yaml")
SETS = ["--set", "study.duration=2 d", "--set", "study.output_interval=10 min",
        "--set", "study.flush_every=4"]
SAMPLES = 2 * 144 + 1
TIMEOUT = 300.0
SEED = int(os.environ.get("STEPPE_TEST_SEED", time.time_ns() % 100000))
rng = random.Random(SEED)
print(f"seed {SEED} (set STEPPE_TEST_SEED to repeat)")


def run(*args, expect=0):
    p = subprocess.run([STEPPE, *args], capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == expect, f"{args}: exit {p.returncode}, expected {expect}\n{p.stderr}"
    return p


def samples_on_disk(path):
    try:
        with h5py.File(path, "r", swmr=True) as f:
            return f["time"].shape[0]
    except (OSError, KeyError):
        return 0


def start_and_signal(out, sig, at_samples, extra=(), restart=None):
    """Starts a run (or a restart) and sends `sig` once `at_samples` rows are on disk."""
    args = ["run", "--restart", restart, "-q"] if restart else \
        ["run", STUDY, *SETS, "-o", out, "-q", "--force", *extra]
    proc = subprocess.Popen([STEPPE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + TIMEOUT
    while samples_on_disk(out + ".part") < at_samples:
        if proc.poll() is not None:
            raise AssertionError(f"run ended before the signal ({proc.returncode}): "
                                 f"{proc.stderr.read()}")
        assert time.monotonic() < deadline, "run too slow"
        time.sleep(0.01)
    os.kill(proc.pid, sig)
    proc.wait(timeout=TIMEOUT)
    return proc.returncode, proc.stderr.read()


def series(f):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.ndim == 2 and not name.startswith("events"):
            out[name] = obj[...]
    f.visititems(visit)
    return out


def compare(ref_path, path, label):
    with h5py.File(ref_path, "r") as a, h5py.File(path, "r") as b:
        assert b.attrs["status"] == "complete", (label, b.attrs["status"])
        assert np.array_equal(a["time"][...], b["time"][...]), f"{label}: /time differs"
        sa, sb = series(a), series(b)
        assert sa.keys() == sb.keys()
        worst, where = 0.0, ""
        for name in sa:
            x, z = sa[name], sb[name]
            assert x.shape == z.shape, (label, name, x.shape, z.shape)
            assert np.array_equal(np.isnan(x), np.isnan(z)), (label, name)
            finite = ~np.isnan(x)
            if not finite.any():
                continue
            floor = 1e-9 * max(np.max(np.abs(x[finite])), 1e-300)
            rel = np.abs(x[finite] - z[finite]) / np.maximum(
                np.maximum(np.abs(x[finite]), np.abs(z[finite])), floor)
            if rel.max() > worst:
                worst, where = float(rel.max()), name
        ea, eb = a["events"], b["events"]
        assert ea["time"].shape == eb["time"].shape, \
            f"{label}: {ea['time'].shape[0]} events vs {eb['time'].shape[0]}"
        assert np.allclose(ea["time"][...], eb["time"][...], rtol=1e-8, atol=1e-6), label
        assert list(ea["element"][...]) == list(eb["element"][...]), label
        assert list(ea["kind"][...]) == list(eb["kind"][...]), label
        n_events = ea["time"].shape[0]
    print(f"{label}: max relative difference {worst:.3g} ({where}), {n_events} events equal")
    assert worst <= 1e-8, f"{label}: {where} differs by {worst:.3g} relative"


def check_interrupted(out, ckpt, code, label):
    with h5py.File(out, "r") as f:
        assert f.attrs["status"] == "interrupted", f.attrs["status"]
        assert int(f.attrs["exit_code"]) == code
        n = f["time"].shape[0]
    assert 0 < n < SAMPLES, n
    assert os.path.isfile(ckpt), f"{label}: no checkpoint {ckpt}"
    assert not os.path.exists(out + ".part")
    return n


with tempfile.TemporaryDirectory() as tmp:
    ref = os.path.join(tmp, "ref.h5")
    t0 = time.monotonic()
    run("run", STUDY, *SETS, "-o", ref, "-q")
    print(f"reference run {time.monotonic() - t0:.1f} s")
    with h5py.File(ref, "r") as f:
        assert f["time"].shape[0] == SAMPLES
    assert not os.path.exists(ref + ".ckpt"), "a complete run keeps no checkpoint"

    # SIGTERM at an arbitrary point, restart, stop the restart again, restart again.
    out = os.path.join(tmp, "term.h5")
    ckpt = out + ".ckpt"
    at = rng.randrange(10, SAMPLES // 2)
    rc, err = start_and_signal(out, signal.SIGTERM, at)
    assert rc == 143, f"exit {rc}\n{err}"
    assert "--restart" in err, err
    n1 = check_interrupted(out, ckpt, 143, "SIGTERM")
    at2 = rng.randrange(n1 + 5, SAMPLES - 20)
    rc, err = start_and_signal(out, signal.SIGTERM, at2, restart=ckpt)
    assert rc == 143, f"second stop: exit {rc}\n{err}"
    n2 = check_interrupted(out, ckpt, 143, "SIGTERM again")
    assert n2 > n1
    run("run", "--restart", ckpt, "-q")
    assert not os.path.exists(ckpt)
    print(f"SIGTERM at sample {n1}, again at {n2}, restarted twice")
    compare(ref, out, "SIGTERM ×2")

    # SIGINT (Ctrl-C) → 130.
    out = os.path.join(tmp, "int.h5")
    rc, err = start_and_signal(out, signal.SIGINT, rng.randrange(10, SAMPLES - 20))
    assert rc == 130, f"exit {rc}\n{err}"
    n = check_interrupted(out, out + ".ckpt", 130, "SIGINT")
    run("run", "--restart", out + ".ckpt", "-q")
    print(f"SIGINT at sample {n}, restarted")
    compare(ref, out, "SIGINT")

    # Periodic checkpoints, then SIGKILL: restart from the last periodic checkpoint.
    out = os.path.join(tmp, "kill.h5")
    rc, err = start_and_signal(out, signal.SIGKILL, rng.randrange(80, SAMPLES - 20),
                               extra=["--checkpoint-every", "6 h"])
    assert rc == -signal.SIGKILL, rc
    assert os.path.isfile(out + ".part") and os.path.isfile(out + ".ckpt")
    with h5py.File(out + ".ckpt", "r") as f:
        kept = int(f.attrs["samples"])
        assert f.attrs["reason"] == "periodic"
    rows = samples_on_disk(out + ".part")
    assert rows >= kept, (rows, kept)
    run("run", "--restart", out + ".ckpt", "-q")
    assert os.path.isfile(out) and not os.path.exists(out + ".part")
    print(f"SIGKILL with {rows} rows on disk, periodic checkpoint at {kept}, restarted")
    compare(ref, out, "SIGKILL after periodic checkpoint")

    # A long output interval (1 day, a few seconds of wall time each): SIGTERM is acted on
    # at the step it arrives in, between two samples — the checkpoint carries the state
    # there and the exact extremes gathered since the last sample — and the restart ends
    # equal to an uninterrupted run with that interval, extremes included.
    daily = [*SETS[:2], "--set", "study.output_interval=1 d", "--set", "study.flush_every=1"]
    ref_daily = os.path.join(tmp, "ref_daily.h5")
    run("run", STUDY, *daily, "-o", ref_daily, "-q")
    out = os.path.join(tmp, "daily.h5")
    proc = subprocess.Popen([STEPPE, "run", STUDY, *daily, "-o", out, "-q", "--force"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + TIMEOUT
    while samples_on_disk(out + ".part") < 1:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "run too slow"
        time.sleep(0.01)
    time.sleep(rng.uniform(0.2, 1.0))
    sent = time.monotonic()
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=TIMEOUT)
    took = time.monotonic() - sent
    assert proc.returncode == 143, f"exit {proc.returncode}\n{proc.stderr.read()}"
    with h5py.File(out + ".ckpt", "r") as f:
        t_stop = float(f["state/t"][0])
        assert "step_observer" in f["state"], list(f["state"])
    assert t_stop % 86400.0 != 0.0, f"stopped at a sample ({t_stop} s)"
    with h5py.File(out, "r") as f:
        n = f["time"].shape[0]
    assert n == int(t_stop // 86400.0) + 1, (n, t_stop)
    run("run", "--restart", out + ".ckpt", "-q")
    print(f"SIGTERM with a 1-day output interval: stopped at t = {t_stop:.1f} s "
          f"({took:.2f} s after the signal, {n} samples on disk), restarted")
    compare(ref_daily, out, "SIGTERM between samples")

    # A checkpoint interval must be a time: exit 2, nothing written.
    bad = os.path.join(tmp, "bad.h5")
    p = run("run", STUDY, *SETS, "-o", bad, "--checkpoint-every", "5 kg", expect=2)
    assert "--checkpoint-every '5 kg'" in p.stderr, p.stderr
    assert not any(n.startswith("bad.h5") for n in os.listdir(tmp))

    # A restart refuses extra study arguments (they come from the checkpoint).
    p = run("run", STUDY, "--restart", os.path.join(tmp, "none.ckpt"), expect=2)
    assert "--restart" in p.stderr
print("ok")
