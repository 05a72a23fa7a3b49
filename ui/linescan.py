"""The slice's linescan under the scopes: position along the slice (mm, 0 at the bottom) against
time, on the scopes' time axis (linked to it, so it follows and scrolls back with them). One
channel at a time, each on a fixed colour scale so that a colour means the same value all
experiment long; the pipette's place as a line labelled "pipette"; each puff as a faint band where
and while it was given. A click on the image asks (``clicked(mm)``) for the pipette to move there.
The slope tool is a line to lay along a wave's front: its speed in mm/min (``rig.analysis``).
Read from ``Session.linescan`` a few times a second (it copies); nothing physical is computed here.
"""
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QComboBox, QGraphicsRectItem, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rig.analysis import slope_mm_per_min

from .scopes import WIDEST_SIDE_LABEL

CHANNELS = (  # linescan key, choice, colour bar label, fixed (low, high), colour map
    ("V_mV", "neuron V", "V (mV)", (-90.0, 10.0), "inferno"),
    ("K_o_mM", "K_o", "K_o (mM)", (0.0, 50.0), "viridis"),
    ("astro_V_mV", "astrocyte V", "astrocyte V (mV)", (-110.0, -20.0), "plasma"),
)
BAR_PX = 25  # the colour bar's width


class Linescan(QWidget):
    clicked = Signal(float)  # a position along the slice (mm): patch the neuron there
    to_results = Signal(list)  # the slope's reading, (quantity, value, unit) rows

    def __init__(self):
        super().__init__()
        self.setObjectName("linescan")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.setContentsMargins(6, 2, 0, 0)
        header.addWidget(QLabel("Linescan: click a place to patch the neuron there"), 1)
        self.slope_text = QLabel("")
        self.slope_text.setObjectName("slope_reading")
        self.slope_text.setAccessibleName("wave speed")
        header.addWidget(self.slope_text)
        self.slope_add = QPushButton("Add to results")
        self.slope_add.setObjectName("slope_to_results")
        self.slope_add.clicked.connect(lambda: self.to_results.emit(self.slope_rows()))
        self.slope_add.hide()
        header.addWidget(self.slope_add)
        self.slope_button = QPushButton("Slope")
        self.slope_button.setObjectName("slope_tool")
        self.slope_button.setCheckable(True)
        self.slope_button.setToolTip("A line to lay along a wave's front (drag its ends): the wave's speed in mm/min")
        self.slope_button.toggled.connect(self.show_slope)
        header.addWidget(self.slope_button)
        self.slope = None
        self.channel_box = QComboBox()
        self.channel_box.setObjectName("linescan_channel")
        self.channel_box.addItems([choice for _, choice, _, _, _ in CHANNELS])
        self.channel_box.setToolTip("What the colours show; each channel keeps one colour scale")
        header.addWidget(self.channel_box)
        column.addLayout(header)
        self.view = pg.GraphicsLayoutWidget()
        column.addWidget(self.view, 1)
        self.plot = self.view.addPlot()
        self.plot.setMouseEnabled(x=False, y=False)  # it scrolls with the scopes; a click moves the pipette
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("left", "position (mm)")
        self.plot.setLabel("bottom", "time (s)")
        self.plot.getAxis("left").setWidth(70)  # as the scopes': the time axes line up
        for side in ("left", "bottom"):  # the labels carry the units; no "(x0.001)" nor a label typeset each frame
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.plot.enableAutoRange(x=False, y=False)
        self.image = pg.ImageItem(axisOrder="col-major", autoDownsample=True)  # image[t, x]
        self.plot.addItem(self.image)
        self.bar = pg.ColorBarItem(width=BAR_PX, interactive=False, colorMapMenu=False)
        self.bar.getAxis("left").setWidth(1)  # a frame's edge only: the label sits right of the ticks
        self.bar.setImageItem(self.image, insert_in=self.plot)
        # thin and half-transparent: the pipette's own row must stay visible under it
        self.pipette = pg.InfiniteLine(angle=0, movable=False,
                                       pen=pg.mkPen((255, 255, 255, 110), width=1, style=Qt.PenStyle.DashLine),
                                       label="pipette", labelOpts={"position": 0.0, "color": "w",
                                                                    "fill": (0, 0, 0, 180), "anchors": [(0, 1)] * 2})
        self.plot.addItem(self.pipette, ignoreBounds=True)
        self.bands = []  # one faint rectangle per puff
        self._scan = None  # the last linescan read, redrawn when the channel changes
        self.channel_box.currentIndexChanged.connect(self._channel_chosen)
        self.view.scene().sigMouseClicked.connect(self._clicked)
        self.set_axis_font(QFont(self.font().family(), 10))
        self._channel_chosen(0)

    def link_time(self, plot):
        """Share ``plot``'s time axis (the scopes')."""
        self.plot.setXLink(plot)

    def set_axis_font(self, font):
        """Fonts as the scopes' (projector); the colour bar fills the width of their label strip."""
        width = QFontMetrics(font).horizontalAdvance(WIDEST_SIDE_LABEL) + 12
        for axis in (self.plot.getAxis("left"), self.plot.getAxis("bottom"), self.bar.getAxis("right")):
            axis.setStyle(tickFont=font)
            axis.label.setFont(font)
        # less pyqtgraph's 5 px gap before the bar, the bar item's margins (2) and its left edge (1)
        self.bar.getAxis("right").setWidth(width - BAR_PX - 8)
        self.pipette.label.setFont(font)

    def _channel_chosen(self, index):
        _, _, label, levels, colours = CHANNELS[index]
        self.bar.setColorMap(colours)
        self.bar.setLevels(levels)
        self.bar.getAxis("right").setLabel(label)
        self._draw()

    def clear(self):
        """A new slice: no image, no bands."""
        self.image.clear()
        for band in self.bands:
            self.plot.removeItem(band)
        self.bands = []
        self._scan = None

    def refresh(self, session):
        """Draw what the rig's linescan holds for the time the axis shows, the pipette and new puffs."""
        (t0, _) = self.plot.getViewBox().viewRange()[0]
        self._scan = session.linescan(max(session.t_s - t0, 0.0))  # the rig keeps 10 minutes: no more comes
        self._draw()
        patch_mm = session.get("patch_mm")
        if self.pipette.value() != patch_mm:
            self.pipette.setPos(patch_mm)
        for t_s, where, _ in session.puffs()[len(self.bands):]:
            width_mm = where["width_mm"]
            band = QGraphicsRectItem(t_s, where["at_mm"] - width_mm / 2, where["duration_s"], width_mm)
            band.setPen(pg.mkPen((255, 255, 255, 160), width=1, cosmetic=True))
            band.setBrush(pg.mkBrush(255, 255, 255, 50))
            self.plot.addItem(band, ignoreBounds=True)
            self.bands.append(band)

    def _draw(self):
        """The chosen channel of the last scan read: each row and unit a pixel centred on its time and place."""
        if self._scan is None or len(self._scan["t_s"]) < 2:
            return
        t, x = self._scan["t_s"], self._scan["x_mm"]
        dt, dx = (t[-1] - t[0]) / (len(t) - 1), x[1] - x[0]
        self.image.setImage(self._scan[CHANNELS[self.channel_box.currentIndex()][0]], autoLevels=False,
                            levels=self.bar.levels())
        self.image.setRect(QRectF(t[0] - dt / 2, x[0] - dx / 2, len(t) * dt, len(x) * dx))
        self.plot.setYRange(x[0] - dx / 2, x[-1] + dx / 2, padding=0)

    # ---- the slope tool ------------------------------------------------------------------------------
    def show_slope(self, on):
        """Lay a line on the linescan (a third of the way in, across half the slice), or take it away."""
        if on and self.slope is None:
            (t0, t1), (x0, x1) = self.plot.getViewBox().viewRange()
            self.slope = pg.LineSegmentROI([(t0 + 0.4 * (t1 - t0), x0 + 0.25 * (x1 - x0)),
                                            (t0 + 0.7 * (t1 - t0), x0 + 0.75 * (x1 - x0))],
                                           pen=pg.mkPen("#00e0e0", width=3))
            self.plot.addItem(self.slope)
            self.slope.sigRegionChanged.connect(self._slope_moved)
            self._slope_moved()
        elif not on and self.slope is not None:
            self.plot.removeItem(self.slope)
            self.slope = None
            self.slope_text.setText("")
        self.slope_add.setVisible(on)
        if self.slope_button.isChecked() != on:
            self.slope_button.setChecked(on)

    def set_slope(self, t1_s, x1_mm, t2_s, x2_mm):
        """Put the slope line's ends at (t1, x1) and (t2, x2), as dragging them would."""
        self.show_slope(True)
        for handle, (t_s, x_mm) in zip(self.slope.getHandles(), ((t1_s, x1_mm), (t2_s, x2_mm))):
            self.slope.movePoint(handle, pg.Point(t_s, x_mm), coords="parent")

    def slope_ends(self):
        """The slope line's ends in the plot's coordinates: ((t1, x1), (t2, x2))."""
        return tuple((p.x(), p.y()) for p in (self.slope.mapToParent(h.pos()) for h in self.slope.getHandles()))

    def slope_speed(self):
        (t1, x1), (t2, x2) = self.slope_ends()
        return slope_mm_per_min(t1, x1, t2, x2)

    def slope_rows(self):
        (t1, x1), (t2, x2) = self.slope_ends()
        return [("wave speed", self.slope_speed(), "mm/min"), ("Δx", abs(x2 - x1), "mm"), ("Δt", abs(t2 - t1), "s")]

    def _slope_moved(self):
        (t1, x1), (t2, x2) = self.slope_ends()
        self.slope_text.setText(f"wave {self.slope_speed():.2f} mm/min (Δx {abs(x2 - x1):.2f} mm in "
                                f"{abs(t2 - t1):.1f} s)")

    def _clicked(self, event):
        box = self.plot.getViewBox()
        if self.slope is not None:  # the slope tool takes the clicks while it is out
            return
        if event.button() == Qt.MouseButton.LeftButton and box.sceneBoundingRect().contains(event.scenePos()):
            self.clicked.emit(round(box.mapSceneToView(event.scenePos()).y(), 2))
