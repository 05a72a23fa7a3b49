"""The data the app ships (``resources/``: presets, scenarios, practicals): the source tree's top-level
``resources/`` folder, which an installed wheel carries as ``rig/resources`` (pyproject.toml maps
one onto the other), so ``pip install .`` and a checkout find the same files."""
from pathlib import Path

_HERE = Path(__file__).resolve().parent
RESOURCES = next((p for p in (_HERE / "resources", _HERE.parent / "resources") if p.is_dir()), _HERE / "resources")
SCENARIOS = RESOURCES / "scenarios"
PRACTICALS = RESOURCES / "practicals"


def shipped_scenarios():
    """Names of the scenarios that come with the app (``--scenario NAME`` runs one)."""
    return sorted(p.stem for p in SCENARIOS.glob("*.toml"))


def shipped_practicals():
    """Names of the lab practicals that come with the app, in the chapter's order."""
    return sorted(p.stem for p in PRACTICALS.glob("*.toml"))


def scenario_path(name_or_path):
    """A scenario file's path: ``name_or_path`` itself if it is a file, else the shipped scenario
    of that name (with or without ``.toml``)."""
    return _path(name_or_path, SCENARIOS)


def practical_path(name_or_path):
    """A practical file's path: ``name_or_path`` itself if it is a file, else the shipped one of that name."""
    return _path(name_or_path, PRACTICALS)


def _path(name_or_path, folder):
    path = Path(name_or_path)
    if path.exists() or path.parent != Path("."):
        return path
    shipped = folder / (path.stem + ".toml")
    return shipped if shipped.exists() else path
