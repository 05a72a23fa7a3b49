"""Keyboard and screen reader (issue 27): every control is named and gives its value through Qt's
accessibility interface, every readout says its number as well as showing it, every toolbar and
View-menu command has a key, and every control takes the keyboard's focus."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QHeaderView, QToolBar,
                               QToolButton)

from ui.readouts import READOUTS


def _controls(window):
    """The window's own controls (not Qt's parts of them: a combo box's popup list, a table's headers)."""
    found = [w for kind in (QAbstractButton, QAbstractSpinBox, QComboBox, QAbstractItemView)
             for w in window.findChildren(kind)]
    return [w for w in found if w.window() is window  # not a combo box's popup list
            and not w.objectName().startswith("qt_") and not isinstance(w, QHeaderView)]


def _name(widget, text=QAccessible.Text.Name):
    return QAccessible.queryAccessibleInterface(widget).text(text)


def test_every_control_has_an_accessible_name_and_every_value_box_its_value(window):
    unnamed = [w.objectName() or type(w).__name__ for w in _controls(window) if not _name(w)]
    assert not unnamed, unnamed
    for box in window.findChildren(QAbstractSpinBox):
        assert _name(box, QAccessible.Text.Value), box.objectName()
    bath = window.tabs.widgets["bath_K_mM"]
    assert _name(bath) == "Bath K+ (bath_K_mM)"


def test_every_readout_and_meter_says_its_number(window, qtbot):
    window.tick()
    qtbot.waitUntil(lambda: window.readouts.labels["E_K_mV"].text() != "—")
    for key, label, unit, *_ in READOUTS:
        shown = window.readouts.labels[key]
        assert _name(shown) == f"{label} ({unit})" and shown.accessibleDescription() == shown.text()
    meter = window.amplifier.v_meter
    assert _name(meter) == "V (mV)" and meter.accessibleDescription() in meter.text()
    assert _name(window.readouts.steady) == "steady state" and "Settled" in window.readouts.steady.text()


def test_every_command_has_a_key_and_every_control_takes_the_focus(window):
    bar = window.findChild(QToolBar, "toolbar")
    menu = window.findChild(QToolButton, "button:view").menu()
    commands = [a for a in bar.actions() + menu.actions() if a.text()]  # not the bar's labels and boxes
    keyless = [a.text() for a in commands if a.shortcut().isEmpty() and a.objectName() != "about"]
    assert not keyless, keyless
    outside_bar = [w for w in _controls(window) if not isinstance(w.parentWidget(), QToolBar)]
    unfocusable = [w.objectName() for w in outside_bar if not w.focusPolicy() & Qt.FocusPolicy.TabFocus]
    assert not unfocusable, unfocusable
