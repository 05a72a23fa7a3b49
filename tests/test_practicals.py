"""Lab practicals (issue 28): every shipped practical runs headless from start to end by a scripted
student and is marked fully correct on the student's own cell; the textbook's figures typed in are
marked wrong wherever the cell differs from them by more than the tolerance; two students' keys
differ; progress survives a restart; a malformed file names its line and field."""
import json

import pytest

from rig.expressions import ExpressionError, check, evaluate
from rig.practical import PracticalError, load_practical
from rig.practical_run import PracticalRun, answer_key, patch, run_scripted
from rig.shipped import shipped_practicals
from rig.variability import student_seed

PRACTICALS = shipped_practicals()
STUDENT = student_seed("s1003", "PHYS2026")


@pytest.mark.parametrize("name", PRACTICALS)
def test_a_scripted_student_is_marked_fully_correct_and_another_students_key_differs(name):
    """The student's own answers are all correct; the textbook's figures typed in instead are wrong
    exactly where the cell differs from them by more than the tolerance; and another student's
    answer key differs from this one's beyond the tolerance in at least one number."""
    practical = load_practical(name)
    own = run_scripted(practical, STUDENT)
    assert own.finished and {entry["mark"] for entry in own.answers.values()} == {"correct"}
    textbook = PracticalRun(practical, cell_seed=STUDENT)
    textbook.rows = own.rows  # the same experiment, the textbook's figures typed in
    for question in (q for step in practical.steps for q in step.questions if q.textbook is not None):
        expected = own.answers[question.id]["expected"]
        differs = abs(question.textbook - expected) > question.allowed_error(expected)
        assert (textbook.answer(question.id, question.textbook) == "wrong") == differs, question.id
    other = answer_key(practical, student_seed("s1001", "PHYS2026"))
    numbers = [q for step in practical.steps for q in step.questions if q.options is None]
    apart = [q.id for q in numbers
             if abs(other[q.id] - own.answers[q.id]["expected"]) > q.allowed_error(other[q.id])]
    assert apart, "no numeric answer tells these two students apart"


def test_progress_is_saved_as_it_happens_and_resumed_after_a_restart(tmp_path):
    practical = load_practical("06_chloride_and_gaba")
    path = tmp_path / "progress.json"
    run = PracticalRun(practical, "s1003", "PHYS2026", STUDENT, path=str(path))
    session = patch(practical, STUDENT)
    with pytest.raises(ValueError, match="not yet: wait 2 s more"):
        run.record(session)  # the checkpoint does not hold yet
    session.run(2.5)
    run.record(session)
    run.predict(8.0)
    with pytest.raises(ValueError, match="locked"):
        run.predict(-8.0)
    with pytest.raises(ValueError, match="answer its questions"):
        run.next(session)
    assert run.answer("E_Cl_mature", -60.0) == "wrong" and run.answer("E_Cl_mature", run.expected("E_Cl_mature")) \
        == "correct" and run.answers["E_Cl_mature"]["attempts"] == 2
    back = PracticalRun.resume(str(path))  # as after a crash: the last action is on disk
    assert back.rows == json.loads(json.dumps(run.rows)) and back.predictions == {"immature_dV_guess": 8.0}
    assert back.answers["E_Cl_mature"]["attempts"] == 2 and back.step_index == 0 and len(back.log) == 4
    assert not list(tmp_path.glob("*.saving"))


def test_a_choice_is_marked_by_the_option_the_students_own_measurement_names():
    practical = load_practical("06_chloride_and_gaba")
    run = run_scripted(practical, None, typed={"gaba_mature": "depolarises it", "gaba_immature": "depolarises it"})
    assert run.answers["gaba_mature"]["mark"] == "wrong" and run.answers["gaba_immature"]["mark"] == "correct"
    with pytest.raises(ValueError, match="choose one of: hyperpolarises it"):
        run.answer("gaba_mature", "excites it")


@pytest.mark.parametrize("text, message", [
    ('title = "x"\nsection = 2\npreparation = "neuron"\ngoals = ["g"]\n[[steps]]\nid = "a"\ntext = "t"\n'
     'record = ["rest"]\n', "line 8: [[steps]] number 1: record = ['rest']: a list of measurements"),
    ('title = "x"\nsection = 2\npreparation = "neuron"\ngoals = ["g"]\n[[steps]]\nid = "a"\ntext = "t"\n'
     '[[steps.questions]]\nid = "q"\nask = "?"\nexpected = "__import__(\'os\')"\ntolerance = 1\n',
     "line 11: [[steps]] number 1, question 1: expected: \"__import__('os')\": only slope"),
    ('title = "x"\nsection = 2\npreparation = "neuron"\ngoals = ["g"]\n[[steps]]\nid = "a"\ntext = "t"\n'
     'checkpoint = { bath_K_mM = 900 }\n', "line 8: [[steps]] number 1: checkpoint: bath_K_mM = 900 is out of range"),
    ('title = "x"\nsection = 2\npreparation = "neuron"\ngoals = ["g"]\n[[steps]]\nid = "a"\ntext = "t"\n'
     '[[steps.questions]]\nid = "q"\nask = "?"\nexpected = "V_mV"\n',
     "line 8: [[steps]] number 1, question 1: a number question needs tolerance"),
    ('title = "x"\nsection = 2\npreparation = "purkinje"\n', "line 3: preparation = 'purkinje'"),
    ('title = "x"\nsectoin = 2\n', "line 2: unknown field 'sectoin'"),
])
def test_a_malformed_practical_names_its_file_line_and_field(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PracticalError) as refused:
        load_practical(str(path))
    assert str(refused.value).startswith(f"{path}, ") and message in str(refused.value)


@pytest.mark.parametrize("formula", ["os.system('x')", "V_mV[0]", "(lambda: 1)()", "slope(x=V_mV, y=V_mV)", "[1]"])
def test_a_formula_holds_no_code(formula):
    with pytest.raises(ExpressionError):
        check(formula)


def test_a_formula_reads_the_students_table():
    rows = [{"step": "a", "x": 1.0, "V_mV": -70.0}, {"step": "b", "x": 2.0, "V_mV": -60.0}]
    assert evaluate("slope(x, V_mV)", rows) == pytest.approx(10.0)
    assert evaluate("at('b', 'V_mV') - at('a', 'V_mV')", rows) == pytest.approx(10.0)
    with pytest.raises(ExpressionError, match="nothing recorded for V_mV in step 'c'"):
        evaluate("at('c', 'V_mV')", rows)
