"""Shared fixtures. Engine and rig tests need no Qt; UI tests use pytest-qt offscreen.

Row tests report what they measured through the ``figure`` fixture; with
``VIRTUAL_RIG_FIGURES=path`` set, a passing run writes those figures to ``path`` (JSON) and
``tests/readme_rows.py`` puts them in the README's table of rows (``make figures``).
"""
import json
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from rig import Session

FIGURES = {}


@pytest.fixture
def figure(request):
    """``figure(row, text)``: what this test measured for a row of targets.md, e.g. ``"+2.1 mV"``."""
    def record(row, text):
        FIGURES.setdefault(str(row), []).append(text)
    return record


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("VIRTUAL_RIG_FIGURES")
    if path and exitstatus == 0:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(FIGURES, f, indent=1, ensure_ascii=False)


@pytest.fixture(scope="session")
def settled_neuron():
    """A settled mature neuron and a snapshot to return to (building one costs ~0.5 s)."""
    s = Session(preparation="neuron", seed=0, sample_rate_hz=1000)
    return s, s.snapshot()


@pytest.fixture
def open_window(qtbot, tmp_path):
    """``open_window(session)``: a rig window on ``session`` with its own settings and folder in
    ``tmp_path``, shown; closed after the test, whose run loop must have ended without an error.
    (Qt is imported here, not above: engine and rig tests need none.)"""
    from PySide6.QtCore import QSettings

    from ui.window import RigWindow
    opened = []

    def open_(session):
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        win = RigWindow(session, settings=settings, folder=str(tmp_path / "recordings"))
        qtbot.addWidget(win)
        win.show()
        opened.append(win)
        return win
    yield open_
    for win in opened:
        win.close()
        assert win.loop.error is None


@pytest.fixture
def window(open_window):
    """A rig window on a neuron sampled at 10 kHz, keeping no trace in memory (as the app runs)."""
    return open_window(Session(sample_rate_hz=10000, keep_trace=False))


@pytest.fixture
def neuron(settled_neuron):
    s, snap = settled_neuron
    s.restore(snap)
    return s


def pytest_collection_modifyitems(items):
    """The long tests (marked slow) start first, half at the head of each worker's share: make test's
    two workers (``--dist worksteal``) each get one contiguous half of this order, take the other's
    queued tests when idle, and so never end with a long test running alone."""
    slow = [item for item in items if item.get_closest_marker("slow")]
    fast = [item for item in items if not item.get_closest_marker("slow")]
    cut = max(0, len(items) // 2 - len(slow[0::2]))
    items[:] = slow[0::2] + fast[:cut] + slow[1::2] + fast[cut:]
