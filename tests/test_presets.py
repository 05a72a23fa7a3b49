"""Named presets shipped in resources/ are valid, and a broken file is reported with its place."""
import pytest

from rig import Session
from rig.presets import PresetError, load_presets


def test_shipped_presets_load_and_apply():
    presets = load_presets()
    assert presets["mutations"]["GEFS+ (SCN1A-type, Nav activation -8 mV)"] == {"nav_shift_mV": -8.0}
    s = Session(sample_rate_hz=100)
    for group in presets.values():
        for values in group.values():
            s.set(**values)  # every preset is accepted by the rig


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
