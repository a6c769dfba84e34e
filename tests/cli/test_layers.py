#!/usr/bin/python3
"""The layers of solver/ include only downward (solver/README.md): engine, study, io, run,
batch, app, with models/ beside study (including engine and study, included by app only).
The engine includes no HDF5 and no YAML; nothing includes a test.

usage: test_layers.py STEPPE REPO_ROOT
"""
import os
import re
import sys
import unittest

if len(sys.argv) != 3:
    sys.exit(__doc__)
REPO = os.path.abspath(sys.argv[2])

# What each layer may include from the project (its own folder always).
ALLOWED = {
    "solver/engine": {"solver/engine"},
    "solver/study": {"solver/engine", "solver/study"},
    "models": {"solver/engine", "solver/study", "models"},
    "solver/io": {"solver/engine", "solver/study", "solver/io"},
    "solver/run": {"solver/engine", "solver/study", "solver/io", "solver/run"},
    "solver/batch": {"solver/engine", "solver/study", "solver/io", "solver/run", "solver/batch"},
    "solver/app": {"solver/engine", "solver/study", "solver/io", "solver/run", "solver/batch",
                   "solver/app", "models"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def layer_of(path):
    rel = os.path.relpath(path, REPO)
    for layer in sorted(ALLOWED, key=len, reverse=True):
        if rel.startswith(layer + "/"):
            return layer
    return None


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def sources():
    for top in ("solver", "models"):
        for root, _, files in os.walk(os.path.join(REPO, top)):
            for f in files:
                if f.endswith((".hpp", ".cpp", ".hpp.in")):
                    yield os.path.join(root, f)


class Layers(unittest.TestCase):
    def test_includes_point_down(self):
        wrong = []
        count = 0
        for path in sources():
            layer = layer_of(path)
            if layer is None:
                continue
            text = read(path)
            for kind, inc in INCLUDE.findall(text):
                if kind != '"' or not inc.startswith(("solver/", "models/")):
                    continue
                count += 1
                target = layer_of(os.path.join(REPO, inc))
                if target not in ALLOWED[layer]:
                    wrong.append(f"{os.path.relpath(path, REPO)} includes {inc}")
        self.assertGreater(count, 100)
        self.assertEqual(wrong, [])

    def test_engine_knows_no_file_format(self):
        wrong = []
        for path in sources():
            if layer_of(path) != "solver/engine":
                continue
            for kind, inc in INCLUDE.findall(read(path)):
                if kind == "<" and (inc.startswith(("hdf5", "H5", "yaml-cpp", "pugixml"))):
                    wrong.append(f"{os.path.relpath(path, REPO)} includes <{inc}>")
        self.assertEqual(wrong, [])

    def test_every_layer_has_a_readme(self):
        for layer in ALLOWED:
            if layer.startswith("solver/"):
                self.assertTrue(os.path.isfile(os.path.join(REPO, layer, "README.md")), layer)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
