#!/usr/bin/python3
"""Two writers of one results file: exactly one runs; the other exits 2 at once, its
message naming the holder (pid and host); the file the first one writes is complete and
readable, and nothing is left beside it.

1. A runs; B (with and without --force) is started while A writes its .part: B exits 2
   within a second naming A's pid; A completes; its file equals an undisturbed run's.
2. Both started at the same instant, five times: one exits 0, the other 2.
3. A restart and a fresh --force run of the same output at once: one runs, one exits 2.
4. A lock left by a SIGKILLed writer does not block the next run.

usage: test_concurrent_writers.py STEPPE REPO_ROOT
"""
import os
import signal
import socket
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
SAMPLES = 73


def start(out, *extra):
    return subprocess.Popen([STEPPE, "run", STUDY, *SETS, "-o", out, "-q", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finish(proc):
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


def series(path):
    with h5py.File(path, "r") as f:
        assert f.attrs["status"] == "complete", f.attrs["status"]
        assert f["time"].shape == (SAMPLES,), f["time"].shape
        out = {}
        f.visititems(lambda n, o: out.__setitem__(n, o[...]) if isinstance(o, h5py.Dataset)
                     and o.dtype.kind == "f" else None)
    return out


def same(a, b):
    return a.keys() == b.keys() and all(a[k].tobytes() == b[k].tobytes() for k in a)


def nothing_beside(directory, name):
    left = sorted(f for f in os.listdir(directory) if f.startswith(name) and f != name)
    assert not left, f"left beside {name}: {left}"


with tempfile.TemporaryDirectory(prefix="steppe_writers_") as tmp:
    ref_path = os.path.join(tmp, "ref.h5")
    rc, err = finish(start(ref_path))
    assert rc == 0, err
    ref = series(ref_path)

    # 1. A holds the output; B is refused at once, naming A.
    for extra in ([], ["--force"]):
        out = os.path.join(tmp, "one.h5")
        a = start(out)
        deadline = time.monotonic() + 60
        while not os.path.exists(out + ".part"):  # A is writing its samples
            assert a.poll() is None and time.monotonic() < deadline, finish(a)
            time.sleep(0.002)
        t0 = time.monotonic()
        b = subprocess.run([STEPPE, "run", STUDY, *SETS, "-o", out, "-q", *extra],
                           capture_output=True, text=True, timeout=60)
        refused_in = time.monotonic() - t0
        still_running = a.poll() is None
        rc_a, err_a = finish(a)
        assert rc_a == 0, err_a
        assert b.returncode == 2, (b.returncode, b.stderr)
        assert f"pid {a.pid} on host {socket.gethostname()}" in b.stderr, b.stderr
        assert "being written by another run" in b.stderr, b.stderr
        assert refused_in < 1.0, f"the second writer took {refused_in:.2f} s to be refused"
        assert still_running, "A ended before B was refused: the test proves nothing"
        assert same(series(out), ref), "the file A wrote differs from an undisturbed run's"
        nothing_beside(tmp, "one.h5")
        print(f"ok  second writer {' '.join(extra) or '(no --force)'} refused in "
              f"{refused_in * 1000:.0f} ms: {b.stderr.splitlines()[0][:150]}")
        os.remove(out)

    # 2. Both at the same instant.
    for k in range(5):
        out = os.path.join(tmp, f"race{k}.h5")
        procs = [start(out, "--force"), start(out, "--force")]
        results = sorted(finish(p)[0] for p in procs)
        assert results == [0, 2], f"race {k}: exit codes {results}"
        assert same(series(out), ref), f"race {k}: the file differs"
        nothing_beside(tmp, f"race{k}.h5")
    print("ok  5 simultaneous pairs: one ran, one exited 2, the file complete each time")

    # 3. A restart and a fresh run of the same output at once.
    out = os.path.join(tmp, "mixed.h5")
    a = start(out, "--checkpoint-every", "1 h")
    while True:
        try:
            with h5py.File(out + ".part", "r", swmr=True) as f:
                if f["time"].shape[0] > 20:
                    break
        except (OSError, KeyError):
            pass
        assert a.poll() is None, finish(a)
        time.sleep(0.005)
    a.send_signal(signal.SIGTERM)
    assert finish(a)[0] == 143
    procs = [subprocess.Popen([STEPPE, "run", "--restart", out + ".ckpt", "-q"],
                              stderr=subprocess.PIPE, text=True), start(out, "--force")]
    results = [finish(p) for p in procs]
    codes = sorted(r[0] for r in results)
    assert codes == [0, 2], [r for r in results]
    assert same(series(out), ref)
    print(f"ok  restart and fresh run at once: exit codes {[r[0] for r in results]}")
    for f in os.listdir(tmp):
        if f.startswith("mixed.h5"):
            os.remove(os.path.join(tmp, f))

    # 4. A killed writer's lock does not block.
    out = os.path.join(tmp, "killed.h5")
    a = start(out)
    while not os.path.exists(out + ".part"):
        assert a.poll() is None, finish(a)
        time.sleep(0.002)
    a.send_signal(signal.SIGKILL)
    a.wait()
    assert os.path.exists(out + ".lock"), "the killed run's lock file"
    rc, err = finish(start(out, "--force"))
    assert rc == 0, err
    assert same(series(out), ref)
    nothing_beside(tmp, "killed.h5")
    print("ok  a lock left by a SIGKILLed writer is taken over")
print("ok")
