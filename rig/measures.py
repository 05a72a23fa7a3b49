"""What a practical can record: one vocabulary of measurements, shared by the window's Record
buttons, the headless runner and the answer keys (``rig.practical``).

Each reads the live rig as a student would at that moment (the newest samples, the meters) or runs
a protocol on a copy of the moment (``rig.protocols``: the experiment goes on untouched), and
returns plain numbers with their units in the keys. ``MEASURES`` names them all, with what each
gives; ``measure(session, name)`` takes one.
"""
import math
from dataclasses import dataclass

import numpy as np

from engine.kernel import nernst_mV

from . import analysis, protocols
from .meters import CHAMBER

SETTLED_S = 1.0  # "settled V" is the mean over the newest second, as a student reads a steady trace
FIRING_S = 5.0  # spikes are counted over the newest five seconds (the rate meter's window)
DEPOLARISED_mV = -20.0  # an anoxic depolarisation has happened once V passes this
GABA_TEST_uM, GABA_TEST_S = 100.0, 2.0  # saturating GABA_A (EC50 10 µM), long enough for V to settle (τ ~25 ms)
# 5× the transporters' K_m (18 µM); 0.1 s is long enough for V to settle in an astrocyte (τ ~3 ms) and short
# enough that the K+ the transporters move out has not yet built up around the cell (it does over seconds)
GLUTAMATE_TEST_uM, GLUTAMATE_TEST_S = 100.0, 0.1
CHAMBER_KEYS = (*CHAMBER, "o2_pct")  # named as their controls are


@dataclass(frozen=True)
class Measure:
    name: str
    what: str  # a line for the practical's author and the window's tooltip
    gives: tuple  # the keys it returns, units in the names
    take: object  # session -> {key: number}


def settled_v(session):
    """The mean membrane potential over the newest SETTLED_S (the newest sample if less is recorded)."""
    _, channels = session.view.recent(("V_mV",), SETTLED_S)
    v = channels["V_mV"]
    return {"V_mV": float(v.mean()) if v.size else session.readout()["V_mV"]}


def _readout(*keys):
    return lambda session: {key: float(session.readout()[key]) for key in keys}


def reversals(session):
    """Nernst potentials from the concentrations now and the temperature set now: right after a
    change, even paused (the meters show what the last block published)."""
    state, temperature_C = session.state(), session.get("temperature_C")
    return {f"E_{ion}_mV": nernst_mV(z, state[f"{ion}_o_mM"], state[f"{ion}_i_mM"], temperature_C)
            for ion, z in (("K", 1), ("Na", 1), ("Cl", -1))}


def ions(session):
    """The concentrations at the cell now (outside: its shell of extracellular space) and inside."""
    state = session.state()
    return {f"{ion}_{side}_mM": float(state[f"{ion}_{side}_mM"]) for side in "oi" for ion in ("K", "Na", "Cl")}


def membrane(session):
    found = protocols.membrane_test(session)
    return {key: found[key] for key in ("R_in_MOhm", "C_pF", "tau_ms")}


def rheobase(session):
    return {"rheobase_pA": protocols.rheobase(session)["rheobase_pA"]}


def firing(session):
    """Spikes over the newest FIRING_S seconds, as the scopes hold them."""
    t_s, channels = session.view.recent(("spikes",), FIRING_S)
    count = float(channels["spikes"].sum())
    span_s = min(FIRING_S, len(t_s) / session.sample_rate_hz) if len(t_s) else 0.0
    return {"spike_count": count, "rate_Hz": count / span_s if span_s else 0.0}


def spike_shape(session):
    """Threshold, peak and half-width of the newest spike (the scopes' last FIRING_S seconds)."""
    spike = session.last_spike(within_s=FIRING_S)
    return {key: (spike or {}).get(key) for key in ("threshold_mV", "peak_mV", "half_width_ms")}


def gaba_response(session):
    """GABA_A's effect on this cell: on a copy of the moment, GABA_TEST_uM washed in at once; the
    change of V over the last half second of GABA_TEST_S (positive: GABA depolarises), with E_Cl as it was."""
    before = session.readout()
    with session.sandbox() as trial:
        trial.configure(gaba_uM=GABA_TEST_uM, perfusion_tau_s=0.0)
        v = trial.capture(GABA_TEST_S, 1000.0)["V_mV"]
    # the median of the last half second: a cell that GABA makes fire is read between its spikes
    return {"dV_gaba_mV": float(np.median(v[-len(v) // 4:]) - before["V_mV"]), "E_Cl_mV": float(before["E_Cl_mV"])}


def glutamate_response(session):
    """Glutamate's effect on this cell (in an astrocyte, its transporters' current; in a neuron, its
    receptors'): on copies of the moment, GLUTAMATE_TEST_uM washed in at once (a fast application),
    each sweep less the same GLUTAMATE_TEST_S without it. The change of V in current clamp
    (positive: glutamate depolarises) and of the current that holds V where it was in voltage clamp
    (negative: inward)."""
    v_now = session.readout()["V_mV"]
    change = {}
    for clamp, key in (("current", "V_mV"), ("voltage", "I_pA")):
        sweeps = []
        for uM in (0.0, GLUTAMATE_TEST_uM):
            with session.sandbox() as trial:
                trial.configure(clamp=clamp, hold_mV=v_now, noise_V_mV=0.0, noise_I_pA=0.0)
                trial.configure(glutamate_uM=uM, perfusion_tau_s=0.0)
                sweeps.append(trial.capture(GLUTAMATE_TEST_S, 1000.0)[key][-1])
        change[key] = float(sweeps[1] - sweeps[0])
    return {"dV_glu_mV": change["V_mV"], "I_glu_pA": change["I_pA"]}


def chamber(session):
    """What the chamber holds now, as the perfusion has washed it in so far: the bath's ions, each
    drug and transmitter, and the O2 in the gas, named as their controls are (``retigabine_uM``):
    the x of a dose–response curve."""
    readout = session.readout()
    return {key: float(readout[f"chamber_{key}"]) for key in CHAMBER_KEYS}


def anoxic_depolarisation(session):
    """Seconds from the newest change of the O2 supply to V first passing DEPOLARISED_mV after it
    (None if it has not): read from the scopes' ten minutes."""
    changes = [t for t, text in session.markers() if text.startswith("o2_pct ")]
    if not changes:
        return {"latency_s": None}
    t, _, hi = session.view.window("V_mV", session.t_s - changes[-1], n_points=10**6)
    after = np.flatnonzero(hi > DEPOLARISED_mV)
    return {"latency_s": float(t[after[0]] - changes[-1]) if after.size else None}


def wave_speed(session):
    """A spreading depolarisation's speed along the slice (mm/min), from the linescan: NaN, said
    as None, until it has reached two places beyond the puff."""
    speed = analysis.wave_speed_mm_per_min(session.linescan(), from_mm=session.get("patch_mm"))
    return {"speed_mm_per_min": None if math.isnan(speed) else speed}


MEASURES = {m.name: m for m in (
    Measure("settled_V", "membrane potential, mean over the newest second", ("V_mV",), settled_v),
    Measure("reversals", "Nernst potentials of K+, Na+ and Cl- now", ("E_K_mV", "E_Na_mV", "E_Cl_mV"), reversals),
    Measure("ions", "ion concentrations now, outside (at the cell) and inside",
            ("K_o_mM", "Na_o_mM", "Cl_o_mM", "K_i_mM", "Na_i_mM", "Cl_i_mM"), ions),
    Measure("membrane_test", "input resistance, capacitance and time constant from a small step",
            ("R_in_MOhm", "C_pF", "tau_ms"), membrane),
    Measure("rheobase", "smallest 500 ms current step that fires a spike", ("rheobase_pA",), rheobase),
    Measure("firing", f"spikes and their rate over the newest {FIRING_S:g} s", ("spike_count", "rate_Hz"), firing),
    Measure("spike_shape", "threshold, peak and half-width of the newest spike",
            ("threshold_mV", "peak_mV", "half_width_ms"), spike_shape),
    Measure("energy", "ATP the cell uses, the pump's current and the Na+ that comes in",
            ("ATP_use_per_s", "I_pump_pA", "ATP_mM", "Na_influx_per_s"),
            _readout("ATP_use_per_s", "I_pump_pA", "ATP_mM", "Na_influx_per_s")),
    Measure("gaba_response", f"the change of V in {GABA_TEST_uM:g} µM GABA (on a copy), and E_Cl",
            ("dV_gaba_mV", "E_Cl_mV"), gaba_response),
    Measure("glutamate_response", f"the change of V, and the inward current at V, in {GLUTAMATE_TEST_uM:g} µM "
            "glutamate (on copies)", ("dV_glu_mV", "I_glu_pA"), glutamate_response),
    Measure("chamber", "what the chamber holds now: bath ions, drugs and transmitters, O2", CHAMBER_KEYS, chamber),
    Measure("anoxic_depolarisation", f"seconds from the O2 change to V above {DEPOLARISED_mV:g} mV",
            ("latency_s",), anoxic_depolarisation),
    Measure("wave_speed", "a spreading depolarisation's speed along the slice", ("speed_mm_per_min",), wave_speed),
)}


def measure(session, name):
    """Measurement ``name`` (one of MEASURES) on the rig now: {key: number or None}."""
    if name not in MEASURES:
        raise ValueError(f"unknown measurement {name!r}: choose one of {', '.join(MEASURES)}")
    return MEASURES[name].take(session)
