"""The patch-clamp amplifier in front of the cell: its mode, a holding value per mode, the command,
what it reads, the series resistance and the recording noise.

The contract is a real amplifier's, as ACQ4's ``PatchClampDevice`` and its simulated ``MockClamp``
state it. Three modes, named as the ``clamp`` control names them: ``"voltage"`` (VC) holds the
pipette at a command potential through ``rs_MOhm`` and reads the current it takes (``I_pA``);
``"current"`` (IC) injects a command current and reads the membrane potential (``V_mV``); ``"I=0"``
injects nothing and reads ``V_mV``. Each mode keeps its own holding value (``hold_mV`` in VC,
``hold_pA`` in IC, none in I=0), so switching away and back finds it again. The command is the
holding value plus a test pulse (a measurement's step) in the mode's unit.

Switching between VC and IC passes through I=0, as on a real amplifier: the old mode's command is
dropped (nothing injected, no clamp) before the new mode's holding value is applied, and the test
pulse ends (its unit was the old mode's). In the model both writes land between two integration
steps, so the I=0 stage lasts no time: no step ever integrates the old mode's command under the new
mode's circuit, and no transient is injected by the switch itself.

The amplifier writes into the cell only through ``cell.set_param``; the circuit is integrated in
``engine.kernel``. It knows nothing of markers, recordings or the window.
"""
from engine.kernel import CLAMP_CURRENT, CLAMP_VOLTAGE

from .controls import CONTROLS

MODES = CONTROLS["clamp"].choices  # "current", "voltage", "I=0"
HOLDING = {"voltage": "hold_mV", "current": "hold_pA"}  # the control holding each mode's holding value
HELD_BY = {control: mode for mode, control in HOLDING.items()}
READS = {"voltage": "I_pA", "current": "V_mV", "I=0": "V_mV"}  # each mode's primary channel
SETTINGS = tuple(name for name, c in CONTROLS.items() if c.group == "Amplifier")  # the controls it takes


def holding_control(mode):
    """The registry's control for ``mode``'s holding value (its name, unit and range), None in I=0."""
    return CONTROLS[HOLDING[mode]] if mode in HOLDING else None


class Amplifier:
    """The amplifier on ``cell`` (an ``engine.cell.Cell``). It starts as a real one is switched on:
    in I=0, with the registry's default settings, already written into the cell."""

    def __init__(self, cell):
        self.cell = cell
        self._mode = "I=0"
        self._settings = {name: CONTROLS[name].default for name in SETTINGS if name != "clamp"}
        self._pulse = 0.0
        self._write()

    @property
    def mode(self):
        """``"voltage"``, ``"current"`` or ``"I=0"``."""
        return self._mode

    def set_mode(self, mode):
        """Switch to ``mode``; returns the modes passed through on the way, e.g. ``("I=0",
        "current")`` from VC. A change of mode ends the test pulse."""
        if mode not in MODES:
            raise ValueError(f"amplifier mode {mode!r} is not one of {', '.join(MODES)}")
        if mode == self._mode:
            return ()
        path = ("I=0", mode) if {self._mode, mode} == {"voltage", "current"} else (mode,)
        self._pulse = 0.0
        for stage in path:
            self._mode = stage
            self._write()
        return path

    def holding(self, mode=None):
        """The holding value of ``mode`` (this mode if None): mV in VC, pA in IC, None in I=0."""
        mode = self._mode if mode is None else mode
        return self._settings[HOLDING[mode]] if mode in HOLDING else None

    def set_holding(self, value, mode=None):
        """Hold ``mode`` (this mode if None) at ``value`` (mV in VC, pA in IC); a mode not in use
        keeps it for when it is switched to."""
        mode = self._mode if mode is None else mode
        if mode not in HOLDING:
            raise ValueError(f"{mode} holds nothing: holding values are for voltage (mV) and current (pA) clamp")
        self._settings[HOLDING[mode]] = value
        self._write()

    @property
    def pulse(self):
        """The test pulse on top of the holding value: pA in IC, mV in VC (0 when none)."""
        return self._pulse

    def set_pulse(self, amount):
        """Give a test pulse of ``amount`` (pA in IC, mV in VC) on top of the holding value, from
        the next step on; 0 ends it. In I=0 nothing is injected, pulse or not."""
        self._pulse = amount
        self._write()

    def command(self):
        """What the amplifier applies now, as (value, unit): holding plus pulse, in mV in VC and in
        pA in IC; (0.0, "pA") in I=0."""
        if self._mode == "I=0":
            return 0.0, "pA"
        return self.holding() + self._pulse, holding_control(self._mode).unit

    def reads(self):
        """The primary channel of this mode, a name in ``readout()``: ``I_pA`` in VC, ``V_mV`` in
        IC and I=0."""
        return READS[self._mode]

    def set(self, name, value):
        """Apply one amplifier control of the registry (``clamp``, ``hold_pA``, ``rs_MOhm``...),
        already validated."""
        if name == "clamp":
            self.set_mode(value)
        elif name in HOLDING.values():
            self.set_holding(value, HELD_BY[name])
        elif name in self._settings:
            self._settings[name] = value
            self._write()
        else:
            raise ValueError(f"{name!r} is not an amplifier control: {', '.join(SETTINGS)}")

    def settings(self):
        """Everything the amplifier is set to, for ``restore``: its controls by name and the pulse."""
        return {"clamp": self._mode, **self._settings, "pulse": self._pulse}

    def restore(self, settings):
        """Back to ``settings()`` as they were, written into the cell at once (no pass through I=0:
        this puts a copy of a moment back, it is not a switch on the panel)."""
        self._mode = settings["clamp"]
        self._settings = {name: settings[name] for name in self._settings}
        self._pulse = settings["pulse"]
        self._write()

    def _write(self):
        """The settings as the kernel's parameters (engine.kernel): clamp circuit, injected current,
        command potential, series resistance, noise."""
        voltage = self._mode == "voltage"
        hold_pA, hold_mV = self._settings["hold_pA"], self._settings["hold_mV"]
        self.cell.set_param("clamp_code", CLAMP_VOLTAGE if voltage else CLAMP_CURRENT)
        self.cell.set_param("inject_pA", hold_pA + self._pulse if self._mode == "current" else 0.0)
        self.cell.set_param("command_mV", hold_mV + (self._pulse if voltage else 0.0))
        for name in ("rs_MOhm", "noise_V_mV", "noise_I_pA"):
            self.cell.set_param(name, self._settings[name])
