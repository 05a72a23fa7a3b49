"""The scopes: stacked plots on one time axis, as Clampex shows them, fed from ``rig.view``.

No grid: pyqtgraph's axes paint the grid lines, and with four plots that alone held the scopes
under 20 frames a second on this machine kind. Membrane potential on top with dashed E_K, E_Na and
E_Cl lines that move as the concentrations do, amplifier current below, then two slow strips (ions;
energy). Every marker is a vertical line with its text, in a band kept free of trace at the top of
the V plot. The E_X lines' names and values and the slow strips' trace names are written in a strip
right of the plots, at their heights (an E_X off the scale at the edge, with an arrow), so that no
label covers a trace. Each refresh asks the view for as many (min, max) pairs as the plot is pixels
wide and draws each as a vertical stroke (``column_path``), so no spike vanishes at any zoom and
drawing costs the same whatever the window (1 s to 10 min). While paused, drag or wheel the time
axis to look back. Nothing physical is computed here.
"""
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QGraphicsView

SPANS_S = (1, 2, 5, 10, 30, 60, 120, 300, 600)
# Okabe & Ito's palette, safe for red-green colour blindness, lightened where it sits on black; an
# ion keeps its colour on every plot (K+ orange, Na+ sky blue, Cl- reddish purple)
K_COLOUR, NA_COLOUR, CL_COLOUR = "#e69f00", "#56b4e9", "#e08cc0"
TRACES = (  # plot, channel, label, colour
    ("V", "V_mV", "V", "#f0f0f0"),
    ("I", "I_pA", "I", "#f0e442"),
    ("ions", "K_o_mM", "K_o", K_COLOUR),
    ("ions", "Na_i_mM", "Na_i", NA_COLOUR),
    ("ions", "Cl_i_mM", "Cl_i", CL_COLOUR),
    ("energy", "ATP_mM", "ATP", "#f0e442"),
    ("energy", "O2_mM", "O2", "#30d0a0"),
)
PLOTS = (  # key, axis label, height share, smallest y span shown (so noise is not blown up to fill it)
    ("V", "V (mV)", 3, 5.0), ("I", "I (pA)", 2, 20.0), ("ions", "mM", 1, 2.0), ("energy", "mM", 1, 0.5))
# the reversal lines: told apart by colour, by dash pattern and by their names in the strip beside them
REVERSALS = (("E_K_mV", "E_K", K_COLOUR, Qt.PenStyle.DashLine), ("E_Na_mV", "E_Na", NA_COLOUR, Qt.PenStyle.DotLine),
             ("E_Cl_mV", "E_Cl", CL_COLOUR, Qt.PenStyle.DashDotLine))
REVERSAL_EXTRA_PX = 1  # a reversal line is this much thicker than the traces: readable from the back
TRANSIENT_SHARE = 0.02  # of the current scope's width: what lasts less (a capacitive transient) may run off it
MAX_MARKERS = 200  # marker lines kept on the plots (the log keeps every one)
MARKER_ROWS = 2  # rows of marker texts in the band at the top of the V plot
MARKER_GAP_PX = 8  # between two marker texts in a row
MARKER_COLOUR = "#c080ff"
WIDEST_SIDE_LABEL = "E_Na +60 mV ↑"  # sets the width of the strip right of the plots


class Scopes(pg.GraphicsLayoutWidget):
    def __init__(self):
        super().__init__()
        self.setObjectName("scopes")
        # one repaint a frame, asked for at the end of refresh, not one for every item that changed
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.NoViewportUpdate)
        self.span_s = 10.0
        self.following = True  # the time axis follows the newest sample; False while looking back
        self.y_locked, self._fit_once = False, False
        self.plots = {}
        for row, (key, label, stretch, min_span) in enumerate(PLOTS):
            plot = self.addPlot(row=row, col=0)
            plot.setLabel("left", label)
            plot.enableAutoRange(x=False, y=False)  # ranges are set in _fit_y, only when the data leave them
            for side in ("left", "bottom", "right"):
                # the labels carry the units; and an axis with the SI prefix on re-typesets its label
                # (QGraphicsTextItem.setHtml) at every range change: every frame, hidden or not
                plot.getAxis(side).enableAutoSIPrefix(False)
            if key != PLOTS[-1][0]:
                plot.hideAxis("bottom")  # one time axis, at the bottom
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.getAxis("left").setWidth(70)
            plot.showAxis("right")  # a strip for the lines' names, on every plot so the time axes line up
            plot.getAxis("right").setTicks([])
            plot.getAxis("right").setStyle(showValues=False, tickLength=0)
            self.ci.layout.setRowStretchFactor(row, stretch)
            if key != "V":
                plot.setXLink(self.plots["V"])
            self.plots[key] = plot
        self.plots["energy"].setLabel("bottom", "time (s)")
        self.curves = {}
        for key, channel, name, colour in TRACES:
            self.curves[channel] = ColumnTrace()
            self.plots[key].addItem(self.curves[channel])
        self.min_span = {key: min_span for key, _, _, min_span in PLOTS}
        self.reversal_lines = {}
        for channel, name, colour, style in REVERSALS:
            line = pg.InfiniteLine(angle=0, movable=False)
            self.plots["V"].addItem(line, ignoreBounds=True)
            self.reversal_lines[channel] = line
        # the strip's labels: E_X on the V plot; trace names where a plot holds more than one trace
        self.side_labels = {}
        named = [("V", channel, name, colour) for channel, name, colour, _ in REVERSALS]
        for key, channel, name, colour in named + [t for t in TRACES if t[0] in ("ions", "energy")]:
            self.side_labels[channel] = pg.TextItem(name, color=colour, anchor=(0, 0.5))
            self.side_labels[channel].setParentItem(self.plots[key].getAxis("right"))
        self.marker_lines = []  # (t_s, line on V, line on I)
        self._markers_seen = 0
        self.set_pen_width(1)
        self.set_axis_font(QFont(QApplication.font().family(), 10))
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
            plot.setMouseEnabled(x=not following, y=self.y_locked)

    def set_pen_width(self, width):
        self.pen_width = width
        for key, channel, name, colour in TRACES:
            self.curves[channel].setPen(pg.mkPen(colour, width=width))
        for channel, _, colour, style in REVERSALS:
            self.reversal_lines[channel].setPen(pg.mkPen(colour, width=width + REVERSAL_EXTRA_PX, style=style))

    def set_axis_font(self, font):
        self.label_font = font
        metrics = QFontMetrics(font)
        self.row_px = metrics.height() + 4  # a TextItem's height: the text and its margins
        for label in self.side_labels.values():
            label.setFont(font)
        for _, line, _ in self.marker_lines:
            if getattr(line, "label", None) is not None:
                line.label.setFont(font)
        for plot in self.plots.values():
            plot.getAxis("right").setWidth(metrics.horizontalAdvance(WIDEST_SIDE_LABEL) + 12)
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setStyle(tickFont=font)
                axis.label.setFont(font)

    def lock_y(self, locked):
        """Locked: every y range stays as it is, and the mouse drags and wheels it (y only);
        unlocked: the ranges follow the traces again."""
        self.y_locked = locked
        for plot in self.plots.values():
            plot.setMouseEnabled(x=not self.following, y=locked)

    def fit_y(self):
        """Fit every y range to what is on the scopes now, once (also when locked)."""
        self._fit_once = True
        if self._view is not None:
            (x0, x1) = self.plots["V"].getViewBox().viewRange()[0]
            self._draw(self._view, x1, x1 - x0)
            self.viewport().update()
        self._fit_once = False

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
        # E_K and E_Cl set the V axis's range with the trace (V heads for them); E_Na may lie off the scale
        self._draw(view, end_s, span_s, {"V": [readout[c] for c in ("E_K_mV", "E_Cl_mV") if c in readout]})
        self._add_markers(markers, captions)
        self._place_marker_texts()
        self.viewport().update()

    def _draw(self, view, end_s, span_s, also=None):
        """Draw the stretch; ``also`` maps a plot to values its y range must include (E_K, E_Cl)."""
        width = max(100, int(self.plots["V"].getViewBox().width()))
        bounds = {key: list((also or {}).get(key, ())) for key in self.plots}
        # what the strip names, at what height: E_X at their values, named traces at their newest
        side = {"V": [(self.side_labels[c], line.value(), f"{c[:-3]} {line.value():+.0f} mV")
                      for c, line in self.reversal_lines.items()]}
        t, extremes = view.windows([channel for _, channel, _, _ in TRACES], span_s, width, end_s=end_s)
        for (key, channel, name, _), curve in zip(TRACES, self.curves.values()):
            lo, hi = extremes[channel]
            curve.show_columns(t, lo, hi)
            if len(lo) and key == "I":  # the holding current sets the range; a brief transient runs off it
                bounds[key] += [float(np.quantile(lo, TRANSIENT_SHARE)), float(np.quantile(hi, 1 - TRANSIENT_SHARE))]
            elif len(lo):
                bounds[key] += [float(lo.min()), float(hi.max())]
                if channel in self.side_labels:
                    side.setdefault(key, []).append((self.side_labels[channel], 0.5 * float(lo[-1] + hi[-1]), name))
        for key, values in bounds.items():
            if values:
                # the V plot keeps a band at the top free for the markers' texts
                band = MARKER_ROWS * self.row_px / max(self.plots[key].getViewBox().height(), 1) if key == "V" else 0
                self._fit_y(key, min(values), max(values), min(band, 0.4))
        for key, entries in side.items():
            self._label_side(key, entries)

    def _fit_y(self, key, lo, hi, band=0.0):
        """Keep the y range while the data fill more than half of it and stay inside (below the top
        ``band``, a fraction of the height): a range that changes every frame would make every
        axis redraw its ticks every frame. Locked (``lock_y``), the ranges stay as the user set
        them, until ``fit_y`` once."""
        if self.y_locked and not self._fit_once:
            return
        pad = max(hi - lo, self.min_span[key]) * 0.1
        (y0, y1) = self.plots[key].getViewBox().viewRange()[1]
        top = y1 - band * (y1 - y0)
        if (self._fit_once or lo < y0 or hi > top or (hi - lo + 2 * pad) < 0.5 * (top - y0)
                or y1 - y0 < self.min_span[key]):
            mid, half = 0.5 * (lo + hi), 0.5 * max(hi - lo, self.min_span[key]) + pad
            self.plots[key].setYRange(mid - half, mid + half + 2 * half * band / (1 - band), padding=0)

    def _label_side(self, key, entries):
        """Write ``entries`` (label, value, text) in the strip right of plot ``key``, each at its
        value's height, pushed apart so that none overlaps; a value off the scale is written at
        the edge it lies beyond, with an arrow."""
        axis = self.plots[key].getAxis("right")
        (y0, y1) = self.plots[key].getViewBox().viewRange()[1]
        height, row = axis.height(), self.row_px
        placed = []
        for label, value, text in entries:
            text += " ↑" if value > y1 else " ↓" if value < y0 else ""
            if label.toPlainText() != text:
                label.setText(text)
            placed.append([min(max(height * (y1 - value) / (y1 - y0), row / 2), height - row / 2), label])
        placed.sort(key=lambda p: p[0])
        for above, below in zip(placed, placed[1:]):  # push down, then back up from the bottom edge
            below[0] = max(below[0], above[0] + row)
        placed[-1][0] = min(placed[-1][0], height - row / 2)
        for above, below in reversed(list(zip(placed, placed[1:]))):
            above[0] = min(above[0], below[0] - row)
        for y, label in placed:
            label.setPos(2, round(y))

    def _looked_at(self, *_):
        if not self.following and self._view is not None:
            (x0, x1) = self.plots["V"].getViewBox().viewRange()[0]
            self._draw(self._view, x1, x1 - x0)  # the y ranges follow what is in view
            self.viewport().update()

    def _add_markers(self, markers, captions):
        for t_s, text in markers[self._markers_seen:]:
            label = text if text not in captions else None
            lines = []
            for key in ("V", "I"):
                # the text hangs from the top of the view, in a row of the band (_place_marker_texts)
                line = pg.InfiniteLine(pos=t_s, angle=90, movable=False, pen=pg.mkPen(MARKER_COLOUR, width=1),
                                       label=label if key == "V" else None,
                                       labelOpts={"position": 1.0, "color": "#f0e0ff", "fill": (0, 0, 0, 220),
                                                  "anchors": [(0, 0)] * 2})
                if key == "V" and label is not None:
                    line.label.setFont(self.label_font)
                self.plots[key].addItem(line, ignoreBounds=True)
                lines.append(line)
            self.marker_lines.append((t_s, *lines))
        self._markers_seen = len(markers)
        while len(self.marker_lines) > MAX_MARKERS:
            _, *lines = self.marker_lines.pop(0)
            for plot, line in zip((self.plots["V"], self.plots["I"]), lines):
                plot.removeItem(line)

    def _place_marker_texts(self):
        """Lay the markers' texts out in the band's rows so that none overprints another: the
        newest first, each right of its line (left of it at the right edge), in the top row where
        it fits. A text with no room left is hidden, its line stays (the log has every text); so
        is one whose line has left the view."""
        vb = self.plots["V"].getViewBox()
        (x0, x1) = vb.viewRange()[0]
        width_px = max(vb.width(), 1)
        px_per_s = width_px / max(x1 - x0, 1e-12)
        row_start = [float("inf")] * MARKER_ROWS  # where the texts placed so far in each row begin, px
        for t_s, line, _ in reversed(self.marker_lines):
            label = getattr(line, "label", None)
            if label is None:
                continue
            x = (t_s - x0) * px_per_s
            text_px = label.boundingRect().width()
            side = 0 if x + text_px <= width_px else 1
            left, right = (x, x + text_px) if side == 0 else (x - text_px, x)
            row = next((r for r in range(MARKER_ROWS) if right + MARKER_GAP_PX <= row_start[r]), None)
            shown = 0.0 <= x <= width_px and left >= 0.0 and row is not None
            if label.isVisible() != shown:
                label.setVisible(shown)
            if shown:
                row_start[row] = left
                if label.anchors[0] != (side, -row):  # InfLineLabel re-applies ``anchors`` as the view moves
                    label.anchors = [(side, -row)] * 2
                    label.setAnchor(label.anchors[0])


class ColumnTrace(pg.PlotCurveItem):
    """A trace drawn as pixel columns (``column_path``), whose bounds are known as its data are
    set: pyqtgraph would find them with nanmin and nanmax over every point, again each time the
    view scrolls (four passes a trace a frame)."""

    def __init__(self):
        super().__init__(skipFiniteCheck=True)
        self._bounds = ((None, None), (None, None))

    def show_columns(self, t, lo, hi):
        """Draw each time ``t``'s column from ``lo`` to ``hi``."""
        self._bounds = ((float(t[0]), float(t[-1])), (float(lo.min()), float(hi.max()))) if len(t) else \
            ((None, None), (None, None))
        self.setData(np.repeat(t, 3), column_path(lo, hi))

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        return self._bounds[ax]


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
