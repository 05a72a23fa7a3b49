"""The amplifier's contract (rig.amplifier): modes VC, IC and I=0, switching VC <-> IC through I=0,
a holding value per mode, the command, what each mode reads; and the measurement sandbox through
which protocols drive it on a copy of the moment."""
import numpy as np
import pytest

from rig.amplifier import Amplifier, holding_control


class Cell:
    """What the amplifier may touch of a cell: its parameters by name; every write is kept."""

    def __init__(self):
        self.params, self.writes = {}, []

    def set_param(self, name, value):
        self.params[name] = value
        self.writes.append((name, value))


def test_it_starts_in_i0_with_the_registry_defaults_written_into_the_cell():
    cell = Cell()
    amp = Amplifier(cell)
    assert amp.mode == "I=0" and amp.command() == (0.0, "pA") and amp.reads() == "V_mV"
    assert cell.params["inject_pA"] == 0.0 and cell.params["rs_MOhm"] == 0.0


def test_switching_between_vc_and_ic_passes_through_i0_and_ends_the_pulse():
    cell = Cell()
    amp = Amplifier(cell)
    amp.set("hold_pA", 50.0)
    assert amp.set_mode("voltage") == ("voltage",)  # from I=0: straight there
    amp.set_pulse(10.0)
    cell.writes.clear()
    assert amp.set_mode("current") == ("I=0", "current")
    injected = [value for name, value in cell.writes if name == "inject_pA"]
    assert injected == [0.0, 50.0]  # nothing injected in between, then IC's holding, without the VC pulse
    assert amp.pulse == 0.0 and amp.set_mode("current") == ()


def test_each_mode_keeps_its_holding_value_and_commands_holding_plus_pulse():
    amp = Amplifier(Cell())
    amp.set_holding(-80.0, "voltage")  # kept for when VC is switched to
    amp.set_mode("current")
    amp.set_holding(100.0)
    amp.set_pulse(-20.0)
    assert amp.command() == (80.0, "pA") and amp.reads() == "V_mV"
    amp.set_mode("voltage")
    assert amp.holding() == -80.0 and amp.command() == (-80.0, "mV") and amp.reads() == "I_pA"
    amp.set_mode("current")
    assert amp.holding() == 100.0 and amp.holding("I=0") is None
    with pytest.raises(ValueError, match="I=0 holds nothing"):
        amp.set_holding(5.0, "I=0")
    with pytest.raises(ValueError, match="not one of"):
        amp.set_mode("VC")
    assert holding_control("voltage").unit == "mV" and holding_control("I=0") is None


def test_settings_restore_puts_the_amplifier_and_the_cell_back():
    cell = Cell()
    amp = Amplifier(cell)
    amp.set_mode("current")
    amp.set("hold_pA", 30.0)
    saved, params = amp.settings(), dict(cell.params)
    amp.set_mode("voltage")
    amp.set("rs_MOhm", 10.0)
    amp.set_pulse(5.0)
    amp.restore(saved)
    assert amp.settings() == saved and cell.params == params


def test_the_session_drives_the_cell_through_its_amplifier(neuron):
    neuron.set(clamp="voltage", hold_mV=-80.0)
    assert neuron.amplifier.mode == "voltage" and neuron.amplifier.command() == (-80.0, "mV")
    neuron.set(clamp="current")
    assert neuron.amplifier.settings()["hold_mV"] == -80.0  # kept for VC
    assert neuron.snapshot()["amplifier"] == neuron.amplifier.settings()


def test_a_sandbox_is_undone_whatever_is_done_in_it(neuron):
    neuron.run(0.01)
    before = (neuron.t_s, neuron.controls(), neuron.amplifier.settings(), neuron.state(), neuron.markers())
    n_samples = len(neuron.trace()["t_s"])
    with neuron.sandbox() as trial:
        trial.configure(clamp="voltage", hold_mV=-60.0)
        trial.pulse(20.0)
        data = trial.capture(0.01, sample_rate_hz=10000.0)
        assert neuron.amplifier.command() == (-40.0, "mV")
    assert len(data["t_s"]) == 100 and np.allclose(data["V_mV"][1:], -40.0)
    assert (neuron.t_s, neuron.controls(), neuron.amplifier.settings(), neuron.state(), neuron.markers()) == before
    assert len(neuron.trace()["t_s"]) == n_samples
