"""The slice (targets rows 27-29, model-spec §9): a KCl puff starts a spreading depolarisation that
crosses the slice and each cell recovers behind it; an anoxic core stays depolarised while the
oxygenated tissue around it recovers; astrocyte gap junctions spread a local K+ load. The books
balance across the whole slice (row 22). No Qt."""
import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from engine import budget
from engine.kernel import P, S, U, UNIT_NAMES
from engine.preparations import PREPARATIONS
from engine.slice import Slice
from rig import Session
from rig.analysis import wave_arrivals, wave_speed_mm_per_min



def slice_session(**controls):
    """A settled slice after a second of linescan (its rest)."""
    s = Session(preparation="slice", seed=0, sample_rate_hz=1000, **controls)
    s.run(1.0)
    return s


def plateau(V, rows):
    """V with spikes taken out: a running median over ``rows`` linescan rows."""
    return np.median(sliding_window_view(V, rows, axis=0), axis=-1)


@pytest.mark.slow
def test_row27_a_kcl_puff_starts_a_wave_that_crosses_the_slice_and_each_cell_recovers(figure):
    s = slice_session()
    rest = s.linescan()["V_mV"][-1]
    s.puff(K_mM=60.0, at_mm=0.15, width_mm=0.3, duration_s=10.0)
    s.run(220.0)
    scan = s.linescan()
    t, x, V, K_o = scan["t_s"] - scan["t_s"][0], scan["x_mm"], scan["V_mV"], scan["K_o_mM"]
    beyond = x > 0.5  # outside the puffed stretch: the wave's own
    arrival = wave_arrivals(scan) - scan["t_s"][0]
    assert not np.isnan(arrival[beyond]).any(), "the wave did not reach every cell"
    speed = wave_speed_mm_per_min(scan, from_mm=0.5)
    assert 2.0 <= speed <= 5.0
    V_plateau = plateau(V, 20).max(axis=0)[beyond]  # 1 s medians: the depolarisation, not spikes
    K_peak = K_o.max(axis=0)[beyond]
    assert (V_plateau > -20.0).all() and (K_peak > 30.0).all()
    # within 3 min after the wave passed, each cell is back within 5 mV of its rest and stays
    recovered = []
    for j in np.nonzero(beyond)[0]:
        away = np.nonzero(np.abs(V[:, j] - rest[j]) > 5.0)[0]
        recovered.append(t[away[-1]] - arrival[j])
    assert max(recovered) < 180.0
    figure(27, f"KCl puff: wave at {speed:.1f} mm/min; plateau {V_plateau.min():.0f}…{V_plateau.max():.0f} mV, "
               f"K_o peak {K_peak.min():.0f}–{K_peak.max():.0f} mM; back within 5 mV of rest "
               f"{min(recovered):.0f}–{max(recovered):.0f} s after the wave")


@pytest.mark.slow
def test_row28_an_anoxic_core_stays_depolarised_and_the_penumbra_recovers(figure):
    s = slice_session()
    rest = s.linescan()["V_mV"][-1]
    s.set(core_mm=1.0, core_o2_pct=0.0)
    t0, chunks = s.t_s, []
    for _ in range(3):  # 15 min, read in 5 min pieces (the linescan keeps 10)
        s.run(300.0)
        chunks.append(s.linescan(span_s=300.0))
    t = np.concatenate([c["t_s"] for c in chunks]) - t0
    V = np.concatenate([c["V_mV"] for c in chunks])
    x = chunks[0]["x_mm"]
    core, far = x < 0.8, x > 2.0
    V_s = plateau(V, 20)
    t_s = t[19:]
    # anoxic depolarisation in the core (above -20 mV), then held for more than 10 min: the core
    # never comes back (within 30 mV of rest)
    onset = np.array([t_s[np.argmax(V_s[:, j] > -20.0)] for j in np.nonzero(core)[0]])
    assert (V_s[:, core].max(axis=0) > -20.0).all()
    held = t_s[-1] - onset.max()
    assert held > 600.0 and (V_s[t_s > onset.max(), :][:, core] > rest[core] + 30.0).all()
    # the oxygenated tissue: back within 5 mV of its rest at the end, after whatever waves came
    waves = int((np.diff((V_s[:, far] > -20.0).astype(int), axis=0) == 1).sum(axis=0).max())
    assert (np.abs(V[-1, far] - rest[far]) < 5.0).all()
    figure(28, f"core (O2 0 %, 1 mm): depolarised from {onset.min():.0f}–{onset.max():.0f} s, held "
               f"{held / 60:.1f} min; penumbra beyond 2 mm: {waves} wave(s), back within "
               f"{np.abs(V[-1, far] - rest[far]).max():.1f} mV of rest")


def k_load(gap_junction_rel):
    """A local K+ load (10 mM KCl puffed onto 0.1 mm for 5 s) at 1.5 mm: the rise of K_o there
    above its baseline, how fast it goes after the puff, the rise 0.5 mm away, and the neurons'
    highest V at the load (the load must leave them passive: no local depolarisation)."""
    s = slice_session(gap_junction_rel=gap_junction_rel)
    s.puff(K_mM=10.0, at_mm=1.5, width_mm=0.1, duration_s=5.0)
    s.run(60.0)
    scan = s.linescan()
    t, x, K_o = scan["t_s"] - scan["t_s"][0], scan["x_mm"], scan["K_o_mM"]
    here, away = np.argmin(np.abs(x - 1.5)), np.argmin(np.abs(x - 2.0))
    end = np.searchsorted(t, 5.0)  # the puff ends: how fast does the excess go?
    excess = K_o[end:, here] - K_o[0, here]
    return_s = t[end + np.argmax(excess < excess[0] / np.e)] - 5.0
    return (K_o[:, here].max() - K_o[0, here], return_s, K_o[:, away].max() - K_o[0, away],
            scan["V_mV"][:, here].max())


@pytest.mark.slow
def test_row29_astrocyte_gap_junctions_buffer_a_local_k_load(figure):
    rise_open, back_open, far_open, V_open = k_load(1.0)
    rise_blocked, back_blocked, far_blocked, V_blocked = k_load(0.0)
    assert max(V_open, V_blocked) < -50.0  # subthreshold in both: buffering, not a local SD
    assert rise_blocked >= 1.2 * rise_open
    assert back_blocked >= 1.5 * back_open
    assert far_open > 0.1 and far_open > 10 * far_blocked  # the K+ the syncytium carried resurfaces
    figure(29, f"K_o rise at the load +{rise_open:.1f} mM open, +{rise_blocked:.1f} mM blocked "
               f"(×{rise_blocked / rise_open:.2f}); back in {back_open:.1f} s vs {back_blocked:.1f} s "
               f"(×{back_blocked / back_open:.1f}); 0.5 mm away +{far_open:.2f} mM open, +{far_blocked:.3f} mM "
               f"blocked; neurons at the load ≤ {max(V_open, V_blocked):.0f} mV")


@pytest.mark.slow
def test_row22_the_books_balance_across_the_whole_slice():
    s = slice_session()
    start = budget.slice_totals(s.cell.y, s.cell.p, s.cell.u)
    s.run(0.0)  # the books start where the recording does
    s.puff(K_mM=40.0, glutamate_uM=100.0, at_mm=2.0, width_mm=0.4, duration_s=3.0)
    s.set(clamp="voltage", hold_mV=-40.0, core_mm=0.5, core_o2_pct=0.0, gap_junction_rel=0.5, bath_K_mM=6.0,
          syn_exc_Hz=2000.0, syn_inh_Hz=1000.0)
    s.run(20.0)
    s.set(clamp="current", hold_pA=200.0, temperature_C=32.0)
    s.run(10.0)
    end = budget.slice_totals(s.cell.y, s.cell.p, s.cell.u)
    for ion in ("Na", "K", "Cl"):
        assert abs(end[f"{ion}_mmol"] - start[f"{ion}_mmol"]) < 1e-6 * abs(start[f"{ion}_mmol"]), ion
    assert abs(end["charge_residual_mmol"] - start["charge_residual_mmol"]) < 1e-6 * abs(start["K_mmol"])
    errors = s.budget_error()  # what a student sees: the patched cell's books and the slice's
    books = ("Na", "K", "Cl", "charge", "tissue_Na", "tissue_K", "tissue_Cl", "tissue_charge")
    assert max(errors[k] for k in books) < 1e-6
    s.set(patch_mm=2.5)  # a new cell: its books start afresh, and balance from there
    s.run(2.0)
    assert max(s.budget_error()[k] for k in books) < 1e-6
    concentrations = [i for i, name in enumerate(UNIT_NAMES) if name.endswith("_mM")]
    assert np.isfinite(s.cell.u).all() and (s.cell.u[:, concentrations] > 0.0).all()


# ---- row 32: the seizure threshold of a slice with its synaptic background --------------------
STEP_mM, STEP_S = 0.25, 20.0  # bath K+ raised by this much every this long


def longest_burst(t_s):
    """The most spikes in a row at ≥ 20 Hz (intervals ≤ 50 ms)."""
    longest = run = 1 if len(t_s) else 0
    for interval in np.diff(t_s):
        run = run + 1 if interval <= 0.05 else 1
        longest = max(longest, run)
    return longest


def seizure_threshold_mM(s, from_mM, to_mM):
    """The bath K+ at which the patched cell of ``s`` first fires a seizure-like burst (≥ 5 spikes
    at ≥ 20 Hz), K+ raised in steps from ``from_mM``; None if none by ``to_mM``."""
    for bath_K_mM in np.arange(from_mM, to_mM + 1e-9, STEP_mM):
        s.set(bath_K_mM=bath_K_mM)
        start = s.t_s
        s.run(STEP_S)
        trace = s.trace(start)
        if longest_burst(trace["t_s"][trace["spikes"] > 0]) >= 5:
            return float(bath_K_mM)
    return None


@pytest.mark.slow
def test_row32_butyrate_and_nmda_drugs_move_the_seizure_threshold_of_a_slice_with_its_background(figure):
    s = Session(preparation="slice", seed=0, sample_rate_hz=1000, preset="synaptic_background")
    settled = s.snapshot()
    control = seizure_threshold_mM(s, 7.0, 9.5)
    assert control is not None and control >= 7.25  # none at the first step: a threshold, not a start
    fed = Session(preparation="slice", seed=0, sample_rate_hz=1000, preset="synaptic_background", butyrate_fed=1)
    with_butyrate = seizure_threshold_mM(fed, 7.0, control + 1.0)
    assert with_butyrate is None or with_butyrate >= control + 0.5
    s.restore(settled)
    s.set(kynurenic_acid_uM=100.0)
    assert seizure_threshold_mM(s, 7.0, control + 0.25) is None  # ≥ 0.5 mM higher
    s.restore(settled)
    s.set(quinolinic_acid_uM=100.0)
    with_quin = seizure_threshold_mM(s, 3.5, control - 0.5)
    assert with_quin is not None  # ≥ 0.5 mM lower
    fed_text = f"from {with_butyrate:.2f} mM" if with_butyrate else f"none up to {control + 1.0:.2f} mM"
    figure(32, f"with the synaptic background, seizure-like bursts from bath K+ {control:.2f} mM; butyrate-fed: "
               f"{fed_text}; kynurenic acid 100 µM: none up to {control + 0.25:.2f} mM; quinolinic acid "
               f"100 µM: from {with_quin:.2f} mM")


def test_row32_a_butyrate_fed_slice_has_larger_inhibitory_quanta():
    """Nearly the same inhibitory events (same seed; the units' rates follow how many of their
    neurons can fire, which the larger quanta barely change) release twice the GABA: they open 2×
    the GABA_A permeability and, through spillover, 8× the GABA_B (GIRK) one, in the patched cell
    and across the units."""
    def opened_after(butyrate_fed):
        cell = Slice(PREPARATIONS["slice"])
        cell.p[P["syn_inh_Hz"]] = 1000.0
        cell.p[P["butyrate_fed"]] = butyrate_fed
        cell.bathe({"Na": 152.0, "K": 3.0, "Cl": 134.0}, {}, 95.0)
        cell.advance(cell.steps_in(0.2), 100)
        return {name: (cell.y[S[name]], cell.u[:, U[name]].sum()) for name in ("syn_gaba_cm_s", "syn_gabab_cm_s")}
    plain, fed = opened_after(0.0), opened_after(1.0)
    for name, gain in (("syn_gaba_cm_s", 2.0), ("syn_gabab_cm_s", 8.0)):
        for where in (0, 1):  # the patched cell, the units
            assert plain[name][where] > 0.0
            assert abs(fed[name][where] / plain[name][where] / gain - 1.0) < 0.05, (name, where)
