"""The window fits the screens it is for (issue 27): a 1366×768 laptop, a 1280×720 projector in
projector mode, a 1920×1080 desktop at 150 % (1280×720 logical pixels), each less a task bar and a
title bar. Nothing may be cut off: every control, readout and the status bar is inside the window,
or inside a panel that scrolls up and down (never sideways)."""
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QDialog, QLabel, QScrollArea,
                               QTabWidget, QToolBar)

from rig import Session

TASK_AND_TITLE_BARS_PX = 70  # a desktop's panel (~40 px) and the window's title bar (~30 px)
SCREENS = {"laptop 1366x768": (1366, 768, False), "projector 1280x720": (1280, 720, True),
           "desktop 1920x1080 at 150 %": (1280, 720, False)}


@pytest.fixture(scope="module")
def slice_session():
    return Session(preparation="slice", keep_trace=False)


def _inside(widget, window):
    """Whether ``widget`` is wholly inside ``window``, or inside a vertical scroll area that is."""
    area = widget.parentWidget()
    while area is not None and area is not window and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    frame = area.viewport() if isinstance(area, QScrollArea) else widget
    if isinstance(area, QScrollArea):  # reachable by scrolling: within the scrolled widget's width
        if widget.mapTo(area.widget(), widget.rect().topRight()).x() >= area.viewport().width():
            return False
    top_left = frame.mapTo(window, frame.rect().topLeft())
    return window.rect().contains(QRect(top_left, frame.size()))


def _shown_controls(window):
    """Every control and readout drawn now (the pages of tab widgets not shown are checked in turn)."""
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox)
    found = [w for kind in kinds for w in window.findChildren(kind)]
    found += [w for w in window.findChildren(QLabel) if w.objectName().startswith(("readout:", "meter:"))]
    return [w for w in found if w.isVisible()]


def _check_fits(window, qtbot, width, height, projector):
    window.set_projector(projector)
    window.setWindowState(Qt.WindowState.WindowNoState)  # opened maximised on the test's small screen
    window.resize(width, window.height())  # the width first: the readouts' rows follow it, and the height them
    right = window.splitters["split/main"].widget(1)
    # the new fonts are in place after Qt polishes the widgets, and the panes follow them
    qtbot.waitUntil(lambda: window.width() == width and right.width() >= window.panels.minimumSizeHint().width())
    hint = window.minimumSizeHint()
    assert hint.width() <= width and hint.height() <= height - TASK_AND_TITLE_BARS_PX, hint
    window.resize(width, height - TASK_AND_TITLE_BARS_PX)
    qtbot.waitUntil(lambda: window.size().width() == width and window.height() == height - TASK_AND_TITLE_BARS_PX)
    assert window.statusBar().isVisible() and _inside(window.statusBar(), window)
    bar = window.findChild(QToolBar, "toolbar")
    hidden = [a.text() for a in bar.actions() if bar.widgetForAction(a) and not bar.widgetForAction(a).isVisible()
              and not a.isSeparator()]
    assert not hidden, f"toolbar items pushed into its overflow menu: {hidden}"
    for tabs in window.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            cut = [w.objectName() or w.accessibleName() for w in _shown_controls(window) if not _inside(w, window)]
            assert not cut, f"cut off on {tabs.tabText(index)}: {cut}"
    scopes = window.scopes
    assert scopes.height() >= 150, "the scopes need room to be read"


@pytest.mark.parametrize("screen", SCREENS)
def test_the_neuron_s_window_fits_the_screen(window, qtbot, screen):
    _check_fits(window, qtbot, *SCREENS[screen])


@pytest.mark.parametrize("screen", SCREENS)
def test_the_slice_s_window_fits_the_screen(open_window, slice_session, qtbot, screen):
    window = open_window(slice_session)
    _check_fits(window, qtbot, *SCREENS[screen])
    assert window.linescan.isVisible() and window.linescan.height() >= 60


def test_the_speed_and_frame_rate_never_widen_the_window(window, qtbot):
    window.pace.setText("100.0× real time · 60 fps (9999 late)")
    assert window.pace.width() == window.pace.maximumWidth() == window.pace.minimumWidth()


def test_the_about_box_fits_the_screen_and_scrolls(window, qtbot):
    from ui import about, screen_fit

    dialog = about.show(window)
    qtbot.addWidget(dialog)
    area = screen_fit.available(window)
    assert dialog.width() <= area.width() and dialog.height() <= area.height()
    assert isinstance(dialog, QDialog) and "Sources of the effects" in about.text()
    dialog.close()


def test_reset_layout_gives_the_scopes_their_room_back(window, qtbot):
    window.resize(1366, 768 - TASK_AND_TITLE_BARS_PX)
    left = window.splitters["split/left"]
    traces, readouts, results = left.sizes()
    left.setSizes([60, readouts, traces + results - 60])  # a results pane dragged large
    window.settings.setValue("split/left", left.saveState())  # remembered, as the window does on closing
    window.findChild(type(window.projector_action), "reset_layout").trigger()
    assert window.settings.value("split/left") is None
    traces_after, _, results_after = left.sizes()
    assert results_after == window.results.sizeHint().height() and traces_after > 3 * results_after
