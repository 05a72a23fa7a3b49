"""The experiment panels, generated from the controls registry: perfusion, drugs, environment and
the cell, one tab each, every control of that group with its widget (``ui.controls``), the
chamber's present concentration beside each solution control (so the wash-in is visible), and
the shipped presets (``resources/presets.json``) one choice away, and on the Slice tab the puff
pipette (``ui.puff_panel``). Nothing physical here.
"""
from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout,
                               QWidget)

from rig.controls import CONTROLS
from rig.presets import load_presets

from .controls import label_for, widget_for
from .puff_panel import PuffPanel

TABS = ("Perfusion", "Drugs", "Environment", "Synapses", "Cell", "Slice")
PRESET_TABS = {"Perfusion": "solutions", "Synapses": "synapses", "Cell": "mutations"}
CHOOSE = "choose a preset…"
PRESET_CHARS = 16


class ExperimentTabs(QTabWidget):
    edited = Signal(str, object)  # one control changed by the user
    preset = Signal(str, dict)  # a preset chosen: its name and control values

    def __init__(self):
        super().__init__()
        self.widgets = {}  # control name -> widget
        self.chamber = {}  # control name -> label showing what the chamber holds now
        self.puff_panel = PuffPanel()
        presets = load_presets()
        for tab in TABS:
            page = QWidget()
            form = QFormLayout(page)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: the label above its box
            group = PRESET_TABS.get(tab)
            if group in presets:
                form.addRow("preset", self._preset_box(group, presets[group]))
            for control in CONTROLS.values():
                if control.group == tab:
                    row = self._row(control)
                    form.addRow(label_for(control, self.widgets[control.name]), row)
            if tab == "Environment":
                form.addRow("gas", self._gas_switch())
            if tab == "Slice":
                form.addRow(self.puff_panel)
            self.addTab(page, tab)

    def _preset_box(self, group, entries):
        box = QComboBox()
        box.setObjectName(f"preset:{group}")
        # a long preset name is elided in the box (the list shows it whole): the column stays narrow
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(PRESET_CHARS)
        box.addItems([CHOOSE, *entries])
        box.setToolTip(f"Apply one of the shipped {group} (resources/presets.json); each change is marked.")

        def chosen(name):
            if name in entries:
                self.preset.emit(name, dict(entries[name]))
            with QSignalBlocker(box):
                box.setCurrentIndex(0)

        box.currentTextChanged.connect(chosen)
        return box

    def _gas_switch(self):
        """The gas bottles of a slice rig: carbogen (95 % O2) or N2 (anoxia), one click each."""
        row = QWidget()
        layout = QVBoxLayout(row)  # one above the other: the column stays narrow
        layout.setContentsMargins(0, 0, 0, 0)
        for label, o2_pct in (("Carbogen (95 % O2)", 95.0), ("N2 (no O2: ischaemia)", 0.0)):
            button = QPushButton(label)
            button.setObjectName(f"gas:{o2_pct:g}")
            button.setToolTip(f"Bubble the bath with this gas: o2_pct = {o2_pct:g}")
            button.clicked.connect(lambda _=False, v=o2_pct: self.edited.emit("o2_pct", v))
            layout.addWidget(button)
        return row

    def _row(self, control):
        widget = widget_for(control)
        widget.edited.connect(self.edited)
        self.widgets[control.name] = widget
        if control.fixed:
            widget.setEnabled(False)
            widget.setToolTip(widget.toolTip() + "\nFixed once the cell is patched: choose it under New cell… (N).")
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
        label = QLabel("")
        label.setObjectName(f"chamber:{control.name}")
        label.setToolTip("What the chamber holds now: a new solution washes in with the exchange time constant.")
        self.chamber[control.name] = label
        layout.addWidget(label, 1)
        return row

    def for_preparation(self, preparation):
        """Only the controls that belong to this preparation can be used (the slice has its own)."""
        for name, widget in self.widgets.items():
            control = CONTROLS[name]
            widget.setEnabled(control.applies_to(preparation) and not control.fixed)
        for index, tab in enumerate(TABS):
            self.setTabEnabled(index, any(c.applies_to(preparation) for c in CONTROLS.values() if c.group == tab))
        if preparation == "slice":
            self.setCurrentIndex(TABS.index("Slice"))  # its own controls and the puff pipette in front

    def follow(self, controls, readout):
        """Show the rig's values (where the user is not typing) and the chamber's concentrations."""
        for name, widget in self.widgets.items():
            if not widget.hasFocus():
                widget.show_value(controls[name])
        for name, label in self.chamber.items():
            now = readout.get(f"chamber_{name}")
            label.setText("" if now is None else f"chamber {now:.3g} {CONTROLS[name].unit}")
