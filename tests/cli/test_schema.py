#!/usr/bin/python3
"""docs/results-format.md is what `steppe schema inputs/every_kind.yaml` generates from the
output declarations (it cannot drift), and every group a run of that study writes is
described in it, with every dataset of the group.

usage: test_schema.py STEPPE REPO_ROOT
"""
import os
import subprocess
import sys
import tempfile

import h5py

if len(sys.argv) != 3:
    sys.exit(__doc__)
STEPPE, ROOT = os.path.abspath(sys.argv[1]), sys.argv[2]
STUDY = os.path.join(ROOT, "inputs", "every_kind.yaml")
DOC = os.path.join(ROOT, "docs", "results-format.md")

# From the repository root, so the document names the study as its header says.
r = subprocess.run([STEPPE, "schema", "inputs/every_kind.yaml"], capture_output=True, text=True,
                   cwd=ROOT)
assert r.returncode == 0, r.stderr
with open(DOC, encoding="utf-8") as f:
    committed = f.read()
assert r.stdout == committed, (
    "docs/results-format.md differs from `steppe schema inputs/every_kind.yaml`: regenerate it "
    "with steppe schema inputs/every_kind.yaml -o docs/results-format.md")

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "every_kind.h5")
    run = subprocess.run([STEPPE, "run", STUDY, "-o", out, "--quiet"], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    described = 0
    with h5py.File(out, "r") as f:
        def visit(name, obj):
            global described
            if not isinstance(obj, h5py.Dataset) or obj.ndim != 2:
                return
            group = obj.parent.name.lstrip("/")
            if "/profiles/" in "/" + group + "/":
                return  # one profile group per pipe: described once, generically
            assert "### `/%s`" % group in committed, group + " not in the document"
            section = committed.split("### `/%s`" % group, 1)[1].split("\n### ", 1)[0]
            assert "| `%s` |" % name.split("/")[-1] in section, name + " not in the document"
            described += 1
        f.visititems(visit)
assert described >= 60, described
print("docs/results-format.md matches steppe schema; %d series of every_kind described" % described)
