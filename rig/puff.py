"""The slice rig's second pipette: a puff of solution onto a stretch of the slice, checked the way
controls are (``Session.puff`` and a scenario's ``puff = {...}``). Its solutes are those
``engine.solutes`` marks puffed, and take their ranges from the registry's controls for the same
substance, so a puff can hold what a bath can.
"""
from engine import solutes

from .controls import CONTROLS, checked_number

# puff keyword -> the registry control whose range it shares, in the registry's order (engine.solutes)
_KEYWORD_OF = {control: keyword for keyword, control in solutes.puff_keywords(solutes.SOLUTES).items()}
SOLUTES = {_KEYWORD_OF[name]: name for name in CONTROLS if name in _KEYWORD_OF}
WHERE = {"at_mm": (0.0, 3.0, "mm"), "width_mm": (0.01, 3.0, "mm"), "duration_s": (0.01, 600.0, "s")}


def describe_in_words(where, solution):
    """The marker as the window shows it: "Puff K+ 60 mM, Cl- 191 mM at 0.15 mm (0.3 mm wide) for 10 s"."""
    what = ", ".join(f"{CONTROLS[SOLUTES[name]].label.removeprefix('Bath ')} {CONTROLS[SOLUTES[name]].words(value)}"
                     for name, value in solution.items())
    return f"Puff {what} at {where['at_mm']:g} mm ({where['width_mm']:g} mm wide) for {where['duration_s']:g} s"


def checked_puff(at_mm, width_mm, duration_s, solution, typed=False):
    """The puff as (where, solution), or ValueError naming the bad value and its range.
    ``typed``: the values are text a user typed (``rig.controls.as_number``)."""
    where = {name: checked_number(f"puff {name}", value, *WHERE[name], typed=typed)
             for name, value in (("at_mm", at_mm), ("width_mm", width_mm), ("duration_s", duration_s))}
    if not solution:
        raise ValueError(f"a puff needs a solution: give one or more of {', '.join(SOLUTES)} (e.g. K_mM=60)")
    checked = {}
    for name, value in solution.items():
        if name not in SOLUTES:
            raise ValueError(f"a puff cannot hold {name!r}: choose from {', '.join(SOLUTES)}")
        control = CONTROLS[SOLUTES[name]]
        checked[name] = checked_number(f"puff {name}", value, control.lo, control.hi, control.unit, typed)
    return where, checked


def describe(where, solution):
    """The marker's text: what was puffed, where and for how long."""
    what = ", ".join(f"{name} {value:g}" for name, value in solution.items())
    return (f"puff {what} at {where['at_mm']:g} mm (width {where['width_mm']:g} mm) "
            f"for {where['duration_s']:g} s")

