"""Measurements that never mislead: honest answers when there is no rheobase, no spike where there
is no action potential, counts that agree at any sample rate, plain numbers with units in their
keys, sample times on the grid, and protocol arguments checked like controls."""
import math

import pytest

from rig import Session
from rig.protocols import step_spikes


def test_rheobase_in_TTX_says_nothing_fires():
    s = Session(preparation="neuron", sample_rate_hz=100, ttx_nM=1000.0)
    result = s.rheobase()
    assert result["rheobase_pA"] is None
    assert "no spike up to 2000 pA" in result["message"]
    assert s.markers()[-1][1] == f"rheobase: {result['message']}"


def test_rheobase_of_a_cell_that_fires_by_itself_says_so():
    s = Session(preparation="neuron", sample_rate_hz=100, bath_K_mM=10.0)
    result = s.rheobase()
    assert result["rheobase_pA"] is None
    assert "fires with no step" in result["message"]


def test_rheobase_is_a_plain_number_in_pA():
    result = Session(preparation="neuron", sample_rate_hz=100).rheobase()
    assert type(result["rheobase_pA"]) is float and 50.0 <= result["rheobase_pA"] <= 200.0
    assert result["message"] == f"{result['rheobase_pA']:.0f} pA"


def test_a_passive_rise_through_0_mV_is_no_spike():
    s = Session(preparation="internode", sample_rate_hz=100)
    s.set(hold_pA=100.0)  # the internode charges slowly to about +80 mV (short of breakdown at 250 mV)
    s.run(2.0)
    assert s.readout()["V_mV"] > 0.0
    assert s.spike_count() == 0 and s.spikes() == []
    assert step_spikes(s, 2000.0) == []
    assert s.rheobase()["rheobase_pA"] is None


@pytest.mark.parametrize("rate_hz", [1000, 2000, 5000])
def test_spikes_at_a_low_sample_rate_are_counted_not_shaped(rate_hz):
    s = Session(preparation="neuron", sample_rate_hz=rate_hz)
    s.set(hold_pA=400.0)
    s.run(1.0)
    spikes = s.spikes()
    assert len(spikes) == s.spike_count() >= 5
    for sp in spikes:
        assert sp["peak_mV"] is None and sp["threshold_mV"] is None and sp["half_width_ms"] is None
        assert type(sp["t_s"]) is float


def test_spike_counts_agree_at_every_sample_rate():
    counts = set()
    for rate_hz in (100, 1000, 10000, 50000):
        s = Session(preparation="neuron", sample_rate_hz=rate_hz)
        s.set(hold_pA=400.0)
        s.run(1.0)
        counts.add((s.spike_count(), len(s.spikes())))
    assert len(counts) == 1 and counts.pop()[0] >= 5


def test_results_are_plain_python_numbers_with_units_in_their_keys():
    s = Session(preparation="neuron", sample_rate_hz=10000)
    mt = s.membrane_test()
    assert set(mt) >= {"R_in_MOhm", "C_pF", "tau_ms"}
    assert all(type(v) is float for v in mt.values())
    iv = s.iv_curve([-90.0, -60.0])
    fi = s.fi_curve([0.0, 300.0])
    for table in (iv, fi):
        for column in table.values():
            assert isinstance(column, list)
            assert all(v is None or type(v) in (float, int) for v in column)
    assert fi["spike_count"] == [0, fi["spike_count"][1]] and fi["spike_count"][1] > 0
    s.set(hold_pA=300.0)
    s.run(0.3)
    assert all(type(v) in (float, int) for v in s.readout().values())
    for sp in s.spikes():
        assert all(v is None or type(v) is float for v in sp.values())


def test_time_lands_exactly_on_the_sample_grid():
    s = Session(preparation="neuron", sample_rate_hz=1000)
    s.run(1.0)
    assert s.t_s == 1.0 and s.readout()["t_s"] == 1.0 and s.trace()["t_s"][-1] == 1.0
    for _ in range(10):
        s.run(0.1)
    assert s.t_s == 2.0
    s.set(bath_K_mM=4.0)
    assert s.markers()[-1][0] == 2.0
    t = s.trace()["t_s"]
    assert all(t[i] == (i + 1) / 1000 for i in range(0, len(t), 97))


@pytest.mark.parametrize("call, message", [
    (lambda s: s.iv_curve(steps_mV=[-200.0]), r"iv_curve: step -200.0 mV is not allowed: valid -150–60 mV"),
    (lambda s: s.iv_curve(steps_mV=[-60.0, float("nan")]), r"iv_curve: step nan mV is not allowed"),
    (lambda s: s.iv_curve(steps_mV=[]), r"iv_curve: steps must be a non-empty list"),
    (lambda s: s.fi_curve(steps_pA=[5000]), r"fi_curve: step 5000 pA is not allowed: valid -2000–2000 pA"),
    (lambda s: s.fi_curve(steps_pA=["lots"]), r"fi_curve: step 'lots' pA is not allowed"),
    (lambda s: s.fi_curve(steps_pA=[True]), r"fi_curve: step True pA is not allowed"),
    (lambda s: s.fi_curve(steps_pA=100), r"fi_curve: steps must be a non-empty list"),
])
def test_protocol_arguments_are_checked_like_controls(neuron, call, message):
    n = len(neuron.markers())
    with pytest.raises(ValueError, match=message):
        call(neuron)
    assert len(neuron.markers()) == n  # nothing ran


def test_steps_ride_on_the_holding_current_within_the_amplifier_range(neuron):
    neuron.set(hold_pA=500.0)
    with pytest.raises(ValueError, match=r"valid -2500–1500 pA \(holding 500 pA\)"):
        neuron.fi_curve([1800.0])


@pytest.mark.parametrize("seed", ["a", 1.5, -1, 2**32, True, None])
def test_a_bad_seed_is_named(seed):
    with pytest.raises(ValueError, match=r"seed = .* whole number 0–4294967295"):
        Session(seed=seed)


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_not_a_concentration(neuron, value):
    with pytest.raises(ValueError, match=rf"bath_K_mM = {value} is not a number"):
        neuron.set(bath_K_mM=value)
    assert neuron.get("bath_K_mM") == 3.0


def test_rheobase_at_the_amplifier_limit_says_there_is_no_room(neuron):
    neuron.set(hold_pA=2000.0, ttx_nM=1000.0, perfusion_tau_s=0)  # silent, and no room for a step
    assert neuron.rheobase() == {"rheobase_pA": None,
                                 "message": "holding 2000 pA is the amplifier's limit: no room for a step"}


@pytest.mark.parametrize("call", [lambda s: s.run(True), lambda s: s.run(float("inf")), lambda s: s.run(-1),
                                  lambda s: s.run("abc"), lambda s: s.run(None)])
def test_run_takes_a_duration_in_seconds(neuron, call):
    with pytest.raises(ValueError, match="run duration must be a non-negative number of seconds"):
        call(neuron)


def test_a_boolean_is_not_a_sample_rate():
    with pytest.raises(ValueError, match="sample rate True Hz must divide"):
        Session(sample_rate_hz=True)


def test_membrane_test_fields_are_finite(neuron):
    assert all(math.isfinite(v) for v in neuron.membrane_test().values())
