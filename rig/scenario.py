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
top), and gives the valid range, before anything runs.
"""
import re
from dataclasses import dataclass, field

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from engine.preparations import PREPARATIONS

from .controls import lookup
from .puff import checked_puff
from .runloop import SPEED_MAX, SPEED_MIN, checked_speed
from .shipped import scenario_path, shipped_scenarios

TOP_LEVEL = ("preparation", "speed", "duration_s", "seed", "start", "at")


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
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ScenarioError(f"cannot read scenario {path}: {e.strerror or e} (the app ships "
                            f"{', '.join(shipped_scenarios())})") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        where = re.search(r"line (\d+)", str(e))
        line = f", line {where.group(1)}" if where else ""
        raise ScenarioError(f"{path}{line}: not valid TOML: {str(e).split(' (at')[0]}") from None
    lines = text.splitlines()

    def fail(key, message, after=0):
        raise ScenarioError(f"{path}, line {_line_of(lines, key, after)}: {message}")

    for key in raw:
        if key not in TOP_LEVEL:
            fail(key, f"unknown field {key!r}: a scenario has {', '.join(TOP_LEVEL)}")
    scenario = Scenario(path)
    prep = raw.get("preparation", "neuron")
    if not isinstance(prep, str) or prep not in PREPARATIONS:
        fail("preparation", f"preparation = {prep!r}: choose one of {', '.join(PREPARATIONS)}")
    scenario.preparation = prep
    try:
        scenario.speed = checked_speed(raw.get("speed", 1.0))
    except ValueError:  # its own words: a file cannot say None (as fast as possible), as Python can
        fail("speed", f"speed = {raw['speed']!r} is not allowed: {SPEED_MIN:g}–{SPEED_MAX:g} × real time")
    duration = raw.get("duration_s", 60.0)
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or not 0 < duration < float("inf"):
        fail("duration_s", f"duration_s = {duration!r} must be a positive number of seconds")
    scenario.duration_s = float(duration)
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        fail("seed", f"seed = {seed!r} must be a whole number 0–4294967295")
    scenario.seed = seed

    start = raw.get("start", {})
    if not isinstance(start, dict):
        fail("start", f"start = {start!r} must be a table: a [start] line with NAME = VALUE lines under it")
    start_at = _line_of(lines, "[start]") - 1
    scenario.start = _controls(start, lambda k, m: fail(k, f"[start] {m}", start_at))
    steps = raw.get("at", [])
    if not isinstance(steps, list) or not all(isinstance(step, dict) for step in steps):
        fail("at", f"at = {steps!r} must be [[at]] steps: an [[at]] line with t_s = SECONDS and changes under it")
    at_lines = [i for i, line in enumerate(lines) if line.strip() == "[[at]]"]
    for n, entry in enumerate(steps):
        after = at_lines[n] if n < len(at_lines) else 0
        step = f"[[at]] number {n + 1}"
        entry = dict(entry)
        if "t_s" not in entry:
            fail("[[at]]", f"{step} needs t_s = seconds (0 or more): it has no time", after)
        t = entry.pop("t_s")
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 <= t < float("inf"):
            fail("t_s", f"{step} needs t_s = seconds (0 or more), got {t!r}", after)
        step += f" (t_s = {t:g})"
        caption = entry.pop("caption", "")
        if not isinstance(caption, str):
            fail("caption", f"{step}: caption = {caption!r} must be text in quotes", after)
        puff = _puff(entry.pop("puff", None), scenario.preparation, lambda m: fail("puff", f"{step}: {m}", after))
        changes = _controls(entry, lambda k, m: fail(k, f"{step}: {m}", after))
        if not changes and not caption and not puff:
            fail("[[at]]", f"{step} changes nothing: add a control, a puff or a caption", after)
        scenario.timeline.append(Step(float(t), changes, caption, puff))
    scenario.timeline.sort(key=lambda step: step.t_s)
    return scenario


def _puff(table, preparation, fail):
    """A step's ``puff = {K_mM = 60, at_mm = 0.15, width_mm = 0.3, duration_s = 10}``, checked."""
    if table is None:
        return None
    if preparation != "slice":
        fail(f"a puff needs preparation = \"slice\" (this scenario's is {preparation!r})")
    if not isinstance(table, dict):
        fail(f"puff = {table!r} must be a table: {{ K_mM = 60, at_mm = 0.15, width_mm = 0.3, duration_s = 10 }}")
    solution = dict(table)
    where = {name: solution.pop(name, None) for name in ("at_mm", "width_mm", "duration_s")}
    missing = [name for name, value in where.items() if value is None]
    if missing:
        fail(f"the puff needs {', '.join(missing)}")
    try:
        checked_puff(where["at_mm"], where["width_mm"], where["duration_s"], solution)
    except ValueError as e:
        fail(str(e))
    return {**where, **solution}


def _controls(table, fail):
    controls = {}
    for name, value in table.items():
        try:
            control = lookup(name)
            controls[control.name] = control.validate(value)
        except ValueError as e:
            fail(name, str(e))
    return controls


def _line_of(lines, key, after=0):
    """1-based line of ``key = ...`` (or of a header like ``[start]``) at or after line ``after``."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=" if not key.startswith("[") else rf"^\s*{re.escape(key)}\s*$")
    for i in range(max(after, 0), len(lines)):
        if pattern.match(lines[i]):
            return i + 1
    return max(after, 0) + 1
