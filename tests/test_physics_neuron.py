"""Targets of ../shared/science/targets.md for the mature neuron, through the headless Session.

Each test is named after its row. Defaults: 37 °C, bath K+ 3 mM; "settled" = V moves less than
0.1 mV over 5 s. Tolerances are those of the table.
"""
import math

import numpy as np
import pytest

from engine import nernst_mV
from rig import Session


@pytest.mark.parametrize("temperature_C, expected_mV", [(25.0, 59.2), (37.0, 61.5)])
def test_row1_nernst_tenfold_gradient(temperature_C, expected_mV, figure):
    e_mV = nernst_mV(1.0, 10.0, 1.0, temperature_C)
    assert abs(e_mV - expected_mV) <= 0.2
    figure(1, f"{e_mV:.2f} mV at {temperature_C:g} °C")


def test_row1_session_reports_nernst_of_its_own_concentrations(neuron):
    r = neuron.readout()
    assert r["E_K_mV"] == pytest.approx(nernst_mV(1.0, r["K_o_mM"], r["K_i_mM"], 37.0), abs=0.05)
    assert r["E_Cl_mV"] == pytest.approx(nernst_mV(-1.0, r["Cl_o_mM"], r["Cl_i_mM"], 37.0), abs=0.05)


def test_row2_E_K_scales_with_absolute_temperature(neuron, figure):
    neuron.run(0.01)
    warm = neuron.readout()["E_K_mV"]
    neuron.set(temperature_C=25.0)
    neuron.run(0.002)  # one sample later: concentrations have not moved
    cool = neuron.readout()["E_K_mV"]
    assert warm / cool == pytest.approx(310.15 / 298.15, rel=0.003)
    figure(2, f"{100 * (warm / cool / (310.15 / 298.15) - 1):+.3f} % off the ratio of kelvins")


def test_row5_neuron_depolarises_with_bath_K(neuron, figure):
    assert neuron.run_until_settled(max_s=120)
    v3 = neuron.readout()["V_mV"]
    neuron.set(bath_K_mM=4.0, perfusion_tau_s=0)
    neuron.run(240)  # the ECS follows the bath by diffusion (tau 20 s), then ions redistribute
    assert neuron.run_until_settled(max_s=60)
    dv = neuron.readout()["V_mV"] - v3
    assert 1.5 <= dv <= 5.0
    # GHK, not Nernst: E_K moved by 61.5·log10(4/3) ≈ 7.7 mV, the cell by much less
    assert dv < 0.7 * nernst_mV(1.0, 4.0, 3.0, 37.0)
    figure(5, f"{dv:+.1f} mV")


def test_row6_mature_neuron_rest_and_chloride(neuron, figure):
    assert neuron.run_until_settled(max_s=120)
    r = neuron.readout()
    assert r["V_mV"] == pytest.approx(-70.0, abs=5.0)
    assert r["E_Cl_mV"] == pytest.approx(-98.0, abs=6.0)
    figure(6, f"rest {r['V_mV']:.1f} mV, E_Cl {r['E_Cl_mV']:.1f} mV")


def test_row8_passive_chloride_settles_at_rest(figure):
    s = Session(preparation="neuron", kcc2_rel=0, nkcc1_rel=0, sample_rate_hz=100)
    assert s.run_until_settled(max_s=120)
    r = s.readout()
    assert abs(r["E_Cl_mV"] - r["V_mV"]) < 2.0
    figure(8, f"|E_Cl − V| = {abs(r['E_Cl_mV'] - r['V_mV']):.2f} mV")


def test_row8_chloride_drifts_to_rest_when_transporters_are_removed(neuron):
    e_cl = neuron.readout()["E_Cl_mV"]
    start = neuron.t_s
    neuron.set(kcc2_rel=0, nkcc1_rel=0)
    neuron.run(120)
    tr = neuron.trace(start_s=start)
    # with KCC2 gone, Cl- leaks in: E_Cl climbs steadily from about -98 mV towards V_rest
    # (minutes, as after a KCC2 blocker in slices)
    assert tr["E_Cl_mV"][-1] > e_cl + 2.0
    assert np.all(np.diff(tr["E_Cl_mV"]) > -1e-6)
    assert tr["E_Cl_mV"][-1] < tr["V_mV"][-1]


def test_row16_energy_budget_at_rest(neuron, figure):
    neuron.run(5)
    r = neuron.readout()
    assert r["Na_efflux_pump_per_s"] == pytest.approx(r["Na_influx_per_s"], rel=0.02)
    assert r["ATP_use_per_s"] == pytest.approx(r["Na_efflux_pump_per_s"] / 3.0, rel=1e-9)
    assert 1e7 <= r["ATP_use_per_s"] <= 1e9
    assert 2.0 <= r["ATP_mM"] <= 3.0  # model-spec §4
    figure(16, f"pump Na+ out / passive Na+ in {r['Na_efflux_pump_per_s'] / r['Na_influx_per_s']:.3f}; "
               f"{r['ATP_use_per_s']:.2g} ATP/s; ATP {r['ATP_mM']:.2f} mM")


def _anoxic_latency(s, max_s=700.0):
    """Seconds from O2 off to anoxic depolarisation (V > -20 mV and K_o > 20 mM), checked every 1 s."""
    start = s.t_s
    s.set(o2_pct=0)
    while s.t_s - start < max_s:
        s.run(1.0)
        r = s.readout()
        if r["V_mV"] > -20.0 and r["K_o_mM"] > 20.0:
            return s.t_s - start
    return math.inf


@pytest.fixture(scope="module")
def anoxia():
    s = Session(preparation="neuron", sample_rate_hz=20)
    rest = s.readout()["V_mV"]
    snap = s.snapshot()
    latency = _anoxic_latency(s)
    return s, snap, rest, latency


def test_row17_anoxic_depolarisation(anoxia, figure):
    s, _, _, latency = anoxia
    assert 60.0 <= latency <= 600.0
    tr = s.trace()
    atp = tr["ATP_mM"][tr["t_s"] <= latency]
    assert np.all(np.diff(atp) <= 1e-6), "ATP must fall monotonically after O2 is removed"
    assert atp[-1] < 0.2 * atp[0]
    onset = tr["t_s"][np.argmax(tr["V_mV"] > -40.0)]  # the plateau comes first, past -20 mV later
    figure(17, f"depolarises {onset:.0f} s after O2 off; past -20 mV with K_o {s.readout()['K_o_mM']:.0f} mM "
               f"at {latency:.0f} s")


def test_row18_reoxygenation_before_the_point_of_no_return(anoxia, figure):
    s, snap, rest, latency = anoxia
    s.restore(snap)
    s.set(o2_pct=0)
    s.run(latency / 2)
    s.set(o2_pct=95)
    s.run(300)
    assert abs(s.readout()["V_mV"] - rest) < 5.0
    figure(18, f"{s.readout()['V_mV'] - rest:+.2f} mV from the old rest after 300 s")


def test_row19_high_bath_K_makes_the_neuron_fire(neuron, figure):
    before = neuron.spike_count()
    neuron.run(30)
    assert neuron.spike_count() == before, "no spontaneous spikes at 3 mM K+"
    neuron.set(bath_K_mM=10.0, perfusion_tau_s=0)
    neuron.run(30)
    before = neuron.spike_count()
    neuron.run(30)
    assert neuron.spike_count() - before >= 5
    figure(19, f"{(neuron.spike_count() - before) / 30.0:.1f} Hz at 10 mM K+, none at 3 mM")


def test_a_cooled_slice_keeps_its_ions():
    """Room-temperature recordings are stable: the pump (Q10 2) has reserve to hold Na_i."""
    warm = Session(preparation="neuron", sample_rate_hz=100).readout()
    cool = Session(preparation="neuron", sample_rate_hz=100, temperature_C=22.0).readout()
    assert cool["Na_i_mM"] < 20.0
    assert abs(cool["V_mV"] - warm["V_mV"]) < 5.0


def test_settling_conserves_charge_whatever_the_path():
    """Starting in 4 mM K+ or perfusing it in reaches the same charge-neutral cytosol."""
    started = Session(preparation="neuron", sample_rate_hz=10, bath_K_mM=4.0).state()
    s = Session(preparation="neuron", sample_rate_hz=10)
    s.set(bath_K_mM=4.0, perfusion_tau_s=0)
    s.run(60.0)
    perfused = s.state()

    def cytosol_charge_mM(st):
        return st["Na_i_mM"] + st["K_i_mM"] - st["Cl_i_mM"]

    assert cytosol_charge_mM(started) == pytest.approx(cytosol_charge_mM(perfused), abs=1e-3)
