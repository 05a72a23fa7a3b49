"""Below the scopes: the experiment log (every marker with its time), the sweeps of the last step
protocol overlaid as episodic acquisition shows them, and the last I–V or f–I curve plotted."""
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QTabWidget

SWEEP_COLOURS = ("#ff6060", "#ffb040", "#f0f060", "#60ff80", "#40e0ff", "#60a0ff", "#c080ff", "#f0f0f0")


class ExperimentLog(QTableWidget):
    def __init__(self):
        super().__init__(0, 2)
        self.setObjectName("log")
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


class Results(QTabWidget):
    def __init__(self):
        super().__init__()
        self.log = ExperimentLog()
        self.addTab(self.log, "Log")
        self.sweeps = pg.PlotWidget()
        self.sweeps.setObjectName("sweeps")
        self.sweeps.setLabel("bottom", "time in sweep (ms)")
        self.sweeps.setLabel("left", "V (mV)")
        self.sweeps.addLegend(offset=(-10, 5))
        self.addTab(self.sweeps, "Sweeps")
        self.curve = pg.PlotWidget()
        self.curve.setObjectName("measurement_plot")
        self.curve.addLegend(offset=(10, -10))  # bottom left: where an I–V curve leaves room
        self.addTab(self.curve, "Measurements")
        for plot in (self.sweeps, self.curve):  # the labels carry the units; no "(x0.001)" added to them
            for side in ("bottom", "left"):
                plot.getAxis(side).enableAutoSIPrefix(False)

    def _height_for(self, rows):
        log = self.log
        return (self.tabBar().sizeHint().height() + log.horizontalHeader().sizeHint().height()
                + rows * log.verticalHeader().defaultSectionSize() + 2 * log.frameWidth() + 4)

    def sizeHint(self):
        """Three lines of the log: the scopes get the rest until a result is plotted."""
        return QSize(super().sizeHint().width(), self._height_for(3))

    def minimumSizeHint(self):
        return QSize(super().minimumSizeHint().width(), self._height_for(1))

    def set_axis_font(self, font):
        """Fonts as the scopes' (projector), for axes and legends."""
        for plot in (self.sweeps, self.curve):
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

    def show_curve(self, kind, result):
        self.curve.clear()
        if kind == "iv_curve":
            self.curve.setLabel("bottom", "V (mV)")
            self.curve.setLabel("left", "I (nA)")  # a whole cell's Na+ current runs to tens of nA
            self.curve.plot(result["V_mV"], np.asarray(result["I_peak_pA"]) / 1e3, pen="#60a0ff", symbol="o",
                            name="peak")
            self.curve.plot(result["V_mV"], np.asarray(result["I_steady_pA"]) / 1e3, pen="#ffb040", symbol="s",
                            name="steady state")
        else:
            self.curve.setLabel("bottom", "step (pA)")
            self.curve.setLabel("left", "rate (Hz)")
            self.curve.plot(result["I_pA"], result["rate_Hz"], pen="#60ff80", symbol="o")
        self.setCurrentWidget(self.curve)
