"""Scenario files: an experiment written down (TOML), for practicals, demos and the CLI.

    preparation = "neuron"
    speed = 10                 # for the live rig: x real time (1-100)
    duration_s = 120           # how long the CLI records
    [start]                    # starting conditions: the slice has sat in them
    bath_K_mM = 3
    [[at]]                     # timed changes, each marked on the trace
    t_s = 20
    bath_K_mM = 8
    caption = "High K+ washes in: watch E_K and V"
    [[at]]                     # the slice's second pipette (Session.puff)
    t_s = 30
    puff = { K_mM = 60, at_mm = 0.15, width_mm = 0.3, duration_s = 10 }

Every error names the file, the line and the field (and which ``[[at]]`` step, counted from the
top), and gives the valid range, before anything runs: the whole file is checked when it is
loaded, each timed change against the preparation too (a control it has, and not one fixed when
the cell is patched: those go in ``[start]``). Numbers are TOML numbers: a quoted "8" is text,
refused as the Session refuses it (``rig.controls.as_number``). A file is refused at load if it
is not a regular file (a folder, a device, a pipe), not UTF-8, or larger than a scenario could be.
"""
import reprlib
from dataclasses import dataclass, field

from engine.preparations import PREPARATIONS

from .controls import as_number, lookup
from .puff import checked_puff
from .runloop import SPEED_MAX, SPEED_MIN, checked_speed
from .shipped import scenario_path, shipped_scenarios
from .tomlfile import read_toml

TOP_LEVEL = ("preparation", "speed", "duration_s", "seed", "start", "at")
MAX_FILE_BYTES = 1_000_000  # a scenario is a page or two of text
MAX_CAPTION_CHARS = 500  # a few sentences over the scopes, legible from the back of a lecture hall
SEED_MAX = 2**32 - 1  # as rig.session.SEED_MAX (which imports this module)


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file, the line and the field."""


@dataclass
class Scenario:
    path: str
    preparation: str = "neuron"
    speed: float = 1.0
    duration_s: float = 60.0
    seed: int = 0
    start: dict = field(default_factory=dict)
    timeline: list = field(default_factory=list)  # [Step], in time order


@dataclass
class Step:
    """What a scenario does at ``t_s``: controls to set, a caption to show, a puff to give."""
    t_s: float
    changes: dict
    caption: str = ""
    puff: dict = None  # Session.puff's keywords


def load_scenario(path):
    """The scenario in file ``path``, or in the shipped scenario of that name (``high_potassium``)."""
    path = str(scenario_path(path))
    raw, places = read_toml(path, "scenario", MAX_FILE_BYTES, ScenarioError,
                            f" (the app ships {', '.join(shipped_scenarios())})")

    def fail(message, key=None, table=None, n=0):
        raise ScenarioError(f"{path}, line {places.line(key, table, n)}: {message}")

    for key in raw:
        if key not in TOP_LEVEL:
            fail(f"unknown field {reprlib.repr(key)}: a scenario has {', '.join(TOP_LEVEL)}", key)
    scenario = Scenario(path)
    prep = raw.get("preparation", "neuron")
    if not isinstance(prep, str) or prep not in PREPARATIONS:
        fail(f"preparation = {reprlib.repr(prep)}: choose one of {', '.join(PREPARATIONS)}", "preparation")
    scenario.preparation = prep
    try:
        scenario.speed = checked_speed(raw.get("speed", 1.0))
    except ValueError:  # its own words: a file cannot say None (as fast as possible), as Python can
        fail(f"speed = {reprlib.repr(raw['speed'])} is not allowed: {SPEED_MIN:g}–{SPEED_MAX:g} × real time",
             "speed")
    duration = raw.get("duration_s", 60.0)
    scenario.duration_s = as_number(duration)
    if scenario.duration_s is None or scenario.duration_s <= 0.0:
        fail(f"duration_s = {reprlib.repr(duration)} must be a positive number of seconds", "duration_s")
    seed = raw.get("seed", 0)
    scenario.seed = as_number(seed, whole=True)
    if scenario.seed is None or not 0 <= scenario.seed <= SEED_MAX:
        fail(f"seed = {reprlib.repr(seed)} must be a whole number 0–{SEED_MAX}", "seed")

    start = raw.get("start", {})
    if not isinstance(start, dict):
        fail(f"start = {reprlib.repr(start)} must be a table: a [start] line with NAME = VALUE lines under it",
             "start")
    scenario.start = checked_controls(start, prep, False, lambda k, m: fail(f"[start] {m}", k, "start"))
    steps = raw.get("at", [])
    if not isinstance(steps, list) or not all(isinstance(step, dict) for step in steps):
        fail(f"at = {reprlib.repr(steps)} must be [[at]] steps: an [[at]] line with t_s = SECONDS and changes "
             f"under it", "at")
    for n, entry in enumerate(steps):
        scenario.timeline.append(_step(n, dict(entry), prep, lambda m, key=None, n=n: fail(m, key, "at", n)))
    scenario.timeline.sort(key=lambda step: step.t_s)
    return scenario


def _step(n, entry, preparation, fail):
    """The ``n``-th ``[[at]]`` table (from 0), checked whole; ``fail(message, key)`` says where."""
    step = f"[[at]] number {n + 1}"
    if "t_s" not in entry:
        fail(f"{step} needs t_s = seconds (0 or more): it has no time")
    given = entry.pop("t_s")
    t_s = as_number(given)
    if t_s is None or t_s < 0.0:
        fail(f"{step} needs t_s = seconds (0 or more), got {reprlib.repr(given)}", "t_s")
    step += f" (t_s = {t_s:g})"
    caption = entry.pop("caption", "")
    if not isinstance(caption, str):
        fail(f"{step}: caption = {reprlib.repr(caption)} must be text in quotes", "caption")
    if len(caption) > MAX_CAPTION_CHARS:
        fail(f"{step}: the caption is {len(caption)} characters long; at most {MAX_CAPTION_CHARS} fit over "
             f"the scopes", "caption")
    puff = _puff(entry.pop("puff", None), preparation, lambda m: fail(f"{step}: {m}", "puff"))
    changes = checked_controls(entry, preparation, True, lambda k, m: fail(f"{step}: {m}", k))
    if not changes and not caption and not puff:
        fail(f"{step} changes nothing: add a control, a puff or a caption")
    return Step(t_s, changes, caption, puff)


def _puff(table, preparation, fail):
    """A step's ``puff = {K_mM = 60, at_mm = 0.15, width_mm = 0.3, duration_s = 10}``, checked."""
    if table is None:
        return None
    if preparation != "slice":
        fail(f"a puff needs preparation = \"slice\" (this scenario's is {preparation!r})")
    if not isinstance(table, dict):
        fail(f"puff = {reprlib.repr(table)} must be a table: "
             f"{{ K_mM = 60, at_mm = 0.15, width_mm = 0.3, duration_s = 10 }}")
    solution = dict(table)
    where = {name: solution.pop(name, None) for name in ("at_mm", "width_mm", "duration_s")}
    missing = [name for name, value in where.items() if value is None]
    if missing:
        fail(f"the puff needs {', '.join(missing)}")
    try:
        where, solution = checked_puff(where["at_mm"], where["width_mm"], where["duration_s"], solution)
    except ValueError as e:
        fail(str(e))
    return {**where, **solution}


def checked_controls(table, preparation, timed, fail):
    """``NAME = VALUE`` lines checked as the rig will apply them to ``preparation``: known names,
    values in range, controls it has, and when ``timed`` (during the recording) none fixed once
    the cell is patched. ``fail(name, message)`` says where."""
    controls = {}
    for name, value in table.items():
        try:
            control = lookup(name)
            controls[control.name] = control.validate(value)
            if timed:
                control.check_changeable(preparation, "set it in [start] (the conditions the cell is patched in), "
                                                      "not in an [[at]] step")
            else:
                control.check_belongs(preparation)
        except ValueError as e:
            quoted = isinstance(value, str) and as_number(value, typed=True) is not None
            fail(name, f"{e}: write it without quotes" if quoted else str(e))
    return controls
