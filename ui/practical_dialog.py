"""Practical…: which lab practical, whose cell (student ID and course), and how much guidance.
A student's progress in a practical is found again by the same ID: the practical resumes where it
was left (the window says so)."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QVBoxLayout)

from rig.practical import PracticalError, load_practical
from rig.shipped import shipped_practicals

from .screen_fit import fit_dialog

GUIDANCE = ("guided: every step's instructions", "open: the goals and the table only")


class PracticalDialog(QDialog):
    def __init__(self, parent, student=("", "")):
        super().__init__(parent)
        self.setObjectName("practical_dialog")
        self.setWindowTitle("Start a lab practical")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The practical (one per section of the chapter):"))
        self.list = QListWidget()
        self.list.setObjectName("practical:choice")
        self.list.setAccessibleName("practical")
        for name in shipped_practicals():
            try:
                practical = load_practical(name)
            except PracticalError as e:  # a broken file is listed, greyed, with why
                item = QListWidgetItem(f"{name}: cannot be used")
                item.setToolTip(str(e))
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            else:
                item = QListWidgetItem(f"{practical.section}. {practical.title}")
                item.setToolTip("\n".join(practical.goals))
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        layout.addWidget(self.list, 1)
        form = QFormLayout()
        self.student = QLineEdit(student[0])
        self.student.setObjectName("practical:student")
        self.student.setPlaceholderText("your student ID: your own cell, your own answers")
        self.course = QLineEdit(student[1])
        self.course.setObjectName("practical:course")
        self.course.setPlaceholderText("e.g. PHYS2026")
        self.guidance = QComboBox()
        self.guidance.setObjectName("practical:guidance")
        self.guidance.addItems(GUIDANCE)
        for text, box in (("Student ID", self.student), ("Course", self.course), ("Guidance", self.guidance)):
            box.setAccessibleName(text)
            form.addRow(QLabel(text), box)
        layout.addLayout(form)
        self.problem = QLabel("")
        self.problem.setObjectName("practical:problem")
        self.problem.setStyleSheet("color: #c00000;")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        go = buttons.addButton("Start", QDialogButtonBox.ButtonRole.AcceptRole)
        go.setObjectName("practical:start")
        go.setDefault(True)
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_dialog(self)

    def choice(self):
        """(practical name, student ID, course, guided)."""
        return (self.list.currentItem().data(Qt.ItemDataRole.UserRole), self.student.text().strip(),
                self.course.text().strip(), self.guidance.currentIndex() == 0)

    def _accept_if_valid(self):
        if not self.student.text().strip():
            self.problem.setText("Type your student ID: it chooses your own cell, and finds your progress again.")
            return
        self.accept()
