"""The patch-clamp amplifier in front of the cell: clamp modes, holding, series resistance, noise.

Modes as on a real amplifier (and ACQ4's simulated one): ``current`` clamp injects ``hold_pA``,
``voltage`` clamp holds the pipette at ``hold_mV`` through ``rs_MOhm``, and ``I=0`` injects nothing.
Holding values are kept per mode, so switching modes and back restores them. The amplifier only
translates its settings into the kernel's parameters; the circuit itself is integrated in
``engine.kernel``. Test pulses (membrane test, steps) ride on top of the holding value.
"""
from engine.kernel import CLAMP_CURRENT, CLAMP_VOLTAGE, P

from .controls import CONTROLS


class Amplifier:
    def __init__(self):
        for name, control in CONTROLS.items():  # start at the registry's defaults
            if control.group == "Amplifier":
                self.configure(name, control.default)
        self.pulse = 0.0  # test pulse on top of the holding value, pA or mV by mode

    def configure(self, name, value):
        """Apply one amplifier control (names from rig.controls)."""
        setattr(self, "mode" if name == "clamp" else name, value)

    def write(self, p):
        """Write the amplifier's settings into the kernel parameter vector ``p``."""
        voltage = self.mode == "voltage"
        p[P["clamp_code"]] = CLAMP_VOLTAGE if voltage else CLAMP_CURRENT
        p[P["inject_pA"]] = self.hold_pA + self.pulse if self.mode == "current" else 0.0
        p[P["command_mV"]] = self.hold_mV + (self.pulse if voltage else 0.0)
        p[P["rs_MOhm"]] = self.rs_MOhm
        p[P["noise_V_mV"]] = self.noise_V_mV
        p[P["noise_I_pA"]] = self.noise_I_pA
