"""Each student's own cell: a student ID names a cell seed, the seed a draw of the cell's densities
and geometry (``engine.variability``), and a draw counts only if the cell it makes is one a lab
could record from. Source: ``../shared/science/variability.md``, part 4.

The student ID maps to the seed by a hash anyone can recompute (``student_seed``). A draw is kept
if the settled cell's rest, input resistance and rheobase (measured as a student would: settled V,
the membrane test, 500 ms steps) lie within the measured mean ± 2 SD, centred on the preparation's
default cell (``RANGES``); otherwise the next attempt of the same seed is drawn, up to
``MAX_ATTEMPTS``, after which the student gets the default cell. Expect 5–20 % of first draws to
be redrawn. A slice's patched cell is the mature neuron the same seed draws, checked as one.
"""
import hashlib
import math

from . import protocols

MAX_ATTEMPTS = 20
CELL_SEED_MAX = 2**64 - 1  # numpy's SeedSequence takes it whole


def student_seed(student_id, course=""):
    """The cell seed of ``student_id`` in ``course``: the first 8 bytes, little-endian, of the
    SHA-256 of ``"virtual-rig|<course>|<student id>"``, the ID stripped and in lower case (so that
    " S1234 " and "s1234" are one student). A new course (or year) gives every student a new cell."""
    student = str(student_id).strip().lower()
    if not student:
        raise ValueError("a student ID must not be empty")
    text = f"virtual-rig|{str(course).strip()}|{student}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


def _log_range(centre, log_sd):
    """Mean ± 2 SD on a log scale: (centre·e^−2σ, centre·e^2σ)."""
    return centre * math.exp(-2 * log_sd), centre * math.exp(2 * log_sd)


# What a drawn cell must measure, by preparation: (low, high). Centres are the default cells'
# figures (tests/test_variability.py measures them); spreads from the sheet's part 4: V ± 9 mV (SD 4.5),
# R_in logSD 0.36 (Allen mouse), rheobase logSD 0.57, astrocyte R_in logSD 0.45, the node's rest
# within targets row 10, the squid axon's firing within row 21.
RANGES = {
    "neuron": {"V_mV": (-81.1, -63.1), "R_in_MOhm": _log_range(128.6, 0.36), "rheobase_pA": _log_range(85.0, 0.57)},
    "immature_neuron": {"V_mV": (-78.6, -60.6), "R_in_MOhm": _log_range(108.6, 0.36),
                        "rheobase_pA": _log_range(71.0, 0.57),
                        # E_Cl in the window of targets rows 7 and 9, and well above rest: GABA depolarises
                        "E_Cl_mV": (-35.0, -15.0), "E_Cl_above_V_mV": (20.0, math.inf)},
    "astrocyte": {"V_mV": (-112.2, -94.2), "R_in_MOhm": _log_range(14.66, 0.45)},
    "node": {"V_mV": (-72.0, -64.0), "R_in_MOhm": _log_range(188.2, 0.35)},
    "squid_axon": {"rate_Hz": (60.0, 75.0), "lowest_peak_mV": (30.0, 45.0), "highest_peak_mV": (30.0, 45.0)},
}
RANGES["slice"] = RANGES["neuron"]
# not drawn (engine.variability): the internode, whose property a student varies, its myelin wraps, is chosen
CHECKED_AS = {"slice": "neuron"}  # a slice takes 10× as long to patch: its cell is checked as the neuron it is
SQUID_STEP_uA_PER_CM2 = 10.0  # targets row 21


def measure(session):
    """What a drawn cell is checked on, measured on copies of this moment (no markers)."""
    readout = session.readout()
    found = {"V_mV": readout["V_mV"], "E_Cl_mV": readout["E_Cl_mV"],
             "E_Cl_above_V_mV": readout["E_Cl_mV"] - readout["V_mV"]}
    wanted = RANGES[session.preparation.name]
    if "R_in_MOhm" in wanted:
        found["R_in_MOhm"] = protocols.membrane_test(session, mark=False)["R_in_MOhm"]
    if "rheobase_pA" in wanted:
        found["rheobase_pA"] = protocols.rheobase(session, mark=False)["rheobase_pA"]
    if "rate_Hz" in wanted:
        step_pA = SQUID_STEP_uA_PER_CM2 * session.membrane_area_cm2 * 1e6
        spikes = protocols.step_spikes(session, step_pA, duration_s=1.0)
        if len(spikes) > 2:  # as row 21's test reads it: the first spike rides on the step's onset
            found["rate_Hz"] = (len(spikes) - 1) / (spikes[-1]["t_s"] - spikes[0]["t_s"])
            found["lowest_peak_mV"] = min(s["peak_mV"] for s in spikes[1:])
            found["highest_peak_mV"] = max(s["peak_mV"] for s in spikes[1:])
    return found


def outside(preparation_name, measured):
    """The measurements of a cell that lie outside its preparation's ranges: {name: (value, (low, high))}."""
    return {name: (measured.get(name), (low, high)) for name, (low, high) in RANGES[preparation_name].items()
            if measured.get(name) is None or not low <= measured[name] <= high}


_accepted = {}  # (preparation, cell seed) -> attempt: found once a process (a few seconds a try)


def first_accepted(preparation_name, cell_seed, patch):
    """The first attempt of ``cell_seed`` whose cell lies within the ranges, or None (the default
    cell) if none of MAX_ATTEMPTS does; ``patch(name, attempt)`` gives a Session of that cell."""
    name = CHECKED_AS.get(preparation_name, preparation_name)
    if name not in RANGES:  # a preparation that is not drawn (the internode): everyone's is the standard cell
        return None
    if (name, cell_seed) not in _accepted:
        _accepted[name, cell_seed] = next((attempt for attempt in range(MAX_ATTEMPTS)
                                           if not outside(name, measure(patch(name, attempt)))), None)
    return _accepted[name, cell_seed]
