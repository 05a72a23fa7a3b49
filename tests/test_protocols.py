"""The rig's measurement protocols return tables a student can plot, and leave the experiment alone."""
import re

import numpy as np
import pytest

from engine.preparations import PREPARATIONS
from rig import CONTROLS, Session


@pytest.fixture(scope="module")
def cell():
    return Session(preparation="neuron", sample_rate_hz=10000)


def test_protocols_leave_the_experiment_untouched(cell):
    before = cell.state()
    n_markers = len(cell.markers())
    cell.rheobase()
    cell.fi_curve([0.0, 200.0])
    cell.iv_curve([-90.0, -50.0])
    assert cell.state() == before
    assert len(cell.markers()) == n_markers + 3  # one marker per measurement


def test_iv_curve_in_ttx_is_a_leak_line_through_rest():
    s = Session(preparation="neuron", sample_rate_hz=100, ttx_nM=1000.0)  # settled in current clamp
    rest = s.readout()["V_mV"]
    iv = s.iv_curve(np.arange(-100.0, -59.0, 10.0))  # the protocol switches to voltage clamp
    assert list(iv["V_mV"]) == [-100.0, -90.0, -80.0, -70.0, -60.0]
    assert np.all(np.diff(iv["I_steady_pA"]) > 0)  # outward grows with depolarisation
    reversal = np.interp(0.0, iv["I_steady_pA"], iv["V_mV"])
    assert reversal == pytest.approx(rest, abs=2.0)


def test_iv_curve_shows_the_sodium_current():
    iv = Session(preparation="neuron", sample_rate_hz=100, clamp="voltage").iv_curve([-80.0, -20.0, 20.0])
    assert iv["I_peak_pA"][1] < -1000.0  # transient inward Na+ current at -20 mV
    assert iv["I_steady_pA"][1] > iv["I_peak_pA"][1]
    assert iv["I_peak_pA"][2] < 0.0 < iv["I_steady_pA"][2]  # below E_Na the peak stays inward


def test_fi_curve_rises_with_current(cell):
    fi = cell.fi_curve([0.0, 100.0, 200.0, 400.0])
    assert fi["spike_count"][0] == 0
    assert np.all(np.diff(fi["rate_Hz"]) >= 0) and fi["rate_Hz"][-1] > 10.0
    assert np.all(np.isfinite(fi["half_width_ms"][1:]))


def test_spikes_in_the_recorded_trace_have_shape_and_rate():
    s = Session(preparation="neuron", sample_rate_hz=25000)
    s.set(hold_pA=250.0)
    s.run(0.5)
    spikes = s.spikes()
    assert len(spikes) >= 3
    assert spikes[0]["rate_Hz"] is None and spikes[1]["rate_Hz"] > 0
    for sp in spikes:
        assert -60.0 < sp["threshold_mV"] < -35.0
        assert sp["peak_mV"] > 0.0
        assert 0.2 < sp["half_width_ms"] < 2.0


def test_every_control_and_preparation_says_what_it_is_and_where_it_comes_from():
    for c in CONTROLS.values():
        assert len(c.help) > 20, c.name
        if c.group in ("Cell", "Environment") or c.name in ("gaba_uM", "retigabine_uM", "ttx_nM"):
            assert re.search(r"(19|20)\d\d", c.source), f"{c.name} has no dated source"
    for prep in PREPARATIONS.values():
        assert re.search(r"(19|20)\d\d", prep.description), f"{prep.name} cites no source"


def test_step_sweeps_in_current_and_voltage_clamp():
    from rig.protocols import step_sweeps

    s = Session(sample_rate_hz=1000)
    out = step_sweeps(s, start=-100.0, increment=50.0, count=3, duration_s=0.2)
    assert out["unit"] == "pA" and out["steps"] == [-100.0, -50.0, 0.0]
    first = out["sweeps"][0]
    assert len(first["t_s"]) == len(first["V_mV"]) == 5000  # 0.1 + 0.2 + 0.2 s at 10 kHz
    assert first["V_mV"][2900] < first["V_mV"][900] - 5  # hyperpolarised by the -100 pA step
    assert first["I_pA"][2900] == pytest.approx(-100.0)
    assert s.t_s == 0.0 and s.markers()[-1][1].startswith("step protocol: 3 sweeps")  # the cell untouched
    s.set(clamp="voltage")
    vc = step_sweeps(s, start=-10.0, increment=-10.0, count=2, duration_s=0.05, post_s=0.0)
    assert vc["unit"] == "mV" and vc["sweeps"][1]["V_mV"][1400] == pytest.approx(-90.0, abs=0.5)
    s.set(clamp="I=0")
    with pytest.raises(ValueError, match="not I=0"):
        step_sweeps(s, 0.0, 10.0, 2)
    s.set(clamp="current")
    with pytest.raises(ValueError, match="step protocol: step .* is not allowed"):
        step_sweeps(s, 1900.0, 100.0, 3)
