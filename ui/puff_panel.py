"""The slice rig's second pipette: a solution (KCl, glutamate or GABA, each with its
concentration), where along the slice, how wide and how long, and a Puff button. It only asks
(``puff`` with ``Session.puff``'s keywords); the rig judges the values (``rig.puff``), so a value
out of range comes back with the rig's message naming the valid range.
"""
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QDoubleSpinBox, QGridLayout, QGroupBox, QLabel, QPushButton, QRadioButton

SOLUTIONS = (  # what the button says, Session.puff's keyword, default, unit
    ("KCl", "K_mM", 60.0, "mM"), ("glutamate", "glutamate_uM", 100.0, "µM"), ("GABA", "gaba_uM", 100.0, "µM"))
WHERE = (  # label, Session.puff's keyword, default (the shipped spreading depolarisation's puff), unit
    ("position", "at_mm", 0.15, "mm"), ("width", "width_mm", 0.3, "mm"), ("duration", "duration_s", 10.0, "s"))


class PuffPanel(QGroupBox):
    puff = Signal(dict)  # Session.puff's keywords

    def __init__(self):
        super().__init__("Puff pipette")
        # solutions on the left, where and how long on the right: four tight rows, so that the tabs stay
        # short enough for the window to fit 1000 px in projector mode
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 2, 6, 2)
        grid.setVerticalSpacing(2)
        self.solution = QButtonGroup(self)
        self.boxes = {}
        for row, ((label, key, default, unit), where) in enumerate(zip(SOLUTIONS, WHERE)):
            choice = QRadioButton(label)
            choice.setObjectName(f"puff:{key}")
            choice.setChecked(row == 0)
            self.solution.addButton(choice, row)
            grid.addWidget(choice, row, 0)
            grid.addWidget(self._box(key, default, unit), row, 1)
            grid.addWidget(QLabel(where[0]), row, 2)
            grid.addWidget(self._box(*where[1:]), row, 3)
        button = QPushButton("Puff")
        button.setObjectName("puff")
        button.setToolTip("Puff the chosen solution onto the slice (a marker says what, where and how long)")
        button.clicked.connect(self._puff)
        grid.addWidget(button, len(SOLUTIONS), 0, 1, 4)

    def _box(self, key, default, unit):
        box = QDoubleSpinBox()
        box.setObjectName(f"puff:{key}:value")
        box.setRange(0, 99999)  # beyond every valid value: the rig judges, with a message naming the range
        box.setDecimals(2 if unit == "mm" else 1)
        box.setSuffix(f" {unit}")
        box.setValue(default)
        self.boxes[key] = box
        return box

    def _puff(self):
        keys = [key for _, key, _, _ in WHERE] + [SOLUTIONS[self.solution.checkedId()][1]]
        self.puff.emit({key: self.boxes[key].value() for key in keys})
