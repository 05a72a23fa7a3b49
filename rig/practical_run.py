"""One student's way through a practical (``rig.practical``): the step they are on, whether its
checkpoint holds, the results table Record fills, predictions (locked once entered), answers
marked against the student's own table, every action with its time; saved to a JSON file after
each action (written whole, then renamed: a crash leaves the last saved state) and resumed from it.

``run_scripted`` is a student who does every step through the Session API; the answer key is what
that student's table gives (``answer_key``). Marks: ``correct`` within a quarter of the tolerance,
``within tolerance`` within it, ``wrong`` beyond it (a hint is offered then); a choice is right or
wrong. Every try counts.
"""
import datetime
import json
import math
import os
import threading

from . import expressions
from .controls import CONTROLS
from .measures import measure
from .practical import load_practical
from .session import Session

CORRECT_SHARE = 0.25  # of the tolerance: "correct", beyond it up to the tolerance "within tolerance"


class PracticalRun:
    def __init__(self, practical, student="", course="", cell_seed=None, path=None):
        self.practical = practical
        self.student, self.course, self.cell_seed = student, course, cell_seed
        self.path = path  # where progress is saved (None: not saved)
        self.step_index = 0
        self.rows = []  # the results table: dicts with step, t_s and the measurements' keys
        self.predictions = {}  # id -> value, locked once entered
        self.answers = {}  # question id -> {"value", "expected", "mark", "attempts"}
        self.log = []  # (wall-clock time, action, details)

    @property
    def step(self):
        return self.practical.steps[self.step_index]

    @property
    def finished(self):
        return self.step_index >= len(self.practical.steps) - 1 and self.step_done()

    # ---- what the student does -------------------------------------------------------------------
    def checkpoint(self, session):
        """(whether the step's checkpoint holds on the rig now, what is still missing, in words)."""
        missing = []
        for name, value in self.step.checkpoint.items():
            if name == "after_s":
                since = session.t_s - _last_change(session, self.step.checkpoint)
                if since < value:
                    missing.append(f"wait {value - since:.0f} s more for the cell to settle")
            elif name == "recording":
                if (session.logbook.recorder is not None) != value:
                    missing.append("start recording (● Record)" if value else "stop recording")
            elif session.get(name) != value:
                missing.append(f"set {CONTROLS[name].label} to {value:g} {CONTROLS[name].unit}".rstrip())
        return not missing, "; ".join(missing)

    def record(self, session):
        """The step's measurements, one row in the table (refused until the checkpoint holds)."""
        return self.keep(self.take(session))

    def take(self, session):
        """The step's measurements as a row, not yet kept (the window takes them on the rig's
        worker and keeps them on its own thread: the run changes on one thread only)."""
        holds, missing = self.checkpoint(session)
        if not holds:
            raise ValueError(f"not yet: {missing}")
        row = {"step": self.step.id, "t_s": session.t_s}
        for name in self.step.record:
            row.update(measure(session, name))
        return row

    def keep(self, row):
        """Add a row ``take`` gave to the table."""
        self.rows.append(row)
        self._did("record", row)
        return row

    def predict(self, value):
        """The step's prediction, entered once (before its experiment) and then locked."""
        prediction = self.step.prediction
        if prediction is None:
            raise ValueError(f"step {self.step.id!r} asks for no prediction")
        if prediction["id"] in self.predictions:
            raise ValueError("a prediction is locked once it is entered")
        self.predictions[prediction["id"]] = _finite(value, prediction["ask"])
        self._did("predict", {prediction["id"]: value})

    def expected(self, question_id):
        """The answer the student's own table gives (ExpressionError if it lacks what is needed)."""
        return expressions.evaluate(self.practical.question(question_id).expected, self.rows)

    def answer(self, question_id, value):
        """Mark ``value`` (a number, or a choice's option text) against the student's own table."""
        question = self.practical.question(question_id)
        expected = self.expected(question_id)
        if question.options is not None:
            if value not in question.options:
                raise ValueError(f"choose one of: {', '.join(question.options)}")
            mark = "correct" if question.options[value] == expected else "wrong"
        else:
            value = _finite(value, question.ask)
            error, allowed = abs(value - expected), question.allowed_error(expected)
            mark = ("correct" if error <= CORRECT_SHARE * allowed
                    else "within tolerance" if error <= allowed else "wrong")
        attempts = self.answers.get(question_id, {}).get("attempts", 0) + 1
        self.answers[question_id] = {"value": value, "expected": expected, "mark": mark, "attempts": attempts}
        self._did("answer", {question_id: value, "mark": mark})
        return mark

    def next(self, session):
        """On to the next step, once this one is done (recorded and answered)."""
        if not self.step_done():
            raise ValueError("first record this step's measurements and answer its questions")
        if self.step_index + 1 < len(self.practical.steps):
            self.step_index += 1
            self._did("next", {"step": self.step.id})

    def step_done(self):
        """Whether this step is recorded, its prediction entered and its questions answered."""
        step = self.step
        recorded = not step.record or any(row["step"] == step.id for row in self.rows)
        return recorded and all(q.id in self.answers for q in step.questions) and (
            step.prediction is None or step.prediction["id"] in self.predictions)

    # ---- saving ------------------------------------------------------------------------------------
    def _did(self, action, details):
        self.log.append((datetime.datetime.now().astimezone().isoformat(timespec="seconds"), action, details))
        if self.path is not None:
            self.save(self.path)

    def state(self):
        return {"practical": self.practical.id, "practical_path": self.practical.path, "student": self.student,
                "course": self.course, "cell_seed": self.cell_seed, "step_index": self.step_index,
                "rows": self.rows, "predictions": self.predictions, "answers": self.answers, "log": self.log}

    def save(self, path):
        staged = f"{path}.{os.getpid()}.{threading.get_ident()}.saving"  # two savers never share one
        with open(staged, "w", encoding="utf-8") as f:
            json.dump(self.state(), f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(staged, path)

    @classmethod
    def resume(cls, path):
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
        run = cls(load_practical(state["practical_path"]), state["student"], state["course"], state["cell_seed"],
                  path)
        run.step_index, run.rows, run.predictions = state["step_index"], state["rows"], state["predictions"]
        run.answers, run.log = state["answers"], [tuple(entry) for entry in state["log"]]
        return run


def _last_change(session, checkpoint):
    """When a control the checkpoint names last changed (0: never since the recording began)."""
    names = [name for name in checkpoint if name in CONTROLS]
    times = [t for t, text in session.markers() if text.split(" ", 1)[0] in names]
    return max(times, default=0.0)


def _finite(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what}: {value!r} is not a number")
    return float(value)


# ---- the scripted student and the answer key -----------------------------------------------------
def patch(practical, cell_seed, preparation=None, **controls):
    """The student's cell for ``practical`` (or for a step's ``patch``)."""
    return Session(preparation=preparation or practical.preparation, keep_trace=False, cell_seed=cell_seed,
                   **{**practical.start, **controls})


def run_scripted(practical, cell_seed=None, answers="own", typed=None):
    """A student who does every step through the Session API, records, predicts the textbook's
    figure where there is one, and answers each question with ``answers``: "own" (what their own
    table gives), "textbook" (the chapter's figure where the file has one), or the values in
    ``typed`` (question id -> value). Returns the PracticalRun, marked."""
    run = PracticalRun(practical, cell_seed=cell_seed)
    session = patch(practical, cell_seed)
    for k, step in enumerate(practical.steps):
        session = do_step(practical, step, session, cell_seed)
        if step.record:
            run.record(session)
        if step.prediction is not None:
            run.predict(0.0)
        for question in step.questions:
            run.answer(question.id, _scripted_answer(run, question, answers, typed))
        run.next(session)
    return run


def do_step(practical, step, session, cell_seed):
    """What ``step`` asks the student to do, done on ``session`` (or on a newly patched cell)."""
    if "patch" in step.do:
        session = patch(practical, cell_seed, **step.do["patch"])
    if step.do.get("set"):
        session.set(**step.do["set"])
    if step.do.get("run_s"):
        session.run(step.do["run_s"])
    return session


def _scripted_answer(run, question, answers, typed):
    if typed is not None and question.id in typed:
        return typed[question.id]
    expected = run.expected(question.id)
    if question.options is not None:
        return next(text for text, value in question.options.items() if value == expected)
    if answers == "textbook" and question.textbook is not None:
        return question.textbook
    return expected


def answer_key(practical, cell_seed=None):
    """{question id: expected answer} for the student whose cell is ``cell_seed``: the scripted
    student's own table, headless. Kept for the process: the same file and cell give the same key."""
    found = _keys.get((practical.path, practical.digest, cell_seed))
    if found is None:
        run = run_scripted(practical, cell_seed)
        found = _keys[practical.path, practical.digest, cell_seed] = {
            question_id: entry["expected"] for question_id, entry in run.answers.items()}
    return dict(found)


_keys = {}
