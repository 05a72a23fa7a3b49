"""Whether the cell has reached a steady state, so a student knows when to read: the drift of V and
of each ion over the last minute of cell time, from the scopes' record (``rig.view``), as a rate
per minute and settled or drifting. A rate is the slope of a straight line fitted to the minute.
"""
import numpy as np

WINDOW_S = 60.0  # the fit takes this much of the newest cell time
MIN_S = 5.0  # ... and says nothing on less
# settled: less than a student could read would change in ten minutes at this rate (0.5 mV, 0.1 mM)
SETTLED_PER_MIN = {"V_mV": 0.05, "K_o_mM": 0.01, "Na_i_mM": 0.01, "K_i_mM": 0.01, "Cl_i_mM": 0.01}
FIT_POINTS = 600


def drift(view, window_s=WINDOW_S):
    """{channel: (rate per minute, settled)} for each of SETTLED_PER_MIN, None where the record
    holds less than MIN_S."""
    found = {}
    for name, settled_below in SETTLED_PER_MIN.items():
        t, lo, hi = view.window(name, window_s, n_points=FIT_POINTS)
        if len(t) < 3 or t[-1] - t[0] < MIN_S:
            found[name] = None
            continue
        per_min = 60.0 * float(np.polyfit(t - t[-1], 0.5 * (lo.astype(float) + hi), 1)[0])
        found[name] = (per_min, abs(per_min) < settled_below)
    return found
