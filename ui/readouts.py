"""Readouts in large digits, the numbers a rig user keeps an eye on, as ``Session.readout`` gives
them (the driving force on Cl- and the firing rate included). V and I are the amplifier's meters.
Nothing is computed here.

The cells flow into as many columns as the width holds (one row on a wide screen, two or three on
a laptop or with a projector's large digits), so the readouts never widen the window.
"""
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLayout, QWidget

READOUTS = (  # readout key, label, unit, digits, scale (the value shown is value / scale)
    ("E_K_mV", "E_K", "mV", 1, 1.0), ("E_Na_mV", "E_Na", "mV", 1, 1.0), ("E_Cl_mV", "E_Cl", "mV", 1, 1.0),
    ("V_minus_E_Cl_mV", "V − E_Cl", "mV", 1, 1.0), ("K_o_mM", "K_o", "mM", 2, 1.0), ("ATP_mM", "ATP", "mM", 2, 1.0),
    ("I_pump_pA", "pump", "pA", 0, 1.0), ("ATP_use_per_s", "ATP use", "10⁶/s", 0, 1e6),
    ("firing_rate_Hz", "rate", "Hz", 1, 1.0),
)


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
            name = QLabel(f"{label} ({unit})")
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.labels[key] = value
            self._cells.append((name, value))
        self._columns = 0
        self._flow(len(self._cells))

    def _cell_size(self):
        """The widest cell (its name or its widest digits) and the height of one row of cells."""
        widest = max(max(name.sizeHint().width(), value.fontMetrics().horizontalAdvance("−000.00") + 8)
                     for name, value in self._cells)
        tall = max(name.sizeHint().height() + value.sizeHint().height() for name, value in self._cells)
        return widest + self._grid.horizontalSpacing(), tall

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
        rows = -(-len(self._cells) // columns)
        margins = self._grid.contentsMargins()
        height = rows * self._cell_size()[1] + margins.top() + margins.bottom()
        if height != self.height():
            self.setFixedHeight(height)  # no more: the scopes get the rest
            self.rows_changed.emit()

    def _columns_for(self, width):
        return max(1, min(len(self._cells), width // self._cell_size()[0]))

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.reflow()

    def reflow(self, fonts_changed=False):
        """Re-flow for the present width, and fonts (a projector's digits are wider and taller)."""
        columns = self._columns_for(self.width())
        if fonts_changed or columns != self._columns:
            self._flow(columns)

    def minimumSizeHint(self):
        return QSize(self._cell_size()[0], self.minimumHeight())

    def sizeHint(self):
        return QSize(self._cell_size()[0] * len(self._cells), self.minimumHeight())

    def follow(self, readout):
        for key, _, _, digits, scale in READOUTS:
            value = readout.get(key)
            self.labels[key].setText("—" if value is None else f"{value / scale:.{digits}f}")
