"""The lab practical in the window: the steps one at a time, what the rig still needs before Record
counts, one-click Record into the results table, the prediction (locked once entered), questions
with their marks (a hint after a wrong try), the practical's plots, and Hand in. Guided shows
every step's instructions; open shows the goals and the table only. It shows and drives a
``rig.practical_run.PracticalRun``; the marks and the measurements are the rig's.

It asks its host (the window) for the session, to run work on the rig's worker (``ask``), to say
things in the status bar (``say``), to patch a cell (``patch_new_cell``, ``patching``) and where
files go (``folder``). Progress is saved after every action in the folder's ``practicals/``, and
found again by the student's ID; Hand in writes the sealed submission and the report as PDF there.
"""
import os

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea,
                               QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from rig import plots
from rig.export import ExportError, Recorded, export, rate_choices
from rig.expressions import ExpressionError
from rig.practical import PracticalError, load_practical
from rig.practical_run import PracticalRun
from rig.recorder import RecordingError
from rig.report import report_html
from rig.submission import SubmissionError, write_submission
from rig.variability import student_seed

from .controls import strict, typed_number
from .practical_dialog import PracticalDialog
from .report_pdf import write_pdf

MARK_COLOURS = {"correct": "#1b7f1b", "within tolerance": "#1b7f1b", "wrong": "#c00000"}
PLOT_COLOURS = plots.COLOURS


class PracticalPanel(QWidget):
    def __init__(self, host):
        super().__init__()
        self.setObjectName("practical")
        self.host, self.run = host, None
        self.guided = True
        outer = QHBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(split)
        # the step: where the student reads and acts
        self.step_area = QScrollArea()
        self.step_area.setWidgetResizable(True)
        # up and down only: the step's texts wrap to the pane's width (large projector fonts too)
        self.step_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        split.addWidget(self.step_area)
        # the table and the plot: what they have found
        found = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget()
        self.table.setObjectName("practical:table")
        self.table.setAccessibleName("results table")
        found.addWidget(self.table)
        self.plot_box = QComboBox()
        self.plot_box.setObjectName("practical:plot_choice")
        self.plot_box.setAccessibleName("which plot")
        self.plot_box.currentIndexChanged.connect(lambda _: self.show_plot())
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("practical:plot")
        self.plot.addLegend(offset=(-10, 5))
        for side in ("bottom", "left"):  # the labels carry the units: no "(x0.001)"
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        found.addWidget(_column(self.plot_box, self.plot))
        split.addWidget(found)
        self.found = found
        found.hide()  # until a practical starts: the pane is a few lines tall then
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.idle = QLabel("No practical open: Practical… (P) starts one.")
        self.step_area.setWidget(self.idle)

    # ---- starting ----------------------------------------------------------------------------------
    def open_dialog(self):
        """Practical…: choose one and whose cell; then start it (or resume it)."""
        dialog = PracticalDialog(self.window(), self.host.student)
        if dialog.exec() == PracticalDialog.DialogCode.Accepted:
            self.begin(*dialog.choice())
        dialog.deleteLater()

    def begin(self, name, student, course="", guided=True):
        """Start practical ``name`` for ``student`` on their own cell, or resume their saved progress."""
        try:
            practical = load_practical(name)
            seed = student_seed(student, course)
        except (PracticalError, ValueError) as e:
            self.host.say(f"Cannot start the practical: {e}", error=True)
            return
        path = progress_path(self.host.folder, practical.id, student)
        resumed = os.path.exists(path)
        try:
            run = PracticalRun.resume(path) if resumed else PracticalRun(practical, student, course, seed, path)
        except (OSError, ValueError, KeyError) as e:
            self.host.say(f"Cannot resume {path}: {e}", error=True)
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.host.student = (student, course)
        cell = next((step.do["patch"] for step in reversed(practical.steps[:run.step_index + 1])
                     if "patch" in step.do), {"preparation": practical.preparation})
        controls = {**practical.start, **{k: v for k, v in cell.items() if k != "preparation"}}
        self.host.patch_new_cell(cell["preparation"], controls, run.cell_seed)
        self.start(run, guided)
        self.host.say(f"{'Resumed' if resumed else 'Started'} {practical.title} at step {run.step_index + 1}: "
                      f"your own cell is being patched")

    def start(self, run, guided=True):
        self.run, self.guided = run, guided
        self.found.show()
        self.plot_box.clear()
        self.plot_box.addItems([p.title for p in run.practical.plots])
        self._show_step()
        self._show_table()

    # ---- the step ----------------------------------------------------------------------------------
    def _show_step(self):
        run = self.run
        step, number, total = run.step, run.step_index + 1, len(run.practical.steps)
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel(f"<b>{run.practical.title}</b> — step {number} of {total}"
                       + (f" · {run.student}" if run.student else ""))
        title.setObjectName("practical:title")
        title.setWordWrap(True)
        layout.addWidget(title)
        if self.guided:
            text = QLabel(step.text)
        else:
            text = QLabel("Goals: " + " ".join(run.practical.goals))
        text.setObjectName("practical:text")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.waiting = QLabel("")
        self.waiting.setObjectName("practical:checkpoint")
        self.waiting.setWordWrap(True)
        layout.addWidget(self.waiting)
        buttons = QHBoxLayout()
        if "patch" in step.do:
            patch = QPushButton(f"Patch this step's cell ({step.do['patch']['preparation'].replace('_', ' ')})")
            patch.setObjectName("practical:patch")
            spec = step.do["patch"]
            controls = {**run.practical.start, **{k: v for k, v in spec.items() if k != "preparation"}}
            patch.clicked.connect(lambda: self.host.patch_new_cell(spec["preparation"], controls, run.cell_seed))
            buttons.addWidget(patch)
        self.record_button = QPushButton("Record")
        self.record_button.setObjectName("practical:record")
        self.record_button.setToolTip("Take this step's measurements into the results table: "
                                      + ", ".join(step.record))
        self.record_button.setEnabled(False)
        self.record_button.setVisible(bool(step.record))
        self.record_button.clicked.connect(self.record)
        buttons.addWidget(self.record_button)
        self.next_button = QPushButton("Next ▶" if number < total else "Finished")
        self.next_button.setObjectName("practical:next")
        self.next_button.clicked.connect(self.next)
        buttons.addWidget(self.next_button)
        self.hand_in_button = QPushButton("Hand in…")
        self.hand_in_button.setObjectName("practical:hand_in")
        self.hand_in_button.clicked.connect(lambda: self.hand_in())
        buttons.addWidget(self.hand_in_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.fields, self.feedback = {}, {}
        if step.prediction is not None:
            self._add_field(layout, step.prediction["id"], f"Predict first: {step.prediction['ask']}",
                            step.prediction["unit"], None, run.predictions.get(step.prediction["id"]))
        for question in step.questions:
            self._add_field(layout, question.id, question.ask, question.unit, question.options,
                            run.answers.get(question.id))
        layout.addStretch(1)
        self.step_area.setWidget(page)
        self._update_next()

    def _add_field(self, layout, key, ask, unit, options, done):
        """The question (or prediction) ``ask``, its field and button on a line, what it got below."""
        label = QLabel(f"<b>{ask}</b>")
        label.setWordWrap(True)
        layout.addWidget(label)
        line = QHBoxLayout()
        if options is not None:
            field = QComboBox()
            field.addItems(["choose…", *options])
        else:
            field = QLineEdit()
            field.setPlaceholderText(unit or "a number")
            field.returnPressed.connect(lambda key=key: self.submit(key))
        field.setObjectName(f"practical:{key}")
        field.setAccessibleName(ask)
        line.addWidget(field, 1)
        check = QPushButton("Lock in" if key not in {q.id for q in self.run.step.questions} else "Check")
        check.setObjectName(f"practical:{key}:check")
        check.clicked.connect(lambda _=False, key=key: self.submit(key))
        line.addWidget(check)
        line.addStretch(1)
        layout.addLayout(line)
        feedback = QLabel("")
        feedback.setObjectName(f"practical:{key}:feedback")
        feedback.setWordWrap(True)
        layout.addWidget(feedback)
        self.fields[key], self.feedback[key] = field, feedback
        if done is not None:
            self._show_done(key, done)

    # ---- acting --------------------------------------------------------------------------------------
    def follow(self, session):
        """Each tick of the window's numbers: whether the checkpoint holds, said in words."""
        if self.run is None:
            return
        holds, missing = self.run.checkpoint(session)
        if self.host.patching:
            holds, missing = False, "wait: your cell is being patched"
        self.record_button.setEnabled(holds)
        self.waiting.setText("Ready: Record when you are." if holds else f"Before Record: {missing}.")
        self.waiting.setStyleSheet("" if holds else "color: #a05000;")

    def record(self):
        self.record_button.setEnabled(False)
        self.host.ask(self.run.take, self._recorded)

    def _recorded(self, row):
        self.run.keep(row)
        self._show_table()
        self.host.say(f"Recorded: step {row['step']}")
        self._update_next()

    def submit(self, key):
        """The prediction or an answer typed in ``key``'s field: checked, marked, shown."""
        run, field = self.run, self.fields[key]
        question_ids = {q.id for q in run.step.questions}
        if isinstance(field, QComboBox):
            value = field.currentText() if field.currentIndex() > 0 else None
        else:
            value = typed_number(field.text(), field.locale())
        if value is None:
            typed = field.currentText() if isinstance(field, QComboBox) else field.text()
            self._say_to(key, "choose one" if isinstance(field, QComboBox) else f"'{typed}' is not a number here "
                         f"(decimals are written {strict(field.locale()).toString(1.5, 'f', 1)})", "wrong")
            return
        try:
            if key in question_ids:
                mark = run.answer(key, value)
                self._show_done(key, run.answers[key])
                self.host.say(f"{mark}: {key}")
            else:
                run.predict(value)
                self._show_done(key, value)
        except (ValueError, ExpressionError) as e:
            self._say_to(key, str(e), "wrong")
        self._update_next()

    def _show_done(self, key, done):
        """A locked prediction, or an answer's mark (and its hint after a wrong try)."""
        if not isinstance(done, dict):
            self.fields[key].setText(f"{done:g}")
            self.fields[key].setReadOnly(True)
            self._say_to(key, "locked in: now do the experiment", "correct")
            return
        question = self.run.practical.question(key)
        words = f"{done['mark']} ({done['attempts']} {'try' if done['attempts'] == 1 else 'tries'})"
        if done["mark"] == "wrong" and question.hint:
            words += f" — hint: {question.hint}"
        self._say_to(key, words, done["mark"])

    def _say_to(self, key, text, mark):
        self.feedback[key].setText(text)
        self.feedback[key].setStyleSheet(f"color: {MARK_COLOURS.get(mark, '#000')};")

    def next(self):
        try:
            before = self.run.step_index
            self.run.next(self.host.session)
        except ValueError as e:
            self.host.say(str(e), error=True)
            return
        if self.run.step_index != before:
            self._show_step()
        else:
            self.host.say("The practical is finished: Hand in… writes your report and your submission.")

    def _update_next(self):
        done = self.run.step_done() if self.run else False
        self.next_button.setEnabled(done)

    def hand_in(self, path=None):
        """Write the sealed submission (``.vrsub``) and the report as PDF beside it; say where."""
        if self.run is None:
            self.host.say("No practical to hand in: Practical… (P) starts one.", error=True)
            return None
        path = path or _free(os.path.splitext(self.run.path)[0] + ".vrsub")
        markers = self.host.session.markers()
        recording, note = self._recording_csv(_free(os.path.splitext(path)[0] + "-recording.csv"))
        try:
            seal = write_submission(self.run, path, markers, recording)
        except (SubmissionError, OSError) as e:
            self.host.say(f"Not handed in: {e}", error=True)
            return None
        pdf = os.path.splitext(path)[0] + ".pdf"
        try:
            write_pdf(report_html(self.run, markers), pdf)
            pdf = f" and the report {pdf}"
        except OSError as e:  # the submission holds the report as HTML all the same
            pdf = f" (the PDF of the report could not be written: {e})"
        self.host.say(f"Handed in: {path} (seal {seal[:12]}…){pdf}{note}")
        return path

    def _recording_csv(self, csv_path):
        """The last recording (if any) exported as CSV at a spreadsheet's size, for the hand-in:
        (its path or None, what the status bar adds)."""
        folder = self.host.recording_path or self.host.last_recording
        if folder is None:
            return None, " (no recording to include: ● Record keeps one)"
        try:
            recorded = Recorded.from_recording(folder)
            fitting = [c["rate_hz"] for c in rate_choices(recorded) if c["fits"]]
            export(recorded, csv_path, rate_hz=fitting[0] if fitting else None)
        except (ExportError, RecordingError, ValueError, OSError) as e:
            return None, f" (the recording could not be included: {e})"
        return csv_path, ", with the recording"

    # ---- what was found ------------------------------------------------------------------------------
    def _show_table(self):
        rows = self.run.rows
        columns = list(dict.fromkeys(key for row in rows for key in row))
        self.table.clear()
        self.table.setColumnCount(len(columns))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(columns)
        for r, row in enumerate(rows):
            for c, key in enumerate(columns):
                value = row.get(key)
                text = "" if value is None else f"{value:.4g}" if isinstance(value, float) else str(value)
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.show_plot()

    def show_plot(self):
        self.plot.clear()
        if self.run is None or not self.run.practical.plots or self.plot_box.currentIndex() < 0:
            return
        plot = self.run.practical.plots[self.plot_box.currentIndex()]
        points = plots.series(plot, self.run.rows)
        self.plot.setLabel("bottom", plot.x_label or plot.x)
        self.plot.setLabel("left", plot.y_label)
        for k, (name, xs, ys) in enumerate(points):
            colour = PLOT_COLOURS[k % len(PLOT_COLOURS)]
            self.plot.plot(xs, ys, pen=None, symbol="o", symbolBrush=colour, symbolPen=colour, name=name)
        fit = plots.fitted(plot, points) if points else None
        if fit is not None:
            self.plot.plot(fit[0], fit[1], pen=pg.mkPen("#888", width=2, style=Qt.PenStyle.DashLine), name=fit[2])
        self.plot.enableAutoRange()  # each new point in view


def _column(*widgets):
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return box


def progress_path(folder, practical_id, student):
    """Where one student's progress in one practical is saved (and found again to resume)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in (student or "anonymous"))
    return os.path.join(folder, "practicals", f"{practical_id}_{safe}.json")


def _free(path):
    """``path``, or ``NAME_2.ext``, ``NAME_3.ext``... if it is taken: a hand-in never replaces one."""
    stem, ext = os.path.splitext(path)
    k = 1
    while os.path.exists(path):
        k += 1
        path = f"{stem}_{k}{ext}"
    return path
