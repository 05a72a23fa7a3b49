"""The built wheel carries what the app ships: installed (not editable) into a fresh folder, it
starts a Session from a preset, loads every shipped practical and runs a shipped scenario by name."""
import os
import subprocess

import pytest
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_presets_and_scenarios(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(REPO)], check=True, capture_output=True)
    script = (
        "import rig, rig.shipped as shipped\n"
        f"assert rig.__file__.startswith({str(target)!r}), rig.__file__\n"
        "print(shipped.RESOURCES)\n"
        "s = rig.Session(preset='high k+ (10 mM)', sample_rate_hz=100)\n"
        "assert s.get('bath_K_mM') == 10.0\n"
        "from rig.practical import load_practical\n"
        f"assert [load_practical(n).id for n in shipped.shipped_practicals()] == {_shipped_practicals()!r}\n"
        "from rig.cli import main\n"
        "raise SystemExit(main(['--scenario', 'high_potassium', '--duration', '1']))\n")
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == str(target / "rig" / "resources")
    assert "1 s recorded" in done.stdout


def _shipped_practicals():
    return sorted(p.stem for p in (REPO / "resources" / "practicals").glob("*.toml"))
