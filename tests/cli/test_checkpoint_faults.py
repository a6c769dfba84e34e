#!/usr/bin/python3
"""Checkpoint fault test: random SIGKILL and SIGTERM on the corridor with periodic
checkpoints, each continued with `steppe run --restart` until it completes, must end with a
results file bitwise equal to an uninterrupted run.

The corridor study runs 12 h at 10-minute output (73 samples) with a checkpoint every hour
and a flush every 4 samples. Each trial starts the run, sends SIGKILL or SIGTERM (chosen at
random) at a random moment of its wall time, and then:
- SIGTERM: exit 143, results at the final name with status "interrupted", a checkpoint;
- SIGKILL after a periodic checkpoint: the .part and the checkpoint are left;
- SIGKILL before the first checkpoint: nothing to continue; a new run without --force is
  refused (the .part of an unfinished run is not replaced silently), with --force it runs;
and a third of the restarts are themselves killed again at a random moment. Every file
that ends up complete must hold exactly the reference's /time, series and events (every
bit), the reference's step count, and nothing may be left beside it (.part, .ckpt,
.lock, .new, .tmp), except the lock file of a run killed after it had finished, which must
not be held.

usage: test_checkpoint_faults.py STEPPE REPO_ROOT   (env STEPPE_FAULT_TRIALS, default 30;
       STEPPE_TEST_SEED to repeat a run)
"""
import fcntl
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
SETS = ["--set", "study.duration=12 h", "--set", "study.output_interval=10 min",
        "--set", "study.flush_every=4"]
CKPT_EVERY = ["--checkpoint-every", "1 h"]
SAMPLES = 73
TRIALS = int(os.environ.get("STEPPE_FAULT_TRIALS", "30"))
SEED = int(os.environ.get("STEPPE_TEST_SEED", time.time_ns() % 100000))
rng = random.Random(SEED)
print(f"seed {SEED} (set STEPPE_TEST_SEED to repeat), {TRIALS} trials")


def contents(path):
    """Every dataset's values (events as bytes), keyed by name."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[...]
        f.visititems(visit)
        out["time"] = f["time"][...]  # linked into every group: visited under any of its names
        attrs = {"status": f.attrs["status"], "stats_steps": int(f.attrs["stats_steps"]),
                 "samples": int(f.attrs["samples"]), "events": int(f.attrs["events"])}
    return out, attrs


def bitwise_equal(a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return a.tobytes() == b.tobytes()
    return np.array_equal(a, b)


def compare(ref, path, label):
    (ra, rattrs), (ca, cattrs) = ref, contents(path)
    assert cattrs["status"] == "complete", f"{label}: status {cattrs['status']}"
    assert ra.keys() == ca.keys(), f"{label}: datasets differ: {sorted(ra.keys() ^ ca.keys())}"
    different = [n for n in ra if not bitwise_equal(ra[n], ca[n])]
    assert not different, f"{label}: not bitwise equal: {different[:5]}"
    assert cattrs == rattrs, f"{label}: {cattrs} vs {rattrs}"


def left_beside(directory, name):
    return sorted(f for f in os.listdir(directory) if f.startswith(name) and f != name)


def start(args):
    return subprocess.Popen([STEPPE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def kill_at(proc, seconds, sig):
    """Sends `sig` after `seconds` unless the process ended; returns (exit code, stderr)."""
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


def run(args, expect):
    p = subprocess.run([STEPPE, *args], capture_output=True, text=True, timeout=300)
    assert p.returncode == expect, f"{args}: exit {p.returncode}, expected {expect}\n{p.stderr}"
    return p


with tempfile.TemporaryDirectory(prefix="steppe_faults_") as tmp:
    ref_path = os.path.join(tmp, "ref.h5")
    t0 = time.monotonic()
    run(["run", STUDY, *SETS, "-o", ref_path, "-q"], 0)
    wall = time.monotonic() - t0
    ref = contents(ref_path)
    assert ref[0]["time"].shape == (SAMPLES,)
    print(f"reference: {SAMPLES} samples, {ref[1]['stats_steps']} steps, {wall:.2f} s wall")

    tally = {"SIGTERM": 0, "SIGKILL after a checkpoint": 0, "SIGKILL before any": 0,
             "restart killed again": 0, "restart killed after it finished": 0}
    t_trials = time.monotonic()
    for trial in range(TRIALS):
        out = os.path.join(tmp, f"t{trial}.h5")
        ckpt = out + ".ckpt"
        sig = rng.choice([signal.SIGKILL, signal.SIGTERM])
        at = rng.uniform(0.0, 1.1 * wall)
        rc, err = kill_at(start(["run", STUDY, *SETS, "-o", out, "-q", *CKPT_EVERY]), at, sig)
        label = f"trial {trial} ({signal.Signals(sig).name} at {at:.2f} s)"
        restarts = 0
        while True:
            if rc == 0:
                break
            if rc == 143:
                tally["SIGTERM"] += 1
                with h5py.File(out, "r") as f:
                    assert f.attrs["status"] == "interrupted", (label, f.attrs["status"])
                assert os.path.isfile(ckpt), f"{label}: no checkpoint after SIGTERM\n{err}"
            elif rc == -signal.SIGKILL and os.path.isfile(ckpt):
                tally["SIGKILL after a checkpoint"] += 1
            elif rc in (-signal.SIGKILL, -signal.SIGTERM):  # SIGTERM while the study loads
                tally["SIGKILL before any"] += 1
                if os.path.exists(out + ".part"):
                    # A killed run's results are not replaced without --force.
                    p = run(["run", STUDY, *SETS, "-o", out, "-q"], 2)
                    assert "did not finish" in p.stderr, p.stderr
                rc, err = kill_at(start(["run", STUDY, *SETS, "-o", out, "-q", "--force",
                                         *CKPT_EVERY]), 600, sig)
                continue
            else:
                raise AssertionError(f"{label}: exit {rc}\n{err}")
            restarts += 1
            assert restarts < 10, f"{label}: too many restarts"
            if rng.random() < 1 / 3:  # the restart is killed too
                tally["restart killed again"] += 1
                sig = rng.choice([signal.SIGKILL, signal.SIGTERM])
                rc, err = kill_at(start(["run", "--restart", ckpt, "-q"]),
                                  rng.uniform(0.0, wall), sig)
                if rc == -signal.SIGKILL and not os.path.isfile(ckpt):
                    # Killed after it had finished (results complete, checkpoint removed,
                    # process not yet gone): nothing to continue. Anything else lost it.
                    done = False
                    if os.path.isfile(out):
                        with h5py.File(out, "r") as f:
                            done = f.attrs["status"] == "complete"
                    if not done:
                        raise AssertionError(f"{label}: a killed restart lost its checkpoint")
                    tally["restart killed after it finished"] += 1
                    # Killed between removing its checkpoint and its lock file: the lock
                    # file stays, held by nobody (the kernel released the lock), and the
                    # next run of this output takes it over.
                    lock = out + ".lock"
                    if os.path.exists(lock):
                        with open(lock) as f:
                            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if held
                        os.remove(lock)
                    break
            else:
                rc, err = kill_at(start(["run", "--restart", ckpt, "-q"]), 600, sig)
        compare(ref, out, label)
        left = left_beside(tmp, os.path.basename(out))
        assert not left, f"{label}: left beside the results: {left}"
        print(f"ok  {label}: {restarts} restart(s), bitwise equal")
        os.remove(out)
    print(f"{TRIALS} trials in {time.monotonic() - t_trials:.1f} s: " +
          ", ".join(f"{k} {v}" for k, v in tally.items()))
print("ok")
