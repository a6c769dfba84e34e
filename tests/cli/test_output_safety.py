"""Output safety: an existing results file is not replaced without --force (exit 2, file
untouched), --force replaces it, an unwritable output path is a clear error (exit 2,
nothing written), and a run writes to <out>.part and renames it only when it ends."""
import hashlib
import os
import subprocess
import sys
import tempfile

import h5py

steppe, root = sys.argv[1], sys.argv[2]
demo = os.path.join(root, "inputs", "demo_tank.yaml")


def run(*args):
    return subprocess.run([steppe, "run", demo, "--quiet", *args], capture_output=True,
                          text=True, timeout=60)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "r.h5")
    r = run("-o", out, "--set", "study.duration=2 h")
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(out + ".part"), "the partial file is renamed at the end"
    before = digest(out)

    r = run("-o", out)
    assert r.returncode == 2, r.returncode
    assert "exists; use --force" in r.stderr, r.stderr
    assert digest(out) == before, "the existing file must be untouched"
    print("existing file refused without --force, untouched")

    r = run("-o", out, "--force")
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["status"] == "complete" and f["time"].shape[0] == 289
    print("--force replaced it with the full run")

    bad = "/proc/steppe-cannot-write-here/r.h5"
    r = run("-o", bad)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "/proc/steppe-cannot-write-here" in r.stderr, r.stderr
    assert not os.path.exists(bad)
    print(f"unwritable path refused: {r.stderr.strip().splitlines()[0][:120]}")
    # A full disk: a 64 kB tmpfs (needs root and mount; skipped where that is refused).
    tiny = os.path.join(tmp, "tiny")
    os.mkdir(tiny)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", tiny],
                      capture_output=True).returncode == 0:
        try:
            r = run("-o", os.path.join(tiny, "x.h5"), "--set", "study.duration=300 d",
                    "--set", "study.flush_every=1")
            assert r.returncode == 2, (r.returncode, r.stderr[-300:])
            assert "No space left on device" in r.stderr, r.stderr[-300:]
            assert len(r.stderr) < 400, "one clear line, not HDF5's whole stack"
            assert not os.path.exists(os.path.join(tiny, "x.h5"))
            print(f"full disk: {r.stderr.strip()}")
        finally:
            subprocess.run(["umount", tiny])
    else:
        print("full disk: skipped (cannot mount a tmpfs here)")
print("output safety holds")
