"""A practical handed in: one sealed file (a ZIP, ``NAME.vrsub``) holding the report, the results
table as CSV, the student's progress with every action and its time (JSON), the marker log and,
if there is one, the recording's export; ``MANIFEST.json`` lists the SHA-256 of each and a seal
over them all. ``check_submission`` verifies the seal (one byte changed anywhere fails it) and
marks the answers again, offline: against the student's own table, and against the answer key of
the student's cell (the scripted student's run, headless), so a table the cell could not have
given shows up.
"""
import hashlib
import json
import zipfile
import zlib

from .practical import load_practical
from .practical_run import PracticalRun, answer_key
from .report import report_html, rows_csv

MANIFEST = "MANIFEST.json"


class SubmissionError(ValueError):
    """A submission that cannot be written, read, or trusted; the message says which."""


def write_submission(run, path, markers=(), recording_csv=None):
    """Write ``run`` (a PracticalRun) as the sealed submission ``path``; ``recording_csv`` is the
    path of the recording's CSV export, if any. Returns the seal."""
    files = {"report.html": report_html(run, markers).encode("utf-8"),
             "results.csv": rows_csv(run.rows).encode("utf-8"),
             "progress.json": json.dumps(run.state(), ensure_ascii=False, indent=1).encode("utf-8"),
             "markers.json": json.dumps([[t, text] for t, text in markers], ensure_ascii=False).encode("utf-8")}
    if recording_csv is not None:
        with open(recording_csv, "rb") as f:
            files["recording.csv"] = f.read()
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    manifest = {"files": digests, "seal": _seal(digests)}
    try:
        with zipfile.ZipFile(path, "x", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name, data in files.items():
                bundle.writestr(name, data)
            bundle.writestr(MANIFEST, json.dumps(manifest, indent=1))
    except FileExistsError:
        raise SubmissionError(f"cannot hand in to {path}: a file of that name exists; choose another") from None
    except OSError as e:
        raise SubmissionError(f"cannot hand in to {path}: {e.strerror or e}") from None
    return manifest["seal"]


def _seal(digests):
    return hashlib.sha256(json.dumps(digests, sort_keys=True).encode("utf-8")).hexdigest()


def check_submission(path, with_key=True):
    """{"seal": ..., "student", "practical", "marks": [{question, answer, own_mark, expected,
    key, key_mark}]}; SubmissionError if the file is not a sealed submission or was changed."""
    try:
        with zipfile.ZipFile(path) as bundle:
            manifest = json.loads(bundle.read(MANIFEST))
            files = {name: bundle.read(name) for name in manifest["files"]}
            extra = set(bundle.namelist()) - set(files) - {MANIFEST}
    except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile, zlib.error) as e:
        raise SubmissionError(f"{path} is not a Virtual Rig submission that can be read: {e}") from None
    changed = [name for name, data in files.items() if hashlib.sha256(data).hexdigest() != manifest["files"][name]]
    if changed or extra or _seal(manifest["files"]) != manifest.get("seal"):
        what = ", ".join(changed) or ", ".join(sorted(extra)) or "the manifest"
        raise SubmissionError(f"{path}: the seal does not hold ({what} changed since it was handed in)")
    state = json.loads(files["progress.json"])
    run = PracticalRun(load_practical(state["practical"]), state["student"], state["course"], state["cell_seed"])
    run.rows, run.answers = state["rows"], state["answers"]
    key = answer_key(run.practical, run.cell_seed) if with_key else {}
    marks = []
    for question_id, entry in run.answers.items():
        question = run.practical.question(question_id)
        own = run.expected(question_id)
        expected = key.get(question_id)
        marks.append({"question": question_id, "answer": entry["value"], "own_expected": own,
                      "own_mark": _mark(question, entry["value"], own), "key": expected,
                      "key_mark": None if expected is None else _mark(question, entry["value"], expected),
                      "attempts": entry["attempts"]})
    return {"seal": manifest["seal"], "student": run.student, "course": run.course, "cell_seed": run.cell_seed,
            "practical": run.practical.id, "marks": marks}


def _mark(question, value, expected):
    if question.options is not None:
        return "correct" if question.options.get(value) == expected else "wrong"
    return "correct" if abs(value - expected) <= question.allowed_error(expected) else "wrong"
