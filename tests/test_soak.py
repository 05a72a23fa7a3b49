"""Long and wide (issue 25, points 3 and 6): one simulated hour at top speed recording at 10 kHz
keeps memory flat and every number finite, and the recording recovers and exports; every
preparation builds a finite, settled cell from any starting conditions its controls accept."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rig import Session
from rig.cli import main
from rig.controls import CONTROLS
from rig.recorder import read_recording, recover

SINGLE_CELLS = ("neuron", "immature_neuron", "astrocyte", "node", "internode", "squid_axon")


def resident_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.slow
def test_an_hour_recorded_at_10_khz_keeps_memory_flat_and_recovers_and_exports(tmp_path, capsys):
    s = Session(preparation="neuron", seed=1, keep_trace=False, hold_pA=120.0, noise_V_mV=0.3)
    path = tmp_path / "hour.vrig"
    s.start_recording(path)
    s.run(60.0)
    after_a_minute = resident_mb()
    for _ in range(59):
        s.run(60.0)
        assert np.isfinite(s.cell.y).all()
    growth = resident_mb() - after_a_minute
    s.stop_recording()
    assert s.recording_error is None
    assert growth < 20.0, f"resident memory grew {growth:.1f} MB over the hour"
    summary = recover(path)
    assert summary["samples"] == 36_000_000
    assert summary["dropped_bytes"] == 0
    _, channels, _ = read_recording(path)
    assert channels["t_s"][-1] == pytest.approx(3600.0)
    assert np.isfinite(channels["V_mV"][-100_000:]).all()
    out = tmp_path / "hour.csv"
    assert main(["export", str(path), "--csv", str(out), "--rate", "10"]) == 0
    rows = out.read_text(encoding="utf-8").count("\n") - 1
    assert rows == 36_000


def starting_conditions(preparation):
    controls = [c for c in CONTROLS.values() if c.applies_to(preparation)]
    values = st.sampled_from(controls).flatmap(
        lambda c: st.tuples(st.just(c.name), st.sampled_from(c.choices) if c.is_choice
                            else st.floats(c.lo, c.hi, allow_nan=False)))
    return st.lists(values, max_size=4).map(dict)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_starting_conditions_build_a_finite_cell(data):
    preparation = data.draw(st.sampled_from(SINGLE_CELLS))
    controls = data.draw(starting_conditions(preparation))
    s = Session(preparation=preparation, sample_rate_hz=1000.0, **controls)
    s.run(0.2)
    assert np.isfinite(s.cell.y).all()
    assert abs(s.readout()["V_mV"]) <= 300.0


@pytest.mark.slow
def test_a_slice_in_12_mM_potassium_builds_a_finite_cell():
    """It was NaN at construction: its neurons fire while it settles, and a fast-forwarded
    cytosol took each spike's ions a thousandfold; a uniform firing slice settles as one unit."""
    s = Session(preparation="slice", bath_K_mM=12.0)
    s.run(0.5)
    assert np.isfinite(s.cell.y).all() and np.isfinite(s.cell.u).all()
    assert -90.0 < s.readout()["V_mV"] < 0.0
