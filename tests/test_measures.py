"""The measurements a practical records (rig.measures): the numbers a student would read off the rig."""
import pytest

from engine.kernel import nernst_mV
from rig import Session
from rig.measures import MEASURES, measure


@pytest.fixture(scope="module")
def neuron():
    s = Session(keep_trace=False)
    s.run(2.0)
    return s


def test_settled_v_and_the_reversals_are_what_the_rig_reads(neuron):
    assert measure(neuron, "settled_V")["V_mV"] == pytest.approx(-72.1, abs=0.2)
    found, ions = measure(neuron, "reversals"), measure(neuron, "ions")
    assert found["E_K_mV"] == pytest.approx(nernst_mV(1, ions["K_o_mM"], ions["K_i_mM"], 37.0), abs=0.01)
    assert found["E_Cl_mV"] == pytest.approx(nernst_mV(-1, ions["Cl_o_mM"], ions["Cl_i_mM"], 37.0), abs=0.01)


def test_every_measurement_gives_the_keys_it_names(neuron):
    for name, m in MEASURES.items():
        if name == "wave_speed":  # the slice's (tests/test_physics_slice.py)
            continue
        assert tuple(measure(neuron, name)) == m.gives


def test_firing_counts_the_newest_five_seconds_and_the_spike_shape_is_the_newest():
    s = Session(keep_trace=False, hold_pA=200.0)
    s.run(5.0)
    firing, shape = measure(s, "firing"), measure(s, "spike_shape")
    assert firing["rate_Hz"] == pytest.approx(firing["spike_count"] / 5.0) and 3.0 <= firing["rate_Hz"] <= 20.0
    assert -55.0 <= shape["threshold_mV"] <= -40.0 and 20.0 <= shape["peak_mV"] <= 50.0
    assert 0.3 <= shape["half_width_ms"] <= 1.5


def test_the_anoxic_depolarisation_is_timed_from_the_o2_change_as_targets_row_17_allows():
    s = Session(keep_trace=False, sample_rate_hz=1000)
    s.run(1.0)
    s.set(o2_pct=0.0)
    assert measure(s, "anoxic_depolarisation") == {"latency_s": None}
    while s.t_s < 700.0 and measure(s, "anoxic_depolarisation")["latency_s"] is None:
        s.run(20.0)
    assert 60.0 <= measure(s, "anoxic_depolarisation")["latency_s"] <= 600.0


def test_an_unknown_measurement_names_the_known_ones(neuron):
    with pytest.raises(ValueError, match="unknown measurement 'rest': choose one of settled_V, reversals"):
        measure(neuron, "rest")
