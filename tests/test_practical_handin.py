"""Handing a practical in (issue 28): the report with its plots, a sealed submission that one
changed byte breaks, and the instructor's commands (answer key from a roster, worksheet, check)."""
import json
import zipfile

import pytest

from rig.cli import main
from rig.practical import load_practical
from rig.practical_run import run_scripted
from rig.report import report_html
from rig.submission import SubmissionError, check_submission, write_submission
from rig.variability import student_seed

SEED = student_seed("s1003", "PHYS2026")


@pytest.fixture(scope="module")
def chloride_run():
    run = run_scripted(load_practical("06_chloride_and_gaba"), SEED)
    run.student, run.course = "s1003", "PHYS2026"
    return run


def test_the_report_holds_the_answers_marks_table_and_plots(chloride_run):
    text = report_html(chloride_run, [(0.5, "gaba_uM 0 -> 100")])
    assert "<svg" in text and "GABA&#x27;s effect against the driving force" in text
    assert text.count("<circle") == 3  # one point per cell: mature, passive, immature
    assert text.count('class="correct"') == len(chloride_run.answers) and "s1003" in text and str(SEED) in text
    assert "gaba_uM 0 -&gt; 100" in text


def test_a_sealed_submission_checks_and_is_marked_against_the_students_key(chloride_run, tmp_path, capsys):
    path = tmp_path / "s1003.vrsub"
    seal = write_submission(chloride_run, path, [(0.5, "a marker")])
    checked = check_submission(path)
    assert checked["seal"] == seal and checked["cell_seed"] == SEED
    assert {m["own_mark"] for m in checked["marks"]} == {m["key_mark"] for m in checked["marks"]} == {"correct"}
    assert main(["check-submission", str(path)]) == 0 and "seal holds" in capsys.readouterr().out
    with pytest.raises(SubmissionError, match="exists"):
        write_submission(chloride_run, path)


def test_one_changed_byte_breaks_the_seal(chloride_run, tmp_path, capsys):
    path, forged = tmp_path / "s1003.vrsub", tmp_path / "forged.vrsub"
    write_submission(chloride_run, path)
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(forged, "w") as copy:
        for name in original.namelist():
            data = original.read(name)
            if name == "progress.json":  # one digit of one answer
                state = json.loads(data)
                state["answers"]["E_Cl_mature"]["value"] += 1.0
                data = json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8")
            copy.writestr(name, data)
    with pytest.raises(SubmissionError, match="progress.json changed"):
        check_submission(forged)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 3] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(SubmissionError):
        check_submission(path)
    assert main(["check-submission", str(path)]) == 2 and "error" in capsys.readouterr().err


def test_the_instructor_rebuilds_every_students_key_and_prints_a_worksheet(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\ns1001,Ana\ns1003,Bo\n", encoding="utf-8")
    key = tmp_path / "key.csv"
    assert main(["answer-key", "06_chloride_and_gaba", "--students", str(roster), "--course", "PHYS2026",
                 "--csv", str(key)]) == 0
    rows = key.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("student_id,cell_seed,E_Cl_mature") and rows[2].startswith(f"s1003,{SEED},")
    sheet, answers = tmp_path / "sheet.html", tmp_path / "answers.html"
    assert main(["worksheet", "02_potassium_and_rest", "--out", str(sheet)]) == 0
    assert main(["worksheet", "02_potassium_and_rest", "--out", str(answers), "--answers"]) == 0
    blank, filled = sheet.read_text(encoding="utf-8"), answers.read_text(encoding="utf-8")
    assert "Predict first" in blank and "-102.3 mV" not in blank and "-102.3 mV" in filled
    assert main(["worksheet", "02_potassium_and_rest", "--out", str(sheet)]) == 2  # never replaced
    assert "never replaced" in capsys.readouterr().err
