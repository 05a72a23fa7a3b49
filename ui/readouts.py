"""Readouts in large digits, the numbers a rig user keeps an eye on, as ``Session.readout`` gives
them (the driving force on Cl-, the firing rate and the Na+ influx included) with the newest spike's
threshold (``Session.last_spike``), and under them whether V and each ion have settled
(``Session.drift``), with the criteria named. V and I are the amplifier's meters. Nothing is
computed here.

The cells flow into as many columns as the width holds (one row on a wide screen, two or three on
a laptop or with a projector's large digits), so the readouts never widen the window.
"""
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLayout, QWidget

from rig.analysis import DVDT_THRESHOLD_mV_per_ms
from rig.meters import RATE_WINDOW_S
from rig.steady import WINDOW_S

READOUTS = (  # readout key, label, unit, digits, scale (the value shown is value / scale)
    ("E_K_mV", "E_K", "mV", 1, 1.0), ("E_Na_mV", "E_Na", "mV", 1, 1.0), ("E_Cl_mV", "E_Cl", "mV", 1, 1.0),
    ("V_minus_E_Cl_mV", "V − E_Cl", "mV", 1, 1.0), ("K_o_mM", "K_o", "mM", 2, 1.0), ("ATP_mM", "ATP", "mM", 2, 1.0),
    ("I_pump_pA", "pump", "pA", 0, 1.0), ("ATP_use_per_s", "ATP use", "10⁶/s", 0, 1e6),
    ("Na_influx_per_s", "Na+ influx", "10⁶/s", 0, 1e6), ("firing_rate_Hz", f"rate, {RATE_WINDOW_S:g} s", "Hz", 1, 1.0),
    ("threshold_mV", "threshold", "mV", 1, 1.0),
)
WIDEST_DIGITS = "−000.0"  # the widest a readout's value gets (E_Cl −101.8)
CRITERION = {"threshold_mV": f"where dV/dt first exceeds {DVDT_THRESHOLD_mV_per_ms:g} mV/ms before the newest spike's "
                             f"peak (in the last 2 s)",
             "firing_rate_Hz": f"spikes over the last {RATE_WINDOW_S:g} s of cell time"}
CRITERIA = (f"threshold: where dV/dt first exceeds {DVDT_THRESHOLD_mV_per_ms:g} mV/ms before the newest spike's "
            f"peak · rate: spikes over the last {RATE_WINDOW_S:g} s of cell time · settled: a line fitted to the "
            f"last {WINDOW_S:g} s changes less than 0.5 mV or 0.1 mM in ten minutes")
STEADY = (("V_mV", "V", "mV"), ("K_o_mM", "K_o", "mM"), ("Na_i_mM", "Na_i", "mM"), ("K_i_mM", "K_i", "mM"),
          ("Cl_i_mM", "Cl_i", "mM"))


class Readouts(QWidget):
    rows_changed = Signal()  # its height changed: the window gives the difference to the scopes

    def __init__(self):
        super().__init__()
        self.setObjectName("readouts")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(4, 2, 4, 2)
        self._grid.setVerticalSpacing(0)
        self._grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # the flow below sets the height
        self.labels, self._cells = {}, []
        for key, label, unit, _, _ in READOUTS:
            value = QLabel("—")
            value.setObjectName(f"readout:{key}")
            value.setProperty("readout", True)
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            value.setAccessibleName(f"{label} ({unit})")
            value.setAccessibleDescription("—")
            name = QLabel(f"{label} ({unit})")
            if key in CRITERION:  # how it is measured, where the student points
                name.setToolTip(f"{label}: {CRITERION[key]}")
                value.setToolTip(name.toolTip())
            name.setProperty("readout_name", True)  # smaller than the base font: the digits matter
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.labels[key] = value
            self._cells.append((name, value))
        self.steady = QLabel("Settled ✓, or drifting: —")  # settled or drifting, under the digits
        self.steady.setObjectName("steady_state")
        self.steady.setAccessibleName("steady state")
        self.steady.setWordWrap(True)
        self.steady.setToolTip(CRITERIA)
        self._columns = 0
        self._measure()
        self._flow(len(self._cells))

    def _measure(self):
        """The widest cell (its name or its widest digits) and the height of one row of cells, for
        the fonts in use (kept: layouts ask for the size hints many times a frame)."""
        widest = max(max(name.sizeHint().width(), value.fontMetrics().horizontalAdvance(WIDEST_DIGITS) + 4)
                     for name, value in self._cells)
        tall = max(name.sizeHint().height() + value.sizeHint().height() for name, value in self._cells)
        self._cell = (widest + self._grid.horizontalSpacing(), tall)

    def _flow(self, columns):
        """Lay the cells out in ``columns`` columns, as many rows as they need."""
        self._columns = columns
        for name, value in self._cells:
            self._grid.removeWidget(name)
            self._grid.removeWidget(value)
        for i, (name, value) in enumerate(self._cells):
            row, col = divmod(i, columns)
            self._grid.addWidget(name, 2 * row, col)
            self._grid.addWidget(value, 2 * row + 1, col)
        self._grid.removeWidget(self.steady)
        self._grid.addWidget(self.steady, 2 * self._rows(), 0, 1, columns)
        self._fit_height()

    def _rows(self):
        return -(-len(self._cells) // self._columns)

    def _fit_height(self):
        """As tall as the rows of cells and the steady-state line need, no more: the scopes get the rest."""
        margins = self._grid.contentsMargins()
        steady = self.steady.heightForWidth(max(self.width() - margins.left() - margins.right(), 200))
        height = self._rows() * self._cell[1] + steady + margins.top() + margins.bottom()
        if height != self.height():
            self.setFixedHeight(height)
            self.rows_changed.emit()

    def _columns_for(self, width):
        return max(1, min(len(self._cells), width // self._cell[0]))

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.reflow()

    def reflow(self, fonts_changed=False):
        """Re-flow for the present width, and fonts (a projector's digits are wider and taller)."""
        if fonts_changed:
            self._measure()
        columns = self._columns_for(self.width())
        if fonts_changed or columns != self._columns:
            self._flow(columns)
        else:  # the steady-state line may wrap differently at this width
            self._fit_height()

    def minimumSizeHint(self):
        return QSize(self._cell[0], self.minimumHeight())

    def sizeHint(self):
        return QSize(self._cell[0] * len(self._cells), self.minimumHeight())

    def follow(self, readout, spike=None):
        """The digits of ``readout``, and the threshold of ``spike`` (``Session.last_spike``)."""
        readout = {**readout, "threshold_mV": None if spike is None else spike["threshold_mV"]}
        for key, _, _, digits, scale in READOUTS:
            value = readout.get(key)
            text = "—" if value is None else f"{value / scale:.{digits}f}"
            if text != self.labels[key].text():
                self.labels[key].setText(text)
                self.labels[key].setAccessibleDescription(text)  # what a screen reader says it reads

    def follow_drift(self, drift):
        """Settled (✓) or drifting (↗ ↘ with the rate) for V and each ion (``Session.drift``)."""
        parts = []
        for key, name, unit in STEADY:
            found = drift.get(key)
            if found is None:
                parts.append(f"{name} —")
                continue
            rate, settled = found
            if settled:
                parts.append(f"{name} ✓")
            else:
                arrow = "↗" if rate > 0 else "↘"
                parts.append(f"<b>{name} {arrow} {rate:+.2g} {unit}/min</b>".replace("-", "−"))
        text = "Settled ✓, or drifting: " + " · ".join(parts)
        if text != self.steady.text():
            self.steady.setText(text)
            self._fit_height()  # it may take a line more or less
