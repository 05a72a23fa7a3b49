"""The slice rig's second pipette: a solution (KCl, glutamate or GABA, each with its
concentration), where along the slice, how wide and how long, and a Puff button. It only asks
(``puff`` with ``Session.puff``'s keywords); the rig judges the values (``rig.puff``), so a value
out of range comes back with the rig's message naming the valid range. A number is read in the
user's locale (``ui.controls.TypedNumberBox``): text that is not one here is shown invalid, said
(``refused``) and never puffed.
"""
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QGroupBox, QLabel, QPushButton, QRadioButton

from rig.controls import CONTROLS
from rig.puff import SOLUTES as PUFF_SOLUTES
from rig.puff import WHERE as PUFF_WHERE

from .controls import TypedNumberBox

# what a button says, Session.puff's keyword and its default; units and ranges are the rig's (rig.puff)
SOLUTIONS = (("KCl", "K_mM", 60.0), ("glutamate", "glutamate_uM", 100.0), ("GABA", "gaba_uM", 100.0))
# label, Session.puff's keyword, default (the shipped spreading depolarisation's puff)
WHERE = (("position", "at_mm", 0.15), ("width", "width_mm", 0.3), ("duration", "duration_s", 10.0))


class PuffBox(TypedNumberBox):
    """One of the puff's numbers; what it says names the value as the rig does (``puff at_mm``)."""

    def __init__(self, key, decimals):
        # a range beyond every valid value: the rig judges, with a message naming the valid range
        super().__init__(0, 99999, decimals)
        self.key = key
        self.setObjectName(f"puff:{key}:value")

    def problem(self, text=None):
        problem = super().problem(text)
        return problem and problem.replace(self.objectName(), f"puff {self.key}", 1)


class PuffPanel(QGroupBox):
    puff = Signal(dict)  # Session.puff's keywords
    refused = Signal(str)  # why what is typed is not puffed

    def __init__(self):
        super().__init__("Puff pipette")
        # the solutions, then where and how long, in two narrow columns: the panel scrolls with the
        # experiment's tabs, so height costs less than width (the scopes get that)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 2, 6, 2)
        grid.setVerticalSpacing(2)
        self.solution = QButtonGroup(self)
        self.boxes = {}
        for row, ((label, key, default), where) in enumerate(zip(SOLUTIONS, WHERE)):
            choice = QRadioButton(label)
            choice.setObjectName(f"puff:{key}")
            choice.setChecked(row == 0)
            self.solution.addButton(choice, row)
            grid.addWidget(choice, row, 0)
            grid.addWidget(self._box(key, default, CONTROLS[PUFF_SOLUTES[key]].unit), row, 1)
            grid.addWidget(QLabel(where[0]), len(SOLUTIONS) + row, 0)
            grid.addWidget(self._box(*where[1:], PUFF_WHERE[where[1]][2]), len(SOLUTIONS) + row, 1)
        button = QPushButton("Puff")
        button.setObjectName("puff")
        button.setToolTip("Puff the chosen solution onto the slice (a marker says what, where and how long)")
        button.clicked.connect(self._puff)
        # a click leaves the keyboard in the box being typed into, so the puff sees what is typed there
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        grid.addWidget(button, 2 * len(SOLUTIONS), 0, 1, 2)

    def _box(self, key, default, unit):
        box = PuffBox(key, 2 if unit == "mm" else 1)
        box.setSuffix(f" {unit}")
        box.setValue(default)
        box.refused.connect(lambda message, _: self.refused.emit(message))
        self.boxes[key] = box
        return box

    def _puff(self):
        """Puff what the boxes hold as typed (Enter not needed); nothing if one holds no number here."""
        keys = [key for _, key, _ in WHERE] + [SOLUTIONS[self.solution.checkedId()][1]]
        for key in keys:
            problem = self.boxes[key].problem()
            if problem is not None:
                self.refused.emit(f"Not puffed: {problem}")
                return
        for key in keys:
            self.boxes[key].interpretText()  # a valid value typed without Enter counts
        self.puff.emit({key: self.boxes[key].value() for key in keys})
