"""Glutamate in the bath (targets row 30, and the neuron's NMDA receptors): the astrocyte's
transporters (3 Na+ and 1 H+ in, 1 K+ out per glutamate) draw an inward current and depolarise
it a few mV; TBOA abolishes that; the books still balance. No Qt."""

from rig import Session


def astrocyte(**controls):
    s = Session(preparation="astrocyte", seed=0, sample_rate_hz=1000, perfusion_tau_s=0.0, **controls)
    s.run(1.0)
    return s


def glutamate_current_pA(**controls):
    """The glutamate-evoked current at -90 mV, 0.5 s after 100 µM arrives (before K+ builds up)."""
    s = astrocyte(clamp="voltage", hold_mV=-90.0, **controls)
    before = s.readout()["I_pA"]
    s.set(glutamate_uM=100.0)
    s.run(0.5)
    return s.readout()["I_pA"] - before


def test_row30_glutamate_uptake_is_an_inward_current_that_tboa_abolishes(figure):
    evoked = glutamate_current_pA()
    blocked = glutamate_current_pA(tboa_uM=100.0)
    # 100 µM at K_m 18 µM: 85 % of the ~200 pA of saturating uptake, in; the clamp supplies it
    assert -250.0 < evoked < -100.0
    assert abs(blocked) < 0.1 * abs(evoked)  # 100 µM TBOA at IC50 6 µM leaves 6 %
    figure(30, f"uptake current {evoked:.0f} pA at −90 mV, {blocked:.0f} pA with TBOA")


def test_row30_glutamate_depolarises_the_astrocyte_and_tboa_brings_it_back(figure):
    s = astrocyte()
    rest = s.readout()["V_mV"]
    s.set(glutamate_uM=100.0)
    s.run(20.0)
    depolarised = s.readout()["V_mV"] - rest
    s.set(tboa_uM=100.0)
    s.run(20.0)
    with_tboa = s.readout()["V_mV"] - rest
    assert 1.0 <= depolarised <= 10.0
    assert abs(with_tboa) < 2.0  # the uptake's depolarisation is gone (Na+ it loaded still pumped out)
    errors = s.budget_error()
    assert max(errors[k] for k in ("Na", "K", "Cl", "charge", "tissue_Na", "tissue_K")) < 1e-9
    figure(30, f"depolarised {depolarised:+.1f} mV in 20 s (K_o too: its K+ out), {with_tboa:+.1f} mV with TBOA")


def nmda_current_pA(hold_mV):
    """Glutamate-evoked current in the neuron clamped at ``hold_mV`` (settled there first: its
    M-current takes a second), 0.1 s after 100 µM arrives."""
    s = Session(seed=0, sample_rate_hz=1000, perfusion_tau_s=0.0, clamp="voltage", hold_mV=hold_mV)
    s.run(3.0)
    before = s.readout()["I_pA"]
    s.set(glutamate_uM=100.0)
    s.run(0.1)
    return s.readout()["I_pA"] - before


def test_glutamate_opens_the_neurons_nmda_receptors_which_mg_blocks_near_rest():
    at_minus_40, at_minus_80 = nmda_current_pA(-40.0), nmda_current_pA(-80.0)
    # 1.5 nA unblocked at -60 mV; 1.3 mM Mg2+ leaves 19 % open at -40 mV, 2 % at -80 mV
    assert -250.0 < at_minus_40 < -120.0
    assert at_minus_80 < 0.0 and abs(at_minus_80) < 0.3 * abs(at_minus_40)
