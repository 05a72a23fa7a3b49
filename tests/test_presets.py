"""Named presets shipped in resources/ are valid, and a broken file is reported with its place."""
import pytest

from engine.preparations import PREPARATIONS
from rig import Session
from rig.controls import CONTROLS
from rig.presets import PresetError, load_presets


def test_shipped_presets_load_and_apply():
    presets = load_presets()
    assert presets["mutations"]["GEFS+ (SCN1A-type, Nav activation -8 mV)"] == {"nav_shift_mV": -8.0}
    sessions = {}
    for group in presets.values():
        for values in group.values():  # every preset is accepted by a preparation it is for
            preparation = next(name for name in PREPARATIONS if all(CONTROLS[k].applies_to(name) for k in values))
            if preparation not in sessions:
                sessions[preparation] = Session(preparation=preparation, sample_rate_hz=100)
            sessions[preparation].set(**values)


def test_typo_in_presets_names_file_preset_and_control(tmp_path):
    bad = tmp_path / "presets.json"
    bad.write_text('{"mutations": {"oops": {"nav_shift": -8}}}')
    with pytest.raises(PresetError, match=r"presets.json: preset 'mutations' / 'oops': unknown control 'nav_shift'"):
        load_presets(bad)
    bad.write_text('{"mutations": {"oops": {"nav_shift_mV": -80}}}')
    with pytest.raises(PresetError, match="out of range"):
        load_presets(bad)
    bad.write_text('{"mutations": {')
    with pytest.raises(PresetError, match="line 1 column"):
        load_presets(bad)


def test_a_session_starts_in_a_preset_and_controls_override_it():
    s = Session(sample_rate_hz=100, preset="high k+ (10 mM)")
    assert s.get("bath_K_mM") == 10.0
    t = Session(sample_rate_hz=100, preset="High K+ (10 mM)", bath_K_mM=8.0)
    assert t.get("bath_K_mM") == 8.0
    with pytest.raises(ValueError, match=r"unknown preset 'nope': choose one of GEFS\+"):
        Session(preset="nope")


def test_the_cli_takes_a_preset(capsys):
    from rig.cli import main
    assert main(["--headless", "--duration", "0.5", "--preset", "TTX 1 uM", "--set", "hold_pA=500"]) == 0
    assert "0.5 s recorded, 0 spikes" in capsys.readouterr().out  # TTX: 500 pA fires nothing
