"""The engine as it was at an earlier commit, importable beside the current one, so that a benchmark
can time both alternately in one run (these shared machines drift up to 2x between sessions, so
only a ratio measured side by side says whether a change made the engine slower).

``engine_at(rev)`` checks ``rev``'s ``engine/`` out of this repository's git history into a
temporary folder as the package ``engine_before`` (its imports are relative) and imports it; its
Numba kernels compile there once (cache on disk beside it)."""
import importlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def engine_at(rev):
    """The package ``engine`` as of git revision ``rev``, imported as ``engine_before``: its
    ``kernel``, ``cell``, ``slice`` and ``preparations`` modules."""
    root = Path(tempfile.mkdtemp(prefix="engine_before_"))
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", rev, "engine"],
                             check=True, capture_output=True).stdout
    tar_path = root / "engine.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(root, filter="data")
    (root / "engine").rename(root / "engine_before")
    sys.path.insert(0, str(root))
    modules = ("kernel", "cell", "slice", "preparations")
    return {name: importlib.import_module(f"engine_before.{name}") for name in modules}
