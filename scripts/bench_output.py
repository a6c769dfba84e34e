"""Output benchmark: cost per output sample of the results file for 100, 1,000 and 10,000
columns (tests/bench/output_bench.cpp), side by side with the writer of a reference tree
(default: git ref `main`; env STEPPE_BENCH_BASE=<ref>, or "none" to skip). The reference's
library and the same benchmark source are built in build/bench-base/ (ccache) from
`git archive <ref>`, each writer with its own default options.

usage: bench_output.py STEPPE [SAMPLES]"""
import os
import shutil
import subprocess
import sys
import tempfile

from bench_common import print_machine

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
steppe = os.path.abspath(sys.argv[1])
samples = sys.argv[2] if len(sys.argv) > 2 else "2000"
bench_new = os.path.join(os.path.dirname(steppe), "tests", "steppe_bench_output")
base_ref = os.environ.get("STEPPE_BENCH_BASE", "main")


def build_base(ref):
    """The benchmark built against `ref`'s writer; None when that cannot be done here."""
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", ref], capture_output=True,
                         text=True)
    if rev.returncode != 0:
        print(f"reference {ref}: not a git revision here, no side-by-side run")
        return None, None
    rev = rev.stdout.strip()
    top = os.path.join(os.path.dirname(steppe), "bench-base")
    src = os.path.join(top, "src")
    exe = os.path.join(src, "build", "tests", "steppe_bench_output")
    stamp = os.path.join(top, "revision")
    if not (os.path.exists(exe) and os.path.exists(stamp) and open(stamp).read() == rev):
        shutil.rmtree(top, ignore_errors=True)
        os.makedirs(src)
        archive = subprocess.run(["git", "-C", ROOT, "archive", rev], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
        os.makedirs(os.path.join(src, "tests", "bench"), exist_ok=True)
        shutil.copy(os.path.join(ROOT, "tests", "bench", "output_bench.cpp"),
                    os.path.join(src, "tests", "bench", "output_bench.cpp"))
        cml = os.path.join(src, "tests", "CMakeLists.txt")
        with open(cml) as f:
            text = f.read()
        if "steppe_bench_output" not in text:
            with open(cml, "a") as f:
                f.write("\nadd_executable(steppe_bench_output bench/output_bench.cpp)\n"
                        "target_link_libraries(steppe_bench_output PRIVATE steppe_lib)\n")
        launcher = ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"] if shutil.which("ccache") else []
        subprocess.run(["cmake", "-S", src, "-B", os.path.join(src, "build"),
                        "-DCMAKE_BUILD_TYPE=Release", "-DPython3_EXECUTABLE=/usr/bin/python3",
                        *launcher], check=True, stdout=subprocess.DEVNULL)
        r = subprocess.run(["cmake", "--build", os.path.join(src, "build"), "-j",
                            str(os.cpu_count() or 2), "--target", "steppe_bench_output"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(f"reference {ref} ({rev}): the benchmark does not build against its writer:\n"
                  + r.stderr[-2000:])
            return None, rev
        with open(stamp, "w") as f:
            f.write(rev)
    return exe, rev


def run(exe, label):
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([exe, tmp, samples], capture_output=True, text=True, check=True)
    print(f"--- {label}")
    print(r.stdout, end="")
    return {int(line.split()[0]): float(line.split()[2])
            for line in r.stdout.splitlines()[1:] if line.strip()}


print_machine(steppe)
print(f"output: {samples} samples per case, µs per sample inside the results file "
      "(creation, appends, close), each writer with its default options")
base_exe, base_rev = (None, None) if base_ref == "none" else build_base(base_ref)
new = run(bench_new, "this tree")
if base_exe:
    old = run(base_exe, f"{base_ref} ({base_rev})")
    print("--- ratio this tree / reference (µs per sample)")
    for cols in new:
        if cols in old:
            print(f"{cols:8d} columns: {new[cols]:10.2f} / {old[cols]:10.2f} = "
                  f"{new[cols] / old[cols]:.2f}")
