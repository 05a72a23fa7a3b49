"""The instructor's commands for lab practicals, headless (no window):

    virtual-rig answer-key PRACTICAL --students roster.csv --course PHYS2026 [--csv key.csv]
    virtual-rig worksheet PRACTICAL --out sheet.html [--answers --student ID --course C]
    virtual-rig check-submission FILE.vrsub
    virtual-rig class --preparation neuron --n 30 --course PHYS2026

A roster is a CSV file with a ``student_id`` column (or the IDs in its first column).
"""
import argparse
import csv
import statistics
import sys

from .practical import PracticalError, load_practical
from .practical_run import answer_key
from .report import worksheet_html
from .session import Session
from .shipped import shipped_practicals
from .submission import SubmissionError, check_submission
from .variability import measure, student_seed


def _parser(prog, description):
    return argparse.ArgumentParser(prog=f"virtual-rig {prog}", description=description)


def _practical_argument(parser):
    parser.add_argument("practical", metavar="PRACTICAL",
                        help=f"a practical file, or a shipped one by name ({', '.join(shipped_practicals())})")


def _failed(e):
    print(f"virtual-rig: error: {e}", file=sys.stderr)
    return 2


def roster(path):
    """The student IDs in the roster CSV ``path`` (column ``student_id``, else the first)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"cannot read roster {path}: {getattr(e, 'strerror', None) or e}") from None
    if not rows:
        raise ValueError(f"roster {path} is empty: one student ID per line, under a student_id heading")
    header = [cell.strip().lower() for cell in rows[0]]
    column = header.index("student_id") if "student_id" in header else 0
    ids = [row[column].strip() for row in rows[1 if "student_id" in header else 0:] if len(row) > column]
    return [i for i in ids if i]


def answer_key_command(argv):
    parser = _parser("answer-key", "Every student's expected answers, from the cell their ID gives (headless).")
    _practical_argument(parser)
    parser.add_argument("--students", metavar="ROSTER", required=True, help="CSV with a student_id column")
    parser.add_argument("--course", default="", help="the course (and year) the students' cells belong to")
    parser.add_argument("--csv", metavar="OUT", help="also write the key here as CSV")
    args = parser.parse_args(argv)
    try:
        practical, students = load_practical(args.practical), roster(args.students)
    except (ValueError, PracticalError) as e:
        return _failed(e)
    questions = [q.id for step in practical.steps for q in step.questions]
    table = []
    for student in students:
        seed = student_seed(student, args.course)
        key = answer_key(practical, seed)
        table.append([student, seed] + [_shown(practical.question(q), key[q]) for q in questions])
        print("  ".join(str(cell) for cell in table[-1]), flush=True)
    if args.csv:
        try:
            with open(args.csv, "x", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow(["student_id", "cell_seed"] + questions)
                writer.writerows(table)
        except OSError as e:
            return _failed(f"cannot write {args.csv}: {e.strerror or e} (an existing file is never replaced)")
    return 0


def _shown(question, expected):
    if question.options is not None:
        return next((text for text, value in question.options.items() if value == expected), expected)
    return f"{expected:.4g}"


def worksheet_command(argv):
    parser = _parser("worksheet", "The practical as a paper worksheet (HTML: print it, or save it as PDF).")
    _practical_argument(parser)
    parser.add_argument("--out", required=True, metavar="FILE.html", help="where to write it (never replaced)")
    parser.add_argument("--answers", action="store_true", help="fill in the answers of one student's cell")
    parser.add_argument("--student", default=None, help="with --answers: whose cell (default: the standard cell)")
    parser.add_argument("--course", default="")
    args = parser.parse_args(argv)
    try:
        practical = load_practical(args.practical)
        seed = student_seed(args.student, args.course) if args.student is not None else None
        key = answer_key(practical, seed) if args.answers else None
        with open(args.out, "x", encoding="utf-8") as f:
            f.write(worksheet_html(practical, key))
    except (ValueError, PracticalError) as e:
        return _failed(e)
    except OSError as e:
        return _failed(f"cannot write {args.out}: {e.strerror or e} (an existing file is never replaced)")
    print(f"wrote {args.out}")
    return 0


def check_submission_command(argv):
    parser = _parser("check-submission", "Verify a handed-in practical's seal and mark it against the answer key.")
    parser.add_argument("path", metavar="FILE", help="the submission (NAME.vrsub)")
    args = parser.parse_args(argv)
    try:
        checked = check_submission(args.path)
    except (SubmissionError, PracticalError) as e:
        return _failed(e)
    print(f"seal holds: {checked['seal']}")
    print(f"{checked['practical']}: student {checked['student'] or '—'}, course {checked['course'] or '—'}, "
          f"cell seed {checked['cell_seed']}")
    for m in checked["marks"]:
        print(f"  {m['question']}: answered {m['answer']} ({m['attempts']} tries); own table gives "
              f"{_number(m['own_expected'])}: {m['own_mark']}; the key gives {_number(m['key'])}: {m['key_mark']}")
    return 0


def _number(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def class_command(argv):
    parser = _parser("class", "Measure a class of students' cells headless: rest, R_in and rheobase, mean ± SD.")
    parser.add_argument("--preparation", default="neuron")
    parser.add_argument("--n", type=int, default=20, help="how many students (s0001, s0002, ...)")
    parser.add_argument("--course", default="")
    args = parser.parse_args(argv)
    if args.n < 2:
        return _failed("--n must be 2 or more")
    try:
        found = [measure(Session(preparation=args.preparation, keep_trace=False,
                                 cell_seed=student_seed(f"s{k:04d}", args.course)))
                 for k in range(1, args.n + 1)]
    except ValueError as e:
        return _failed(e)
    for key in ("V_mV", "R_in_MOhm", "rheobase_pA", "E_Cl_mV"):
        values = [f[key] for f in found if f.get(key) is not None]
        if len(values) > 1:
            print(f"{key}: {statistics.mean(values):.4g} ± {statistics.stdev(values):.3g} (n = {len(values)})")
    return 0


COMMANDS = {"answer-key": answer_key_command, "worksheet": worksheet_command,
            "check-submission": check_submission_command, "class": class_command}
