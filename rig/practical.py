"""Lab practicals: guided experiments on each student's own cell, with checked answers.

A practical is a file (``resources/practicals/*.toml``), data not code, checked whole when it is
loaded; every error names the file, the line and the field::

    title = "Bath K+ and the resting potential"
    section = 2                      # of the chapter
    preparation = "neuron"
    goals = ["Measure V_rest at five bath K+ concentrations", "..."]
    [[steps]]
    id = "k3"
    text = "Record the resting potential in 3 mM K+."
    do = { set = { bath_K_mM = 3 }, run_s = 20 }       # what the step asks the student to do
    checkpoint = { bath_K_mM = 3, after_s = 15 }       # what must hold before Record counts
    record = ["settled_V", "reversals", "ions"]          # rig.measures, one click
    prediction = { id = "slope_guess", ask = "mV per tenfold [K+]o?", unit = "mV" }
    [[steps.questions]]
    id = "slope"
    ask = "The slope of your V_rest against log10 [K+]o (mV per decade)?"
    unit = "mV"
    expected = "slope(log10(K_o_mM), V_mV)"            # from the student's own table (rig.expressions)
    tolerance = 2.0                                    # or tolerance_pct = 8
    textbook = 61.5                                    # the chapter's figure, for the report
    hint = "Nernst gives 61.5 mV at 37 °C; why is your line shallower?"

``do`` may also patch a new cell (``patch = { preparation = "immature_neuron", kcc2_rel = 0 }``),
the same student's. A choice question has ``options = { depolarises = 1, hyperpolarises = -1 }``
and an ``expected`` formula whose value names the option (``sign(...)``). Expected answers are
formulas over the student's own recorded values, never constants in the file: one slip is not
marked twice, and the file holds no answer to read off.

``PracticalRun`` is one student's progress (the step, the table, predictions, answers with their
marks and attempts, every action with its time), saved as it happens and resumed after a crash.
``run_scripted`` is the student the tests and the answer key use: it does each step through the
Session API.
"""
import reprlib
from dataclasses import dataclass, field

from engine.preparations import PREPARATIONS

from . import expressions
from .controls import as_number
from .measures import MEASURES
from .scenario import checked_controls
from .shipped import practical_path, shipped_practicals
from .tomlfile import read_toml

MAX_FILE_BYTES = 1_000_000
TOP_LEVEL = ("title", "section", "preparation", "goals", "start", "steps", "plots")
PLOT_KEYS = ("title", "x", "y", "x_label", "y_label", "fit")
FITS = ("line", "hill")  # a least-squares line; a Hill curve (dose–response: EC50 and Hill coefficient)
STEP_KEYS = ("id", "text", "do", "checkpoint", "record", "prediction", "questions")
QUESTION_KEYS = ("id", "ask", "unit", "expected", "tolerance", "tolerance_pct", "textbook", "hint", "options")
CHECKPOINT_EXTRA = ("after_s", "recording")  # besides control values


class PracticalError(ValueError):
    """A practical file that cannot be used; the message names the file, the line and the field."""


@dataclass
class Question:
    id: str
    ask: str
    expected: str  # a formula (rig.expressions) over the student's table
    unit: str = ""
    tolerance: float = None  # in the unit
    tolerance_pct: float = None
    textbook: float = None  # the chapter's figure
    hint: str = ""
    options: dict = None  # a choice: option text -> the value ``expected`` gives for it

    def allowed_error(self, expected):
        if self.options is not None:
            return 0.0
        return self.tolerance if self.tolerance is not None else abs(expected) * self.tolerance_pct / 100.0


@dataclass
class Step:
    id: str
    text: str
    do: dict = field(default_factory=dict)  # patch {preparation, controls}, set {controls}, run_s
    checkpoint: dict = field(default_factory=dict)
    record: list = field(default_factory=list)
    prediction: dict = None
    questions: list = field(default_factory=list)


@dataclass
class Plot:
    """A plot of the results table: ``x`` and each of ``y`` are formulas evaluated on each row
    (``log10(K_o_mM)``), a point where a row has what they need; ``fit`` through the first series."""
    title: str
    x: str
    y: list
    x_label: str = ""
    y_label: str = ""
    fit: str = None


@dataclass
class Practical:
    path: str
    id: str
    title: str
    section: int
    preparation: str
    goals: list
    start: dict
    steps: list
    plots: list = field(default_factory=list)
    digest: str = ""  # SHA-256 of the file's text: which version of the practical this is

    def question(self, question_id):
        return next(q for step in self.steps for q in step.questions if q.id == question_id)


def load_practical(path):
    """The practical in file ``path`` (or the shipped one of that name), checked whole;
    PracticalError names file, line and field."""
    path = str(practical_path(path))
    raw, places = read_toml(path, "practical", MAX_FILE_BYTES, PracticalError,
                            f" (the app ships {', '.join(shipped_practicals())})")

    def fail(message, key=None, table=None, n=0):
        raise PracticalError(f"{path}, line {places.line(key, table, n)}: {message}")

    _known(raw, TOP_LEVEL, "a practical", lambda m, k: fail(m, k))
    title = _text(raw, "title", lambda m: fail(m, "title"))
    section = raw.get("section")
    if not isinstance(section, int) or isinstance(section, bool) or not 1 <= section <= 20:
        fail(f"section = {reprlib.repr(section)} must be the chapter's section number (1–20)", "section")
    preparation = raw.get("preparation")
    if preparation not in PREPARATIONS:
        fail(f"preparation = {reprlib.repr(preparation)}: choose one of {', '.join(PREPARATIONS)}", "preparation")
    goals = raw.get("goals")
    if not isinstance(goals, list) or not goals or not all(isinstance(g, str) and g.strip() for g in goals):
        fail("goals must be a list of texts, at least one: goals = [\"Measure ...\", \"Explain ...\"]", "goals")
    start = raw.get("start", {})
    if not isinstance(start, dict):
        fail(f"start = {reprlib.repr(start)} must be a table of controls", "start")
    start = checked_controls(start, preparation, False, lambda k, m: fail(f"[start] {m}", k, "start"))
    entries = raw.get("steps")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        fail("a practical needs [[steps]], at least one", "steps")
    steps, seen, question_n = [], set(), 0
    for n, entry in enumerate(entries):
        where = f"[[steps]] number {n + 1}"
        step = _step(entry, preparation, lambda m, key=None, n=n, where=where: fail(f"{where}: {m}", key, "steps", n))
        if step.id in seen:
            fail(f"{where}: id = {step.id!r} is used twice; every step needs its own", "id", "steps", n)
        seen.add(step.id)
        for k, question in enumerate(entry.get("questions", [])):
            step.questions.append(_question(question, lambda m, key=None, q=question_n + k, where=where:
                                            fail(f"{where}, question {k + 1}: {m}", key, "steps.questions", q)))
        question_n += len(step.questions)
        steps.append(step)
    ids = [q.id for step in steps for q in step.questions]
    if len(set(ids)) != len(ids):
        fail(f"question ids are used twice: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}", "steps")
    plots = raw.get("plots", [])
    if not isinstance(plots, list) or not all(isinstance(p, dict) for p in plots):
        fail("plots must be [[plots]] tables", "plots")
    plots = [_plot(entry, lambda m, key=None, n=n: fail(f"[[plots]] number {n + 1}: {m}", key, "plots", n))
             for n, entry in enumerate(plots)]
    name = path.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".toml")
    return Practical(path, name, title, section, preparation, goals, start, steps, plots, places.digest)


def _plot(entry, fail):
    _known(entry, PLOT_KEYS, "a plot", lambda m, k: fail(m, k))
    title, x = _text(entry, "title", lambda m: fail(m, "title")), _text(entry, "x", lambda m: fail(m, "x"))
    y = entry.get("y")
    if isinstance(y, str):
        y = [y]
    if not isinstance(y, list) or not y or not all(isinstance(v, str) for v in y):
        fail(f"y = {reprlib.repr(y)} must be a formula or a list of them: y = [\"V_mV\", \"E_K_mV\"]", "y")
    for key, formula in [("x", x)] + [("y", v) for v in y]:
        try:
            expressions.check(formula)
        except expressions.ExpressionError as e:
            fail(f"{key}: {e}", key)
    fit = entry.get("fit")
    if fit is not None and fit not in FITS:
        fail(f"fit = {reprlib.repr(fit)}: choose one of {', '.join(FITS)}", "fit")
    return Plot(title, x, y, _text(entry, "x_label", lambda m: fail(m, "x_label"), required=False),
                _text(entry, "y_label", lambda m: fail(m, "y_label"), required=False), fit)


def _known(table, keys, what, fail):
    for key in table:
        if key not in keys:
            fail(f"unknown field {reprlib.repr(key)}: {what} has {', '.join(keys)}", key)


def _text(table, key, fail, required=True):
    value = table.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        fail(f"{key} = {reprlib.repr(value)} must be text in quotes" + (", not empty" if required else ""))
    return value


def _step(entry, preparation, fail):
    _known(entry, STEP_KEYS, "a step", lambda m, k: fail(m, k))
    step_id, text = _text(entry, "id", lambda m: fail(m, "id")), _text(entry, "text", lambda m: fail(m, "text"))
    step = Step(step_id, text)
    do = entry.get("do", {})
    if not isinstance(do, dict):
        fail(f"do = {reprlib.repr(do)} must be a table: {{ set = {{ bath_K_mM = 8 }}, run_s = 30 }}", "do")
    _known(do, ("patch", "set", "run_s"), "do", lambda m, k: fail(f"do: {m}", "do"))
    if "patch" in do:
        patch = dict(do["patch"]) if isinstance(do["patch"], dict) else fail("do: patch must be a table", "do")
        cell = patch.pop("preparation", preparation)
        if cell not in PREPARATIONS:
            fail(f"do: patch preparation = {reprlib.repr(cell)}: choose one of {', '.join(PREPARATIONS)}", "do")
        step.do["patch"] = {"preparation": cell,
                            **checked_controls(patch, cell, False, lambda k, m: fail(f"do: patch: {m}", "do"))}
        preparation = cell
    if "set" in do:
        changes = do["set"] if isinstance(do["set"], dict) else fail("do: set must be a table of controls", "do")
        step.do["set"] = checked_controls(changes, preparation, True, lambda k, m: fail(f"do: set: {m}", "do"))
    if "run_s" in do:
        step.do["run_s"] = _number(do["run_s"], "do: run_s", lambda m: fail(m, "do"), low=0.0)
    checkpoint = entry.get("checkpoint", {})
    if not isinstance(checkpoint, dict):
        fail(f"checkpoint = {reprlib.repr(checkpoint)} must be a table: {{ bath_K_mM = 8, after_s = 20 }}",
             "checkpoint")
    extra = {key: checkpoint[key] for key in CHECKPOINT_EXTRA if key in checkpoint}
    controls = {key: value for key, value in checkpoint.items() if key not in CHECKPOINT_EXTRA}
    step.checkpoint = checked_controls(controls, preparation, False,
                                       lambda k, m: fail(f"checkpoint: {m}", "checkpoint"))
    if "after_s" in extra:
        step.checkpoint["after_s"] = _number(extra["after_s"], "checkpoint: after_s", lambda m: fail(m, "checkpoint"),
                                             low=0.0)
    if "recording" in extra:
        if not isinstance(extra["recording"], bool):
            fail("checkpoint: recording must be true or false", "checkpoint")
        step.checkpoint["recording"] = extra["recording"]
    record = entry.get("record", [])
    if not isinstance(record, list) or any(name not in MEASURES for name in record):
        fail(f"record = {reprlib.repr(record)}: a list of measurements, each one of {', '.join(MEASURES)}", "record")
    step.record = list(record)
    if "prediction" in entry:
        prediction = entry["prediction"]
        if not isinstance(prediction, dict) or set(prediction) - {"id", "ask", "unit"} or "ask" not in prediction:
            fail("prediction = { id = \"...\", ask = \"...\", unit = \"mV\" }: an id, the question and its unit",
                 "prediction")
        step.prediction = {"id": prediction.get("id", step_id), "ask": prediction["ask"],
                           "unit": prediction.get("unit", "")}
    if not isinstance(entry.get("questions", []), list):
        fail("questions must be [[steps.questions]] tables", "questions")
    return step


def _number(value, name, fail, low=None):
    number = as_number(value)
    if number is None or (low is not None and number < low):
        fail(f"{name} = {reprlib.repr(value)} must be a number" + (f" ({low:g} or more)" if low is not None else ""))
    return number


def _question(entry, fail):
    if not isinstance(entry, dict):
        fail("a question must be a [[steps.questions]] table")
    _known(entry, QUESTION_KEYS, "a question", lambda m, k: fail(m, k))
    question = Question(_text(entry, "id", lambda m: fail(m, "id")), _text(entry, "ask", lambda m: fail(m, "ask")),
                        _text(entry, "expected", lambda m: fail(m, "expected")),
                        unit=_text(entry, "unit", lambda m: fail(m, "unit"), required=False),
                        hint=_text(entry, "hint", lambda m: fail(m, "hint"), required=False))
    try:
        expressions.check(question.expected)
    except expressions.ExpressionError as e:
        fail(f"expected: {e}", "expected")
    for key in ("tolerance", "tolerance_pct", "textbook"):
        if key in entry:
            setattr(question, key, _number(entry[key], key, lambda m, key=key: fail(m, key), low=0.0
                                           if key != "textbook" else None))
    options = entry.get("options")
    if options is not None:
        if not isinstance(options, dict) or len(options) < 2 or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in options.values()):
            fail("options = { depolarises = 1, hyperpolarises = -1 }: two or more, each with the number "
                 "the expected formula gives for it", "options")
        question.options = dict(options)
    elif (question.tolerance is None) == (question.tolerance_pct is None):
        fail("a number question needs tolerance (in its unit) or tolerance_pct, one of them", "tolerance")
    return question
