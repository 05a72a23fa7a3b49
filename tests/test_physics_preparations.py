"""Targets of ../shared/science/targets.md for every preparation, pharmacology and mutation.

Each test is named after its row; tolerances are the table's. Measurements use the rig's own
protocols (membrane test, rheobase, current steps) on copies of the cell.
"""
import numpy as np
import pytest

from rig import Session
from rig.protocols import step_spikes


def settled(prep, **controls):
    s = Session(preparation=prep, sample_rate_hz=100, **controls)
    assert s.run_until_settled(max_s=120)
    return s


def settle_after(s, **changes):
    s.set(perfusion_tau_s=0, **changes)
    s.run(120)
    assert s.run_until_settled(max_s=120)
    return s.readout()["V_mV"]


def test_row3_astrocyte_follows_bath_K(figure):
    s = settled("astrocyte")
    v3 = s.readout()["V_mV"]
    v8 = settle_after(s, bath_K_mM=8.0)
    assert v3 == pytest.approx(-103.0, abs=4.0)
    assert v8 == pytest.approx(-76.0, abs=4.0)
    figure(3, f"{v3:.1f} → {v8:.1f} mV")


def test_row4_astrocyte_small_K_step(figure):
    s = settled("astrocyte", bath_K_mM=4.0)
    v4 = s.readout()["V_mV"]
    dv = settle_after(s, bath_K_mM=4.4) - v4
    assert dv == pytest.approx(2.5, abs=0.4)
    figure(4, f"{dv:+.2f} mV")


def test_row7_immature_neuron_chloride_above_rest(figure):
    r = settled("immature_neuron").readout()
    assert -35.0 <= r["E_Cl_mV"] <= -15.0
    assert r["E_Cl_mV"] - r["V_mV"] >= 20.0
    figure(7, f"E_Cl {r['E_Cl_mV']:.1f} mV, rest {r['V_mV']:.1f} mV")


def _gaba_response(s):
    """ΔV and input-resistance change 5 s into 100 µM GABA (wash-in instant)."""
    v0, r0 = s.readout()["V_mV"], s.membrane_test()["R_in_MOhm"]
    s.set(gaba_uM=100.0, perfusion_tau_s=0)
    s.run(5.0)
    return s.readout()["V_mV"] - v0, 1.0 - s.membrane_test()["R_in_MOhm"] / r0


def test_row9_gaba_hyperpolarises_the_mature_neuron(figure):
    dv, _ = _gaba_response(settled("neuron"))
    assert dv <= -2.0
    figure(9, f"mature {dv:+.1f} mV")


def test_row9_gaba_depolarises_the_immature_neuron(figure):
    dv, _ = _gaba_response(settled("immature_neuron"))
    assert dv >= 5.0
    figure(9, f"immature {dv:+.1f} mV")


def test_row9_gaba_shunts_with_passive_chloride(figure):
    dv, r_fall = _gaba_response(settled("neuron", kcc2_rel=0, nkcc1_rel=0))
    assert abs(dv) < 1.5
    assert r_fall >= 0.30
    figure(9, f"passive {dv:+.1f} mV with R_in −{100 * r_fall:.0f} %")


def test_row10_myelinated_axon_rest(figure):
    internode = settled("internode").readout()["V_mV"]
    node = settled("node").readout()["V_mV"]
    assert internode == pytest.approx(-95.0, abs=4.0)
    assert node == pytest.approx(-68.0, abs=4.0)
    figure(10, f"internode {internode:.1f} mV, node {node:.1f} mV")


def test_row11_demyelination_depolarises_the_node(figure):
    s = settled("node")
    v0, r0 = s.readout()["V_mV"], s.membrane_test()["R_in_MOhm"]
    dv = settle_after(s, demyelination=1.0) - v0
    r_fall = 1.0 - s.membrane_test()["R_in_MOhm"] / r0
    assert 20.0 <= dv <= 32.0
    assert r_fall >= 0.30
    figure(11, f"{v0:.1f} → {v0 + dv:.1f} mV, R_in −{100 * r_fall:.0f} %")


def test_row12_myelin_divides_specific_capacitance(figure):
    bare = Session(preparation="internode", myelin_wraps=0).membrane_test()["C_uF_per_cm2"]
    wrapped = Session(preparation="internode", myelin_wraps=50).membrane_test()["C_uF_per_cm2"]
    assert bare / wrapped == pytest.approx(51.0, abs=3.0)
    figure(12, f"{bare / wrapped:.1f} ×")


def _threshold_mV(s, step_pA):
    return step_spikes(s, step_pA)[0]["threshold_mV"]


def test_row13_nav_left_shift_lowers_rheobase_and_threshold(figure):
    wt = Session(preparation="neuron", sample_rate_hz=100)
    mut = Session(preparation="neuron", sample_rate_hz=100, nav_shift_mV=-8.0)
    rb_wt, rb_mut = wt.rheobase()["rheobase_pA"], mut.rheobase()["rheobase_pA"]
    assert rb_mut <= 0.85 * rb_wt
    thr_wt, thr_mut = _threshold_mV(wt, rb_wt * 1.5), _threshold_mV(mut, rb_wt * 1.5)
    assert 3.0 <= thr_wt - thr_mut <= 10.0
    figure(13, f"rheobase {rb_wt:.0f} → {rb_mut:.0f} pA, threshold {thr_wt:.1f} → {thr_mut:.1f} mV")


def _rest_rin_spikes(s, step_pA):
    return s.readout()["V_mV"], s.membrane_test()["R_in_MOhm"], len(step_spikes(s, step_pA))


def test_row14_kcnq_gain_of_function(figure):
    wt = Session(preparation="neuron", sample_rate_hz=100)
    step = 2.0 * wt.rheobase()["rheobase_pA"]
    v0, r0, n0 = _rest_rin_spikes(wt, step)
    v1, r1, n1 = _rest_rin_spikes(Session(preparation="neuron", sample_rate_hz=100, kcnq_gain=2.0), step)
    assert v0 - v1 >= 1.0
    assert 1.0 - r1 / r0 >= 0.10
    assert n1 < n0
    figure(14, f"{v1 - v0:+.1f} mV, R_in −{100 * (1 - r1 / r0):.0f} %, {n0} → {n1} spikes")


def test_row15_retigabine(figure):
    control = Session(preparation="neuron", sample_rate_hz=100)
    step = 2.0 * control.rheobase()["rheobase_pA"]
    v0, r0, n0 = _rest_rin_spikes(control, step)
    doses = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0]
    rest = []
    for c in doses:
        rest.append(Session(preparation="neuron", sample_rate_hz=100, retigabine_uM=c).readout()["V_mV"])
    v10, r10, n10 = _rest_rin_spikes(Session(preparation="neuron", sample_rate_hz=100, retigabine_uM=10.0), step)
    assert 2.0 <= v0 - v10 <= 10.0
    assert 1.0 - r10 / r0 >= 0.15
    assert n10 < n0
    effect = v0 - np.array(rest)
    assert np.all(np.diff(effect) > 0), "dose-response must be monotonic"
    half = np.interp(0.5 * effect[-1], effect, np.log(doses))
    assert 0.5 <= np.exp(half) <= 5.0
    figure(15, f"{v10 - v0:+.1f} mV, R_in −{100 * (1 - r10 / r0):.0f} %, {n0} → {n10} spikes, "
               f"half-effect {np.exp(half):.1f} µM")


def test_row20_spikes_are_broader_when_cold(figure):
    widths = {}
    for temperature in (37.0, 25.0):
        s = Session(preparation="neuron", sample_rate_hz=100, temperature_C=temperature)
        widths[temperature] = step_spikes(s, 1.5 * s.rheobase()["rheobase_pA"])[0]["half_width_ms"]
    assert 1.5 <= widths[25.0] / widths[37.0] <= 4.0
    figure(20, f"{widths[25.0] / widths[37.0]:.1f} × ({widths[37.0]:.2f} → {widths[25.0]:.2f} ms)")


def test_row21_squid_axon_fires_repetitively(figure):
    s = Session(preparation="squid_axon", sample_rate_hz=100)
    spikes = step_spikes(s, 10.0 * s.membrane_area_cm2 * 1e6, duration_s=1.0)  # 10 µA/cm²
    rate = len([sp for sp in spikes if sp["t_s"] > spikes[0]["t_s"]]) / (spikes[-1]["t_s"] - spikes[0]["t_s"])
    assert 60.0 <= rate <= 75.0
    assert all(30.0 <= sp["peak_mV"] <= 45.0 for sp in spikes[1:])
    figure(21, f"{rate:.0f} Hz, peak {np.mean([sp['peak_mV'] for sp in spikes[1:]]):+.1f} mV")
