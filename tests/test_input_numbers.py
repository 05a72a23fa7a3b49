"""One number rule (issue 25, ``rig.controls.as_number``) wherever a number comes in: the Session,
the run loop's speed, puffs, protocols, presets and the command line. numpy's numbers are numbers;
bools, NaN, infinities and text are not (text only where a user typed it: the command line)."""
import json
import math

import numpy as np
import pytest

from rig.cli import main
from rig.controls import as_number, checked_number
from rig.presets import PresetError, load_presets
from rig.protocols import step_sweeps
from rig.puff import checked_puff
from rig.runloop import checked_speed
from rig.session import Session

NUMBERS = [3, 4.4, np.float32(4.5), np.float64(4.4), np.int64(8), np.int32(8), np.uint8(8)]
NOT_NUMBERS = [True, False, np.bool_(True), None, math.nan, math.inf, -math.inf, np.float32("nan"), "8", "4,4",
               b"8", [8], np.array(8.0), 10**400]


@pytest.mark.parametrize("value", NUMBERS)
def test_python_and_numpy_numbers_are_numbers(value):
    assert as_number(value) == float(value) and type(as_number(value)) is float


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_bools_nan_infinities_and_text_are_not(value):
    assert as_number(value) is None


@pytest.mark.parametrize("text, number", [("4.4", 4.4), (" 8 ", 8.0), ("-1e3", -1000.0), (".5", 0.5), ("5.", 5.0),
                                          ("4,4", None), ("44,0", None), ("nan", None), ("inf", None), ("1_000", None),
                                          ("", None), ("0x10", None), ("1e999", None), ("٤", None)])
def test_typed_text_is_a_number_only_when_it_is_exactly_one(text, number):
    assert as_number(text, typed=True) == number


def test_whole_numbers_are_integers():
    assert as_number(np.int64(7), whole=True) == 7 and as_number("12", typed=True, whole=True) == 12
    assert [as_number(v, whole=True) for v in (2.0, True, np.bool_(False), "3")] == [None] * 4
    assert as_number("1.5", typed=True, whole=True) is None


def test_the_message_names_what_the_value_and_the_range():
    with pytest.raises(ValueError, match=r"^bath_K_mM = nan is not a number \(valid range 0.5–150 mM\)$"):
        checked_number("bath_K_mM", math.nan, 0.5, 150.0, "mM")
    with pytest.raises(ValueError, match=r"^run_to t_s = inf is not a number \(valid range 0 s or more\)$"):
        checked_number("run_to t_s", math.inf, 0.0, unit="s")
    with pytest.raises(ValueError, match=r"^x = '8' is not a number \(valid range any number\)$"):
        checked_number("x", "8")  # text is a number only where a user typed it (typed=True)


@pytest.mark.parametrize("value", NUMBERS[2:])
def test_the_session_takes_numpy_numbers(neuron, value):
    neuron.set(bath_K_mM=value)
    assert neuron.get("bath_K_mM") == float(value) and type(neuron.get("bath_K_mM")) is float
    t_s = neuron.t_s
    neuron.run(np.float32(0.002))
    neuron.run_to(np.int64(int(t_s) + 1))
    assert neuron.t_s == int(t_s) + 1


@pytest.mark.parametrize("value", [np.bool_(True), math.nan, math.inf, "8", None])
def test_the_session_refuses_what_is_not_a_number_with_the_controls_name(neuron, value):
    with pytest.raises(ValueError, match=r"bath_K_mM = .* is not a number \(valid range 0.5–150 mM"):
        neuron.set(bath_K_mM=value)
    with pytest.raises(ValueError, match="run duration must be a non-negative number of seconds"):
        neuron.run(value)
    assert neuron.get("bath_K_mM") == 3.0


def test_a_choice_is_text_and_nothing_else(neuron):
    with pytest.raises(ValueError, match="clamp = 1 is not allowed: choose one of current"):
        neuron.set(clamp=1)


@pytest.mark.parametrize("seed", [np.bool_(True), 3.0, "3"])
def test_a_seed_is_a_whole_number(seed):
    with pytest.raises(ValueError, match=r"seed = .* whole number 0–4294967295"):
        Session(seed=seed)


@pytest.mark.parametrize("rate", [np.bool_(True), math.nan, "1000"])
def test_a_sample_rate_is_a_number(rate):
    with pytest.raises(ValueError, match="must divide the integration rate"):
        Session(sample_rate_hz=rate)


@pytest.mark.parametrize("speed", [np.float32(10), np.int64(5), np.float64(1.0), 100])
def test_numpy_speeds_are_speeds(speed):
    assert checked_speed(speed) == float(speed) and type(checked_speed(speed)) is float


@pytest.mark.parametrize("speed", [True, np.bool_(True), math.nan, math.inf, "10", np.float32(0.5)])
def test_bool_and_text_speeds_are_refused(speed):
    with pytest.raises(ValueError, match=r"speed = .* is not allowed: 1–100 × real time, or None"):
        checked_speed(speed)


@pytest.mark.parametrize("where, solution, message", [
    ((np.bool_(True), 0.2, 5.0), {"K_mM": 60}, r"puff at_mm = .*True.* is not a number \(valid range 0–3 mm\)"),
    ((0.5, 0.2, 5.0), {"K_mM": np.bool_(True)}, r"puff K_mM = .*True.* is not a number \(valid range 0.5–150 mM\)"),
    ((0.5, 0.2, math.inf), {"K_mM": 60}, r"puff duration_s = inf is not a number"),
    ((0.5, 0.2, 5.0), {"K_mM": "60"}, r"puff K_mM = '60' is not a number"),
    ((5.0, 0.2, 5.0), {"K_mM": 60}, r"puff at_mm = 5.0 is out of range: valid 0–3 mm"),
])
def test_a_puff_takes_numbers_only(where, solution, message):
    with pytest.raises(ValueError, match=message):
        checked_puff(*where, solution)


def test_a_puff_takes_numpy_numbers():
    where, solution = checked_puff(np.float32(0.5), np.int64(1), 5, {"K_mM": np.float64(60)})
    assert where == {"at_mm": 0.5, "width_mm": 1.0, "duration_s": 5.0} and solution == {"K_mM": 60.0}


@pytest.mark.parametrize("arguments, message", [
    ({"count": True}, r"count = True must be a whole number 1–50"),
    ({"count": 3.0}, r"count = 3.0 must be a whole number 1–50"),
    ({"duration_s": True}, r"a step lasts up to 10 s \(got True s\)"),
    ({"pre_s": math.nan}, r"with up to 5 s at holding before and after \(got nan"),
    ({"start": "x"}, r"step protocol: start = 'x' is not a number"),
    ({"increment": np.bool_(False)}, r"step protocol: increment = .*False.* is not a number"),
])
def test_step_protocol_arguments_follow_the_rule(neuron, arguments, message):
    n = len(neuron.markers())
    with pytest.raises(ValueError, match=message):
        step_sweeps(neuron, **{"start": -100.0, "increment": 50.0, "count": 2, **arguments})
    assert len(neuron.markers()) == n


def test_a_preset_value_in_quotes_is_refused(tmp_path):
    path = tmp_path / "presets.json"
    path.write_text(json.dumps({"solutions": {"oops": {"bath_K_mM": "10"}}}))
    with pytest.raises(PresetError, match=r"preset 'solutions' / 'oops': bath_K_mM = '10' is not a number"):
        load_presets(path)


@pytest.mark.parametrize("argv, message", [
    (["--set", "bath_K_mM=4,4"], "bath_K_mM = '4,4' is not a number (valid range 0.5–150 mM)"),
    (["--at", "1", "bath_K_mM=nan"], "bath_K_mM = 'nan' is not a number"),
    (["--at", "1", "bath_K_mM=True"], "bath_K_mM = 'True' is not a number"),
    (["--at", "inf", "bath_K_mM=8"], "--at needs a time in seconds (0 or more) first, got 'inf'"),
    (["--preparation", "slice", "--puff", "1", "K_mM=6,0", "at_mm=1"], "puff K_mM = '6,0' is not a number"),
])
def test_the_command_line_parses_typed_numbers_by_the_same_rule(argv, message, capsys):
    assert main(["--headless", "--duration", "1"] + argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--duration", "inf"], "argument --duration: got 'inf'; expected seconds, more than 0"),
    (["--duration", "1_0"], "argument --duration: got '1_0'"),
    (["--sample-rate-hz", "nan"], "argument --sample-rate-hz: got 'nan'"),
    (["--seed", "1e3"], "argument --seed: got '1e3'; expected a whole number"),
])
def test_a_typed_option_is_a_number_only_when_it_is_exactly_one(argv, message, capsys):
    with pytest.raises(SystemExit):
        main(["--headless"] + argv)
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--preparation", "internode", "--at", "1", "myelin_wraps=10"],
     "--at 1: myelin_wraps is fixed once the cell is patched: make it a starting condition (--set myelin_wraps=VALUE"),
    (["--preparation", "internode", "--set", "myelin_wraps=10", "--at", "2"], "--at 2: myelin_wraps is fixed"),
    (["--at", "1", "demyelination=1"], "--at 1: demyelination belongs to the node preparation; this is the neuron"),
    (["--preparation", "slice", "--at", "3", "butyrate_fed=1"], "--at 3: butyrate_fed is fixed"),
    (["--puff", "1", "K_mM=60", "at_mm=1"], "--puff needs the slice preparation"),
])
def test_timed_changes_are_refused_before_the_cell_is_patched_or_the_recording_opened(argv, message, tmp_path, capsys,
                                                                                       monkeypatch):
    monkeypatch.setattr(Session, "__init__", lambda *a, **k: pytest.fail("patched a cell for a run it refuses"))
    record = tmp_path / "r.vrig"
    assert main(["--headless", "--duration", "5", "--record", str(record)] + argv) == 2
    assert message in capsys.readouterr().err
    assert not record.exists()


def test_timed_changes_are_checked_against_a_scenarios_preparation(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(Session, "__init__", lambda *a, **k: pytest.fail("patched a cell for a run it refuses"))
    path = tmp_path / "s.toml"
    path.write_text('preparation = "astrocyte"\n[[at]]\nt_s = 1\nbath_K_mM = 8\n')
    assert main(["--headless", "--scenario", str(path), "--at", "2", "nav_shift_mV=-8"]) == 2
    assert "--at 2: nav_shift_mV belongs to the neuron" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--set", "hold_pA=5", "hold_pA=6"], ["--at", "0.5", "hold_pA=5", "hold_pA=6"],
                                  ["--set", "hold_pA=5", "--set", "hold_pA=6"]])
def test_a_control_given_twice_on_the_command_line_is_refused_not_last_wins(argv, capsys):
    assert main(["--headless", "--duration", "1", *argv]) == 2
    assert "hold_pA is given twice (5.0 and 6.0); give it once" in capsys.readouterr().err
