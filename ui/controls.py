"""Widgets for the registry's controls (``rig.controls``), so no panel lists a control of its own.

Every widget's ``objectName`` is its control's name (``bath_K_mM``, ``clamp``), its tooltip the
control's help, range and source, and it offers the same three things: ``edited(name, value)``
when the user changes it, ``show_value(value)`` to follow the rig without echoing back, and
``control``. A number box reads what is typed in the user's locale and judges it by the rig's own
number rule and range (``rig.controls.checked_number``): text that is not a valid value is shown
as invalid, never applied, and when entered is handed to the rig as typed (``RunLoop.set``),
which refuses it with the registry's own message rather than anything being silently changed.
"""
import math

from PySide6.QtCore import QEvent, QLocale, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QToolTip,
                               QWidget)

from rig.controls import CONTROLS, as_number, checked_number, describe_range

CLAMP_LABELS = {"voltage": "VC", "I=0": "I=0", "current": "IC"}  # MultiClamp's mode buttons, in its order
# the window's one-key shortcuts (run/pause, record, membrane test, lock and fit y, cursors, new cell, range): no
# number holds these keys, so a number box lets them through to the window instead of swallowing them
# while it has the focus
WINDOW_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_R, Qt.Key.Key_M, Qt.Key.Key_L, Qt.Key.Key_F, Qt.Key.Key_C, Qt.Key.Key_N,
               Qt.Key.Key_S, Qt.Key.Key_P)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# on the text only: a style sheet on the box itself would make Qt draw its arrows without the platform's style
INVALID_LOOK = "background: #ffd6d6; color: #b00020;"


def tooltip(control):
    text = f"{control.name}: {control.help}\nRange {control.describe_range()}, default {control.default}."
    return text + (f"\nSource: {control.source}." if control.source else "")


def label_for(control, widget):
    """The words a student reads beside ``widget`` ("Bath K+"); the identifier scripts use
    (``bath_K_mM``) opens its tooltip, and the widget is named by both for a screen reader."""
    label = QLabel(control.label)
    label.setToolTip(tooltip(control))
    label.setBuddy(widget)
    widget.setAccessibleName(f"{control.label} ({control.name})")
    return label


def step_of(control):
    """A round step, about a two-hundredth of the range: 0.5 mM of K+, 20 pA, 0.2 °C."""
    raw = (control.hi - control.lo) / 200.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)



def strict(locale):
    """``locale`` reading and writing no thousands separators: "4,4" is never 44."""
    locale = QLocale(locale)
    locale.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator | QLocale.NumberOption.OmitGroupSeparator)
    return locale


def typed_number(text, locale):
    """``text`` as a number in ``locale`` (4,4 in German is 4.4), or None: the window's one rule
    for what is typed (never NaN or an infinity: ``rig.controls.as_number``)."""
    number, ok = strict(locale).toDouble(text.strip())
    return as_number(number) if ok else None

class TypedNumberBox(QDoubleSpinBox):
    """A number typed in the user's locale: 4,4 where the decimal separator is a comma, refused
    where it is not (never 44: Qt's own box reads the comma there as a thousands separator and
    drops it). What is typed is judged by the rig's number rule within the box's range and
    decimals; text that fails stays as typed, shown invalid (red on pink, the tooltip saying why),
    and nothing is applied until it is valid. Enter, or leaving the box, with it says why beside
    the box and emits ``refused``; leaving puts back the value in force."""
    refused = Signal(str, object)  # why, and what was typed: a number if it is one here, else the text

    def __init__(self, lo, hi, decimals):
        super().__init__()
        self.setDecimals(decimals)
        self.setRange(lo, hi)
        self.setKeyboardTracking(False)  # a typed value counts when Enter is pressed or focus leaves
        self._tip = ""  # the tooltip to put back once the text is valid again
        self._said = None  # the text last refused, so leaving the box does not say it twice
        self.lineEdit().textChanged.connect(self._show_validity)

    def strict_locale(self):
        """The box's locale, reading and writing no thousands separators."""
        return strict(self.locale())

    def typed(self, text=None):
        """What is typed (``text``, else the box's), as a number if it is one in this locale, else the text."""
        body = (self.text() if text is None else text).strip()
        if self.suffix().strip() and body.endswith(self.suffix().strip()):
            body = body[:-len(self.suffix().strip())].strip()
        number = typed_number(body, self.locale())
        return body if number is None else number

    def problem(self, text=None):
        """Why what is typed is not a value for this box, or None if it is one."""
        typed = self.typed(text)
        unit = self.suffix().strip()
        if isinstance(typed, str):
            example = self.strict_locale().toString(1.5, "f", 1)
            return (f"{self.objectName()} = {typed!r} is not a number (decimals are written {example} here; "
                    f"valid {describe_range(self.minimum(), self.maximum(), unit)})")
        try:
            checked_number(self.objectName(), typed, self.minimum(), self.maximum(), unit)
        except ValueError as e:
            return str(e)
        if round(typed, self.decimals()) != typed:
            return f"{self.objectName()} = {typed:g} has more decimals than the box keeps ({self.decimals()})"
        return None

    def validate(self, text, pos):
        # never Invalid: a key Qt's validator refuses is dropped without a word; the box says why instead
        state = QValidator.State.Acceptable if self.problem(text) is None else QValidator.State.Intermediate
        return state, text, pos

    def fixup(self, text):
        return text  # Qt's fixup strips thousands separators: '4,4' would become 44

    def valueFromText(self, text):
        typed = self.typed(text)
        return self.value() if isinstance(typed, str) else typed

    def textFromValue(self, value):
        return self.strict_locale().toString(value, "f", self.decimals())

    def keyPressEvent(self, event):
        if event.key() in ENTER_KEYS and self.problem() is not None:
            self._refuse()  # the text stays, to be put right
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event):
        if self.problem() is not None:
            self._refuse()
        super().focusOutEvent(event)  # Qt puts back the value in force,
        self._show_validity()  # with the edit's signals blocked

    def stepBy(self, steps):
        super().stepBy(steps)  # from invalid text: back to the value in force, signals blocked
        self._show_validity()

    def _refuse(self):
        text = self.text()
        if text == self._said:
            return
        self._said = text
        message = self.problem()
        self.refused.emit(message, self.typed())
        QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), message, self)

    def _show_validity(self):
        problem = self.problem()
        invalid = problem is not None
        if invalid != bool(self.property("invalid")):
            if invalid:
                self._tip = self.toolTip()  # the box's own help, back once the text is valid again
            else:
                self.setToolTip(self._tip)
                self._said = None
            self.setProperty("invalid", invalid)
            self.lineEdit().setStyleSheet(INVALID_LOOK if invalid else "")
        if invalid:
            self.setToolTip(problem)


class NumberBox(TypedNumberBox):
    edited = Signal(str, object)

    def __init__(self, control):
        step = step_of(control)
        super().__init__(control.lo, control.hi, max(0, -math.floor(math.log10(step))) + 1)
        self.control = control
        self.setObjectName(control.name)
        self.setSingleStep(step)
        if control.unit:
            self.setSuffix(f" {control.unit}")
        self.setToolTip(tooltip(control))
        self.show_value(control.default)
        self.valueChanged.connect(lambda value: self.edited.emit(self.control.name, float(value)))
        self.refused.connect(self._tell_rig)
        self.editingFinished.connect(self.clearFocus)  # typed and entered: the keys are the window's again
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel alone never gives it the focus

    def _tell_rig(self, _, typed):
        """Text the rig refuses too (not a number, out of range) goes to it as typed, so that it says
        why in the window's own words; more decimals than the box shows is the box's own refusal,
        said in its tooltip, and nothing reaches the rig."""
        if isinstance(typed, str) or not self.control.lo <= typed <= self.control.hi:
            self.edited.emit(self.control.name, typed)

    def wheelEvent(self, event):
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
