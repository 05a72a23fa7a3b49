"""Measurements as a rig's acquisition software runs them: membrane test, rheobase, I–V, f–I.

Each runs on a copy of the present moment (``Session._sandbox``): the experiment's cell, clock
and trace are left exactly as they were, and one marker records the result.
"""
import numpy as np

from .analysis import find_spikes, summarize

STEP_S = 0.5  # current steps for rheobase and f–I last 500 ms (targets.md row 13)


def membrane_test(session, target_mV=-5.0, pulse_s=0.5):
    """Current-clamp test pulse sized for about ``target_mV``.

    The response is the pulse sweep minus the same stretch without the pulse, so drift and
    ongoing activity cancel. Capacitance and time constant come from its first samples (for an RC
    membrane ΔV1 = A(1-q), ΔV2 = A(1-q²), q = e^(-Δt/τ), initial slope ΔI/C = A/τ); input
    resistance from ΔV at the end of the pulse (slow conductance changes included, as on a rig).
    A rig averages many test sweeps to beat the noise; here that average is the noise-free sweep.
    """
    probe = _pulse_response(session, -10.0, pulse_s, 1000.0)[-1]
    step_pA = float(np.clip(-10.0 * target_mV / probe if probe < 0 else -10.0, -2000.0, 2000.0))
    dv = _pulse_response(session, step_pA, pulse_s, 1000.0 / session.dt_ms)
    q = dv[1] / dv[0] - 1.0
    tau_ms = -session.dt_ms / np.log(q)
    C_pF = step_pA * 1e-12 / (dv[0] / (1.0 - q) * 1e-3 / (tau_ms * 1e-3)) * 1e12
    r_in_MOhm = dv[-1] / step_pA * 1e3
    result = {"R_in_MOhm": r_in_MOhm, "tau_ms": tau_ms, "C_pF": C_pF, "step_pA": step_pA,
              "C_uF_per_cm2": C_pF * 1e-6 / session._p_geometric_area_cm2()}
    session.add_marker(f"membrane test: R_in {r_in_MOhm:.0f} MΩ, C {C_pF:.1f} pF, tau {tau_ms:.1f} ms")
    return result


def _pulse_response(session, step_pA, duration_s, sample_rate_hz):
    """V during a current step minus V over the same stretch without it, both from this moment."""
    sweeps = []
    for amount in (0.0, step_pA):
        with session._sandbox():
            session._configure(clamp="current", noise_V_mV=0.0)
            session._pulse(amount)
            sweeps.append(session._capture(duration_s, sample_rate_hz)["V_mV"])
    return sweeps[1] - sweeps[0]


def step_spikes(session, step_pA, duration_s=STEP_S, sample_rate_hz=25000.0):
    """Spikes (rig.analysis dicts) fired by one current step, on a copy of the cell."""
    with session._sandbox():
        session._configure(clamp="current")
        session._pulse(step_pA)
        tr = session._capture(duration_s, sample_rate_hz)
    return find_spikes(tr["t_s"], tr["V_mV"])


def rheobase(session, max_pA=2000.0, resolution_pA=1.0):
    """Smallest 500 ms step (pA above holding) that fires at least one spike; inf if none does."""
    lo, hi = 0.0, max_pA
    if not step_spikes(session, hi):
        session.add_marker(f"rheobase: no spike up to {max_pA:g} pA")
        return float("inf")
    while hi - lo > resolution_pA:
        mid = 0.5 * (lo + hi)
        if step_spikes(session, mid):
            hi = mid
        else:
            lo = mid
    session.add_marker(f"rheobase: {hi:.0f} pA")
    return hi


def fi_curve(session, steps_pA=None):
    """500 ms current steps: spike count, mean rate and mean spike shape for each."""
    steps = np.arange(0.0, 501.0, 50.0) if steps_pA is None else np.asarray(steps_pA, float)
    rows = [summarize(step_spikes(session, i), STEP_S) for i in steps]
    session.add_marker(f"f–I curve: {len(steps)} steps of {STEP_S * 1e3:.0f} ms")
    table = {"I_pA": steps}
    table.update({key: np.array([r[key] for r in rows]) for key in rows[0]})
    return table


def iv_curve(session, steps_mV=None, step_s=0.2):
    """Voltage-clamp steps to each potential from the present moment: peak (largest |I|) and
    end-of-step current."""
    steps = np.arange(-120.0, 41.0, 10.0) if steps_mV is None else np.asarray(steps_mV, float)
    peak, steady = [], []
    for v in steps:
        with session._sandbox():
            session._configure(clamp="voltage")
            session._pulse(v - session.get("hold_mV"))
            tr = session._capture(step_s, sample_rate_hz=25000.0)
        i = tr["I_pA"][1:]  # the first sample holds the ideal clamp's capacitive charge
        peak.append(i[np.argmax(np.abs(i))])
        steady.append(i[-1])
    session.add_marker(f"I–V: {len(steps)} steps of {step_s * 1e3:.0f} ms")
    return {"V_mV": steps, "I_peak_pA": np.array(peak), "I_steady_pA": np.array(steady)}
