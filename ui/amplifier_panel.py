"""The amplifier, as a MultiClamp Commander shows it: big V and I meters (the one the mode reads
framed; ``meters``, placed by the window where they stay in sight), the mode buttons VC · I=0 · IC,
holding, series resistance and noise (widgets from the registry), the membrane test with R_in, C_m
and τ, an episodic step protocol, and the rig's measurements (rheobase, I–V, f–I).

It only asks: ``edited(name, value)`` for a control, ``measure(kind, arguments)`` for a
measurement; the window runs it on the rig and hands the result back to ``show_result``. What each
mode holds and reads comes from ``rig.amplifier``.
"""
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from rig.amplifier import READS, holding_control
from rig.controls import CONTROLS

from .controls import TypedNumberBox, label_for, widget_for

# which controls matter in which mode (the others are greyed out, as on the real panel)
ACTIVE_IN = {"hold_pA": ("current",), "noise_V_mV": ("current", "I=0"), "hold_mV": ("voltage",),
             "rs_MOhm": ("voltage",), "noise_I_pA": ("voltage",)}
# the step protocol's first step and increment per unit, relative to holding: current steps around
# rheobase; voltage steps from -90 to +10 mV (from -70), through Nav's activation
STEP_DEFAULTS = {"pA": (-100.0, 50.0), "mV": (-20.0, 20.0)}


class Meter(QLabel):
    """A value in large digits under its name."""

    def __init__(self, name, unit, object_name):
        super().__init__()
        self.setObjectName(object_name)
        self.name, self.unit = name, unit
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setProperty("meter", True)
        self.show_number(None)

    def show_number(self, value, digits=1):
        text = "—" if value is None else f"{value:.{digits}f}"
        self.setText(f"<span style='font-size:small'>{self.name} ({self.unit})</span><br><b>{text}</b>")
        self.setAccessibleName(f"{self.name} ({self.unit})")
        self.setAccessibleDescription(text)  # what a screen reader says the meter reads


class AmplifierPanel(QGroupBox):
    edited = Signal(str, object)
    measure = Signal(str, dict)

    def __init__(self):
        super().__init__("Amplifier")
        layout = QVBoxLayout(self)
        # the meters are a widget of their own: the window keeps them in sight when the panel scrolls
        self.meters = QWidget()
        meters = QHBoxLayout(self.meters)
        meters.setContentsMargins(0, 0, 0, 0)
        self.v_meter = Meter("V", "mV", "meter:V_mV")
        self.i_meter = Meter("I", "pA", "meter:I_pA")
        self._primary = {"V_mV": self.v_meter, "I_pA": self.i_meter}
        meters.addWidget(self.v_meter)
        meters.addWidget(self.i_meter)
        self._mode = None

        self.widgets = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: the label above its box
        for control in CONTROLS.values():
            if control.group == "Amplifier":
                widget = widget_for(control)
                widget.edited.connect(self.edited)
                self.widgets[control.name] = widget
                form.addRow(label_for(control, widget), widget)
        layout.addLayout(form)

        test = QHBoxLayout()
        button = QPushButton("Membrane test (M)")
        button.setObjectName("membrane_test")
        button.setToolTip("A small current step on a copy of the cell: input resistance, capacitance, time constant.")
        button.clicked.connect(lambda: self.measure.emit("membrane_test", {}))
        test.addWidget(button)
        self.membrane = QLabel("R_in —  C_m —  τ —")
        self.membrane.setObjectName("membrane_result")
        test.addWidget(self.membrane, 1)
        layout.addLayout(test)

        steps = QGroupBox("Step protocol (sweeps)")
        grid = QGridLayout(steps)
        # each mode keeps its own steps (IC in pA, VC in mV), both relative to the holding value
        self._steps = dict(STEP_DEFAULTS)
        self._step_unit = "pA"
        start, increment = self._steps[self._step_unit]
        self.step_start = self._number(grid, 0, "start Δ", -2000, 2000, start,
                                       "first step, relative to holding: pA in IC, mV in VC")
        self.step_delta = self._number(grid, 1, "increment", -1000, 1000, increment, "added for each next sweep")
        self.step_count = QSpinBox()
        self.step_count.setObjectName("step_count")
        self.step_count.setRange(1, 50)
        self.step_count.setValue(6)
        grid.addWidget(QLabel("count"), 2, 0)
        grid.addWidget(self.step_count, 2, 1)
        self.step_ms = QSpinBox()
        self.step_ms.setObjectName("step_ms")
        self.step_ms.setRange(1, 10000)
        self.step_ms.setValue(500)
        self.step_ms.setSuffix(" ms")
        grid.addWidget(QLabel("duration"), 3, 0)
        grid.addWidget(self.step_ms, 3, 1)
        run = QPushButton("Run steps")
        run.setObjectName("run_steps")
        run.clicked.connect(self._run_steps)
        grid.addWidget(run, 4, 0, 1, 2)
        layout.addWidget(steps)

        measurements = QHBoxLayout()
        for kind, label, tip in (("rheobase", "Rheobase", "smallest 500 ms step that fires"),
                                 ("iv_curve", "I–V", "voltage-clamp steps: peak and steady current"),
                                 ("fi_curve", "f–I", "500 ms current steps: spikes and rate")):
            button = QPushButton(label)
            button.setObjectName(kind)
            button.setToolTip(f"{tip} (on a copy of the cell; the result is plotted)")
            button.clicked.connect(lambda _=False, k=kind: self.measure.emit(k, {}))
            measurements.addWidget(button)
        layout.addLayout(measurements)
        self.result = QLabel("")
        self.result.setObjectName("measurement_result")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def _number(self, grid, row, label, lo, hi, value, tip):
        box = TypedNumberBox(lo, hi, decimals=1)  # read in the user's locale, invalid text said, not dropped
        box.setObjectName(f"step_{label.split()[0]}")
        box.setValue(value)
        box.setToolTip(tip)
        box.refused.connect(lambda message, _: self.result.setText(f"Not applied: {message}"))
        grid.addWidget(QLabel(label), row, 0)
        grid.addWidget(box, row, 1)
        return box

    def _run_steps(self):
        self.measure.emit("step_sweeps", {"start": self.step_start.value(), "increment": self.step_delta.value(),
                                          "count": self.step_count.value(), "duration_s": self.step_ms.value() / 1e3})

    def follow(self, controls, readout):
        """Meters and widgets as the rig has them now; controls of other modes greyed out."""
        self.v_meter.show_number(readout.get("V_mV"))
        self.i_meter.show_number(readout.get("I_pA"), 0)
        mode = controls["clamp"]
        for name, widget in self.widgets.items():
            if not widget.hasFocus():
                widget.show_value(controls[name])
            if name in ACTIVE_IN:
                widget.setEnabled(mode in ACTIVE_IN[name])
        if mode != self._mode:
            self._mode = mode
            self._show_primary(READS[mode])
        holding = holding_control(mode)  # I=0 holds nothing: the steps stay as they were
        unit = self._step_unit if holding is None else holding.unit
        if unit != self._step_unit:
            self._steps[self._step_unit] = (self.step_start.value(), self.step_delta.value())
            self._step_unit = unit
            start, increment = self._steps[unit]
            self.step_start.setValue(start)
            self.step_delta.setValue(increment)
        for box in (self.step_start, self.step_delta):
            box.setSuffix(f" {unit}")

    def _show_primary(self, channel):
        """Frame the meter of the channel this mode reads, as the amplifier's primary output."""
        for name, meter in self._primary.items():
            meter.setProperty("primary", name == channel)
            meter.setToolTip("what this mode reads (primary output)" if name == channel else "")
            meter.style().unpolish(meter)  # a changed property restyles only when polished again
            meter.style().polish(meter)

    def clear_results(self):
        """A new cell: the last cell's results leave the panel (the results table keeps them)."""
        self.membrane.setText("R_in —  C_m —  τ —")
        self.result.setText("")

    def show_result(self, kind, result):
        if kind == "membrane_test":
            self.membrane.setText(f"R_in {result['R_in_MOhm']:.0f} MΩ  C_m {result['C_pF']:.0f} pF  "
                                  f"τ {result['tau_ms']:.1f} ms")
        elif kind == "rheobase":
            self.result.setText(f"Rheobase: {result['message']}")
        elif kind == "iv_curve":
            self.result.setText(f"I–V: {len(result['V_mV'])} steps (plotted under I–V; numbers under Results)")
        elif kind == "fi_curve":
            self.result.setText(f"f–I: {len(result['I_pA'])} steps, up to {max(result['rate_Hz']):.0f} Hz "
                                f"(plotted under f–I; numbers under Results)")
        elif kind == "step_sweeps":
            self.result.setText(f"Steps: {len(result['sweeps'])} sweeps of {result['unit']} (under Sweeps)")
