"""The installed version of Virtual Rig: shown by ``--version`` and stamped into every recording."""
import importlib.metadata


def version():
    try:
        return importlib.metadata.version("virtual-rig")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"
