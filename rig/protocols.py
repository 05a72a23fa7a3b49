"""Measurements as a rig's acquisition software runs them: membrane test, rheobase, I–V, f–I,
and episodic step protocols.

Each runs on a copy of the present moment (``Session.sandbox``, a ``rig.sandbox.Trial``): the
experiment's cell, clock and trace are left exactly as they were, and one marker records the
result (none with ``mark=False``: a check the rig makes for itself, such as ``rig.variability``'s).
Only the Session's public API is used. Arguments are checked like controls (a step the amplifier
cannot give raises ValueError naming it and the valid range), and results are plain Python numbers
with units in their keys.
"""
import math

import numpy as np

from .amplifier import holding_control
from .analysis import find_spikes, summarize
from .controls import CONTROLS, as_number, checked_number

STEP_S = 0.5  # current steps for rheobase and f–I last 500 ms (targets.md row 13)


def membrane_test(session, target_mV=-5.0, pulse_s=0.5, mark=True):
    """Current-clamp test pulse sized for about ``target_mV``.

    The response is the pulse sweep minus the same stretch without the pulse, so drift and
    ongoing activity cancel. Input resistance from ΔV at the end of the pulse (slow conductance
    changes included, as on a rig); capacitance from the first sample, which the membrane's own
    currents have had one step to disturb (for an RC membrane ΔV1 = ΔI R (1 - e^(-Δt/τ)));
    time constant τ = R_in C, as papers report it (a fit to the charging curve would be spoiled
    by any spike that the pulse delays). A rig averages many test sweeps to beat the noise; here
    that average is the noise-free sweep.
    """
    probe = _pulse_response(session, -10.0, pulse_s, 1000.0)[-1]
    step_pA = float(np.clip(-10.0 * target_mV / probe if probe < 0 else -10.0, -2000.0, 2000.0))
    dt_ms = session.dt_ms
    dv = _pulse_response(session, step_pA, pulse_s, 1000.0 / dt_ms)
    r_in_MOhm = dv[-1] / step_pA * 1e3
    C_pF = step_pA * dt_ms / dv[0]  # ΔI Δt / ΔV1, then corrected for the leak over that step:
    tau_ms = r_in_MOhm * C_pF * 1e-3
    C_pF = tau_ms * step_pA * -math.expm1(-dt_ms / tau_ms) / dv[0]
    tau_ms = r_in_MOhm * C_pF * 1e-3
    result = {"R_in_MOhm": float(r_in_MOhm), "tau_ms": float(tau_ms), "C_pF": float(C_pF), "step_pA": step_pA,
              "C_uF_per_cm2": float(C_pF * 1e-6 / session.geometric_area_cm2)}
    if mark:
        session.add_marker(f"membrane test: R_in {r_in_MOhm:.0f} MΩ, C {C_pF:.1f} pF, tau {tau_ms:.1f} ms")
    return result


def _pulse_response(session, step_pA, duration_s, sample_rate_hz):
    """V during a current step minus V over the same stretch without it, both from this moment."""
    sweeps = []
    for amount in (0.0, step_pA):
        with session.sandbox() as trial:
            trial.configure(clamp="current", noise_V_mV=0.0)
            trial.pulse(amount)
            sweeps.append(trial.capture(duration_s, sample_rate_hz)["V_mV"])
    return sweeps[1] - sweeps[0]


def step_spikes(session, step_pA, duration_s=STEP_S, sample_rate_hz=25000.0):
    """Spikes (rig.analysis dicts) fired by one current step, on a copy of the cell."""
    with session.sandbox() as trial:
        trial.configure(clamp="current")
        trial.pulse(step_pA)
        tr = trial.capture(duration_s, sample_rate_hz)
    return find_spikes(tr["t_s"], tr["V_mV"], tr["spikes"])


def rheobase(session, resolution_pA=1.0, mark=True):
    """Smallest 500 ms step (pA above holding) that fires at least one spike.

    Returns ``{"rheobase_pA": ..., "message": ...}``. A cell that fires with no step at all
    (e.g. in 10 mM K+) has no rheobase, nor has one that stays silent up to the largest step the
    amplifier can add (e.g. in TTX): ``rheobase_pA`` is then None and the message says which.
    """
    hold = session.get("hold_pA")
    lo, hi = 0.0, CONTROLS["hold_pA"].hi - hold
    if step_spikes(session, 0.0):
        rb, message = None, "the cell fires with no step at all: no rheobase"
    elif hi <= 0.0:
        rb, message = None, f"holding {hold:g} pA is the amplifier's limit: no room for a step"
    elif not step_spikes(session, hi):
        rb, message = None, f"no spike up to {hi:.0f} pA above holding: the cell is not excitable now"
    else:
        while hi - lo > resolution_pA:
            mid = 0.5 * (lo + hi)
            if step_spikes(session, mid):
                hi = mid
            else:
                lo = mid
        rb, message = float(round(hi)), f"{hi:.0f} pA"
    if mark:
        session.add_marker(f"rheobase: {message}")
    return {"rheobase_pA": rb, "message": message}


def fi_curve(session, steps_pA=None):
    """500 ms current steps: spike count, mean rate and mean spike shape for each (lists)."""
    hold = session.get("hold_pA")
    steps = _checked_steps("fi_curve", steps_pA, np.arange(0.0, 501.0, 50.0), CONTROLS["hold_pA"], hold)
    rows = [summarize(step_spikes(session, i), STEP_S) for i in steps]
    session.add_marker(f"f–I curve: {len(steps)} steps of {STEP_S * 1e3:.0f} ms")
    table = {"I_pA": steps}
    table.update({key: [r[key] for r in rows] for key in rows[0]})
    return table


def iv_curve(session, steps_mV=None, step_s=0.2):
    """Voltage-clamp steps to each potential from the present moment: peak inward current (the
    most negative: the transient Na+ current where there is one) and end-of-step current (lists)."""
    steps = _checked_steps("iv_curve", steps_mV, np.arange(-120.0, 41.0, 10.0), CONTROLS["hold_mV"])
    peak, steady = [], []
    for v in steps:
        with session.sandbox() as trial:
            trial.configure(clamp="voltage")
            trial.pulse(v - session.get("hold_mV"))
            tr = trial.capture(step_s, sample_rate_hz=25000.0)
        i = tr["I_pA"][1:]  # the first sample holds the ideal clamp's capacitive charge
        peak.append(float(i.min()))
        steady.append(float(i[-1]))
    session.add_marker(f"I–V: {len(steps)} steps of {step_s * 1e3:.0f} ms")
    return {"V_mV": steps, "I_peak_pA": peak, "I_steady_pA": steady}


def step_sweeps(session, start, increment, count, duration_s=0.5, pre_s=0.1, post_s=0.2, sample_rate_hz=10000.0):
    """An episodic step protocol, as a rig's acquisition software runs it: ``count`` sweeps, each
    ``pre_s`` at holding, a step of ``start + k * increment`` (pA on top of the holding current in
    current clamp, mV on top of the holding potential in voltage clamp) for ``duration_s``, then
    ``post_s`` back at holding, every sweep from the present moment (on a copy). Returns
    ``{"unit", "steps", "sweeps"}``, each sweep a dict of arrays (``t_s`` from the sweep's start,
    ``V_mV``, ``I_pA``) for overlaid display."""
    control = holding_control(session.get("clamp"))
    if control is None:
        raise ValueError("steps need current clamp (IC: steps in pA) or voltage clamp (VC: steps in mV), not I=0")
    n = as_number(count, whole=True)
    if n is None or not 1 <= n <= 50:
        raise ValueError(f"step protocol: count = {count!r} must be a whole number 1–50")
    seconds = [as_number(value) for value in (duration_s, pre_s, post_s)]
    if None in seconds or not (0.0 < seconds[0] <= 10.0 and 0.0 <= seconds[1] <= 5.0 and 0.0 <= seconds[2] <= 5.0):
        raise ValueError(f"step protocol: a step lasts up to 10 s (got {duration_s!r} s), with up to 5 s at holding "
                         f"before and after (got {pre_s!r} and {post_s!r} s)")
    count, (duration_s, pre_s, post_s) = n, seconds
    holding = session.get(control.name)
    start = checked_number("step protocol: start", start, unit=control.unit)
    increment = checked_number("step protocol: increment", increment, unit=control.unit)
    steps = _checked_steps("step protocol", [start + k * increment for k in range(count)], None, control, holding)
    sweeps = []
    for amount in steps:
        with session.sandbox() as trial:
            parts = []
            for pulse, length in ((0.0, pre_s), (amount, duration_s), (0.0, post_s)):
                trial.pulse(pulse)
                if length > 0:
                    parts.append(trial.capture(length, sample_rate_hz))
        sweep = {key: np.concatenate([part[key] for part in parts]) for key in ("V_mV", "I_pA")}
        sweep["t_s"] = np.arange(1, len(sweep["V_mV"]) + 1) / sample_rate_hz
        sweeps.append(sweep)
    session.add_marker(f"step protocol: {count} sweeps, {steps[0]:g} to {steps[-1]:g} {control.unit} for "
                       f"{duration_s * 1e3:.0f} ms")
    return {"unit": control.unit, "steps": steps, "sweeps": sweeps}


def _checked_steps(protocol, values, default, control, holding=0.0):
    """The steps as a list of floats, each one the amplifier can give (holding + step within the
    control's range), or ValueError naming the first that is not."""
    if values is None:
        return [float(v) for v in default]
    if isinstance(values, (str, bytes)) or not np.iterable(values) or len(values) == 0:
        raise ValueError(f"{protocol}: steps must be a non-empty list of numbers in {control.unit}, got {values!r}")
    steps = []
    for value in values:
        number = as_number(value)
        lo, hi = control.lo - holding, control.hi - holding
        if number is None or not lo <= number <= hi:
            where = f" (holding {holding:g} {control.unit})" if holding else ""
            raise ValueError(f"{protocol}: step {value!r} {control.unit} is not allowed: valid "
                             f"{lo:g}–{hi:g} {control.unit}{where}")
        steps.append(number)
    return steps
