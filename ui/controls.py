"""Widgets for the registry's controls (``rig.controls``), so no panel lists a control of its own.

Every widget's ``objectName`` is its control's name (``bath_K_mM``, ``clamp``), its tooltip the
control's help, range and source, and it offers the same three things: ``edited(name, value)``
when the user changes it, ``show_value(value)`` to follow the rig without echoing back, and
``control``. A number box takes whatever is typed: the rig judges it (``RunLoop.set``), so an
out-of-range value is refused with the registry's own message rather than silently clamped.
"""
import math

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QComboBox, QDoubleSpinBox, QHBoxLayout, QPushButton, QWidget

from rig.controls import CONTROLS

CLAMP_LABELS = {"voltage": "VC", "I=0": "I=0", "current": "IC"}  # MultiClamp's mode buttons, in its order
# the window's one-key shortcuts (run/pause, record, membrane test): no number holds these keys, so
# a number box lets them through to the window instead of swallowing them while it has the focus
WINDOW_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_R, Qt.Key.Key_M)


def tooltip(control):
    text = f"{control.name}: {control.help}\nRange {control.describe_range()}, default {control.default}."
    return text + (f"\nSource: {control.source}." if control.source else "")


def step_of(control):
    """A round step, about a two-hundredth of the range: 0.5 mM of K+, 20 pA, 0.2 °C."""
    raw = (control.hi - control.lo) / 200.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


class NumberBox(QDoubleSpinBox):
    edited = Signal(str, object)

    def __init__(self, control):
        super().__init__()
        self.control = control
        self.setObjectName(control.name)
        step = step_of(control)
        self.setDecimals(max(0, -math.floor(math.log10(step))) + 1)
        self.setRange(-1e9, 1e9)  # any number may be typed: the registry judges it, with a message
        self.setSingleStep(step)
        self.setKeyboardTracking(False)  # a typed value counts when Enter is pressed or focus leaves
        if control.unit:
            self.setSuffix(f" {control.unit}")
        self.setToolTip(tooltip(control))
        self.show_value(control.default)
        self.valueChanged.connect(lambda value: self.edited.emit(self.control.name, float(value)))
        self.editingFinished.connect(self.clearFocus)  # typed and entered: the keys are the window's again
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel alone never gives it the focus

    def wheelEvent(self, event):  # noqa: N802 - Qt's name
        """Scrolling past a box must not change the experiment: the wheel turns only a box the
        student has clicked into; otherwise it scrolls the panel."""
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()

    def event(self, event):
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in WINDOW_KEYS:
            event.ignore()  # not for this box: the window's shortcut takes it
            return True
        return super().event(event)

    def sizeHint(self):  # sized for the control's own range, not for the wide range typing allows
        hint = super().sizeHint()
        widest = max(f"{v:.{self.decimals()}f}{self.suffix()}" for v in (self.control.lo, self.control.hi))
        hint.setWidth(self.fontMetrics().horizontalAdvance(widest + "00") + 40)
        return hint

    minimumSizeHint = sizeHint

    def show_value(self, value):
        if self.value() != round(float(value), self.decimals()):
            with QSignalBlocker(self):
                self.setValue(float(value))


class ChoiceBox(QComboBox):
    edited = Signal(str, object)

    def __init__(self, control):
        super().__init__()
        self.control = control
        self.setObjectName(control.name)
        self.addItems(list(control.choices))
        self.setToolTip(tooltip(control))
        self.show_value(control.default)
        self.currentTextChanged.connect(lambda text: self.edited.emit(self.control.name, text))

    def show_value(self, value):
        if self.currentText() != str(value):
            with QSignalBlocker(self):
                self.setCurrentText(str(value))


class ClampButtons(QWidget):
    """The amplifier's mode as MultiClamp shows it: three big buttons, the active one lit."""
    edited = Signal(str, object)

    def __init__(self, control=CONTROLS["clamp"]):
        super().__init__()
        self.control = control
        self.setObjectName(control.name)
        self.setToolTip(tooltip(control))
        self.group = QButtonGroup(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons = {}
        for mode, label in CLAMP_LABELS.items():
            button = QPushButton(label)
            button.setObjectName(f"clamp={mode}")
            button.setCheckable(True)
            button.setMinimumHeight(40)
            self.group.addButton(button)
            layout.addWidget(button)
            self.buttons[mode] = button
            button.clicked.connect(lambda _=False, m=mode: self.edited.emit(self.control.name, m))
        self.show_value(control.default)

    def show_value(self, value):
        for mode, button in self.buttons.items():
            with QSignalBlocker(button):
                button.setChecked(mode == value)


def widget_for(control):
    if control.name == "clamp":
        return ClampButtons(control)
    return ChoiceBox(control) if control.is_choice else NumberBox(control)
