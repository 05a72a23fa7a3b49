"""What the window says can be read (issue 27): markers in words with units that never overprint,
reversal lines told apart by more than colour, a scope window that follows the speed (the current
scope's range and locked y ranges: tests/test_scopes.py)."""
import pytest
from PySide6.QtCore import Qt

from rig import Session
from ui.scopes import REVERSALS
from ui.window import AUTO_SPAN_WALL_S


def test_a_control_change_is_marked_in_words_on_the_scope_and_in_the_log(window, qtbot):
    window.change("bath_K_mM", 4.4)
    qtbot.waitUntil(lambda: window.session.get("bath_K_mM") == 4.4)
    window.tick()
    shown = [line.label.format for _, line, _ in window.scopes.marker_lines]
    logged = [window.results.log.item(r, 1).text() for r in range(window.results.log.rowCount())]
    assert "Bath K+ 3 → 4.4 mM" in shown and "Bath K+ 3 → 4.4 mM" in logged
    assert "bath_K_mM 3 -> 4.4" in [text for _, text in window.session.markers()]  # scripts read this


def test_markers_close_together_never_overprint(window, qtbot):
    window.resize(1366, 700)
    window.findChild(type(window.run_action), "run").trigger()  # paused: the markers stay where they are
    qtbot.waitUntil(lambda: window.loop.paused)
    for k in range(8):
        window.session.add_marker(f"note {k}: a marker with a long text")
        window.session.run(0.05)
    window.scopes.follow(True)  # the scopes show the newest 10 s, as while running
    window.tick()
    shown = [line.label for _, line, _ in window.scopes.marker_lines if line.label.isVisible()]
    boxes = [label.sceneBoundingRect() for label in shown]
    assert len(shown) >= 2, "the newest markers' texts are shown"
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_reversal_lines_differ_in_dash_as_well_as_colour_and_are_thick(window):
    pens = {channel: window.scopes.reversal_lines[channel].pen for channel, *_ in REVERSALS}
    assert len({pen.style() for pen in pens.values()}) == len(REVERSALS)
    assert len({pen.color().name() for pen in pens.values()}) == len(REVERSALS)
    assert all(pen.width() >= 2 for pen in pens.values())
    window.set_projector(True)
    assert all(window.scopes.reversal_lines[c].pen.width() >= 4 for c, *_ in REVERSALS)


def test_the_scope_window_follows_the_speed_unless_one_is_picked(window, qtbot):
    window.set_span(None)
    window.speed_box.setCurrentText("20×")
    assert window.scopes.span_s == 300 and window.scopes.span_s / 20 == pytest.approx(AUTO_SPAN_WALL_S, rel=0.6)
    window.speed_box.setCurrentText("1×")
    assert window.scopes.span_s == 10
    window.set_span(60)
    window.speed_box.setCurrentText("20×")
    assert window.scopes.span_s == 60


def test_the_view_menu_s_keys_lock_and_fit(window, qtbot):
    window.scopes.setFocus()
    qtbot.keyClick(window.scopes, Qt.Key.Key_L)
    assert window.scopes.y_locked
    qtbot.keyClick(window.scopes, Qt.Key.Key_L)
    assert not window.scopes.y_locked


def test_a_puff_is_marked_in_words(slice_session_words):
    session = slice_session_words
    session.puff(at_mm=0.15, width_mm=0.3, duration_s=10.0, K_mM=60.0)
    words = session.markers(in_words=True)[-1][1]
    assert words.startswith("Puff K+ 60 mM, Cl- ") and "at 0.15 mm (0.3 mm wide) for 10 s" in words
    assert session.markers()[-1][1].startswith("puff K_mM 60")


@pytest.fixture(scope="module")
def slice_session_words():
    return Session(preparation="slice", keep_trace=False, sample_rate_hz=1000)
