"""The code passes ruff as pyproject.toml configures it (``[tool.ruff]``): no finding, and no
``noqa`` comment that ruff does not need (RUF100)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
                          "engine", "rig", "ui", "bench", "tests"], cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        pytest.fail(f"ruff check (pip install -e '.[test]' brings ruff):\n{run.stdout}{run.stderr}", pytrace=False)
