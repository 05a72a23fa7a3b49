"""Two draggable cursors across every scope, and the line under the scopes that says what they
read (``rig.cursors``: the samples under each, Δt, the change and its slope). Dragging one on any
scope moves it on all; it snaps to the sample grid. Nothing is computed here but where to draw.
"""
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from rig import cursors

COLOURS = ("#00e0e0", "#ffffff")  # cursor 1 cyan, cursor 2 white: apart from every trace and marker
NUMBERS = {"mV": 2, "pA": 1, "mM": 3, "s": 4, "ms": 2}


class Cursors(QWidget):
    """The cursors on ``plots`` (a dict of pyqtgraph plots sharing one time axis) and their reading."""
    to_results = Signal(list)  # the reading's rows, (quantity, value, unit), for the results table

    def __init__(self, plots):
        super().__init__()
        self.setObjectName("cursors")
        self.plots = plots
        self.lines = {k: [] for k in (0, 1)}
        for k, colour in enumerate(COLOURS):
            for plot in plots.values():
                line = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen(colour, width=2),
                                       hoverPen=pg.mkPen(colour, width=4))
                line.setZValue(10)
                line.sigPositionChanged.connect(lambda moved, k=k: self._moved(k, moved))
                plot.addItem(line, ignoreBounds=True)
                line.hide()
                self.lines[k].append(line)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.text = QLabel("")
        self.text.setObjectName("cursor_reading")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("cursor reading")
        layout.addWidget(self.text, 1)
        add = QPushButton("Add to results")
        add.setObjectName("cursors_to_results")
        add.setToolTip("Append what the cursors read to the results table")
        add.clicked.connect(self._to_results)
        layout.addWidget(add)
        self._view, self._reading, self._moving = None, None, False
        self.hide()

    def show_cursors(self, on, at_s=None):
        """Show the cursors (at ``at_s``: two times, default a third and two thirds across what the
        view shows of the samples the scopes keep as recorded)."""
        if on:
            (x0, x1) = next(iter(self.plots.values())).getViewBox().viewRange()[0]
            if self._view is not None:
                x0 = max(x0, 0.0, self._view.t_s - 0.9 * self._view.raw_s)
            for k, t in enumerate(at_s or (x0 + (x1 - x0) / 3, x0 + 2 * (x1 - x0) / 3)):
                self.place(k, t)
        for line in self.lines[0] + self.lines[1]:
            line.setVisible(on)
        self.setVisible(on)

    def place(self, k, t_s):
        self.lines[k][0].setValue(t_s)  # the others follow (_moved)

    def positions(self):
        return self.lines[0][0].value(), self.lines[1][0].value()

    def _moved(self, k, moved):
        if self._moving:
            return
        self._moving = True
        t = moved.value()
        if self._view is not None:  # on the sample grid
            t = round(t * self._view.sample_rate_hz) / self._view.sample_rate_hz
        for line in self.lines[k]:
            line.setValue(t)
        self._moving = False
        self.refresh(self._view)

    def refresh(self, view):
        """Say what the cursors read in ``view`` (``rig.view.ScopeView``)."""
        self._view = view
        if not self.isVisible() or view is None:
            return
        self._reading = cursors.reading(view, *self.positions())
        self.text.setText(_words(self._reading))

    def _to_results(self):
        if self._reading is not None:
            self.to_results.emit(cursors.rows(self._reading))


def _number(value, unit):
    return f"{value:.{NUMBERS.get(unit, 3)}f}".replace("-", "−")


def _words(reading):
    if reading is None:
        return ("Cursors: no sample under a cursor (before the recording began, or older than the scopes "
                "keep: read the recording)")
    parts = [f"t₁ {_number(reading['t1_s'], 's')} s   t₂ {_number(reading['t2_s'], 's')} s   "
             f"Δt {_number(reading['dt_ms'], 'ms')} ms"]
    for channel, r in reading["channels"].items():
        name, unit = channel.split("_")[0], r["unit"]
        slope = "" if r["slope_per_s"] is None else f", slope {_number(r['slope_per_s'], unit)} {unit}/s"
        parts.append(f"{name}: {_number(r['at_1'], unit)} → {_number(r['at_2'], unit)} {unit}, "
                     f"Δ{name} {_number(r['delta'], unit)} {unit}{slope}")
    return "   │   ".join(parts)
