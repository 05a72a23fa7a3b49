"""A synaptic background on the neuron (targets row 31): AMPA + NMDA (Mg2+ block) and GABA_A
events drive irregular firing; kynurenic acid (NMDA antagonist) lowers the rate, quinolinic acid
(NMDA agonist) raises it. The events are reproducible however a run is sliced. No Qt."""
import numpy as np

from rig import Session

DURATION_S = 20.0


def background(**controls):
    return Session(seed=0, sample_rate_hz=1000, preset="synaptic_background", **controls)


def rate_Hz(**controls):
    s = background(**controls)
    s.run(DURATION_S)
    return s.spike_count() / DURATION_S


def test_row31_background_drives_irregular_firing(figure):
    s = background()
    s.run(DURATION_S)
    times = np.array([sp["t_s"] for sp in s.spikes()])
    intervals = np.diff(times)
    rate, cv = len(times) / DURATION_S, intervals.std() / intervals.mean()
    assert 1.0 <= rate <= 10.0
    assert cv > 0.3  # irregular, not a pacemaker (a held current gives CV < 0.1)
    figure(31, f"{rate:.1f} Hz, CV of intervals {cv:.2f}")


def test_row31_kynurenic_acid_lowers_and_quinolinic_acid_raises_the_rate(figure):
    control = rate_Hz()
    kyna = rate_Hz(kynurenic_acid_uM=100.0)
    quin = rate_Hz(quinolinic_acid_uM=100.0)
    assert kyna <= 0.8 * control
    assert quin >= 1.2 * control
    figure(31, f"kynurenic acid 100 µM {control:.1f} → {kyna:.1f} Hz; quinolinic acid 100 µM → {quin:.1f} Hz")


def test_the_background_keeps_the_cytosol_electroneutral():
    """Every ion the background moves is booked: HCO3- leaving through GABA_A comes back as Na+ by
    Na+/H+ exchange. Left untracked, its charge drained the neuron of K+ alone (3.0 mM of
    unbalanced cation in these 2 minutes)."""
    s = background()
    s.run(10.0)
    before = s.state()
    s.run(120.0)
    change = {ion: s.state()[f"{ion}_i_mM"] - before[f"{ion}_i_mM"] for ion in ("Na", "K", "Cl")}
    assert abs(change["Na"] + change["K"] - change["Cl"]) < 0.05


def test_synaptic_events_do_not_depend_on_how_the_run_is_sliced():
    whole, sliced = background(), background()
    whole.run(1.0)
    for _ in range(4):
        sliced.run(0.25)
    assert np.array_equal(whole.trace()["V_mV"], sliced.trace()["V_mV"])


def test_a_silent_slice_has_no_synaptic_channels_open():
    s = Session(seed=0, sample_rate_hz=1000)
    s.run(1.0)
    assert s.state()["syn_ampa_cm_s"] == s.state()["syn_gaba_cm_s"] == 0.0
    s.set(syn_exc_Hz=2000.0, syn_inh_Hz=1000.0)
    s.run(0.5)
    assert s.state()["syn_gaba_cm_s"] > 0.0
    s.set(syn_exc_Hz=0.0, syn_inh_Hz=0.0)
    s.run(1.0)  # they close again within a few decay times
    assert s.state()["syn_nmda_cm_s"] < 1e-3 * 2.2e-9 and s.state()["syn_gaba_cm_s"] < 1e-30
