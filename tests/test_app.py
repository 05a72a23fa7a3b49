"""Starting the real app: the missing-library advice (no Qt), a scenario run in the window with a
screenshot (offscreen), and the real window on an X server (Xvfb) drawing its traces."""
import os
import shutil
import subprocess
import sys

import pytest

from ui.qtcheck import advice, debian_package, not_found

LDD = """\tlinux-vdso.so.1 (0x00007ffd)
\tlibxcb-cursor.so.0 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)
"""


def test_missing_libraries_are_named_with_their_debian_packages():
    missing = not_found(LDD)
    assert missing == ["libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libxcb-icccm.so.4"]
    assert [debian_package(m) for m in missing] == ["libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4"]
    assert "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4" in advice(missing)


def run_app(args, tmp_path, env):
    env = {**env, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    return subprocess.run([sys.executable, "-m", "ui", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)


def scope_pixels(png):
    """How many pixels of the membrane-potential scope are (near) white: its trace (#f0f0f0)."""
    from PySide6.QtGui import QColor, QImage

    image = QImage(str(png))
    near_white = [min(QColor(image.pixel(x, y)).getRgb()[:3]) > 200
                  for x in range(100, 800, 2) for y in range(120, 340)]  # below a caption
    return image.width(), image.height(), sum(near_white)


def test_a_scenario_runs_in_the_window_and_leaves_a_screenshot(tmp_path):
    png = tmp_path / "rig.png"
    done = run_app(["--scenario", "high_potassium", "--speed", "50", "--span", "30", "--size", "1366x768",
                    "--screenshot", str(png), "--quit-after", "4"],
                   tmp_path, {**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    width, height, trace = scope_pixels(png)
    assert (width, height) == (1366, 768) and trace > 50


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (apt-get install xvfb)")
def test_a_screenshot_that_cannot_be_saved_is_refused_before_the_run(tmp_path):
    for path, problem in ((tmp_path / "no folder" / "rig.png", "no such folder"), (tmp_path / "rig.pgn", ".png")):
        done = run_app(["--screenshot", str(path), "--quit-after", "1"], tmp_path,
                       {**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        assert done.returncode == 2 and problem in done.stderr and "settle" not in done.stderr


def test_the_window_refuses_what_a_scenario_sets_itself_as_the_headless_run_does(tmp_path):
    done = run_app(["--scenario", "high_potassium", "--preparation", "astrocyte", "--quit-after", "1"], tmp_path,
                   {**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 2 and "with --scenario, write the preparation" in done.stderr


def test_the_real_window_starts_on_an_x_server_and_draws(tmp_path):
    png = tmp_path / "x11.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, "-m", "ui",
                           "--set", "hold_pA=150", "--screenshot", str(png), "--quit-after", "5"],
                          capture_output=True, text=True, env={**env, "HOME": str(tmp_path)}, cwd=tmp_path, timeout=180)
    assert done.returncode == 0, done.stderr
    assert scope_pixels(png)[2] > 50
