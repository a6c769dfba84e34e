#!/usr/bin/python3
"""End-to-end: malformed studies are refused with exit 2, gcc-style messages pointing at
the offending place, and no results file.

Every tests/data/bad_studies/*.yaml starts with one or more lines

    # expect: [FILE:]LINE:COL [KEY.PATH] | MESSAGE SUBSTRING

(FILE, relative to the study, when the error is in another file such as a profile CSV).
steppe must print `place: error: key.path: ...message...` for each, echo the study line
with a caret under COL, report exactly as many errors as there are expectations (no
cascades), exit 2 and write nothing.

usage: test_bad_input.py STEPPE REPO_ROOT
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

if len(sys.argv) != 3:
    sys.exit(__doc__)
STEPPE, REPO = map(os.path.abspath, sys.argv[1:3])
CORPUS = os.path.join(REPO, "tests", "data", "bad_studies")
EXPECT = re.compile(r"# expect: (?:(?P<file>[^\s:]+):)?(?P<line>\d+):(?P<col>\d+)"
                    r"(?: (?P<key>\S+))? \| (?P<msg>.+)$")


def run(args):
    """Runs steppe in a fresh directory; returns (exit code, stderr, files left there)."""
    with tempfile.TemporaryDirectory(prefix="steppe_bad_") as tmp:
        r = subprocess.run([STEPPE, *args, "-o", os.path.join(tmp, "out.h5"), "--quiet"],
                           capture_output=True, text=True, timeout=30, cwd=tmp)
        return r.returncode, r.stderr, os.listdir(tmp)


def expectations(path):
    with open(path, encoding="utf-8") as f:
        heads = [line.rstrip("\n") for line in f if line.startswith("# expect:")]
    found = [EXPECT.match(h) for h in heads]
    assert heads and all(found), f"{path}: malformed or missing '# expect:' line"
    return [m.groupdict() for m in found]


def check_error(study, source, err_lines, e):
    """The error line for expectation `e`, and the echoed line with its caret."""
    line, col = int(e["line"]), int(e["col"])
    where = os.path.join(os.path.dirname(study), e["file"]) if e["file"] else study
    head = f"{where}:{line}:{col}: error: " + (f"{e['key']}: " if e["key"] else "")
    hits = [i for i, s in enumerate(err_lines) if s.startswith(head) and e["msg"] in s]
    assert hits, f"no line starting {head!r} and containing {e['msg']!r}"
    if e["file"]:
        return  # steppe does not quote lines of other files
    i = hits[0]
    text = source[line - 1]
    pad = "".join("\t" if c == "\t" else " " for c in text[:col - 1])
    num = str(line)
    assert err_lines[i + 1:i + 3] == [f" {num} | {text}", f" {' ' * len(num)} | {pad}^"], \
        f"source echo / caret after {err_lines[i]!r}: {err_lines[i + 1:i + 3]!r}"


def check_study(study):
    expected = expectations(study)
    with open(study, encoding="utf-8") as f:
        source = f.read().splitlines()
    rc, err, left = run(["run", study])
    lines = err.splitlines()
    try:
        assert rc == 2, f"exit code {rc}, expected 2"
        assert not left, f"files written: {left}"
        for e in expected:
            check_error(study, source, lines, e)
        n = len(expected)
        summary = f"steppe: {n} error{'' if n == 1 else 's'} in the study; nothing was written"
        assert lines and lines[-1] == summary, f"last line {lines[-1:]!r}, expected {summary!r}"
        assert sum(": error: " in s for s in lines) == n, f"not exactly {n} error(s)"
    except AssertionError as x:
        raise AssertionError(f"{os.path.basename(study)}: {x}\n--- stderr:\n{err}") from None
    return len(expected)


def check_command_line():
    demo = os.path.join(REPO, "inputs", "demo_tank.yaml")
    rc, err, left = run(["run", demo, "--set", "study.flush_evry=8"])
    assert rc == 2 and not left, (rc, left, err)
    assert ("command line (--set study.flush_evry=8): error: study.flush_evry: "
            "unknown key 'flush_evry' (did you mean 'flush_every'?)") in err, err
    print("ok  --set of an unknown key: command-line origin, 'unknown key', a hint")

    rc, err, left = run(["run", demo, "--set", "lumped.nodes.Tank.max_pressure=65 kg"])
    assert rc == 2 and not left, (rc, left, err)
    assert ("command line (--set lumped.nodes.Tank.max_pressure=65 kg): error: "
            "lumped.nodes[0].max_pressure: expected pressure") in err, err
    print("ok  --set of a wrong value: reported against the command line")

    missing = os.path.join(tempfile.gettempdir(), "steppe_no_such_dir", "study.yaml")
    rc, err, left = run(["run", missing])
    assert rc == 2 and not left, (rc, left, err)
    assert f"{missing}: error: cannot open the study file" in err, err
    print("ok  a missing study file")


def main():
    studies = sorted(glob.glob(os.path.join(CORPUS, "*.yaml")))
    assert len(studies) >= 20, f"only {len(studies)} studies in {CORPUS}"
    failures = []
    for study in studies:
        try:
            n = check_study(study)
            print(f"ok  {os.path.basename(study)} ({n} error{'' if n == 1 else 's'})")
        except AssertionError as x:
            failures.append(str(x))
            print(f"FAIL {x}")
    check_command_line()
    if failures:
        sys.exit(f"{len(failures)} of {len(studies)} bad studies not reported as expected")
    print(f"{len(studies)} bad studies and 3 command-line cases refused as expected")


if __name__ == "__main__":
    main()
