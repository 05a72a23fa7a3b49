"""A lab practical completed through the window's panel (issue 28): Next, Record, a prediction and
typed answers with their marks, a step's new cell, Hand in; the submission checks, and the
progress on disk resumes where the student was."""
import os
import zipfile

import pytest

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton

from rig.practical_run import PracticalRun, answer_key
from rig.submission import check_submission
from rig.variability import student_seed
from ui.practical_dialog import PracticalDialog
from ui.practical_panel import progress_path

SEED = student_seed("s1003", "PHYS2026")


def _button(window, name):
    return window.practical.findChild(QPushButton, f"practical:{name}")


def _record(window, qtbot, rows):
    qtbot.waitUntil(lambda: not window.patching and _button(window, "record").isEnabled(), timeout=40000)
    qtbot.mouseClick(_button(window, "record"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.practical.run.rows) == rows, timeout=10000)


def _type(window, qtbot, key, text):
    field = window.practical.findChild(QLineEdit, f"practical:{key}")
    field.clear()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    return window.practical.findChild(QLabel, f"practical:{key}:feedback").text()


def _choose(window, qtbot, key, option):
    box = window.practical.findChild(QComboBox, f"practical:{key}")
    box.setCurrentText(option)
    qtbot.mouseClick(window.practical.findChild(QPushButton, f"practical:{key}:check"), Qt.MouseButton.LeftButton)


def _answer_own(window, qtbot, key):
    return _type(window, qtbot, key, f"{window.practical.run.expected(key):.2f}")


@pytest.mark.parametrize("pace", ["1x", pytest.param("10x, paused and resumed", marks=pytest.mark.slow)])
def test_a_student_completes_the_chloride_practical_in_the_window_and_hands_it_in(window, qtbot, pace):
    seen = {}
    if pace != "1x":
        window.speed_box.setCurrentText("10×")

    def choose():
        dialog = window.findChild(PracticalDialog, "practical_dialog")
        dialog.list.setCurrentRow([dialog.list.item(k).data(Qt.ItemDataRole.UserRole)
                                   for k in range(dialog.list.count())].index("06_chloride_and_gaba"))
        qtbot.mouseClick(dialog.findChild(QPushButton, "practical:start"), Qt.MouseButton.LeftButton)
        seen["problem"] = dialog.problem.text()  # no student ID yet: refused, with why
        qtbot.keyClicks(dialog.student, "s1003")
        qtbot.keyClicks(dialog.course, "PHYS2026")
        qtbot.mouseClick(dialog.findChild(QPushButton, "practical:start"), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, choose)
    window.open_practical()
    assert "Type your student ID" in seen["problem"]
    qtbot.waitUntil(lambda: window.session.cell_seed == SEED and not window.patching, timeout=40000)
    run = window.practical.run
    assert not _button(window, "next").isEnabled()
    if pace != "1x":  # a pause while the cell settles changes nothing the student records
        window.run_action.trigger()
        qtbot.waitUntil(lambda: window.loop.paused)
        qtbot.wait(500)
        window.run_action.trigger()
    _record(window, qtbot, 1)
    window.record_action.trigger()  # a recording of the experiment goes into the hand-in too
    qtbot.waitUntil(lambda: window.session.logbook.recorder is not None)
    assert "locked in" in _type(window, qtbot, "immature_dV_guess", "8")
    wrong = _type(window, qtbot, "E_Cl_mature", "-60")
    assert wrong.startswith("wrong (1 try) — hint:")
    assert _answer_own(window, qtbot, "E_Cl_mature").startswith("correct (2 tries)")
    _choose(window, qtbot, "gaba_mature", "hyperpolarises it")
    qtbot.mouseClick(_button(window, "next"), Qt.MouseButton.LeftButton)
    assert run.step.id == "passive"

    qtbot.mouseClick(_button(window, "patch"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.get("kcc2_rel") == 0.0 and not window.patching, timeout=40000)
    _record(window, qtbot, 2)
    _answer_own(window, qtbot, "E_Cl_passive_minus_V")
    qtbot.mouseClick(_button(window, "next"), Qt.MouseButton.LeftButton)

    qtbot.mouseClick(_button(window, "patch"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.preparation.name == "immature_neuron" and not window.patching,
                    timeout=40000)
    _record(window, qtbot, 3)
    for key in ("E_Cl_immature", "gaba_immature_dV"):
        _answer_own(window, qtbot, key)
    _choose(window, qtbot, "gaba_immature", "depolarises it")
    qtbot.waitUntil(lambda: window.practical.table.rowCount() == 3)  # the table follows on the window's frame
    assert run.finished
    assert {entry["mark"] for entry in run.answers.values()} == {"correct"}

    assert not window.record_action.isChecked()  # patching the step's new cell ended the recording, kept as the last
    path = window.practical.hand_in()
    assert path is not None and os.path.exists(path) and os.path.exists(path.replace(".vrsub", ".pdf"))
    checked = check_submission(path)
    assert checked["cell_seed"] == SEED and checked["student"] == "s1003"
    assert {m["own_mark"] for m in checked["marks"]} == {"correct"}
    assert "Handed in" in window.statusBar().currentMessage() and "with the recording" in \
        window.statusBar().currentMessage()
    with zipfile.ZipFile(path) as bundle:
        assert "recording.csv" in bundle.namelist()

    # what the student recorded in the window is what the headless answer key gives, to a tenth of the tolerance
    key = answer_key(run.practical, SEED)
    for question in (q for step in run.practical.steps for q in step.questions if q.options is None):
        expected = run.expected(question.id)
        assert abs(expected - key[question.id]) <= question.allowed_error(key[question.id]) / 10, question.id
    resumed = PracticalRun.resume(progress_path(window.folder, "06_chloride_and_gaba", "s1003"))
    assert resumed.step_index == 2 and len(resumed.rows) == 3 and resumed.answers == run.answers
