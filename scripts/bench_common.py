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
