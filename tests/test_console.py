"""The ``virtual-rig`` command (``ui.console``): the window, or headless work handed to ``rig.cli``
without Qt, so that ``rig`` never reaches up to ``ui``."""
import subprocess
import sys

import pytest

from ui.console import main


@pytest.mark.parametrize("argv, flag", [(["--csv", "x.csv"], "--csv"),
                                        (["--preparation", "slice", "--puff", "1", "K_mM=60", "at_mm=1"], "--puff"),
                                        (["--preparation", "slice", "--linescan", "s.csv"], "--linescan")])
def test_window_options_need_headless(capsys, argv, flag):
    with pytest.raises(SystemExit):
        main(argv)
    assert f"{flag} only works with --headless" in capsys.readouterr().err


def test_no_display_says_how_to_run_headless(monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main([]) == 2
    assert "no display to open the window on; run experiments with --headless" in capsys.readouterr().err


def test_headless_runs_with_qt_blocked(tmp_path):
    code = ("import sys; sys.modules['PySide6'] = None; sys.modules['pyqtgraph'] = None\n"
            "from ui.console import main\n"
            f"sys.exit(main(['--headless', '--duration', '0.2', '--csv', {str(tmp_path / 'x.csv')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "0.2 s recorded" in done.stdout and (tmp_path / "x.csv").exists()


def test_recover_needs_no_window(tmp_path, capsys):
    assert main(["recover", str(tmp_path / "none.vrig")]) == 2
    assert "cannot read recording" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--headless", "--speed", "10"], "virtual-rig: error: --speed only applies to the window: a --headless run has "
                                      "none and goes as fast as the computer can, for --duration simulated seconds"),
    (["--headless", "--span", "5", "--projector"], "--projector and --span only apply to the window"),
    (["--speed", "fast"], "argument --speed: got 'fast'; expected 1–100 (× real time)"),
    (["--span", "abc"], "argument --span: got 'abc'; expected seconds, 1–600"),
    (["--csv", "x.csv", "--force"], "--csv and --force only work with --headless"),
])
def test_window_options_are_one_line_errors_elsewhere(argv, message, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    err = capsys.readouterr().err
    assert done.value.code == 2 and message in err and err.count("\n") == 1
