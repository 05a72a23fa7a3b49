"""Patching a new cell: the kind of cell, everything fixed once it is patched (myelin wraps, a
fed metabolite, any the registry marks ``fixed``), chosen before it is patched, with the ranges and
messages of the headless API (``rig.controls``), and whose cell it is (a student ID gives a cell of
one's own: ``rig.variability``). Arrow keys move through the list; only Patch (or
Enter) patches. Nothing physical here."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QVBoxLayout, QWidget)

from rig import PREPARATIONS
from rig.controls import CONTROLS
from rig.variability import student_seed

from .controls import label_for, widget_for
from .screen_fit import fit_dialog


class PatchDialog(QDialog):
    def __init__(self, parent, preparation, student=("", "")):
        super().__init__(parent)
        self.setObjectName("patch_dialog")
        self.setWindowTitle("Patch a new cell")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The cell to patch (the recording, if any, ends):"))
        self.kinds = QListWidget()
        self.kinds.setObjectName("patch:preparation")
        self.kinds.setAccessibleName("preparation")
        for prep in PREPARATIONS.values():
            item = QListWidgetItem(prep.title)
            item.setData(Qt.ItemDataRole.UserRole, prep.name)
            self.kinds.addItem(item)
        layout.addWidget(self.kinds, 1)
        layout.addWidget(QLabel("Fixed once it is patched:"))
        self.fixed_form = QWidget()
        self.form = QFormLayout(self.fixed_form)
        layout.addWidget(self.fixed_form)
        layout.addWidget(QLabel("Whose cell (empty: the textbook's standard cell):"))
        whose = QFormLayout()
        self.student = QLineEdit(student[0])
        self.student.setObjectName("patch:student")
        self.student.setPlaceholderText("your student ID: a cell of your own")
        self.student.setToolTip("Every student ID gives its own cell, drawn from the spread real cells show; "
                                "the same ID always gives the same cell")
        self.course = QLineEdit(student[1])
        self.course.setObjectName("patch:course")
        self.course.setPlaceholderText("e.g. PHYS2026")
        self.course.setToolTip("The course (and year) your instructor named: it and your ID choose your cell")
        for text, box in (("Student ID", self.student), ("Course", self.course)):
            box.setAccessibleName(text)
            whose.addRow(QLabel(text), box)
        layout.addLayout(whose)
        self.problem = QLabel("")
        self.problem.setObjectName("patch:problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c00000;")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.patch_button = buttons.addButton("Patch", QDialogButtonBox.ButtonRole.AcceptRole)
        self.patch_button.setObjectName("patch:go")
        self.patch_button.setDefault(True)
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.boxes = {}
        self.kinds.currentItemChanged.connect(lambda *_: self._show_fixed())
        self.kinds.setCurrentRow(list(PREPARATIONS).index(preparation))
        self.kinds.itemDoubleClicked.connect(lambda *_: self._accept_if_valid())
        fit_dialog(self)

    def preparation(self):
        return self.kinds.currentItem().data(Qt.ItemDataRole.UserRole)

    def _show_fixed(self):
        """The fixed properties this kind of cell has, at their defaults."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.boxes = {}
        for control in CONTROLS.values():
            if control.fixed and control.applies_to(self.preparation()):
                box = widget_for(control)  # named as the control: its messages are the headless API's
                self.boxes[control.name] = box
                self.form.addRow(label_for(control, box), box)
        if not self.boxes:
            self.form.addRow(QLabel("nothing: this kind of cell has no such property"))
        self.problem.setText("")

    def fixed(self):
        """The fixed properties as typed, each checked as the headless API checks it; ValueError names a bad one."""
        values = {}
        for name, box in self.boxes.items():
            typed = box.problem()
            if typed is not None:
                raise ValueError(typed)
            box.interpretText()
            values[name] = CONTROLS[name].validate(box.value())
        return values

    def whose(self):
        """(student ID, course) as typed, stripped; an empty ID: the standard cell."""
        return self.student.text().strip(), self.course.text().strip()

    def cell_seed(self):
        """The seed of the student's own cell (rig.variability.student_seed), or None: the standard cell."""
        student, course = self.whose()
        return student_seed(student, course) if student else None

    def _accept_if_valid(self):
        try:
            self.fixed()
        except ValueError as e:
            self.problem.setText(f"Not patched: {e}")
            return
        self.accept()
