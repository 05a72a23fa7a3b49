"""The rig window: scopes (and a slice's linescan) beside an amplifier commander, experiment panels,
readouts and a log, driving a ``rig.Session`` through a ``rig.RunLoop``.

The cell runs on the loop's worker thread; this thread only draws. One timer (30 frames a second)
reads what the rig published (``session.view``, ``readout``, ``controls``, ``markers``) and
redraws; every user action becomes a command: ``RunLoop.set`` for a control (a bad value comes
back at once as the registry's message), ``RunLoop.submit`` for a measurement, a protocol or the
recorder, whose result the timer picks up when it is ready. Nothing physical is computed here.
"""
import concurrent.futures
import datetime
import math
import os
import threading
import time

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QFileDialog, QLabel, QMainWindow, QMenu, QMessageBox,
                               QSplitter, QToolBar, QToolButton, QToolTip, QVBoxLayout, QWidget)

from rig import PREPARATIONS, RunLoop, Session
from rig.export import Recorded, export, rate_choices
from rig.protocols import step_sweeps
from rig.results import ResultsBook, measured_rows
from rig.recorder import cut_off, recover
from rig.runloop import LoopStopped

from . import about, export_dialog, screen_fit, style
from .amplifier_panel import AmplifierPanel
from .cursors import Cursors
from .linescan import Linescan
from .panels import ExperimentTabs
from .patch_dialog import PatchDialog
from .practical_panel import PracticalPanel
from .readouts import Readouts
from .results import Results
from .scopes import SPANS_S, Scopes

FRAME_MS = 33
NUMBERS_S = 0.1  # digits and panels follow the rig ten times a second: faster is unreadable and costs
DRIFT_S = 1.0  # whether the cell has settled is judged once a second (a fit over a minute of cell time)
SCAN_S = 0.2  # the linescan is read (a copy) five times a second: a wave moves mm per minute
SPEEDS = (1, 2, 5, 10, 20, 50, 100, None)  # None: as fast as the engine goes
AUTO_SPAN = "auto"  # the scopes' window follows the speed
AUTO_SPAN_WALL_S = 10.0  # ... showing about this much of the user's own time
CAPTION_S = 8.0  # a scenario's caption stays this long above the scopes (wall seconds)
RESULTS_SHARE = 0.4  # a plotted sweep or curve gets this much of the left column: readable from the back
PROJECTED_PRACTICAL_SHARE = 0.3  # a practical opened in projector mode, whose readouts are twice as tall
MEASUREMENTS = {"membrane_test": lambda s, **a: s.membrane_test(), "rheobase": lambda s, **a: s.rheobase(),
                "iv_curve": lambda s, **a: s.iv_curve(), "fi_curve": lambda s, **a: s.fi_curve(),
                "step_sweeps": lambda s, **a: step_sweeps(s, **a)}


RED = "#c00000"  # an error in the status bar: legible on its light grey, on a projector too
LOST_LOOK = f"color: {RED}; font-weight: bold;"  # the status label while the patched cell is lost

NOTHING_RECORDED = ("Nothing recorded yet: press ● Record (R). Everything from then on goes to disk as it "
                    "happens, and Export writes it (or a range you select) as CSV or ATF.")


def _column(top, below, stretch_top=False):
    """``top`` over ``below``, edge to edge; ``below`` takes the height left (``top`` if ``stretch_top``)."""
    widget = QWidget()
    column = QVBoxLayout(widget)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(top, 1 if stretch_top else 0)
    column.addWidget(below, 0 if stretch_top else 1)
    return widget


def default_folder():
    return os.path.join(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or
                        os.path.expanduser("~"), "Virtual Rig")


def _named(error):
    """An exception as the status bar says it: its kind, and its message if it has one."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _whose(session, student):
    """Whose cell the status bar says was patched: nothing for the standard cell."""
    if session.cell_seed is None:
        return ""
    if session.cell_attempt is None:
        return " (no draw of this seed fell within the measured ranges: the standard cell)"
    owner = f"{student[0]}'s own cell" if student[0] else "a cell of its own"
    return f", {owner} (seed {session.cell_seed}, draw {session.cell_attempt + 1})"


class RigWindow(QMainWindow):
    def __init__(self, session, speed=1.0, settings=None, folder=None):
        super().__init__()
        self.setWindowTitle("Virtual Rig")
        self.settings = settings if settings is not None else QSettings("VirtualRig", "Virtual Rig")
        self.folder = folder or self.settings.value("folder", default_folder())
        self.pending = []  # (future, what to do with its result)
        self.recording_path = self.last_recording = None
        self.student = ("", "")  # (student ID, course) of the cell patched last through New cell…
        self._exporter = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="export")
        self._new_cell = None  # (thread, holder) while a new cell is being patched
        self._frames, self._late, self._numbers_at, self._scan_at, self._drift_at = [], 0, 0.0, 0.0, 0.0

        self.scopes = Scopes()
        self.linescan = Linescan()
        self.linescan.link_time(self.scopes.plots["V"])
        self.readouts = Readouts()
        self.cursors = Cursors(self.scopes.plots)
        self.book = ResultsBook()  # every measurement's numbers, cell by cell
        self.results = Results(self.book)
        self.practical = PracticalPanel(self)  # the lab practical, first of the results pane's tabs
        self.results.insertTab(0, self.practical, "Practical")
        self.results.setCurrentWidget(self.results.log)  # the log until a practical starts
        self.amplifier = AmplifierPanel()
        self.tabs = ExperimentTabs()
        self.caption = QLabel()  # a scenario's caption, in a banner across the window's top
        self.caption.setObjectName("caption")
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.hide()
        self._caption_until, self._captions_seen = 0.0, 0
        self._build_toolbar()
        self._lay_out()
        self.amplifier.edited.connect(self.change)
        self.readouts.rows_changed.connect(self._readouts_fitted)
        self.tabs.edited.connect(self.change)
        self.tabs.preset.connect(self.apply_preset)
        self.tabs.puff_panel.puff.connect(self.puff)
        self.tabs.puff_panel.refused.connect(lambda message: self.say(message, error=True))
        self.linescan.clicked.connect(lambda mm: self.change("patch_mm", mm))
        self.cursors.to_results.connect(lambda rows: self._to_results("cursors", rows))
        self.linescan.to_results.connect(lambda rows: self._to_results("slope on the linescan", rows))
        self.results.table.export_asked.connect(self.export_results)
        self.amplifier.measure.connect(self.measure)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setMinimumWidth(1)  # a long message beside it shortens this label, never the speed's
        self.statusBar().addPermanentWidget(self.status)
        self.pace = QLabel("")  # how fast the rig runs and the scopes draw: a fixed width, whatever it says
        self.pace.setObjectName("pace")
        self.pace.setAccessibleName("speed and frame rate")
        self.statusBar().addPermanentWidget(self.pace)
        self.statusBar().setSizeGripEnabled(False)  # it would cover the last characters of the speed
        self._lost_shown = False  # the status label says the cell is lost (its membrane broke down)
        self._refused = None  # the control whose refused value the status bar says, until put right

        self.use_session(session, speed)
        self.set_projector(self.settings.value("projector", False, type=bool))
        screen_fit.fit(self, self.settings.value("geometry"))
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.scopes.setFocus()  # no text box holds the keyboard at start: Space, R and M work at once

    # ---- building --------------------------------------------------------------------------------
    def _build_toolbar(self):
        bar = QToolBar("Rig")
        bar.setObjectName("toolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.run_action = self._action("run", "▶ Run", "Space", "Run or pause the cell (Space)", checkable=True)
        bar.addAction(self.run_action)
        self.run_action.toggled.connect(self.set_running)
        bar.addWidget(QLabel(" speed "))
        self.speed_box = QComboBox()
        self.speed_box.setObjectName("speed")
        self.speed_box.setAccessibleName("speed")
        self.speed_box.addItems([f"{s}×" if s else "max" for s in SPEEDS])
        self.speed_box.setToolTip("1× real time; time-lapse for what takes minutes (anoxia, chloride); max: as fast "
                                  "as this computer goes")
        self.speed_box.currentIndexChanged.connect(lambda i: self.set_speed(SPEEDS[i]))
        bar.addWidget(self.speed_box)
        bar.addWidget(QLabel(" window "))
        self.span_box = QComboBox()
        self.span_box.setObjectName("span")
        self.span_box.setAccessibleName("scope window")
        self.span_box.addItems([AUTO_SPAN] + [f"{s} s" if s < 60 else f"{s // 60} min" for s in SPANS_S])
        self.span_box.setToolTip(f"How much time the scopes show; {AUTO_SPAN}: about {AUTO_SPAN_WALL_S:g} s of "
                                 f"your time, so more at a faster speed")
        self.span_box.currentIndexChanged.connect(lambda i: self._follow_span())
        # what the user picks is remembered; a window asked for on the command line is for this run
        self.span_box.activated.connect(lambda i: self.settings.setValue("span_s", self._span_chosen() or 0.0))
        self.set_span(self.settings.value("span_s", 0.0, type=float) or None)
        bar.addWidget(self.span_box)
        bar.addSeparator()
        self.record_action = self._action("record", "● Record", "R",
                                          "Record every channel to disk (R); a crash loses at most the last second",
                                          checkable=True)
        bar.addAction(self.record_action)
        self.record_action.toggled.connect(self.set_recording)
        self.export_action = self._action("export", "Export…", "Ctrl+E",
                                          "Write the recording (or the range selected on the scopes) as CSV or ATF")
        bar.addAction(self.export_action)
        self.export_action.triggered.connect(self.export_dialog)
        self.select_action = self._action("select_range", "Select range", "S",
                                          "Drag the shaded range on the scopes; export writes only that (S)",
                                          checkable=True)
        bar.addAction(self.select_action)
        self.select_action.toggled.connect(self.scopes.show_range)
        self.cursors_action = self._action("cursors", "Cursors", "C",
                                           "Two cursors on the scopes: Δt, ΔV, ΔI and the slope between them (C)",
                                           checkable=True)
        bar.addAction(self.cursors_action)
        self.cursors_action.toggled.connect(self.cursors.show_cursors)
        bar.addSeparator()
        self.patch_action = self._action("new_cell", "New cell…", "N",
                                         "Patch a new cell: its kind, and what is fixed once it is patched "
                                         "(myelin wraps, a fed metabolite) (N)")
        bar.addAction(self.patch_action)
        self.patch_action.triggered.connect(self.patch_dialog)
        self.practical_action = self._action("practical", "Practical…", "P",
                                             "A lab practical: guided steps on your own cell, checked answers, "
                                             "a report to hand in (P)")
        bar.addAction(self.practical_action)
        self.practical_action.triggered.connect(self.open_practical)
        bar.addSeparator()
        bar.addWidget(self._view_menu())
        self.recording_label = QLabel("")
        self.recording_label.setObjectName("recording")
        bar.addWidget(self.recording_label)
        membrane = self._action("membrane_test", "Membrane test", "M", "Membrane test (M)")
        membrane.triggered.connect(lambda: self.measure("membrane_test", {}))

    def _view_menu(self):
        """View ▾: projector mode, the scopes' y ranges locked or fitted once, the layout put back
        as it first was, About."""
        menu = QMenu("View", self)
        self.projector_action = self._action("projector", "Projector mode", "F11",
                                             "Large fonts, thick traces, high contrast, for a lecture hall (F11)",
                                             checkable=True)
        self.projector_action.toggled.connect(self.set_projector)
        self.projector_action.triggered.connect(lambda on: self.settings.setValue("projector", on))
        reset = self._action("reset_layout", "Reset layout", "Ctrl+0",
                             "Put the panels back as they first were (sizes you dragged are forgotten)")
        reset.triggered.connect(self.reset_layout)
        lock = self._action("lock_y", "Lock y ranges", "L",
                            "Keep every scope's y range as it is (drag or wheel it with the mouse); unlocked, the "
                            "ranges follow the traces", checkable=True)
        lock.toggled.connect(self.scopes.lock_y)
        fit = self._action("fit_y", "Fit y ranges now", "F", "Fit every scope's y range to what it shows, once")
        fit.triggered.connect(self.scopes.fit_y)
        self.results_action = self._action("show_results", "Log and results", "Ctrl+L",
                                           "Show the pane of the log, the results table, sweeps and curves under "
                                           "the readouts (projector mode hides it: the captions say what happens)",
                                           checkable=True)
        self.results_action.setChecked(True)
        self.results_action.toggled.connect(self.results.setVisible)
        about_action = self._action("about", "About", None, "The model and its sources")
        about_action.triggered.connect(lambda: about.show(self))
        for action in (self.projector_action, lock, fit, self.results_action, reset, about_action):
            menu.addAction(action)
        menu.setToolTipsVisible(True)
        button = QToolButton()
        button.setObjectName("button:view")
        button.setText("&View")  # Alt+V opens it
        button.setAccessibleName("View menu")
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        return button

    def _action(self, name, text, shortcut, tip, checkable=False):
        """An action of the window (its shortcut works wherever the action is shown, or if it is not)."""
        action = QAction(text, self)
        action.setObjectName(name)
        action.setCheckable(checkable)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip)
        self.addAction(action)
        return action

    def _lay_out(self):
        traces = QSplitter(Qt.Orientation.Vertical)  # the linescan (a slice's) under the scopes
        traces.setObjectName("split/traces")
        traces.addWidget(_column(self.scopes, self.cursors, stretch_top=True))
        traces.addWidget(self.linescan)
        left = QSplitter(Qt.Orientation.Vertical)
        left.setObjectName("split/left")
        left.addWidget(traces)
        left.addWidget(self.readouts)
        left.addWidget(self.results)
        left.setChildrenCollapsible(False)  # a pane dragged small stays there to be dragged back
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("split/main")
        split.addWidget(left)
        # the amplifier's meters stay in sight; its controls and the experiment's tabs scroll
        self.panels = screen_fit.VerticalScroll(_column(self.amplifier, self.tabs))
        split.addWidget(_column(self.amplifier.meters, self.panels))
        split.setChildrenCollapsible(False)
        # a caption spans the window: fewer lines than over the scopes alone, and it pushes them down
        self.setCentralWidget(_column(self.caption, split))
        self.splitters = {"split/main": split, "split/left": left, "split/traces": traces}  # remembered
        # as they first are: the scopes take what the readouts, the log (a few lines: Results.sizeHint)
        # and the amplifier leave; the linescan a third of the traces
        left.setStretchFactor(0, 1)
        split.setStretchFactor(0, 1)
        traces.setStretchFactor(0, 2)
        traces.setStretchFactor(1, 1)
        for key, splitter in self.splitters.items():
            if self.settings.value(key) is not None:
                splitter.restoreState(self.settings.value(key))

    def _readouts_fitted(self):
        """The readouts' pane as tall as their rows, no more: the scopes take what it gives back."""
        left = self.splitters["split/left"]
        traces, readouts, results = left.sizes()
        if traces + readouts + results > 0 and readouts != self.readouts.height():
            left.setSizes([traces + readouts - self.readouts.height(), self.readouts.height(), results])

    def _right_fitted(self):
        """The right-hand column at least as wide as its panels need (larger fonts need more):
        it scrolls up and down, never sideways."""
        split = self.splitters["split/main"]
        left, right = split.sizes()
        need = split.widget(1).minimumSizeHint().width()
        if left + right > 0 and right < need:
            split.setSizes([left + right - need, need])

    def _fit_panes(self):
        # the right-hand column never narrower than its panels need (the splitter keeps to a set minimum)
        self.splitters["split/main"].widget(1).setMinimumWidth(self.panels.minimumSizeHint().width())
        self.readouts.reflow(fonts_changed=True)
        self._readouts_fitted()
        self._right_fitted()

    def showEvent(self, event):
        super().showEvent(event)
        self._fit_panes()

    def _default_sizes(self):
        """The panes' sizes as they first are, in the window as it is now."""
        left, traces, split = (self.splitters[key] for key in ("split/left", "split/traces", "split/main"))
        height = sum(left.sizes())
        low = self.readouts.minimumHeight() + self.results.sizeHint().height()
        left.setSizes([height - low, self.readouts.minimumHeight(), self.results.sizeHint().height()])
        height = sum(traces.sizes())
        traces.setSizes([2 * height // 3, height - 2 * height // 3])
        width = sum(split.sizes())
        right = split.widget(1).sizeHint().width()
        split.setSizes([width - right, right])

    def reset_layout(self):
        """View → Reset layout: the panes as they first were, the window fitting the screen."""
        for key in self.splitters:
            self.settings.remove(key)
        self.settings.remove("geometry")
        screen_fit.fit(self, None)
        self._default_sizes()
        self.say("Layout reset")

    # ---- the cell --------------------------------------------------------------------------------
    def use_session(self, session, speed=1.0):
        """Put ``session`` behind the glass and start it running at ``speed``."""
        self.session = session
        self.loop = RunLoop(session, speed)
        self.scopes.clear_markers()
        self.linescan.clear()
        self.linescan.setVisible(session.is_slice)
        self.results.log.setRowCount(0)
        self.book.new_cell(session.preparation.name)
        self.results.new_cell(self.book.cell)
        self.amplifier.clear_results()
        self.cursors.refresh(session.view)  # the cursors snap to its sample grid
        self._captions_seen = 0
        self.tabs.for_preparation(session.preparation.name)
        self.speed_box.setCurrentIndex(SPEEDS.index(speed) if speed in SPEEDS else 0)
        self.loop.start()
        self.run_action.setEnabled(True)  # a loop that failed disabled them
        self.speed_box.setEnabled(True)
        self.run_action.setChecked(True)
        self.scopes.follow(True)

    def patch_dialog(self):
        """New cell…: choose its kind and what is fixed at patching, then patch it."""
        dialog = PatchDialog(self, self.session.preparation.name, self.student)
        if dialog.exec() == PatchDialog.DialogCode.Accepted:
            self.student = dialog.whose()
            self.patch_new_cell(dialog.preparation(), dialog.fixed(), dialog.cell_seed())
        dialog.deleteLater()

    def open_practical(self, name=None, student="", course=""):
        """Practical… (P): choose one in the dialog, or start ``name`` for ``student`` straight away."""
        if name is None:
            self.practical.open_dialog()
        else:
            self.practical.begin(name, student, course)
        if self.practical.run is not None:
            self.results_action.setChecked(True)
            self.results.setCurrentWidget(self.practical)
            # projected, the large readouts take their share already: the scopes keep room to be read
            projected = self.projector_action.isChecked()
            self._make_room_for_results(PROJECTED_PRACTICAL_SHARE if projected else RESULTS_SHARE)

    @property
    def patching(self):
        """Whether a new cell is being patched (its Session is not in use yet)."""
        return self._new_cell is not None

    def patch_new_cell(self, preparation, fixed=None, cell_seed=None):
        """Patch a new cell with ``fixed`` (its properties fixed at patching: ``myelin_wraps``...),
        a student's own if ``cell_seed`` is given (``rig.variability``); settling it takes a
        moment, on a thread of its own; the recording ends."""
        if self._new_cell is not None:
            return
        self.record_action.setChecked(False)
        holder = {}

        def make():
            try:
                holder["session"] = Session(preparation=preparation, keep_trace=False, cell_seed=cell_seed,
                                            **(fixed or {}))
            except Exception as e:  # shown to the user, the old cell keeps running
                holder["error"] = e

        thread = threading.Thread(target=make, name="patching", daemon=True)
        thread.start()
        self._new_cell = (thread, holder)
        finding = ": finding your own cell, a few seconds," if cell_seed is not None else ":"
        self.say(f"Patching a new {PREPARATIONS[preparation].title}{finding} the cell settles in its slice…")

    def _finish_patching(self):
        thread, holder = self._new_cell
        if thread.is_alive():
            return
        self._new_cell = None
        if "error" in holder:
            self.say(f"Could not patch the new cell: {holder['error']}", error=True)
            return
        self.loop.stop()
        self.session.stop_recording()
        self.use_session(holder["session"], SPEEDS[self.speed_box.currentIndex()])
        self.say(f"Patched: {self.session.preparation.title}{_whose(self.session, self.student)}")

    # ---- commands --------------------------------------------------------------------------------
    def change(self, name, value):
        """A control changed by the user: the rig applies it within a slice, or says why not."""
        try:
            self.loop.set(**{name: value})
        except (ValueError, LoopStopped) as e:
            self.say(str(e), error=True)
            self._refused = name
            for panel in (self.amplifier, self.tabs):
                if name in panel.widgets:
                    widget = panel.widgets[name]
                    widget.show_value(self.session.get(name))
                    # said where the student is looking, too, not only in the status bar
                    QToolTip.showText(widget.mapToGlobal(widget.rect().bottomLeft()), str(e), widget)
            return
        if self._refused == name:  # put right: the refusal no longer stands in the status bar
            self.statusBar().clearMessage()
            self._refused = None

    def apply_preset(self, name, values):
        try:
            self.loop.set(**values)
            self.say(f"Preset: {name}")
        except (ValueError, LoopStopped) as e:
            self.say(str(e), error=True)

    def puff(self, keywords):
        """Puff onto the slice (on the worker, like every rig command); a bad value is said."""
        self.ask(lambda s: s.puff(**keywords), lambda _: self.say("Puffed"))

    def measure(self, kind, arguments):
        """Run a measurement or protocol on the worker; its result is shown when ready."""
        work = MEASUREMENTS[kind]
        self.say(f"Measuring: {kind.replace('_', ' ')}…")
        self.ask(lambda s: work(s, **arguments), lambda result: self._measured(kind, result))

    def _measured(self, kind, result):
        self.amplifier.show_result(kind, result)
        self.results_action.setChecked(True)  # a result is shown where it is
        if self.book.add(self.session.t_s, kind, measured_rows(kind, result)):
            self.results.table.show_rows()
        if kind == "step_sweeps":
            self.results.show_sweeps(result)
        elif kind in ("iv_curve", "fi_curve"):
            self.results.show_curve(kind, result, self.book.cell, self.session.t_s)
        if kind in ("step_sweeps", "iv_curve", "fi_curve"):
            self._make_room_for_results()
        self.say(f"Done: {kind.replace('_', ' ')}")

    def _make_room_for_results(self, share=RESULTS_SHARE):
        """A plotted result gets at least ``share`` of the left column, taken from the scopes."""
        left = self.splitters["split/left"]
        traces, readouts, results = left.sizes()
        want = int(share * (traces + readouts + results))
        if results < want:
            left.setSizes([traces - (want - results), readouts, want])

    def set_running(self, running):
        self.run_action.setText("❚❚ Pause" if running else "▶ Run")
        if running:
            self.loop.resume()
        else:
            self.loop.pause()
        self.scopes.follow(running)

    def set_span(self, span_s):
        """The scopes' window, one of ``SPANS_S`` (the nearest); None: it follows the speed."""
        if span_s is None:
            self.span_box.setCurrentIndex(0)
        else:
            nearest = min(SPANS_S, key=lambda s: abs(s - span_s))
            self.span_box.setCurrentIndex(1 + SPANS_S.index(nearest))

    def _span_chosen(self):
        """The span picked in the box, or None for one that follows the speed."""
        index = self.span_box.currentIndex()
        return SPANS_S[index - 1] if index > 0 else None

    def _follow_span(self):
        """The scopes show the span picked, or about AUTO_SPAN_WALL_S of wall time at the speed
        the rig runs (the one it reaches at max)."""
        span_s = self._span_chosen()
        if span_s is None:
            speed = SPEEDS[self.speed_box.currentIndex()] or self.loop.achieved_speed or 1.0
            span_s = min(SPANS_S, key=lambda s: abs(math.log(s / (AUTO_SPAN_WALL_S * speed))))
        if span_s != self.scopes.span_s:
            self.scopes.set_span(span_s)

    def set_speed(self, speed):
        self.loop.speed = speed
        self._follow_span()

    def set_recording(self, on):
        if on and self.recording_path is None:
            os.makedirs(self.folder, exist_ok=True)
            stamp = datetime.datetime.now().strftime("%Y-%m-%d_%H%M%S")
            path = os.path.join(self.folder, f"{stamp}_{self.session.preparation.name}.vrig")
            self.recording_path = path
            self.ask(lambda s: s.start_recording(path), lambda _: self.say(f"Recording to {path}"),
                      self._recording_refused)
        elif not on and self.recording_path is not None:
            path, self.recording_path = self.recording_path, None
            self.last_recording = path
            self.ask(lambda s: s.stop_recording(), lambda _: self.say(f"Saved {path}"))

    def _recording_refused(self, error):
        self.recording_path = None
        self.record_action.setChecked(False)
        self.say(f"Cannot record: {error}", error=True)

    # ---- export ----------------------------------------------------------------------------------
    def export_dialog(self):
        if (self.recording_path or self.last_recording) is None:
            QMessageBox.information(self, "Nothing recorded yet", NOTHING_RECORDED)
            return
        folder = self.settings.value("export_folder", self.folder)
        path, _ = QFileDialog.getSaveFileName(self, "Export the recording", folder,
                                              "CSV for a spreadsheet (*.csv);;Axon Text File for Clampfit (*.atf)")
        if not path:
            return
        self.settings.setValue("export_folder", os.path.dirname(path))
        source = self.recording_path or self.last_recording
        from_s, to_s = self.scopes.selected_range() if self.select_action.isChecked() else (None, None)
        rate_hz = export_dialog.ask_rate(self, rate_choices(Recorded.from_recording(source), from_s, to_s))
        if rate_hz is not None:
            self.export_to(path, rate_hz=rate_hz)

    def export_to(self, path, from_s=None, to_s=None, rate_hz=None):
        """Export the recording (the one running, else the last) as CSV or ATF (by the file's
        ending), the range selected on the scopes if there is one; in the background."""
        source = self.recording_path or self.last_recording
        if source is None:
            self.say(NOTHING_RECORDED, error=True)
            return None
        if from_s is None and self.select_action.isChecked():
            from_s, to_s = self.scopes.selected_range()
        kind = "atf_path" if path.lower().endswith(".atf") else "csv_path"
        self.say(f"Exporting {os.path.basename(source)} to {path}…")
        future = self._exporter.submit(lambda: export(Recorded.from_recording(source), from_s=from_s, to_s=to_s,
                                                      rate_hz=rate_hz, overwrite=True, **{kind: path}))
        self._when_done(future, self._exported)
        return future

    def _exported(self, report):
        warning = (" It has more rows than a spreadsheet shows: export fewer samples per second."
                   if report["warning"] else "")
        self.say(f"Wrote {', '.join(report['files'])}: {report['rows']:,} samples, {report['spikes']} spikes.{warning}")

    def _to_results(self, measurement, rows):
        self.book.add(self.session.t_s, measurement, rows)
        self.results.table.show_rows()
        self.results.setCurrentWidget(self.results.table)

    def export_results(self, path=None):
        """Write the results table as CSV (to ``path``, or where the user chooses)."""
        if path is None:
            folder = self.settings.value("export_folder", self.folder)
            path, _ = QFileDialog.getSaveFileName(self, "Export the results table", os.path.join(folder, "results.csv"),
                                                  "CSV for a spreadsheet (*.csv)")
            if not path:
                return
        try:
            self.book.write_csv(path)
        except OSError as e:
            self.say(f"Could not write the results: {e}", error=True)
            return
        self.say(f"Wrote {len(self.book.rows)} results to {path}")

    # ---- recovery ----------------------------------------------------------------------------------
    def offer_recovery(self):
        """On start: recordings a crash cut off are offered for recovery."""
        for path in cut_off(self.folder):
            answer = QMessageBox.question(self, "Recover a recording?",
                                          f"{path} was cut off (the app or the computer stopped while it "
                                          f"recorded). Recover it? Everything written until then is kept.")
            if answer == QMessageBox.StandardButton.Yes:
                self.recover(path)

    def recover(self, path):
        r = recover(path)
        self.last_recording = path
        self.say(f"Recovered {path}: {r['samples']:,} samples, {r['from_s']:.1f}–{r['to_s']:.1f} s, "
                 f"{r['events']} events")
        return r

    # ---- the frame ---------------------------------------------------------------------------------
    def _when_done(self, future, then, failed=None):
        self.pending.append((future, then, failed or (lambda e: self.say(str(e), error=True))))

    def ask(self, work, then, failed=None):
        """Run ``work(session)`` on the loop's worker: ``then`` its result when ready, ``failed`` its
        error (said in the status bar unless given), also when the loop has stopped and refuses it."""
        try:
            self._when_done(self.loop.submit(work), then, failed)
        except LoopStopped as e:
            (failed or (lambda e: self.say(str(e), error=True)))(e)

    def _check_loop(self):
        """A worker stopped by an error (of any kind) is said once, in red, and Run and the speed
        are disabled: the cell stands still until a new one is patched."""
        error = self.loop.error
        if error is None or not self.run_action.isEnabled():
            return
        self.run_action.setChecked(False)
        self.run_action.setEnabled(False)
        self.speed_box.setEnabled(False)
        self.say(f"The cell stopped: {_named(error)}. Patch a new cell (New cell…, N).", error=True)

    def _check_cell(self):
        """A cell lost (its membrane broke down) is said once: in red in the status bar and in the
        caption banner over the scopes (where the student is looking, for CAPTION_S). Until a new cell
        is patched the status label says so (red, the rig's message as its tooltip), and so does the
        window's title. The run goes on: the lost cell can still be watched, recorded and exported."""
        lost = self.session.cell_lost
        if (lost is not None) == self._lost_shown:
            return
        self._lost_shown = lost is not None
        self.status.setStyleSheet(LOST_LOOK if lost else "")
        self.status.setToolTip(lost or "")
        self.setWindowTitle("Virtual Rig: cell lost" if lost else "Virtual Rig")  # seen where the status bar is not
        self._show_status(self.session.readout())
        if lost:
            message = f"{lost[:1].upper()}{lost[1:]}."
            self.say(message, error=True)
            self.caption.setText(message)
            self._caption_until = time.perf_counter() + CAPTION_S
            self.caption.show()

    def tick(self):
        """One frame: draw what the rig published since the last."""
        now = time.perf_counter()
        self._frames = [t for t in self._frames if t > now - 1.0] + [now]
        if len(self._frames) > 1 and now - self._frames[-2] > 2.5 * FRAME_MS / 1e3:
            self._late += 1
        session = self.session
        readout, controls, markers = session.readout(), session.controls(), session.markers(in_words=True)
        self.scopes.refresh(session.view, readout, markers, {text for _, text in session.captions})
        if now - self._numbers_at >= NUMBERS_S:
            self._numbers_at = now
            self.amplifier.follow(controls, readout)
            self.tabs.follow(controls, readout)
            self.readouts.follow(readout, session.last_spike())
            self.practical.follow(session)
            self._show_pace(len(self._frames))
            self._follow_span()
            self._show_status(readout)
        self.results.log.follow(markers)
        if now - self._drift_at >= DRIFT_S:
            self._drift_at = now
            self.readouts.follow_drift(session.drift())
        if self.cursors.isVisible():
            self.cursors.refresh(session.view)
        if self.linescan.isVisible() and now - self._scan_at >= SCAN_S:
            self._scan_at = now
            self.linescan.refresh(session)
        self._show_captions(now)
        for item in [p for p in self.pending if p[0].done()]:
            self.pending.remove(item)
            future, then, failed = item
            if future.exception() is not None:
                failed(future.exception())
            else:
                then(future.result())
        if self._new_cell is not None:
            self._finish_patching()
        self._check_loop()
        self._check_cell()

    def _show_captions(self, now):
        if len(self.session.captions) > self._captions_seen:
            self.caption.setText(self.session.captions[-1][1])
            self._captions_seen = len(self.session.captions)
            self._caption_until = now + CAPTION_S
            self.caption.show()  # above the scopes, which make room for it: no trace is hidden
        elif self.caption.isVisible() and now > self._caption_until:
            self.caption.hide()

    def _show_status(self, readout):
        # a lost cell's label is short, to leave the status bar's width to the rig's message beside it
        parts = ["CELL LOST" if self._lost_shown else self.session.preparation.title, f"t = {readout['t_s']:.2f} s"]
        if self.loop.error is not None:
            parts.append(f"the cell stopped: {_named(self.loop.error)}")
        if self.session.recording_error:
            parts.append(self.session.recording_error)
        self.status.setText("   ".join(parts))
        if self.recording_path:
            try:
                size = os.path.getsize(os.path.join(self.recording_path, "samples.f32")) / 1e6
            except OSError:
                size = 0.0
            self.recording_label.setText(f" {os.path.basename(self.recording_path)}  {size:.1f} MB ")
        else:
            self.recording_label.setText("")

    def _show_pace(self, fps):
        # as wide as the widest it says, in the font it has now: never wider, so the window never grows
        width = self.pace.fontMetrics().horizontalAdvance("100.0× real time · 60 fps") + 12
        if self.pace.minimumWidth() != width:
            self.pace.setFixedWidth(width)
        speed = self.loop.achieved_speed
        self.pace.setText(f"{'—' if speed is None else f'{speed:.1f}'}× real time · {fps:.0f} fps")
        self.pace.setToolTip(f"Frames drawn late since the cell was patched: {self._late}")

    def say(self, text, error=False):
        self.statusBar().setStyleSheet(f"color: {RED};" if error else "")
        self.statusBar().showMessage(text, 15000)

    # ---- look ----------------------------------------------------------------------------------------
    def set_projector(self, on):
        """Large fonts, thick traces, high contrast: legible from the back of a lecture hall."""
        if self.projector_action.isChecked() != on:
            self.projector_action.setChecked(on)
            return
        style.apply(QApplication.instance(), self, projector=on)
        self.results_action.setChecked(not on)  # a lecture hall reads the captions; the pane is a key away
        QTimer.singleShot(0, self._fit_panes)  # once the new fonts are in place (the style sheet applies on polish)
        self.scopes.set_pen_width(3 if on else 1)
        font = QFont(QApplication.font().family(), 14 if on else 10)
        self.scopes.set_axis_font(font)
        self.linescan.set_axis_font(font)
        self.results.set_axis_font(font)

    def closeEvent(self, event):
        self.timer.stop()
        self.loop.stop()
        self.session.stop_recording()
        self._exporter.shutdown(wait=True)
        self.settings.setValue("geometry", self.saveGeometry())
        for key, splitter in self.splitters.items():
            self.settings.setValue(key, splitter.saveState())
        self.settings.setValue("folder", self.folder)
        super().closeEvent(event)
