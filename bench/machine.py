"""What every benchmark prints first: which machine its absolute figures came from."""
import os
import platform


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def machine_line():
    return f"{cpu_model()}, os.cpu_count() {os.cpu_count()}; python {platform.python_version()}"
