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


def test_glutamate_uptake_draws_an_inward_current_that_depolarises_an_astrocyte_and_tboa_blocks_it():
    """Targets row 30: transporters' current of the order Bergles & Jahr 1997 recorded (-175 pA on
    the default astrocyte), a depolarisation of 1-10 mV, and nearly none of it left in 100 µM TBOA."""
    s = Session(preparation="astrocyte", keep_trace=False)
    s.run(2.0)
    control = measure(s, "glutamate_response")
    assert control["I_glu_pA"] == pytest.approx(-175.0, rel=0.05) and 1.0 <= control["dV_glu_mV"] <= 10.0
    assert control["dV_glu_mV"] == pytest.approx(-control["I_glu_pA"] * measure(s, "membrane_test")["R_in_MOhm"]
                                                 / 1000.0, rel=0.15)  # Ohm's law, near enough
    s.set(tboa_uM=100.0, perfusion_tau_s=0.0)
    s.run(2.0)
    blocked = measure(s, "glutamate_response")
    assert abs(blocked["I_glu_pA"]) < 0.1 * abs(control["I_glu_pA"]) and abs(blocked["dV_glu_mV"]) < 0.3


def test_the_chamber_reads_what_the_perfusion_has_washed_in_so_far(neuron):
    assert measure(neuron, "chamber")["retigabine_uM"] == 0.0 and measure(neuron, "chamber")["o2_pct"] == 95.0
    s = Session(keep_trace=False)
    s.set(retigabine_uM=10.0)  # the default exchange time, 10 s: 63 % after one of them
    s.run(10.0)
    assert measure(s, "chamber")["retigabine_uM"] == pytest.approx(6.3, abs=0.1)
    assert measure(s, "chamber")["bath_K_mM"] == pytest.approx(3.0)


def test_the_reversals_follow_a_temperature_change_at_once_even_paused():
    """Targets row 2: E_K at 37 °C / E_K at 25 °C right after the change, the concentrations unchanged."""
    s = Session(keep_trace=False, sample_rate_hz=1000)
    warm = measure(s, "reversals")["E_K_mV"]
    s.set(temperature_C=25.0)  # no block has run since: the meters still show 37 °C
    assert warm / measure(s, "reversals")["E_K_mV"] == pytest.approx(310.15 / 298.15, rel=1e-6)
