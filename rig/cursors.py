"""Two cursors on the scopes, as a rig's acquisition software has them: the samples under each, the
time between them, the change between them and its slope. Read from the scope view's recorded
samples (``rig.view.ScopeView.sample_at``), so a reading is a sample as recorded, never a pixel.
"""
from engine.kernel import OUTPUT

UNITS = {name: unit for name, unit, _ in OUTPUT.fields_declared}


def reading(view, t1_s, t2_s, channels=("V_mV", "I_pA")):
    """What the cursors at ``t1_s`` and ``t2_s`` read, or None where the samples are no longer
    held: ``t1_s``, ``t2_s`` (each the nearest sample's time), ``dt_ms``, and for each channel
    ``{"unit", "at_1", "at_2", "delta", "slope_per_s"}`` (the slope None if the cursors coincide)."""
    found = {}
    for channel in channels:
        first, second = view.sample_at(channel, t1_s), view.sample_at(channel, t2_s)
        if first is None or second is None:
            return None
        (t1, v1), (t2, v2) = first, second
        found[channel] = {"unit": UNITS[channel], "at_1": v1, "at_2": v2, "delta": v2 - v1,
                          "slope_per_s": (v2 - v1) / (t2 - t1) if t2 != t1 else None}
    return {"t1_s": t1, "t2_s": t2, "dt_ms": 1e3 * (t2 - t1), "channels": found}


def rows(read):
    """The reading as results-table rows: (quantity, value, unit)."""
    out = [("cursor 1", read["t1_s"], "s"), ("cursor 2", read["t2_s"], "s"), ("Δt", read["dt_ms"], "ms")]
    for channel, r in read["channels"].items():
        name, unit = channel.split("_")[0], r["unit"]
        out += [(f"{name} at cursor 1", r["at_1"], unit), (f"{name} at cursor 2", r["at_2"], unit),
                (f"Δ{name}", r["delta"], unit)]
        if r["slope_per_s"] is not None:
            out.append((f"slope of {name}", r["slope_per_s"], f"{unit}/s"))
    return out
