#!/usr/bin/python3
"""End-to-end: `steppe import gaslib` writes a study from GasLib-11 (gaslib.zib.de,
CC BY 3.0) that `steppe check` accepts and `steppe run` integrates; it prints to standard
output without -o, refuses to overwrite without --force, and bad input gives exit 2 with
file:line:column and writes nothing; `steppe import matgas` likewise on tests/data/matgas.

usage: test_import.py STEPPE REPO_ROOT
"""
import os
import subprocess
import sys
import tempfile
import unittest

if len(sys.argv) != 3:
    sys.exit(__doc__)
STEPPE, REPO = map(os.path.abspath, sys.argv[1:3])
GASLIB = os.path.join(REPO, "..", "shared", "data", "gaslib", "GasLib-11")
NET = os.path.join(GASLIB, "GasLib-11.net")
SCN = os.path.join(GASLIB, "GasLib-11.scn")


def run(*args, cwd=None):
    r = subprocess.run([STEPPE, *args], capture_output=True, text=True, timeout=300, cwd=cwd)
    return r.returncode, r.stdout, r.stderr


@unittest.skipUnless(os.path.exists(NET), "../shared/data/gaslib not beside the repository")
class ImportGasLib11(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="steppe_import_")
        self.study = os.path.join(self.tmp.name, "gaslib11.yaml")

    def tearDown(self):
        self.tmp.cleanup()

    def test_import_check_run(self):
        rc, _, err = run("import", "gaslib", NET, SCN, "-o", self.study)
        self.assertEqual(rc, 0, err)
        with open(self.study, encoding="utf-8") as f:
            text = f.read()
        for cite in ("CC BY 3.0", "Pfetsch et al. (2012)", "ZIB-Report 12-41", "gaslib.zib.de"):
            self.assertIn(cite, text)
        rc, out, err = run("check", self.study)
        self.assertEqual(rc, 0, err)
        self.assertIn("gas pipe", out)
        h5 = os.path.join(self.tmp.name, "gaslib11.h5")
        rc, _, err = run("run", self.study, "-o", h5, "--quiet", "--set", "study.duration=2 h",
                         cwd=self.tmp.name)
        self.assertEqual(rc, 0, err)
        self.assertTrue(os.path.getsize(h5) > 0)

    def test_stdout_and_no_overwrite(self):
        rc, out, _ = run("import", "gaslib", NET, SCN)
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith("# Steppe study imported from GasLib"))
        with open(self.study, "w", encoding="utf-8") as f:
            f.write("keep me\n")
        rc, _, err = run("import", "gaslib", NET, SCN, "-o", self.study)
        self.assertEqual(rc, 2)
        self.assertIn("--force", err)
        with open(self.study, encoding="utf-8") as f:
            self.assertEqual(f.read(), "keep me\n")
        rc, _, err = run("import", "gaslib", NET, SCN, "-o", self.study, "--force")
        self.assertEqual(rc, 0, err)
        with open(self.study, encoding="utf-8") as f:
            self.assertEqual(f.read(), out)

    def test_bad_input(self):
        bad = os.path.join(self.tmp.name, "bad.net")
        with open(bad, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0"?>\n<network>\n  <framework:nodes>\n'
                    '    <source id="a">\n  </framework:nodes>\n</network>\n')
        rc, out, err = run("import", "gaslib", bad, SCN, "-o", self.study)
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")
        self.assertIn(f"{bad}:5:", err)
        self.assertIn("malformed XML", err)
        self.assertFalse(os.path.exists(self.study))
        rc, _, err = run("import", "gaslib", os.path.join(self.tmp.name, "none.net"), SCN)
        self.assertEqual(rc, 2)
        self.assertIn("cannot open", err)


class ImportMatgas(unittest.TestCase):
    """`steppe import matgas` on tests/data/matgas: the chain (a station and a regulator)
    imports, checks and runs; --inverse-drag must be a number > 0; on a file whose drag
    column holds drag factors it is one located error and nothing is written."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="steppe_matgas_")
        self.study = os.path.join(self.tmp.name, "chain.yaml")
        self.data = os.path.join(REPO, "tests", "data", "matgas")

    def tearDown(self):
        self.tmp.cleanup()

    def test_import_check_run(self):
        rc, _, err = run("import", "matgas", os.path.join(self.data, "chain.m"), "--demand-swing",
                         "0.1", "-o", self.study)
        self.assertEqual(rc, 0, err)
        rc, _, err = run("check", self.study)
        self.assertEqual(rc, 0, err)
        rc, _, err = run("run", self.study, "-o", os.path.join(self.tmp.name, "chain.h5"), "-q")
        self.assertEqual(rc, 0, err)

    def test_inverse_drag(self):
        tiny = os.path.join(self.data, "tiny.m")
        rc, out, err = run("import", "matgas", tiny, "--inverse-drag", "-5", "-o", self.study)
        self.assertEqual(rc, 2)
        self.assertIn("--inverse-drag: must be a number > 0", err)
        rc, out, err = run("import", "matgas", tiny, "--inverse-drag", "4.67e11", "-o",
                           self.study)
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")
        self.assertIn(f"{tiny}:34:8: error: mgc.resistor 20: with --inverse-drag", err)
        self.assertFalse(os.path.exists(self.study))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
