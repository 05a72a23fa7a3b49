"""The window opens offscreen (the placeholder until the rig-window issue)."""
from ui.app import PlaceholderWindow


def test_window_shows_title_and_headless_hint(qtbot):
    w = PlaceholderWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.windowTitle() == "Virtual Rig"
    assert "virtual-rig --headless" in w.centralWidget().text()
