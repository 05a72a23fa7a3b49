"""Below the scopes: the experiment log (every marker with its time), the results table (every
measurement appended: ``rig.results``), the sweeps of the last step protocol overlaid as episodic
acquisition shows them, and the I–V and f–I curves, each run overlaid on the earlier ones with a
legend (this cell before and after a drug, the previous cell dashed). Nothing physical here."""
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QPushButton, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from rig.results import COLUMNS

SWEEP_COLOURS = ("#ff6060", "#ffb040", "#f0f060", "#60ff80", "#40e0ff", "#60a0ff", "#c080ff", "#f0f0f0")
# runs of a curve, in turn: Okabe & Ito's palette (colour-blind safe), lightened for a black background
RUN_COLOURS = ("#56b4e9", "#e69f00", "#30d0a0", "#f0e442", "#e08cc0", "#ff7f40", "#a0a0ff", "#f0f0f0")
PREVIOUS_GREY = "#808080"


class ExperimentLog(QTableWidget):
    def __init__(self):
        super().__init__(0, 2)
        self.setObjectName("log")
        self.setAccessibleName("experiment log")
        self.setHorizontalHeaderLabels(["t (s)", "marker"])
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

    def follow(self, markers):
        for t_s, text in markers[self.rowCount():]:
            row = self.rowCount()
            self.insertRow(row)
            self.setItem(row, 0, QTableWidgetItem(f"{t_s:.3f}"))
            self.setItem(row, 1, QTableWidgetItem(text))
            self.scrollToBottom()


class ResultsTable(QWidget):
    """The rows of a ``rig.results.ResultsBook``, newest last; those of earlier cells in grey italics."""
    export_asked = Signal()

    def __init__(self, book):
        super().__init__()
        self.book = book
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("results_table")
        self.table.setAccessibleName("results table")
        self.table.setHorizontalHeaderLabels(["t (s)", "cell", "measurement", "quantity", "value", "unit"])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        for name, text, tip, slot in (
                ("results_copy", "Copy", "Copy the selected rows (all if none) for a spreadsheet (Ctrl+C)", self.copy),
                ("results_export", "Export CSV…", "Write every row as a CSV file", self.export_asked.emit)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Copy, self.table, self.copy,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def show_rows(self):
        """Show the book's rows as they stand (earlier cells' marked)."""
        self.table.setRowCount(len(self.book.rows))
        for r, row in enumerate(self.book.rows):
            fields = (f"{row.t_s:.3f}", self.book.cell_label(row), row.measurement.replace("_", " "), row.quantity,
                      f"{row.value:.4g}", row.unit)
            for c, text in enumerate(fields):
                item = QTableWidgetItem(text)
                if not self.book.is_current(row):
                    item.setForeground(QColor(PREVIOUS_GREY))
                    font = QFont(item.font())
                    font.setItalic(True)
                    item.setFont(font)
                if c == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.scrollToBottom()

    def copy(self):
        picked = sorted({index.row() for index in self.table.selectedIndexes()})
        rows = [self.book.rows[r] for r in picked] if picked else None
        QGuiApplication.clipboard().setText(self.book.as_text(rows))


class CurvePlot(pg.PlotWidget):
    """Runs of one measurement overlaid, each with its legend entry; earlier cells' runs dashed grey."""

    def __init__(self, name, x_label, y_label):
        super().__init__()
        self.setObjectName(name)
        self.setLabel("bottom", x_label)
        self.setLabel("left", y_label)
        self.addLegend(offset=(10, 10))
        for side in ("bottom", "left"):  # the labels carry the units; no "(x0.001)" added to them
            self.getAxis(side).enableAutoSIPrefix(False)
        self.runs = []  # (cell, [curves])

    def add_run(self, cell, x, series):
        """Overlay a run of cell ``cell``: ``series`` is [(y, legend name, symbol)]."""
        colour = RUN_COLOURS[len(self.runs) % len(RUN_COLOURS)]
        curves = [self.plot(x, y, pen=pg.mkPen(colour, width=2), symbol=symbol, symbolBrush=colour, symbolPen=colour,
                            name=name) for y, name, symbol in series]
        self.runs.append((cell, curves))

    def mark_previous(self, cell):
        """Runs of cells before ``cell`` turn dashed grey, their names saying so."""
        for run_cell, curves in self.runs:
            if run_cell < cell:
                for curve in curves:
                    curve.setPen(pg.mkPen(PREVIOUS_GREY, width=1, style=Qt.PenStyle.DashLine))
                    curve.setSymbolBrush(PREVIOUS_GREY)
                    curve.setSymbolPen(PREVIOUS_GREY)
                    name = curve.name()
                    if name and not name.endswith("(previous cell)"):
                        self.plotItem.legend.removeItem(curve)
                        curve.opts["name"] = f"{name} (previous cell)"
                        self.plotItem.legend.addItem(curve, curve.opts["name"])

    def clear_runs(self):
        self.clear()
        self.runs = []


class Results(QTabWidget):
    def __init__(self, book):
        super().__init__()
        self.log = ExperimentLog()
        self.addTab(self.log, "Log")
        self.table = ResultsTable(book)
        self.addTab(self.table, "Results")
        self.sweeps = pg.PlotWidget()
        self.sweeps.setObjectName("sweeps")
        self.sweeps.setLabel("bottom", "time in sweep (ms)")
        self.sweeps.setLabel("left", "V (mV)")
        self.sweeps.addLegend(offset=(-10, 5))
        for side in ("bottom", "left"):
            self.sweeps.getAxis(side).enableAutoSIPrefix(False)
        self.addTab(self.sweeps, "Sweeps")
        # a whole cell's Na+ current runs to tens of nA
        self.curves = {"iv_curve": CurvePlot("iv_plot", "V (mV)", "I (nA)"),
                       "fi_curve": CurvePlot("fi_plot", "step (pA)", "rate (Hz)")}
        self.addTab(self.curves["iv_curve"], "I–V")
        self.addTab(self.curves["fi_curve"], "f–I")
        self._runs = {kind: 0 for kind in self.curves}

    def _height_for(self, rows):
        log = self.log
        return (self.tabBar().sizeHint().height() + log.horizontalHeader().sizeHint().height()
                + rows * log.verticalHeader().defaultSectionSize() + 2 * log.frameWidth() + 4)

    def sizeHint(self):
        """Two lines of the log: the scopes get the rest until a result is plotted."""
        return QSize(super().sizeHint().width(), self._height_for(2))

    def minimumSizeHint(self):
        return QSize(super().minimumSizeHint().width(), self._height_for(1))

    def set_axis_font(self, font):
        """Fonts as the scopes' (projector), for axes and legends."""
        for plot in (self.sweeps, *self.curves.values()):
            for side in ("bottom", "left"):
                plot.getAxis(side).setStyle(tickFont=font)
                plot.getAxis(side).label.setFont(font)
            plot.plotItem.legend.setLabelTextSize(f"{font.pointSize()}pt")

    def show_sweeps(self, result):
        """Overlay the sweeps: V in current clamp, I in voltage clamp (what the step drives)."""
        self.sweeps.clear()
        channel, label = ("V_mV", "V (mV)") if result["unit"] == "pA" else ("I_pA", "I (pA)")
        self.sweeps.setLabel("left", label)
        for k, (step, sweep) in enumerate(zip(result["steps"], result["sweeps"])):
            self.sweeps.plot(sweep["t_s"] * 1e3, sweep[channel], pen=pg.mkPen(SWEEP_COLOURS[k % len(SWEEP_COLOURS)]),
                             name=f"{step:g} {result['unit']}")
        self.setCurrentWidget(self.sweeps)

    def show_curve(self, kind, result, cell, t_s):
        """Overlay this run of ``kind`` (I–V or f–I) of cell ``cell``, taken at ``t_s``."""
        self._runs[kind] += 1
        run = f"run {self._runs[kind]}, cell {cell}, t = {t_s:.0f} s"
        if kind == "iv_curve":
            self.curves[kind].add_run(cell, result["V_mV"], [
                (np.asarray(result["I_peak_pA"]) / 1e3, f"peak ({run})", "o"),
                (np.asarray(result["I_steady_pA"]) / 1e3, f"steady ({run})", "s")])
        else:
            self.curves[kind].add_run(cell, result["I_pA"], [(result["rate_Hz"], run, "o")])
        self.setCurrentWidget(self.curves[kind])

    def new_cell(self, cell):
        """A new cell is patched: the earlier cells' runs and rows are marked as theirs."""
        for plot in self.curves.values():
            plot.mark_previous(cell)
        self.sweeps.clear()
        self.table.show_rows()
