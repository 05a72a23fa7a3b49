"""Trace analysis a rig's software offers: spikes and their shape.

Which events are spikes is decided once, by the cell's own detector in the kernel (an upward
crossing of 0 mV while the membrane's own current is inward: a regenerative upstroke, checked every
integration step), and recorded in the ``spikes`` channel. So counts never depend on the sample
rate and always agree with ``Session.spike_count()``, and a passive membrane's slow rise through
0 mV is never a spike.
This module only measures shapes, where the samples are fine enough for it (``SHAPE_MIN_RATE_HZ``):
threshold is where dV/dt first exceeds ``DVDT_THRESHOLD_mV_per_ms`` before the peak (a common
convention); half-width is the width at half the threshold-to-peak amplitude, interpolated.
"""
import numpy as np

DVDT_THRESHOLD_mV_per_ms = 10.0
SHAPE_MIN_RATE_HZ = 10000.0  # a 0.5 ms spike needs ≥ 5 samples across its half-width
SHAPE_KEYS = ("threshold_mV", "peak_mV", "half_width_ms")


def find_spikes(t_s, V_mV, spikes, dvdt_threshold=DVDT_THRESHOLD_mV_per_ms):
    """List of spikes, each a dict of plain numbers: ``t_s`` (peak; the sample that holds the onset
    when shapes can't be measured), ``threshold_mV``, ``peak_mV``, ``half_width_ms`` (None below
    ``SHAPE_MIN_RATE_HZ``) and ``rate_Hz`` (instantaneous, from the interval since the previous
    spike; None for the first). ``spikes`` is the kernel's channel: spikes begun in each sample.

    Only the samples around each spike are read, so an hour of a recording's channels (mapped
    from its file) costs no more memory than a second of them."""
    t = np.asarray(t_s)
    spikes = np.asarray(spikes)
    at = np.flatnonzero(spikes > 0.5)
    onsets = np.repeat(at, np.rint(spikes[at]).astype(int))
    shapes = t.size > 2 and 1.0 / np.median(np.diff(t[:1001])) >= SHAPE_MIN_RATE_HZ * (1.0 - 1e-9)
    v = np.asarray(V_mV)
    found = []
    previous_end = 0
    for i in onsets:
        spike = dict.fromkeys(SHAPE_KEYS)
        spike["t_s"] = float(t[i])
        if shapes:
            shape, previous_end = _shape(t, v, i, previous_end, dvdt_threshold)
            spike.update(shape)
        spike["rate_Hz"] = float(1.0 / (spike["t_s"] - found[-1]["t_s"])) if found else None
        found.append(spike)
    return found


def _slope(t, v, i):
    """dV/dt at sample ``i`` (mV/ms): centred, one-sided at the ends (as numpy.gradient)."""
    a, b = max(i - 1, 0), min(i + 1, v.size - 1)
    return (float(v[b]) - float(v[a])) / ((t[b] - t[a]) * 1e3)


def _shape(t, v, onset, previous_end, dvdt_threshold):
    """Peak, threshold and half-width of the spike whose 0 mV crossing lies before sample ``onset``."""
    peak = onset
    while peak + 1 < v.size and v[peak + 1] >= v[peak]:
        peak += 1
    start = onset  # walk back from the crossing while the membrane is still racing up
    while start > previous_end and _slope(t, v, start - 1) >= dvdt_threshold:
        start -= 1
    thr = float(v[start])
    half = thr + 0.5 * (float(v[peak]) - thr)
    rise = _crossing(t, v, start, peak, half)
    fall_end = peak
    while fall_end + 1 < v.size and v[fall_end] > half:
        fall_end += 1
    fall = _crossing(t, v, fall_end - 1, fall_end, half)
    shape = {"t_s": float(t[peak]), "threshold_mV": thr, "peak_mV": float(v[peak]),
             "half_width_ms": float((fall - rise) * 1e3)}
    return shape, fall_end


def _crossing(t, v, i0, i1, level):
    """Time where v crosses ``level`` between samples i0..i1 (first crossing, interpolated)."""
    for i in range(i0, i1):
        a, b = float(v[i]), float(v[i + 1])
        if (a - level) * (b - level) <= 0 and a != b:
            return t[i] + (level - a) / (b - a) * (t[i + 1] - t[i])
    return t[i1]


def summarize(spikes, duration_s):
    """Count, mean rate over ``duration_s``, and mean threshold, peak and half-width (None if
    there are no spikes or no shapes)."""
    summary = {"spike_count": len(spikes), "rate_Hz": len(spikes) / duration_s if duration_s > 0 else 0.0}
    for key in SHAPE_KEYS:
        values = [sp[key] for sp in spikes if sp[key] is not None]
        summary[key] = float(np.mean(values)) if values else None
    return summary


# ---- a spreading depolarisation on the slice's linescan (rig.Session.linescan) ---------------------
ARRIVED_K_mM = 20.0  # the wave has arrived where K_o first passes this


def wave_arrivals(scan, above_K_mM=ARRIVED_K_mM):
    """When K_o first passed ``above_K_mM`` at each place of the linescan ``scan`` (s, NaN where it never did)."""
    t, K_o = scan["t_s"], scan["K_o_mM"]
    return np.array([t[np.argmax(K_o[:, j] > above_K_mM)] if K_o[:, j].max() > above_K_mM else np.nan
                     for j in range(K_o.shape[1])])


def wave_speed_mm_per_min(scan, from_mm=0.0, above_K_mM=ARRIVED_K_mM):
    """The wave's speed (mm/min): a line fitted to the arrival times beyond ``from_mm`` (outside the
    puffed stretch, where the wave moves by itself); NaN unless it reached two places there."""
    arrival = wave_arrivals(scan, above_K_mM)
    beyond = (scan["x_mm"] > from_mm) & ~np.isnan(arrival)
    if beyond.sum() < 2:
        return float("nan")
    return float(np.polyfit(arrival[beyond], scan["x_mm"][beyond], 1)[0] * 60.0)


def slope_mm_per_min(t1_s, x1_mm, t2_s, x2_mm):
    """The speed of a line drawn on the linescan from (t1, x1) to (t2, x2), mm/min (NaN if vertical)."""
    return 60.0 * abs(x2_mm - x1_mm) / abs(t2_s - t1_s) if t2_s != t1_s else float("nan")
