"""The scopes: stacked plots on one time axis, as Clampex shows them, fed from ``rig.view``.

No grid: pyqtgraph's axes paint the grid lines, and with four plots that alone held the scopes
under 20 frames a second on this machine kind. Membrane potential on top with dashed E_K, E_Na and E_Cl lines that move as the concentrations
do, amplifier current below, then two slow strips (ions; energy). Every marker is a vertical line
with its text. Each refresh asks the view for as many (min, max) pairs as the plot is pixels wide
and draws each as a vertical stroke (``column_path``), so no spike vanishes at any zoom and drawing
costs the same whatever the window (1 s to 10 min). While paused, drag or wheel the time axis to look back. Nothing
physical is computed here.
"""
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsView

SPANS_S = (1, 2, 5, 10, 30, 60, 120, 300, 600)
TRACES = (  # plot, channel, label, colour
    ("V", "V_mV", "V", "#f0f0f0"),
    ("I", "I_pA", "I", "#f0c000"),
    ("ions", "K_o_mM", "K_o", "#ff6060"),
    ("ions", "Na_i_mM", "Na_i", "#60a0ff"),
    ("ions", "Cl_i_mM", "Cl_i", "#60ff80"),
    ("energy", "ATP_mM", "ATP", "#ffb040"),
    ("energy", "O2_mM", "O2", "#40e0ff"),
)
PLOTS = (  # key, axis label, height share, smallest y span shown (so noise is not blown up to fill it)
    ("V", "V (mV)", 3, 5.0), ("I", "I (pA)", 2, 20.0), ("ions", "mM", 1, 2.0), ("energy", "mM", 1, 0.5))
REVERSALS = (("E_K_mV", "E_K", "#ff6060"), ("E_Na_mV", "E_Na", "#60a0ff"), ("E_Cl_mV", "E_Cl", "#60ff80"))
MAX_MARKERS = 200  # marker lines kept on the plots (the log keeps every one)


class Scopes(pg.GraphicsLayoutWidget):
    def __init__(self):
        super().__init__()
        self.setObjectName("scopes")
        # one repaint a frame, asked for at the end of refresh, not one for every item that changed
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.NoViewportUpdate)
        self.span_s = 10.0
        self.following = True  # the time axis follows the newest sample; False while looking back
        self.plots = {}
        for row, (key, label, stretch, min_span) in enumerate(PLOTS):
            plot = self.addPlot(row=row, col=0)
            plot.setLabel("left", label)
            plot.enableAutoRange(x=False, y=False)  # ranges are set in _fit_y, only when the data leave them
            plot.getAxis("left").enableAutoSIPrefix(False)
            if key != PLOTS[-1][0]:
                plot.hideAxis("bottom")  # one time axis, at the bottom
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.getAxis("left").setWidth(70)
            self.ci.layout.setRowStretchFactor(row, stretch)
            if key != "V":
                plot.setXLink(self.plots["V"])
            curves = len([t for t in TRACES if t[0] == key])
            if curves > 1:
                plot.addLegend(offset=(-10, 2), labelTextSize="10pt", colCount=curves)
            self.plots[key] = plot
        self.plots["energy"].setLabel("bottom", "time (s)")
        self.curves = {}
        for key, channel, name, colour in TRACES:
            self.curves[channel] = self.plots[key].plot(pen=pg.mkPen(colour, width=1), name=name,
                                                          skipFiniteCheck=True, autoDownsample=False)
        self.min_span = {key: min_span for key, _, _, min_span in PLOTS}
        self.reversal_lines = {}
        for k, (channel, name, colour) in enumerate(REVERSALS):  # labels side by side: E_K and E_Cl lie close
            line = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine),
                                   label=name, labelOpts={"position": 0.02 + 0.12 * k, "color": colour,
                                                          "anchors": [(0, 1), (0, 1)]})
            self.plots["V"].addItem(line, ignoreBounds=True)
            self.reversal_lines[channel] = line
        self.marker_lines = []  # (t_s, line on V, line on I)
        self._markers_seen = 0
        self.pen_width = 1
        self.plots["V"].getViewBox().sigXRangeChanged.connect(self._looked_at)
        self._view = None
        self.region = None

    # ---- what to show -------------------------------------------------------------------------
    def set_span(self, span_s):
        self.span_s = float(span_s)

    def follow(self, following):
        """Follow the newest sample (running) or let the user drag and wheel the time axis (paused)."""
        self.following = following
        for plot in self.plots.values():
            plot.setMouseEnabled(x=not following, y=False)

    def set_pen_width(self, width):
        self.pen_width = width
        for key, channel, name, colour in TRACES:
            self.curves[channel].setPen(pg.mkPen(colour, width=width))

    def set_axis_font(self, font):
        for line in self.reversal_lines.values():
            line.label.setFont(font)
        for plot in self.plots.values():
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setStyle(tickFont=font)
                axis.label.setFont(font)

    def show_range(self, on):
        """A shaded range on the scopes to drag (what export writes), or none."""
        if on:
            (x0, x1) = self.plots["V"].getViewBox().viewRange()[0]
            self.region = pg.LinearRegionItem((x0 + 0.25 * (x1 - x0), x0 + 0.75 * (x1 - x0)))
            self.plots["V"].addItem(self.region)
        elif self.region is not None:
            self.plots["V"].removeItem(self.region)
            self.region = None

    def selected_range(self):
        return tuple(float(x) for x in self.region.getRegion()) if self.region is not None else (None, None)

    def clear_markers(self):
        for _, *lines in self.marker_lines:
            for plot, line in zip((self.plots["V"], self.plots["I"]), lines):
                plot.removeItem(line)
        self.marker_lines = []
        self._markers_seen = 0

    # ---- drawing --------------------------------------------------------------------------------
    def refresh(self, view, readout, markers, captions=()):
        """Draw the newest ``span_s`` (or, while looking back, the stretch the axis shows).
        Markers whose text is in ``captions`` (a scenario's, shown large over the scopes) get
        their line without the text."""
        self._view = view
        if self.following:
            end_s, span_s = view.t_s, self.span_s
            self.plots["V"].setXRange(end_s - span_s, end_s, padding=0)
        else:
            (x0, x1) = self.plots["V"].getViewBox().viewRange()[0]
            end_s, span_s = x1, x1 - x0
        for channel, line in self.reversal_lines.items():
            value = readout.get(channel)
            if value is not None and abs(value - line.value()) > 0.01:
                line.setPos(value)
                line.label.setFormat(f"{channel[:-3]} {value:.0f} mV")
        # E_K and E_Cl set the V axis's range with the trace (V heads for them); E_Na shows when in range
        self._draw(view, end_s, span_s, {"V": [readout[c] for c in ("E_K_mV", "E_Cl_mV") if c in readout]})
        self._add_markers(markers, captions)
        self.viewport().update()

    def _draw(self, view, end_s, span_s, also=None):
        """Draw the stretch; ``also`` maps a plot to values its y range must include (E_K, E_Cl)."""
        width = max(100, int(self.plots["V"].getViewBox().width()))
        bounds = {key: list((also or {}).get(key, ())) for key in self.plots}
        for (key, channel, _, _), curve in zip(TRACES, self.curves.values()):
            t, lo, hi = view.window(channel, span_s, width, end_s=end_s)
            curve.setData(np.repeat(t, 3), column_path(lo, hi))
            if len(lo):
                bounds[key] += [float(lo.min()), float(hi.max())]
        for key, values in bounds.items():
            if values:
                self._fit_y(key, min(values), max(values))

    def _fit_y(self, key, lo, hi):
        """Keep the y range while the data fill more than half of it and stay inside: a range
        that changes every frame would make every axis redraw its ticks every frame."""
        pad = max(hi - lo, self.min_span[key]) * 0.1
        (y0, y1) = self.plots[key].getViewBox().viewRange()[1]
        if lo < y0 or hi > y1 or (hi - lo + 2 * pad) < 0.5 * (y1 - y0) or y1 - y0 < self.min_span[key]:
            mid, half = 0.5 * (lo + hi), 0.5 * max(hi - lo, self.min_span[key]) + pad
            self.plots[key].setYRange(mid - half, mid + half, padding=0)

    def _looked_at(self, *_):
        if not self.following and self._view is not None:
            (x0, x1) = self.plots["V"].getViewBox().viewRange()[0]
            self._draw(self._view, x1, x1 - x0)  # the y ranges follow what is in view
            self.viewport().update()

    def _add_markers(self, markers, captions):
        for k, (t_s, text) in enumerate(markers[self._markers_seen:], self._markers_seen):
            lines = []
            for key in ("V", "I"):
                # the text to the right of the line, at one of three heights so neighbours don't overlap
                line = pg.InfiniteLine(pos=t_s, angle=90, movable=False, pen=pg.mkPen("#c080ff", width=1),
                                       label=text if key == "V" and text not in captions else None,
                                       labelOpts={"position": 0.96 - 0.08 * (k % 3), "color": "#e0c0ff",
                                                  "anchors": [(0, 0.5), (0, 0.5)], "fill": (0, 0, 0, 160)})
                self.plots[key].addItem(line, ignoreBounds=True)
                lines.append(line)
            self.marker_lines.append((t_s, *lines))
        self._markers_seen = len(markers)
        while len(self.marker_lines) > MAX_MARKERS:
            _, *lines = self.marker_lines.pop(0)
            for plot, line in zip((self.plots["V"], self.plots["I"]), lines):
                plot.removeItem(line)


def column_path(lo, hi):
    """The y of one polyline over ``np.repeat(t, 3)`` that draws each pixel column's (min, max) as
    a vertical stroke: it enters where the previous column left (clipped to its own range), runs to
    one extreme and ends at the other, the one nearer the next column's range. The joins from one
    column to the next stay flat or short, so a slow trace reads as one line and a burst as solid
    strokes. (A plain min/max zigzag has a join one pixel wide and a spike tall at every spike; Qt
    draws it half in each pixel column, and along a burst those halves line up into wedges.)"""
    lo_next, hi_next = np.append(lo[1:], lo[-1:]), np.append(hi[1:], hi[-1:])
    up = np.abs(hi - np.clip(hi, lo_next, hi_next)) <= np.abs(lo - np.clip(lo, lo_next, hi_next))
    y = np.empty((len(lo), 3), np.float32)
    y[:, 1] = np.where(up, lo, hi)
    y[:, 2] = np.where(up, hi, lo)
    y[1:, 0] = np.clip(y[:-1, 2], lo[1:], hi[1:])
    y[:1, 0] = y[:1, 1]
    return y.ravel()
