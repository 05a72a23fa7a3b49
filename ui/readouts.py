"""Readouts in large digits, the numbers a rig user keeps an eye on, as ``Session.readout`` gives
them (the driving force on Cl- and the firing rate included), plus how fast the rig runs and how
smoothly the scopes draw. Nothing is computed here but the display's own frame rate.
"""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

READOUTS = (  # readout key, label, unit, digits
    ("V_mV", "V", "mV", 1), ("I_pA", "I hold", "pA", 0), ("E_K_mV", "E_K", "mV", 1), ("E_Na_mV", "E_Na", "mV", 1),
    ("E_Cl_mV", "E_Cl", "mV", 1), ("V_minus_E_Cl_mV", "V − E_Cl", "mV", 1), ("K_o_mM", "K_o", "mM", 2),
    ("ATP_mM", "ATP", "mM", 2), ("I_pump_pA", "pump", "pA", 0), ("ATP_use_per_s", "ATP use", "/s", 2),
    ("firing_rate_Hz", "rate", "Hz", 1),
)
COLUMNS = 7


class Readouts(QWidget):
    def __init__(self):
        super().__init__()
        self.setObjectName("readouts")
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        self.labels = {}
        cells = [(key, label, unit) for key, label, unit, _ in READOUTS] + [("speed", "speed", "× real time"),
                                                                            ("display", "scopes", "fps")]
        for i, (key, label, unit) in enumerate(cells):
            value = QLabel("—")
            value.setObjectName(f"readout:{key}")
            value.setProperty("readout", True)
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            name = QLabel(f"{label} ({unit})")
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            row, col = divmod(i, COLUMNS)
            grid.addWidget(name, 2 * row, col)
            grid.addWidget(value, 2 * row + 1, col)
            self.labels[key] = value

    def follow(self, readout, achieved_speed, fps, late_frames):
        for key, _, _, digits in READOUTS:
            value = readout.get(key)
            if key == "ATP_use_per_s" and value is not None:
                self.labels[key].setText(f"{value:.2e}")
            else:
                self.labels[key].setText("—" if value is None else f"{value:.{digits}f}")
        self.labels["speed"].setText("—" if achieved_speed is None else f"{achieved_speed:.1f}")
        late = f" ({late_frames} late)" if late_frames else ""
        self.labels["display"].setText(f"{fps:.0f}{late}")
