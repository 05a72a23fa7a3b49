"""A practical on paper: the student's report (HTML with its plots drawn in, and a results table
as CSV) and the instructor's worksheet (the practical as a handout, with the answers if asked).
Text only: a PDF of either is made from this HTML by the window (Qt's PDF writer).
"""
import csv
import datetime
import html
import io

from . import plots
from .version import version

STYLE = """body { font-family: sans-serif; max-width: 46em; margin: 2em auto; line-height: 1.4 }
table { border-collapse: collapse; margin: 0.5em 0 } td, th { border: 1px solid #999; padding: 2px 6px }
.correct, .within { color: #006400 } .wrong { color: #b00000 } .step { margin-top: 1.5em }
.line { display: inline-block; min-width: 10em; border-bottom: 1px solid #000 }"""


def report_html(run, markers=()):
    """The student's report of ``run`` (a PracticalRun): who, which cell, predictions, answers
    with their marks, the results table, the plots and the marker log."""
    practical = run.practical
    parts = [_head(f"{practical.title}: report"), f"<h1>{_e(practical.title)}</h1>",
             _table([("Student", run.student or "—"), ("Course", run.course or "—"),
                     ("Cell seed", "standard cell" if run.cell_seed is None else run.cell_seed),
                     ("Model version", version()),
                     ("Written", datetime.datetime.now().astimezone().isoformat(timespec="seconds"))]),
             "<h2>Goals</h2><ul>" + "".join(f"<li>{_e(goal)}</li>" for goal in practical.goals) + "</ul>"]
    for step in practical.steps:
        parts.append(f'<div class="step"><h3>{_e(step.id)}</h3><p>{_e(step.text)}</p>')
        if step.prediction is not None:
            value, unit = run.predictions.get(step.prediction["id"]), step.prediction["unit"]
            said = "—" if value is None else f"{value:g} {unit}"
            parts.append(f"<p>Prediction: {_e(step.prediction['ask'])} <b>{_e(said)}</b></p>")
        for question in step.questions:
            entry = run.answers.get(question.id)
            if entry is None:
                parts.append(f"<p>{_e(question.ask)} <i>not answered</i></p>")
                continue
            value = entry["value"] if question.options is not None else f"{entry['value']:g} {question.unit}"
            mark = entry["mark"]
            parts.append(f'<p>{_e(question.ask)} <b>{_e(value)}</b> <span class="{mark.split()[0]}">{_e(mark)}'
                         f'</span> ({entry["attempts"]} {"try" if entry["attempts"] == 1 else "tries"})</p>')
        parts.append("</div>")
    parts += ["<h2>Results</h2>", _rows_table(run.rows), "<h2>Plots</h2>"]
    for plot in practical.plots:
        points = plots.series(plot, run.rows)
        parts.append(plots.svg(plot, points, plots.fitted(plot, points)))
    parts += ["<h2>Markers</h2>", _table([(f"{t:.3f} s", text) for t, text in markers], ("t", "marker"))]
    return "\n".join(parts) + "</body></html>"


def worksheet_html(practical, key=None):
    """The practical as a handout: goals, steps, blank lines for predictions and answers; with
    ``key`` ({question id: expected}, e.g. ``answer_key`` of a student's cell) the answers filled in."""
    parts = [_head(f"{practical.title}: worksheet"), f"<h1>{_e(practical.title)}</h1>",
             "<p>Name: <span class='line'></span> Student ID: <span class='line'></span></p>",
             "<h2>Goals</h2><ul>" + "".join(f"<li>{_e(goal)}</li>" for goal in practical.goals) + "</ul>"]
    for number, step in enumerate(practical.steps, 1):
        parts.append(f'<div class="step"><h3>Step {number}</h3><p>{_e(step.text)}</p>')
        if step.prediction is not None:
            parts.append(f"<p>Predict first: {_e(step.prediction['ask'])} <span class='line'></span> "
                         f"{_e(step.prediction['unit'])}</p>")
        for question in step.questions:
            if key is None:
                blank = " / ".join(_e(o) for o in question.options) if question.options else \
                    f"<span class='line'></span> {_e(question.unit)}"
            else:
                blank = f"<b>{_e(_answer_text(question, key[question.id]))}</b>"
            parts.append(f"<p>{_e(question.ask)} {blank}</p>")
        parts.append("</div>")
    return "\n".join(parts) + "</body></html>"


def _answer_text(question, expected):
    if question.options is not None:
        return next((text for text, value in question.options.items() if value == expected), f"{expected:g}")
    allowed = question.allowed_error(expected)
    return f"{expected:.4g} {question.unit} (± {allowed:.2g})".replace("  ", " ")


def rows_csv(rows):
    """The results table as CSV text: one row per Record, a column per key (units in the names)."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return out.getvalue()


def _rows_table(rows):
    columns = list(dict.fromkeys(key for row in rows for key in row))
    body = [[_cell(row.get(c)) for c in columns] for row in rows]
    return _table(body, columns) if rows else "<p><i>nothing recorded</i></p>"


def _cell(value):
    return "" if value is None else f"{value:.4g}" if isinstance(value, float) else value


def _table(rows, header=None):
    head = "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>" if header else ""
    return ("<table>" + head + "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
            + "</table>")


def _head(title):
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{STYLE}</style></head><body>")


def _e(value):
    return html.escape(str(value))
