"""Fixtures of the steppe package's pytest suite.

The tests need the `steppe` executable: STEPPE_EXE in the environment (ctest sets it; see
tests/CMakeLists.txt), else build/steppe of the repository. Results files are written to
pytest's temporary directories, one run per study per session.
"""
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))


def _exe():
    exe = os.environ.get("STEPPE_EXE") or os.path.join(ROOT, "build", "steppe")
    if not os.path.exists(exe):
        pytest.skip("no steppe executable (set STEPPE_EXE)")
    return os.path.abspath(exe)


@pytest.fixture(scope="session")
def steppe_exe():
    return _exe()


@pytest.fixture(scope="session")
def root():
    return ROOT


def run_study(exe, study, out, *extra, check=True):
    """`steppe run STUDY -o OUT --quiet EXTRA…`; the CompletedProcess."""
    r = subprocess.run([exe, "run", study, "-o", out, "--quiet", *extra],
                       capture_output=True, text=True)
    if check:
        assert r.returncode == 0, "steppe run %s: exit %d\n%s" % (study, r.returncode, r.stderr)
    return r


@pytest.fixture(scope="session")
def corridor_h5(steppe_exe, tmp_path_factory):
    """The corridor study (inputs/kazakhstan_china.yaml) over 2 h at 10-min output."""
    out = str(tmp_path_factory.mktemp("corridor") / "corridor.h5")
    run_study(steppe_exe, os.path.join(ROOT, "inputs", "kazakhstan_china.yaml"), out,
              "--set", "study.duration=2 h", "--set", "study.output_interval=10 min")
    return out


@pytest.fixture(scope="session")
def every_kind_h5(steppe_exe, tmp_path_factory):
    """inputs/every_kind.yaml: every element kind of every section."""
    out = str(tmp_path_factory.mktemp("every_kind") / "every_kind.h5")
    run_study(steppe_exe, os.path.join(ROOT, "inputs", "every_kind.yaml"), out)
    return out
