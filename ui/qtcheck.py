"""Before Qt opens a window on Linux: which system libraries its X11 plugin still lacks.

Qt aborts the interpreter when a library of its xcb platform plugin is missing, and its message
names only the first (``libxcb-cursor0`` on a stock Debian). This asks ``ldd`` about the plugin
and Qt's xcb support library instead, without loading Qt, and names every missing library with
the Debian package that has it. It never imports Qt.
"""
import glob
import os
import subprocess
import sys


def missing_libraries():
    """Sonames the xcb plugin cannot find here (empty when all is well, or not on X11)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM", "xcb") not in ("", "xcb"):
        return []
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    qt = os.path.join(spec.submodule_search_locations[0], "Qt")
    files = glob.glob(os.path.join(qt, "plugins", "platforms", "libqxcb.so")) + glob.glob(
        os.path.join(qt, "lib", "libQt6XcbQpa.so*"))
    missing = []
    for path in files:
        try:
            out = subprocess.run(["ldd", path], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        missing += [name for name in not_found(out) if name not in missing]
    return missing


def not_found(ldd_output):
    """The sonames ``ldd`` reports as ``not found``."""
    return [line.split("=>")[0].strip() for line in ldd_output.splitlines() if "not found" in line]


def debian_package(soname):
    """Debian's package for a library soname: libxcb-cursor.so.0 -> libxcb-cursor0,
    libxkbcommon-x11.so.0 -> libxkbcommon-x11-0."""
    name, _, version = soname.partition(".so.")
    return f"{name}{'-' if name[-1:].isdigit() else ''}{version}"


def advice(missing):
    packages = " ".join(debian_package(name) for name in missing)
    return (f"virtual-rig: Qt cannot open a window here: this machine lacks {', '.join(missing)}.\n"
            f"On Debian or Ubuntu install them with:\n    sudo apt-get install {packages}\n"
            f"(experiments without a window run now: virtual-rig --headless --help)")
