"""The slice rig's second pipette: a puff of solution onto a stretch of the slice, checked the way
controls are (``Session.puff`` and a scenario's ``puff = {...}``). Its solutes take their ranges
from the registry's controls for the same substance, so a puff can hold what a bath can.
"""
from .controls import CONTROLS

# puff keyword -> the registry control whose range it shares
SOLUTES = {"K_mM": "bath_K_mM", "Na_mM": "bath_Na_mM", "Cl_mM": "bath_Cl_mM",
           "glutamate_uM": "glutamate_uM", "gaba_uM": "gaba_uM"}
WHERE = {"at_mm": (0.0, 3.0, "mm"), "width_mm": (0.01, 3.0, "mm"), "duration_s": (0.01, 600.0, "s")}


def checked_puff(at_mm, width_mm, duration_s, solution):
    """The puff as (where, solution), or ValueError naming the bad value and its range."""
    where = {}
    for name, value in (("at_mm", at_mm), ("width_mm", width_mm), ("duration_s", duration_s)):
        lo, hi, unit = WHERE[name]
        valid = f"{lo:g}–{hi:g} {unit}"
        number = _number(name, value, valid)
        if not lo <= number <= hi:
            raise ValueError(f"puff {name} = {value!r} is out of range: valid {valid}")
        where[name] = number
    if not solution:
        raise ValueError(f"a puff needs a solution: give one or more of {', '.join(SOLUTES)} (e.g. K_mM=60)")
    checked = {}
    for name, value in solution.items():
        if name not in SOLUTES:
            raise ValueError(f"a puff cannot hold {name!r}: choose from {', '.join(SOLUTES)}")
        control = CONTROLS[SOLUTES[name]]
        number = _number(name, value, control.describe_range())
        if not control.lo <= number <= control.hi:
            raise ValueError(f"puff {name} = {value!r} is out of range: valid {control.describe_range()}")
        checked[name] = number
    return where, checked


def describe(where, solution):
    """The marker's text: what was puffed, where and for how long."""
    what = ", ".join(f"{name} {value:g}" for name, value in solution.items())
    return (f"puff {what} at {where['at_mm']:g} mm (width {where['width_mm']:g} mm) "
            f"for {where['duration_s']:g} s")


def _number(name, value, valid):
    if isinstance(value, bool) or value is None:
        raise ValueError(f"puff {name} = {value!r} is not a number (valid {valid})")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"puff {name} = {value!r} is not a number (valid {valid})") from None
