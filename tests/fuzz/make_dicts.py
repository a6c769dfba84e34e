#!/usr/bin/python3
"""Writes the libFuzzer dictionaries of tests/fuzz from the code itself, so that they hold
every key the study format knows and every unit it reads:

  study.dict  every key a reader asks for (quantity/text/flag/integer/choice/profile/items/
              child/has/… calls in solver/ and models/), every element kind of the registries,
              every choice value, every unit symbol ("<number> <unit>" forms), YAML syntax
  csv.dict    CSV syntax: separators, quotes, comments, a BOM, numbers, column names

usage: tests/fuzz/make_dicts.py            (rewrites the files; run after adding keys)
       tests/fuzz/make_dicts.py --check    (exit 1 if a file is out of date)
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tests", "fuzz")
READERS = r"(?:quantity|text|flag|integer|choice|profile|items|map_items|child|has|error_at_key|check|segments)"


def sources():
    for pattern in ("solver/**/*.cpp", "models/**/*.cpp", "models/**/*.hpp", "solver/**/*.hpp"):
        for path in glob.glob(os.path.join(ROOT, pattern), recursive=True):
            with open(path, encoding="utf-8") as f:
                yield f.read()


def escape(s):
    """libFuzzer's dictionary syntax: printable ASCII, with \\, \" and \\xNN for other bytes."""
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        out.append("\\" + c if c in '\\"' else c if 32 <= b < 127 else f"\\x{b:02X}")
    return "".join(out)


def study_entries():
    keys, choices = set(), set()
    for text in sources():
        keys.update(re.findall(r"\b" + READERS + r'\("([a-z_0-9]+)"', text))
        # registry rows: {"list key", "example", reader, "anchor"}
        keys.update(re.findall(r'\{"([a-z_]+)",\s*"[^"]*",\s*read_', text))
        for group in re.findall(r"choice\(\"[a-z_]+\",\s*\{([^}]*)\}", text):
            choices.update(re.findall(r'"([^"]+)"', group))
    with open(os.path.join(ROOT, "solver", "study", "units.cpp"), encoding="utf-8") as f:
        units = re.findall(r'^\s*\{"([^"]+)",\s*[-0-9.e]+', f.read(), re.M)
    out = [f'"{escape(k)}:"' for k in sorted(keys)]
    out += [f'" {escape(c)}"' for c in sorted(choices)]
    out += [f'"1 {escape(u)}"' for u in sorted(set(units))]
    out += ['"/"', '"^2"', '"\\xC2\\xB7"', '"m3(n)"', '"bcm/yr"', '"Mt/yr"', '"degC"']
    out += ['"- "', '"{"', '"}"', '"["', '"]"', '": "', '", "', '"&a"', '"*a"', '"!!str"',
            '"<<: "', '"~"', '"null"', '"true"', '".inf"', '".nan"', '"1e308"', '"-1"', '"0"',
            '"\\"54 bar\\""', '"\'"', '"|"', '"#"', '"\\x0a  "', '"\\x0a    - "', '"\\xef\\xbb\\xbf"',
            '"good.csv"', '"bad_rows.csv"', '"2024-01-15T00:00:00Z"']
    return out


def csv_entries():
    return ['","', '"\\x0a"', '"\\x0d\\x0a"', '"\\""', '"\\"\\""', '"#"', '"\\xef\\xbb\\xbf"',
            '"time"', '"flow"', '"time,flow\\x0a"', '"0, 0\\x0a"', '"3600,20\\x0a"', '"1e308"',
            '"-1e-300"', '"nan"', '"inf"', '"+"', '"-"', '"."', '"e"', '"0x1p3"', '"  "',
            '"\\x09"', '"\\x00"']


def main():
    check = "--check" in sys.argv
    stale = []
    for name, entries, what in (("study.dict", study_entries(), "the study format's keys, "
                                 "element kinds, choices and units, and YAML syntax"),
                                ("csv.dict", csv_entries(), "CSV syntax and numbers")):
        text = (f"# libFuzzer dictionary: {what}. Written by tests/fuzz/make_dicts.py from the "
                "code; do not edit.\n" + "\n".join(entries) + "\n")
        path = os.path.join(HERE, name)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        if old != text:
            stale.append(name)
            if not check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    if check and stale:
        sys.exit(f"out of date (run tests/fuzz/make_dicts.py): {', '.join(stale)}")
    print(f"{'checked' if check else 'wrote'}: study.dict, csv.dict")


if __name__ == "__main__":
    main()
