"""What every benchmark prints first: the machine it ran on and the steppe it measured."""
import os
import platform
import subprocess


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def print_machine(steppe):
    version = subprocess.run([steppe, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
    print(f"steppe: {version}")


# ---- profile lines and the baseline ------------------------------------------------------
# Every case a benchmark runs through steppe can be recorded: record() prints the solver's
# profile of that run (from the results file's attributes) and, when scripts/bench runs it,
# appends it to the run's list (env STEPPE_BENCH_RESULTS) for the comparison with
# scripts/bench_baseline.json that scripts/bench prints at the end.
import json

PROFILE_KEYS = [
    ("steps", "stats_steps"),
    ("reinit", "stats_reinitialisations"),
    ("cont", "stats_continued_stops"),
    ("res", "stats_residual_evals"),
    ("jac", "stats_jacobian_evals"),
    ("fact", "stats_linear_setups"),
    ("events", "events"),
    ("out s", "output_time_s"),
    ("wall s", "wall_time_s"),
]


def profile_header():
    return f"{'case':<34} " + " ".join(f"{k:>8}" for k, _ in PROFILE_KEYS)


def record(case, results_path, wall=None):
    """Prints one profile line for the run that wrote `results_path`, and records it."""
    import h5py

    with h5py.File(results_path, "r") as f:
        a = f.attrs
        row = {}
        for key, attr in PROFILE_KEYS:
            v = a.get(attr)
            row[key] = float(v) if v is not None else None  # older files lack some
    if wall is not None:
        row["wall s"] = float(wall)
    cells = []
    for key, _ in PROFILE_KEYS:
        v = row[key]
        if v is None:
            cells.append(f"{'—':>8}")
        else:
            cells.append(f"{v:>8.3g}" if key.endswith(" s") else f"{v:>8.0f}")
    print(f"{case:<34} " + " ".join(cells))
    sink = os.environ.get("STEPPE_BENCH_RESULTS")
    if sink:
        with open(sink, "a") as f:
            f.write(json.dumps({"case": case, **row}) + "\n")
    return row
