"""Trace analysis a rig's software offers: spike detection and spike shape.

Works on sampled arrays (t_s, V_mV); it needs samples fine enough to see a spike (≥ 10 kHz for
shape, ≥ 1 kHz to count). Threshold is where dV/dt first exceeds ``dvdt_threshold`` (10 mV/ms,
a common convention) before the peak; half-width is the width at half the threshold-to-peak
amplitude, with linear interpolation between samples.
"""
import numpy as np

DVDT_THRESHOLD_mV_per_ms = 10.0
PEAK_ABOVE_mV = 0.0  # a spike's peak must overshoot this (the kernel counts 0 mV crossings too)


def find_spikes(t_s, V_mV, dvdt_threshold=DVDT_THRESHOLD_mV_per_ms):
    """List of spikes, each a dict: t_s (peak), threshold_mV, peak_mV, half_width_ms, and rate_Hz
    (instantaneous, from the interval since the previous spike; NaN for the first)."""
    t = np.asarray(t_s, dtype=float)
    v = np.asarray(V_mV, dtype=float)
    if t.size < 3:
        return []
    up = np.flatnonzero((v[:-1] < PEAK_ABOVE_mV) & (v[1:] >= PEAK_ABOVE_mV)) + 1
    dvdt = np.gradient(v, t * 1e3)
    spikes = []
    previous_end = 0
    for i in up:
        end = i
        while end + 1 < v.size and v[end + 1] >= v[end]:
            end += 1
        peak = end
        start = i  # walk back from the 0 mV crossing while the membrane is still racing up
        while start > previous_end and dvdt[start - 1] >= dvdt_threshold:
            start -= 1
        thr = v[start]
        half = thr + 0.5 * (v[peak] - thr)
        rise = _crossing(t, v, start, peak, half)
        fall_end = peak
        while fall_end + 1 < v.size and v[fall_end] > half:
            fall_end += 1
        fall = _crossing(t, v, fall_end - 1, fall_end, half)
        rate = 1.0 / (t[peak] - spikes[-1]["t_s"]) if spikes else float("nan")
        spikes.append({"t_s": float(t[peak]), "threshold_mV": float(thr), "peak_mV": float(v[peak]),
                       "half_width_ms": float((fall - rise) * 1e3), "rate_Hz": float(rate)})
        previous_end = fall_end
    return spikes


def _crossing(t, v, i0, i1, level):
    """Time where v crosses ``level`` between samples i0..i1 (first crossing, interpolated)."""
    for i in range(i0, i1):
        a, b = v[i], v[i + 1]
        if (a - level) * (b - level) <= 0 and a != b:
            return t[i] + (level - a) / (b - a) * (t[i + 1] - t[i])
    return t[i1]


def summarize(spikes, duration_s):
    """Count, mean rate over ``duration_s``, and mean threshold, peak and half-width."""
    summary = {"count": len(spikes), "rate_Hz": len(spikes) / duration_s if duration_s > 0 else 0.0}
    for key in ("threshold_mV", "peak_mV", "half_width_ms"):
        summary[key] = float(np.mean([sp[key] for sp in spikes])) if spikes else float("nan")
    return summary
